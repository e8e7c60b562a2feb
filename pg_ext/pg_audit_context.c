/*
 * pg_audit_context.c — the operation context of the current transaction.
 *
 *   bib.set_context(operation_id uuid, job_id uuid DEFAULT NULL,
 *                   source text DEFAULT NULL, actor text DEFAULT NULL) → void
 *
 * Every audit entry written later in the transaction carries the context.
 * It behaves like SET LOCAL: it ends with the transaction, a rolled-back
 * savepoint restores the context that was set before it, and outside a
 * transaction block it lasts only for the current statement (with the same
 * WARNING that SET LOCAL gives).  operation_id must not be NULL: an entry
 * whose context names no operation is written by not calling set_context.
 *
 * The context is kept in backend memory, not in settings, so that no SET
 * can make it outlive its transaction.
 */
#include "pg_audit.h"

#include "access/xact.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(bib_set_context);

/* One set_context call, stacked by subtransaction level so that a rollback can pop it. */
typedef struct ContextFrame {
    BibAuditContext context;
    int nest_level;
    struct ContextFrame *below;
} ContextFrame;

/* Top of the stack, in TopTransactionContext; NULL when no context is set. */
static ContextFrame *frames;

static const BibAuditContext no_context;

const BibAuditContext *bib_audit_context(void)
{
    return frames != NULL ? &frames->context : &no_context;
}

/* Transaction end: the memory goes with TopTransactionContext. */
static void context_xact_callback(XactEvent event, void *arg)
{
    (void)arg;
    switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
        frames = NULL;
        break;
    default:
        break;
    }
}

/*
 * A rolled-back savepoint drops the frames set inside it; a released one
 * hands them to its parent level, so that the parent's rollback drops them.
 */
static void context_subxact_callback(SubXactEvent event, SubTransactionId sub,
                                     SubTransactionId parent, void *arg)
{
    int level = GetCurrentTransactionNestLevel();

    (void)sub;
    (void)parent;
    (void)arg;
    if (event == SUBXACT_EVENT_ABORT_SUB) {
        while (frames != NULL && frames->nest_level >= level)
            frames = frames->below;
    } else if (event == SUBXACT_EVENT_COMMIT_SUB) {
        for (ContextFrame *f = frames; f != NULL && f->nest_level >= level; f = f->below)
            f->nest_level = level - 1;
    }
}

void bib_audit_context_init(void)
{
    RegisterXactCallback(context_xact_callback, NULL);
    RegisterSubXactCallback(context_subxact_callback, NULL);
}

static const char *copy_text_arg(FunctionCallInfo fcinfo, int n)
{
    if (PG_ARGISNULL(n))
        return NULL;
    return MemoryContextStrdup(TopTransactionContext, text_to_cstring(PG_GETARG_TEXT_PP(n)));
}

Datum bib_set_context(PG_FUNCTION_ARGS)
{
    ContextFrame *f;

    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("bib: operation_id must not be NULL"),
                        errhint("The context ends with the transaction; entries written "
                                "without one carry NULL context columns.")));
    if (!IsTransactionBlock())
        ereport(WARNING, (errcode(ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
                          errmsg("bib: set_context outside a transaction block lasts only "
                                 "for the current statement"),
                          errhint("Call it after BEGIN, before the changes it describes.")));

    f = MemoryContextAllocZero(TopTransactionContext, sizeof(ContextFrame));
    f->context.has_operation_id = true;
    f->context.operation_id = *PG_GETARG_UUID_P(0);
    if (!PG_ARGISNULL(1)) {
        f->context.has_job_id = true;
        f->context.job_id = *PG_GETARG_UUID_P(1);
    }
    f->context.source = copy_text_arg(fcinfo, 2);
    f->context.actor = copy_text_arg(fcinfo, 3);
    f->nest_level = GetCurrentTransactionNestLevel();
    f->below = frames;
    frames = f;
    PG_RETURN_VOID();
}
