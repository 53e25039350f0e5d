/* A template question's labels per language (core/model/qlabels.c), read by
 * cairn_template_from_record in core/model/kinds.c. */
#ifndef CAIRN_CORE_QLABELS_H
#define CAIRN_CORE_QLABELS_H

#include "cairn/kinds.h"

/* Read every q.KEY.PART.LANG field of rec into the questions of tpl
 * (already read), checking each: PART is prompt, help or choices, LANG a
 * tag such as fr or pt-br, KEY a listed question, and a choices label list
 * has one line per choice. */
cairn_status cairn_qlabels_read(const char *tid, const cairn_record *rec, cairn_template *tpl,
				cairn_error *err);
void cairn_qlabels_free(cairn_question *q);

#endif
