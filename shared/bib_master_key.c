/*
 * bib_master_key.c — reading the master key from a file or a command.
 *
 * The file is opened first and then checked with fstat, so the checks apply
 * to the file actually read, not to whatever the path names a moment later.
 */
#include "bib_master_key.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Room for the 64 digits, a line ending, and enough more to notice junk. */
#define TEXT_BYTES 128U

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bib_status bib_master_key_parse(uint8_t key[BIB_MASTER_KEYBYTES], const char *text, size_t len)
{
    size_t hex_len = 2 * BIB_MASTER_KEYBYTES, bin_len = 0;

    if (len < hex_len)
        return BIB_ERR_MASTER_KEY_FORMAT;
    for (size_t i = hex_len; i < len; i++)
        if (!is_space(text[i]))
            return BIB_ERR_MASTER_KEY_FORMAT;
    if (sodium_hex2bin(key, BIB_MASTER_KEYBYTES, text, hex_len, NULL, &bin_len, NULL) != 0 ||
        bin_len != BIB_MASTER_KEYBYTES) {
        sodium_memzero(key, BIB_MASTER_KEYBYTES);
        return BIB_ERR_MASTER_KEY_FORMAT;
    }
    return BIB_OK;
}

/* Read at most cap bytes of fd into text; *len gets the count, or cap + 1 if there was more. */
static int read_all(int fd, char *text, size_t cap, size_t *len)
{
    size_t got = 0;
    char extra;

    for (;;) {
        ssize_t n = got < cap ? read(fd, text + got, cap - got) : read(fd, &extra, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        if (got >= cap) {
            got = cap + 1;
            break;
        }
        got += (size_t)n;
    }
    *len = got;
    return 0;
}

bib_status bib_master_key_read_file(uint8_t key[BIB_MASTER_KEYBYTES], const char *path, uid_t owner)
{
    char text[TEXT_BYTES];
    size_t len = 0;
    struct stat st;
    bib_status status;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return errno == ENOENT ? BIB_ERR_MASTER_KEY_MISSING : BIB_ERR_MASTER_KEY_UNREADABLE;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return BIB_ERR_MASTER_KEY_UNREADABLE;
    }
    if (st.st_uid != owner || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        close(fd);
        return BIB_ERR_MASTER_KEY_PERMISSIONS;
    }
    if (read_all(fd, text, sizeof text, &len) != 0)
        status = BIB_ERR_MASTER_KEY_UNREADABLE;
    else if (len > sizeof text)
        status = BIB_ERR_MASTER_KEY_FORMAT;
    else
        status = bib_master_key_parse(key, text, len);
    close(fd);
    sodium_memzero(text, sizeof text);
    return status;
}

bib_status bib_master_key_read_command(uint8_t key[BIB_MASTER_KEYBYTES], const char *command)
{
    char text[TEXT_BYTES];
    size_t len = 0;
    int rc, exit_status, exited_ok, cut_off;
    bib_status status;
    FILE *out = popen(command, "r");

    if (out == NULL)
        return BIB_ERR_MASTER_KEY_COMMAND;
    rc = read_all(fileno(out), text, sizeof text, &len);
    exit_status = pclose(out);
    exited_ok = exit_status != -1 && WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0;
    /*
     * Reading stops after too much output, so a command still writing dies
     * of SIGPIPE (or its shell exits 128 + SIGPIPE): its output is what is
     * wrong, whatever the size of the pipe buffer let it finish.
     */
    cut_off = rc == 0 && len > sizeof text && exit_status != -1 &&
              ((WIFSIGNALED(exit_status) && WTERMSIG(exit_status) == SIGPIPE) ||
               (WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 128 + SIGPIPE));
    if (rc != 0 || !(exited_ok || cut_off))
        status = BIB_ERR_MASTER_KEY_COMMAND;
    else if (len > sizeof text)
        status = BIB_ERR_MASTER_KEY_FORMAT;
    else
        status = bib_master_key_parse(key, text, len);
    sodium_memzero(text, sizeof text);
    return status;
}
