/* The group's own schema through the C API (include/cairn/schema.h): list
 * records read and checked, labels per language, the kinds as an active
 * schema makes them (choices, fields of the group's own, the pilots'
 * counts), cairn's built-in lists as the fallback, hostile lists, two
 * versions of a list merged, and a form's fields and rules. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cairn/kinds.h"
#include "cairn/merge.h"
#include "cairn/schema.h"
#include "tap.h"

/* A record from "key", "value", ... NULL. */
static cairn_record rec(const char *key, ...)
{
	cairn_record r;
	cairn_error err;
	va_list ap;

	cairn_record_init(&r);
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *))
		cairn_record_set(&r, k, va_arg(ap, const char *), &err);
	va_end(ap);
	return r;
}

static bool has(const char *text, const char *part)
{
	return text && strstr(text, part);
}

static void one_list(void)
{
	cairn_record r = rec("title", "Team", "choices", "academia\nngo\n\nbusiness",
			     "c.academia.label", "Academia", "c.academia.label.fr", "Universitaires",
			     "c.academia.seats", "3", "c.ngo.seats", "0", "c.gone.label", "Gone",
			     "c.ngo.colour", "green", NULL);
	cairn_list l;
	cairn_error err;
	const cairn_choice *c;

	ok(cairn_list_from_record("person.category", &r, &l, &err) == CAIRN_OK, "a list reads");
	is_int((int)l.nchoices, 3, "three choices (a blank line is none)");
	is_str(l.keys[2], "business", "the keys in order, as field choices");
	ok(l.keys[3] == NULL, "NULL-ended");
	is_str(l.title, "Team", "its title");
	c = cairn_list_choice(&l, "academia");
	ok(c && c->seats == 3, "seats");
	is_str(cairn_choice_label(c, NULL), "Academia", "the default label");
	is_str(cairn_choice_label(c, "fr"), "Universitaires", "the French one");
	is_str(cairn_choice_label(c, "fr-be:en"), "Universitaires", "fr-be reads fr");
	is_str(cairn_choice_label(c, "de"), "Academia", "a language it lacks: the default");
	c = cairn_list_choice(&l, "ngo");
	ok(c && c->seats == 0, "no seats planned is 0");
	is_str(cairn_choice_label(c, "fr"), "ngo", "no label: the key");
	ok(cairn_list_choice(&l, "business")->seats == -1, "no seats field: -1");
	ok(!cairn_list_choice(&l, "gone"), "the parts of a choice not listed are not read");
	cairn_list_done(&l);
	ok(cairn_list_check_new("person.category", &r, &err) == CAIRN_EINPUT,
	   "a part cairn does not know, typed in a save, is refused");
	ok(has(err.msg, "list/person.category: c.ngo.colour: a choice has only label"),
	   "naming it: %s", err.msg);
	cairn_record_done(&r);
}

static void refused(const char *id, const char *choices, const char *k, const char *v,
		    const char *why, const char *name)
{
	cairn_record r = rec("choices", choices, k, v, NULL);
	cairn_error err;

	ok(cairn_list_check_new(id, &r, &err) == CAIRN_EINPUT && has(err.msg, why), "%s: %s", name,
	   err.msg);
	cairn_record_done(&r);
}

