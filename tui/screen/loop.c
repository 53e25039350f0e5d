/* The terminal interface's main loop (tui_run): starting and leaving the
 * screen, turning keys into actions, the handling every view shares, quit,
 * the configuration read again, colours and who the user is.  The top of
 * the app: it calls the rest, and nothing of the app calls it.
 *
 * Hangups: ncurses catches INT, TERM, TSTP and WINCH but not HUP, and a
 * read loop that ignores ERR spins once the terminal is gone.  So HUP and
 * TERM set a flag (installed even when HUP was inherited as ignored, as
 * under nohup); reads time out every second; ERR with EIO, or a terminal
 * that is no longer one, counts as a hangup.  On a hangup the prompt's text
 * is saved as a draft and cairn leaves within a second or two. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn/drafts.h"
#include "cairn/sanitize.h"
#include "cairn/workflow.h"
#include "tui.h"
#include "app_internal.h"

static void on_hangup(int sig)
{
	(void)sig;
	tui_hangup = 1;
}

static void install_hangup_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_hangup;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a read in progress returns, and the loop sees the flag. */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* C-c leaves the same clean way (cbreak mode lets it through, as it
	 * lets C-z suspend: ncurses restores the terminal for both). */
	sigaction(SIGINT, &sa, NULL);
}

static const struct top_view {
	tui_action act;
	cairn_kind kind;        /* CAIRN_KIND_NONE: the dashboard */
} top_views[] = {
	{ ACT_DASHBOARD, CAIRN_KIND_NONE },     { ACT_MILESTONES, CAIRN_KIND_MILESTONE },
	{ ACT_TASKS, CAIRN_KIND_TASK },         { ACT_PERSONS, CAIRN_KIND_PERSON },
	{ ACT_TOOLS, CAIRN_KIND_TOOL },         { ACT_EVALUATIONS, CAIRN_KIND_EVALUATION },
	{ ACT_PILOTS, CAIRN_KIND_PILOT },       { ACT_TEMPLATES, CAIRN_KIND_TEMPLATE },
	{ ACT_TARGETS, CAIRN_KIND_TARGET },
};

static void open_top(app *a, cairn_kind kind)
{
	while (a->depth)
		app_pop(a);
	app_push(a, &dashboard_view, NULL, 0, _("Dashboard"));
	/* The folder names, capitalised, as titles people read. */
	static const char *const titles[CAIRN_KIND_COUNT] = {
		[CAIRN_KIND_LIST] = N_("Lists"),           [CAIRN_KIND_FORM] = N_("Forms"),
		[CAIRN_KIND_PERSON] = N_("Persons"),       [CAIRN_KIND_TARGET] = N_("Targets"),
		[CAIRN_KIND_TOOL] = N_("Tools"),           [CAIRN_KIND_TEMPLATE] = N_("Templates"),
		[CAIRN_KIND_MILESTONE] = N_("Milestones"), [CAIRN_KIND_TASK] = N_("Tasks"),
		[CAIRN_KIND_PILOT] = N_("Pilots"),         [CAIRN_KIND_EVALUATION] = N_("Evaluations"),
	};
	if (kind != CAIRN_KIND_NONE)
		app_push(a, &table_view, &kind, sizeof kind, _(titles[kind]));
}

/* The schema view, as a top view: over the dashboard. */
static void open_schema(app *a)
{
	open_top(a, CAIRN_KIND_NONE);
	app_push(a, &schema_view, NULL, 0, _("Lists and forms"));
}

static void reload_config(app *a);

/* Leaving: with [sync] on_quit, edits not yet shared are synced first; a
 * sync that fails or leaves conflicts keeps cairn open to show why, and
 * quitting again then leaves. */
static void quit(app *a)
{
	size_t ahead = 0, behind = 0;
	bool upstream = false;
	cairn_error err;

	if (a->c->cfg.sync_on_quit && !a->quit_tried &&
	    cairn_wb_unshared(a->wb, &upstream, &ahead, &behind, &err) == CAIRN_OK &&
	    (ahead || !upstream)) {
		a->quit_tried = true;
		if (!sync_now(a)) {
			char why[sizeof a->message];
			snprintf(why, sizeof why, "%s", a->message);
			app_message(a, true, _("%s (the sync on quit did not finish: Q again leaves)"),
				    why);
			return;
		}
	}
	a->quit = true;
}

