/* One record: its fields, each edited in place (e or Enter) or in $EDITOR
 * (E).  An evaluation is a form: its template's questions, each edited by
 * its type (a yes/no toggles, a choice is picked by number or name, long
 * text goes to $EDITOR), every change saved at once as a draft; S submits
 * (required answers checked, the cursor taken to the first missing one),
 * R returns with comments, V validates, P and T mark a good practice and a
 * success story: the core's workflow decides who may.
 * Questions and choices are shown in the user's language when the template
 * has it (i18n_languages), and answers stored by choice key.
 * A milestone lists its tasks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cairn/buf.h"
#include "cairn/derive.h"
#include "cairn/drafts.h"
#include "cairn/sanitize.h"
#include "cairn/workflow.h"
#include "tui.h"

typedef struct record_state {
	char ref[160];          /* first: the init value, "kind/id" */
} record_state;

static bool load(app *a, const char *name, cairn_ref *ref, cairn_record *rec)
{
	cairn_index_hit hit;
	cairn_error err;

	cairn_record_init(rec);
	if (cairn_wb_resolve(a->wb, name, &hit, &err) != CAIRN_OK ||
	    cairn_wb_read(a->wb, &hit, rec, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		return false;
	}
	*ref = hit.ref;
	return true;
}

/* A value on one line: the first line of long text, with a sign of more. */
static void one_line(const char *v, char *buf, size_t n)
{
	size_t len = strcspn(v, "\n");
	snprintf(buf, n, "%.*s%s", (int)len, v, v[len] ? " [...]" : "");
}

static bool load_template(app *a, const cairn_record *rec, cairn_template *tpl)
{
	const char *tid = cairn_record_get(rec, "template");
	cairn_error err;

	memset(tpl, 0, sizeof *tpl);
	if (!tid || cairn_wb_template(a->wb, tid, tpl, &err) != CAIRN_OK)
		return false;
	return true;
}

static void form_lines(app *a, const cairn_record *rec, lines *out)
{
	cairn_template tpl;
	size_t answered = 0, missing = 0;
	const char *first = NULL, *langs = i18n_languages();
	bool *rel;

	if (!load_template(a, rec, &tpl)) {
		lines_add(out, LS_ALERT, NULL, "%s",
			  _("its template cannot be read: the answers are shown as stored"));
		return;
	}
	cairn_evaluation_progress(rec, &tpl, &answered, &missing, &first);
	lines_add_heading(out, LS_SECTION, a->cols - 5,
			  _("%s (version %d): %zu of %zu answered, %zu required missing"),
		  tpl.title ? tpl.title : tpl.id, tpl.version, answered,
		  cairn_evaluation_asked(rec, &tpl), missing);
	{
		const char *v = cairn_record_get(rec, "template_version");
		const char *c = cairn_record_get(rec, "comments"), *last;
		const char *status = cairn_record_get(rec, "status");
		if (v && atoi(v) != tpl.version)
			lines_add(out, LS_ALERT, NULL, _("answered on version %s; the template is now "
				  "version %d"), v, tpl.version);
		/* Why a validation was undone: the last line of the comments, while
		 * the evaluation waits for the validator again. */
		last = c ? strrchr(c, '\n') : NULL;
		last = last ? last + 1 : c;
		if (last && status && !strcmp(status, "submitted") &&
		    !strncmp(last, "answers changed after validation", 32))
			lines_add(out, LS_ALERT, NULL, _("back to submitted: %s"), last);
	}
	rel = malloc((tpl.nquestions ? tpl.nquestions : 1) * sizeof *rel);
	if (rel)
		cairn_template_relevance(&tpl, rec, rel);
	for (size_t i = 0; i < tpl.nquestions; i++) {
		const cairn_question *q = &tpl.questions[i];
		char key[CAIRN_KEY_MAX + 8], shown[256], *label;
		const char *v;
		snprintf(key, sizeof key, "answer.%s", q->key);
		v = cairn_record_get(rec, key);
		/* A question its `when` skips is not asked: shown dim, with
		 * why, and not selectable; an answer it had stays stored. */
		if (rel && !rel[i]) {
			lines_add(out, LS_DIM, NULL, " %-3zu %s [%s]", i + 1,
				  cairn_question_prompt(q, langs), _(cairn_qtype_label(q->type)));
			one_line(q->when, shown, sizeof shown);
			lines_add(out, LS_DIM, NULL, v && *v ? _("       (not asked: only when %s; its "
							       "earlier answer is kept)")
							    : _("       (not asked: only when %s)"), shown);
			continue;
		}
		/* Shown in the reader's language; stored as keys ("yes", a choice). */
		if (v && q->type == CAIRN_Q_YESNO && (!strcmp(v, "yes") || !strcmp(v, "no")))
			label = strdup(!strcmp(v, "yes") ? _("yes") : _("no"));
		else
			label = v ? cairn_answer_shown(q, v, langs) : NULL;
		one_line(label ? label : v ? v : "", shown, sizeof shown);
		free(label);
		lines_add(out, !v && q->required ? LS_ALERT : LS_TEXT, key, "%s%-3zu %s [%s]%s",
			  q->required ? "*" : " ", i + 1, cairn_question_prompt(q, langs),
			  _(cairn_qtype_label(q->type)), "");
		lines_add(out, v ? LS_GOOD : LS_DIM, NULL, "       %s",
			  v ? shown : q->required ? _("(required, not answered)") : _("(not answered)"));
	}
	free(rel);
	cairn_template_done(&tpl);
}

/* A milestone's tasks, nearest due first: each with its due date, how far
 * it is, its title and who has it (by name); a adds one. */
static void milestone_tasks(app *a, const cairn_ref *ref, lines *out)
{
	static const char *const cols[] = { "id", "due", "status", "title", "assignee" };
	const cairn_filter f = { "milestone", ref->id, CAIRN_OP_EQ };
	int id_w = 4;
	rowset r;

	lines_add(out, LS_TEXT, NULL, "%s", "");
	lines_add(out, LS_SECTION, NULL, "%s", _("Tasks (a adds one)"));
	if (!rows_load(a, &r, CAIRN_KIND_TASK, cols, 5, &f, 1, "due"))
		return;
	for (size_t i = 0; i < r.nrows; i++)
		if (text_width(rows_get(&r, i, 0)) > id_w)
			id_w = text_width(rows_get(&r, i, 0)) < 12 ? text_width(rows_get(&r, i, 0)) : 12;
	/* Those with a due date first (the index sorts "" first). */
	for (size_t k = 0; k < 2 * r.nrows; k++) {
		size_t i = k % r.nrows;
		const char *status = rows_get(&r, i, 2);
		if ((k < r.nrows) != (*rows_get(&r, i, 1) != '\0'))
			continue;
		cairn_deadline d = cairn_deadline_of(rows_get(&r, i, 1), status, cairn_wb_today(a->wb));
		char target[200], date[32], when[64], name[128], who[300];
		snprintf(target, sizeof target, "task/%s", rows_get(&r, i, 0));
		cli_date(a->c, rows_get(&r, i, 1), date, sizeof date);
		deadline_words(&d, status, when, sizeof when);
		if (*rows_get(&r, i, 4))
			cli_id_and_name(rows_get(&r, i, 4),
					person_name(a, rows_get(&r, i, 4), name, sizeof name), who,
					sizeof who);
		else
			snprintf(who, sizeof who, "%s", _("nobody"));
		task_lines(a, out, d.overdue, target, id_w, rows_get(&r, i, 0), date, when,
			   rows_get(&r, i, 3), who);
	}
	if (!r.nrows)
		lines_add(out, LS_DIM, NULL, "%s", _("  none yet: press a to add one"));
	rows_done(&r);
}

/* A pilot's participants by group, as bars against the targets. */
static void pilot_inclusion(app *a, const cairn_record *rec, lines *out)
{
	const char *total_text = cairn_record_get(rec, "participants");
	long total = total_text && *total_text ? atol(total_text) : 0;
	cairn_targets t;

	lines_add(out, LS_TEXT, NULL, "%s", "");
	lines_add_heading(out, LS_SECTION, a->cols - 5, "%s",
			  _("Inclusion against the targets (| marks the target)"));
	if (total <= 0) {
		lines_add(out, LS_DIM, NULL, "%s", _("  no participants reported yet"));
		return;
	}
	if (!targets_load(a, &t))
		return;
	inclusion_lines(out, &t, rec, "  ", true, a->cols - 2);
	cairn_targets_done(&t);
}

#define MARKED_FIELDS_MAX 48

/* Which of the kind's fields (and, last, its answers) the user may
 * change, as a save would decide; all, when that cannot be told. */
static void mark_fields(app *a, const cairn_ref *ref, const cairn_record *rec,
			const cairn_kind_def *def, cairn_field_permit *out)
{
	const char *names[MARKED_FIELDS_MAX + 1];
	size_t n = def->nfields < MARKED_FIELDS_MAX ? def->nfields : MARKED_FIELDS_MAX;
	cairn_error err;

	for (size_t i = 0; i < n; i++)
		names[i] = def->fields[i].name;
	for (size_t i = n; i < MARKED_FIELDS_MAX; i++)
		names[i] = "";
	names[MARKED_FIELDS_MAX] = "answer.x";
	if (cairn_wb_field_permits(a->wb, ref->kind, ref->id, rec, names, MARKED_FIELDS_MAX + 1, out,
				   &err) != CAIRN_OK)
		for (size_t i = 0; i <= MARKED_FIELDS_MAX; i++)
			out[i].may = true;
}

static void record_build(app *a, void *state, lines *out)
{
	record_state *s = state;
	const cairn_kind_def *def;
	cairn_record rec;
	cairn_ref ref;
	int label_w, lw;
	cairn_field_permit permits[MARKED_FIELDS_MAX + 1];
	const cairn_template *form;
	bool *asked = NULL;

	if (!load(a, s->ref, &ref, &rec))
		return;
	def = cairn_kind_def_of(ref.kind);
	mark_fields(a, &ref, &rec, def, permits);
	/* The kind's form: which of its fields the record's values ask. */
	if ((form = cairn_schema_form(ref.kind)) &&
	    (asked = malloc((form->nquestions ? form->nquestions : 1) * sizeof *asked)))
		cairn_template_relevance_in(form, &rec, "", asked);
	/* Labels take 24 columns, less on a narrow screen: values first. */
	label_w = (a->cols - 2) * 2 / 5;
	label_w = label_w > 24 ? 24 : label_w < 16 ? 16 : label_w;
	for (size_t i = 0; i < def->nfields; i++) {
		const cairn_field_def *f = &def->fields[i];
		const char *v = cairn_record_get(&rec, f->name);
		char shown[256], date[96], label[128], with_name[256];
		/* The workflow's own bookkeeping, not for people (see the form). */
		if (!strcmp(f->name, "validated_answers"))
			continue;
		if (f->type == CAIRN_F_DATE && v) {
			cli_date(a->c, v, date, sizeof date);
			/* A deadline says how far it is, in words. */
			if (!strcmp(f->name, "deadline") || !strcmp(f->name, "due")) {
				const char *status = cairn_record_get(&rec, "status");
				cairn_deadline d = cairn_deadline_of(cairn_record_get(&rec, f->name),
								     status ? status : "",
								     cairn_wb_today(a->wb));
				char when[64];
				size_t used = strlen(date);
				deadline_words(&d, status ? status : "", when, sizeof when);
				snprintf(date + used, sizeof date - used, "  %s", when);
			}
			v = date;
		}
		/* A person by name as well as by id. */
		if (f->type == CAIRN_F_REF && f->ref == CAIRN_KIND_PERSON && v && *v) {
			char name[128];
			v = cli_id_and_name(v, person_name(a, v, name, sizeof name), with_name,
					    sizeof with_name);
		}
		/* A status or a role by its label, in the reader's language. */
		if (f->type == CAIRN_F_ENUM && v)
			v = choice_shown(ref.kind, f->name, v);
		one_line(v ? v : "", shown, sizeof shown);
		/* A date and its days left are not cut: the label gives way. */
		lw = label_w;
		if (f->type == CAIRN_F_DATE && text_width(shown) > a->cols - 3 - lw)
			lw = a->cols - 3 - text_width(shown) > 8 ? a->cols - 3 - text_width(shown) : 8;
		/* A field of the group's own: its label in the reader's language. */
		const char *flabel = f->question ? cairn_question_prompt(f->question, i18n_languages())
						 : _(f->label);
		const cairn_question *fq = form ? cairn_template_question(form, f->name) : NULL;
		/* A field its form asks only when an expression holds, and it
		 * does not: shown dim, with why, its value kept. */
		if (fq && asked && !asked[fq - form->questions]) {
			char when[128];
			one_line(fq->when, when, sizeof when);
			lines_add(out, LS_DIM, NULL, _("%s %s  (not asked: only when %s)"),
				  text_pad(flabel, label_w, label, sizeof label), shown, when);
			continue;
		}
		/* Not the user's to change: said, and dimmed. */
		bool dim = i < MARKED_FIELDS_MAX && !permits[i].may;
		/* A label cut on a narrow screen says so. */
		if (text_width(flabel) > lw && lw > 4) {
			bool ascii = a->c->san & CAIRN_SAN_ASCII;
			size_t k = strlen(text_pad(flabel, lw - (ascii ? 3 : 1), label, sizeof label));
			snprintf(label + k, sizeof label - k, "%s", ascii ? "..." : "\u2026");
		} else {
			text_pad(flabel, lw, label, sizeof label);
		}
		/* So does a value longer than the line (editing it shows it whole). */
		int room = a->cols - 3 - text_width(label) - (dim ? text_width(permits[i].who) + 9 : 0);
		if (text_width(shown) > room && room > 4) {
			bool ascii = a->c->san & CAIRN_SAN_ASCII;
			char cut[sizeof shown];
			size_t k = strlen(text_pad(shown, room - (ascii ? 3 : 1), cut, sizeof cut - 4));
			/* Both marks fit in 4 bytes with their NUL ("\u2026" is 3). */
			memcpy(cut + k, ascii ? "..." : "\u2026", 4);
			memcpy(shown, cut, sizeof shown);
		}
		if (dim) {
			lines_add(out, LS_DIM, f->name, _("%s %s  (only %s)"), label, shown, permits[i].who);
			continue;
		}
		lines_add(out, LS_TEXT, f->name, "%s %s", label, shown);
	}
	/* Fields this cairn does not know (a newer one wrote them): shown, kept.
	 * A list's choices (c.KEY.label) and a form's fields (q.KEY.type)
	 * are its own: each edited in place as a field is. */
	for (size_t i = 0; i < rec.nfields; i++) {
		const char *k = rec.fields[i].key;
		bool parts = ref.kind == CAIRN_KIND_LIST || ref.kind == CAIRN_KIND_FORM;
		char label[128], shown[256];
		if (cairn_kind_field(ref.kind, k) ||
		    (!parts && def->dynamic_prefix &&
		     !strncmp(k, def->dynamic_prefix, strlen(def->dynamic_prefix))))
			continue;
		one_line(rec.fields[i].value, shown, sizeof shown);
		if (parts && !strncmp(k, def->dynamic_prefix, strlen(def->dynamic_prefix)))
			lines_add(out, LS_TEXT, k, "%s %s", text_pad(k, label_w, label, sizeof label),
				  shown);
		else
			lines_add(out, LS_DIM, NULL, "%-24s %s", k, rec.fields[i].value);
	}
	if (ref.kind == CAIRN_KIND_EVALUATION) {
		lines_add(out, LS_TEXT, NULL, "%s", "");
		if (!permits[MARKED_FIELDS_MAX].may)
			lines_add(out, LS_DIM, NULL, _("The answers are not yours to change (only %s)."),
				  permits[MARKED_FIELDS_MAX].who);
		form_lines(a, &rec, out);
	}
	free(asked);
	if (ref.kind == CAIRN_KIND_PILOT)
		pilot_inclusion(a, &rec, out);
	if (ref.kind == CAIRN_KIND_MILESTONE)
		milestone_tasks(a, &ref, out);
	cairn_record_done(&rec);
}

/* Save keys/values on the record; the evaluation moves from assigned to
 * draft with its first answer (autosave). */
static bool save_fields(app *a, const cairn_ref *ref, const char **keys, const char **values,
			size_t n)
{
	cairn_edit e = { CAIRN_EDIT_SET, *ref, keys, values, n, false, false };
	cairn_save_result res;
	cairn_error err;
	bool ok;

	if (n == 1)
		return app_save_field(a, ref, keys[0], values[0]);
	memset(&res, 0, sizeof res);
	ok = cairn_wb_save(a->wb, &e, 1, NULL, &res, &err) == CAIRN_OK;
	if (!ok)
		app_message(a, true, "%s", err.msg);
	else
		app_message(a, false, _("saved %.12s  %s"), res.commit.hex, res.message ? res.message : "");
	cairn_save_result_done(&res);
	app_rebuild(a);
	return ok;
}

static bool save_answer(app *a, const cairn_ref *ref, const cairn_record *rec, const char *key,
			const char *value)
{
	const char *keys[2] = { key, "status" }, *values[2] = { value, "draft" };
	const char *status = cairn_record_get(rec, "status");
	return save_fields(a, ref, keys, values, status && !strcmp(status, "assigned") ? 2 : 1);
}

static char *choice_numbers(const cairn_question *q, const char *typed);

/* The field of the kind's form that setting key to value makes asked and
 * required while it has no value (its `when` now holds), or NULL. */
static const cairn_question *follow_up(app *a, const cairn_ref *ref, const cairn_record *rec,
				       const char *key, const char *value)
{
	const cairn_template *form = cairn_schema_form(ref->kind);
	const cairn_field_def *f = cairn_kind_field(ref->kind, key);
	const cairn_question *out = NULL;
	cairn_record after;
	cairn_error err;
	char *norm = NULL;
	bool *asked;

	if (!form || !f || cairn_value_normalize(f, value, cairn_wb_date_format(a->wb), &norm,
						 &err) != CAIRN_OK)
		return NULL;
	cairn_record_init(&after);
	asked = malloc((form->nquestions ? form->nquestions : 1) * sizeof *asked);
	if (asked && cairn_record_copy(&after, rec, &err) == CAIRN_OK &&
	    cairn_record_set(&after, key, norm, &err) == CAIRN_OK) {
		cairn_template_relevance_in(form, &after, "", asked);
		for (size_t i = 0; i < form->nquestions && !out; i++) {
			const cairn_question *q = &form->questions[i];
			const char *v = cairn_record_get(&after, q->key);
			if (asked[i] && q->required && q->when && (!v || !*v) && strcmp(q->key, key))
				out = q;
		}
	}
	cairn_record_done(&after);
	free(asked);
	free(norm);
	return out;
}

/* Ask for the follow-up q that key=value makes required, and save both
 * together; false when it is left or refused. */
static bool save_with_follow_up(app *a, const cairn_ref *ref, const char *key, const char *value,
				const cairn_question *q)
{
	const char *langs = i18n_languages();
	char question[512], *typed, *v, field[CAIRN_KEY_MAX + 8], other[CAIRN_KEY_MAX + 8];
	const char *keys[2] = { field, other }, *values[2] = { value, NULL };
	bool ok = false;

	/* Copies: a save may read the schema anew, and q is the old one's. */
	snprintf(field, sizeof field, "%s", key);
	snprintf(other, sizeof other, "%s", q->key);
	snprintf(a->prompt_context, sizeof a->prompt_context, "%s", cairn_question_help(q, langs));
	/* TRANSLATORS: "Budget (required when ${funded} = 'yes'):". */
	snprintf(question, sizeof question, _("%s (required when %s):"),
		 cairn_question_prompt(q, langs), q->when);
	typed = app_prompt(a, question, NULL);
	a->prompt_context[0] = '\0';
	if (typed && (v = choice_numbers(q, typed))) {
		values[1] = v;
		ok = save_fields(a, ref, keys, values, 2);
		free(v);
	}
	free(typed);
	return ok;
}

/* Save one value; a refusal said without the record's name, which the
 * screen shows (a shorter reason to read above the prompt). */
static bool save_value(app *a, const cairn_ref *ref, const cairn_record *rec, const char *key,
		       const char *value)
{
	char name[CAIRN_PATH_MAX];
	const cairn_question *q;
	size_t n;
	bool ok;

	if (ref->kind == CAIRN_KIND_EVALUATION && !strncmp(key, "answer.", 7))
		ok = save_answer(a, ref, rec, key, value);
	else
		ok = app_save_field(a, ref, key, value);
	/* Refused for a field the edit makes required: asked for at once. */
	if (!ok && !tui_hangup && (q = follow_up(a, ref, rec, key, value)))
		ok = save_with_follow_up(a, ref, key, value, q);
	cairn_ref_format(ref, name, sizeof name);
	n = strlen(name);
	if (!ok && !strncmp(a->message, name, n) && !strncmp(a->message + n, ": ", 2))
		memmove(a->message, a->message + n + 2, strlen(a->message + n + 2) + 1);
	return ok;
}

/* A choice typed by its numbers ("1,3") as the choices' keys; any other
 * text as it is.  A new string (caller frees), NULL when out of memory. */
static char *choice_numbers(const cairn_question *q, const char *typed)
{
	cairn_buf out = CAIRN_BUF_INIT;
	char *save = NULL, *copy;
	bool all_numbers;

	if (!q || !q->nchoices)
		return strdup(typed);
	copy = strdup(typed);
	all_numbers = copy != NULL;
	for (char *t = copy ? strtok_r(copy, ", ", &save) : NULL; t; t = strtok_r(NULL, ", ", &save)) {
		char *end;
		long k = strtol(t, &end, 10);
		if (*end || k < 1 || (size_t)k > q->nchoices) {
			all_numbers = false;
			break;
		}
		cairn_buf_printf(&out, "%s%s", out.len ? "," : "", q->choices[k - 1]);
	}
	free(copy);
	if (all_numbers && out.len)
		return cairn_buf_detach(&out, NULL);
	cairn_buf_done(&out);
	return strdup(typed);
}

#define PICKER_MAX 40     /* more persons than this are typed by id */

/* The persons, numbered, into context (n bytes): "1 bwg-1 Name, 2 ...";
 * returns how many (0 when there are none, or too many to list). */
static size_t person_picker(app *a, rowset *r, char *context, size_t n)
{
	static const char *const cols[] = { "id", "name" };
	cairn_buf b = CAIRN_BUF_INIT;

	if (!rows_load_limit(a, r, CAIRN_KIND_PERSON, cols, 2, NULL, 0, "id", PICKER_MAX + 1))
		return 0;
	if (!r->nrows || r->nrows > PICKER_MAX) {
		rows_done(r);
		return 0;
	}
	for (size_t i = 0; i < r->nrows; i++)
		cairn_buf_printf(&b, "%s%zu %s%s%s%s", i ? ", " : "", i + 1, rows_get(r, i, 0),
				 *rows_get(r, i, 1) ? " (" : "", rows_get(r, i, 1),
				 *rows_get(r, i, 1) ? ")" : "");
	snprintf(context, n, "%s", cairn_buf_str(&b));
	cairn_buf_done(&b);
	return r->nrows;
}

/* A person picked by number from r, else what was typed; a new string. */
static char *picked_person(const rowset *r, const char *typed)
{
	char *end;
	long k = strtol(typed, &end, 10);

	if (*typed && !*end && k >= 1 && (size_t)k <= r->nrows)
		return strdup(rows_get(r, (size_t)k - 1, 0));
	return strdup(typed);
}

/* What a text answers, for the $EDITOR file: the question, its help and
 * its choices, or the field's label.  A new string (caller frees). */
static char *what_it_answers(const cairn_question *q, const cairn_field_def *f, const char *key)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *langs = i18n_languages();

	if (q) {
		const char *help = cairn_question_help(q, langs);
		cairn_buf_printf(&b, "%s%s\n", cairn_question_prompt(q, langs),
				 q->required ? _(" (required)") : "");
		if (help && *help)
			cairn_buf_printf(&b, "%s\n", help);
		for (size_t i = 0; i < q->nchoices; i++)
			cairn_buf_printf(&b, "%zu %s\n", i + 1, cairn_question_choice(q, i, langs));
	} else {
		cairn_buf_printf(&b, "%s (%s)\n", f ? _(f->label) : key, key);
	}
	return cairn_buf_detach(&b, NULL);
}

