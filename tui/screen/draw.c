/* Drawing the screen: the title, the selected view's lines (bars and the
 * selection mark), the status line and the message line.  Apart from the
 * rest because it only reads the app: whatever changes the app then calls
 * draw(). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cairn/sanitize.h"
#include "tui.h"
#include "app_internal.h"

static unsigned san_flags(const app *a)
{
	return a->ascii ? CAIRN_SAN_ASCII : 0;
}

int draw_text(app *a, int y, int x, const char *text, int cols)
{
	char *safe;
	int used;

	if (cols <= 0)
		return 0;
	safe = cairn_sanitize_cols(text ? text : "", (size_t)cols, san_flags(a));
	if (!safe)
		return 0;
	mvaddstr(y, x, safe);
	used = (int)cairn_display_width(safe, san_flags(a));
	free(safe);
	return used;
}

/* A line of the body at y, x in cols columns: cut at the edge with a mark
 * ("…", "..." in ASCII), so that a cut line is never taken for the whole
 * (the spaces a table pads it with do not count). */
static int draw_cut(app *a, int y, int x, const char *text, int cols)
{
	size_t len = strlen(text ? text : "");
	bool ascii = a->ascii;
	int mw = ascii ? 3 : 1, used;
	char *t;

	while (len && text[len - 1] == ' ')
		len--;
	if (!(t = strndup(text ? text : "", len)))
		return 0;
	if ((int)cairn_display_width(t, san_flags(a)) <= cols || cols <= mw) {
		used = draw_text(a, y, x, t, cols);
	} else {
		used = draw_text(a, y, x, t, cols - mw);
		mvaddstr(y, x + used, ascii ? "..." : "\u2026");
		used += mw;
	}
	free(t);
	return used;
}

static attr_t style_attr(const app *a, enum line_style s)
{
	switch (s) {
	case LS_HEAD:
		return A_BOLD | (a->color ? COLOR_PAIR(PAIR_HEAD) : A_UNDERLINE);
	case LS_SECTION:
		return A_BOLD;
	case LS_ALERT:
		return A_BOLD | (a->color ? COLOR_PAIR(PAIR_ALERT) : 0);
	case LS_GOOD:
		return a->color ? COLOR_PAIR(PAIR_GOOD) : 0;
	case LS_DIM:
		return a->color ? COLOR_PAIR(PAIR_DIM) : A_DIM;
	default:
		return 0;
	}
}

/* A share as a bar of `width` cells, the target marked with '|'. */
static void draw_bar(app *a, int y, int x, int width, double share, double target)
{
	int fill = (int)(share / 100.0 * width + 0.5), mark = target >= 0 ? (int)(target / 100.0 * width) : -1;

	if (fill > width)
		fill = width;
	for (int i = 0; i < width; i++) {
		const char *cell = i == mark ? "|" : i < fill ? (a->ascii ? "#" : "\u2588")
							      : (a->ascii ? "." : "\u00b7");
		mvaddstr(y, x + i, cell);
	}
}

/* The message's lines, wrapped to the screen: up to half of it, or what
 * a prompt's lines leave. */
static int message_rows(const app *a)
{
	int n = (int)text_wrap_count(a->message, a->cols - 1);
	/* Under a prompt (a refused value's reason) the body gives way. */
	int most = a->prompt_rows ? a->rows - 2 - a->prompt_rows : a->rows / 2;

	return n < most ? n : most > 0 ? most : 0;
}

/* The rows under the status line: the message's, then a prompt's; at
 * least the one message line. */
static int bottom_rows(const app *a)
{
	int n = message_rows(a) + a->prompt_rows;
	return n > 1 ? n : 1;
}

int body_rows(const app *a)
{
	return a->rows - 2 - bottom_rows(a);    /* title, status line, the bottom */
}

/* The largest top that still fills the body: the last line at the bottom. */
static size_t last_top(const app *a, const lines *l)
{
	int h = body_rows(a), shown = 0;
	size_t i = l->n;

	while (i > 0 && shown < h) {
		i--;
		if (lines_visible(l, i))
			shown++;
	}
	return i;
}

size_t body_bottom(const app *a, const lines *l)
{
	int h = body_rows(a), shown = 0;
	size_t i, last = l->top;

	for (i = l->top; i < l->n && shown < h; i++)
		if (lines_visible(l, i)) {
			shown++;
			last = i;
		}
	return last;
}