static bool selectable_at(const lines *l, size_t i)
{
	return i < l->n && l->v[i].selectable && lines_visible(l, i);
}

/* j and k as a pager with a selection: to the next selectable line when it
 * is on the screen or just past its edge, else the screen scrolls one
 * line, so that every line (a pilot's shares under the last selectable
 * line, a long table between two) comes into view. */
static void step(app *a, lines *l, int dir)
{
	size_t top = l->top, bottom = body_bottom(a, l), from = l->sel, i;

	/* A selection scrolled out of sight starts from the screen's edge. */
	if (dir > 0 && from < top)
		from = top > 0 ? top - 1 : 0;
	if (dir < 0 && from > bottom)
		from = bottom + 1;
	for (i = from; dir > 0 ? i + 1 < l->n : i > 0;) {
		i = dir > 0 ? i + 1 : i - 1;
		if (selectable_at(l, i))
			break;
	}
	if (selectable_at(l, i) && i != l->sel &&
	    (dir > 0 ? i <= bottom + 1 : i + 1 >= top)) {
		l->sel = i;
		l->scrolled = false;
		return;
	}
	scroll_body(a, l, dir);
}

/* PgDn and PgUp scroll a page; a selection that leaves the screen comes
 * back to its first (last) selectable line.  At the end (the start) they
 * take the selection to the last (first) selectable line. */
static void page(app *a, lines *l, int dir)
{
	size_t before = l->top, i;

	scroll_body(a, l, dir * (body_rows(a) - 1));
	if (l->top == before) {
		for (i = dir > 0 ? l->n : 0; dir > 0 ? i > 0 : i < l->n;) {
			if (dir > 0)
				i--;
			if (selectable_at(l, i)) {
				l->sel = i;
				break;
			}
			if (dir < 0)
				i++;
		}
		return;         /* the selection brought into sight when drawn */
	} else if (l->sel < l->top || l->sel > body_bottom(a, l)) {
		size_t end = body_bottom(a, l);
		for (i = l->top; i <= end && i < l->n; i++)
			if (selectable_at(l, dir > 0 ? i : l->top + end - i)) {
				l->sel = dir > 0 ? i : l->top + end - i;
				break;
			}
	}
	/* Keep the page just scrolled to, the selection on it or not. */
	l->scrolled = true;
	l->scrolled_sel = l->sel;
}

/* What every view shares; false when the action is not one of these. */
static bool generic(app *a, tui_action act)
{
	view *v = top(a);
	lines *l = &v->lines;

	switch (act) {
	case ACT_UP: step(a, l, -1); return true;
	case ACT_DOWN: step(a, l, 1); return true;
	case ACT_PAGE_UP: page(a, l, -1); return true;
	case ACT_PAGE_DOWN: page(a, l, 1); return true;
	case ACT_FIRST:
		l->sel = 0;
		lines_select(l, NULL);
		l->top = 0;
		return true;
	case ACT_LAST:
		l->sel = l->n ? l->n - 1 : 0;
		lines_select(l, NULL);
		lines_move(l, -0);
		scroll_body(a, l, (int)l->n);
		return true;
	case ACT_HELP:
		/* Read from the top (the views, the workflow), the keys below. */
		app_push(a, &help_view, NULL, 0, _("Help: the views, the workflow, every key"));
		top(a)->lines.top = 0;
		top(a)->lines.scrolled = true;
		top(a)->lines.scrolled_sel = top(a)->lines.sel;
		return true;
	case ACT_QUIT: quit(a); return true;
	case ACT_RELOAD: reload_config(a); return true;
	case ACT_UNDO: undo(a); return true;
	case ACT_SYNC: sync_now(a); return true;
	case ACT_DISTRIBUTE: distribute(a); return true;
	case ACT_CONFLICTS: app_push(a, &conflicts_view, NULL, 0, _("Conflicts")); return true;
	case ACT_TIMELINE: app_push(a, &history_view, "", 1, _("Timeline")); return true;
	case ACT_MINE: app_push(a, &mine_view, NULL, 0, _("My work")); return true;
	case ACT_HISTORY: history_of_selection(a); return true;
	case ACT_COMPARE: compare_of_selection(a); return true;
	case ACT_COMMAND: {
		/* ":schema", ":pilots": a view's name opens it. */
		tui_action views[sizeof top_views / sizeof top_views[0] + 2];
		size_t n = 0;
		for (size_t i = 0; i < sizeof top_views / sizeof top_views[0]; i++)
			views[n++] = top_views[i].act;
		views[n++] = ACT_SCHEMA;
		views[n++] = ACT_MINE;
		if ((act = run_command(a, views, n)) != ACT_NONE)
			return generic(a, act);
		return true;
	}
	case ACT_SCHEMA: open_schema(a); return true;
	case ACT_REFRESH: clearok(curscr, TRUE); return true;
	case ACT_BACK:
		if (l->filter && *l->filter) {
			free(l->filter);
			l->filter = NULL;
		} else if (a->depth > 1) {
			app_pop(a);
		} else {
			quit(a);
		}
		return true;
	case ACT_FILTER: {
		char *f = app_prompt(a, "/", l->filter);
		if (f) {
			free(l->filter);
			l->filter = f;
			lines_select(l, NULL);
		}
		return true;
	}
	default:
		break;
	}
	for (size_t i = 0; i < sizeof top_views / sizeof top_views[0]; i++)
		if (top_views[i].act == act) {
			open_top(a, top_views[i].kind);
			return true;
		}
	return false;
}