/* The help and the numbered choices above a question's prompt, into
 * a->prompt_context: on lines of their own (with the question beside
 * them, labels, longer in some languages, would be cut).  A list of
 * thousands shows the whole choices that fit the context and the screen's
 * lines, then how many more. */
static void choices_context(app *a, const cairn_question *q, const char *help)
{
	const char *langs = i18n_languages(), *mark = a->ascii ? "..." : "…";
	const char *several = q->type == CAIRN_Q_MULTIPLE ? _("; several: 1,3") : "";
	size_t nlines = a->rows > 5 ? (size_t)a->rows - 4 : 1, kept = 0;
	cairn_buf c = CAIRN_BUF_INIT, try = CAIRN_BUF_INIT;

	if (help && *help)
		cairn_buf_printf(&c, "%s\n", help);
	for (size_t i = 0; i < q->nchoices; i++) {
		size_t was = c.len, left = q->nchoices - i - 1;
		cairn_buf_printf(&c, "%s%zu %s", i ? ", " : "", i + 1, cairn_question_choice(q, i, langs));
		cairn_buf_reset(&try);
		cairn_buf_adds(&try, cairn_buf_str(&c));
		if (left)
			/* TRANSLATORS: after the choices that fit above the
			 * prompt: "..., 40 Ghent … (2960 choices more)". */
			cairn_buf_printf(&try, P_(" %s (%zu choice more)", " %s (%zu choices more)", left),
					 mark, left);
		cairn_buf_adds(&try, several);
		if (try.oom || try.len >= sizeof a->prompt_context ||
		    text_wrap_count(cairn_buf_str(&try), a->cols - 1) > nlines) {
			if (c.data)
				c.data[c.len = was] = '\0';
			break;
		}
		kept = i + 1;
	}
	if (kept < q->nchoices)
		cairn_buf_printf(&c, P_(" %s (%zu choice more)", " %s (%zu choices more)",
					q->nchoices - kept), mark, q->nchoices - kept);
	cairn_buf_adds(&c, several);
	snprintf(a->prompt_context, sizeof a->prompt_context, "%s", cairn_buf_str(&c));
	cairn_buf_done(&try);
	cairn_buf_done(&c);
}

