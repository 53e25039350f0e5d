/* The model through its C API: the kinds table, value and answer checks,
 * where records live (sharded paths), derived values, and the two INI
 * readers (the user's config and a workbook's cairn.ini).
 *
 * Nothing here touches git or SQLite; the config tests write small files
 * into a private temporary folder. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/config.h"
#include "cairn/date.h"
#include "cairn/derive.h"
#include "cairn/kinds.h"
#include "cairn/layout.h"
#include "cairn/record.h"
#include "cairn/schema.h"
#include "tap.h"

static char tmpdir[256];    /* short: paths built from it fit PATH_MAX */


/* text with line breaks shown as \n, for a one-line TAP description
 * (a few rotating buffers, so one printf may show several). */
static const char *esc(const char *text)
{
	static char bufs[4][1024];
	static int next;
	char *b = bufs[next++ % 4];
	size_t n = 0;

	for (; text && *text && n + 3 < sizeof bufs[0]; text++) {
		if (*text == '\n') {
			b[n++] = '\\';
			b[n++] = 'n';
		} else {
			b[n++] = *text;
		}
	}
	b[n] = '\0';
	return text ? b : "(null)";
}

static bool has(const char *text, const char *part)
{
	return text && part && strstr(text, part) != NULL;
}

static bool starts(const char *text, const char *prefix)
{
	return text && !strncmp(text, prefix, strlen(prefix));
}

/* ---- the kinds table ---- */

/* Each kind with a few of its fields and their types: what the
 * command-line tests and the manual promise. */
static const struct {
	cairn_kind kind;
	const char *name, *folder;
	const char *fields;             /* every fixed field, in canonical order */
} expected_kinds[] = {
	{ CAIRN_KIND_MILESTONE, "milestone", "milestones",
	  "title description deadline result owner status done note" },
	{ CAIRN_KIND_TASK, "task", "tasks", "title milestone assignee due status notes" },
	{ CAIRN_KIND_PERSON, "person", "persons", "name email organisation category role login" },
	{ CAIRN_KIND_TOOL, "tool", "tools", "name url origin kind description example excluded" },
	{ CAIRN_KIND_TEMPLATE, "template", "templates", "title version description questions" },
	{ CAIRN_KIND_EVALUATION, "evaluation", "evaluations",
	  "template template_version validator status comments good_practice success_story validated_answers" },
	{ CAIRN_KIND_PILOT, "pilot", "pilots",
	  "city country network contact topic status start end participants women men other "
	  "migrants peripheries aged65 results" },
	{ CAIRN_KIND_TARGET, "target", "targets", "label minimum" },
};

static void test_kind_table(void)
{
	size_t i, f;
	int k;
	bool order_ok, refs_ok = true, unique = true, choices_ok = true;
	char names[512];

	is_int(CAIRN_KIND_COUNT, 10, "ten kinds (lists and forms first)");
	ok(cairn_kind_def_of(CAIRN_KIND_NONE) == NULL && cairn_kind_def_of(CAIRN_KIND_COUNT) == NULL,
	   "no definition outside the table");
	is_int(cairn_kind_by_name("gadget"), CAIRN_KIND_NONE, "an unknown kind name");
	is_int(cairn_kind_by_name("Milestone"), CAIRN_KIND_NONE, "kind names are lower case");

	for (i = 0; i < sizeof expected_kinds / sizeof expected_kinds[0]; i++) {
		const cairn_kind_def *def = cairn_kind_def_of(expected_kinds[i].kind);
		const char *name = expected_kinds[i].name;

		if (!ok(def != NULL, "%s: has a definition", name))
			continue;
		is_int(def->kind, expected_kinds[i].kind, "%s: knows its own kind", name);
		is_str(def->name, name, "%s: name", name);
		is_str(def->folder, expected_kinds[i].folder, "%s: folder", name);
		is_int(cairn_kind_by_name(name), expected_kinds[i].kind, "%s: found by name", name);
		is_int(cairn_kind_by_name(expected_kinds[i].folder), expected_kinds[i].kind,
		       "%s: found by its folder name", name);
		ok(has(cairn_kind_names(), name), "%s: listed in cairn_kind_names()", name);
		ok(def->id_help && *def->id_help, "%s: says what an id looks like", name);

		/* The fields, in order, and the canonical order list the same. */
		names[0] = '\0';
		for (f = 0; f < def->nfields; f++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 f ? " " : "", def->fields[f].name);
		is_str(names, expected_kinds[i].fields, "%s: its fields", name);
		/* The canonical order is the field table's: every field given
		 * backwards, and one the kind lacks, come back in table order
		 * with the stranger last. */
		{
			cairn_record rec;
			cairn_record_init(&rec);
			cairn_record_set(&rec, "zz-stranger", "x", NULL);
			for (f = def->nfields; f-- > 0;)
				cairn_record_set(&rec, def->fields[f].name, "x", NULL);
			cairn_record_canonical(def->kind, &rec);
			order_ok = rec.nfields == def->nfields + 1 &&
				   !strcmp(rec.fields[def->nfields].key, "zz-stranger");
			for (f = 0; order_ok && f < def->nfields; f++)
				order_ok = !strcmp(rec.fields[f].key, def->fields[f].name);
			ok(order_ok, "%s: canonical order is the field order", name);
			cairn_record_done(&rec);
		}
		for (f = 0; f < def->nfields; f++)
			ok(cairn_kind_field(def->kind, def->fields[f].name) == &def->fields[f],
			   "%s: field %s found by name", name, def->fields[f].name);
		ok(cairn_kind_field(def->kind, "dedline") == NULL, "%s: no field 'dedline'", name);
	}

	/* The rules the table must keep for the loader and the index. */
	for (k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		for (f = 0; f < def->nfields; f++) {
			const cairn_field_def *fd = &def->fields[f];
			/* Loading in kind order never meets a reference to a
			 * kind not loaded yet (kinds.h). */
			if (fd->type == CAIRN_F_REF && !(fd->ref >= 0 && fd->ref < def->kind)) {
				refs_ok = false;
				tap_diag("%s.%s refers to a later kind", def->name, fd->name);
			}
			if ((fd->type == CAIRN_F_ENUM) != (fd->choices != NULL) ||
			    (fd->choices && !fd->choices[0]))
				choices_ok = false;
			for (size_t g = 0; g < f; g++)
				if (!strcmp(def->fields[g].name, fd->name))
					unique = false;
		}
	}
	ok(refs_ok, "every reference points at an earlier kind (dependency order)");
	ok(choices_ok, "choice fields, and only they, have a non-empty list of choices");
	ok(unique, "no kind declares a field twice");

	/* A few fields whose type the rest of cairn relies on. */
	{
		const cairn_field_def *d = cairn_kind_field(CAIRN_KIND_MILESTONE, "deadline");
		const cairn_field_def *o = cairn_kind_field(CAIRN_KIND_MILESTONE, "owner");
		const cairn_field_def *s = cairn_kind_field(CAIRN_KIND_MILESTONE, "status");
		const cairn_field_def *t = cairn_kind_field(CAIRN_KIND_EVALUATION, "template");
		const cairn_field_def *m = cairn_kind_field(CAIRN_KIND_TARGET, "minimum");
		ok(d && d->type == CAIRN_F_DATE && !d->required, "milestone.deadline: optional date");
		ok(o && o->type == CAIRN_F_REF && o->ref == CAIRN_KIND_PERSON,
		   "milestone.owner: a person");
		ok(s && s->type == CAIRN_F_ENUM && s->required, "milestone.status: required choice");
		ok(t && t->type == CAIRN_F_REF && t->ref == CAIRN_KIND_TEMPLATE && t->required,
		   "evaluation.template: required template");
		ok(m && m->type == CAIRN_F_PERCENT && m->required, "target.minimum: a percentage");
		is_str(cairn_kind_def_of(CAIRN_KIND_TEMPLATE)->dynamic_prefix, "q.",
		       "templates take q.* fields");
		is_str(cairn_kind_def_of(CAIRN_KIND_EVALUATION)->dynamic_prefix, "answer.",
		       "evaluations take answer.* fields");
		ok(cairn_kind_def_of(CAIRN_KIND_MILESTONE)->dynamic_prefix == NULL,
		   "milestones take no dynamic fields");
	}
}