static void bad_lists(void)
{
	cairn_record r;
	cairn_error err;

	refused("person.name", "a", "title", "x", "name is a text field of cairn's own",
		"a list named like a built-in field");
	refused("person.role", "leader\nkey-person\nreviewer\nboss", "title", "x",
		"'boss' is not one of cairn's keys; the keys of person.role are cairn's own",
		"the roles: a key added");
	refused("milestone.status", "planned\nactive\ndone", "title", "x",
		"'dropped' is missing; the keys of milestone.status are cairn's own",
		"a status: a key removed");
	refused("task.status", "planned\nactive\ndone\ndropped", "c.done.seats", "1",
		"a choice of cairn's own has only label", "a status has no seats");
	refused("evaluation.answer", "x", "title", "x", "a list is named KIND.FIELD",
		"an evaluation's answers are the template's");
	refused("gadget.kind", "x", "title", "x", "a list is named KIND.FIELD", "no such kind");
	refused("teams", "x", "title", "x", "a list is named KIND.FIELD", "no kind");
	refused("list.title", "x", "title", "x", "a list is named KIND.FIELD", "a list of lists");
	refused("tool.kind", "a\na", "title", "x", "'a' is listed twice", "a choice twice");
	refused("tool.kind", "a b", "title", "x", "is not a choice key", "a key with a blank");
	refused("tool.kind", "", "title", "x", "at least one choice", "no choice");
	refused("tool.kind", "a", "c.a.seats", "-1", "not a number of seats", "seats below 0");
	refused("inclusion", "young", "c.young.count", "city", "city is a pilot field of cairn's own",
		"a group counted on a pilot's city");
	refused("inclusion", "participants", "title", "x", "participants is a pilot field",
		"a group named like the participants");
	r = rec("choices", "x", NULL);
	ok(cairn_list_check_new("person.expertise", &r, &err) == CAIRN_OK,
	   "a field of the group's own");
	ok(cairn_list_check_new("inclusion", &r, &err) == CAIRN_OK, "the inclusion groups");
	cairn_record_done(&r);
}

static void builtin(void)
{
	const cairn_list *l = cairn_schema_list("person.category");
	const cairn_field_def *f = cairn_kind_field(CAIRN_KIND_PERSON, "category");

	cairn_schema_use(NULL);
	ok(l && l->builtin, "no schema: cairn's built-in categories");
	ok(f && f->listed && f->choices && f->choices[0], "the category's choices are that list's");
	ok(cairn_list_choice(l, l->keys[0])->seats >= 0, "with their seats");
	ok(cairn_kind_builtin_def_of(CAIRN_KIND_PERSON) != cairn_kind_def_of(CAIRN_KIND_PERSON),
	   "the kinds as a schema makes them are not cairn's bare table");
	ok(!cairn_kind_builtin_def_of(CAIRN_KIND_PERSON)->fields[3].choices,
	   "which has no names of any group");
	is_int((int)cairn_schema_own_lists(), 0, "no list of a workbook's own");
}

