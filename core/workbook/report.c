/* The guidelines report as data (see include/cairn/report.h).  Read through
 * the index's queries, never its SQL, and sorted here with strcmp so that
 * the order does not hang on a collation or on the order of insertion. */
#include "cairn/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/log.h"
#include "cairn/record.h"
#include "wb_internal.h"

/* A NULL-safe copy; "" for NULL, so every string in a report is set. */
static char *report_strdup(const char *s, bool *oom)
{
	char *d = strdup(s ? s : "");
	if (!d)
		*oom = true;
	return d;
}

/* ---- milestones ---- */

static cairn_status milestone_row(const char *const *v, void *ctx, cairn_error *err)
{
	cairn_report *r = ctx;
	cairn_report_milestone *grown, *m;
	bool oom = false;

	grown = realloc(r->milestones, (r->nmilestones + 1) * sizeof *grown);
	if (!grown)
		return cairn_oom(err);
	r->milestones = grown;
	m = &r->milestones[r->nmilestones++];
	m->id = report_strdup(v[0], &oom);
	m->title = report_strdup(v[1], &oom);
	m->deadline = report_strdup(v[2], &oom);
	m->status = report_strdup(v[3], &oom);
	m->done = report_strdup(v[4], &oom);
	m->result = report_strdup(v[5], &oom);
	return oom ? cairn_oom(err) : CAIRN_OK;
}

static int milestone_cmp(const void *a, const void *b)
{
	const cairn_report_milestone *x = a, *y = b;

	/* Dated milestones in date order (ISO compares as text); undated last. */
	if (!*x->deadline != !*y->deadline)
		return *x->deadline ? -1 : 1;
	if (strcmp(x->deadline, y->deadline))
		return strcmp(x->deadline, y->deadline);
	return strcmp(x->id, y->id);
}

/* ---- evaluations ---- */

typedef struct eval_ctx {
	cairn_wb *wb;
	cairn_report *r;
	const char *langs;      /* the reader's, for the questions' labels */
	wb_table tools, persons;
} eval_ctx;

static cairn_status add_answer(cairn_report_evaluation *e, const char *prompt, cairn_qtype type,
			       const char *value, cairn_error *err)
{
	cairn_report_answer *grown = realloc(e->answers, (e->nanswers + 1) * sizeof *grown);
	bool oom = false;

	if (!grown)
		return cairn_oom(err);
	e->answers = grown;
	grown[e->nanswers].prompt = report_strdup(prompt, &oom);
	grown[e->nanswers].type = type;
	grown[e->nanswers].value = report_strdup(value, &oom);
	e->nanswers++;
	return oom ? cairn_oom(err) : CAIRN_OK;
}

/* The answers under the template's prompts (in the reader's language
 * where it has one), in its order; answers to questions the template no
 * longer asks follow under their keys (a template changed after
 * validation must not lose what was validated). */
static cairn_status collect_answers(cairn_report_evaluation *e, const cairn_record *rec,
				    const cairn_template *tpl, const char *langs, cairn_error *err)
{
	static const char prefix[] = "answer.";
	cairn_status st = CAIRN_OK;
	bool *rel = tpl ? malloc((tpl->nquestions ? tpl->nquestions : 1) * sizeof *rel) : NULL;

	if (tpl && !rel)
		return cairn_oom(err);
	if (tpl)
		cairn_template_relevance(tpl, rec, rel);
	/* A question its `when` skips is not part of this evaluation's story;
	 * its stored answer stays in the record, unshown. */
	for (size_t q = 0; tpl && q < tpl->nquestions && !st; q++) {
		char key[CAIRN_KEY_MAX + 16];
		const cairn_question *qn = &tpl->questions[q];
		const char *v;
		if (!rel[q])
			continue;
		snprintf(key, sizeof key, "%s%s", prefix, qn->key);
		const char *prompt = cairn_question_prompt(qn, langs);
		if ((v = cairn_record_get(rec, key)) && *v)
			st = add_answer(e, prompt && *prompt ? prompt : qn->key, qn->type, v, err);
	}
	/* Record fields are in byte order of their keys, so this is stable. */
	for (size_t i = 0; i < rec->nfields && !st; i++) {
		const char *key = rec->fields[i].key;
		if (strncmp(key, prefix, sizeof prefix - 1) || !*rec->fields[i].value ||
		    (tpl && cairn_template_question(tpl, key + sizeof prefix - 1)))
			continue;
		st = add_answer(e, key + sizeof prefix - 1, CAIRN_Q_TEXT, rec->fields[i].value, err);
	}
	free(rel);
	return st;
}

