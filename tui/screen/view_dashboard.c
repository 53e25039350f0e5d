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
		snprintf(buf, n, "%s", _("(no date)"));
}

static void when_text(const cairn_deadline *d, const char *status, char *buf, size_t n)
{
	if (!strcmp(status, "done") || !strcmp(status, "dropped"))
		snprintf(buf, n, "%s", status);
	else if (!d->has_deadline)
		snprintf(buf, n, "%s", _("no deadline"));
	else if (d->overdue)
		snprintf(buf, n, _("OVERDUE %ld d"), -d->days_left);
	else if (d->days_left == 0)
		snprintf(buf, n, "%s", _("due today"));
	else
		snprintf(buf, n, _("in %ld d"), d->days_left);
}

#define SHOWN 10       /* lines per section: the rest is a key away */

/* more < 0: some more, not counted (counting would cost what the section
 * saves by showing only its first lines). */
static void more_line(lines *out, long more, const char *where)
{
	if (more < 0)
		lines_add(out, LS_DIM, NULL, _("  ... and more: %s"), where);
	else if (more > 0)
		lines_add(out, LS_DIM, NULL, _("  ... and %ld more: %s"), more, where);
}

/* The first SHOWN rows of kind; *more is -1 when there are others. */
static bool rows_some(app *a, rowset *r, cairn_kind kind, const char *const *cols, size_t ncols,
		      const cairn_filter *f, size_t nf, const char *order, long *more)
{
	if (!rows_load_limit(a, r, kind, cols, ncols, f, nf, order, SHOWN + 1))
		return false;
	*more = 0;
	if (r->nrows > SHOWN) {
		for (size_t c = 0; c < r->ncols; c++)
			free(r->cells[SHOWN * r->ncols + c]);
		r->nrows = SHOWN;
		*more = -1;
	}
	return true;
}

/* One line for a dated record (row i of r: id, date, status, ...): its id,
 * date and how far it is from today, then tail; opens the record. */
static void dated_line(app *a, lines *out, const char *kind, int id_width, const rowset *r,
		       size_t i, cairn_date today, const char *tail)
{
	const char *status = rows_get(r, i, 2);
	cairn_deadline d = cairn_deadline_of(rows_get(r, i, 1), status, today);
	char date[32], when[32], target[160];

	show_date(a, rows_get(r, i, 1), date, sizeof date);
	when_text(&d, status, when, sizeof when);
	snprintf(target, sizeof target, "%s/%s", kind, rows_get(r, i, 0));
	lines_add(out, d.overdue ? LS_ALERT : LS_TEXT, target, "%-*s %-10s %-13s %s", id_width,
		  rows_get(r, i, 0), date, when, tail);
}

static void milestones(app *a, lines *out, cairn_date today)
{
	static const char *const cols[] = { "id", "deadline", "status", "title", "result" };
	const cairn_filter open[] = { { "status", "done", CAIRN_OP_NE },
				      { "status", "dropped", CAIRN_OP_NE },
				      { "deadline", "0000-01-01", CAIRN_OP_GE } };
	long more = 0, done = 0;
	cairn_error err;
	rowset r;

	lines_add(out, LS_SECTION, NULL, _("Milestones still open, nearest deadline first"));
	if (!rows_some(a, &r, CAIRN_KIND_MILESTONE, cols, 5, open, 3, "deadline", &more))
		return;
	for (size_t i = 0; i < r.nrows; i++) {
		char tail[512];
		snprintf(tail, sizeof tail, "%s%s%s", rows_get(&r, i, 3),
			 *rows_get(&r, i, 4) ? " -> " : "", rows_get(&r, i, 4));
		dated_line(a, out, "milestone", 6, &r, i, today, tail);
	}
	more_line(out, more, _("press 2"));
	{
		const cairn_filter f = { "status", "done", CAIRN_OP_EQ };
		if (cairn_index_count_where(cairn_wb_index(a->wb), CAIRN_KIND_MILESTONE, &f, 1, &done,
					    &err) == CAIRN_OK && done)
			lines_add(out, LS_DIM, NULL, _("  %ld done"), done);
	}
	if (!r.nrows && !done)
		lines_add(out, LS_DIM, NULL, _("  none yet: press 2, then a, to add one"));
	rows_done(&r);
}

