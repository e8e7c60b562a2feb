/*
 * bib_json.c — escaping a byte inside a JSON string (see bib_json.h).
 */
#include "bib_json.h"

size_t bib_json_escape(unsigned char c, char esc[BIB_JSON_ESCAPE_MAX])
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