/* The draft of ref's field key, a new string, or NULL. */
static char *draft_of(app *a, const char *ref, const char *key)
{
	cairn_draft *d = NULL;
	size_t n = 0;
	cairn_error err;
	char *text = NULL;

	if (cairn_wb_drafts(a->wb, &d, &n, &err) != CAIRN_OK)
		return NULL;
	for (size_t i = 0; i < n && !text; i++)
		if (!strcmp(d[i].ref, ref) && !strcmp(d[i].field, key))
			text = strdup(d[i].text);
	cairn_drafts_free(d, n);
	return text;
}

/* Edit field `key` of the record, the way its type asks. */
static void edit(app *a, record_state *s, const char *key, bool in_editor)
{
	cairn_record rec;
	cairn_ref ref;
	const cairn_field_def *f;
	const char *cur;
	char question[512], *value = NULL;
	cairn_template tpl;
	const cairn_question *q = NULL;
	bool have_tpl = false;
	cairn_error err;

	if (!load(a, s->ref, &ref, &rec))
		return;
	/* A field that is not the user's to change is refused before a
	 * prompt asks for a value the save would refuse. */
	if (cairn_wb_check_field(a->wb, ref.kind, ref.id, &rec, key, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		cairn_record_done(&rec);
		return;
	}
	cur = cairn_record_get(&rec, key);
	f = cairn_kind_field(ref.kind, key);
	if (!f && ref.kind == CAIRN_KIND_EVALUATION && !strncmp(key, "answer.", 7) &&
	    (have_tpl = load_template(a, &rec, &tpl)))
		q = cairn_template_question(&tpl, key + 7);
	/* A field of the group's own (its kind's form) is answered as the
	 * question it is written as: its prompt, help and choices. */
	if (f && f->question)
		q = f->question;
	snprintf(a->prompt_key, sizeof a->prompt_key, "%s", key);
	snprintf(a->prompt_ref, sizeof a->prompt_ref, "%s", s->ref);
	if (q && q->type == CAIRN_Q_YESNO) {
		value = strdup(cur && !strcmp(cur, "yes") ? "no" : "yes");
	} else if ((q && q->type == CAIRN_Q_LONGTEXT) || (f && f->type == CAIRN_F_LONGTEXT) ||
		   in_editor) {
		char *about = what_it_answers(q, f, key);
		value = app_edit_text(a, cur ? cur : "", about);
		free(about);
	} else if (f && f->type == CAIRN_F_YESNO) {
		value = strdup(cur && !strcmp(cur, "yes") ? "no" : "yes");
	} else {
		cairn_buf b = CAIRN_BUF_INIT;
		char shown[64], *label = NULL, *retry = NULL, *draft;
		rowset persons = { NULL, 0, 0 };
		size_t npersons = 0;
		const char *init = cur;
		if (q) {
			const char *langs = i18n_languages();
			const char *help = cairn_question_help(q, langs);
			cairn_buf_printf(&b, "%s", cairn_question_prompt(q, langs));
			/* The question's help above the prompt, wrapped. */
			if (help && *help)
				snprintf(a->prompt_context, sizeof a->prompt_context, "%s", help);
			if (q->nchoices) {
				choices_context(a, q, help);
				if (cur && (label = cairn_answer_shown(q, cur, langs)))
					init = label;
			} else if (*cairn_question_help(q, langs)) {
				/* The question's help where it is answered. */
				snprintf(a->prompt_context, sizeof a->prompt_context, "%s",
					 cairn_question_help(q, langs));
			}
			if (q->nchoices) {
				/* (the choices are above) */
			} else if (q->type == CAIRN_Q_SCALE) {
				cairn_buf_adds(&b, " (1-5)");
			} else if (q->type == CAIRN_Q_PERCENT) {
				cairn_buf_adds(&b, " (0-100)");
			} else if (q->type == CAIRN_Q_NUMBER && (q->has_min || q->has_max)) {
				cairn_buf_adds(&b, " (");
				if (q->has_min)
					cairn_buf_printf(&b, "%g", q->min);
				cairn_buf_adds(&b, "-");
				if (q->has_max)
					cairn_buf_printf(&b, "%g", q->max);
				cairn_buf_adds(&b, ")");
			} else if (q->type == CAIRN_Q_DATE) {
				cairn_buf_printf(&b, " (%s)", cairn_wb_date_format(a->wb));
			}
		} else {
			cairn_buf_printf(&b, "%s", f ? _(f->label) : key);
			/* A person is picked by number from the list above the
			 * prompt, or typed by id. */
			if (f && f->type == CAIRN_F_REF && f->ref == CAIRN_KIND_PERSON &&
			    (npersons = person_picker(a, &persons, a->prompt_context,
						      sizeof a->prompt_context)))
				cairn_buf_adds(&b, _(" (a number or an id)"));
			/* The workbook's own choices (its list KIND.FIELD): a
			 * long list shows its first dozen. */
			if (f && f->choices) {
				size_t i;
				cairn_buf_adds(&b, " (");
				/* cairn's own (a status, a role) by the labels the
				 * reader reads, which the prompt takes as the keys. */
				for (i = 0; f->choices[i] && i < 12; i++)
					cairn_buf_printf(&b, "%s%s", i ? "/" : "",
							 choice_shown(ref.kind, key, f->choices[i]));
				cairn_buf_adds(&b, f->choices[i] ? "/...)" : ")");
				if (cur)
					init = choice_shown(ref.kind, key, cur);
			}
		}
		/* A question that ends with its own mark ("... ?") takes no colon. */
		if (!b.len || (b.data[b.len - 1] != '?' && b.data[b.len - 1] != ':'))
			cairn_buf_adds(&b, ":");
		snprintf(question, sizeof question, "%s", cairn_buf_str(&b));
		cairn_buf_done(&b);
		if (f && f->type == CAIRN_F_DATE && cur) {
			cli_date(a->c, cur, shown, sizeof shown);
			init = shown;
		}
		/* A draft kept when the terminal went away starts the prompt;
		 * once the prompt is answered or left, it is dropped. */
		if ((draft = draft_of(a, s->ref, key))) {
			char was[sizeof a->prompt_context];
			snprintf(was, sizeof was, "%s", a->prompt_context);
			snprintf(a->prompt_context, sizeof a->prompt_context,
				 _("a draft kept when the terminal went away (not saved yet): Enter "
				   "saves it, Esc drops it%s%s"), was[0] ? "\n" : "", was);
			init = draft;
		}
		/* A refused value comes back in the prompt, the reason above
		 * it, to be corrected rather than typed again. */
		for (;;) {
			char *typed = app_prompt(a, question, init);
			if (!typed)
				break;
			value = npersons ? picked_person(&persons, typed) : choice_numbers(q, typed);
			if (!value || save_value(a, &ref, &rec, key, value) || tui_hangup) {
				free(typed);
				free(value);
				value = NULL;
				break;
			}
			free(value);
			value = NULL;
			free(retry);
			init = retry = typed;
		}
		a->prompt_context[0] = '\0';
		rows_done(&persons);
		free(label);
		free(retry);
		if (draft && !tui_hangup)
			cairn_wb_draft_drop(a->wb, s->ref, key, &err);
		free(draft);
	}
	if (!tui_hangup)
		a->prompt_key[0] = a->prompt_ref[0] = '\0';
	if (value) {
		save_value(a, &ref, &rec, key, value);
		free(value);
	}
	if (have_tpl)
		cairn_template_done(&tpl);
	cairn_record_done(&rec);
}

/* The workflow: the rules are the core's (include/cairn/workflow.h), the
 * same as the command line's; here only the cursor and the prompt. */
static void workflow(app *a, record_state *s, tui_action act)
{
	cairn_save_result res;
	cairn_error err;
	cairn_status st;
	char first[CAIRN_KEY_MAX + 1] = "", *comment = NULL;

	memset(&res, 0, sizeof res);
	switch (act) {
	case ACT_SUBMIT:
		st = cairn_wb_submit(a->wb, s->ref, first, sizeof first, &res, &err);
		break;
	case ACT_VALIDATE:
		st = cairn_wb_validate(a->wb, s->ref, NULL, &res, &err);
		break;
	case ACT_RETURN:
		/* Ask for the comment only when it would be taken. */
		if ((st = cairn_wb_may_return(a->wb, s->ref, &err)) != CAIRN_OK)
			break;
		comment = app_prompt(a, _("what to change (a comment for the evaluator):"), NULL);
		if (!comment)
			return;
		st = cairn_wb_return(a->wb, s->ref, comment, &res, &err);
		free(comment);
		break;
	default: {
		cairn_mark what = act == ACT_GOOD_PRACTICE ? CAIRN_MARK_GOOD_PRACTICE
							   : CAIRN_MARK_SUCCESS_STORY;
		cairn_record rec;
		cairn_ref ref;
		const char *v;
		bool on;
		if (!load(a, s->ref, &ref, &rec))
			return;
		v = cairn_record_get(&rec, what == CAIRN_MARK_GOOD_PRACTICE ? "good_practice"
									      : "success_story");
		on = !v || strcmp(v, "yes");
		cairn_record_done(&rec);
		st = cairn_wb_mark(a->wb, s->ref, what, on, &res, &err);
		break;
	}
	}
	if (st != CAIRN_OK) {
		/* The record is on the screen: its name need not lead the message. */
		const char *msg = err.msg;
		size_t n = strlen(s->ref);
		if (!strncmp(msg, s->ref, n) && !strncmp(msg + n, ": ", 2))
			msg += n + 2;
		if (first[0]) {
			/* "N required answers are missing": the cursor shows which. */
			char key[CAIRN_KEY_MAX + 8];
			snprintf(key, sizeof key, "answer.%s", first);
			lines_select(&a->stack[a->depth - 1].lines, key);
			size_t len = strcspn(msg, "(");
			while (len && msg[len - 1] == ' ')
				len--;
			app_message(a, true, _("%.*s; the cursor is on the first"), (int)len, msg);
		} else {
			app_message(a, true, "%s", msg);
		}
	} else {
		app_message(a, false, _("saved %.12s  %.*s"), res.commit.hex,
			    (int)strcspn(res.message ? res.message : "", "\n"),
			    res.message ? res.message : "");
	}
	cairn_save_result_done(&res);
	app_rebuild(a);
}

/* Give an evaluation that nobody has started to another evaluator: the
 * core's rule and move (cairn_wb_reassign), asked for a person only when
 * the evaluation could go to anyone. */
static void reassign(app *a, record_state *s)
{
	cairn_record rec;
	cairn_ref ref;
	char *who = NULL, question[160], name[sizeof s->ref];
	cairn_save_result res;
	cairn_error err;

	if (!load(a, s->ref, &ref, &rec))
		return;
	if (cairn_wb_reassign_check(&ref, &rec, NULL, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);        /* answers stay their evaluator's */
		goto done;
	}
	snprintf(question, sizeof question, _("give %s to (a number or a person's id):"), ref.id);
	{
		rowset persons = { NULL, 0, 0 };
		size_t n = person_picker(a, &persons, a->prompt_context, sizeof a->prompt_context);
		char *typed = app_prompt(a, question, NULL);
		a->prompt_context[0] = '\0';
		who = typed && n ? picked_person(&persons, typed) : typed ? strdup(typed) : NULL;
		free(typed);
		rows_done(&persons);
	}
	if (!who || !*who)
		goto done;
	memset(&res, 0, sizeof res);
	snprintf(name, sizeof name, "%s", s->ref);
	if (cairn_wb_reassign(a->wb, name, who, &res, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
	} else {
		const char *slash = strchr(ref.id, '/');
		app_message(a, false, _("saved %.12s  %s: given to %s"), res.commit.hex, ref.id, who);
		snprintf(s->ref, sizeof s->ref, "evaluation/%.*s/%s",
			 (int)(slash ? slash - ref.id : 0), ref.id, who);
		snprintf(a->stack[a->depth - 1].title, sizeof a->stack[a->depth - 1].title, "%s",
			 s->ref);
	}
	cairn_save_result_done(&res);
	app_rebuild(a);
done:
	free(who);
	cairn_record_done(&rec);
}

/* n: the cursor to the next question after it with no answer (round to
 * the first), required or not. */
static void next_unanswered(app *a, record_state *s)
{
	lines *l = &a->stack[a->depth - 1].lines;
	cairn_record rec;
	cairn_ref ref;

	if (!load(a, s->ref, &ref, &rec))
		return;
	if (ref.kind != CAIRN_KIND_EVALUATION) {
		app_message(a, true, "%s", _("n goes to the next unanswered question of an evaluation"));
		cairn_record_done(&rec);
		return;
	}
	for (size_t k = 1; k <= l->n; k++) {
		size_t i = (l->sel + k) % l->n;
		const char *t = l->v[i].target;
		if (t && !strncmp(t, "answer.", 7) && !cairn_record_get(&rec, t) &&
		    lines_visible(l, i)) {
			l->sel = i;
			l->scrolled = false;
			cairn_record_done(&rec);
			return;
		}
	}
	app_message(a, false, "%s", _("every question has an answer: S submits"));
	cairn_record_done(&rec);
}

static bool record_act(app *a, void *state, tui_action act)
{
	record_state *s = state;
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);
	char key[CAIRN_KEY_MAX + 8];

	switch (act) {
	case ACT_ENTER:
	case ACT_EDIT:
	case ACT_EDITOR:
		if (!sel || !sel->target)
			return true;
		if (strchr(sel->target, '/')) {
			app_push(a, &record_view, sel->target, strlen(sel->target) + 1, sel->target);
			return true;
		}
		snprintf(key, sizeof key, "%s", sel->target);
		edit(a, s, key, act == ACT_EDITOR);
		return true;
	case ACT_SUBMIT:
	case ACT_RETURN:
	case ACT_VALIDATE:
	case ACT_GOOD_PRACTICE:
	case ACT_SUCCESS_STORY:
		workflow(a, s, act);
		return true;
	case ACT_REASSIGN:
		reassign(a, s);
		return true;
	case ACT_NEXT_UNANSWERED:
		next_unanswered(a, s);
		return true;
	case ACT_ADD: {
		/* In a milestone, a adds one of its tasks. */
		cairn_ref ref;
		cairn_error err;
		if (cairn_ref_parse(s->ref, &ref, &err) != CAIRN_OK || ref.kind != CAIRN_KIND_MILESTONE)
			return false;
		add_record(a, CAIRN_KIND_TASK, "milestone", ref.id);
		return true;
	}
	default:
		return false;
	}
}

const view_ops record_view = {
	.name = "record",
	.state_size = sizeof(record_state),
	.build = record_build,
	.act = record_act,
};
