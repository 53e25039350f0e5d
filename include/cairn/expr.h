/* cairn: the small expression language of questionnaire logic
 * (core/model/expr.c): when a question is shown (q.KEY.when) and what its
 * answer must satisfy (q.KEY.constraint).  An expression is data that
 * arrives from other members: it is parsed by cairn's own parser, never
 * given to a shell or an interpreter, and evaluation cannot loop, allocate
 * without bound or read anything but the evaluation's own answers.
 *
 * The language (cairn-workbook(5) has the same, for users):
 *   ${key}               the answer to question key ("" when unanswered)
 *   .                    the answer being checked (in a constraint)
 *   12, 2.5, 'text', "text", true, false
 *   = != < <= > >=       numbers compare as numbers, other values as text
 *   + - * /              on numbers; unanswered or not a number: no value
 *   and or not ( )
 *   selected(${q}, 'choice')   the answer of q holds that choice
 *   answered(${q})             q has an answer
 *   count(${q})                how many choices the answer of q holds
 * A value is true when it is a true comparison, a number other than 0, or
 * an answer that is given and not "no". */
#ifndef CAIRN_EXPR_H
#define CAIRN_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"

/* Longest expression and deepest nesting accepted: a peer's template
 * cannot make the parser recurse without bound. */
#define CAIRN_EXPR_MAX_LEN 2000
#define CAIRN_EXPR_MAX_DEPTH 32

typedef struct cairn_expr cairn_expr;

/* Parse text into *out (the caller frees it with cairn_expr_free).  On an
 * error the message says what was expected and *at (when not NULL) is the
 * 1-based character position; the caller prefixes where the text came from. */
cairn_status cairn_expr_parse(const char *text, cairn_expr **out, size_t *at,
			      cairn_error *err);
void cairn_expr_free(cairn_expr *e);

/* The question keys the expression reads, in order of first use; whether
 * it reads the answer being checked ("."). */
size_t cairn_expr_nrefs(const cairn_expr *e);
const char *cairn_expr_ref(const cairn_expr *e, size_t i);
bool cairn_expr_reads_self(const cairn_expr *e);

/* The i-th selected(q, 'choice') of the expression, in the order written:
 * *key is the question's key (NULL for ".", the answer being checked) and
 * *choice the text it looks for; false past the last. */
bool cairn_expr_selected(const cairn_expr *e, size_t i, const char **key, const char **choice);

/* The answers an evaluation gives: the stored answer to key, or NULL when
 * there is none.  Multiple-choice answers hold one choice key per line. */
typedef const char *(*cairn_expr_answers)(void *ctx, const char *key);

/* Whether e holds for these answers; self is the answer being checked
 * (NULL outside a constraint). */
bool cairn_expr_holds(const cairn_expr *e, cairn_expr_answers answers, void *ctx,
		      const char *self);

#endif
