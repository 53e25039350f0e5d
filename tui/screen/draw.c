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

int body_rows(const app *a)
{
	return a->rows - 3;     /* title, status line, message line */
}

/* Scroll so that the selection is in sight. */
static void keep_in_sight(app *a, lines *l)
{
	int h = body_rows(a), shown = 0;
	size_t i;

	if (l->sel < l->top)
		l->top = l->sel;
	/* Count visible lines from top to sel. */
	for (;;) {
		shown = 0;
		for (i = l->top; i < l->n && i <= l->sel; i++)
			if (lines_visible(l, i))
				shown++;
		if (shown <= h || l->top >= l->sel)
			break;
		l->top++;
	}
}

static void draw_status(app *a)
{
	char today[32], left[512], iso[11];
	const char *who = a->c->cfg.user_name, *hint = _("| ? help");
	view *v = top(a);
	wchar_t wide[32];
	int hint_cols = 8, nlines = 1;

	cairn_date_iso(cairn_wb_today(a->wb), iso, sizeof iso);
	cli_date(a->c, iso, today, sizeof today);
	/* Unreadable records early, where a narrow terminal still shows them. */
	snprintf(left, sizeof left, " %s | %s%s | %s%s | %s | %s", cairn_wb_name(a->wb),
		 a->unreadable, who && *who ? who : _("(no user.name)"), today,
		 cairn_wb_has_clock(a->wb) ? _(" (demo clock)") : "", a->shared, v ? v->title : "");
	/* A translation may make the hint wider or narrower than 8. */
	if (mbstowcs(wide, hint, 32) < 32 && wcswidth(wide, 32) > 0 && wcswidth(wide, 32) < 20)
		hint_cols = wcswidth(wide, 32);
	/* A message of several lines (a server's own lines under cairn's)
	 * shows as lines, up to half the screen, over the bottom of the
	 * body; the status line stays just above it. */
	for (const char *p = a->message; *p; p++)
		if (*p == '\n' && p[1] && nlines < a->rows / 2)
			nlines++;
	attron(A_REVERSE);
	mvhline(a->rows - 1 - nlines, 0, ' ', a->cols);
	/* The way to help stays in sight however narrow the terminal. */
	draw_text(a, a->rows - 1 - nlines, 0, left, a->cols - hint_cols - 1);
	draw_text(a, a->rows - 1 - nlines, a->cols - hint_cols, hint, hint_cols);
	attroff(A_REVERSE);
	if (a->message[0]) {
		const char *at = a->message;
		if (a->message_is_error)
			attron(A_BOLD | (a->color ? COLOR_PAIR(PAIR_ALERT) : 0));
		for (int row = a->rows - nlines; row < a->rows && *at; row++) {
			size_t n = strcspn(at, "\n");
			char *one = strndup(at, n);
			move(row, 0);
			clrtoeol();
			draw_text(a, row, 0, one ? one : "", a->cols - 1);
			free(one);
			at += n + (at[n] == '\n');
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
	draw_text(a, 0, 0, v ? v->title : "cairn", a->cols);
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
			used = draw_text(a, y, x, ln->text, a->cols - x - (ln->bar >= 0 ? 22 : 0));
			attroff(at);
			if (ln->bar >= 0 && a->cols - x - used > 22)
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