static void active(void)
{
	cairn_schema *s = cairn_schema_new();
	cairn_record cat = rec("choices", "academia\nngo", NULL);
	cairn_record own = rec("title", "Expertise", "choices", "ux\nlaw", NULL);
	cairn_record incl = rec("choices", "women\ndisabilities\nyoung", "c.young.count", "under25",
				NULL);
	cairn_error err;
	const cairn_field_def *f;
	const cairn_kind_def *pilot;
	char *out = NULL;
	size_t at = 0;

	ok(s && cairn_schema_add(s, CAIRN_KIND_LIST, "person.category", &cat, &err) == CAIRN_OK &&
	   cairn_schema_add(s, CAIRN_KIND_LIST, "person.expertise", &own, &err) == CAIRN_OK &&
	   cairn_schema_add(s, CAIRN_KIND_LIST, "inclusion", &incl, &err) == CAIRN_OK, "a schema of three lists");
	cairn_schema_use(s);
	is_int((int)cairn_schema_own_lists(), 3, "active");
	f = cairn_kind_field(CAIRN_KIND_PERSON, "category");
	ok(f && cairn_value_normalize(f, "NGO", NULL, &out, &err) == CAIRN_OK, "its choices hold");
	is_str(out, "ngo", "stored as the key");
	free(out);
	ok(cairn_value_normalize(f, "industry", NULL, &out, &err) == CAIRN_EINPUT,
	   "a built-in choice no longer does");
	ok(has(err.msg, "category: 'industry' is not one of: academia, ngo"), "%s", err.msg);
	f = cairn_kind_field(CAIRN_KIND_PERSON, "expertise");
	ok(f && f->type == CAIRN_F_ENUM && !f->indexed && !f->required,
	   "a field of the group's own: an optional choice, not a column of the index");
	is_str(f ? f->label : NULL, "Expertise", "labelled by the list's title");
	ok(!cairn_kind_field(CAIRN_KIND_TOOL, "expertise"), "on persons only");
	pilot = cairn_kind_def_of(CAIRN_KIND_PILOT);
	for (size_t i = 0; i < pilot->nfields; i++)
		if (!strcmp(pilot->fields[i].name, "participants"))
			at = i;
	ok(at && !strcmp(pilot->fields[at + 1].name, "women") &&
	   !strcmp(pilot->fields[at + 2].name, "disabilities") &&
	   !strcmp(pilot->fields[at + 3].name, "under25"),
	   "each group's count after participants, in the list's order");
	ok(pilot->fields[at + 2].type == CAIRN_F_COUNT, "a count");
	ok(!cairn_kind_field(CAIRN_KIND_PILOT, "aged65"), "a built-in group not listed is no field");
	{
		cairn_record t = rec("label", "x", "minimum", "10", NULL);
		ok(cairn_record_validate(CAIRN_KIND_TARGET, "disabilities", &t, NULL, &err) == CAIRN_OK,
		   "a target on the new group");
		ok(cairn_record_validate(CAIRN_KIND_TARGET, "aged65", &t, NULL, &err) == CAIRN_EINPUT,
		   "none on a group not listed");
		cairn_record_done(&t);
	}
	/* A record under this schema keeps a field the schema no longer names. */
	{
		cairn_record p = rec("name", "Ana", "category", "ngo", "role", "reviewer",
				     "expertise", "law", "colour", "green", NULL);
		ok(cairn_record_validate(CAIRN_KIND_PERSON, "ana", &p, NULL, &err) == CAIRN_OK,
		   "a person with a field of the group's own and one unknown");
		cairn_record_canonical(CAIRN_KIND_PERSON, &p);
		is_str(cairn_record_get(&p, "colour"), "green", "the unknown one is kept");
		cairn_record_done(&p);
	}
	cairn_schema_use(NULL);
	ok(cairn_kind_field(CAIRN_KIND_PILOT, "aged65") != NULL, "cairn_schema_use(NULL): built-in");
	cairn_schema_free(s);
	cairn_record_done(&cat);
	cairn_record_done(&own);
	cairn_record_done(&incl);
}

/* cairn's own choice fields have lists too: their keys are cairn's, and
 * a group's list of the same id relabels them. */
static void relabelled(void)
{
	cairn_schema *s = cairn_schema_new();
	cairn_record st = rec("choices", "dropped\ndone\nactive\nplanned", "c.done.label",
			      "Finished", "c.done.label.fr", "Achevé", NULL);
	cairn_error err;
	const cairn_field_def *f;
	char *out = NULL;

	cairn_schema_use(NULL);
	f = cairn_kind_field(CAIRN_KIND_MILESTONE, "status");
	ok(f && f->list && f->list->builtin, "a status has cairn's list");
	is_str(cairn_field_value_label(f, "done", "fr"), "done", "its label (gettext's, here none)");
	is_str(cairn_field_value_label(f, "later", "fr"), "later", "a value off it: itself");
	ok(s && cairn_schema_add(s, CAIRN_KIND_LIST, "milestone.status", &st, &err) == CAIRN_OK,
	   "a list relabelling the milestones' statuses");
	cairn_schema_use(s);
	f = cairn_kind_field(CAIRN_KIND_MILESTONE, "status");
	is_str(cairn_field_value_label(f, "done", "fr"), "Achevé", "its label in French");
	is_str(cairn_field_value_label(f, "done", ""), "Finished", "its default label");
	is_str(cairn_field_value_label(f, "planned", "fr"), "planned",
	       "a choice it does not relabel keeps cairn's label");
	ok(f && !strcmp(f->choices[0], "planned") && !strcmp(f->choices[3], "dropped"),
	   "the choices stay cairn's, in cairn's order");
	ok(cairn_value_normalize(f, " Achevé ", NULL, &out, &err) == CAIRN_OK, "typed by label");
	is_str(out, "done", "stored as the key");
	free(out);
	ok(cairn_value_normalize(f, "finished", NULL, &out, &err) == CAIRN_OK, "any language");
	is_str(out, "done", "the key again");
	free(out);
	ok(cairn_value_normalize(f, "planned", NULL, &out, &err) == CAIRN_OK, "and by key");
	free(out);
	f = cairn_kind_field(CAIRN_KIND_TASK, "status");
	is_str(cairn_field_value_label(f, "done", "fr"), "done", "the tasks' statuses are another list");
	cairn_schema_use(NULL);
	cairn_schema_free(s);
	cairn_record_done(&st);
}

