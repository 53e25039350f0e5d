/* The verbs that read a workbook: show, ls, status, check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/derive.h"
#include "cairn/inclusion.h"
#include "cairn/json.h"
#include "cairn/schema.h"
#include "cli.h"
#include "i18n.h"

/* ---- derived values ---- */

static void deadline_text(cli *c, const char *iso, const char *status, cairn_buf *out,
			  cairn_buf *json)
{
	cairn_deadline d = cairn_deadline_of(iso, status, cairn_wb_today(c->wb));
	if (!d.has_deadline)
		return;
	if (d.overdue)
		cairn_buf_printf(out, P_("OVERDUE by %ld day", "OVERDUE by %ld days", -d.days_left),
				 -d.days_left);
	else if (d.days_left >= 0)
		cairn_buf_printf(out, P_("%ld day left", "%ld days left", d.days_left), d.days_left);
	else
		cairn_buf_printf(out, P_("%ld day ago", "%ld days ago", -d.days_left), -d.days_left);
	cairn_buf_printf(json, "\"days_left\": %ld, \"overdue\": %s", d.days_left,
			 d.overdue ? "true" : "false");
}

/* What cairn computes from a record: one line for people (*text), and the
 * same as JSON members (*json). */
static void derive(cli *c, const cairn_ref *ref, const cairn_record *rec, cairn_buf *text,
		   cairn_buf *json)
{
	switch (ref->kind) {
	case CAIRN_KIND_MILESTONE:
		deadline_text(c, cairn_record_get(rec, "deadline"), cairn_record_get(rec, "status"),
			      text, json);
		break;
	case CAIRN_KIND_TASK:
		deadline_text(c, cairn_record_get(rec, "due"), cairn_record_get(rec, "status"), text,
			      json);
		break;
	case CAIRN_KIND_EVALUATION: {
		const char *tid = cairn_record_get(rec, "template");
		cairn_template tpl;
		cairn_error err;
		size_t answered, missing, asked;
		const char *first;
		if (!tid || cairn_wb_template(c->wb, tid, &tpl, &err) != CAIRN_OK)
			break;
		cairn_evaluation_progress(rec, &tpl, &answered, &missing, &first);
		asked = cairn_evaluation_asked(rec, &tpl);
		cairn_buf_printf(text, _("%zu of %zu questions answered"), answered, asked);
		if (missing)
			cairn_buf_printf(text, _("; %zu required unanswered (first: %s)"), missing, first);
		cairn_buf_printf(json, "\"answered\": %zu, \"questions\": %zu, \"missing_required\": %zu",
				 answered, asked, missing);
		cairn_template_done(&tpl);
		break;
	}
	case CAIRN_KIND_PILOT: {
		cairn_targets t;
		cairn_share *shares;
		/* As before, a workbook whose targets cannot be read shows the
		 * shares without targets. */
		if (cairn_wb_targets(c->wb, &t, NULL) != CAIRN_OK) {
			cairn_targets_done(&t);
			if (cairn_wb_targets(c->wb, &t, NULL) == CAIRN_OK)
				for (size_t g = 0; g < t.n; g++)
					t.group[g].has = false;
		}
		if (!(shares = calloc(t.n ? t.n : 1, sizeof *shares))) {
			cairn_targets_done(&t);
			break;
		}
		cairn_pilot_inclusion(&t, rec, shares);
		cairn_buf_adds(json, "\"shares\": {");
		for (size_t g = 0; g < t.n; g++) {
			cairn_share s = shares[g];
			cairn_buf_adds(json, g ? ", " : "");
			cairn_json_add_string(json, t.group[g].group->key);
			cairn_buf_adds(json, ": {");
			if (s.known)
				cairn_buf_printf(json, "\"percent\": %.1f", s.percent);
			else
				cairn_buf_adds(json, "\"percent\": null");
			if (s.has_target)
				cairn_buf_printf(json, ", \"target\": %g, \"met\": %s", s.target,
						 s.known ? (s.met ? "true" : "false") : "null");
			cairn_buf_adds(json, "}");
			if (!s.known)
				continue;
			cairn_buf_printf(text, "%s%s %.1f%%", text->len ? ", " : "",
					 t.group[g].group->key, s.percent);
			if (s.has_target)
				cairn_buf_printf(text, _(" (target %g%%: %s)"), s.target,
						 s.met ? _("met") : _("SHORT"));
		}
		cairn_buf_adds(json, "}");
		free(shares);
		cairn_targets_done(&t);
		break;
	}
	default:
		break;
	}
}

