/* The dashboard: milestones against today, tasks due soon, evaluation
 * progress, and each pilot's inclusion shares against the targets.  Marks
 * are words and signs ("OVERDUE", "short", "met"), never colour alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/derive.h"
#include "cairn/sync.h"
#include "tui.h"

#define SOON_DAYS 21
#define CONFLICTS_TARGET ":conflicts"     /* no record's name starts with ':' */

static void show_date(app *a, const char *iso, char *buf, size_t n)
{
	cli_date(a->c, iso, buf, n);
	if (!buf[0])
		snprintf(buf, n, "%s", _("(no date)"));
}

void deadline_words(const cairn_deadline *d, const char *status, char *buf, size_t n)
{
	/* A task's status and a milestone's share cairn's keys and labels. */
	if (!strcmp(status, "done") || !strcmp(status, "dropped"))
		snprintf(buf, n, "%s", choice_shown(CAIRN_KIND_TASK, "status", status));
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

/* The widest id of r's first column, at least least, at most most: the
 * title after it keeps the room ids do not use. */
static int id_width(const rowset *r, int least, int most)
{
	int w = least;
	for (size_t i = 0; i < r->nrows; i++)
		if (text_width(rows_get(r, i, 0)) > w)
			w = text_width(rows_get(r, i, 0));
	return w < most ? w : most;
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
	deadline_words(&d, status, when, sizeof when);
	snprintf(target, sizeof target, "%s/%s", kind, rows_get(r, i, 0));
	/* Where the title would keep only a few letters, it goes on a line
	 * of its own below. */
	if (a->cols - 2 - (id_width + 26) >= 16) {
		lines_add(out, d.overdue ? LS_ALERT : LS_TEXT, target, "%-*s %-10s %-13s %s", id_width,
			  rows_get(r, i, 0), date, when, tail);
		return;
	}
	lines_add(out, d.overdue ? LS_ALERT : LS_TEXT, target, "%-*s %-10s %s", id_width,
		  rows_get(r, i, 0), date, when);
	lines_add(out, d.overdue ? LS_ALERT : LS_TEXT, NULL, "  %s", tail);
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

	lines_add_heading(out, LS_SECTION, a->cols - 5, "%s",
			  _("Milestones still open, nearest deadline first"));
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
	lines_add_heading(out, LS_SECTION, a->cols - 5, _("Tasks overdue or due in the next %d days"),
			  SOON_DAYS);
	if (!rows_some(a, &r, CAIRN_KIND_TASK, cols, 5, f, 3, "due", &more))
		return;
	for (size_t i = 0; i < r.nrows; i++) {
		char tail[1024], name[128], who[300], cut[300], cell[300];
		/* Who has it before the title, "id (Name)" in a column of 12 as
		 * the tables show it: a long title cannot push the name off. */
		if (*rows_get(&r, i, 4))
			cli_id_and_name(rows_get(&r, i, 4),
					person_name(a, rows_get(&r, i, 4), name, sizeof name), who,
					sizeof who);
		else
			snprintf(who, sizeof who, "%s", _("nobody"));
		text_pad(text_cut(who, 12, a->ascii, cut, sizeof cut), 12, cell, sizeof cell);
		snprintf(tail, sizeof tail, "%s  %s", cell, rows_get(&r, i, 3));
		dated_line(a, out, "task", id_width(&r, 6, 12), &r, i, today, tail);
	}
	more_line(out, more, _("press 3"));
	if (!r.nrows)
		lines_add(out, LS_DIM, NULL, "%s", _("  nothing due"));
	rows_done(&r);
}

/* Evaluations counted by status: everyone's, and for the persons and
 * tools with the most open work (the index keeps these counts), as a
 * table whose columns fit the screen: the status names are shortened, then
 * the names cut, never the numbers. */
typedef struct tally_row {
	char name[64];
	char who[192];          /* a person's "id (Name)", "" for none */
	long n[5];
	enum line_style style;  /* LS_TEXT, or LS_DIM for a subheading (no counts) */
} tally_row;

typedef struct tally {
	tally_row *v;
	size_t len, cap;
} tally;

static void tally_add(tally *t, const char *name, const long *n, enum line_style style)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		tally_row *grown = realloc(t->v, cap * sizeof *grown);
		if (!grown)
			return;
		t->v = grown;
		t->cap = cap;
	}
	snprintf(t->v[t->len].name, sizeof t->v[t->len].name, "%s", name);
	t->v[t->len].who[0] = '\0';
	for (int i = 0; i < 5; i++)
		t->v[t->len].n[i] = n ? n[i] : 0;
	t->v[t->len].style = style;
	t->len++;
}