/* ---- values ---- */

/* input for kind.field gives want (its stored form). */
static void accepted(cairn_kind kind, const char *field, const char *input, const char *fmt,
		     const char *want)
{
	const cairn_field_def *f = cairn_kind_field(kind, field);
	cairn_error err = { 0 };
	char *out = NULL;
	cairn_status st;

	if (!ok(f != NULL, "field %s exists", field))
		return;
	/* The call first: the message is only read once it is written. */
	st = cairn_value_normalize(f, input, fmt, &out, &err);
	if (!ok(st == CAIRN_OK, "%s.%s accepts '%s' %s", cairn_kind_def_of(kind)->name, field,
		esc(input), st ? esc(err.msg) : ""))
		return;
	is_str(out, want, "%s '%s' is stored as '%s'", field, esc(input), esc(want));
	free(out);
}

/* input for kind.field is refused with a message that starts with the
 * field's name and holds want. */
static void refused(cairn_kind kind, const char *field, const char *input, const char *fmt,
		    const char *want)
{
	const cairn_field_def *f = cairn_kind_field(kind, field);
	cairn_error err = { 0 };
	char *out = (char *)"untouched", prefix[160];
	cairn_status st;

	if (!ok(f != NULL, "field %s exists", field))
		return;
	st = cairn_value_normalize(f, input, fmt, &out, &err);
	is_int(st, CAIRN_EINPUT, "%s.%s refuses '%s'", cairn_kind_def_of(kind)->name, field,
	       esc(input));
	ok(out == NULL, "and gives no value");
	snprintf(prefix, sizeof prefix, "%s: ", field);
	ok(starts(err.msg, prefix) && has(err.msg, want), "message names the field: %s",
	   esc(err.msg));
	if (st == CAIRN_OK)
		free(out);
}

static void test_enums(void)
{
	static const char *const bad = "not-a-choice";
	int k;

	/* The milestone status, by name. */
	accepted(CAIRN_KIND_MILESTONE, "status", "planned", NULL, "planned");
	accepted(CAIRN_KIND_MILESTONE, "status", "active", NULL, "active");
	accepted(CAIRN_KIND_MILESTONE, "status", "done", NULL, "done");
	accepted(CAIRN_KIND_MILESTONE, "status", "dropped", NULL, "dropped");
	accepted(CAIRN_KIND_MILESTONE, "status", " DONE ", NULL, "done");
	refused(CAIRN_KIND_MILESTONE, "status", "finished", NULL,
		"'finished' is not one of: planned, active, done, dropped");
	refused(CAIRN_KIND_MILESTONE, "status", "plan", NULL, "is not one of");
	refused(CAIRN_KIND_MILESTONE, "status", "", NULL, "is required");
	refused(CAIRN_KIND_TASK, "status", "closed", NULL, "planned, active, done, dropped");
	refused(CAIRN_KIND_EVALUATION, "status", "done", NULL,
		"assigned, draft, submitted, returned, validated");
	refused(CAIRN_KIND_PILOT, "status", "active", NULL,
		"candidate, selected, testing, done, withdrawn");

	/* Every choice of every choice field, in every kind, is accepted as is
	 * and in capitals; something else is refused naming the field. */
	for (k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		for (size_t f = 0; f < def->nfields; f++) {
			const cairn_field_def *fd = &def->fields[f];
			bool all = true;
			char upper[64];
			if (fd->type != CAIRN_F_ENUM)
				continue;
			for (size_t c = 0; fd->choices[c]; c++) {
				char *out = NULL;
				size_t n;
				for (n = 0; fd->choices[c][n] && n < sizeof upper - 1; n++)
					upper[n] = (char)toupper((unsigned char)fd->choices[c][n]);
				upper[n] = '\0';
				if (cairn_value_normalize(fd, upper, NULL, &out, NULL) != CAIRN_OK ||
				    strcmp(out, fd->choices[c]) ||
				    cairn_value_check(fd, fd->choices[c], NULL) != CAIRN_OK)
					all = false;
				free(out);
			}
			ok(all, "%s.%s: every choice accepted", def->name, fd->name);
			refused((cairn_kind)k, fd->name, bad, NULL, "is not one of");
		}
	}
}