/* ---- show ---- */

/* Field names are shown whole: the label column is as wide as the
 * longest (a template's q.measures-detail.prompt.fr), up to a limit past
 * which a name pushes its value along instead of being cut. */
#define SHOW_LABEL_MIN 18
#define SHOW_LABEL_MAX 40

static void show_question(cli *c, const cairn_template *tpl, const char *key, size_t width,
			  bool beside);

/* One field; an answer with its question (tpl: the evaluation's template,
 * or NULL), beside a label whose lines follow, else under the value. */
static void show_field(cli *c, const cairn_ref *ref, const char *key, const char *value,
		       size_t width, const cairn_template *tpl)
{
	const cairn_field_def *f = cairn_kind_field(ref->kind, key);
	char date[32];

	if (strncmp(key, "answer.", 7))
		tpl = NULL;
	printf("  ");
	if (strchr(value, '\n')) {
		if (tpl)
			show_question(c, tpl, key, width, true);
		else
			cli_put(c, stdout, key, false);         /* its lines follow, indented */
	} else {
		cli_cell(c, stdout, key, strlen(key) > width ? strlen(key) : width);
		printf(" ");
	}
	if (f && f->type == CAIRN_F_DATE) {
		cli_date(c, value, date, sizeof date);
		cli_put(c, stdout, date, false);
	} else if (strchr(value, '\n')) {
		cairn_buf b = CAIRN_BUF_INIT;
		/* Long text: each line under the label, indented. */
		for (const char *p = value; *p;) {
			size_t n = strcspn(p, "\n");
			cairn_buf_adds(&b, "\n    ");
			cairn_buf_add(&b, p, n);
			p += n;
			if (*p)
				p++;
		}
		cli_put(c, stdout, cairn_buf_str(&b), true);
		cairn_buf_done(&b);
	} else {
		cli_put(c, stdout, value, false);
	}
	printf("\n");
	if (tpl && !strchr(value, '\n')) {
		printf("  %*s ", (int)width, "");
		show_question(c, tpl, key, width, false);
	}
}

/* An answer's question and help in the reader's language, in brackets;
 * beside: after the key, padded to width. */
static void show_question(cli *c, const cairn_template *tpl, const char *key, size_t width,
			  bool beside)
{
	const cairn_question *q = cairn_template_question(tpl, key + strlen("answer."));
	const char *langs = i18n_languages();
	const char *prompt, *help;
	cairn_buf b = CAIRN_BUF_INIT;
	size_t n;

	if (!q) {
		if (beside)
			cli_put(c, stdout, key, false);
		else
			printf("(%s)\n", _("no such question in the template now"));
		return;
	}
	prompt = cairn_question_prompt(q, langs);
	help = cairn_question_help(q, langs);
	cairn_buf_adds(&b, prompt ? prompt : "");
	if (help && *help) {
		n = b.len;
		if (n && !strchr("?.!:", b.data[n - 1]))
			cairn_buf_adds(&b, ".");
		cairn_buf_printf(&b, "%s%s", n ? " " : "", help);
	}
	if (beside) {
		cli_cell(c, stdout, key, strlen(key) > width ? strlen(key) : width);
		printf(" ");
	}
	printf("(");
	cli_put(c, stdout, cairn_buf_str(&b), false);
	printf(")%s", beside ? "" : "\n");
	cairn_buf_done(&b);
}