static const char *yes(const cairn_record *rec, const char *key)
{
	const char *v = cairn_record_get(rec, key);
	return v ? v : "";
}

static cairn_status evaluation_record(const cairn_ref *ref, const char *path, const char *body,
				      size_t len, void *ctx, cairn_error *err)
{
	eval_ctx *x = ctx;
	cairn_report *r = x->r;
	cairn_report_evaluation *grown, *e;
	const char *slash = strchr(ref->id, '/'), *tid, *name;
	cairn_template tpl;
	bool have_tpl, oom = false;
	cairn_record rec;
	cairn_status st;
	char tool[CAIRN_REF_ID_MAX + 1];

	if (!slash)
		return CAIRN_OK;        /* the index only holds TOOL/EVALUATOR ids */
	snprintf(tool, sizeof tool, "%.*s", (int)(slash - ref->id), ref->id);
	if ((st = cairn_record_parse(&rec, body, len, path, err)))
		return st;
	grown = realloc(r->evaluations, (r->nevaluations + 1) * sizeof *grown);
	if (!grown) {
		cairn_record_done(&rec);
		return cairn_oom(err);
	}
	r->evaluations = grown;
	e = &r->evaluations[r->nevaluations++];
	memset(e, 0, sizeof *e);
	e->tool = report_strdup(tool, &oom);
	e->tool_name = report_strdup((name = wb_table_get(&x->tools, tool, 1)) && *name ? name : tool, &oom);
	e->tool_kind = report_strdup(wb_table_get(&x->tools, tool, 2), &oom);
	e->evaluator = report_strdup(slash + 1, &oom);
	e->evaluator_name = report_strdup((name = wb_table_get(&x->persons, slash + 1, 1)) && *name ? name
				: slash + 1, &oom);
	e->validator = report_strdup(cairn_record_get(&rec, "validator"), &oom);
	e->validator_name = report_strdup((name = wb_table_get(&x->persons, e->validator ? e->validator : "", 1))
				&& *name ? name : e->validator, &oom);
	e->comments = report_strdup(cairn_record_get(&rec, "comments"), &oom);
	e->good_practice = !strcmp(yes(&rec, "good_practice"), "yes");
	e->success_story = !strcmp(yes(&rec, "success_story"), "yes");
	tid = cairn_record_get(&rec, "template");
	/* A template gone missing still leaves the answers, under their keys. */
	have_tpl = tid && cairn_wb_template(x->wb, tid, &tpl, NULL) == CAIRN_OK;
	e->template_title = report_strdup(have_tpl && *tpl.title ? tpl.title : tid, &oom);
	st = oom ? cairn_oom(err)
		 : collect_answers(e, &rec, have_tpl ? &tpl : NULL, x->langs, err);
	if (have_tpl)
		cairn_template_done(&tpl);
	cairn_record_done(&rec);
	return st;
}

const char *const *cairn_report_tool_kinds(void)
{
	return cairn_kind_field(CAIRN_KIND_TOOL, "kind")->choices;
}

static size_t kind_rank(const char *kind)
{
	const char *const *kinds = cairn_report_tool_kinds();
	size_t i;

	for (i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], kind))
			return i;
	return i;
}

static int evaluation_cmp(const void *a, const void *b)
{
	const cairn_report_evaluation *x = a, *y = b;
	size_t kx = kind_rank(x->tool_kind), ky = kind_rank(y->tool_kind);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	if (strcmp(x->tool, y->tool))
		return strcmp(x->tool, y->tool);
	return strcmp(x->evaluator, y->evaluator);
}

