/* cairn: drafts, what was being typed into a field when the terminal went
 * away (a dropped SSH link), kept aside in .cairn/drafts beside the index:
 * never committed, never pushed, whatever the text (a half-typed date
 * that is no date yet is kept as it is).  The terminal interface offers
 * a draft back on its next start and drops it once the field is edited.
 * One draft per record and field; a newer one replaces it. */
#ifndef CAIRN_DRAFTS_H
#define CAIRN_DRAFTS_H

#include <stddef.h>

#include "cairn/error.h"
#include "cairn/workbook.h"

typedef struct cairn_draft {
	char *ref;      /* "kind/id" as the record was named */
	char *field;    /* the field's key ("deadline", "answer.kpis") */
	char *text;     /* what was typed */
	char *when;     /* when it was kept, "2016-03-20T10:04:00Z" */
} cairn_draft;

/* Keep text as the draft of ref's field. */
cairn_status cairn_wb_draft_keep(cairn_wb *wb, const char *ref, const char *field,
				 const char *text, cairn_error *err);
/* Every draft, oldest first: a new array of *n, released with
 * cairn_drafts_free (NULL and 0 when there is none). */
cairn_status cairn_wb_drafts(cairn_wb *wb, cairn_draft **out, size_t *n, cairn_error *err);
void cairn_drafts_free(cairn_draft *d, size_t n);
/* Drop the draft of ref's field; none is no error. */
cairn_status cairn_wb_draft_drop(cairn_wb *wb, const char *ref, const char *field,
				 cairn_error *err);

#endif