void scroll_body(app *a, lines *l, int delta)
{
	size_t top = l->top, end = last_top(a, l);

	for (; delta > 0 && top < end; delta--)
		do
			top++;
		while (top < end && !lines_visible(l, top));
	for (; delta < 0 && top > 0; delta++)
		do
			top--;
		while (top > 0 && !lines_visible(l, top));
	if (top != l->top) {
		l->top = top;
		l->scrolled = true;
		l->scrolled_sel = l->sel;
	}
}

/* Scroll so that the selection is in sight, unless the user scrolled
 * away from it and has not moved it since. */
static void keep_in_sight(app *a, lines *l)
{
	int h = body_rows(a), shown = 0;
	size_t i;

	if (l->top >= l->n)
		l->top = l->n ? last_top(a, l) : 0;
	if (l->scrolled && l->scrolled_sel == l->sel)
		return;
	l->scrolled = false;
	if (l->sel < l->top)
		l->top = l->sel;
	/* The visible lines from top to sel: when more than the body holds,
	 * the first top that shows sel at the bottom, counted back from sel
	 * (a selection 55,000 lines below the top, as in the tools view's
	 * assignments, is then one walk, not one walk per line). */
	for (i = l->top; i < l->n && i <= l->sel && shown <= h; i++)
		if (lines_visible(l, i))
			shown++;
	if (shown <= h)
		return;
	i = l->sel;
	shown = i < l->n && lines_visible(l, i) ? 1 : 0;
	while (i > l->top) {
		int more = shown + (lines_visible(l, i - 1) ? 1 : 0);
		if (more > h)
			break;
		shown = more;
		i--;
	}
	l->top = i;
}

/* Compose the status line's parts (those kept) into buf. */
enum { P_NAME, P_BAD, P_WHO, P_TODAY, P_DEMO, P_SHARED, P_TITLE, P_COUNT };

static void status_compose(char *buf, size_t n, const char *const *part, const bool *keep)
{
	size_t used = (size_t)snprintf(buf, n, " ");

#define ADD(...) do { if (used < n) used += (size_t)snprintf(buf + used, n - used, __VA_ARGS__); } while (0)
	if (keep[P_NAME])
		ADD("%s | ", part[P_NAME]);
	/* Unreadable records early, where a narrow terminal still shows them. */
	ADD("%s", part[P_BAD]);
	if (keep[P_WHO])
		ADD("%s | ", part[P_WHO]);
	ADD("%s%s", part[P_TODAY], keep[P_DEMO] ? part[P_DEMO] : "");
	if (keep[P_SHARED])
		ADD(" | %s", part[P_SHARED]);
	if (keep[P_TITLE])
		ADD(" | %s", part[P_TITLE]);
#undef ADD
}

/* The status line's left part into buf: as much as fits in cols, the
 * parts most needed first (who, the sharing state, the workbook, the
 * demo mark, who in full, the view's title which the top line shows
 * too); the unreadable records and the date are always there, whole.
 * Who is the person id (or the name when no person has the user's
 * email), and in full "Name (person-id)". */
static void status_text(app *a, char *buf, size_t n, int cols)
{
	char today[32], iso[11], who_full[256];
	view *v = top(a);
	const char *part[P_COUNT], *who = a->me[0] ? a->me : a->me_name;
	bool keep[P_COUNT] = { false };
	static const int order[] = { P_WHO, P_SHARED, P_NAME, P_DEMO, P_COUNT, P_TITLE };

	cairn_date_iso(cairn_wb_today(a->wb), iso, sizeof iso);
	cli_date(a->c, iso, today, sizeof today);
	if (a->me[0] && a->me_name[0] && strcmp(a->me_name, a->me))
		snprintf(who_full, sizeof who_full, "%s (%s)", a->me_name, a->me);
	else
		snprintf(who_full, sizeof who_full, "%s", who);
	part[P_NAME] = cairn_wb_name(a->wb);
	part[P_BAD] = a->unreadable;
	part[P_WHO] = who;
	part[P_TODAY] = today;
	part[P_DEMO] = cairn_wb_has_clock(a->wb) ? _(" (demo)") : "";
	part[P_SHARED] = a->shared;
	part[P_TITLE] = v ? v->title : "";
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		int p = order[i];
		const char *was = part[P_WHO];
		if (p == P_COUNT) {             /* who in full, where it fits */
			if (!keep[P_WHO])
				continue;
			part[P_WHO] = who_full;
			status_compose(buf, n, part, keep);
			if (text_width(buf) > cols)
				part[P_WHO] = was;
			continue;
		}
		if (!part[p][0])
			continue;
		keep[p] = true;
		status_compose(buf, n, part, keep);
		if (text_width(buf) > cols)
			keep[p] = false;
	}
	status_compose(buf, n, part, keep);
}

