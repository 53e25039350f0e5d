/* The group's schema (F, or :schema): its choice lists, each choice with
 * its label in the reader's language, its planned seats, the pilot count
 * an inclusion group is measured on and how many records use it; then
 * each kind's form, its fields with their type, whether they are
 * required and when they are asked.  Enter opens the list or form record
 * (edited as any record is), a adds one.  A list the workbook does not
 * hold is cairn's own, shown dim, its statuses and roles too: Enter on it
 * adds the group's list record of its id, cairn's choices and labels to
 * change in place (a status's or a role's keys stay cairn's).
 * Everything shown comes from the core's active schema (cairn/schema.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/schema.h"
#include "cairn/template.h"
#include "tui.h"

/* A long list shows its first choices: the record holds the rest. */
#define SHOWN_CHOICES 200

typedef struct uses {
	const cairn_list *l;
	long *n;                /* per choice: the records that use it */
	const char *field;      /* the field whose value is a choice (NULL: inclusion) */
	size_t *by_key;         /* the choices' indexes, sorted by key: a list may be long */
} uses;

static const cairn_list *sorting;

static int by_key(const void *a, const void *b)
{
	return strcmp(sorting->choices[*(const size_t *)a].key,
		      sorting->choices[*(const size_t *)b].key);
}

static void count_value(uses *u, const char *v, long count)
{
	size_t lo = 0, hi = u->l->nchoices;

	while (v && *v && lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(u->l->choices[u->by_key[mid]].key, v);
		if (!c) {
			u->n[u->by_key[mid]] += count;
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
}

static cairn_status count_column(const char *value, long count, void *ctx, cairn_error *err)
{
	(void)err;
	count_value(ctx, value, count);
	return CAIRN_OK;
}

/* A record read from the index: its field's value, or for the inclusion
 * groups each count it gives. */
static cairn_status count_record(const cairn_ref *ref, const char *path, const char *body,
				 size_t len, void *ctx, cairn_error *err)
{
	uses *u = ctx;
	cairn_record rec;
	cairn_error why;

	(void)ref;
	(void)err;
	if (cairn_record_parse(&rec, body, len, path, &why) != CAIRN_OK)
		return CAIRN_OK;
	if (u->field) {
		count_value(u, cairn_record_get(&rec, u->field), 1);
	} else {
		for (size_t c = 0; c < u->l->nchoices; c++) {
			const char *v = cairn_record_get(&rec, cairn_choice_count(&u->l->choices[c]));
			u->n[c] += v && *v;
		}
	}
	cairn_record_done(&rec);
	return CAIRN_OK;
}

/* How many records use each choice of l (u->n, the caller frees); false
 * when they cannot be counted. */
static bool count_uses(app *a, const cairn_list *l, uses *u)
{
	const char *dot = strchr(l->id, '.');
	cairn_kind k = CAIRN_KIND_PILOT;
	const cairn_field_def *f = NULL;
	char kname[32];
	cairn_error err;
	cairn_status st;

	u->l = l;
	u->field = NULL;
	if (dot) {
		snprintf(kname, sizeof kname, "%.*s", (int)(dot - l->id), l->id);
		if ((k = cairn_kind_by_name(kname)) == CAIRN_KIND_NONE)
			return false;
		u->field = dot + 1;
		f = cairn_kind_field(k, u->field);
	}
	u->n = calloc(l->nchoices ? l->nchoices : 1, sizeof *u->n);
	u->by_key = malloc((l->nchoices ? l->nchoices : 1) * sizeof *u->by_key);
	if (!u->n || !u->by_key)
		return false;
	for (size_t c = 0; c < l->nchoices; c++)
		u->by_key[c] = c;
	sorting = l;
	qsort(u->by_key, l->nchoices, sizeof *u->by_key, by_key);
	if (f && f->indexed)
		st = cairn_index_count_by(cairn_wb_index(a->wb), k, u->field, count_column, u, &err);
	else
		st = cairn_index_each(cairn_wb_index(a->wb), k, NULL, 0, count_record, u, &err);
	return st == CAIRN_OK;
}

/* A field of cairn's own whose keys drive its logic (a status, a role),
 * for a list id KIND.FIELD: a list of it may only relabel them. */
static const cairn_field_def *fixed_field(const char *id)
{
	const char *dot = strchr(id, '.');
	char kname[32];
	cairn_kind k;

	if (!dot || (size_t)(dot - id) >= sizeof kname)
		return NULL;
	snprintf(kname, sizeof kname, "%.*s", (int)(dot - id), id);
	if ((k = cairn_kind_by_name(kname)) == CAIRN_KIND_NONE)
		return NULL;
	for (size_t i = 0; i < cairn_kind_builtin_def_of(k)->nfields; i++) {
		const cairn_field_def *f = &cairn_kind_builtin_def_of(k)->fields[i];
		if (!strcmp(f->name, dot + 1))
			return f->type == CAIRN_F_ENUM && !f->listed ? f : NULL;
	}
	return NULL;
}

static void list_lines(app *a, const cairn_list *l, lines *out)
{
	const char *langs = i18n_languages();
	char target[CAIRN_REF_ID_MAX + 8], key[64], label[256], seats[24], used[24];
	int key_w = a->cols >= 60 ? 16 : 10, label_w;
	bool incl = !strcmp(l->id, CAIRN_LIST_INCLUSION);
	uses u = { NULL, NULL, NULL, NULL };
	bool counted = count_uses(a, l, &u);

	snprintf(target, sizeof target, "list/%s", l->id);
	/* The label takes what the key, the counts and the mark of the
	 * selection leave, up to 30 columns.  An inclusion group has no
	 * seats: the pilot count it is measured on instead, last. */
	label_w = a->cols - 1 - (4 + key_w + 1 + 1 + 5 + 1 + (incl ? 10 : 5));
	label_w = label_w > 30 ? 30 : label_w < 6 ? 6 : label_w;
	if (l->builtin && fixed_field(l->id))
		lines_add(out, LS_DIM, target, _("%s  %s (cairn's own: Enter relabels it)"),
			  target, l->title ? l->title : "");
	else if (l->builtin)
		lines_add(out, LS_DIM, target, _("%s  %s (cairn's own: a list record %s replaces it)"),
			  target, l->title ? l->title : "", target);
	else
		lines_add(out, LS_TEXT, target, P_("%s%s%s (%zu choice)", "%s%s%s (%zu choices)",
						   l->nchoices),
			  target, l->title ? "  " : "", l->title ? l->title : "", l->nchoices);
	/* TRANSLATORS: the heads of a list's columns: keep them short. */
	lines_add(out, LS_HEAD, NULL, "  %s %s %5s %s", text_pad(_("choice"), key_w, key, sizeof key),
		  text_pad(_("label"), label_w, label, sizeof label), _("used"),
		  incl ? _("counted on") : _("seats"));
	for (size_t c = 0; c < l->nchoices && c < SHOWN_CHOICES; c++) {
		const cairn_choice *ch = &l->choices[c];
		char k[64], lb[256], kc[64], lc[256];
		snprintf(seats, sizeof seats, "%s", "");
		if (ch->seats >= 0)
			snprintf(seats, sizeof seats, "%5ld", ch->seats);
		snprintf(used, sizeof used, "%s", counted ? "" : "?");
		if (counted)
			snprintf(used, sizeof used, "%ld", u.n[c]);
		lines_add(out, l->builtin ? LS_DIM : LS_TEXT, target, "  %s %s %5s %s",
			  text_pad(text_cut(ch->key, key_w, a->ascii, kc, sizeof kc), key_w, k, sizeof k),
			  text_pad(text_cut(cairn_choice_label(ch, langs), label_w, a->ascii, lc,
					    sizeof lc), label_w, lb, sizeof lb), used,
			  incl ? cairn_choice_count(ch) : seats);
	}
	if (l->nchoices > SHOWN_CHOICES)
		lines_add(out, LS_DIM, NULL, _("  ... and %zu more choices (Enter on the list opens them)"),
			  l->nchoices - SHOWN_CHOICES);
	lines_add(out, LS_TEXT, NULL, "%s", "");
	free(u.n);
	free(u.by_key);
}

/* A field's type as people read it: the question's, or a reference's. */
static void field_type(cairn_kind k, const cairn_question *q, char *buf, size_t n)
{
	const cairn_field_def *f = cairn_kind_field(k, q->key);

	if (f && f->type == CAIRN_F_REF)
		snprintf(buf, n, _("reference to %s"), cairn_kind_def_of(f->ref)->name);
	else
		snprintf(buf, n, "%s", _(cairn_qtype_label(q->type)));
}

static void form_lines(app *a, cairn_kind k, const cairn_template *form, lines *out)
{
	char target[64], key[64], type[96];
	int key_w = a->cols >= 60 ? 16 : 10, type_w = a->cols >= 60 ? 22 : 14;

	snprintf(target, sizeof target, "form/%s", cairn_kind_def_of(k)->name);
	lines_add(out, LS_TEXT, target, P_("%s  %zu field of every %s", "%s  %zu fields of every %s",
					   form->nquestions),
		  target, form->nquestions, cairn_kind_def_of(k)->name);
	/* TRANSLATORS: the heads of a form's columns: keep them short. */
	lines_add(out, LS_HEAD, NULL, "  %s %s %s", text_pad(_("field"), key_w, key, sizeof key),
		  text_pad(_("type"), type_w, type, sizeof type), _("required"));
	/* When a field is asked and what it must hold, under it, whole. */
	for (size_t i = 0; i < form->nquestions; i++) {
		const cairn_question *q = &form->questions[i];
		char t[96], kk[64];
		field_type(k, q, t, sizeof t);
		lines_add(out, LS_TEXT, target, "  %s %s %s", text_pad(q->key, key_w, kk, sizeof kk),
			  text_pad(t, type_w, type, sizeof type),
			  q->required && q->when ? _("yes, when asked") : q->required ? _("yes") : _("no"));
		if (q->when)
			lines_add_wrapped(out, LS_DIM, a->cols - 22, _("      asked when: "), "        ",
					  q->when);
		if (q->constraint)
			lines_add_wrapped(out, LS_DIM, a->cols - 22, _("      must hold: "), "        ",
					  q->constraint);
	}
	lines_add(out, LS_TEXT, NULL, "%s", "");
}

/* Add id to ids (n of them) unless it is there: each list once. */
static void add_id(char ids[][CAIRN_REF_ID_MAX + 1], size_t *n, size_t max, const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(ids[i], id))
			return;
	if (*n < max)
		snprintf(ids[(*n)++], CAIRN_REF_ID_MAX + 1, "%s", id);
}

#define MAX_LISTS 256

static void schema_build(app *a, void *state, lines *out)
{
	static const char *const cols[] = { "id" };
	static char ids[MAX_LISTS][CAIRN_REF_ID_MAX + 1];
	size_t nids = 0, nforms = 0;
	rowset r;

	(void)state;
	lines_add(out, LS_SECTION, NULL, "%s", _("Lists (Enter opens one, a adds one)"));
	/* The workbook's own lists, then cairn's for the fields it lists. */
	if (rows_load(a, &r, CAIRN_KIND_LIST, cols, 1, NULL, 0, "id")) {
		for (size_t i = 0; i < r.nrows; i++)
			add_id(ids, &nids, MAX_LISTS, rows_get(&r, i, 0));
		rows_done(&r);
	}
	/* Statuses and roles too, by cairn's labels when no list relabels them. */
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		for (size_t i = 0; i < def->nfields; i++) {
			char id[CAIRN_REF_ID_MAX + 1];
			snprintf(id, sizeof id, "%s.%s", def->name, def->fields[i].name);
			if (def->fields[i].listed || cairn_schema_builtin_list(id))
				add_id(ids, &nids, MAX_LISTS, id);
		}
	}
	add_id(ids, &nids, MAX_LISTS, CAIRN_LIST_INCLUSION);
	for (size_t i = 0; i < nids; i++) {
		const cairn_list *l = cairn_schema_list(ids[i]);
		if (l)
			list_lines(a, l, out);
	}
	lines_add(out, LS_SECTION, NULL, "%s", _("Forms (Enter opens one, a adds one)"));
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_template *form = cairn_schema_form((cairn_kind)k);
		if (form) {
			form_lines(a, (cairn_kind)k, form, out);
			nforms++;
		}
	}
	if (!nforms)
		lines_add(out, LS_DIM, NULL, "%s", _("  none yet: a adds one (form KIND questions=...)"));
}