static cairn_status load_evaluations(cairn_wb *wb, cairn_report *r, const char *langs,
				     cairn_error *err)
{
	static const char *const tcols[] = { "id", "name", "kind" };
	static const char *const pcols[] = { "id", "name" };
	const cairn_filter validated = { "status", "validated", CAIRN_OP_EQ };
	eval_ctx x = { .wb = wb, .r = r, .langs = langs };
	cairn_status st;

	if (!(st = wb_table_load(wb, &x.tools, CAIRN_KIND_TOOL, tcols, 3, err)) &&
	    !(st = wb_table_load(wb, &x.persons, CAIRN_KIND_PERSON, pcols, 2, err)))
		st = cairn_index_each(cairn_wb_index(wb), CAIRN_KIND_EVALUATION, &validated, 1,
				      evaluation_record, &x, err);
	wb_table_done(&x.tools);
	wb_table_done(&x.persons);
	if (!st && r->nevaluations)
		qsort(r->evaluations, r->nevaluations, sizeof *r->evaluations, evaluation_cmp);
	return st;
}

/* ---- pilots and targets ---- */

static cairn_status pilot_record(const cairn_ref *ref, const char *path, const char *body,
				 size_t len, void *ctx, cairn_error *err)
{
	cairn_report *r = ctx;
	cairn_report_pilot *grown, *p;
	cairn_record rec;
	cairn_status st;
	bool oom = false;

	if ((st = cairn_record_parse(&rec, body, len, path, err)))
		return st;
	grown = realloc(r->pilots, (r->npilots + 1) * sizeof *grown);
	if (!grown) {
		cairn_record_done(&rec);
		return cairn_oom(err);
	}
	r->pilots = grown;
	p = &r->pilots[r->npilots++];
	p->id = report_strdup(ref->id, &oom);
	p->city = report_strdup(cairn_record_get(&rec, "city"), &oom);
	p->country = report_strdup(cairn_record_get(&rec, "country"), &oom);
	p->status = report_strdup(cairn_record_get(&rec, "status"), &oom);
	p->topic = report_strdup(cairn_record_get(&rec, "topic"), &oom);
	p->results = report_strdup(cairn_record_get(&rec, "results"), &oom);
	p->participants = cairn_count_of(cairn_record_get(&rec, "participants"));
	p->shares = calloc(r->targets.n ? r->targets.n : 1, sizeof *p->shares);
	if (p->shares)
		cairn_pilot_inclusion(&r->targets, &rec, p->shares);
	else
		oom = true;
	cairn_record_done(&rec);
	return oom ? cairn_oom(err) : CAIRN_OK;
}

static int pilot_cmp(const void *a, const void *b)
{
	return strcmp(((const cairn_report_pilot *)a)->id, ((const cairn_report_pilot *)b)->id);
}

/* ---- the date the report speaks for ---- */

typedef struct when_ctx {
	long long when;
	int tz_minutes;
} when_ctx;

static cairn_status head_when(const cairn_git_commit_info *c, const cairn_git_delta *changes,
			      size_t n, bool *stop, void *ctx, cairn_error *err)
{
	when_ctx *w = ctx;

	(void)changes, (void)n, (void)err;
	w->when = c->when;
	w->tz_minutes = c->tz_minutes;
	*stop = true;
	return CAIRN_OK;
}

/* The demo's clock when the workbook has one (its story is set in 2016),
 * else the day of HEAD's commit in its author's time zone: never today,
 * so that a report made tomorrow from the same commit is the same. */
static cairn_status load_date(cairn_wb *wb, cairn_report *r, cairn_error *err)
{
	cairn_oid head;
	when_ctx w = { 0, 0 };
	cairn_status st;
	long long secs;

	if ((st = cairn_git_head(cairn_wb_git(wb), &head, err)))
		return st;
	snprintf(r->commit, sizeof r->commit, "%s", head.hex);
	if (cairn_wb_has_clock(wb)) {
		r->as_of_clock = true;
		cairn_date_iso(cairn_wb_today(wb), r->as_of, sizeof r->as_of);
		return CAIRN_OK;
	}
	if (!*head.hex)
		return CAIRN_OK;
	if ((st = cairn_git_commit_info_of(cairn_wb_git(wb), &head, head_when, &w, err)))
		return st;
	secs = w.when + (long long)w.tz_minutes * 60;
	/* Floor division: a commit before 1970 still falls on its own day. */
	cairn_date_iso(cairn_date_from_days((long)(secs / 86400 - (secs % 86400 < 0))), r->as_of,
		       sizeof r->as_of);
	return CAIRN_OK;
}