static void tui_warn(const char *message, void *ctx)
{
	app *a = ctx;
	app_message(a, true, "%s", message);
}

/* Colours as [display] colors and [colors] say: by default on a colour
 * terminal unless NO_COLOR is set. */
static void apply_colors(app *a)
{
	static const short defaults[CAIRN_COLOR_ROLES] = { COLOR_CYAN, COLOR_RED, COLOR_GREEN,
							    COLOR_BLUE };
	static const short pairs[CAIRN_COLOR_ROLES] = { PAIR_HEAD, PAIR_ALERT, PAIR_GOOD, PAIR_DIM };
	const cairn_config *cfg = &a->c->cfg;
	const char *no = getenv("NO_COLOR");
	static bool started;

	a->color = has_colors() && cfg->colors != CAIRN_COLORS_NEVER &&
		   (cfg->colors == CAIRN_COLORS_ALWAYS || !(no && *no));
	if (!a->color)
		return;
	if (!started) {
		start_color();
		use_default_colors();
		started = true;
	}
	for (int r = 0; r < CAIRN_COLOR_ROLES; r++) {
		int c = cfg->color[r];
		/* cairn_color_names: curses' eight, then "default" (-1). */
		init_pair(pairs[r], c == 0 ? defaults[r] : c == 9 ? -1 : (short)(c - 1), -1);
	}
}

