/* cairn: the model.  Kinds of record, their fields and types, and the
 * checks every value passes before it is saved.
 *
 * One table describes every kind (see core/model/kinds.c); the record writer's
 * field order, the SQLite columns and their constraints, the command-line
 * field names and the JSON export all come from it.
 */
#ifndef CAIRN_KINDS_H
#define CAIRN_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/i18n.h"
#include "cairn/record.h"

/* In dependency order: a kind refers only to kinds before it, so loading
 * in this order never meets a reference to a record not yet loaded. */
#define CAIRN_KIND_LIST(X) \
	X(LIST,       "list",       "lists")       \
	X(FORM,       "form",       "forms")       \
	X(PERSON,     "person",     "persons")     \
	X(TARGET,     "target",     "targets")     \
	X(TOOL,       "tool",       "tools")       \
	X(TEMPLATE,   "template",   "templates")   \
	X(MILESTONE,  "milestone",  "milestones")  \
	X(TASK,       "task",       "tasks")       \
	X(PILOT,      "pilot",      "pilots")      \
	X(EVALUATION, "evaluation", "evaluations")

typedef enum cairn_kind {
	CAIRN_KIND_NONE = -1,
#define CAIRN_KIND_ENUM(id, name, folder) CAIRN_KIND_##id,
	CAIRN_KIND_LIST(CAIRN_KIND_ENUM)
#undef CAIRN_KIND_ENUM
	CAIRN_KIND_COUNT
} cairn_kind;

typedef enum cairn_ftype {
	CAIRN_F_TEXT,           /* one line */
	CAIRN_F_LONGTEXT,       /* any number of lines */
	CAIRN_F_DATE,           /* ISO yyyy-mm-dd in the record */
	CAIRN_F_ENUM,           /* one of `choices` */
	CAIRN_F_REF,            /* the id of a record of kind `ref` */
	CAIRN_F_COUNT,          /* a whole number >= 0 */
	CAIRN_F_PERCENT,        /* a number from 0 to 100 */
	CAIRN_F_YESNO,          /* "yes" or "no" */
	CAIRN_F_VERSION,        /* a whole number >= 1 */
	CAIRN_F_URL,            /* one line, http(s):// or empty */
} cairn_ftype;

typedef struct cairn_field_def {
	const char *name;               /* the key in the record, the column, the CLI name */
	const char *label;              /* for people */
	cairn_ftype type;
	const char *const *choices;     /* CAIRN_F_ENUM: NULL-terminated */
	cairn_kind ref;                 /* CAIRN_F_REF */
	bool required;
	bool indexed;                   /* a column of the kind's SQLite table */
	/* A choice field the group describes: the workbook's list KIND.FIELD
	 * gives its choices (cairn/schema.h); `choices` then are the list's. */
	bool listed;
	/* A field of the group's own, from the workbook's form of the kind
	 * (cairn/schema.h): its values are checked as this question's
	 * answers are.  NULL for cairn's fields. */
	const struct cairn_question *question;
	/* A choice field's list (cairn/schema.h): the group's or cairn's,
	 * whose labels show its values and may be typed for them; NULL in
	 * cairn's own table and for a field without one. */
	const struct cairn_list *list;
} cairn_field_def;

typedef struct cairn_kind_def {
	cairn_kind kind;
	const char *name;               /* "milestone" */
	const char *folder;             /* "milestones" */
	const cairn_field_def *fields;
	size_t nfields;
	const char *dynamic_prefix;     /* keys beyond the fixed fields: "q." or "answer." */
	const char *id_help;            /* what an id of this kind looks like */
} cairn_kind_def;

/* The kind as the workbook's schema makes it (cairn/schema.h): a listed
 * field's choices are the group's, and the group's own fields follow
 * cairn's.  cairn_kind_builtin_def_of: cairn's own table, whatever the
 * schema (the index's columns). */
const cairn_kind_def *cairn_kind_def_of(cairn_kind kind);
const cairn_kind_def *cairn_kind_builtin_def_of(cairn_kind kind);
/* "milestone" or "milestones"; CAIRN_KIND_NONE when unknown. */
cairn_kind cairn_kind_by_name(const char *name);
const cairn_field_def *cairn_kind_field(cairn_kind kind, const char *name);
/* "milestone, task, ..." for messages. */
const char *cairn_kind_names(void);
const char *cairn_ftype_name(cairn_ftype t);

/* ---- values ---- */

/* Turn what a user typed for field f into its stored form, checking it:
 * a date typed as dd/mm/yyyy (date_fmt, NULL for the default) becomes ISO,
 * "Yes" becomes "yes", an enum value is matched ignoring case, a number is
 * checked for range, a single-line field may not hold a line break.
 * *out is a new string the caller frees.  References are only checked for
 * shape here; whether the record exists is the workbook's business.
 * Messages name the field: "deadline: 31/02/2016 is not a date: ...". */
cairn_status cairn_value_normalize(const cairn_field_def *f, const char *input,
				   const char *date_fmt, char **out, cairn_error *err);
/* Check a stored value (as read from a record) without changing it. */
cairn_status cairn_value_check(const cairn_field_def *f, const char *value, cairn_error *err);

/* ---- templates and answers: cairn/template.h ---- */

/* The whole-record checks take an evaluation's template; every user of
 * kinds.h has the template types too. */
#include "cairn/template.h"

/* ---- whole records (core/model/validate.c) ---- */

/* Check a record of kind as it would be saved: required fields present,
 * every known field valid, no unknown dynamic key ("answer.x" for a
 * question the template does not have, "q.x.y" for a question not listed).
 * For an evaluation, tpl is its template (NULL: answers not checked).
 * Fields the kind does not know are kept and not checked: a newer cairn
 * may have written them.  Messages start with "KIND/ID: field: ". */
cairn_status cairn_record_validate(cairn_kind kind, const char *id, const cairn_record *rec,
				   const cairn_template *tpl, cairn_error *err);
/* The same as a record is read (loaded into the index): a value of a
 * list's field (person.category, a target's group) need not be listed,
 * so that a record whose choice a merge or a plain git commit removed is
 * kept readable; `cairn check` flags it with cairn_record_validate. */
cairn_status cairn_record_validate_read(cairn_kind kind, const char *id, const cairn_record *rec,
					const cairn_template *tpl, cairn_error *err);

/* The rules of kind's form (cairn_schema_form) that rec breaks, checked
 * as a template's questions are (cairn_answer_check_in): a relevant
 * required field left empty, a value against its constraint.  base is
 * the record as saved before this save (NULL: a new record, or a whole
 * check): a rule base broke already, with the same value, is not held
 * against the save (a form made stricter leaves its records editable,
 * and `cairn check` lists them).  Only saves and checks call it, never a
 * load or a merge.  Messages start with "KIND/ID: field: ". */
cairn_status cairn_record_check_form(cairn_kind kind, const char *id, const cairn_record *rec,
				     const cairn_record *base, const char *langs,
				     cairn_error *err);

/* Put the fields in the kind's canonical order before writing. */
void cairn_record_canonical(cairn_kind kind, cairn_record *rec);

/* How many of the template's questions the evaluation answers, and how
 * many required ones it misses (*first_missing: the first, or NULL);
 * both count only the questions its answers make relevant. */
void cairn_evaluation_progress(const cairn_record *rec, const cairn_template *tpl,
			       size_t *answered, size_t *missing_required,
			       const char **first_missing);
/* How many questions the answers make relevant (a question its `when`
 * skips is not asked): the "of N" beside the count answered. */
size_t cairn_evaluation_asked(const cairn_record *rec, const cairn_template *tpl);

#endif