static cairn_status tally_line(const char *value, const long *n, void *ctx, cairn_error *err)
{
	(void)err;
	tally_add(ctx, value, n, LS_TEXT);
	return CAIRN_OK;
}

static void tally_more(tally *t, long more, const char *where)
{
	char text[128];
	if (!more)
		return;
	if (more < 0)
		snprintf(text, sizeof text, _("  ... and more: %s"), where);
	else
		snprintf(text, sizeof text, _("  ... and %ld more: %s"), more, where);
	tally_add(t, text, NULL, LS_DIM);
}

static int digits(long n)
{
	int d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static void tally_lines(app *a, lines *out, const tally *t)
{
	/* The statuses' labels: cairn's, translated, or the workbook's list
	 * evaluation.status. */
	const char *full[5] = { choice_shown(CAIRN_KIND_EVALUATION, "status", "assigned"),
				choice_shown(CAIRN_KIND_EVALUATION, "status", "draft"),
				choice_shown(CAIRN_KIND_EVALUATION, "status", "submitted"),
				choice_shown(CAIRN_KIND_EVALUATION, "status", "returned"),
				choice_shown(CAIRN_KIND_EVALUATION, "status", "validated") };
	/* TRANSLATORS: the statuses shortened for a narrow screen (assigned,
	 * draft, submitted, returned, validated), a few letters each. */
	const char *brief[5] = { _("asgn"), _("drft"), _("subm"), _("retd"), _("vald") };
	const char *const *label = full;
	int w[5], name_w = 3, room = a->cols - 2, total;
	char head[512], name[128];
	size_t used;

	for (size_t r = 0; r < t->len; r++)
		if (t->v[r].style == LS_TEXT && text_width(*t->v[r].who ? t->v[r].who : t->v[r].name) > name_w)
			name_w = text_width(*t->v[r].who ? t->v[r].who : t->v[r].name);
	if (name_w > 26)
		name_w = 26;
	for (int pass = 0; pass < 2; pass++) {
		total = 2 + name_w;
		for (int i = 0; i < 5; i++) {
			w[i] = text_width(label[i]);
			for (size_t r = 0; r < t->len; r++)
				if (t->v[r].style == LS_TEXT && digits(t->v[r].n[i]) > w[i])
					w[i] = digits(t->v[r].n[i]);
			total += 1 + w[i];
		}
		if (total <= room)
			break;
		label = brief;
	}
	if (total > room && name_w - (total - room) >= 6)
		name_w -= total - room;
	else if (total > room)
		name_w = 6;
	used = (size_t)snprintf(head, sizeof head, "  %s", text_pad("", name_w, name, sizeof name));
	for (int i = 0; i < 5 && used < sizeof head; i++)
		used += (size_t)snprintf(head + used, sizeof head - used, " %*s%s",
					 w[i] - text_width(label[i]), "", label[i]);
	lines_add(out, LS_HEAD, NULL, "%s", head);
	for (size_t r = 0; r < t->len; r++) {
		const tally_row *row = &t->v[r];
		if (row->style != LS_TEXT) {
			lines_add(out, row->style, NULL, "%s", row->name);
			continue;
		}
		/* A person by id and name, the name cut with a mark; the id
		 * alone where the column has no room for a few of its letters. */
		const char *shown = *row->who && text_width(row->name) + 5 <= name_w ? row->who : row->name;
		char cut[256];
		lines_add(out, LS_TEXT, NULL, "  %s %*ld %*ld %*ld %*ld %*ld",
			  text_pad(text_cut(shown, name_w, a->ascii, cut, sizeof cut), name_w, name,
				   sizeof name),
			  w[0], row->n[0], w[1],
			  row->n[1], w[2], row->n[2], w[3], row->n[3], w[4], row->n[4]);
	}
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
	tally t = { NULL, 0, 0 };

	lines_add(out, LS_SECTION, NULL, "%s", _("Evaluations"));
	if (cairn_index_count_by(cairn_wb_index(a->wb), CAIRN_KIND_EVALUATION, "status", total_count,
				 all, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		return;
	}
	tally_add(&t, _("all"), all, LS_TEXT);
	tally_add(&t, _("by person, most open work first"), NULL, LS_DIM);
	size_t first = t.len;
	if (cairn_index_tally(cairn_wb_index(a->wb), "evaluator", SHOWN, tally_line, &t, &more,
			      &err) == CAIRN_OK) {
		/* The persons by name as well as by id. */
		for (size_t r = first; r < t.len; r++) {
			char pname[128];
			cli_id_and_name(t.v[r].name, person_name(a, t.v[r].name, pname, sizeof pname),
					t.v[r].who, sizeof t.v[r].who);
		}
		tally_more(&t, more, _("press 6"));
	}
	tally_add(&t, _("by tool, most open work first"), NULL, LS_DIM);
	if (cairn_index_tally(cairn_wb_index(a->wb), "tool", SHOWN, tally_line, &t, &more,
			      &err) == CAIRN_OK)
		tally_more(&t, more, _("press 5"));
	tally_lines(a, out, &t);
	free(t.v);
}

void inclusion_lines(lines *out, const cairn_targets *targets, const cairn_record *pilot,
		     const char *indent, bool say_unreported, int cols)
{
	cairn_share *shares = calloc(targets->n ? targets->n : 1, sizeof *shares);
	const char *met = _("met"), *shortof = _("SHORT"), *langs = i18n_languages();
	int mark_w = text_width(met) > text_width(shortof) ? text_width(met) : text_width(shortof);
	/* indent, label, " 100.0%  ", the mark */
	int label_w = cols - (int)strlen(indent) - 9 - mark_w;

	if (!shares)
		return;
	if (label_w > 22)
		label_w = 22;
	if (label_w < 6)
		label_w = 6;
	cairn_pilot_inclusion(targets, pilot, shares);
	for (size_t g = 0; g < targets->n; g++) {
		cairn_share sh = shares[g];
		char label[128];
		line *ln;
		/* The group's name is the workbook's data: sanitised where
		 * every line is, when it is drawn. */
		text_pad(cairn_target_name(targets, g, langs), label_w, label, sizeof label);
		if (!sh.known) {
			if (say_unreported)
				lines_add(out, LS_DIM, NULL, _("%s%s not reported"), indent, label);
			continue;
		}
		ln = lines_add(out, sh.has_target && !sh.met ? LS_ALERT : LS_TEXT, NULL,
			       "%s%s %5.1f%%  %s", indent, label, sh.percent,
			       !sh.has_target ? "" : sh.met ? met : shortof);
		if (ln) {
			ln->bar = sh.percent;
			ln->mark = sh.has_target ? sh.target : -1;
		}
	}
	free(shares);
}

static void pilots(app *a, lines *out)
{
	static const char *const pcols[] = { "id", "city", "status", "participants" };
	const cairn_filter reported = { "participants", "0", CAIRN_OP_GT };
	long npilots = 0;
	int pid_w;
	cairn_targets t;
	rowset p;

	lines_add_heading(out, LS_SECTION, a->cols - 5, "%s",
			  _("Pilots: inclusion against the targets (| marks the target)"));
	if (!rows_some(a, &p, CAIRN_KIND_PILOT, pcols, 4, &reported, 1, "id", &npilots))
		return;
	if (!targets_load(a, &t)) {
		rows_done(&p);
		return;
	}
	pid_w = id_width(&p, 4, 10);
	for (size_t i = 0; i < p.nrows; i++) {
		long total = *rows_get(&p, i, 3) ? atol(rows_get(&p, i, 3)) : -1;
		char target[160], st[64];
		snprintf(target, sizeof target, "pilot/%s", rows_get(&p, i, 0));
		text_pad(choice_shown(CAIRN_KIND_PILOT, "status", rows_get(&p, i, 2)), 10, st,
			 sizeof st);
		/* The count before the city, which is cut first on a narrow screen. */
		lines_add(out, LS_TEXT, target, _("%-*s %-10s %s participants  %s"), pid_w,
			  rows_get(&p, i, 0), st, rows_get(&p, i, 3),
			  rows_get(&p, i, 1));
		if (total <= 0)
			continue;
		/* The groups' counts are the workbook's own fields: read from
		 * the record of each pilot shown, a handful. */
		{
			cairn_index_hit hit;
			cairn_record rec;
			cairn_error err;
			if (cairn_wb_resolve(a->wb, target, &hit, &err) == CAIRN_OK &&
			    cairn_wb_read(a->wb, &hit, &rec, &err) == CAIRN_OK) {
				inclusion_lines(out, &t, &rec, "    ", false, a->cols - 2);
				cairn_record_done(&rec);
			}
		}
	}
	more_line(out, npilots, _("press 7"));
	if (!p.nrows)
		lines_add(out, LS_DIM, NULL, "%s", _("  no pilot has reported participants yet"));
	rows_done(&p);
	cairn_targets_done(&t);
}

/* text over as many lines as it takes, cut at spaces: the advice is at
 * the end of the message, where one line would cut it off.  The first
 * line opens target (NULL: none). */
static void wrapped(lines *out, const char *target, const char *text, int width)
{
	const char *indent = "  ";

	while (*text) {
		size_t skip, cut = text_wrap(text, width, &skip);
		lines_add(out, LS_ALERT, target, "%s%.*s", indent, (int)cut, text);
		text += cut + skip;
		indent = "    ";
		target = NULL;
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
	lines_add_heading(out, LS_SECTION, a->cols - 5, "%s",
			  _("Records that could not be read (the rest works)"));
	for (size_t i = 0; i < n && i < SHOWN; i++)
		wrapped(out, NULL, bad[i].message, a->cols > 40 ? a->cols - 6 : 34);
	more_line(out, n > SHOWN ? (long)(n - SHOWN) : 0, "cairn check");
	lines_add(out, LS_TEXT, NULL, "%s", "");
	cairn_wb_unreadable_free(bad, n);
}

static cairn_status count_waiting(const cairn_conflict *c, void *ctx, cairn_error *err)
{
	size_t *n = ctx;
	(void)err;
	if (!c->resolved)
		(*n)++;
	return CAIRN_OK;
}

/* Conflicts a sync left, first: how many wait, and how to settle them
 * (Enter or C opens them). */
static void conflicts_waiting(app *a, lines *out)
{
	size_t waiting = 0, all = 0;
	char text[512];
	cairn_error err;

	if (cairn_wb_conflicts(a->wb, count_waiting, &waiting, &all, &err) != CAIRN_OK || !all)
		return;
	if (waiting)
		snprintf(text, sizeof text,
			 P_("%zu conflict from a sync waits: Enter or C shows it, o or t settles it",
			    "%zu conflicts from a sync wait: Enter or C shows them, o or t settles each",
			    waiting), waiting);
	else
		snprintf(text, sizeof text, "%s",
			 _("every conflict is settled: y syncs (merges and pushes)"));
	wrapped(out, CONFLICTS_TARGET, text, a->cols - 6);
	lines_add(out, LS_TEXT, NULL, "%s", "");
}

static void dashboard_build(app *a, void *state, lines *out)
{
	cairn_date today = cairn_wb_today(a->wb);
	bool tx;

	(void)state;
	conflicts_waiting(a, out);
	unreadable(a, out);
	/* The sections' few dozen queries, which only read the index, as
	 * one read. */
	tx = cairn_index_read_begin(cairn_wb_index(a->wb));
	milestones(a, out, today);
	lines_add(out, LS_TEXT, NULL, "%s", "");
	tasks_due(a, out, today);
	/* Before the first screen, only what fills it: what follows is built
	 * once it is up (app_complete), the same lines. */
	if (!a->checked && out->n >= (size_t)a->rows) {
		cairn_index_read_end(cairn_wb_index(a->wb), tx);
		a->built_partial = true;
		return;
	}
	lines_add(out, LS_TEXT, NULL, "%s", "");
	evaluations(a, out);
	cairn_index_read_end(cairn_wb_index(a->wb), tx);
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
	if (sel && sel->target && !strcmp(sel->target, CONFLICTS_TARGET))
		app_push(a, &conflicts_view, NULL, 0, _("Conflicts"));
	else if (sel && sel->target)
		app_push(a, &record_view, sel->target, strlen(sel->target) + 1, sel->target);
	return true;
}

const view_ops dashboard_view = {
	.name = "dashboard",
	.state_size = 1,
	.build = dashboard_build,
	.act = dashboard_act,
};
