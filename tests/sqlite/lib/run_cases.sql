-- lib/run_cases.sql — run statements that must fail and collect their errors.
--
-- SQL cannot catch an error, and an error ends its statement, so checking
-- hundreds of failing inputs takes one statement each.  This script writes
-- them, one per line, to a script for a child sqlite3 session (with the
-- extension loaded and vectors.db attached as v), runs it with .shell (its
-- exit status is of no interest: the statements fail on purpose), and
-- reads the child's stderr back: the shell reports each failure as
-- "Runtime error near line N: <message>", and line N identifies the case.
--
-- In:  TEMP TABLE cases(label TEXT, stmt TEXT, expected TEXT), a statement
--      per row, in rowid order; `expected` is the message it must raise.
-- Out: TEMP TABLE case_result(line, label, expected, got): got is the
--      message the statement raised, NULL if it raised none.
--      TEMP TABLE case_noise(text): any other output of the child (results
--      of statements that did not fail, crash reports); expected empty.
.headers off
.mode list
DROP TABLE IF EXISTS temp.case_line;
DROP TABLE IF EXISTS temp.case_result;
DROP TABLE IF EXISTS temp.case_noise;
-- Lines 1 and 2 of the child script load the extension and attach the vectors.
CREATE TEMP TABLE case_line AS
SELECT 2 + row_number() OVER (ORDER BY rowid) AS line, label, expected,
       replace(replace(stmt, char(10), ' '), char(13), ' ') AS stmt
FROM cases;
.output @WORK@/cases.sql
SELECT '.load @SO@';
SELECT 'ATTACH ''@WORK@/vectors.db'' AS v;';
SELECT stmt FROM case_line ORDER BY line;
.output stdout
.shell @SQLITE3@ :memory: < @WORK@/cases.sql > @WORK@/cases.out 2>&1 || true
CREATE TEMP TABLE case_output AS
WITH RECURSIVE split(text, rest) AS (
    SELECT NULL, CAST(readfile('@WORK@/cases.out') AS TEXT)
    UNION ALL
    SELECT substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1)
    FROM split WHERE instr(rest, char(10)) > 0)
SELECT text FROM split WHERE text IS NOT NULL;
CREATE TEMP TABLE case_result AS
WITH error(line, message) AS (
    SELECT CAST(substr(text, instr(text, ' line ') + 6) AS INTEGER),
           substr(text, instr(text, ': ') + 2)
    FROM case_output WHERE text GLOB '* error near line [0-9]*: *')
SELECT c.line, c.label, c.expected, e.message AS got
FROM case_line AS c LEFT JOIN error AS e ON e.line = c.line
ORDER BY c.line;
CREATE TEMP TABLE case_noise AS
SELECT text FROM case_output WHERE text NOT GLOB '* error near line [0-9]*: *';
DROP TABLE temp.case_output;