/* Under a field of the kind's form: its prompt and help in the reader's
 * language, as an answer's question is shown, or why it is not asked. */
static void show_form_question(cli *c, const cairn_question *q, bool asked, size_t width)
{
	const char *langs = i18n_languages(), *help = cairn_question_help(q, langs);
	cairn_buf b = CAIRN_BUF_INIT;

	if (!asked)
		cairn_buf_printf(&b, _("not asked: only when %s"), q->when);
	else
		cairn_buf_adds(&b, cairn_question_prompt(q, langs));
	if (asked && help && *help)
		cairn_buf_printf(&b, "%s%s", b.len && !strchr("?.!:", b.data[b.len - 1]) ? ". " : " ",
				 help);
	printf("  %*s (", (int)width, "");
	cli_put(c, stdout, cairn_buf_str(&b), false);
	printf(")\n");
	cairn_buf_done(&b);
}

static void show_text(cli *c, const cairn_index_hit *hit, const cairn_record *rec,
		      const char *derived)
{
	char refname[CAIRN_REF_ID_MAX + 32];
	cairn_template tpl;
	cairn_list list;
	bool have_tpl = false, have_list = false;
	const char *prefix = hit->ref.kind == CAIRN_KIND_TEMPLATE || hit->ref.kind == CAIRN_KIND_FORM
		? "q." : hit->ref.kind == CAIRN_KIND_LIST ? "c." : "answer.";
	size_t *order = calloc(rec->nfields ? rec->nfields : 1, sizeof *order);
	size_t width = SHOW_LABEL_MIN;
	cairn_error err;

	if (hit->ref.kind == CAIRN_KIND_TEMPLATE)
		have_tpl = cairn_template_from_record(hit->ref.id, rec, &tpl, &err) == CAIRN_OK;
	else if (hit->ref.kind == CAIRN_KIND_FORM)
		have_tpl = cairn_form_from_record(hit->ref.id, rec, &tpl, &err) == CAIRN_OK;
	/* A list's parts in the order of its choices, as a template's are in
	 * the order of its questions. */
	else if (hit->ref.kind == CAIRN_KIND_LIST &&
		 cairn_list_from_record(hit->ref.id, rec, &list, &err) == CAIRN_OK) {
		have_list = true;
		memset(&tpl, 0, sizeof tpl);
		tpl.questions = calloc(list.nchoices ? list.nchoices : 1, sizeof *tpl.questions);
		for (size_t i = 0; tpl.questions && i < list.nchoices; i++)
			tpl.questions[tpl.nquestions++].key = list.choices[i].key;
	}
	else if (hit->ref.kind == CAIRN_KIND_EVALUATION && cairn_record_get(rec, "template"))
		have_tpl = cairn_wb_template(c->wb, cairn_record_get(rec, "template"), &tpl,
					     &err) == CAIRN_OK;
	for (size_t i = 0; i < rec->nfields; i++) {
		size_t len = strlen(rec->fields[i].key);
		if (len > width && len <= SHOW_LABEL_MAX)
			width = len;
	}
	if (order)
		cairn_fields_in_question_order(rec, prefix, have_tpl || have_list ? &tpl : NULL,
					       order);
	if (have_list) {
		free(tpl.questions);
		cairn_list_done(&list);
	}
	cairn_ref_format(&hit->ref, refname, sizeof refname);
	cli_put(c, stdout, refname, false);
	printf("  (%s)\n", hit->path);
	/* The kind's form: which of its fields the record's values ask. */
	const cairn_template *form = cairn_schema_form(hit->ref.kind);
	bool *asked = form ? malloc((form->nquestions ? form->nquestions : 1) * sizeof *asked)
			   : NULL;
	if (asked)
		cairn_template_relevance_in(form, rec, "", asked);
	for (size_t k = 0; k < rec->nfields; k++) {
		const cairn_field *f = &rec->fields[order ? order[k] : k];
		const cairn_question *fq = asked ? cairn_template_question(form, f->key) : NULL;
		show_field(c, &hit->ref, f->key, f->value, width,
			   have_tpl && hit->ref.kind == CAIRN_KIND_EVALUATION ? &tpl : NULL);
		if (fq)
			show_form_question(c, fq, asked[fq - form->questions], width);
	}
	free(asked);
	if (*derived) {
		printf("  ");
		cli_cell(c, stdout, "=>", width);
		printf(" ");
		cli_put(c, stdout, derived, false);
		printf("\n");
	}
	if (have_tpl)
		cairn_template_done(&tpl);
	free(order);
}

