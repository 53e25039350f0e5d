/* cairn: evaluation templates, their questions and the answers they take,
 * with each question's labels in other languages (core/model/template.c).
 * Apart from kinds.h so that a template stands on its own: it needs no
 * kind, and kinds.h includes it for the whole-record checks, which take
 * an evaluation's template. */
#ifndef CAIRN_TEMPLATE_H
#define CAIRN_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/expr.h"
#include "cairn/i18n.h"
#include "cairn/record.h"

/* ---- templates and answers ---- */

#define CAIRN_QTYPE_LIST(X) \
	X(TEXT,     "text",     N_("text"))              \
	X(LONGTEXT, "longtext", N_("long text"))         \
	X(YESNO,    "yesno",    N_("yes/no"))            \
	X(SINGLE,   "single",   N_("single choice"))     \
	X(MULTIPLE, "multiple", N_("multiple choice"))   \
	X(SCALE,    "scale",    N_("scale 1-5"))         \
	X(NUMBER,   "number",   N_("number"))            \
	X(PERCENT,  "percent",  N_("percentage"))        \
	X(DATE,     "date",     N_("date"))

typedef enum cairn_qtype {
#define CAIRN_QTYPE_ENUM(id, name, label) CAIRN_Q_##id,
	CAIRN_QTYPE_LIST(CAIRN_QTYPE_ENUM)
#undef CAIRN_QTYPE_ENUM
	CAIRN_Q_COUNT
} cairn_qtype;

/* A question's text in one more language, from q.KEY.PART.LANG fields
 * (LANG: a tag such as fr, pt-br).  A part left out falls back to the
 * default text (q.KEY.PART). */
typedef struct cairn_qlabels {
	char *lang;
	char *prompt;           /* NULL: not given in this language */
	char *help;
	char **choices;         /* NULL, or one label per choice, in order */
	char *constraint_message;
} cairn_qlabels;

typedef struct cairn_question {
	char *key;
	char *prompt;
	char *help;
	cairn_qtype type;
	/* The choice keys: what an answer stores, whatever the language it
	 * was given in; also the default labels. */
	char **choices;
	size_t nchoices;
	bool required;
	bool has_min, has_max;
	double min, max;
	/* Questionnaire logic (include/cairn/expr.h): shown and required only
	 * when `when` holds over earlier answers; an answer must make
	 * `constraint` hold, else constraint_message is the refusal.  NULL:
	 * none.  The texts are kept as written, for show and the form. */
	char *when, *constraint, *constraint_message;
	cairn_expr *when_expr, *constraint_expr;
	cairn_qlabels *labels;
	size_t nlabels;
} cairn_question;

typedef struct cairn_template {
	char *id;
	char *title;
	int version;
	cairn_question *questions;
	size_t nquestions;
} cairn_template;

const char *cairn_qtype_name(cairn_qtype t);
const char *cairn_qtype_label(cairn_qtype t);

/* Read a template record (checking every question) into tpl, which the
 * caller releases with cairn_template_done. */
cairn_status cairn_template_from_record(const char *id, const cairn_record *rec,
					cairn_template *tpl, cairn_error *err);
/* The same for a kind's form, whose questions are fields of own's records:
 * its expressions may also read own's fields (a milestone's ${status}),
 * cairn's, which come before the form's. */
struct cairn_kind_def;
cairn_status cairn_template_from_record_of(const char *id, const cairn_record *rec,
					   const struct cairn_kind_def *own, cairn_template *tpl,
					   cairn_error *err);
void cairn_template_done(cairn_template *tpl);
const cairn_question *cairn_template_question(const cairn_template *tpl, const char *key);

/* A question's text for a reader of langs, the preferred label tags best
 * first separated by ':' ("fr:en"; "" or NULL: the default).  A tag
 * matches a label of the same tag, then of the same language ("fr-be"
 * takes "fr").  Never NULL: the default text when no language has it. */
const char *cairn_question_prompt(const cairn_question *q, const char *langs);
const char *cairn_question_help(const cairn_question *q, const char *langs);
const char *cairn_question_choice(const cairn_question *q, size_t i, const char *langs);
/* The constraint's own message for a reader of langs ("" when it has none). */
const char *cairn_question_constraint_message(const cairn_question *q, const char *langs);
/* A stored answer as a reader of langs sees it: each choice key (one per
 * line) replaced by its label; other answers unchanged.  A new string the
 * caller frees, or NULL when out of memory. */
char *cairn_answer_shown(const cairn_question *q, const char *stored, const char *langs);

/* The order to show rec's fields in (order: rec->nfields indexes): fields
 * not under prefix as they are, then those of each question of tpl in the
 * order of its questions field ("q." for a template's own q.KEY.* fields,
 * type, prompt, help, choices, required; "answer." for an evaluation's
 * answers), then any left (a question no longer listed).  tpl may be NULL. */
void cairn_fields_in_question_order(const cairn_record *rec, const char *prefix,
				    const cairn_template *tpl, size_t *order);

/* Check an answer typed by a user against its question and give its stored
 * form (*out, the caller frees): a percentage is 0-100, a scale 1-5, a
 * choice one of the choices (its key or its label in any language, matched
 * ignoring case, stored as the key), a multiple choice a set of choices
 * given one per line or separated by commas, stored one per line in the
 * template's order. */
cairn_status cairn_answer_normalize(const cairn_question *q, const char *input,
				    const char *date_fmt, char **out, cairn_error *err);

/* ---- questionnaire logic ---- */

/* Which questions the answers of evaluation rec make relevant: rel[i] for
 * tpl->questions[i] (an array of tpl->nquestions).  A question is relevant
 * when it has no `when`, or its `when` holds; an answer to a question that
 * is not relevant reads as unanswered in the questions after it. */
void cairn_template_relevance(const cairn_template *tpl, const cairn_record *rec, bool *rel);
bool cairn_question_relevant(const cairn_template *tpl, const cairn_record *rec,
			     const cairn_question *q);
/* The same for a record that keeps the answers under prefix: "answer."
 * for an evaluation, "" for a kind's form, whose fields are the record's
 * own (cairn/schema.h). */
void cairn_template_relevance_in(const cairn_template *tpl, const cairn_record *rec,
				 const char *prefix, bool *rel);

/* Check the stored answer of q in rec against q's constraint (CAIRN_OK
 * when it has none, the answer is empty or q is not relevant); the
 * refusal is q's constraint message in langs, or names the condition. */
cairn_status cairn_answer_check_constraint(const cairn_template *tpl, const cairn_record *rec,
					   const cairn_question *q, const char *langs,
					   cairn_error *err);
/* The same for answers kept under prefix (cairn_template_relevance_in). */
cairn_status cairn_answer_check_constraint_in(const cairn_template *tpl, const cairn_record *rec,
					      const char *prefix, const cairn_question *q,
					      const char *langs, cairn_error *err);
/* Every rule of question q over the answers of rec kept under prefix:
 * when relevant (rel[i] for tpl->questions[i], from
 * cairn_template_relevance_in; NULL: all are), an answer if q is required
 * and its constraint.  Messages start with the field (PREFIXKEY: ...). */
cairn_status cairn_answer_check_in(const cairn_template *tpl, const cairn_record *rec,
				   const char *prefix, const bool *rel, const cairn_question *q,
				   const char *langs, cairn_error *err);

#endif
