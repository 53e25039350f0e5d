/* A list of lines with a selection, a scroll position and a filter: what
 * every view of the terminal interface shows. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cairn/buf.h"
#include "cairn/sanitize.h"
#include "tui.h"

void lines_clear(lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].target);
	}
	l->n = 0;
}

line *lines_add(lines *l, enum line_style style, const char *target, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;
	line *ln;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		line *grown = realloc(l->v, cap * sizeof *grown);
		if (!grown)
			return NULL;
		l->v = grown;
		l->cap = cap;
	}
	va_start(ap, fmt);
	cairn_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.oom)
		return NULL;
	ln = &l->v[l->n];
	memset(ln, 0, sizeof *ln);
	ln->text = cairn_buf_detach(&b, NULL);
	ln->style = style;
	ln->selectable = target != NULL;
	ln->target = target ? strdup(target) : NULL;
	ln->bar = -1;
	ln->mark = -1;
	if (!ln->text || (target && !ln->target)) {
		free(ln->text);
		free(ln->target);
		return NULL;
	}
	l->n++;
	return ln;
}

bool lines_visible(const lines *l, size_t i)
{
	if (!l->filter || !*l->filter || !l->v[i].selectable)
		return true;
	return strcasestr(l->v[i].text, l->filter) != NULL;
}

static bool can_select(const lines *l, size_t i)
{
	return i < l->n && l->v[i].selectable && lines_visible(l, i);
}

void lines_select(lines *l, const char *target)
{
	if (target)
		for (size_t i = 0; i < l->n; i++)
			if (can_select(l, i) && !strcmp(l->v[i].target, target)) {
				l->sel = i;
				return;
			}
	if (l->sel >= l->n)
		l->sel = l->n ? l->n - 1 : 0;
	if (!can_select(l, l->sel))
		lines_move(l, 1);
	if (!can_select(l, l->sel))
		lines_move(l, -1);
}

void lines_move(lines *l, int delta)
{
	size_t i = l->sel;
	int step = delta < 0 ? -1 : 1;
	int left = delta < 0 ? -delta : delta;

	if (!l->n)
		return;
	if (delta == 0)
		left = 1;
	while (left > 0) {
		size_t j = i;
		bool found = false;
		while ((step < 0 && j > 0) || (step > 0 && j + 1 < l->n)) {
			j = (size_t)((long)j + step);
			if (can_select(l, j)) {
				found = true;
				break;
			}
		}
		if (!found)
			break;
		i = j;
		left--;
	}
	if (can_select(l, i) || !can_select(l, l->sel))
		l->sel = i;
}

const line *lines_selected(const lines *l)
{
	return can_select(l, l->sel) ? &l->v[l->sel] : NULL;
}

void lines_add_wrapped(lines *l, enum line_style style, int width, const char *first,
		       const char *rest, const char *text)
{
	const char *at = text;

	if (width < 10)
		width = 10;
	do {
		size_t skip, n = text_wrap(at, width, &skip);
		lines_add(l, style, NULL, "%s%.*s", at == text ? first : rest, (int)n, at);
		if (!n && !skip)
			break;
		at += n + skip;
	} while (*at);
}

void lines_add_heading(lines *l, enum line_style style, int width, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.oom)
		return;
	lines_add_wrapped(l, style, width, "", "  ", cairn_buf_str(&b));
	cairn_buf_done(&b);
}

const char *text_pad(const char *text, int cols, char *buf, size_t n)
{
	mbstate_t st;
	size_t at = 0, used = 0;
	int width = 0;
	/* Text from data (a list's label, a form's prompt) is padded as it is
	 * drawn: its control bytes and bidi overrides escaped (^[, <U+202E>)
	 * first, so that they neither end it early nor skew the columns. */
	char *safe = cairn_sanitize(text, strlen(text), 0);

	if (safe)
		text = safe;
	memset(&st, 0, sizeof st);
	while (text[at] && width < cols) {
		wchar_t wc;
		size_t len = mbrtowc(&wc, text + at, strlen(text + at), &st);
		int w;
		if (len == (size_t)-1 || len == (size_t)-2 || len == 0)
			break;
		w = wcwidth(wc);
		if (w < 0 || width + w > cols || used + len >= n)
			break;
		memcpy(buf + used, text + at, len);
		used += len;
		at += len;
		width += w;
	}
	for (; width < cols && used + 1 < n; width++)
		buf[used++] = ' ';
	buf[used] = '\0';
	free(safe);
	return buf;
}

const char *text_cut(const char *text, int cols, bool ascii, char *buf, size_t n)
{
	int mw = ascii ? 3 : 1;
	size_t len;

	if (text_width(text) <= cols || cols <= mw) {
		snprintf(buf, n, "%s", text);
		return buf;
	}
	text_pad(text, cols - mw, buf, n);
	len = strlen(buf);
	while (len && buf[len - 1] == ' ')
		len--;
	snprintf(buf + len, n - len, "%s", ascii ? "..." : "\u2026");
	return buf;
}

int text_width(const char *text)
{
	size_t n = mbstowcs(NULL, text, 0);
	wchar_t *w;
	int cols;

	if (n == (size_t)-1)
		return (int)strlen(text);
	if (!(w = malloc((n + 1) * sizeof *w)))
		return (int)strlen(text);
	mbstowcs(w, text, n + 1);
	cols = wcswidth(w, n);
	free(w);
	return cols < 0 ? (int)n : cols;
}

size_t text_wrap(const char *text, int width, size_t *skip)
{
	mbstate_t st;
	size_t at = 0, space = 0;
	int cols = 0;

	memset(&st, 0, sizeof st);
	*skip = 0;
	while (text[at] && text[at] != '\n') {
		wchar_t wc;
		size_t len = mbrtowc(&wc, text + at, strlen(text + at), &st);
		int w;
		if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
			memset(&st, 0, sizeof st);
			len = 1;
			w = 1;
		} else {
			w = wcwidth(wc);
			w = w < 0 ? 1 : w;
		}
		if (cols + w > width && at > 0) {
			/* Cut at the last space when there is one in the second
			 * half of the line, else where the width ends. */
			if (space > 0 && space * 2 >= at) {
				*skip = 1;
				return space;
			}
			return at;
		}
		if (text[at] == ' ')
			space = at;
		cols += w;
		at += len;
	}
	if (text[at] == '\n')
		*skip = 1;
	return at;
}

size_t text_wrap_count(const char *text, int width)
{
	size_t n = 0, len, skip;

	if (!text || !*text)
		return 0;
	while (*text) {
		len = text_wrap(text, width, &skip);
		n++;
		text += len + skip;
	}
	return n;
}

/* Split a line into words in place, as a shell would for plain words and
 * quotes ("a b" and 'a b' are one word), with no expansion of any kind:
 * the words go to execvp, never to a shell.  Returns the count. */
int words_split(char *text, char **argv, int max)
{
	int n = 0;
	char *in = text, *out = text;

	while (*in && n < max) {
		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			break;
		argv[n++] = out;
		while (*in && *in != ' ' && *in != '\t') {
			if (*in == '"' || *in == '\'') {
				char q = *in++;
				while (*in && *in != q)
					*out++ = *in++;
				if (*in)
					in++;
			} else {
				*out++ = *in++;
			}
		}
		if (*in)
			in++;
		*out++ = '\0';
	}
	return n;
}
