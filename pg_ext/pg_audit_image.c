/*
 * pg_audit_image.c — row images: the columns of a row as a jsonb object
 * and, in the same pass, the text that object prints as, which is what the
 * row hash covers (docs/audit-format.md).
 *
 * This is the audit trigger's hot path.  Letting pushJsonbValue sort every
 * row's keys, and printing the stored jsonb back to text for the hash, cost
 * as much as converting the values; so the columns are visited in jsonb's
 * key order (shorter names first, then bytewise: bib_image_key_order), the
 * object is assembled as a JsonbValue tree that is serialised once, and each
 * value's text is written as the value is converted.  That text is exactly
 * what JsonbToCString prints for the stored value: bib.audit_verify
 * recomputes it from the stored jsonb with JsonbToCString, so a difference
 * would show as a bad row hash.
 *
 * Values are what to_jsonb() gives, except that timestamptz is written in
 * UTC and floats as their shortest exact decimal — in one-dimensional
 * arrays too — so that an entry does not depend on the session's settings.
 */
#include "pg_audit.h"

#include <math.h>

#include "bib_json.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#define REDACTED "[redacted]"

static BibImageKind scalar_kind(Oid base)
{
    switch (base) {
    case BOOLOID:
        return IK_BOOL;
    case INT2OID:
    case INT4OID:
    case INT8OID:
        return IK_INT;
    case FLOAT4OID:
        return IK_FLOAT4;
    case FLOAT8OID:
        return IK_FLOAT8;
    case NUMERICOID:
        return IK_NUMERIC;
    case TEXTOID:
    case VARCHAROID:
        return IK_TEXT;
    case BPCHAROID:
    case NAMEOID:
    case UUIDOID:
    case CHAROID:
    case BYTEAOID:
    case INETOID:
    case CIDROID:
    case INTERVALOID:
    case TIMEOID:
    case TIMETZOID:
        return IK_STRING;
    case DATEOID:
    case TIMESTAMPOID:
    case TIMESTAMPTZOID:
        return IK_DATETIME;
    case JSONBOID:
        return IK_JSONB;
    default:
        return type_is_enum(base) ? IK_STRING : IK_OTHER;
    }
}

/* to_jsonb() for values of typid: it learns its argument's type from the call expression. */
static void to_jsonb_init(FmgrInfo *fn, Oid typid, int32 typmod, Oid collation, MemoryContext cxt)
{
    fmgr_info_cxt(F_TO_JSONB, fn, cxt);
    fn->fn_expr = (Node *)makeFuncExpr(F_TO_JSONB, JSONBOID,
                                       list_make1(makeNullConst(typid, typmod, collation)),
                                       InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
}

static void value_init(BibImageValue *v, Oid typid, int32 typmod, Oid collation, MemoryContext cxt)
{
    Oid out;
    bool varlena;
    Oid elem;

    v->base_type = getBaseType(typid);
    v->kind = scalar_kind(v->base_type);
    get_typlenbyvalalign(typid, &v->typlen, &v->typbyval, &v->typalign);
    if (v->kind == IK_STRING) {
        getTypeOutputInfo(typid, &out, &varlena);
        fmgr_info_cxt(out, &v->fn, cxt);
        return;
    }
    if (v->kind != IK_OTHER)
        return;
    /* An array of scalars is converted here; anything else, and arrays of more than one
     * dimension (known only per value), by to_jsonb(). */
    to_jsonb_init(&v->fn, typid, typmod, collation, cxt);
    elem = get_element_type(v->base_type);
    if (OidIsValid(elem) && scalar_kind(getBaseType(elem)) != IK_OTHER) {
        v->element = MemoryContextAllocZero(cxt, sizeof(BibImageValue));
        value_init(v->element, elem, -1, InvalidOid, cxt);
        v->kind = IK_ARRAY;
    }
}

static void append_to_stringinfo(void *out, const char *bytes, size_t len)
{
    appendBinaryStringInfo((StringInfo)out, bytes, (int)len);
}

/* escape_json() for a string of known length (text values are not NUL-terminated). */
static void append_json_string(StringInfo out, const char *s, int len)
{
    bib_json_write_string(s, (size_t)len, append_to_stringinfo, out);
}

static void string_value(JsonbValue *jv, StringInfo out, char *s, int len)
{
    jv->type = jbvString;
    jv->val.string.val = s;
    jv->val.string.len = len;
    append_json_string(out, s, len);
}

static void numeric_value(JsonbValue *jv, StringInfo out, Numeric n)
{
    jv->type = jbvNumeric;
    jv->val.numeric = n;
    appendStringInfoString(out,
                           DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n))));
}