int cmd_show(cli *c, int argc, char **argv)
{
	const char *name = NULL;
	bool json = false;
	cairn_index_hit hit;
	cairn_record rec;
	cairn_error err;
	cairn_buf text = CAIRN_BUF_INIT, dj = CAIRN_BUF_INIT;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return cli_verb_usage(c);
	}
	if (!name)
		return cli_verb_usage(c);
	if (cairn_wb_resolve(c->wb, name, &hit, &err) != CAIRN_OK ||
	    cairn_wb_read(c->wb, &hit, &rec, &err) != CAIRN_OK)
		return cli_error(c, &err);
	cairn_buf_adds(&dj, "{");
	derive(c, &hit.ref, &rec, &text, &dj);
	cairn_buf_adds(&dj, "}");
	if (json) {
		cli_json_record(c, stdout, &hit.ref, &rec, cairn_buf_str(&dj));
		printf("\n");
	} else {
		show_text(c, &hit, &rec, cairn_buf_str(&text));
	}
	cairn_buf_done(&text);
	cairn_buf_done(&dj);
	cairn_record_done(&rec);
	return EXIT_DONE;
}

/* ---- ls ---- */

/* The columns `cairn ls KIND` shows, with their widths; id comes first. */
static const struct list_columns {
	cairn_kind kind;
	const char *columns[5];
	size_t widths[5];
	unsigned persons;       /* bit i: column i holds a person's id */
} list_table[] = {
	{ CAIRN_KIND_LIST, { "id", "title", NULL }, { 20, 50 }, 0 },
	{ CAIRN_KIND_FORM, { "id", NULL }, { 20 }, 0 },
	{ CAIRN_KIND_PERSON, { "id", "role", "category", "name", NULL }, { 14, 11, 15, 30 }, 0 },
	{ CAIRN_KIND_TARGET, { "id", "minimum", "label", NULL }, { 12, 8, 40 }, 0 },
	{ CAIRN_KIND_TOOL, { "id", "kind", "name", NULL }, { 18, 12, 40 }, 0 },
	{ CAIRN_KIND_TEMPLATE, { "id", "version", "title", NULL }, { 12, 8, 50 }, 0 },
	{ CAIRN_KIND_MILESTONE, { "id", "deadline", "status", "title", NULL }, { 6, 11, 8, 50 }, 0 },
	{ CAIRN_KIND_TASK, { "id", "due", "status", "assignee", "title" }, { 12, 11, 8, 30, 40 },
	  1u << 3 },
	{ CAIRN_KIND_PILOT, { "id", "status", "city", "participants", NULL }, { 12, 10, 20, 12 }, 0 },
	{ CAIRN_KIND_EVALUATION, { "id", "status", "validator", "answered", NULL }, { 30, 10, 30, 8 },
	  1u << 2 },
};

typedef struct list_ctx {
	cli *c;
	const struct list_columns *lc;
	size_t ncols;
	size_t rows;
	bool json;
	cli_persons persons;
} list_ctx;