/* C-r: the configuration file again; kept as it was when it has errors. */
static void reload_config(app *a)
{
	cairn_error err;

	if (cairn_config_reload(&a->c->cfg, tui_warn, a, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		return;
	}
	keys_init(&a->c->cfg, tui_warn, a);
	apply_colors(a);
	app_rebuild(a);         /* dates in the new format */
	clearok(curscr, TRUE);
	if (!a->message[0])
		app_message(a, false, _("configuration read again from %s"), a->c->cfg.path);
}

/* Who the user is: the name commits carry (the configuration's, else
 * git's), and the person whose email is the user's. */
static void find_me(app *a)
{
	cairn_identity who = { NULL, NULL };
	cairn_error err;

	a->me[0] = a->me_name[0] = '\0';
	if (cairn_wb_user(a->wb, &who, &err) == CAIRN_OK) {
		snprintf(a->me_name, sizeof a->me_name, "%s", who.name);
		cairn_identity_done(&who);
	}
	if (cairn_wb_me(a->wb, a->me, sizeof a->me, &err) != CAIRN_OK)
		a->me[0] = '\0';
}

/* A draft kept when the terminal went away: its record opens with the
 * field selected, and the message says what Enter does (the field's
 * prompt starts from the draft).  The others wait their turn. */
static void offer_draft(app *a)
{
	cairn_draft *d = NULL;
	size_t n = 0;
	cairn_error err;
	char ref[160];

	if (cairn_wb_drafts(a->wb, &d, &n, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		return;
	}
	if (n) {
		const cairn_draft *last = &d[n - 1];
		cairn_index_hit hit;
		if (cairn_wb_resolve(a->wb, last->ref, &hit, &err) != CAIRN_OK) {
			/* Its record went (a sync removed it): said, with the text,
			 * then dropped, so that it is not offered forever. */
			app_message(a, true, _("a draft kept when the terminal went away belongs to "
					       "%s, which is gone: %s was \"%s\" (dropped)"),
				    last->ref, last->field, last->text);
			cairn_wb_draft_drop(a->wb, last->ref, last->field, &err);
			cairn_drafts_free(d, n);
			return;
		}
		snprintf(ref, sizeof ref, "%s", last->ref);
		app_push(a, &record_view, ref, sizeof ref, ref);
		lines_select(&top(a)->lines, last->field);
		if (n == 1)
			app_message(a, false, _("kept when the terminal went away, not saved: %s of "
						"%s, \"%s\"; Enter takes it up"),
				    last->field, last->ref, last->text);
		else
			app_message(a, false,
				    P_("kept when the terminal went away, not saved: %s of %s, "
				       "\"%s\"; Enter takes it up (%zu more draft waits)",
				       "kept when the terminal went away, not saved: %s of %s, "
				       "\"%s\"; Enter takes it up (%zu more drafts wait)", n - 1),
				    last->field, last->ref, last->text, n - 1);
	}
	cairn_drafts_free(d, n);
}

int tui_run(cli *c)
{
	app a;

	memset(&a, 0, sizeof a);
	a.check_fd = -1;
	a.c = c;
	a.wb = c->wb;
	a.ascii = (c->san & CAIRN_SAN_ASCII) != 0;
	keys_init(&c->cfg, tui_warn, &a);
	find_me(&a);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_fail(c, EXIT_USAGE, "%s", _("the terminal interface needs a terminal; "
				"`cairn status` and `cairn ls` work without one"));
	if (!initscr())
		return cli_fail(c, EXIT_TROUBLE, _("cannot start the terminal (TERM=%s)"),
				getenv("TERM") ? getenv("TERM") : "");
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	timeout(1000);
	apply_colors(&a);
	/* After initscr, which installs ncurses' own TERM handler. */
	install_hangup_handlers();
	getmaxyx(stdscr, a.rows, a.cols);
	snprintf(a.shared, sizeof a.shared, "%s", "...");
	open_top(&a, CAIRN_KIND_NONE);
	offer_draft(&a);
	while (!a.quit && !tui_hangup) {
		wint_t wc;
		bool is_key = false;
		tui_action act;
		view *v;

		draw(&a);
		/* What needs git (edits not shared, files edited by hand) is
		 * found after the first screen is up, never before it. */
		if (!a.checked) {
			a.checked = true;
			count_unshared(&a);
			start_hand_edit_check(&a);
			/* The sections below the first screen (the dashboard's
			 * evaluations and pilots at 24 rows), while the check runs. */
			app_complete(&a);
			continue;
		}
		finish_hand_edit_check(&a);
		/* Look again soon while the check runs; else wait for keys. */
		timeout(a.check_fd >= 0 ? 100 : 1000);
		if (read_key(&a, &wc, &is_key) == ERR)
			continue;
		a.message[0] = '\0';
		if (a.rows < 12 || a.cols < 40) {
			if (!is_key && (wc == 'q' || wc == 'Q'))
				a.quit = true;
			continue;
		}
		act = keys_action(is_key ? (int)wc : (wc < 128 ? (int)wc : -1));
		if (act == ACT_NONE)
			continue;
		v = top(&a);
		if (v->ops->act && v->ops->act(&a, v->state, act))
			continue;
		if (!generic(&a, act))
			app_message(&a, true, _("%s: not here"), keys_action_name(act));
	}
	/* A hangup with a prompt open: what was typed is kept aside as a
	 * draft, as it is (valid or not), never saved as the field's value:
	 * the next start offers it back. */
	if (tui_hangup && a.prompt_text && a.prompt_key[0] && a.prompt_ref[0]) {
		cairn_error err;
		cairn_wb_draft_keep(a.wb, a.prompt_ref, a.prompt_key, a.prompt_text, &err);
	}
	if (a.check_fd >= 0) {
		kill(a.check_pid, SIGKILL);
		close(a.check_fd);
		waitpid(a.check_pid, NULL, 0);
	}
	while (a.depth)
		app_pop(&a);
	endwin();
	free(a.undo_key);
	free(a.undo_value);
	free(a.prompt_text);
	return EXIT_DONE;
}