static void test_values(void)
{
	const cairn_field_def *deadline = cairn_kind_field(CAIRN_KIND_MILESTONE, "deadline");
	const cairn_field_def *status = cairn_kind_field(CAIRN_KIND_MILESTONE, "status");
	cairn_error err = { 0 };

	/* Dates: typed in the display format or ISO, stored ISO. */
	accepted(CAIRN_KIND_MILESTONE, "deadline", "15/04/2016", NULL, "2016-04-15");
	accepted(CAIRN_KIND_MILESTONE, "deadline", "2016-04-30", NULL, "2016-04-30");
	accepted(CAIRN_KIND_MILESTONE, "deadline", "04/15/2016", "mm/dd/yyyy", "2016-04-15");
	accepted(CAIRN_KIND_MILESTONE, "deadline", "29/02/2016", NULL, "2016-02-29");
	accepted(CAIRN_KIND_MILESTONE, "deadline", "", NULL, "");
	refused(CAIRN_KIND_MILESTONE, "deadline", "31/02/2016", NULL,
		"31/02/2016 is not a date: February 2016 has 29 days; "
		"did you mean 29/02/2016 or 01/03/2016?");
	refused(CAIRN_KIND_MILESTONE, "deadline", "29/02/2015", NULL, "February 2015 has 28 days");
	refused(CAIRN_KIND_TASK, "due", "tomorrow", NULL, "is not a date");
	refused(CAIRN_KIND_PILOT, "start", "15/04/2016", "mm/dd/yyyy", "there is no month 15");

	/* Counts, versions, percentages. */
	accepted(CAIRN_KIND_PILOT, "participants", "120", NULL, "120");
	accepted(CAIRN_KIND_PILOT, "women", "0", NULL, "0");
	refused(CAIRN_KIND_PILOT, "women", "-1", NULL, "not a whole number");
	refused(CAIRN_KIND_PILOT, "men", "1.5", NULL, "not a whole number");
	refused(CAIRN_KIND_PILOT, "participants", "12 people", NULL, "not a whole number");
	accepted(CAIRN_KIND_TEMPLATE, "version", "3", NULL, "3");
	refused(CAIRN_KIND_TEMPLATE, "version", "0", NULL, "of 1 or more");
	accepted(CAIRN_KIND_TARGET, "minimum", "40", NULL, "40");
	accepted(CAIRN_KIND_TARGET, "minimum", "45,5 %", NULL, "45.5");
	accepted(CAIRN_KIND_TARGET, "minimum", "100", NULL, "100");
	accepted(CAIRN_KIND_TARGET, "minimum", "0.0", NULL, "0");
	refused(CAIRN_KIND_TARGET, "minimum", "100.5", NULL, "not a percentage");
	refused(CAIRN_KIND_TARGET, "minimum", "-3", NULL, "from 0 to 100");
	refused(CAIRN_KIND_TARGET, "minimum", "1e1", NULL, "not a percentage");

	/* Yes/no, web addresses, references, text. */
	accepted(CAIRN_KIND_TOOL, "example", "Yes", NULL, "yes");
	accepted(CAIRN_KIND_TOOL, "example", "off", NULL, "no");
	refused(CAIRN_KIND_TOOL, "example", "maybe", NULL, "'maybe' is not yes or no");
	accepted(CAIRN_KIND_TOOL, "url", "https://www.fixmystreet.com", NULL,
		 "https://www.fixmystreet.com");
	refused(CAIRN_KIND_TOOL, "url", "www.fixmystreet.com", NULL, "is not a web address");
	accepted(CAIRN_KIND_MILESTONE, "owner", "maria", NULL, "maria");
	refused(CAIRN_KIND_MILESTONE, "owner", "../etc", NULL, "is not an id");
	accepted(CAIRN_KIND_MILESTONE, "title", "  Map of needs  ", NULL, "Map of needs");
	refused(CAIRN_KIND_MILESTONE, "title", "two\nlines", NULL, "holds one line");
	refused(CAIRN_KIND_MILESTONE, "title", "bad\rreturn", NULL, "the value");
	refused(CAIRN_KIND_MILESTONE, "title", "   ", NULL, "is required");
	accepted(CAIRN_KIND_MILESTONE, "description", "  kept\n as typed ", NULL,
		 "  kept\n as typed ");

	/* Stored values: ISO dates only, canonical spellings only. */
	ok(cairn_value_check(deadline, "2016-04-15", &err) == CAIRN_OK, "a stored ISO date");
	is_int(cairn_value_check(deadline, "15/04/2016", &err), CAIRN_EINPUT,
	       "a stored dd/mm/yyyy date is a mistake");
	ok(starts(err.msg, "deadline") && has(err.msg, "not an ISO date"), "message: %s",
	   esc(err.msg));
	is_int(cairn_value_check(status, "Done", &err), CAIRN_EINPUT,
	       "a stored choice in the wrong case");
	ok(has(err.msg, "status: 'Done' is not in its stored form; write 'done'"), "message: %s",
	   err.msg);
}

/* ---- whole records ---- */

static void set(cairn_record *r, const char *key, const char *value)
{
	cairn_error err;
	if (cairn_record_set(r, key, value, &err) != CAIRN_OK)
		tap_diag("set %s: %s", key, err.msg);
}

static void test_records(void)
{
	cairn_record r;
	cairn_error err = { 0 };

	cairn_record_init(&r);
	set(&r, "status", "planned");
	set(&r, "deadline", "2016-04-15");
	is_int(cairn_record_validate(CAIRN_KIND_MILESTONE, "M4", &r, NULL, &err), CAIRN_EINPUT,
	       "a milestone without a title");
	ok(starts(err.msg, "milestone/M4: title: is required"), "message: %s", esc(err.msg));
	set(&r, "title", "Evaluation of existing tools");
	set(&r, "from_a_newer_cairn", "kept");
	is_int(cairn_record_validate(CAIRN_KIND_MILESTONE, "M4", &r, NULL, &err), CAIRN_OK,
	       "valid, and a field from a newer cairn is let through");
	set(&r, "deadline", "2016-02-30");
	is_int(cairn_record_validate(CAIRN_KIND_MILESTONE, "M4", &r, NULL, &err), CAIRN_EINPUT,
	       "a stored impossible date");
	ok(starts(err.msg, "milestone/M4: deadline"), "message: %s", esc(err.msg));
	cairn_record_canonical(CAIRN_KIND_MILESTONE, &r);
	ok(r.nfields == 4 && !strcmp(r.fields[0].key, "title") &&
	   !strcmp(r.fields[1].key, "deadline") && !strcmp(r.fields[2].key, "status") &&
	   !strcmp(r.fields[3].key, "from_a_newer_cairn"),
	   "canonical order: the table's, then unknown keys");
	cairn_record_done(&r);

	/* A target is named after a pilot group. */
	cairn_record_init(&r);
	set(&r, "label", "Women");
	set(&r, "minimum", "40");
	ok(cairn_record_validate(CAIRN_KIND_TARGET, "women", &r, NULL, &err) == CAIRN_OK,
	   "target/women");
	is_int(cairn_record_validate(CAIRN_KIND_TARGET, "teenagers", &r, NULL, &err), CAIRN_EINPUT,
	       "target/teenagers is not a group");
	ok(has(err.msg, "target/teenagers: a target is named after an inclusion group"), "message: %s",
	   err.msg);
	set(&r, "minimum", "40.0");
	is_int(cairn_record_validate(CAIRN_KIND_TARGET, "women", &r, NULL, &err), CAIRN_EINPUT,
	       "a stored percentage not in its stored form");
	ok(has(err.msg, "write '40'"), "message: %s", esc(err.msg));
	cairn_record_done(&r);
}

/* ---- templates and answers ---- */

static void make_template(cairn_record *r)
{
	cairn_record_init(r);
	set(r, "title", "Tool evaluation");
	set(r, "version", "2");
	set(r, "questions", "share\nease\ncolour\nchannels\nfree\npeople\nlaunch\nnotes\nsummary");
	set(r, "q.share.prompt", "Share of women among users?");
	set(r, "q.share.type", "percent");
	set(r, "q.ease.prompt", "How easy is it?");
	set(r, "q.ease.type", "scale");
	set(r, "q.ease.required", "yes");
	set(r, "q.colour.prompt", "Colour?");
	set(r, "q.colour.type", "single");
	set(r, "q.colour.choices", "Red\nGreen\nBlue");
	set(r, "q.channels.prompt", "Channels?");
	set(r, "q.channels.type", "multiple");
	set(r, "q.channels.choices", "Web\nPhone\nPaper");
	set(r, "q.free.prompt", "Is it free?");
	set(r, "q.free.type", "yesno");
	set(r, "q.free.required", "yes");
	set(r, "q.people.prompt", "How many people?");
	set(r, "q.people.type", "number");
	set(r, "q.people.min", "0");
	set(r, "q.people.max", "100");
	set(r, "q.launch.prompt", "Launched on?");
	set(r, "q.launch.type", "date");
	set(r, "q.notes.prompt", "Notes");
	set(r, "q.notes.type", "longtext");
	set(r, "q.summary.prompt", "Summary");
	set(r, "q.summary.type", "text");
}

