/*
 * bib_json.h — how bib writes a string inside JSON text.
 *
 * Row images are hashed as text, so both adapters must escape strings the
 * same way, and PostgreSQL's must be byte for byte what its escape_json()
 * writes (the audit verifier re-prints stored jsonb with it): the short
 * forms \" \\ \b \f \n \r \t, other control characters as \u00xx in
 * lowercase hex, every other byte (UTF-8 included) as it is.
 */
#ifndef BIB_JSON_H
#define BIB_JSON_H

#include <stddef.h>

/* Where the text goes: the adapter's buffer, appended to. */
typedef void bib_json_append_fn(void *out, const char *bytes, size_t len);

/* n bytes of s as a quoted JSON string (a NUL byte is escaped like any control character). */
void bib_json_write_string(const char *s, size_t n, bib_json_append_fn *append, void *out);

#endif
