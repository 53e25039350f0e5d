/* My work (0): what the person at the keyboard has to do, found by their
 * email: the evaluations they fill in, returned ones first with the
 * validator's comment, then those waiting for them to validate, then
 * their open tasks nearest due first.  Enter opens one. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* The order a key person takes their evaluations in. */
static int status_rank(const char *status)
{
	static const char *const order[] = { "returned", "assigned", "draft", "submitted",
					     "validated" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(status, order[i]))
			return i;
	return 5;
}

/* text wrapped to the screen, each line after indent. */
static void wrap_lines(app *a, lines *out, enum line_style style, const char *indent,
		       const char *text)
{
	while (*text) {
		size_t skip, len = text_wrap(text, a->cols - 4 - (int)strlen(indent), &skip);
		lines_add(out, style, NULL, "%s%.*s", indent, (int)len, text);
		text += len + skip;
	}
}

/* Does line start "YYYY-MM-DD " (a comment the workflow added)? */
static bool dated(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return false;
	return s[10] == ' ';
}

/* Why a returned evaluation came back: the last dated comment (the
 * return's), else the comments whole; wrapped, at most eight lines. */
static void why_returned(app *a, const char *name, lines *out)
{
	cairn_index_hit hit;
	cairn_record rec;
	cairn_error err;
	const char *c, *from = NULL;

	cairn_record_init(&rec);
	if (cairn_wb_resolve(a->wb, name, &hit, &err) == CAIRN_OK &&
	    cairn_wb_read(a->wb, &hit, &rec, &err) == CAIRN_OK &&
	    (c = cairn_record_get(&rec, "comments")) && *c) {
		for (const char *p = c; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			if (dated(p))
				from = p;
		from = from ? from : c;
		for (int n = 0; *from && n < 8; n++) {
			const char *lead = n ? "  " : _("why: ");
			size_t skip, len = text_wrap(from, a->cols - 10 - text_width(lead), &skip);
			lines_add(out, LS_ALERT, NULL, "      %s%.*s", lead, (int)len, from);
			from += len + skip;
		}
	}
	cairn_record_done(&rec);
}

static void evaluations(app *a, lines *out, const char *field, bool to_validate)
{
	static const char *const cols[] = { "tool", "evaluator", "status", "validator", "answered" };
	const cairn_filter f[] = { { field, a->me, CAIRN_OP_EQ },
				   { "status", "submitted", CAIRN_OP_EQ } };
	size_t shown = 0;
	rowset r;

	/* Wrapped on a narrow screen: the key at its end stays in sight. */
	lines_add_wrapped(out, LS_SECTION, a->cols - 5, "", "  ",
			  to_validate ? _("Evaluations waiting for me to validate them (V)")
				      : _("My evaluations, returned ones first (n: the next question)"));
	if (!rows_load(a, &r, CAIRN_KIND_EVALUATION, cols, 5, f, to_validate ? 2 : 1, "tool"))
		return;
	for (int rank = 0; rank <= 5; rank++)
		for (size_t i = 0; i < r.nrows; i++) {
			char target[200], who[128], st[64];
			if (status_rank(rows_get(&r, i, 2)) != rank)
				continue;
			/* The status by its label, padded by columns (accents). */
			text_pad(choice_shown(CAIRN_KIND_EVALUATION, "status", rows_get(&r, i, 2)), 10,
				 st, sizeof st);
			snprintf(target, sizeof target, "evaluation/%s/%s", rows_get(&r, i, 0),
				 rows_get(&r, i, 1));
			person_name(a, rows_get(&r, i, to_validate ? 1 : 3), who, sizeof who);
			if (a->cols >= 60) {
				lines_add(out, rank == 0 && !to_validate ? LS_ALERT : LS_TEXT, target,
					  to_validate ? _("  %-18s %-10s by %s")
						      : _("  %-18s %-10s validator %s"),
					  rows_get(&r, i, 0), st, who);
			} else {
				/* Narrow: the person on the lines below, whole. */
				char by[200];
				lines_add(out, rank == 0 && !to_validate ? LS_ALERT : LS_TEXT, target,
					  "  %-18s %s", rows_get(&r, i, 0), st);
				snprintf(by, sizeof by, to_validate ? _("by %s") : _("validator %s"), who);
				lines_add_wrapped(out, LS_TEXT, a->cols - 7, "    ", "    ", by);
			}
			if (rank == 0 && !to_validate)
				why_returned(a, target, out);
			shown++;
		}
	if (!shown)
		lines_add(out, LS_DIM, NULL, "%s", _("  none"));
	lines_add(out, LS_TEXT, NULL, "%s", "");
	rows_done(&r);
}

static void tasks(app *a, lines *out)
{
	static const char *const cols[] = { "id", "due", "status", "title", "milestone" };
	const cairn_filter f[] = { { "assignee", a->me, CAIRN_OP_EQ },
				   { "status", "done", CAIRN_OP_NE },
				   { "status", "dropped", CAIRN_OP_NE } };
	rowset r;

	lines_add_wrapped(out, LS_SECTION, a->cols - 5, "", "  ", _("My open tasks, nearest due first"));
	if (!rows_load(a, &r, CAIRN_KIND_TASK, cols, 5, f, 3, "due"))
		return;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *status = rows_get(&r, i, 2);
		cairn_deadline d = cairn_deadline_of(rows_get(&r, i, 1), status, cairn_wb_today(a->wb));
		char target[200], date[32], when[64];
		snprintf(target, sizeof target, "task/%s", rows_get(&r, i, 0));
		cli_date(a->c, rows_get(&r, i, 1), date, sizeof date);
		deadline_words(&d, status, when, sizeof when);
		task_lines(a, out, d.overdue, target, 6, rows_get(&r, i, 0), date, when,
			   rows_get(&r, i, 3), NULL);
	}
	if (!r.nrows)
		lines_add(out, LS_DIM, NULL, "%s", _("  none"));
	rows_done(&r);
}

static void mine_build(app *a, void *state, lines *out)
{
	char name[128];

	(void)state;
	if (!a->me[0]) {
		wrap_lines(a, out, LS_ALERT, "",
			   _("cairn does not know which person you are: set email under [user] in "
			     "your configuration to the email of your person record"));
		return;
	}
	{
		char who[512];
		snprintf(who, sizeof who, _("%s (%s), found by your email"),
			 person_name(a, a->me, name, sizeof name), a->me);
		wrap_lines(a, out, LS_DIM, "", who);
	}
	lines_add(out, LS_TEXT, NULL, "%s", "");
	evaluations(a, out, "evaluator", false);
	evaluations(a, out, "validator", true);
	tasks(a, out);
}

static bool mine_act(app *a, void *state, tui_action act)
{
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);

	(void)state;
	if (act != ACT_ENTER)
		return false;
	if (sel && sel->target)
		app_push(a, &record_view, sel->target, strlen(sel->target) + 1, sel->target);
	return true;
}

const view_ops mine_view = {
	.name = "mine",
	.state_size = 1,
	.build = mine_build,
	.act = mine_act,
};