static void draw_status(app *a)
{
	char left[512];
	const char *hint = _("| ? help");
	wchar_t wide[32];
	int hint_cols = 8, nlines;

	/* A translation may make the hint wider or narrower than 8. */
	if (mbstowcs(wide, hint, 32) < 32 && wcswidth(wide, 32) > 0 && wcswidth(wide, 32) < 20)
		hint_cols = wcswidth(wide, 32);
	status_text(a, left, sizeof left, a->cols - hint_cols - 1);
	/* A message of several lines (a server's own lines under cairn's),
	 * or longer than the screen is wide, shows as lines under the status
	 * line, above a prompt's lines when one is open; the body is shorter
	 * by as much. */
	nlines = bottom_rows(a);
	for (int row = a->rows - nlines; row < a->rows; row++) {
		move(row, 0);
		clrtoeol();
	}
	attron(A_REVERSE);
	mvhline(a->rows - 1 - nlines, 0, ' ', a->cols);
	/* The way to help stays in sight however narrow the terminal. */
	draw_text(a, a->rows - 1 - nlines, 0, left, a->cols - hint_cols - 1);
	draw_text(a, a->rows - 1 - nlines, a->cols - hint_cols, hint, hint_cols);
	attroff(A_REVERSE);
	if (a->message[0]) {
		const char *at = a->message;
		int last = a->rows - nlines + message_rows(a);
		if (a->message_is_error)
			attron(A_BOLD | (a->color ? COLOR_PAIR(PAIR_ALERT) : 0));
		for (int row = a->rows - nlines; row < last && *at; row++) {
			size_t skip, n = text_wrap(at, a->cols - 1, &skip);
			char *one = strndup(at, n);
			draw_text(a, row, 0, one ? one : "", a->cols - 1);
			free(one);
			at += n + skip;
		}
		attroff(A_BOLD | (a->color ? COLOR_PAIR(PAIR_ALERT) : 0));
	}
}

void draw(app *a)
{
	view *v = top(a);
	int y = 1, cursor_y = 1, h;
	lines *l;

	erase();
	if (a->rows < 12 || a->cols < 40) {
		draw_text(a, 0, 0, _("terminal too small:"), a->cols);
		draw_text(a, 1, 0, _("cairn needs 40x12"), a->cols);
		move(0, 0);
		refresh();
		return;
	}
	attron(A_BOLD);
	draw_cut(a, 0, 0, v ? v->title : "cairn", a->cols);
	attroff(A_BOLD);
	if (v) {
		l = &v->lines;
		if (l->filter && *l->filter) {
			char f[200];
			snprintf(f, sizeof f, _("  [filter: %s]"), l->filter);
			draw_text(a, 0, a->cols / 2, f, a->cols - a->cols / 2);
		}
		keep_in_sight(a, l);
		h = body_rows(a);
		for (size_t i = l->top; i < l->n && y <= h; i++) {
			const line *ln = &l->v[i];
			int x = 2, used;
			bool bar;
			attr_t at;
			if (!lines_visible(l, i))
				continue;
			at = style_attr(a, ln->style);
			if (i == l->sel && ln->selectable) {
				/* Reverse video alone, no colour: told by the mark and
				 * the attribute, and cheap to move on a slow link. */
				at = A_REVERSE;
				cursor_y = y;
			}
			attron(at);
			/* Told by a mark as well as by reverse video; the mark takes
			 * the line's attribute, so a move changes it once per row. */
			if (i == l->sel && ln->selectable)
				mvaddstr(y, 0, "> ");
			/* A bar where the text leaves room for it: the text (the
			 * share and met/SHORT) comes first. */
			bar = ln->bar >= 0 &&
			      (int)cairn_display_width(ln->text, san_flags(a)) <= a->cols - x - 22;
			used = draw_cut(a, y, x, ln->text, a->cols - x - (bar ? 22 : 0));
			attroff(at);
			if (bar && a->cols - x - used >= 22)
				draw_bar(a, y, a->cols - 21, 20, ln->bar, ln->mark);
			y++;
		}
	}
	draw_status(a);
	/* The terminal's own cursor sits on the selected line, so that braille
	 * displays and screen readers follow the selection. */
	move(cursor_y, 0);
	refresh();
}