/* Set key (a new string) to value in rec; false when out of memory. */
static bool part(cairn_record *rec, const char *value, const char *fmt, const char *key,
		 const char *lang)
{
	char name[CAIRN_KEY_MAX + 1];
	cairn_error err;

	snprintf(name, sizeof name, fmt, key, lang);
	return cairn_record_set(rec, name, value, &err) == CAIRN_OK;
}

/* The group's list record of cairn's own list l: its title, choices and
 * labels, and a status's or a role's in the reader's language, each to
 * change in place.  Asked first (it is a save); opened once added. */
static void own_list_copy(app *a, const cairn_list *l)
{
	const char *langs = i18n_languages(), *keys[1024], *values[1024];
	bool fixed = fixed_field(l->id), ok = true, saved = false;
	char lang[16], question[256], target[CAIRN_REF_ID_MAX + 8], *answer;
	cairn_buf choices = CAIRN_BUF_INIT;
	cairn_record rec;
	cairn_save_result res;
	cairn_error err;
	cairn_edit e;

	snprintf(lang, sizeof lang, "%.*s", (int)strcspn(langs, "-:"), langs);
	snprintf(a->prompt_context, sizeof a->prompt_context, fixed
		 ? _("list/%s is cairn's own: a list record of the group's of the same id relabels "
		     "its choices, whose keys stay cairn's")
		 : _("list/%s is cairn's own: a list record of the group's of the same id replaces it"),
		 l->id);
	snprintf(question, sizeof question, _("add list/%s, its labels to change? (yes/no)"), l->id);
	answer = app_prompt(a, question, "");
	a->prompt_context[0] = '\0';
	if (!answer || (strcmp(answer, "yes") && strcmp(answer, "y") && strcmp(answer, _("yes")))) {
		free(answer);
		app_message(a, false, _("list/%s stays cairn's own"), l->id);
		return;
	}
	free(answer);
	cairn_record_init(&rec);
	for (size_t c = 0; c < l->nchoices; c++) {
		const cairn_choice *ch = &l->choices[c];
		bool has_lang = false;
		cairn_buf_printf(&choices, "%s%s", c ? "\n" : "", ch->key);
		if (ch->label)
			ok = ok && part(&rec, ch->label, "c.%s.label", ch->key, "");
		for (size_t i = 0; i < ch->nlabels; i++) {
			has_lang = has_lang || !strcmp(ch->label_lang[i], lang);
			ok = ok && part(&rec, ch->label_text[i], "c.%s.label.%s", ch->key,
					ch->label_lang[i]);
		}
		/* cairn's label in the reader's language, theirs to change. */
		if (ch->label && ch->translated && !has_lang && *lang && strcmp(lang, "en") &&
		    strcmp(_(ch->label), ch->label))
			ok = ok && part(&rec, _(ch->label), "c.%s.label.%s", ch->key, lang);
		if (ch->seats >= 0) {
			char n[24];
			snprintf(n, sizeof n, "%ld", ch->seats);
			ok = ok && part(&rec, n, "c.%s.seats", ch->key, "");
		}
		if (ch->count)
			ok = ok && part(&rec, ch->count, "c.%s.count", ch->key, "");
	}
	ok = ok && cairn_record_set(&rec, "choices", cairn_buf_str(&choices), &err) == CAIRN_OK &&
	     (!l->title || cairn_record_set(&rec, "title", l->title, &err) == CAIRN_OK) &&
	     !choices.oom && rec.nfields <= sizeof keys / sizeof *keys;
	for (size_t i = 0; ok && i < rec.nfields; i++) {
		keys[i] = rec.fields[i].key;
		values[i] = rec.fields[i].value;
	}
	memset(&e, 0, sizeof e);
	e.op = CAIRN_EDIT_ADD;
	e.ref.kind = CAIRN_KIND_LIST;
	snprintf(e.ref.id, sizeof e.ref.id, "%s", l->id);
	e.keys = keys;
	e.values = values;
	e.n = rec.nfields;
	memset(&res, 0, sizeof res);
	snprintf(target, sizeof target, "list/%s", l->id);
	if (!ok)
		app_message(a, true, _("list/%s: out of memory"), l->id);
	else if (cairn_wb_save(a->wb, &e, 1, NULL, &res, &err) != CAIRN_OK)
		app_message(a, true, "%s", err.msg);
	else {
		saved = true;
		app_message(a, false, _("saved %.12s  %s"), res.commit.hex,
			    res.message ? res.message : "");
	}
	cairn_save_result_done(&res);
	cairn_record_done(&rec);
	cairn_buf_done(&choices);
	app_rebuild(a);
	if (saved)
		app_push(a, &record_view, target, strlen(target) + 1, target);
}

static bool schema_act(app *a, void *state, tui_action act)
{
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);
	const cairn_list *l;

	(void)state;
	switch (act) {
	case ACT_ENTER:
		if (sel && sel->target && !strncmp(sel->target, "list/", 5) &&
		    (l = cairn_schema_list(sel->target + 5)) && l->builtin)
			own_list_copy(a, l);
		else if (sel && sel->target)
			app_push(a, &record_view, sel->target, strlen(sel->target) + 1, sel->target);
		return true;
	case ACT_ADD:
		add_record(a, sel && sel->target && !strncmp(sel->target, "form/", 5) ? CAIRN_KIND_FORM
										      : CAIRN_KIND_LIST,
			   NULL, NULL);
		return true;
	default:
		return false;
	}
}

const view_ops schema_view = {
	.name = "schema",
	.state_size = 1,
	.build = schema_build,
	.act = schema_act,
};