/* ---- the whole ---- */

/* The comparison of each template with validated evaluations. */
static cairn_status load_comparisons(cairn_wb *wb, cairn_report *r, cairn_error *err)
{
	static const char *const cols[] = { "id" };
	wb_table templates;
	cairn_status st = wb_table_load(wb, &templates, CAIRN_KIND_TEMPLATE, cols, 1, err);

	for (size_t i = 0; i < templates.nrows && !st; i++) {
		cairn_comparison c, *grown;
		if ((st = cairn_compare(wb, templates.cells[i], NULL, &c, err))) {
			cairn_comparison_done(&c);
			break;
		}
		if (!c.nrows) {
			cairn_comparison_done(&c);
			continue;
		}
		if (!(grown = realloc(r->comparisons, (r->ncomparisons + 1) * sizeof *grown))) {
			cairn_comparison_done(&c);
			st = cairn_oom(err);
			break;
		}
		r->comparisons = grown;
		r->comparisons[r->ncomparisons++] = c;
	}
	wb_table_done(&templates);
	return st;
}

cairn_status cairn_report_load(cairn_wb *wb, cairn_report *r, const char *langs,
			       cairn_error *err)
{
	static const char *const mcols[] = { "id", "title", "deadline", "status", "done", "result" };
	cairn_index *idx = cairn_wb_index(wb);
	bool oom = false;
	cairn_status st;

	memset(r, 0, sizeof *r);
	r->name = report_strdup(cairn_wb_name(wb), &oom);
	if (oom)
		return cairn_oom(err);
	if ((st = load_date(wb, r, err)) ||
	    (st = cairn_index_rows(idx, CAIRN_KIND_MILESTONE, mcols, 6, NULL, 0, "id", 0,
				   milestone_row, r, err)) ||
	    (st = load_evaluations(wb, r, langs, err)) ||
	    (st = load_comparisons(wb, r, err)) ||
	    (st = cairn_wb_targets(wb, &r->targets, err)) ||
	    (st = cairn_index_each(idx, CAIRN_KIND_PILOT, NULL, 0, pilot_record, r, err)))
		return st;
	if (r->nmilestones)
		qsort(r->milestones, r->nmilestones, sizeof *r->milestones, milestone_cmp);
	if (r->npilots)
		qsort(r->pilots, r->npilots, sizeof *r->pilots, pilot_cmp);
	return CAIRN_OK;
}

void cairn_report_done(cairn_report *r)
{
	for (size_t i = 0; i < r->nmilestones; i++) {
		cairn_report_milestone *m = &r->milestones[i];
		free(m->id), free(m->title), free(m->deadline);
		free(m->status), free(m->done), free(m->result);
	}
	for (size_t i = 0; i < r->nevaluations; i++) {
		cairn_report_evaluation *e = &r->evaluations[i];
		free(e->tool), free(e->tool_name), free(e->tool_kind);
		free(e->evaluator), free(e->evaluator_name);
		free(e->validator), free(e->validator_name);
		free(e->template_title), free(e->comments);
		for (size_t a = 0; a < e->nanswers; a++)
			free(e->answers[a].prompt), free(e->answers[a].value);
		free(e->answers);
	}
	for (size_t i = 0; i < r->npilots; i++) {
		cairn_report_pilot *p = &r->pilots[i];
		free(p->id), free(p->city), free(p->country);
		free(p->status), free(p->topic), free(p->results);
		free(p->shares);
	}
	for (size_t i = 0; i < r->ncomparisons; i++)
		cairn_comparison_done(&r->comparisons[i]);
	free(r->comparisons);
	cairn_targets_done(&r->targets);
	free(r->milestones);
	free(r->evaluations);
	free(r->pilots);
	free(r->name);
	memset(r, 0, sizeof *r);
}