static void answer_ok(const cairn_template *t, const char *key, const char *input,
		      const char *want)
{
	const cairn_question *q = cairn_template_question(t, key);
	cairn_error err = { 0 };
	char *out = NULL;
	cairn_status st;

	if (!ok(q != NULL, "question %s", key))
		return;
	st = cairn_answer_normalize(q, input, NULL, &out, &err);
	if (!ok(st == CAIRN_OK, "%s (%s) accepts '%s' %s", key, cairn_qtype_label(q->type),
		esc(input), st ? esc(err.msg) : ""))
		return;
	is_str(out, want, "%s '%s' is stored as '%s'", key, esc(input), esc(want));
	free(out);
}

static void answer_refused(const cairn_template *t, const char *key, const char *input,
			   const char *want)
{
	const cairn_question *q = cairn_template_question(t, key);
	cairn_error err = { 0 };
	char *out = NULL, prefix[64];
	cairn_status st;

	if (!ok(q != NULL, "question %s", key))
		return;
	st = cairn_answer_normalize(q, input, NULL, &out, &err);
	is_int(st, CAIRN_EINPUT, "%s (%s) refuses '%s'", key, cairn_qtype_label(q->type),
	       esc(input));
	snprintf(prefix, sizeof prefix, "answer.%s: ", key);
	ok(starts(err.msg, prefix) && has(err.msg, want), "message: %s", esc(err.msg));
	if (st == CAIRN_OK)
		free(out);
}

/* A template with one thing wrong is refused, saying what. */
static void template_refused(const char *key, const char *value, const char *want)
{
	cairn_record r;
	cairn_template t;
	cairn_error err = { 0 };

	make_template(&r);
	set(&r, key, value);
	is_int(cairn_template_from_record("m4", &r, &t, &err), CAIRN_EINPUT,
	       "template with %s = '%s' refused", key, esc(value));
	ok(starts(err.msg, "template/m4: ") && has(err.msg, want), "message: %s", esc(err.msg));
	is_int(cairn_record_validate(CAIRN_KIND_TEMPLATE, "m4", &r, NULL, &err), CAIRN_EINPUT,
	       "and by the record check");
	cairn_record_done(&r);
}

static void test_answers(void)
{
	cairn_record r, ev;
	cairn_template t;
	cairn_error err = { 0 };
	size_t answered, missing;
	const char *first = NULL;
	cairn_status st;

	make_template(&r);
	st = cairn_template_from_record("m4", &r, &t, &err);
	if (!ok(st == CAIRN_OK, "template reads %s", st ? esc(err.msg) : "")) {
		cairn_record_done(&r);
		return;
	}
	is_int(cairn_record_validate(CAIRN_KIND_TEMPLATE, "m4", &r, NULL, &err), CAIRN_OK,
	       "and is a valid record");
	is_int(t.nquestions, 9, "nine questions");
	is_int(t.version, 2, "version 2");
	ok(t.nquestions == 9 && t.questions[2].nchoices == 3 && t.questions[1].required &&
	   !t.questions[0].required, "choices and required flags read");
	ok(cairn_template_question(&t, "nope") == NULL, "no question 'nope'");

	/* Percentage: 0 to 100. */
	answer_ok(&t, "share", "0", "0");
	answer_ok(&t, "share", "100", "100");
	answer_ok(&t, "share", "45,5%", "45.5");
	answer_refused(&t, "share", "100.01", "is not a percentage");
	answer_refused(&t, "share", "-1", "is not a percentage");
	answer_refused(&t, "share", "half", "is not a percentage");
	/* Scale: a whole number 1 to 5. */
	answer_ok(&t, "ease", "1", "1");
	answer_ok(&t, "ease", " 5 ", "5");
	answer_refused(&t, "ease", "0", "not on the scale: write a whole number from 1 to 5");
	answer_refused(&t, "ease", "6", "not on the scale");
	answer_refused(&t, "ease", "2.5", "not on the scale");
	answer_refused(&t, "ease", "good", "is not a number");
	/* Single choice: one of the choices, any case, stored as written. */
	answer_ok(&t, "colour", "green", "Green");
	answer_ok(&t, "colour", "", "");
	answer_refused(&t, "colour", "Purple",
		       "'Purple' is not one of the choices: 'Red', 'Green', 'Blue'");
	answer_refused(&t, "colour", "Red, Blue", "is not one of the choices");
	/* Multiple choice: lines or commas, stored one per line in order. */
	answer_ok(&t, "channels", "paper, web", "Web\nPaper");
	answer_ok(&t, "channels", "Phone\nWeb", "Web\nPhone");
	answer_ok(&t, "channels", "web, WEB", "Web");
	answer_ok(&t, "channels", "Paper", "Paper");
	answer_refused(&t, "channels", "Web, Fax", "'Fax' is not one of the choices");
	answer_refused(&t, "channels", "Web\nFax", "'Fax' is not one of the choices");
	/* Choices by number, as the form lists them; a wrong one is named. */
	answer_ok(&t, "channels", "3,1", "Web\nPaper");
	answer_ok(&t, "channels", "2", "Phone");
	answer_ok(&t, "colour", "2", "Green");
	answer_refused(&t, "channels", "1,4", "'4' is not one of the choices");
	answer_refused(&t, "channels", "1,4", "(or their numbers, 1 to 3)");
	answer_refused(&t, "channels", "0", "'0' is not one of the choices");
	answer_refused(&t, "colour", "4", "'4' is not one of the choices");
	/* Yes/no. */
	answer_ok(&t, "free", "Yes", "yes");
	answer_ok(&t, "free", "N", "no");
	answer_refused(&t, "free", "perhaps", "is not yes or no");
	/* Number, within the question's min and max. */
	answer_ok(&t, "people", "12,50", "12.5");
	answer_ok(&t, "people", "100", "100");
	answer_refused(&t, "people", "101", "101 is out of range: write at least 0, at most 100");
	answer_refused(&t, "people", "-2", "out of range");
	answer_refused(&t, "people", "many", "is not a number");
	/* Date: the display format or ISO. */
	answer_ok(&t, "launch", "15/04/2016", "2016-04-15");
	answer_refused(&t, "launch", "31/02/2016", "February 2016 has 29 days");
	/* Text. */
	answer_ok(&t, "notes", "two\nlines", "two\nlines");
	answer_refused(&t, "summary", "two\nlines", "holds one line");

	/* A whole evaluation against the template. */
	cairn_record_init(&ev);
	set(&ev, "template", "m4");
	set(&ev, "status", "draft");
	set(&ev, "answer.share", "45.5");
	set(&ev, "answer.channels", "Web\nPaper");
	is_int(cairn_record_validate(CAIRN_KIND_EVALUATION, "fixmystreet/maria", &ev, &t, &err),
	       CAIRN_OK, "an evaluation with stored answers");
	cairn_evaluation_progress(&ev, &t, &answered, &missing, &first);
	ok(answered == 2 && missing == 2, "progress: 2 answered, 2 required missing (%zu, %zu)",
	   answered, missing);
	is_str(first, "ease", "the first required question missing");
	set(&ev, "answer.channels", "Paper\nWeb");
	is_int(cairn_record_validate(CAIRN_KIND_EVALUATION, "fixmystreet/maria", &ev, &t, &err),
	       CAIRN_EINPUT, "a multiple answer out of the template's order");
	ok(has(err.msg, "evaluation/fixmystreet/maria: answer.channels") &&
	   has(err.msg, "not in its stored form"), "message: %s", esc(err.msg));
	set(&ev, "answer.channels", "Web");
	set(&ev, "answer.share", "120");
	is_int(cairn_record_validate(CAIRN_KIND_EVALUATION, "fixmystreet/maria", &ev, &t, &err),
	       CAIRN_EINPUT, "a stored percentage above 100");
	ok(has(err.msg, "answer.share: '120' is not a percentage"), "message: %s", esc(err.msg));
	cairn_record_unset(&ev, "answer.share");
	set(&ev, "answer.colour2", "Red");
	is_int(cairn_record_validate(CAIRN_KIND_EVALUATION, "fixmystreet/maria", &ev, &t, &err),
	       CAIRN_EINPUT, "an answer to no question");
	ok(has(err.msg, "answer.colour2: template m4 has no question 'colour2'"), "message: %s",
	   err.msg);
	ok(cairn_record_validate(CAIRN_KIND_EVALUATION, "fixmystreet/maria", &ev, NULL, &err)
	   == CAIRN_OK, "without the template, answers are not checked");
	cairn_record_done(&ev);
	cairn_template_done(&t);
	cairn_record_done(&r);

	/* Templates that cannot be read. */
	template_refused("q.colour.choices", "", "a single choice question needs choices");
	template_refused("q.colour.choices", "Red\nred", "'red' is listed twice");
	template_refused("q.ease.type", "stars", "'stars' is not a question type");
	template_refused("q.share.min", "10", "only number questions have min and max");
	template_refused("q.people.min", "200", "min is above max");
	template_refused("q.ghost.prompt", "Boo?", "question 'ghost' is not listed in questions");
	template_refused("q.share.colour", "red", "'colour' is not a question part");
	template_refused("q.free.required", "maybe", "write yes or no");
	template_refused("questions", "share\nshare", "'share' is listed twice");
}

