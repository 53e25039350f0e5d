/* Evaluations side by side (see include/cairn/compare.h): the index gives
 * the evaluations of one template, each record is read once, and the
 * summary is worked out from the rows after they are sorted, so that the
 * same workbook always gives the same numbers in the same order. */
#include "cairn/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/i18n.h"
#include "cairn/kinds.h"
#include "cairn/record.h"
#include "wb_internal.h"

typedef struct compare_ctx {
	cairn_comparison *c;
	const cairn_compare_filter *f;
	wb_table tools;
	bool oom;
} compare_ctx;

static char *dup_or_empty(const char *s, bool *oom)
{
	char *d = strdup(s ? s : "");

	if (!d)
		*oom = true;
	return d;
}

static bool yes(const cairn_record *rec, const char *key)
{
	const char *v = cairn_record_get(rec, key);
	return v && !strcmp(v, "yes");
}

static cairn_status evaluation_row(const cairn_ref *ref, const char *path, const char *body,
				   size_t len, void *ctx, cairn_error *err)
{
	compare_ctx *x = ctx;
	cairn_comparison *c = x->c;
	const char *slash = strchr(ref->id, '/'), *kind;
	char tool[CAIRN_REF_ID_MAX + 1];
	cairn_compare_row *grown, *row;
	cairn_record rec;
	cairn_status st;
	bool *rel;

	if (!slash)
		return CAIRN_OK;
	snprintf(tool, sizeof tool, "%.*s", (int)(slash - ref->id), ref->id);
	kind = wb_table_get(&x->tools, tool, 2);
	if (x->f->tool_kind && strcmp(kind ? kind : "", x->f->tool_kind))
		return CAIRN_OK;
	if ((st = cairn_record_parse(&rec, body, len, path, err)))
		return st;
	if (x->f->mark && !yes(&rec, !strcmp(x->f->mark, "good-practice") ? "good_practice"
									: "success_story")) {
		cairn_record_done(&rec);
		return CAIRN_OK;
	}
	rel = malloc((c->tpl.nquestions ? c->tpl.nquestions : 1) * sizeof *rel);
	grown = realloc(c->rows, (c->nrows + 1) * sizeof *grown);
	if (!rel || !grown) {
		free(rel);
		c->rows = grown ? grown : c->rows;
		cairn_record_done(&rec);
		return cairn_oom(err);
	}
	c->rows = grown;
	row = &c->rows[c->nrows++];
	memset(row, 0, sizeof *row);
	row->id = dup_or_empty(ref->id, &x->oom);
	row->tool = dup_or_empty(tool, &x->oom);
	row->tool_name = dup_or_empty(wb_table_get(&x->tools, tool, 1), &x->oom);
	row->tool_kind = dup_or_empty(kind, &x->oom);
	row->evaluator = dup_or_empty(slash + 1, &x->oom);
	row->status = dup_or_empty(cairn_record_get(&rec, "status"), &x->oom);
	row->good_practice = yes(&rec, "good_practice");
	row->success_story = yes(&rec, "success_story");
	row->answers = calloc(c->tpl.nquestions ? c->tpl.nquestions : 1, sizeof *row->answers);
	if (!row->answers)
		x->oom = true;
	cairn_template_relevance(&c->tpl, &rec, rel);
	for (size_t q = 0; row->answers && q < c->tpl.nquestions; q++) {
		char key[CAIRN_KEY_MAX + 16];
		if (!rel[q])
			continue;
		snprintf(key, sizeof key, "answer.%s", c->tpl.questions[q].key);
		row->answers[q] = dup_or_empty(cairn_record_get(&rec, key), &x->oom);
	}
	free(rel);
	cairn_record_done(&rec);
	return x->oom ? cairn_oom(err) : CAIRN_OK;
}

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const cairn_compare_row *)a)->id, ((const cairn_compare_row *)b)->id);
}

/* An answer as a number, when today's question takes it: "many", or a 9
 * on a 1-5 scale, kept from an older version, is not averaged. */
static bool number_of(const cairn_question *q, const char *s, double *d)
{
	cairn_error ignore;
	char *norm = NULL, *end;
	bool ok;

	if (!s || !*s || cairn_answer_normalize(q, s, "yyyy-mm-dd", &norm, &ignore) != CAIRN_OK)
		return false;
	*d = strtod(norm, &end);
	ok = end != norm && (!*end || (*end == '%' && !end[1])) && isfinite(*d);
	free(norm);
	return ok;
}

