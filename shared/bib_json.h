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

/* The longest escape: \u00xx. */
#define BIB_JSON_ESCAPE_MAX 6U

/* The escape of byte c into esc and its length; 0 when c stands for itself. */
size_t bib_json_escape(unsigned char c, char esc[BIB_JSON_ESCAPE_MAX]);

#endif
