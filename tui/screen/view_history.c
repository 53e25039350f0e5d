/* History in the terminal interface: a record's commits (H), the
 * workbook's timeline like tig's main view (L, filtered with / by kind or
 * person), and a commit's changes field by field (Enter), against the
 * version before it or, with Enter again, against the current one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/date.h"
#include "cairn/history.h"
#include "cairn/kinds.h"
#include "cairn/layout.h"
#include "cairn/textdiff.h"
#include "tui.h"

#define TIMELINE_MAX 1000

/* ---- a commit's changes ---- */

typedef struct diff_state {
	/* first: "ID PATH\tWHO" (no PATH: the whole commit; WHO: its author,
	 * when and summary, as the history line knew them) */
	char init[CAIRN_PATH_MAX + 800];
	bool to_now;            /* against the current version instead of the one before */
} diff_state;

typedef struct diff_lines {
	app *a;
	lines *out;
} diff_lines;

static void add_line(cairn_diff_op op, const char *text, size_t len, void *ctx)
{
	lines *out = ctx;
	lines_add(out, op == CAIRN_DIFF_DEL ? LS_ALERT : op == CAIRN_DIFF_ADD ? LS_GOOD : LS_TEXT,
		  NULL, "      %c %.*s", op == CAIRN_DIFF_DEL ? '-' : op == CAIRN_DIFF_ADD ? '+' : ' ',
		  (int)len, text);
}

typedef struct field_ctx {
	app *a;
	lines *out;
	const cairn_record *label_from;
} field_ctx;

static void field_change(const char *key, const char *before, const char *after, void *ctx)
{
	field_ctx *f = ctx;
	char label[400];
	cairn_error err;

	cairn_wb_field_label(f->a->wb, f->label_from, key, label, sizeof label);
	lines_add(f->out, LS_SECTION, NULL, "    %s", label);
	if (cairn_text_diff(before ? before : "", after ? after : "", add_line, f->out,
			    &err) != CAIRN_OK)
		lines_add(f->out, LS_ALERT, NULL, "    %s", err.msg);
}

static cairn_status diff_record(const char *path, const char *name, const cairn_record *before,
				const cairn_record *after, void *ctx, cairn_error *err)
{
	diff_lines *d = ctx;
	field_ctx f = { d->a, d->out, after ? after : before };

	(void)path;
	(void)err;
	lines_add(d->out, LS_HEAD, name, "  %s%s", name,
		  !before ? _("  (added)") : !after ? _("  (removed)") : "");
	cairn_record_each_change(before, after, field_change, &f);
	return CAIRN_OK;
}