/* ---- where records live ---- */

/* The layout promise of layout.h, computed here independently: FNV-1a
 * of the lower-cased id, low byte. */
static unsigned fnv_low_byte(const char *id)
{
	unsigned h = 2166136261u;
	for (; *id; id++) {
		unsigned char c = (unsigned char)*id;
		h ^= (c >= 'A' && c <= 'Z') ? c + 32u : c;
		h *= 16777619u;
	}
	return h & 0xffu;
}

static const char *path_of(cairn_kind kind, const char *id)
{
	static char buf[CAIRN_PATH_MAX];
	cairn_ref ref;

	ref.kind = kind;
	snprintf(ref.id, sizeof ref.id, "%s", id);
	cairn_ref_path(&ref, buf, sizeof buf);
	return buf;
}

static void test_layout(void)
{
	char want[CAIRN_PATH_MAX], first[CAIRN_PATH_MAX];
	static unsigned counts[256], eval_counts[256];
	unsigned max = 0, used = 0, eval_max = 0;
	cairn_ref ref;
	cairn_error err = { 0 };
	int i;

	snprintf(want, sizeof want, "milestones/%02x/M4", fnv_low_byte("M4"));
	is_str(path_of(CAIRN_KIND_MILESTONE, "M4"), want, "milestone/M4 -> milestones/XX/M4");
	snprintf(first, sizeof first, "%s", path_of(CAIRN_KIND_MILESTONE, "M4"));
	is_str(path_of(CAIRN_KIND_MILESTONE, "M4"), first, "the same path every time");
	ok(cairn_shard_of("M4") == cairn_shard_of("m4"), "the shard ignores case");
	snprintf(want, sizeof want, "persons/%02x/maria", fnv_low_byte("maria"));
	is_str(path_of(CAIRN_KIND_PERSON, "maria"), want, "person/maria");
	/* Evaluations sit with their tool: one folder per tool's shard. */
	snprintf(want, sizeof want, "evaluations/%02x/fixmystreet/maria",
		 fnv_low_byte("fixmystreet"));
	is_str(path_of(CAIRN_KIND_EVALUATION, "fixmystreet/maria"), want,
	       "evaluation/fixmystreet/maria -> evaluations/XX/fixmystreet/maria");
	snprintf(want, sizeof want, "evaluations/%02x/fixmystreet/jo", fnv_low_byte("fixmystreet"));
	is_str(path_of(CAIRN_KIND_EVALUATION, "fixmystreet/jo"), want,
	       "another evaluator of the same tool: the same folder");
	/* path_of gives a static buffer: keep the first before the second. */
	snprintf(first, sizeof first, "%s", path_of(CAIRN_KIND_MILESTONE, "M1"));
	ok(strcmp(first, path_of(CAIRN_KIND_MILESTONE, "M2")) != 0, "different ids, different paths");

	/* And back. */
	ok(cairn_path_ref(path_of(CAIRN_KIND_EVALUATION, "fixmystreet/maria"), &ref, &err)
	   == CAIRN_OK && ref.kind == CAIRN_KIND_EVALUATION && !strcmp(ref.id, "fixmystreet/maria"),
	   "an evaluation's path gives its ref");
	ok(cairn_path_ref(path_of(CAIRN_KIND_TASK, "T12"), &ref, &err) == CAIRN_OK &&
	   ref.kind == CAIRN_KIND_TASK && !strcmp(ref.id, "T12"), "a task's path gives its ref");
	snprintf(want, sizeof want, "milestones/%02x/M4", (fnv_low_byte("M4") + 1) & 0xff);
	is_int(cairn_path_ref(want, &ref, &err), CAIRN_EINPUT, "a record in the wrong shard");
	ok(has(err.msg, "belongs in milestones/") && ref.kind == CAIRN_KIND_NONE, "message: %s",
	   err.msg);
	is_int(cairn_path_ref("milestones/M4", &ref, &err), CAIRN_EINPUT, "no shard folder");
	is_int(cairn_path_ref("gadgets/00/g1", &ref, &err), CAIRN_EINPUT, "not a record folder");
	ok(has(err.msg, "'gadgets' is not a record folder"), "message: %s", esc(err.msg));
	ok(cairn_path_ref("cairn.ini", &ref, &err) == CAIRN_OK && ref.kind == CAIRN_KIND_NONE,
	   "cairn.ini is cairn's, not a record");

	/* Ids. */
	ok(cairn_id_check(CAIRN_KIND_TASK, "webinar-invites", &err) == CAIRN_OK, "a task id");
	is_int(cairn_id_check(CAIRN_KIND_MILESTONE, "../etc", &err), CAIRN_EINPUT, "a path as id");
	ok(has(err.msg, "'../etc' is not a milestone id: use M1, M2"), "message: %s",
	   esc(err.msg));
	is_int(cairn_id_check(CAIRN_KIND_PERSON, "CON", &err), CAIRN_EINPUT, "a device name");
	is_int(cairn_id_check(CAIRN_KIND_PERSON, "j.smith.", &err), CAIRN_EINPUT,
	       "a trailing dot");
	is_int(cairn_id_check(CAIRN_KIND_EVALUATION, "fixmystreet", &err), CAIRN_EINPUT,
	       "an evaluation id needs TOOL/EVALUATOR");
	is_int(cairn_id_check(CAIRN_KIND_EVALUATION, "a/b/c", &err), CAIRN_EINPUT,
	       "and only that");
	ok(cairn_ref_parse("milestone/M4", &ref, &err) == CAIRN_OK &&
	   ref.kind == CAIRN_KIND_MILESTONE && !strcmp(ref.id, "M4"), "parse milestone/M4");
	ok(cairn_ref_parse("M4", &ref, &err) == CAIRN_OK && ref.kind == CAIRN_KIND_NONE &&
	   !strcmp(ref.id, "M4"), "a bare id, for the workbook to look up");

	/* 10,000 milestones and 10,000 evaluations of as many tools: every
	 * shard is used and none holds more than a few hundred entries. */
	for (i = 1; i <= 10000; i++) {
		char id[32], eval[64];
		unsigned s;
		const char *p;
		snprintf(id, sizeof id, "M%d", i);
		p = path_of(CAIRN_KIND_MILESTONE, id);
		s = (unsigned)strtoul(p + strlen("milestones/"), NULL, 16);
		counts[s & 0xff]++;
		snprintf(eval, sizeof eval, "tool-%d/maria", i);
		p = path_of(CAIRN_KIND_EVALUATION, eval);
		s = (unsigned)strtoul(p + strlen("evaluations/"), NULL, 16);
		eval_counts[s & 0xff]++;
	}
	for (i = 0; i < 256; i++) {
		used += counts[i] > 0;
		if (counts[i] > max)
			max = counts[i];
		if (eval_counts[i] > eval_max)
			eval_max = eval_counts[i];
	}
	is_int(used, 256, "10,000 ids spread over all 256 folders");
	ok(max <= 300, "no folder holds more than 300 milestones (at most %u)", max);
	ok(eval_max <= 300, "no folder holds more than 300 tools' evaluations (at most %u)",
	   eval_max);
	ok(max < 2 * (10000 / 256), "and the spread is even: at most twice the mean (%u)", max);
}