/* A float as to_jsonb() gives it, but with the shortest exact digits whatever the session says. */
static void float_value(JsonbValue *jv, StringInfo out, char *digits, bool finite)
{
    if (!finite)
        string_value(jv, out, digits, (int)strlen(digits));
    else
        numeric_value(
            jv, out,
            DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(digits),
                                                ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1))));
}

/* The JsonbValue tree of a stored container, which JsonbValueToJsonb can embed. */
static void container_value(JsonbValue *jv, JsonbContainer *c)
{
    JsonbParseState *state = NULL;
    JsonbIterator *it = JsonbIteratorInit(c);
    JsonbIteratorToken tok;
    JsonbValue v;
    JsonbValue *tree = NULL;

    while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
        tree = pushJsonbValue(
            &state, tok,
            tok < WJB_BEGIN_ARRAY || (tok == WJB_BEGIN_ARRAY && v.val.array.rawScalar) ? &v : NULL);
    *jv = *tree;
}

/* A jsonb value; a scalar prints as JsonbToCString prints it inside a container. */
static void jsonb_value(JsonbValue *jv, StringInfo out, Jsonb *jb)
{
    if (!JB_ROOT_IS_SCALAR(jb)) {
        container_value(jv, &jb->root);
        JsonbToCString(out, &jb->root, (int)VARSIZE(jb));
        return;
    }
    JsonbExtractScalar(&jb->root, jv);
    switch (jv->type) {
    case jbvNull:
        appendStringInfoString(out, "null");
        break;
    case jbvBool:
        appendStringInfoString(out, jv->val.boolean ? "true" : "false");
        break;
    case jbvNumeric:
        numeric_value(jv, out, jv->val.numeric);
        break;
    default:
        string_value(jv, out, jv->val.string.val, jv->val.string.len);
        break;
    }
}

static void value_image(JsonbValue *jv, StringInfo out, BibImageValue *iv, Datum d);

/* A one-dimensional array, element by element; others go through to_jsonb(). */
static void array_value(JsonbValue *jv, StringInfo out, BibImageValue *iv, Datum d)
{
    ArrayType *a = DatumGetArrayTypeP(d);
    BibImageValue *ev = iv->element;
    Datum *elems;
    bool *nulls;
    int n;

    if (ARR_NDIM(a) > 1) {
        jsonb_value(jv, out, DatumGetJsonbP(FunctionCall1(&iv->fn, d)));
        return;
    }
    deconstruct_array(a, ARR_ELEMTYPE(a), ev->typlen, ev->typbyval, ev->typalign, &elems, &nulls,
                      &n);
    jv->type = jbvArray;
    jv->val.array.rawScalar = false;
    jv->val.array.nElems = n;
    jv->val.array.elems = palloc(sizeof(JsonbValue) * (n > 0 ? n : 1));
    appendStringInfoCharMacro(out, '[');
    for (int i = 0; i < n; i++) {
        if (i > 0)
            appendBinaryStringInfo(out, ", ", 2);
        if (nulls[i]) {
            jv->val.array.elems[i].type = jbvNull;
            appendStringInfoString(out, "null");
        } else {
            value_image(&jv->val.array.elems[i], out, ev, elems[i]);
        }
    }
    appendStringInfoCharMacro(out, ']');
}