static void diff_build(app *a, void *state, lines *out)
{
	diff_state *s = state;
	char id[41] = "";
	const char *path = NULL;
	cairn_oid commit, parent = { "" }, head;
	cairn_error err;
	diff_lines d = { a, out };
	size_t before;

	char pathbuf[CAIRN_PATH_MAX];
	const char *who = strchr(s->init, '\t');

	snprintf(id, sizeof id, "%.40s", s->init);
	if (strlen(s->init) > 41 && s->init[41] && s->init[41] != '\t') {
		snprintf(pathbuf, sizeof pathbuf, "%.*s", (int)strcspn(s->init + 41, "\t"),
			 s->init + 41);
		path = pathbuf;
	}
	snprintf(commit.hex, sizeof commit.hex, "%s", id);
	if (cairn_wb_revision(a->wb, "HEAD", &head, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		return;
	}
	{
		/* The version before: the commit's first parent. */
		char rev[48];
		snprintf(rev, sizeof rev, "%s~1", id);
		if (cairn_wb_revision(a->wb, rev, &parent, &err) != CAIRN_OK)
			parent.hex[0] = '\0';
	}
	{
		char title[300];
		snprintf(title, sizeof title, s->to_now
			 ? _("From the version before %.12s to the current one (Enter: this change alone)")
			 : _("The change of %.12s (Enter: from the version before it to the current one)"),
			 id);
		lines_add_wrapped(out, LS_DIM, a->cols - 5, "", "  ", title);
	}
	/* Who made it and when, first: a reviewer reads that before the what. */
	if (who && who[1]) {
		/* Wrapped, never cut: the summary says what the change did. */
		char by[CAIRN_PATH_MAX + 800];
		snprintf(by, sizeof by, _("by %s"), who + 1);
		lines_add_wrapped(out, LS_TEXT, a->cols - 7, "  ", "    ", by);
	}
	before = out->n;
	if (cairn_wb_diff(a->wb, &parent, s->to_now ? &head : &commit, path, diff_record, &d,
			  &err) != CAIRN_OK)
		app_message(a, true, "%s", err.msg);
	if (out->n == before)
		lines_add(out, LS_DIM, NULL, "%s", _("  no differences"));
}

static bool diff_act(app *a, void *state, tui_action act)
{
	diff_state *s = state;
	if (act != ACT_ENTER)
		return false;
	s->to_now = !s->to_now;
	app_rebuild(a);
	return true;
}

static const view_ops diff_view = {
	.name = "diff",
	.state_size = sizeof(diff_state),
	.build = diff_build,
	.act = diff_act,
};

/* ---- a record's commits, and the timeline ---- */

typedef struct history_state {
	char init[160];         /* first: "kind/id", or "" for the timeline */
	char path[CAIRN_PATH_MAX];
} history_state;

typedef struct commit_lines {
	app *a;
	lines *out;
	const char *path;
} commit_lines;

typedef struct kinds_of {
	char kinds[200];
} kinds_of;

static cairn_status on_file(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	kinds_of *k = ctx;
	cairn_ref ref;
	cairn_error ignored;

	(void)err;
	if (cairn_path_ref(r->path, &ref, &ignored) == CAIRN_OK && ref.kind != CAIRN_KIND_NONE) {
		const char *name = cairn_kind_def_of(ref.kind)->name;
		if (!strstr(k->kinds, name) && strlen(k->kinds) + strlen(name) + 2 < sizeof k->kinds) {
			strcat(k->kinds, k->kinds[0] ? " " : "");
			strcat(k->kinds, name);
		}
	}
	return CAIRN_OK;
}

static cairn_status on_commit(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	commit_lines *c = ctx;
	char when[48], target[CAIRN_PATH_MAX + 800], flag[600] = "", who[80];
	kinds_of k = { "" };
	cairn_status st;

	cairn_time_text(r->time, r->tz_minutes, when, sizeof when);
	snprintf(target, sizeof target, "%s %s\t%s <%s>, %s: %.300s", r->id, c->path ? c->path : "",
		 r->author_name, r->author_email, when, r->summary);
	if (c->path) {
		bool flagged = false;
		char why[512];
		if ((st = cairn_wb_audit(c->a->wb, r, c->path, &flagged, why, sizeof why,
					 err)))
			return st;
		if (flagged)
			snprintf(flag, sizeof flag, "  ! %s", why);
	} else if ((st = cairn_wb_history_files(c->a->wb, r->id, on_file, &k, err))) {
		return st;
	}
	/* Wide, the kinds before the message, so that they stay in sight to
	 * filter on.  Narrower, the message comes first and whole where it
	 * can: at 80 columns without the commit's id and the time, and the
	 * kinds after it (still there for / to find); at 40 who and what. */
	if (c->a->cols >= 100)
		lines_add(c->out, flag[0] ? LS_ALERT : LS_TEXT, target,
			  "%.8s %.16s %-18.18s %s%s%s%s%s", r->id, when, r->author_name,
			  k.kinds[0] ? "[" : "", k.kinds, k.kinds[0] ? "] " : "", r->summary, flag);
	else
		lines_add(c->out, flag[0] ? LS_ALERT : LS_TEXT, target, "%.*s%s%s %s%s%s%s%s",
			  c->a->cols >= 60 ? 10 : 0, when, c->a->cols >= 60 ? " " : "",
			  text_pad(r->author_name, c->a->cols >= 60 ? 12 : 10, who, sizeof who),
			  r->summary, flag, k.kinds[0] ? " [" : "", k.kinds, k.kinds[0] ? "]" : "");
	return CAIRN_OK;
}

static void history_build(app *a, void *state, lines *out)
{
	history_state *s = state;
	commit_lines c = { a, out, NULL };
	cairn_error err;

	if (s->init[0]) {
		/* A name that is no record: cairn_wb_history below says why. */
		if (cairn_wb_record_path(a->wb, s->init, s->path, sizeof s->path, &err) != CAIRN_OK)
			s->path[0] = '\0';
		c.path = s->path;
		lines_add_heading(out, LS_DIM, a->cols - 5,
				  _("Commits that changed %s, newest first; Enter shows the change"),
				  s->init);
	} else {
		lines_add_heading(out, LS_DIM, a->cols - 5, "%s",
				  _("Every commit, newest first; / filters by kind, person or text; "
				    "Enter shows the change"));
	}
	if (cairn_wb_history(a->wb, s->init[0] ? s->init : NULL, NULL,
			     s->init[0] ? 0 : TIMELINE_MAX, on_commit, &c, &err) != CAIRN_OK)
		app_message(a, true, "%s", err.msg);
}

static bool history_act(app *a, void *state, tui_action act)
{
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);
	char title[64];

	(void)state;
	if (act != ACT_ENTER || !sel || !sel->target)
		return act == ACT_ENTER;
	snprintf(title, sizeof title, _("Change %.12s"), sel->target);
	app_push(a, &diff_view, sel->target, strlen(sel->target) + 1, title);
	return true;
}

const view_ops history_view = {
	.name = "history",
	.state_size = sizeof(history_state),
	.build = history_build,
	.act = history_act,
};