static void many(void)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_record r;
	cairn_schema *s = cairn_schema_new();
	cairn_error err;
	char *out = NULL;
	clock_t t0;
	const cairn_field_def *f;

	for (int i = 0; i < 10000; i++)
		cairn_buf_printf(&b, "%sk%05d", i ? "\n" : "", i);
	r = rec("choices", cairn_buf_str(&b), NULL);
	t0 = clock();
	ok(cairn_schema_add(s, CAIRN_KIND_LIST, "tool.kind", &r, &err) == CAIRN_OK, "a list of 10,000 choices");
	cairn_schema_use(s);
	f = cairn_kind_field(CAIRN_KIND_TOOL, "kind");
	for (int i = 0; i < 1000; i++) {
		free(out);
		out = NULL;
		cairn_value_normalize(f, "k09999", NULL, &out, &err);
	}
	is_str(out, "k09999", "its last choice");
	free(out);
	ok(cairn_value_normalize(f, "nope", NULL, &out, &err) == CAIRN_EINPUT &&
	   has(err.msg, "(10000 choices in all)") && strlen(err.msg) < 300,
	   "a refusal names a dozen and the count: %s", err.msg);
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0, "read once and checked 1,000 times in under 2 s");
	cairn_schema_use(NULL);
	cairn_schema_free(s);
	cairn_record_done(&r);
	cairn_buf_printf(&b, "\nk10000\n");
	for (int i = 10001; i <= 20001; i++)
		cairn_buf_printf(&b, "k%05d\n", i);
	r = rec("choices", cairn_buf_str(&b), NULL);
	ok(cairn_list_check_new("tool.kind", &r, &err) == CAIRN_EINPUT &&
	   has(err.msg, "a list holds at most 20000"), "more than 20,000 are refused: %s", err.msg);
	{
		cairn_list big;
		ok(cairn_list_from_record("tool.kind", &r, &big, &err) == CAIRN_OK &&
		   big.nchoices == 20002, "but one a peer brought is read, its records with it");
		cairn_list_done(&big);
	}
	cairn_record_done(&r);
	cairn_buf_done(&b);
}

static void merged(void)
{
	cairn_record base = rec("choices", "a\nb\nc", "c.a.seats", "1", "c.b.seats", "1", NULL);
	cairn_record ours = rec("choices", "a\nb\nc\nd", "c.a.seats", "2", "c.b.seats", "1", NULL);
	cairn_record theirs = rec("choices", "a\nc\ne", "c.a.seats", "1", "c.b.seats", "3", NULL);
	cairn_merge_result m;
	cairn_error err;

	ok(cairn_merge_record(CAIRN_KIND_LIST, &base, &ours, &theirs, NULL, &m, &err) == CAIRN_OK,
	   "two versions of a list merge");
	is_str(cairn_record_get(&m.merged, "choices"), "a\nc\nd\ne",
	       "choices added by each (at the same place) both kept, one removed gone");
	is_str(cairn_record_get(&m.merged, "c.a.seats"), "2", "ours");
	is_int((int)m.nconflicts, 0, "no conflict");
	is_str(cairn_record_get(&m.merged, "c.b.seats"), "3", "theirs");
	cairn_merge_result_done(&m);
	cairn_record_set(&theirs, "c.a.seats", "5", &err);
	ok(cairn_merge_record(CAIRN_KIND_LIST, &base, &ours, &theirs, NULL, &m, &err) == CAIRN_OK &&
	   m.nconflicts == 1 && !strcmp(m.conflicts[0].key, "c.a.seats"),
	   "the same seats changed on both sides: a conflict");
	cairn_merge_result_done(&m);
	cairn_record_done(&base);
	cairn_record_done(&ours);
	cairn_record_done(&theirs);
}