static cairn_status print_row(const char *const *v, void *ctx, cairn_error *err)
{
	list_ctx *l = ctx;
	char date[32], who[300];

	(void)err;
	for (size_t i = 0; i < l->ncols; i++) {
		const cairn_field_def *f = cairn_kind_field(l->lc->kind, l->lc->columns[i]);
		const char *value = v[i];
		if (f && f->type == CAIRN_F_DATE) {
			cli_date(l->c, value, date, sizeof date);
			value = date;
		} else if (l->lc->persons & 1u << i) {
			value = cli_person_label(&l->persons, value, who, sizeof who);
		}
		if (i + 1 < l->ncols) {
			cli_cell(l->c, stdout, value, l->lc->widths[i]);
			printf(" ");
		} else {
			cli_put(l->c, stdout, value, false);
		}
	}
	printf("\n");
	l->rows++;
	return CAIRN_OK;
}

static cairn_status print_json(const cairn_ref *ref, const char *path, const char *body,
			       size_t len, void *ctx, cairn_error *err)
{
	list_ctx *l = ctx;
	cairn_record rec;
	cairn_status st = cairn_record_parse(&rec, body, len, path, err);

	if (st != CAIRN_OK)
		return st;
	printf("%s\n  ", l->rows ? "," : "");
	cli_json_record(l->c, stdout, ref, &rec, NULL);
	cairn_record_done(&rec);
	l->rows++;
	return CAIRN_OK;
}

/* "kind/id", one per line: for scripts and shell completion. */
static cairn_status print_name(const cairn_ref *ref, const char *path, const char *body,
			       size_t len, void *ctx, cairn_error *err)
{
	cli *c = ctx;
	char name[CAIRN_PATH_MAX];

	(void)path;
	(void)body;
	(void)len;
	(void)err;
	cairn_ref_format(ref, name, sizeof name);
	cli_put(c, stdout, name, false);
	printf("\n");
	return CAIRN_OK;
}

int cmd_ls(cli *c, int argc, char **argv)
{
	cairn_kind kind = CAIRN_KIND_NONE;
	cairn_filter filters[32];
	char *norms[32];
	size_t nfilters = 0;
	list_ctx l = { c, NULL, 0, 0, false, { NULL, 0 } };
	cairn_error err;
	cairn_status st = CAIRN_OK;
	int rc = EXIT_DONE;
	bool names = false;

	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!strcmp(argv[i], "--json")) {
			l.json = true;
		} else if (!strcmp(argv[i], "--names")) {
			names = true;
		} else if (eq && kind != CAIRN_KIND_NONE && nfilters < 32) {
			const cairn_field_def *f;
			*eq = '\0';
			f = cairn_kind_field(kind, argv[i]);
			if (!f && strcmp(argv[i], "id") &&
			    !(kind == CAIRN_KIND_EVALUATION && (!strcmp(argv[i], "tool") ||
								!strcmp(argv[i], "evaluator")))) {
				rc = cli_fail(c, EXIT_REFUSED, "%s has no field '%s' to filter on",
					      cairn_kind_def_of(kind)->name, argv[i]);
				goto done;
			}
			norms[nfilters] = NULL;
			if (f && eq[1] &&
			    cairn_value_normalize(f, eq + 1, cairn_wb_date_format(c->wb),
						  &norms[nfilters], &err) != CAIRN_OK) {
				rc = cli_error(c, &err);
				goto done;
			}
			filters[nfilters].field = argv[i];
			filters[nfilters].value = norms[nfilters] ? norms[nfilters] : eq + 1;
			filters[nfilters].op = CAIRN_OP_EQ;
			nfilters++;
		} else if (!eq && kind == CAIRN_KIND_NONE && argv[i][0] != '-') {
			kind = cairn_kind_by_name(argv[i]);
			if (kind == CAIRN_KIND_NONE)
				return cli_not_a_kind(c, EXIT_REFUSED, argv[i]);
		} else {
			return cli_verb_usage(c);
		}
	}
	if (names) {
		st = cairn_index_each(cairn_wb_index(c->wb), kind, filters, nfilters, print_name, c, &err);
	} else if (l.json || kind == CAIRN_KIND_NONE) {
		if (l.json)
			printf("[");
		if (l.json)
			st = cairn_index_each(cairn_wb_index(c->wb), kind, filters, nfilters, print_json,
					      &l, &err);
		else
			for (int k = 0; k < CAIRN_KIND_COUNT && st == CAIRN_OK; k++) {
				long n;
				st = cairn_index_count(cairn_wb_index(c->wb), (cairn_kind)k, &n, &err);
				printf("%-12s %ld\n", cairn_kind_def_of((cairn_kind)k)->folder, n);
			}
		if (l.json)
			printf("%s]\n", l.rows ? "\n" : "");
	} else {
		l.lc = &list_table[kind];
		while (l.ncols < 5 && l.lc->columns[l.ncols])
			l.ncols++;
		if (l.lc->persons)
			st = cli_persons_load(c, &l.persons, &err);
		if (st == CAIRN_OK)
			st = cairn_index_rows(cairn_wb_index(c->wb), kind, l.lc->columns, l.ncols, filters,
				      nfilters, "id", 0, print_row, &l, &err);
	}
	if (st != CAIRN_OK)
		rc = cli_error(c, &err);
