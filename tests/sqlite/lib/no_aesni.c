/*
 * no_aesni.c — preloaded by settings.sql into a child sqlite3 session to
 * play a CPU without AES-NI: libsodium then reports AES-256-GCM unavailable,
 * which is all bib asks it (bib_aead_check_available).
 */
int crypto_aead_aes256gcm_is_available(void);

int crypto_aead_aes256gcm_is_available(void)
{
    return 0;
}