static cairn_status summarise(cairn_comparison *c, size_t q, cairn_error *err)
{
	const cairn_question *qn = &c->tpl.questions[q];
	cairn_compare_summary *s = &c->summary[q];
	double sum = 0, sq = 0;
	size_t nnum = 0;

	s->numeric = qn->type == CAIRN_Q_SCALE || qn->type == CAIRN_Q_NUMBER ||
		     qn->type == CAIRN_Q_PERCENT;
	s->ncounts = qn->type == CAIRN_Q_YESNO ? 2 : qn->nchoices;
	if (s->ncounts && !(s->counts = calloc(s->ncounts, sizeof *s->counts)))
		return cairn_oom(err);
	for (size_t r = 0; r < c->nrows; r++) {
		const char *v = c->rows[r].answers[q];
		double d;
		if (!v)
			continue;
		s->asked++;
		if (!*v)
			continue;
		s->answered++;
		if (qn->type == CAIRN_Q_YESNO) {
			s->counts[0] += !strcmp(v, "yes");
			s->counts[1] += !strcmp(v, "no");
		}
		for (size_t i = 0; i < qn->nchoices; i++)
			for (const char *p = v; *p;) {
				size_t l = strcspn(p, "\n");
				if (l == strlen(qn->choices[i]) && !strncmp(p, qn->choices[i], l)) {
					s->counts[i]++;
					break;
				}
				p += l;
				if (*p)
					p++;
			}
		if (s->numeric && number_of(qn, v, &d)) {
			if (!nnum || d < s->min)
				s->min = d;
			if (!nnum || d > s->max)
				s->max = d;
			sum += d;
			nnum++;
		}
	}
	if (s->numeric && nnum) {
		s->mean = sum / (double)nnum;
		for (size_t r = 0; r < c->nrows; r++) {
			double d;
			if (c->rows[r].answers[q] && number_of(qn, c->rows[r].answers[q], &d))
				sq += (d - s->mean) * (d - s->mean);
		}
		s->sd = sqrt(sq / (double)nnum);
	}
	s->numeric = s->numeric && nnum;
	s->numbers = nnum;
	return CAIRN_OK;
}

static cairn_status check_filter(const cairn_compare_filter *f, cairn_error *err)
{
	const cairn_field_def *status = cairn_kind_field(CAIRN_KIND_EVALUATION, "status");
	const cairn_field_def *kind = cairn_kind_field(CAIRN_KIND_TOOL, "kind");
	bool found = !f->status || !strcmp(f->status, "all");

	for (size_t i = 0; !found && status->choices[i]; i++)
		found = !strcmp(status->choices[i], f->status);
	if (!found)
		return cairn_fail(err, CAIRN_EINPUT,
				  _("'%s' is not a status of an evaluation: use assigned, draft, "
				    "submitted, returned, validated or all"), f->status);
	found = !f->tool_kind;
	for (size_t i = 0; !found && kind->choices[i]; i++)
		found = !strcmp(kind->choices[i], f->tool_kind);
	if (!found) {
		cairn_buf b = CAIRN_BUF_INIT;
		for (size_t i = 0; kind->choices[i]; i++)
			cairn_buf_printf(&b, "%s%s", i ? ", " : "", kind->choices[i]);
		cairn_fail(err, CAIRN_EINPUT, _("'%s' is not a kind of tool: use one of %s"),
			   f->tool_kind, cairn_buf_str(&b));
		cairn_buf_done(&b);
		return CAIRN_EINPUT;
	}
	if (f->mark && strcmp(f->mark, "good-practice") && strcmp(f->mark, "success-story"))
		return cairn_fail(err, CAIRN_EINPUT,
				  _("'%s' is not a mark: use good-practice or success-story"), f->mark);
	return CAIRN_OK;
}

cairn_status cairn_compare(cairn_wb *wb, const char *tid, const cairn_compare_filter *f,
			   cairn_comparison *out, cairn_error *err)
{
	static const char *const tcols[] = { "id", "name", "kind" };
	static const cairn_compare_filter validated = { "validated", NULL, NULL };
	cairn_filter where[2] = { { "template", tid, CAIRN_OP_EQ },
				  { "status", NULL, CAIRN_OP_EQ } };
	compare_ctx x = { .c = out, .f = f ? f : &validated };
	cairn_status st;

	memset(out, 0, sizeof *out);
	if ((st = check_filter(x.f, err)))
		return st;
	where[1].value = x.f->status ? x.f->status : "validated";
	if ((st = cairn_wb_template(wb, tid, &out->tpl, err)))
		return st;
	if ((st = wb_table_load(wb, &x.tools, CAIRN_KIND_TOOL, tcols, 3, err)) == CAIRN_OK)
		st = cairn_index_each(cairn_wb_index(wb), CAIRN_KIND_EVALUATION, where,
				      strcmp(where[1].value, "all") ? 2 : 1, evaluation_row, &x, err);
	wb_table_done(&x.tools);
	if (st)
		return st;
	if (out->nrows)
		qsort(out->rows, out->nrows, sizeof *out->rows, row_cmp);
	if (!(out->summary = calloc(out->tpl.nquestions ? out->tpl.nquestions : 1,
				    sizeof *out->summary)))
		return cairn_oom(err);
	for (size_t q = 0; q < out->tpl.nquestions && !st; q++)
		st = summarise(out, q, err);
	return st;
}

void cairn_comparison_done(cairn_comparison *c)
{
	for (size_t r = 0; r < c->nrows; r++) {
		cairn_compare_row *row = &c->rows[r];
		for (size_t q = 0; row->answers && q < c->tpl.nquestions; q++)
			free(row->answers[q]);
		free(row->answers);
		free(row->id);
		free(row->tool);
		free(row->tool_name);
		free(row->tool_kind);
		free(row->evaluator);
		free(row->status);
	}
	free(c->rows);
	for (size_t q = 0; c->summary && q < c->tpl.nquestions; q++)
		free(c->summary[q].counts);
	free(c->summary);
	cairn_template_done(&c->tpl);
	memset(c, 0, sizeof *c);
}
