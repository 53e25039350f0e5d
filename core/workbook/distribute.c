/* The distribution of tools among key persons (see cairn_wb_distribute in
 * include/cairn/workflow.h): a plan from the index, saved as ordinary
 * evaluations.  Above workflow.c, whose wb_need_me it uses. */
#include "cairn/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/buf.h"
#include "workbook/wb_internal.h"

typedef struct person_load {
	char id[CAIRN_ID_MAX + 1];
	char organisation[256];
	long open;              /* evaluations to do */
	long to_validate;       /* evaluations to validate */
} person_load;

typedef struct tool_info {
	char id[CAIRN_ID_MAX + 1];
	char origin[256];
	char *excluded;         /* the field as written, or NULL */
	bool evaluated;         /* has an evaluation on the template */
} tool_info;

typedef struct dist_state {
	person_load *people;
	size_t npeople;
	tool_info *tools;
	size_t ntools;
	const char *template_id;
	char only_template[CAIRN_ID_MAX + 1];
	size_t ntemplates;
} dist_state;

static cairn_status add_person(const char *const *values, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	person_load *grown;

	if (strcmp(values[1], "key-person"))
		return CAIRN_OK;
	grown = realloc(d->people, (d->npeople + 1) * sizeof *grown);
	if (!grown)
		return cairn_oom(err);
	d->people = grown;
	memset(&grown[d->npeople], 0, sizeof *grown);
	snprintf(grown[d->npeople].id, sizeof grown->id, "%s", values[0]);
	snprintf(grown[d->npeople].organisation, sizeof grown->organisation, "%s", values[2]);
	d->npeople++;
	return CAIRN_OK;
}

static cairn_status add_tool(const cairn_ref *ref, const char *path, const char *body,
			     size_t len, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	tool_info *grown, *t;
	cairn_record rec;
	const char *v;
	cairn_status st;

	if ((st = cairn_record_parse(&rec, body, len, path, err)))
		return st;
	grown = realloc(d->tools, (d->ntools + 1) * sizeof *grown);
	if (!grown) {
		cairn_record_done(&rec);
		return cairn_oom(err);
	}
	d->tools = grown;
	t = &grown[d->ntools++];
	memset(t, 0, sizeof *t);
	snprintf(t->id, sizeof t->id, "%.64s", ref->id);
	v = cairn_record_get(&rec, "origin");
	snprintf(t->origin, sizeof t->origin, "%s", v ? v : "");
	v = cairn_record_get(&rec, "excluded");
	t->excluded = v && *v ? strdup(v) : NULL;
	cairn_record_done(&rec);
	return CAIRN_OK;
}

static person_load *person_find(dist_state *d, const char *id)
{
	for (size_t i = 0; i < d->npeople; i++)
		if (!strcasecmp(d->people[i].id, id))
			return &d->people[i];
	return NULL;
}

static cairn_status note_evaluation(const char *const *values, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	const char *tool = values[0], *evaluator = values[1], *validator = values[2];
	const char *status = values[3], *tpl = values[4];
	person_load *p;
	(void)err;

	if (!strcasecmp(tpl, d->template_id))
		for (size_t i = 0; i < d->ntools; i++)
			if (!strcasecmp(d->tools[i].id, tool))
				d->tools[i].evaluated = true;
	if ((p = person_find(d, evaluator)) && (!strcmp(status, "assigned") ||
	    !strcmp(status, "draft") || !strcmp(status, "returned")))
		p->open++;
	if (*validator && (p = person_find(d, validator)) && strcmp(status, "validated"))
		p->to_validate++;
	return CAIRN_OK;
}

static cairn_status count_template(const char *const *values, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	(void)err;
	if (!d->ntemplates++)
		snprintf(d->only_template, sizeof d->only_template, "%s", values[0]);
	return CAIRN_OK;
}

/* Trimmed, case-blind equality of two free texts. */
static bool same_text(const char *a, const char *b)
{
	size_t la, lb;
	while (*a == ' ')
		a++;
	while (*b == ' ')
		b++;
	la = strlen(a);
	lb = strlen(b);
	while (la && a[la - 1] == ' ')
		la--;
	while (lb && b[lb - 1] == ' ')
		lb--;
	return la && la == lb && !strncasecmp(a, b, la);
}

/* The tool's `excluded` field names id (ids separated by lines, commas or
 * spaces)? */
static bool excluded(const tool_info *t, const char *id)
{
	size_t len = strlen(id);
	for (const char *p = t->excluded; p && *p;) {
		size_t n;
		p += strspn(p, " ,\n\t");
		n = strcspn(p, " ,\n\t");
		if (n == len && !strncasecmp(p, id, n))
			return true;
		p += n;
	}
	return false;
}

static bool may_evaluate(const tool_info *t, const person_load *p)
{
	return !same_text(t->origin, p->organisation) && !excluded(t, p->id);
}