static void forms(void)
{
	cairn_schema *s = cairn_schema_new();
	cairn_record form = rec("questions", "budget\nchannel\nnotes", "q.budget.type", "number",
				"q.budget.min", "0", "q.budget.prompt", "Budget",
				"q.budget.prompt.fr", "Budget (euros)", "q.channel.type", "single",
				"q.channel.prompt", "Channel", "q.channel.choices", "web\nphone",
				"q.notes.type", "longtext", "q.notes.prompt", "Notes", NULL);
	cairn_record clash = rec("questions", "city", "q.city.type", "text", "q.city.prompt", "City",
				 NULL);
	const cairn_field_def *f;
	cairn_error err;
	char *out = NULL;

	ok(cairn_form_check_new("pilot", &form, &err) == CAIRN_OK, "a form of the pilots' fields");
	ok(cairn_form_check_new("pilot", &clash, &err) == CAIRN_EINPUT &&
	   has(err.msg, "form/pilot: city: pilot already has a field city"),
	   "a field named like one of cairn's is refused: %s", err.msg);
	ok(cairn_form_check_new("gadget", &form, &err) == CAIRN_EINPUT &&
	   has(err.msg, "form/gadget: a form is named after the kind"), "a form names a kind");
	ok(cairn_form_check_new("list", &form, &err) == CAIRN_EINPUT, "lists have no form");
	ok(s && cairn_schema_add(s, CAIRN_KIND_FORM, "pilot", &form, &err) == CAIRN_OK, "added");
	cairn_schema_use(s);
	f = cairn_kind_field(CAIRN_KIND_PILOT, "budget");
	ok(f && f->question && !f->indexed && !f->required, "the pilots have a field budget");
	is_str(f ? cairn_question_prompt(f->question, "fr") : NULL, "Budget (euros)",
	       "labelled per language");
	ok(f && cairn_value_normalize(f, "12,5", NULL, &out, &err) == CAIRN_OK, "a number");
	is_str(out, "12.5", "in its stored form");
	free(out);
	ok(f && cairn_value_normalize(f, "-1", NULL, &out, &err) == CAIRN_EINPUT &&
	   has(err.msg, "budget: -1 is out of range"), "out of range, named as a field: %s", err.msg);
	ok(f && cairn_value_check(f, "12.50", &err) == CAIRN_EINPUT, "a stored value not in its form");
	f = cairn_kind_field(CAIRN_KIND_PILOT, "channel");
	ok(f && f->type == CAIRN_F_ENUM && f->choices && !strcmp(f->choices[1], "phone"),
	   "a single choice is a choice field");
	ok(cairn_value_normalize(f, "2", NULL, &out, &err) == CAIRN_OK, "picked by number");
	is_str(out, "phone", "stored as the key");
	free(out);
	f = cairn_kind_field(CAIRN_KIND_PILOT, "notes");
	ok(f && f->type == CAIRN_F_LONGTEXT, "long text merges line by line");
	{
		cairn_record p = rec("city", "Oslo", "status", "testing", "budget", "7", NULL);
		ok(cairn_record_validate(CAIRN_KIND_PILOT, "oslo", &p, NULL, &err) == CAIRN_OK,
		   "a pilot with a value of the form");
		cairn_record_set(&p, "budget", "many", &err);
		ok(cairn_record_validate(CAIRN_KIND_PILOT, "oslo", &p, NULL, &err) == CAIRN_EINPUT &&
		   has(err.msg, "pilot/oslo: budget:"), "one off it, named: %s", err.msg);
		cairn_record_done(&p);
	}
	cairn_schema_use(NULL);
	ok(!cairn_kind_field(CAIRN_KIND_PILOT, "budget"), "no schema, no such field");
	cairn_schema_free(s);
	cairn_record_done(&form);
	cairn_record_done(&clash);
}

/* A form's rules, as a template's questions have them: required,
 * relevant only when `when` holds, a constraint with its message; a rule
 * the record broke before the save, with the same value, is not held
 * against it. */
