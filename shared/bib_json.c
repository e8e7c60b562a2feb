/*
 * bib_json.c — writing a string inside JSON text (see bib_json.h).
 */
#include "bib_json.h"

/* The longest escape: \u00xx. */
#define ESCAPE_MAX 6

/* The escape of byte c into esc and its length; 0 when c stands for itself. */
static size_t escape(unsigned char c, char esc[ESCAPE_MAX])
{
    static const char hex[] = "0123456789abcdef";
    char short_form;

    if (c >= 0x20 && c != '"' && c != '\\')
        return 0;
    switch (c) {
    case '"':
    case '\\':
        short_form = (char)c;
        break;
    case '\b':
        short_form = 'b';
        break;
    case '\f':
        short_form = 'f';
        break;
    case '\n':
        short_form = 'n';
        break;
    case '\r':
        short_form = 'r';
        break;
    case '\t':
        short_form = 't';
        break;
    default:
        esc[0] = '\\';
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        return 6;
    }
    esc[0] = '\\';
    esc[1] = short_form;
    return 2;
}

void bib_json_write_string(const char *s, size_t n, bib_json_append_fn *append, void *out)
{
    size_t run = 0;

    append(out, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char esc[ESCAPE_MAX];
        size_t esc_len = escape((unsigned char)s[i], esc);

        if (esc_len == 0)
            continue;
        /* Runs that need no escape are passed on whole. */
        if (i > run)
            append(out, s + run, i - run);
        append(out, esc, esc_len);
        run = i + 1;
    }
    if (n > run)
        append(out, s + run, n - run);
    append(out, "\"", 1);
}