static void plan_tool(dist_state *d, const tool_info *t, cairn_assignment *a)
{
	person_load *best = NULL, *checker = NULL;

	memset(a, 0, sizeof *a);
	snprintf(a->tool, sizeof a->tool, "%s", t->id);
	for (size_t i = 0; i < d->npeople; i++)
		if (may_evaluate(t, &d->people[i]) && (!best || d->people[i].open < best->open))
			best = &d->people[i];
	if (!best) {
		snprintf(a->why, sizeof a->why, "%s",
			 d->npeople ? "no key person may evaluate it (its origin is their "
				      "organisation, or it excludes them)"
				    : "there are no key persons (persons with role key-person)");
		return;
	}
	best->open++;
	snprintf(a->evaluator, sizeof a->evaluator, "%s", best->id);
	for (size_t i = 0; i < d->npeople; i++)
		if (&d->people[i] != best && may_evaluate(t, &d->people[i]) &&
		    (!checker || d->people[i].to_validate < checker->to_validate))
			checker = &d->people[i];
	if (checker) {
		checker->to_validate++;
		snprintf(a->validator, sizeof a->validator, "%s", checker->id);
	}
}

static cairn_status save_distribution(cairn_wb *wb, const cairn_distribution *out,
				      cairn_save_result *res, cairn_error *err)
{
	cairn_edit *edits = calloc(out->n ? out->n : 1, sizeof *edits);
	const char *(*kv)[6] = calloc(out->n ? out->n : 1, sizeof *kv);
	size_t n = 0;
	char message[128];
	cairn_status st = CAIRN_OK;

	if (!edits || !kv) {
		free(edits);
		free(kv);
		return cairn_oom(err);
	}
	for (size_t i = 0; i < out->n; i++) {
		const cairn_assignment *a = &out->v[i];
		cairn_edit *e = &edits[n];
		if (!*a->evaluator)
			continue;
		kv[n][0] = "template";
		kv[n][1] = "validator";
		kv[n][2] = out->template_id;
		kv[n][3] = a->validator;
		e->op = CAIRN_EDIT_ADD;
		e->ref.kind = CAIRN_KIND_EVALUATION;
		snprintf(e->ref.id, sizeof e->ref.id, "%s/%s", a->tool, a->evaluator);
		e->keys = &kv[n][0];
		e->values = &kv[n][2];
		e->n = *a->validator ? 2 : 1;
		n++;
	}
	snprintf(message, sizeof message, "Distribute %zu tool%s among the key persons", n,
		 n == 1 ? "" : "s");
	if (n)
		st = cairn_wb_save(wb, edits, n, message, res, err);
	free(edits);
	free(kv);
	return st;
}

cairn_status cairn_wb_distribute(cairn_wb *wb, const char *tpl, bool dry_run,
				 cairn_distribution *out, cairn_save_result *res, cairn_error *err)
{
	static const char *const pcols[] = { "id", "role", "organisation" };
	static const char *const ecols[] = { "tool", "evaluator", "validator", "status", "template" };
	static const char *const tcols[] = { "id" };
	dist_state d = { 0 };
	char me[CAIRN_ID_MAX + 1], role[32];
	cairn_status st;

	memset(out, 0, sizeof *out);
	memset(res, 0, sizeof *res);
	if (!dry_run) {
		if ((st = wb_need_me(wb, me, sizeof me, role, sizeof role, err)))
			return st;
		if (strcmp(role, "leader"))
			return cairn_fail(err, CAIRN_EINPUT,
					  "only a leader distributes the tools; you are %s (%s). "
					  "--dry-run shows the plan, and anyone may add an evaluation "
					  "by hand: cairn add evaluation TOOL/PERSON template=ID", me, role);
	}
	if ((st = cairn_index_rows(wb->idx, CAIRN_KIND_TEMPLATE, tcols, 1, NULL, 0, "id", 0,
				   count_template, &d, err)))
		goto done;
	if (!tpl) {
		if (d.ntemplates != 1) {
			st = d.ntemplates
				? cairn_fail(err, CAIRN_EINPUT, "this workbook has %zu templates: name "
					     "the one to use (--template ID; cairn ls template)",
					     d.ntemplates)
				: cairn_fail(err, CAIRN_EINPUT, "this workbook has no template yet: "
					     "add one (cairn add template ID title=...)");
			goto done;
		}
		tpl = d.only_template;
	} else {
		cairn_template t;
		if ((st = cairn_wb_template(wb, tpl, &t, err)))
			goto done;
		snprintf(d.only_template, sizeof d.only_template, "%s", t.id);
		cairn_template_done(&t);
		tpl = d.only_template;
	}
	d.template_id = tpl;
	snprintf(out->template_id, sizeof out->template_id, "%s", tpl);
	if ((st = cairn_index_rows(wb->idx, CAIRN_KIND_PERSON, pcols, 3, NULL, 0, "id", 0,
				   add_person, &d, err)) ||
	    (st = cairn_index_each(wb->idx, CAIRN_KIND_TOOL, NULL, 0, add_tool, &d, err)) ||
	    (st = cairn_index_rows(wb->idx, CAIRN_KIND_EVALUATION, ecols, 5, NULL, 0, "id", 0,
				   note_evaluation, &d, err)))
		goto done;
	out->v = calloc(d.ntools ? d.ntools : 1, sizeof *out->v);
	if (!out->v) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < d.ntools; i++)
		if (!d.tools[i].evaluated)
			plan_tool(&d, &d.tools[i], &out->v[out->n++]);
	if (!dry_run)
		st = save_distribution(wb, out, res, err);
done:
	for (size_t i = 0; i < d.ntools; i++)
		free(d.tools[i].excluded);
	free(d.tools);
	free(d.people);
	return st;
}

void cairn_distribution_done(cairn_distribution *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}