/* ---- derived values ---- */

static cairn_date day(int y, int m, int d)
{
	return (cairn_date){ y, m, d };
}

static void test_derive(void)
{
	cairn_deadline dl;
	cairn_share s;
	int g;

	dl = cairn_deadline_of("2016-04-15", "planned", day(2016, 3, 20));
	ok(dl.has_deadline && dl.days_left == 26 && !dl.overdue, "26 days to go (%ld)",
	   dl.days_left);
	dl = cairn_deadline_of("2016-03-01", "active", day(2016, 2, 28));
	is_int(dl.days_left, 2, "over a leap day: 2 days");
	dl = cairn_deadline_of("2016-04-15", "active", day(2016, 4, 15));
	ok(dl.days_left == 0 && !dl.overdue, "due today is not overdue");
	dl = cairn_deadline_of("2016-04-15", "active", day(2016, 4, 20));
	ok(dl.days_left == -5 && dl.overdue, "5 days late and active: overdue");
	dl = cairn_deadline_of("2016-04-15", "planned", day(2017, 4, 15));
	ok(dl.days_left == -365 && dl.overdue, "a year late: overdue (%ld)", dl.days_left);
	dl = cairn_deadline_of("2016-04-15", "done", day(2016, 4, 20));
	ok(dl.days_left == -5 && !dl.overdue, "passed but done: not overdue");
	dl = cairn_deadline_of("2016-04-15", "dropped", day(2016, 4, 20));
	ok(!dl.overdue, "passed but dropped: not overdue");
	dl = cairn_deadline_of("", "active", day(2016, 4, 20));
	ok(!dl.has_deadline && !dl.overdue, "no deadline, never overdue");
	dl = cairn_deadline_of("15/04/2016", "active", day(2016, 4, 20));
	ok(!dl.has_deadline, "a deadline not in stored form is no deadline");

	/* The built-in groups (a workbook with no list inclusion) are the
	 * pilot's count fields and the targets' ids. */
	{
		const cairn_list *groups = cairn_schema_list(CAIRN_LIST_INCLUSION);
		ok(groups && groups->builtin && groups->nchoices == 6, "six built-in groups");
		for (size_t i = 0; groups && i < groups->nchoices; i++) {
			const char *count = cairn_choice_count(&groups->choices[i]);
			const cairn_field_def *f = cairn_kind_field(CAIRN_KIND_PILOT, count);
			ok(f && f->type == CAIRN_F_COUNT, "group %s is a pilot count (%s)", count,
			   cairn_choice_label(&groups->choices[i], NULL));
		}
	}

	/* A pilot of 120 participants against the targets. */
	{
		static const long counts[] = { 48, 66, 6, 11, 40, -1 };
		static const double targets[] = { 40, 40, 0, 10, 33.33, 20 };
		static const bool known[] = { true, true, true, true, true, false };
		static const bool met[] = { true, true, true, false, true, false };
		static const double percent[] = { 40, 55, 5, 9.1667, 33.3333, 0 };
		for (g = 0; g < 6; g++) {
			s = cairn_share_of(counts[g], 120, true, targets[g]);
			ok(s.known == known[g] && s.met == met[g] &&
			   (!s.known || (s.percent > percent[g] - 0.001 &&
					 s.percent < percent[g] + 0.001)),
			   "group %d: %ld of 120 = %.2f%% vs %.2f%%: %s", g, counts[g],
			   s.percent, targets[g], met[g] ? "met" : known[g] ? "short" : "unknown");
		}
	}
	s = cairn_share_of(2, 5, true, 40);
	ok(s.known && s.met, "2 of 5 is 40%%: exactly on target is met");
	s = cairn_share_of(39, 100, true, 40);
	ok(s.known && !s.met && s.has_target, "39%% against 40%%: short");
	s = cairn_share_of(1, 3, true, 33.34);
	ok(!s.met, "33.33%% against 33.34%%: short by a hundredth");
	s = cairn_share_of(50, 100, false, 0);
	ok(s.known && !s.met && !s.has_target, "no target: known but never met");
	s = cairn_share_of(10, 0, true, 40);
	ok(!s.known && !s.met, "no participants: no share");
}

/* ---- configuration ---- */

static char warnings[8192];
static int nwarnings;

