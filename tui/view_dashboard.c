/* The dashboard: milestones against today, tasks due soon, evaluation
 * progress, and each pilot's inclusion shares against the targets.  Marks
 * are words and signs ("OVERDUE", "short", "met"), never colour alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/derive.h"
#include "tui.h"

#define SOON_DAYS 21

static void show_date(app *a, const char *iso, char *buf, size_t n)
{
	cli_date(a->c, iso, buf, n);
	if (!buf[0])
		snprintf(buf, n, "%s", "(no date)");
}

static void when_text(const cairn_deadline *d, const char *status, char *buf, size_t n)
{
	if (!strcmp(status, "done") || !strcmp(status, "dropped"))
		snprintf(buf, n, "%s", status);
	else if (!d->has_deadline)
		snprintf(buf, n, "%s", "no deadline");
	else if (d->overdue)
		snprintf(buf, n, "OVERDUE %ld d", -d->days_left);
	else if (d->days_left == 0)
		snprintf(buf, n, "%s", "due today");
	else
		snprintf(buf, n, "in %ld d", d->days_left);
}

static void milestones(app *a, lines *out, cairn_date today)
{
	static const char *const cols[] = { "id", "deadline", "status", "title", "result" };
	rowset r;

	lines_add(out, LS_SECTION, NULL, "Milestones");
	if (!rows_load(a, &r, CAIRN_KIND_MILESTONE, cols, 5, NULL, 0, "deadline"))
		return;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *status = rows_get(&r, i, 2);
		cairn_deadline d = cairn_deadline_of(rows_get(&r, i, 1), status, today);
		char date[32], when[32], target[160];
		line *ln;
		show_date(a, rows_get(&r, i, 1), date, sizeof date);
		when_text(&d, status, when, sizeof when);
		snprintf(target, sizeof target, "milestone/%s", rows_get(&r, i, 0));
		ln = lines_add(out, d.overdue ? LS_ALERT : !strcmp(status, "done") ? LS_DIM : LS_TEXT,
			       target, "%-6s %-10s %-13s %s%s%s", rows_get(&r, i, 0), date, when,
			       rows_get(&r, i, 3), *rows_get(&r, i, 4) ? " -> " : "",
			       rows_get(&r, i, 4));
		(void)ln;
	}
	if (!r.nrows)
		lines_add(out, LS_DIM, NULL, "  none yet: press 2, then a, to add one");
	rows_done(&r);
}

static void tasks_due(app *a, lines *out, cairn_date today)
{
	static const char *const cols[] = { "id", "due", "status", "title", "assignee" };
	rowset r;
	size_t shown = 0;

	lines_add(out, LS_SECTION, NULL, "Tasks due in the next %d days", SOON_DAYS);
	if (!rows_load(a, &r, CAIRN_KIND_TASK, cols, 5, NULL, 0, "due"))
		return;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *status = rows_get(&r, i, 2);
		cairn_deadline d = cairn_deadline_of(rows_get(&r, i, 1), status, today);
		char date[32], when[32], target[160];
		if (!d.has_deadline || d.days_left > SOON_DAYS || !strcmp(status, "done") ||
		    !strcmp(status, "dropped"))
			continue;
		show_date(a, rows_get(&r, i, 1), date, sizeof date);
		when_text(&d, status, when, sizeof when);
		snprintf(target, sizeof target, "task/%s", rows_get(&r, i, 0));
		lines_add(out, d.overdue ? LS_ALERT : LS_TEXT, target, "%-12s %-10s %-13s %s (%s)",
			  rows_get(&r, i, 0), date, when, rows_get(&r, i, 3),
			  *rows_get(&r, i, 4) ? rows_get(&r, i, 4) : "nobody");
		shown++;
	}
	if (!shown)
		lines_add(out, LS_DIM, NULL, "  nothing due");
	rows_done(&r);
}

/* Evaluations counted by status, for everyone, per person and per tool. */
static const char *const eval_states[] = { "assigned", "draft", "submitted", "returned",
					   "validated" };
#define NSTATES 5

struct tally {
	char name[64];
	long n[NSTATES];
};

static void add_tally(struct tally **v, size_t *n, const char *name, const char *status)
{
	size_t i;
	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			break;
	if (i == *n) {
		struct tally *grown = realloc(*v, (*n + 1) * sizeof *grown);
		if (!grown)
			return;
		*v = grown;
		memset(&grown[i], 0, sizeof grown[i]);
		snprintf(grown[i].name, sizeof grown[i].name, "%s", name);
		(*n)++;
	}
	for (int s = 0; s < NSTATES; s++)
		if (!strcmp(status, eval_states[s]))
			(*v)[i].n[s]++;
}

static void tally_line(lines *out, const char *prefix, const struct tally *t)
{
	lines_add(out, LS_TEXT, NULL, "%s%-18s assigned %-3ld draft %-3ld submitted %-3ld "
		  "returned %-3ld validated %ld", prefix, t->name, t->n[0], t->n[1], t->n[2], t->n[3],
		  t->n[4]);
}

