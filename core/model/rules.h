/* The rules every save of a record obeys (core/model/rules.c): pure
 * functions of cairn_record, shared by save.c, sync.c and the workflow
 * steps of core/workbook/.  Being below the workbook, they cannot call
 * back into it.  Private to core/. */
#ifndef CAIRN_MODEL_RULES_H
#define CAIRN_MODEL_RULES_H

#include <stdbool.h>

#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/record.h"

/* A template about to be saved over base: when its questions (the list or
 * any q.* field) changed and its version did not rise, raise it by one.
 * True when it did. */
bool cairn_template_settle(const cairn_record *base, cairn_record *rec);

/* The fingerprint of an evaluation's answers: the SHA-1 (40 hex digits) of
 * every answer.* field in key order, each as KEY NUL VALUE NUL. */
void cairn_answers_fingerprint(const cairn_record *rec, char hex[41]);

/* An evaluation about to be saved: when it is validated and its answers no
 * longer match the fingerprint its validation saw, it goes back to
 * submitted, its fingerprint is dropped, and a line is added to its
 * comments: "answers changed after validation: answer.X by WHO on WHEN".
 * The changed answers are named by comparing with seen (the record the
 * validation was made on, as far as the caller knows; NULL: not named).
 * A fingerprint left on an evaluation that is no longer validated is
 * dropped.  *reset (may be NULL) tells whether it went back. */
cairn_status cairn_evaluation_settle(cairn_record *rec, const cairn_record *seen,
				     const char *who, const char *when, bool *reset,
				     cairn_error *err);

/* An assigned evaluation about to be saved over base with answers that
 * changed (the edit left its status alone): it becomes a draft, whichever
 * face gave the answers.  True when it did. */
bool cairn_evaluation_start(const cairn_record *base, cairn_record *rec);

/* comments with one more line "DATE WHO: TEXT" (a new string, or NULL). */
char *cairn_comments_plus(const cairn_record *rec, const char *line);
/* The answers that differ between seen and rec, as "answer.a, answer.b". */
void cairn_changed_answers(const cairn_record *seen, const cairn_record *rec, cairn_buf *out);

#endif
