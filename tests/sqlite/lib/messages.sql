-- lib/messages.sql — the message bib prints for each error code of the
-- reference vectors (shared/vectors/bib/README.md).
--
-- The texts are those of shared/bib_status.c; PostgreSQL prints the same.
-- A row with op NULL applies to every operation; a row with an op wins for
-- that operation (the reference has one ARG_KEY_LENGTH, bib tells which key;
-- the reference reports an empty share list as SHARE_TOO_FEW, bib says
-- "no shares given").  Look a message up with
--   (SELECT message FROM code_message AS m WHERE m.code = <code>
--    AND (m.op = <op> OR m.op IS NULL) ORDER BY m.op IS NULL LIMIT 1)
CREATE TEMP TABLE code_message(code TEXT NOT NULL, op TEXT, message TEXT NOT NULL);
INSERT INTO code_message VALUES
    ('ENV_SHORT', NULL, 'bib: envelope is too short'),
    ('ENV_BAD_MAGIC', NULL, 'bib: not a bib envelope (bad magic)'),
    ('ENV_BAD_VERSION', NULL, 'bib: unsupported envelope version'),
    ('ENV_BAD_MODE', NULL, 'bib: unknown envelope mode'),
    ('ENV_BAD_AEAD', NULL, 'bib: unknown envelope AEAD'),
    ('ENV_BAD_FLAGS', NULL, 'bib: envelope flags must be zero'),
    ('ENV_WRONG_MODE', NULL, 'bib: envelope mode does not match this function'),
    ('ENV_ZERO_SHARED', NULL, 'bib: X25519 key has small order (all-zero shared secret)'),
    ('ENV_AUTH', NULL, 'bib: envelope authentication failed'),
    ('ARG_KEY_LENGTH', NULL, 'bib: key must be 32 bytes'),
    ('ARG_KEY_LENGTH', 'unseal_raw', 'bib: secret key must be 32 bytes'),
    ('SHARE_BAD_CHECK', NULL, 'bib: share check value does not match'),
    ('SHARE_MIXED_SPLIT_ID', NULL, 'bib: shares come from different splits'),
    ('SHARE_MIXED_THRESHOLD', NULL, 'bib: shares have different thresholds'),
    ('SHARE_MIXED_LENGTH', NULL, 'bib: shares have different lengths'),
    ('SHARE_DUPLICATE_INDEX', NULL, 'bib: the same share index appears twice'),
    ('SHARE_TOO_FEW', NULL, 'bib: fewer shares than the threshold'),
    ('SHARE_TOO_FEW', 'combine_nothing', 'bib: no shares given'),
    ('SHARE_SHORT', NULL, 'bib: share is too short'),
    ('SHARE_BAD_MAGIC', NULL, 'bib: not a bib share (bad magic)'),
    ('SHARE_BAD_VERSION', NULL, 'bib: unsupported share version'),
    ('SHARE_BAD_THRESHOLD', NULL, 'bib: share threshold is zero'),
    ('SHARE_BAD_INDEX', NULL, 'bib: share index is zero'),
    ('SHARE_TOO_LONG', NULL, 'bib: share is too long');