static void tasks_due(app *a, lines *out, cairn_date today)
{
	static const char *const cols[] = { "id", "due", "status", "title", "assignee" };
	char until[11];
	cairn_filter f[] = { { "status", "done", CAIRN_OP_NE }, { "status", "dropped", CAIRN_OP_NE },
			     { "due", until, CAIRN_OP_LE } };
	long more = 0;
	rowset r;

	cairn_date_iso(cairn_date_from_days(cairn_date_to_days(today) + SOON_DAYS), until,
		       sizeof until);
	lines_add(out, LS_SECTION, NULL, _("Tasks overdue or due in the next %d days"), SOON_DAYS);
	if (!rows_some(a, &r, CAIRN_KIND_TASK, cols, 5, f, 3, "due", &more))
		return;
	for (size_t i = 0; i < r.nrows; i++) {
		char tail[512];
		snprintf(tail, sizeof tail, "%s (%s)", rows_get(&r, i, 3),
			 *rows_get(&r, i, 4) ? rows_get(&r, i, 4) : _("nobody"));
		dated_line(a, out, "task", 12, &r, i, today, tail);
	}
	more_line(out, more, _("press 3"));
	if (!r.nrows)
		lines_add(out, LS_DIM, NULL, "%s", _("  nothing due"));
	rows_done(&r);
}

/* Evaluations counted by status: everyone's, and for the persons and
 * tools with the most open work (the index keeps these counts). */
static cairn_status tally_line(const char *value, const long *n, void *ctx, cairn_error *err)
{
	lines *out = ctx;
	(void)err;
	lines_add(out, LS_TEXT, NULL, "  %-18s assigned %-4ld draft %-4ld submitted %-4ld "
		  "returned %-4ld validated %ld", value, n[0], n[1], n[2], n[3], n[4]);
	return CAIRN_OK;
}

static cairn_status total_count(const char *value, long count, void *ctx, cairn_error *err)
{
	long *by = ctx;
	static const char *const states[] = { "assigned", "draft", "submitted", "returned",
					      "validated" };
	(void)err;
	for (int i = 0; i < 5; i++)
		if (!strcmp(value, states[i]))
			by[i] = count;
	return CAIRN_OK;
}