static void evaluations(app *a, lines *out)
{
	static const char *const cols[] = { "evaluator", "tool", "status" };
	struct tally *people = NULL, *tools = NULL, all;
	size_t np = 0, nt = 0;
	rowset r;

	lines_add(out, LS_SECTION, NULL, "Evaluations");
	if (!rows_load(a, &r, CAIRN_KIND_EVALUATION, cols, 3, NULL, 0, "evaluator"))
		return;
	memset(&all, 0, sizeof all);
	snprintf(all.name, sizeof all.name, "%s", "all");
	for (size_t i = 0; i < r.nrows; i++) {
		const char *status = rows_get(&r, i, 2);
		add_tally(&people, &np, rows_get(&r, i, 0), status);
		add_tally(&tools, &nt, rows_get(&r, i, 1), status);
		for (int s = 0; s < NSTATES; s++)
			if (!strcmp(status, eval_states[s]))
				all.n[s]++;
	}
	tally_line(out, "", &all);
	if (np)
		lines_add(out, LS_DIM, NULL, "by person");
	for (size_t i = 0; i < np; i++)
		tally_line(out, "  ", &people[i]);
	if (nt)
		lines_add(out, LS_DIM, NULL, "by tool");
	for (size_t i = 0; i < nt; i++)
		tally_line(out, "  ", &tools[i]);
	free(people);
	free(tools);
	rows_done(&r);
}

static void pilots(app *a, lines *out)
{
	static const char *const pcols[] = { "id", "city", "status", "participants", "women", "men",
					     "other", "migrants", "peripheries", "aged65" };
	static const char *const tcols[] = { "id", "minimum" };
	rowset p, t;

	lines_add(out, LS_SECTION, NULL, "Pilots: inclusion against the targets (| marks the target)");
	if (!rows_load(a, &p, CAIRN_KIND_PILOT, pcols, 10, NULL, 0, "id"))
		return;
	if (!rows_load(a, &t, CAIRN_KIND_TARGET, tcols, 2, NULL, 0, "id")) {
		rows_done(&p);
		return;
	}
	for (size_t i = 0; i < p.nrows; i++) {
		long total = *rows_get(&p, i, 3) ? atol(rows_get(&p, i, 3)) : -1;
		char target[160];
		snprintf(target, sizeof target, "pilot/%s", rows_get(&p, i, 0));
		lines_add(out, LS_TEXT, target, "%-10s %-18s %-10s %s", rows_get(&p, i, 0),
			  rows_get(&p, i, 1), rows_get(&p, i, 2),
			  total >= 0 ? rows_get(&p, i, 3) : "no participants reported");
		if (total <= 0)
			continue;
		for (int g = 0; g < CAIRN_GROUP_COUNT; g++) {
			const char *key = cairn_group_key((cairn_group)g);
			const char *count = rows_get(&p, i, 4 + (size_t)g);
			bool has_target = false;
			double min = 0;
			cairn_share sh;
			line *ln;
			for (size_t k = 0; k < t.nrows; k++)
				if (!strcmp(rows_get(&t, k, 0), key) && *rows_get(&t, k, 1)) {
					has_target = true;
					min = atof(rows_get(&t, k, 1));
				}
			sh = cairn_share_of(*count ? atol(count) : -1, total, has_target, min);
			if (!sh.known)
				continue;
			ln = lines_add(out, sh.has_target && !sh.met ? LS_ALERT : LS_TEXT, NULL,
				       "    %-22s %5.1f%%  %s", cairn_group_label((cairn_group)g),
				       sh.percent, !sh.has_target ? "" : sh.met ? "met" : "SHORT");
			if (ln) {
				ln->bar = sh.percent;
				ln->mark = sh.has_target ? sh.target : -1;
			}
		}
	}
	if (!p.nrows)
		lines_add(out, LS_DIM, NULL, "  no pilots yet");
	rows_done(&p);
	rows_done(&t);
}

static void dashboard_build(app *a, void *state, lines *out)
{
	cairn_date today = cairn_wb_today(a->wb);

	(void)state;
	milestones(a, out, today);
	lines_add(out, LS_TEXT, NULL, "%s", "");
	tasks_due(a, out, today);
	lines_add(out, LS_TEXT, NULL, "%s", "");
	evaluations(a, out);
	lines_add(out, LS_TEXT, NULL, "%s", "");
	pilots(a, out);
}

static bool dashboard_act(app *a, void *state, tui_action act)
{
	const line *sel;

	(void)state;
	if (act != ACT_ENTER)
		return false;
	sel = lines_selected(&a->stack[a->depth - 1].lines);
	if (sel && sel->target)
		app_push(a, &record_view, sel->target, strlen(sel->target) + 1, sel->target);
	return true;
}

const view_ops dashboard_view = {
	.name = "dashboard",
	.state_size = 1,
	.build = dashboard_build,
	.act = dashboard_act,
};