static void form_rules(void)
{
	cairn_schema *s = cairn_schema_new();
	cairn_record form = rec("questions", "funded\nbudget\nmentor", "q.funded.type", "yesno",
				"q.funded.prompt", "Funded", "q.funded.required", "yes",
				"q.budget.type", "number", "q.budget.prompt", "Budget",
				"q.budget.required", "yes", "q.budget.when", "${funded} = 'yes'",
				"q.budget.constraint", ". <= 5000", "q.budget.constraint-message",
				"at most 5000", "q.budget.constraint-message.fr", "au plus 5000",
				"q.mentor.type", "reference", "q.mentor.kind", "person",
				"q.mentor.prompt", "Mentor", NULL);
	cairn_record bad_when = rec("questions", "a\nb", "q.a.type", "yesno", "q.a.prompt", "A",
				    "q.b.type", "text", "q.b.prompt", "B", "q.b.when",
				    "${a} = 'yes", NULL);
	cairn_record p = rec("city", "Oslo", "status", "testing", NULL);
	cairn_record base;
	cairn_error err;

	ok(cairn_form_check_new("pilot", &bad_when, &err) == CAIRN_EINPUT &&
	   has(err.msg, "form/pilot: q.b.when: at character 8:"),
	   "a form's when is checked when it is saved, with its position: %s", err.msg);
	ok(s && cairn_schema_add(s, CAIRN_KIND_FORM, "pilot", &form, &err) == CAIRN_OK, "added");
	cairn_schema_use(s);
	ok(cairn_schema_form(CAIRN_KIND_PILOT) && !cairn_schema_form(CAIRN_KIND_TOOL),
	   "the pilots have a form, the tools none");
	ok(cairn_record_validate(CAIRN_KIND_PILOT, "oslo", &p, NULL, &err) == CAIRN_OK,
	   "a record that breaks its form's rules is still read");
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, NULL, NULL, &err) == CAIRN_EINPUT &&
	   has(err.msg, "pilot/oslo: funded: is required"), "but not saved: %s", err.msg);
	cairn_record_set(&p, "funded", "no", &err);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, NULL, NULL, &err) == CAIRN_OK,
	   "not funded, the budget is not asked");
	cairn_record_set(&p, "funded", "yes", &err);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, NULL, NULL, &err) == CAIRN_EINPUT &&
	   has(err.msg, "pilot/oslo: budget: is required when ${funded} = 'yes'"),
	   "funded, it is required: %s", err.msg);
	cairn_record_set(&p, "budget", "9000", &err);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, NULL, NULL, &err) == CAIRN_EINPUT &&
	   has(err.msg, "pilot/oslo: budget: at most 5000"), "its constraint's message: %s", err.msg);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, NULL, "fr", &err) == CAIRN_EINPUT &&
	   has(err.msg, "budget: au plus 5000"), "in the reader's language: %s", err.msg);
	cairn_record_copy(&base, &p, &err);
	cairn_record_set(&p, "city", "Bergen", &err);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, &base, NULL, &err) == CAIRN_OK,
	   "a rule broken before, with the same value, is not held against another edit");
	cairn_record_set(&p, "budget", "8000", &err);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, &base, NULL, &err) == CAIRN_EINPUT,
	   "a new value is checked");
	cairn_record_set(&p, "budget", "800", &err);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &p, &base, NULL, &err) == CAIRN_OK,
	   "a value that keeps the rule passes");
	ok(cairn_form_check_new("pilot", &form, &err) == CAIRN_OK,
	   "a form with a reference is saved again: %s", err.msg);
	cairn_schema_use(NULL);
	ok(cairn_record_check_form(CAIRN_KIND_PILOT, "oslo", &base, NULL, NULL, &err) == CAIRN_OK,
	   "no form, no rules");
	cairn_schema_free(s);
	cairn_record_done(&base);
	cairn_record_done(&p);
	cairn_record_done(&bad_when);
	cairn_record_done(&form);
}

int main(void)
{
	one_list();
	bad_lists();
	builtin();
	active();
	relabelled();
	many();
	merged();
	forms();
	form_rules();
	return tap_done();
}