done:
	for (size_t i = 0; i < nfilters; i++)
		free(norms[i]);
	cli_persons_done(&l.persons);
	return rc;
}

/* ---- status ---- */

typedef struct counts {
	cairn_buf text;
	long total;
	const cairn_field_def *status;  /* the kind's: a status said by its label */
} counts;

static cairn_status add_count(const char *value, long n, void *ctx, cairn_error *err)
{
	counts *k = ctx;
	cairn_buf_printf(&k->text, "%s%ld %s", k->text.len ? ", " : "", n,
			 *value ? cairn_field_value_label(k->status, value, i18n_languages())
				: "none");
	k->total += n;
	return CAIRN_OK;
}

static void print_counts(cli *c, cairn_kind kind, const char *label)
{
	counts k = { CAIRN_BUF_INIT, 0, cairn_kind_field(kind, "status") };
	cairn_error err;

	cairn_index_count_by(cairn_wb_index(c->wb), kind, "status", add_count, &k, &err);
	printf("%s: %ld", label, k.total);
	if (k.total) {
		printf(" (");
		cli_put(c, stdout, cairn_buf_str(&k.text), false);
		printf(")");
	}
	printf("\n");
	cairn_buf_done(&k.text);
}

typedef struct milestone_line {
	char id[CAIRN_ID_MAX + 1];
	char title[128];
	char deadline[16];
	char status[16];
} milestone_line;

typedef struct open_milestones {
	milestone_line m[16];
	size_t n;
} open_milestones;

static cairn_status collect_milestone(const char *const *v, void *ctx, cairn_error *err)
{
	open_milestones *o = ctx;
	if (o->n >= 16)
		return CAIRN_OK;
	snprintf(o->m[o->n].id, sizeof o->m[o->n].id, "%s", v[0]);
	snprintf(o->m[o->n].title, sizeof o->m[o->n].title, "%s", v[1]);
	snprintf(o->m[o->n].deadline, sizeof o->m[o->n].deadline, "%s", v[2]);
	snprintf(o->m[o->n].status, sizeof o->m[o->n].status, "%s", v[3]);
	o->n++;
	return CAIRN_OK;
}

/* Soonest first; milestones without a deadline last. */
static int by_deadline(const void *a, const void *b)
{
	const char *x = ((const milestone_line *)a)->deadline;
	const char *y = ((const milestone_line *)b)->deadline;
	if (!*x != !*y)
		return *x ? -1 : 1;
	return strcmp(x, y);
}

#define STATUS_PROBLEMS_SHOWN 5