static void collect_warning(const char *msg, void *ctx)
{
	size_t n = strlen(warnings);
	nwarnings++;
	snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

/* Write text as the user's config file and load it. */
static cairn_status load_config(const char *name, const char *text, cairn_config *cfg,
				char *path, size_t n)
{
	cairn_error err;
	FILE *f;

	snprintf(path, n, "%s/%s", tmpdir, name);
	if ((f = fopen(path, "w"))) {
		fputs(text, f);
		fclose(f);
	}
	setenv("CAIRN_CONFIG", path, 1);
	warnings[0] = '\0';
	nwarnings = 0;
	return cairn_config_load(cfg, collect_warning, NULL, &err);
}

static void test_config(void)
{
	char path[PATH_MAX], want[PATH_MAX + 200], text[1024];
	cairn_config cfg;
	cairn_settings s;
	cairn_error err = { 0 };
	cairn_status st;
	char *back;

	ok(load_config("good.ini",
		       "# my settings\n[user]\nname = Maria Rossi\nemail = maria@example.org\n"
		       "\n; display\n[display]\ndate_format = yyyy-mm-dd\n", &cfg, path,
		       sizeof path) == CAIRN_OK, "a good file loads");
	is_str(cfg.path, path, "from $CAIRN_CONFIG");
	is_str(cfg.user_name, "Maria Rossi", "user.name");
	is_str(cfg.user_email, "maria@example.org", "user.email");
	is_str(cfg.date_format, "yyyy-mm-dd", "display.date_format");
	is_int(nwarnings, 0, "no warnings");
	cairn_config_done(&cfg);

	ok(load_config("unknown.ini", "[user]\nname = Maria\ncolour = blue\nemail = m@x\n", &cfg,
		       path, sizeof path) == CAIRN_OK, "an unknown key does not stop loading");
	snprintf(want, sizeof want, "%s:3: unknown setting 'colour' in [user]; it is ignored\n",
		 path);
	is_str(warnings, want, "it is reported with file and line");
	ok(cfg.user_name && cfg.user_email, "and the keys around it are read");
	cairn_config_done(&cfg);

	ok(load_config("section.ini", "[user]\nname = M\n[colours]\nname = blue\n", &cfg, path,
		       sizeof path) == CAIRN_OK, "a key in an unknown section");
	snprintf(want, sizeof want, "%s:4: unknown setting 'name' in [colours]", path);
	ok(has(warnings, want), "reported at its own line, not the first 'name': %s", esc(warnings));
	is_str(cfg.user_name, "M", "the [user] name stays");
	cairn_config_done(&cfg);

	ok(load_config("badvalue.ini", "[user]\nname = M\n[display]\ndate_format = yyyy/dd/mm\n",
		       &cfg, path, sizeof path) == CAIRN_OK, "a bad value does not stop loading");
	snprintf(want, sizeof want, "%s:4: 'yyyy/dd/mm' is not a date format cairn knows", path);
	ok(has(warnings, want), "it is reported with file and line: %s", esc(warnings));
	ok(cfg.date_format == NULL, "and ignored");
	cairn_config_done(&cfg);

	ok(load_config("badline.ini", "[user]\nname = M\njust some words\nemail = m@x\n"
		       "more words\n", &cfg, path, sizeof path) == CAIRN_OK,
	   "lines that are not key = value");
	snprintf(want, sizeof want, "%s:3: this line is not 'key = value'", path);
	ok(has(warnings, want), "reported with file and line: %s", esc(warnings));
	is_str(cfg.user_email, "m@x", "and loading goes on");
	/* inih's return value names only the first bad line; cairn reports
	 * every one. */
	snprintf(want, sizeof want, "%s:5: this line is not 'key = value'", path);
	ok(has(warnings, want), "the second bad line (5) is reported too");
	cairn_config_done(&cfg);

	/* inih reads an indented line after a setting as a new value for the
	 * same key; cairn reads it as a line of its own. */
	ok(load_config("indent.ini", "[user]\nname = Maria\n  Rossi\n  email = m@x\n", &cfg, path,
		       sizeof path) == CAIRN_OK, "indented lines");
	is_str(cfg.user_name, "Maria", "an indented line does not replace the value before it");
	snprintf(want, sizeof want, "%s:3: this line is not 'key = value'", path);
	ok(has(warnings, want), "it is reported: %s", esc(warnings));
	is_str(cfg.user_email, "m@x", "an indented setting is read");
	cairn_config_done(&cfg);

	snprintf(path, sizeof path, "%s/none.ini", tmpdir);
	setenv("CAIRN_CONFIG", path, 1);
	ok(cairn_config_load(&cfg, collect_warning, NULL, &err) == CAIRN_OK &&
	   !cfg.user_name && !cfg.user_email && !cfg.date_format, "a missing file is fine");
	cairn_config_done(&cfg);

	/* Line length.  inih reads lines of at most 199 bytes (INI_MAX_LINE
	 * 200, and Debian's build does not grow its buffer): a 199-byte line
	 * is read whole. */
	snprintf(text, sizeof text, "[user]\nname = %0192d\nemail = m@x\n", 0);
	ok(load_config("line199.ini", text, &cfg, path, sizeof path) == CAIRN_OK &&
	   cfg.user_name && strlen(cfg.user_name) == 192 && nwarnings == 0,
	   "a 199-byte line is read whole");
	cairn_config_done(&cfg);

	/* A longer line is reported as itself and ignored, never read in
	 * pieces: inih alone would take its first 199 bytes as the value and
	 * read the rest as a line of its own. */
	snprintf(text, sizeof text, "[user]\nname = %0250d\nemail = m@x\n", 0);
	ok(load_config("long.ini", text, &cfg, path, sizeof path) == CAIRN_OK,
	   "a file with a 257-byte line loads");
	snprintf(want, sizeof want, "%s:2: this line is 257 bytes long; cairn reads settings lines "
		 "of at most 199 bytes: shorten it (it is ignored)\n", path);
	is_str(warnings, want, "the long line, and only it, is reported at its own line");
	ok(cfg.user_name == NULL, "its value is not taken cut to %zu bytes",
	   cfg.user_name ? strlen(cfg.user_name) : 0);
	is_str(cfg.user_email, "m@x", "the line after it is read");
	cairn_config_done(&cfg);
	snprintf(text, sizeof text, "[user]\nname = %0193d\n", 0);
	load_config("line200.ini", text, &cfg, path, sizeof path);
	ok(nwarnings == 1 && cfg.user_name == NULL && has(warnings, ":2: this line is 200 bytes"),
	   "200 bytes is one too many: %s", esc(warnings));
	cairn_config_done(&cfg);

	/* The worst case: the tail of a long comment read as a setting. */
	snprintf(text, sizeof text, "[user]\nname = M\n#%0198d" "email = evil@example.org\n"
		 "[display]\ndate_format = dd.mm.yyyy\n", 0);
	load_config("comment.ini", text, &cfg, path, sizeof path);
	ok(cfg.user_email == NULL, "a long comment line sets nothing (email: %s)",
	   cfg.user_email ? cfg.user_email : "unset");
	snprintf(want, sizeof want, "%s:3: this line is 223 bytes long", path);
	ok(nwarnings == 1 && has(warnings, want), "and is reported at its line: %s",
	   esc(warnings));
	is_str(cfg.date_format, "dd.mm.yyyy", "the lines after it are read");
	cairn_config_done(&cfg);

	/* The workbook's cairn.ini, read from memory. */
	warnings[0] = '\0';
	nwarnings = 0;
	is_int(cairn_settings_parse("[workbook]\nname = Citizen City\nschema = 1\n"
				    "clock = 2016-03-20\ndate_format = dd.mm.yyyy\n", "/wb/cairn.ini",
				    &s, collect_warning, NULL, &err), CAIRN_OK, "cairn.ini parses");
	ok(s.name && !strcmp(s.name, "Citizen City") && s.schema == 1 && s.clock.y == 2016 &&
	   s.clock.m == 3 && s.clock.d == 20 && s.date_format && !strcmp(s.date_format, "dd.mm.yyyy"),
	   "every setting read");
	back = cairn_settings_text(&s);
	ok(has(back, "[workbook]\nname = Citizen City\nschema = 1\nclock = 2016-03-20\n"
		     "date_format = dd.mm.yyyy\n"), "and written back the same");
	free(back);
	cairn_settings_done(&s);
	ok(cairn_settings_parse("", "/wb/cairn.ini", &s, collect_warning, NULL, &err) == CAIRN_OK &&
	   s.schema == CAIRN_WORKBOOK_SCHEMA && s.name && !strcmp(s.name, "workbook") &&
	   !cairn_date_is_set(s.clock), "an empty cairn.ini: defaults");
	cairn_settings_done(&s);
	is_int(cairn_settings_parse("[workbook]\nschema = 2\n", "/wb/cairn.ini", &s,
				    collect_warning, NULL, &err), CAIRN_EINPUT, "a newer schema");
	ok(has(err.msg, "/wb/cairn.ini: this workbook has schema 2") && has(err.msg, "upgrade"),
	   "message: %s", esc(err.msg));
	cairn_settings_done(&s);
	warnings[0] = '\0';
	ok(cairn_settings_parse("[workbook]\nname = x\nclock = 2016-02-30\nschema = one\n",
				"/wb/cairn.ini", &s, collect_warning, NULL, &err) == CAIRN_OK,
	   "bad values in cairn.ini do not stop opening");
	ok(has(warnings, "/wb/cairn.ini:3: 2016-02-30 is not a date") &&
	   has(warnings, "/wb/cairn.ini:4: 'one' is not a schema version"),
	   "each is reported with file and line: %s", esc(warnings));
	ok(!cairn_date_is_set(s.clock) && s.schema == 1, "and ignored");
	cairn_settings_done(&s);

	/* cairn.ini comes from other members, through git: a long comment
	 * must not change the schema (and so refuse the workbook). */
	warnings[0] = '\0';
	nwarnings = 0;
	snprintf(text, sizeof text, "[workbook]\nname = x\n#%0198d" "schema = 7\n", 0);
	st = cairn_settings_parse(text, "/wb/cairn.ini", &s, collect_warning, NULL, &err);
	ok(st == CAIRN_OK && s.schema == 1, "a long comment in cairn.ini changes nothing (%s)",
	   st ? esc(err.msg) : "opened");
	ok(nwarnings == 1 && has(warnings, "/wb/cairn.ini:3: this line is 209 bytes long"),
	   "and is reported with file and line: %s", esc(warnings));
	cairn_settings_done(&s);
}

/* ---- labels per language: shown to each reader, stored as keys ---- */

static void test_labels(void)
{
	cairn_record r;
	cairn_template t;
	cairn_error err = { 0 };
	const cairn_question *colour, *channels, *share;
	char *out = NULL, *shown;

	make_template(&r);
	set(&r, "q.colour.prompt.fr", "Couleur ?");
	set(&r, "q.colour.choices.fr", "Rouge\nVert\nBleu");
	set(&r, "q.colour.choices.de", "Rot\nGrün\nBlau");
	set(&r, "q.channels.choices.fr", "Web\nTéléphone\nPapier");
	set(&r, "q.share.help", "Count every user.");
	set(&r, "q.share.help.pt-br", "Conte cada usuário.");
	if (!ok(cairn_template_from_record("m4", &r, &t, &err) == CAIRN_OK,
		"a template with labels in fr, de, pt-br reads %s", esc(err.msg))) {
		cairn_record_done(&r);
		return;
	}
	is_int(cairn_record_validate(CAIRN_KIND_TEMPLATE, "m4", &r, NULL, &err), CAIRN_OK,
	       "and is a valid record");
	colour = cairn_template_question(&t, "colour");
	channels = cairn_template_question(&t, "channels");
	share = cairn_template_question(&t, "share");
	is_str(cairn_question_prompt(colour, "fr"), "Couleur ?", "the prompt in French");
	is_str(cairn_question_prompt(colour, "de:fr"), "Couleur ?",
	       "German has no prompt: the next language the reader reads");
	is_str(cairn_question_prompt(colour, "it"), "Colour?", "no Italian: the default");
	is_str(cairn_question_prompt(colour, ""), "Colour?", "no language: the default");
	is_str(cairn_question_prompt(colour, NULL), "Colour?", "NULL: the default");
	is_str(cairn_question_choice(colour, 1, "fr-be"), "Vert", "fr-be reads the fr labels");
	is_str(cairn_question_choice(colour, 1, "de"), "Grün", "and de the German ones");
	is_str(cairn_question_help(share, "pt"), "Conte cada usuário.", "pt reads pt-br");
	is_str(cairn_question_help(share, "pt-pt:pt-br"), "Conte cada usuário.",
	       "a region, then another");
	is_str(cairn_question_help(colour, "fr"), "", "no help in any language");

	/* Whatever the language it is typed in, the key is stored. */
	answer_ok(&t, "colour", "vert", "Green");
	answer_ok(&t, "colour", "Blau", "Blue");
	answer_ok(&t, "colour", "Red", "Red");
	answer_ok(&t, "channels", "Papier, téléphone", "Phone\nPaper");
	answer_ok(&t, "channels", "Web\nPapier", "Web\nPaper");
	answer_refused(&t, "colour", "Violet", "'Violet' is not one of the choices");
	/* And shown back in the reader's language. */
	shown = cairn_answer_shown(channels, "Phone\nPaper", "fr");
	is_str(shown, "Téléphone\nPapier", "a stored answer shown in French");
	free(shown);
	shown = cairn_answer_shown(channels, "Phone\nFax", "fr");
	is_str(shown, "Téléphone\nFax", "a value that is no key (an old answer) as stored");
	free(shown);
	shown = cairn_answer_shown(channels, "Phone", "");
	is_str(shown, "Phone", "in the default language: the key");
	free(shown);
	shown = cairn_answer_shown(share, "45", "fr");
	is_str(shown, "45", "not a choice: unchanged");
	free(shown);
	(void)out;
	cairn_template_done(&t);
	cairn_record_done(&r);

	template_refused("q.colour.choices.fr", "Rouge\nVert", "2 labels for 3 choices");
	template_refused("q.colour.choices.fr", "Rouge\n\nBleu", "label 2 is empty");
	template_refused("q.colour.choices.fr", "Rouge\nrouge\nBleu", "'rouge' is listed twice");
	template_refused("q.colour.type.fr", "single", "only prompt, help, choices and constraint-message have labels");
	template_refused("q.colour.prompt.french", "Couleur", "is not a language tag");
	template_refused("q.colour.prompt.f", "Couleur", "is not a language tag");
	template_refused("q.nope.prompt.fr", "Non", "question 'nope' is not listed");
	template_refused("q.share.choices.fr", "Un", "only single and multiple choice");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[PATH_MAX + 16];

	snprintf(tmpdir, sizeof tmpdir, "%s/cairn-test-kinds-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 99;
	}
	test_kind_table();
	test_enums();
	test_values();
	test_records();
	test_answers();
	test_labels();
	test_layout();
	test_derive();
	test_config();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return tap_done();
}
