/* cairn: the group's own schema, read from the workbook's list records
 * (core/model/schema.c; the format is in cairn-workbook(5)).
 *
 * A list record (lists/XX/ID) holds one choice list: its `choices`, one
 * key per line, and per choice c.KEY.label, c.KEY.label.LANG, c.KEY.seats
 * and c.KEY.count.  Its id says what it lists:
 *   KIND.FIELD  the choices of a choice field the group describes
 *               (person.category, pilot.network, tool.kind), or a choice
 *               field of its own on that kind (person.expertise);
 *               A field of cairn's own that drives its logic (a status, a
 *               role) has a list too: cairn's keys, which a group's list
 *               of the same id may only relabel (c.KEY.label[.LANG]);
 *   inclusion   the inclusion groups: each choice is a group, measured on
 *               the pilot count c.KEY.count (default: the key), which is a
 *               count field of every pilot.
 * A list the workbook does not hold is cairn's built-in one, so a
 * workbook made before lists keeps its meaning byte for byte.
 *
 * The workbook reads its lists once when it opens and after a save or a
 * sync that changes one, and makes them the active schema (one at a time
 * in a process: the workbook opened or saved last): from then on
 * cairn_kind_def_of() and cairn_kind_field() (kinds.h) answer with the
 * group's choices and fields, so every check, form and view reads them
 * without reading a record again. */
#ifndef CAIRN_SCHEMA_H
#define CAIRN_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/kinds.h"
#include "cairn/record.h"

/* More choices than this in one list are refused: a list is for people
 * to pick from, and the index and the forms hold it in memory. */
#define CAIRN_LIST_MAX_CHOICES 20000

/* The id of the list of inclusion groups. */
#define CAIRN_LIST_INCLUSION "inclusion"

typedef struct cairn_choice {
	char *key;
	char *label;            /* c.KEY.label; NULL: none (the key is shown) */
	char **label_lang;      /* "fr", ...: c.KEY.label.LANG */
	char **label_text;
	size_t nlabels;
	long seats;             /* c.KEY.seats: the seats planned; -1 when none */
	char *count;            /* c.KEY.count (inclusion): the pilot count; NULL: the key */
	bool translated;        /* label is cairn's own (English): shown through gettext */
} cairn_choice;

typedef struct cairn_list {
	char *id;
	char *title;            /* NULL when none */
	cairn_choice *choices;
	size_t nchoices;
	const char **keys;      /* the keys, NULL-terminated, as field choices */
	bool builtin;           /* cairn's own, not a record of the workbook */
} cairn_list;

/* Read and check list record rec of id into out (released with
 * cairn_list_done, also after a failure).  Messages name list/ID and the
 * field.  A part of a choice this cairn does not know (c.KEY.colour) is
 * left unread: a newer cairn wrote it.  cairn_list_check_new: the check
 * of a list being saved, which refuses such a part as a typo. */
cairn_status cairn_list_from_record(const char *id, const cairn_record *rec, cairn_list *out,
				    cairn_error *err);
cairn_status cairn_list_check_new(const char *id, const cairn_record *rec, cairn_error *err);
void cairn_list_done(cairn_list *l);
/* The choice with key (matched exactly), or NULL. */
const cairn_choice *cairn_list_choice(const cairn_list *l, const char *key);
/* A choice's label for a reader of langs ("fr:en"; NULL or "": the
 * default); the key when it has none. */
const char *cairn_choice_label(const cairn_choice *c, const char *langs);
/* A value of field f as a person reads it: the label, for a reader of
 * langs, of its choice in the list f takes its choices from (the
 * group's or cairn's: statuses and roles too), else the value itself. */
const char *cairn_field_value_label(const cairn_field_def *f, const char *value,
				    const char *langs);
/* The key of f's choice whose key or label (in any language, cairn's
 * translated ones too) is text, ignoring case; NULL when none. */
const char *cairn_field_choice_of(const cairn_field_def *f, const char *text);
/* The pilot count a group of the inclusion list is measured on. */
const char *cairn_choice_count(const cairn_choice *c);

/* ---- a kind's form: the group's own typed fields ----
 *
 * A form record (forms/XX/KIND) adds fields to every record of KIND,
 * written and checked as a template's questions are (cairn/template.h):
 * `questions` lists their keys, q.KEY.type is text, longtext, yesno,
 * single, multiple, scale, number, percent, date, or reference (with
 * q.KEY.kind: the kind of record it names), with q.KEY.prompt (the
 * field's label), .help, .choices, .min, .max, .required, .when,
 * .constraint, .constraint-message and their .LANG labels.  A value of
 * such a field is checked as an answer to its question wherever a record
 * is read; the form's rules (required, when, constraint) are checked as a
 * template's are, but only when a record is saved
 * (cairn_record_check_form, kinds.h): a record that arrives from a peer
 * is kept as it is, and `cairn check` lists those that break them. */
cairn_status cairn_form_from_record(const char *id, const cairn_record *rec,
				    struct cairn_template *out, cairn_error *err);
/* The check of a form being saved: a field named like one of the kind's
 * own is refused. */
cairn_status cairn_form_check_new(const char *id, const cairn_record *rec, cairn_error *err);

typedef struct cairn_schema cairn_schema;

/* A schema of no lists of its own (every list is the built-in one). */
cairn_schema *cairn_schema_new(void);
void cairn_schema_free(cairn_schema *s);
/* Add the list or form record rec of id (checked as
 * cairn_list_from_record or cairn_form_from_record). */
cairn_status cairn_schema_add(cairn_schema *s, cairn_kind kind, const char *id,
			      const cairn_record *rec, cairn_error *err);
/* Make s the schema every kind reads (NULL: the built-in one).  s stays
 * the caller's and must outlive its use. */
void cairn_schema_use(const cairn_schema *s);
/* The list of id in the active schema: the workbook's, else the built-in
 * one, else NULL. */
const cairn_list *cairn_schema_list(const char *id);
/* The list of id in schema s (NULL: none but cairn's own lists). */
const cairn_list *cairn_schema_list_in(const cairn_schema *s, const char *id);
/* cairn's own list of id, whatever the workbook holds, or NULL. */
const cairn_list *cairn_schema_builtin_list(const char *id);
/* The form of kind in the active schema (its fields as a template's
 * questions), or NULL when the workbook has none. */
const struct cairn_template *cairn_schema_form(cairn_kind kind);
/* How many lists the active schema holds from the workbook itself. */
size_t cairn_schema_own_lists(void);

#endif