int cli_print_status(cli *c)
{
	static const char *const cols[] = { "id", "title", "deadline", "status" };
	open_milestones o = { .n = 0 };
	cairn_filter f = { "status", "active", CAIRN_OP_EQ };
	cairn_date today = cairn_wb_today(c->wb);
	char date[32], iso[11];
	cairn_unreadable *bad = NULL;
	size_t nbad = 0;
	cairn_error err;

	cairn_date_iso(today, iso, sizeof iso);
	cli_date(c, iso, date, sizeof date);
	cli_put(c, stdout, cairn_wb_name(c->wb), false);
	printf(_(" -- today %s%s\n"), date, cairn_wb_has_clock(c->wb) ? _(" (the demo's clock)") : "");
	print_counts(c, CAIRN_KIND_MILESTONE, _("Milestones"));
	/* The open milestones nearest their deadline. */
	cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_MILESTONE, cols, 4, &f, 1, "deadline", 8,
			 collect_milestone, &o, &err);
	f.value = "planned";
	cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_MILESTONE, cols, 4, &f, 1, "deadline", 8,
			 collect_milestone, &o, &err);
	if (o.n > 1)
		qsort(o.m, o.n, sizeof o.m[0], by_deadline);
	for (size_t i = 0; i < o.n && i < 6; i++) {
		cairn_deadline d = cairn_deadline_of(o.m[i].deadline, o.m[i].status, today);
		printf("  ");
		cli_cell(c, stdout, o.m[i].id, 6);
		printf(" ");
		cli_cell(c, stdout, o.m[i].title, 40);
		cli_date(c, o.m[i].deadline, date, sizeof date);
		printf(" %-10s  ", date);
		if (!d.has_deadline)
			printf("%s\n", _("no deadline"));
		else if (d.overdue)
			printf(P_("OVERDUE by %ld day\n", "OVERDUE by %ld days\n", -d.days_left),
			       -d.days_left);
		else
			printf(P_("%ld day left\n", "%ld days left\n", d.days_left), d.days_left);
	}
	print_counts(c, CAIRN_KIND_TASK, _("Tasks"));
	print_counts(c, CAIRN_KIND_EVALUATION, _("Evaluations"));
	print_counts(c, CAIRN_KIND_PILOT, _("Pilots"));
	if (cairn_wb_unreadable(c->wb, &bad, &nbad, &err) == CAIRN_OK && nbad) {
		long nprob = (long)nbad;
		printf(P_("Problems: %ld record file could not be read: run `cairn check`\n",
			  "Problems: %ld record files could not be read: run `cairn check`\n", nprob),
		       nprob);
		/* The first few in full, so that a cron job's mail says what. */
		for (size_t i = 0; i < nbad && i < STATUS_PROBLEMS_SHOWN; i++) {
			printf("  ");
			cli_put(c, stdout, bad[i].message, true);
			printf("\n");
		}
		if (nbad > STATUS_PROBLEMS_SHOWN)
			printf(P_("  and %zu more\n", "  and %zu more\n", nbad - STATUS_PROBLEMS_SHOWN),
			       nbad - STATUS_PROBLEMS_SHOWN);
	}
	cairn_wb_unreadable_free(bad, nbad);
	return EXIT_DONE;
}

int cmd_status(cli *c, int argc, char **argv)
{
	if (argc > 1)
		return cli_verb_usage(c);
	return cli_print_status(c);
}

/* ---- check ---- */

static void print_finding(const char *message, void *ctx)
{
	cli *c = ctx;
	cli_put(c, stdout, message, true);
	printf("\n");
}

int cmd_check(cli *c, int argc, char **argv)
{
	cairn_error err;
	long problems;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rebuild")) {
			if (cairn_wb_rebuild(c->wb, &err) != CAIRN_OK)
				return cli_error(c, &err);
		} else {
			return cli_verb_usage(c);
		}
	}
	if (cairn_wb_check(c->wb, print_finding, c, &problems, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if (problems) {
		printf(P_("%ld problem found\n", "%ld problems found\n", problems), problems);
		return EXIT_REFUSED;
	}
	printf("%s\n", _("the workbook is sound"));
	return EXIT_DONE;
}
