/* The conflicts a sync left: each with its value at the common ancestor,
 * ours and theirs; o or t settles the selected one, the next sync (y)
 * merges and pushes. */
#include <stdio.h>
#include <string.h>

#include "cairn/sync.h"
#include "tui.h"

/* A side's value, then who set it and when (from history). */
static void value_line(lines *out, const char *label, const char *v, const char *by)
{
	char shown[200];
	size_t n;

	if (!v) {
		lines_add(out, LS_DIM, NULL, _("      %-7s (absent)"), label);
	} else {
		n = strcspn(v, "\n");
		snprintf(shown, sizeof shown, "%.*s%s", (int)(n < 150 ? n : 150), v,
			 v[n] ? " [...]" : "");
		lines_add(out, LS_TEXT, NULL, "      %-7s %s", label, shown);
	}
	if (by)
		lines_add(out, LS_DIM, NULL, "              %s %s", v ? _("by") : _("removed by"), by);
}

static cairn_status add_conflict(const cairn_conflict *c, void *ctx, cairn_error *err)
{
	lines *out = ctx;
	char target[512];

	(void)err;
	/* The target names record and field, for o and t. */
	snprintf(target, sizeof target, "%s\t%s", c->record, c->field);
	lines_add(out, c->resolved ? LS_GOOD : LS_ALERT, target, "%s %s%s", c->record,
		  *c->field ? c->field : _("(the whole record)"), c->resolved ? _("  [settled]") : "");
	value_line(out, _("base"), c->base, c->base_by);
	value_line(out, _("ours"), c->ours, c->ours_by);
	value_line(out, _("theirs"), c->theirs, c->theirs_by);
	if (c->resolved)
		value_line(out, _("chosen"), c->resolved, NULL);
	return CAIRN_OK;
}

static void conflicts_build(app *a, void *state, lines *out)
{
	cairn_error err;
	size_t n = 0;

	(void)state;
	lines_add_heading(out, LS_DIM, a->cols - 5, "%s",
			  _("o keeps ours, t takes theirs; then y syncs (merges and pushes)"));
	if (cairn_wb_conflicts(a->wb, add_conflict, out, &n, &err) != CAIRN_OK)
		app_message(a, true, "%s", err.msg);
	if (!n)
		lines_add(out, LS_DIM, NULL, "%s", _("  no conflicts"));
}

static bool conflicts_act(app *a, void *state, tui_action act)
{
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);
	char record[512], *field;
	cairn_error err;
	size_t left = 0;

	(void)state;
	if (act != ACT_OURS && act != ACT_THEIRS)
		return false;
	if (!sel || !sel->target)
		return true;
	snprintf(record, sizeof record, "%s", sel->target);
	field = strchr(record, '\t');
	if (!field)
		return true;
	*field++ = '\0';
	if (cairn_wb_resolve_conflict(a->wb, record, field, act == ACT_OURS ? "ours" : "theirs", NULL,
				      &left, &err) != CAIRN_OK)
		app_message(a, true, "%s", err.msg);
	else if (left)
		app_message(a, false, act == ACT_OURS ? _("settled %s %s with ours; %zu still wait")
			    : _("settled %s %s with theirs; %zu still wait"), record,
			    *field ? field : "", left);
	else
		app_message(a, false, act == ACT_OURS
			    ? _("settled %s %s with ours: merge committed, y pushes it")
			    : _("settled %s %s with theirs: merge committed, y pushes it"), record,
			    *field ? field : "");
	app_rebuild(a);
	return true;
}

const view_ops conflicts_view = {
	.name = "conflicts",
	.state_size = 1,
	.build = conflicts_build,
	.act = conflicts_act,
};
