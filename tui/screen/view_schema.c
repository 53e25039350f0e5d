/* The group's schema (F, or :schema): its choice lists, each choice with
 * its label in the reader's language, its planned seats, the pilot count
 * an inclusion group is measured on and how many records use it; then
 * each kind's form, its fields with their type, whether they are
 * required and when they are asked.  Enter opens the list or form record
 * (edited as any record is), a adds one.  A list the workbook does not
 * hold is cairn's own, shown dim: a list record of its id replaces it.
 * Everything shown comes from the core's active schema (cairn/schema.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (l->builtin)
		lines_add(out, LS_DIM, NULL, _("%s  %s (cairn's own: a list record %s replaces it)"),
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
		lines_add(out, LS_TEXT, l->builtin ? NULL : target, "  %s %s %5s %s",
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
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		for (size_t i = 0; i < def->nfields; i++)
			if (def->fields[i].listed) {
				char id[CAIRN_REF_ID_MAX + 1];
				snprintf(id, sizeof id, "%s.%s", def->name, def->fields[i].name);
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

static bool schema_act(app *a, void *state, tui_action act)
{
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);

	(void)state;
	switch (act) {
	case ACT_ENTER:
		if (sel && sel->target)
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