static void value_image(JsonbValue *jv, StringInfo out, BibImageValue *iv, Datum d)
{
    char buf[Max(DOUBLE_SHORTEST_DECIMAL_LEN, MAXINT8LEN + 1)];
    char *s;

    switch (iv->kind) {
    case IK_BOOL:
        jv->type = jbvBool;
        jv->val.boolean = DatumGetBool(d);
        appendStringInfoString(out, jv->val.boolean ? "true" : "false");
        break;
    case IK_INT: {
        int64 n = iv->base_type == INT2OID   ? DatumGetInt16(d)
                  : iv->base_type == INT4OID ? DatumGetInt32(d)
                                             : DatumGetInt64(d);

        /* numeric_out of an integer prints the integer: skip the round trip. */
        jv->type = jbvNumeric;
        jv->val.numeric = int64_to_numeric(n);
        appendBinaryStringInfo(out, buf, pg_lltoa(n, buf));
        break;
    }
    case IK_FLOAT4:
        float_to_shortest_decimal_buf(DatumGetFloat4(d), buf);
        float_value(jv, out, pstrdup(buf), !isnan(DatumGetFloat4(d)) && !isinf(DatumGetFloat4(d)));
        break;
    case IK_FLOAT8:
        double_to_shortest_decimal_buf(DatumGetFloat8(d), buf);
        float_value(jv, out, pstrdup(buf), !isnan(DatumGetFloat8(d)) && !isinf(DatumGetFloat8(d)));
        break;
    case IK_NUMERIC: {
        Numeric n = DatumGetNumeric(d);

        if (numeric_is_nan(n) || numeric_is_inf(n)) {
            s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
            string_value(jv, out, s, (int)strlen(s));
        } else {
            numeric_value(jv, out, n);
        }
        break;
    }
    case IK_TEXT: {
        text *t = DatumGetTextPP(d);

        string_value(jv, out, VARDATA_ANY(t), (int)VARSIZE_ANY_EXHDR(t));
        break;
    }
    case IK_STRING:
        s = OutputFunctionCall(&iv->fn, d);
        string_value(jv, out, s, (int)strlen(s));
        break;
    case IK_DATETIME: {
        static const int utc = 0;

        s = JsonEncodeDateTime(NULL, d, iv->base_type,
                               iv->base_type == TIMESTAMPTZOID ? &utc : NULL);
        string_value(jv, out, s, (int)strlen(s));
        break;
    }
    case IK_JSONB:
        jsonb_value(jv, out, DatumGetJsonbP(d));
        break;
    case IK_ARRAY:
        array_value(jv, out, iv, d);
        break;
    case IK_OTHER:
        jsonb_value(jv, out, DatumGetJsonbP(FunctionCall1(&iv->fn, d)));
        break;
    }
}

void bib_image_column_init(BibImageColumn *col, Form_pg_attribute att, MemoryContext cxt)
{
    MemoryContext old = MemoryContextSwitchTo(cxt);
    StringInfoData quoted;

    col->name = pstrdup(NameStr(att->attname));
    col->name_len = (int)strlen(col->name);
    initStringInfo(&quoted);
    append_json_string(&quoted, col->name, col->name_len);
    col->quoted_name = quoted.data;
    col->quoted_len = quoted.len;
    value_init(&col->value, att->atttypid, att->atttypmod, att->attcollation, cxt);
    MemoryContextSwitchTo(old);
}

/* jsonb's key order: shorter first, then bytewise (lengthCompareJsonbStringValue). */
static int key_cmp(const BibImageColumn *a, const BibImageColumn *b)
{
    if (a->name_len != b->name_len)
        return a->name_len < b->name_len ? -1 : 1;
    return memcmp(a->name, b->name, a->name_len);
}

int bib_image_key_order(const BibImageColumn *cols, const bool *present, int ncols, int *order)
{
    int n = 0;

    /* Insertion sort: tables have tens of columns, and this runs once per table. */
    for (int i = 0; i < ncols; i++) {
        int j;

        if (!present[i])
            continue;
        for (j = n++; j > 0 && key_cmp(&cols[order[j - 1]], &cols[i]) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    return n;
}

void bib_image_build(BibAuditImage *img, BibImageColumn *cols, const int *order, int n,
                     const bool *include, const Datum *values, const bool *nulls)
{
    JsonbPair *pairs = palloc(sizeof(JsonbPair) * (n > 0 ? n : 1));
    JsonbValue object;
    StringInfoData out;
    int npairs = 0;

    initStringInfo(&out);
    appendStringInfoCharMacro(&out, '{');
    for (int k = 0; k < n; k++) {
        int i = order[k];
        BibImageColumn *col = &cols[i];
        JsonbPair *pair = &pairs[npairs];

        if (!include[i])
            continue;
        if (npairs > 0)
            appendBinaryStringInfo(&out, ", ", 2);
        appendBinaryStringInfo(&out, col->quoted_name, col->quoted_len);
        appendBinaryStringInfo(&out, ": ", 2);
        pair->key.type = jbvString;
        pair->key.val.string.val = col->name;
        pair->key.val.string.len = col->name_len;
        pair->order = (uint32)npairs++;
        if (nulls[i]) {
            pair->value.type = jbvNull;
            appendStringInfoString(&out, "null");
        } else if (col->redacted) {
            string_value(&pair->value, &out, REDACTED, (int)strlen(REDACTED));
        } else {
            value_image(&pair->value, &out, &col->value, values[i]);
        }
    }
    appendStringInfoCharMacro(&out, '}');
    object.type = jbvObject;
    object.val.object.nPairs = npairs;
    object.val.object.pairs = pairs;
    img->jsonb = JsonbValueToJsonb(&object);
    img->text = out.data;
    img->text_len = out.len;
}