static void evaluations(app *a, lines *out)
{
	long all[5] = { 0, 0, 0, 0, 0 }, more = 0;
	cairn_error err;

	lines_add(out, LS_SECTION, NULL, "%s", _("Evaluations"));
	if (cairn_index_count_by(cairn_wb_index(a->wb), CAIRN_KIND_EVALUATION, "status", total_count,
				 all, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		return;
	}
	tally_line(_("all"), all, out, &err);
	lines_add(out, LS_DIM, NULL, "%s", _("by person, most open work first"));
	if (cairn_index_tally(cairn_wb_index(a->wb), "evaluator", SHOWN, tally_line, out, &more,
			      &err) == CAIRN_OK)
		more_line(out, more, _("press 6"));
	lines_add(out, LS_DIM, NULL, "%s", _("by tool, most open work first"));
	if (cairn_index_tally(cairn_wb_index(a->wb), "tool", SHOWN, tally_line, out, &more,
			      &err) == CAIRN_OK)
		more_line(out, more, _("press 5"));
}

void inclusion_lines(lines *out, const cairn_targets *targets, long total,
		     const char *const *counts, const char *indent, bool say_unreported)
{
	cairn_share shares[CAIRN_GROUP_COUNT];

	cairn_inclusion(targets, total, counts, shares);
	for (int g = 0; g < CAIRN_GROUP_COUNT; g++) {
		cairn_share sh = shares[g];
		line *ln;
		if (!sh.known) {
			if (say_unreported)
				lines_add(out, LS_DIM, NULL, _("%s%-22s not reported"), indent,
					  _(cairn_group_label((cairn_group)g)));
			continue;
		}
		ln = lines_add(out, sh.has_target && !sh.met ? LS_ALERT : LS_TEXT, NULL,
			       "%s%-22s %5.1f%%  %s", indent, _(cairn_group_label((cairn_group)g)), sh.percent,
			       !sh.has_target ? "" : sh.met ? _("met") : _("SHORT"));
		if (ln) {
			ln->bar = sh.percent;
			ln->mark = sh.has_target ? sh.target : -1;
		}
	}
}

static void pilots(app *a, lines *out)
{
	static const char *const pcols[] = { "id", "city", "status", "participants", "women", "men",
					     "other", "migrants", "peripheries", "aged65" };
	const cairn_filter reported = { "participants", "0", CAIRN_OP_GT };
	long npilots = 0;
	cairn_targets t;
	rowset p;

	lines_add(out, LS_SECTION, NULL, "%s",
		  _("Pilots: inclusion against the targets (| marks the target)"));
	if (!rows_some(a, &p, CAIRN_KIND_PILOT, pcols, 10, &reported, 1, "id", &npilots))
		return;
	if (!targets_load(a, &t)) {
		rows_done(&p);
		return;
	}
	for (size_t i = 0; i < p.nrows; i++) {
		long total = *rows_get(&p, i, 3) ? atol(rows_get(&p, i, 3)) : -1;
		char target[160];
		snprintf(target, sizeof target, "pilot/%s", rows_get(&p, i, 0));
		lines_add(out, LS_TEXT, target, "%-10s %-18s %-10s %s", rows_get(&p, i, 0),
			  rows_get(&p, i, 1), rows_get(&p, i, 2),
			  total >= 0 ? rows_get(&p, i, 3) : _("no participants reported"));
		if (total <= 0)
			continue;
		{
			const char *counts[CAIRN_GROUP_COUNT];
			for (int g = 0; g < CAIRN_GROUP_COUNT; g++)
				counts[g] = rows_get(&p, i, 4 + (size_t)g);
			inclusion_lines(out, &t, total, counts, "    ", false);
		}
	}
	more_line(out, npilots, _("press 7"));
	if (!p.nrows)
		lines_add(out, LS_DIM, NULL, "%s", _("  no pilot has reported participants yet"));
	rows_done(&p);
	cairn_targets_done(&t);
}

/* text over as many lines as it takes, cut at spaces: the advice is at
 * the end of the message, where one line would cut it off. */
static void wrapped(lines *out, const char *text, size_t width)
{
	const char *indent = "  ";

	while (*text) {
		size_t n = strlen(text), cut = n;
		if (n > width) {
			for (cut = width; cut > width / 2 && text[cut] != ' '; cut--)
				;
			if (text[cut] != ' ')
				cut = width;
		}
		lines_add(out, LS_ALERT, NULL, "%s%.*s", indent, (int)cut, text);
		text += cut;
		text += strspn(text, " ");
		indent = "    ";
	}
}

/* Record files that could not be read, first: each with its file, line
 * and what to do (the list cairn check and cairn status print too). */
static void unreadable(app *a, lines *out)
{
	cairn_unreadable *bad = NULL;
	size_t n = 0;
	cairn_error err;

	if (cairn_wb_unreadable(a->wb, &bad, &n, &err) != CAIRN_OK || !n) {
		cairn_wb_unreadable_free(bad, n);
		return;
	}
	lines_add(out, LS_SECTION, NULL, "%s", _("Records that could not be read (the rest works)"));
	for (size_t i = 0; i < n && i < SHOWN; i++)
		wrapped(out, bad[i].message, a->cols > 40 ? (size_t)a->cols - 6 : 34);
	more_line(out, n > SHOWN ? (long)(n - SHOWN) : 0, "cairn check");
	lines_add(out, LS_TEXT, NULL, "%s", "");
	cairn_wb_unreadable_free(bad, n);
}

static void dashboard_build(app *a, void *state, lines *out)
{
	cairn_date today = cairn_wb_today(a->wb);

	(void)state;
	unreadable(a, out);
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
