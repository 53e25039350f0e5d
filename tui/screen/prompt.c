/* The line editor on the bottom line (app_prompt) and the one way to read
 * a key, which notices a hangup or a terminal gone (see loop.c).  Apart
 * because views, actions and the loop all ask through it. */
#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tui.h"
#include "app_internal.h"

/* Read one key; ERR on timeout.  A hangup or a terminal gone ends the
 * loop from here. */
int read_key(app *a, wint_t *wc, bool *is_key)
{
	int rc;

	errno = 0;
	rc = get_wch(wc);
	if (rc == ERR) {
		if (errno == EIO || !isatty(STDIN_FILENO))
			tui_hangup = 1;
		return ERR;
	}
	*is_key = rc == KEY_CODE_YES;
	if (*is_key && *wc == KEY_RESIZE) {
		getmaxyx(stdscr, a->rows, a->cols);
		app_relayout(a);
		return ERR;     /* redrawn by the caller */
	}
	return OK;
}

char *app_prompt(app *a, const char *question, const char *initial)
{
	wchar_t buf[1024];
	size_t len = 0, pos;
	char *result = NULL;

	if (initial) {
		mbstate_t ms;
		const char *src = initial;
		memset(&ms, 0, sizeof ms);
		len = mbsrtowcs(buf, &src, 1023, &ms);
		if (len == (size_t)-1)
			len = 0;
	}
	buf[len] = 0;
	pos = len;
	for (;;) {
		wint_t wc;
		bool is_key = false;
		int qcols, x, nctx, nq;
		bool inline_q;
		char *mb;
		size_t start = 0;

		/* The context (the choices) and a question too long to share
		 * the line with the text are wrapped over lines above it: all
		 * of them in sight while answering. */
		inline_q = text_width(question) <= a->cols / 2;
		nctx = (int)text_wrap_count(a->prompt_context, a->cols - 1);
		nq = inline_q ? 0 : (int)text_wrap_count(question, a->cols - 1);
		if (nq > a->rows - 3)
			nq = a->rows - 3 > 0 ? a->rows - 3 : 0;
		/* A refusal's reason comes first: where it and the context do
		 * not both fit, the context gives way (a refused choice's
		 * reason lists the choices). */
		if (nctx && (int)text_wrap_count(a->message, a->cols - 1) + nctx + nq + 1 > a->rows - 2)
			nctx = a->message[0] ? 0 : nctx;
		if (nctx > a->rows - 3 - nq)
			nctx = a->rows - 3 - nq > 0 ? a->rows - 3 - nq : 0;
		a->prompt_rows = nctx + nq + 1;
		draw(a);
		{
			const char *at = a->prompt_context;
			int row = a->rows - a->prompt_rows;
			for (int i = 0; i < nctx + nq; i++, row++) {
				size_t skip, n;
				char *one;
				if (i == nctx)
					at = question;
				n = text_wrap(at, a->cols - 1, &skip);
				one = strndup(at, n);
				if (i >= nctx)
					attron(A_BOLD);
				draw_text(a, row, 0, one ? one : "", a->cols - 1);
				attroff(A_BOLD);
				free(one);
				at += n + skip;
			}
		}
		move(a->rows - 1, 0);
		clrtoeol();
		attron(A_BOLD);
		qcols = inline_q ? draw_text(a, a->rows - 1, 0, question, a->cols / 2) : -1;
		attroff(A_BOLD);
		x = qcols + 1;
		/* Scroll the text so the cursor stays in sight. */
		while (start < pos && (int)(pos - start) > a->cols - x - 2)
			start++;
		{
			size_t n = wcstombs(NULL, buf + start, 0);
			mb = n == (size_t)-1 ? NULL : malloc(n + 1);
			if (mb)
				wcstombs(mb, buf + start, n + 1);
		}
		draw_text(a, a->rows - 1, x, mb ? mb : "", a->cols - x - 1);
		free(mb);
		{
			int w = 0;
			for (size_t i = start; i < pos; i++) {
				int cw = wcwidth(buf[i]);
				w += cw > 0 ? cw : 1;
			}
			move(a->rows - 1, x + w);
		}
		refresh();
		if (read_key(a, &wc, &is_key) == ERR) {
			if (tui_hangup)
				break;
			continue;
		}
		if (!is_key && (wc == '\n' || wc == '\r')) {
			size_t n = wcstombs(NULL, buf, 0);
			if (n != (size_t)-1 && (result = malloc(n + 1)))
				wcstombs(result, buf, n + 1);
			break;
		}
		if (!is_key && wc == 27)
			break;
		if ((is_key && wc == KEY_BACKSPACE) || (!is_key && (wc == 127 || wc == 8))) {
			if (pos > 0) {
				memmove(buf + pos - 1, buf + pos, (len - pos + 1) * sizeof *buf);
				pos--;
				len--;
			}
		} else if (is_key && wc == KEY_DC) {
			if (pos < len) {
				memmove(buf + pos, buf + pos + 1, (len - pos) * sizeof *buf);
				len--;
			}
		} else if (is_key && wc == KEY_LEFT) {
			if (pos > 0)
				pos--;
		} else if (is_key && wc == KEY_RIGHT) {
			if (pos < len)
				pos++;
		} else if ((is_key && wc == KEY_HOME) || (!is_key && wc == 1)) {
			pos = 0;
		} else if ((is_key && wc == KEY_END) || (!is_key && wc == 5)) {
			pos = len;
		} else if (!is_key && wc == 21) {       /* C-u */
			memmove(buf, buf + pos, (len - pos + 1) * sizeof *buf);
			len -= pos;
			pos = 0;
		} else if (!is_key && wc >= ' ' && wc != 127 && len < 1022) {
			memmove(buf + pos + 1, buf + pos, (len - pos + 1) * sizeof *buf);
			buf[pos++] = (wchar_t)wc;
			len++;
		}
		/* What is typed so far, for a hangup to save. */
		free(a->prompt_text);
		{
			size_t n = wcstombs(NULL, buf, 0);
			a->prompt_text = n == (size_t)-1 ? NULL : malloc(n + 1);
			if (a->prompt_text)
				wcstombs(a->prompt_text, buf, n + 1);
		}
	}
	/* On a hangup, what was typed stays for tui_run to save. */
	if (!tui_hangup) {
		free(a->prompt_text);
		a->prompt_text = NULL;
	}
	a->message[0] = '\0';
	a->prompt_rows = 0;
	return result;
}
