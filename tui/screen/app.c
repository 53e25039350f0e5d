/* The terminal interface's main loop: the screen, the keys, the status
 * line, the prompt, saving, and leaving cleanly whatever happens.
 *
 * Hangups: ncurses catches INT, TERM, TSTP and WINCH but not HUP, and a
 * read loop that ignores ERR spins once the terminal is gone.  So HUP and
 * TERM set a flag (installed even when HUP was inherited as ignored, as
 * under nohup); reads time out every second; ERR with EIO, or a terminal
 * that is no longer one, counts as a hangup.  On a hangup the prompt's text
 * is saved as a draft and cairn leaves within a second or two. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>

#include "cairn/buf.h"
#include "cairn/sanitize.h"
#include "cairn/sync.h"
#include "tui.h"

volatile sig_atomic_t tui_hangup;

enum { PAIR_HEAD = 1, PAIR_ALERT, PAIR_GOOD, PAIR_DIM, PAIR_STATUS };

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

/* ---- drawing ---- */

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

static view *top(app *a)
{
	return a->depth ? &a->stack[a->depth - 1] : NULL;
}

static int body_rows(const app *a)
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
	int hint_cols = 8;

	cairn_date_iso(cairn_wb_today(a->wb), iso, sizeof iso);
	cli_date(a->c, iso, today, sizeof today);
	snprintf(left, sizeof left, " %s | %s | %s%s | %s | %s", cairn_wb_name(a->wb),
		 who && *who ? who : _("(no user.name)"), today,
		 cairn_wb_has_clock(a->wb) ? _(" (demo clock)") : "", a->shared, v ? v->title : "");
	/* A translation may make the hint wider or narrower than 8. */
	if (mbstowcs(wide, hint, 32) < 32 && wcswidth(wide, 32) > 0 && wcswidth(wide, 32) < 20)
		hint_cols = wcswidth(wide, 32);
	attron(A_REVERSE);
	mvhline(a->rows - 2, 0, ' ', a->cols);
	/* The way to help stays in sight however narrow the terminal. */
	draw_text(a, a->rows - 2, 0, left, a->cols - hint_cols - 1);
	draw_text(a, a->rows - 2, a->cols - hint_cols, hint, hint_cols);
	attroff(A_REVERSE);
	if (a->message[0]) {
		if (a->message_is_error)
			attron(A_BOLD | (a->color ? COLOR_PAIR(PAIR_ALERT) : 0));
		draw_text(a, a->rows - 1, 0, a->message, a->cols - 1);
		attroff(A_BOLD | (a->color ? COLOR_PAIR(PAIR_ALERT) : 0));
	}
}

static void draw(app *a)
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

/* ---- messages, prompt, saving ---- */

void app_message(app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof a->message, fmt, ap);
	va_end(ap);
	a->message_is_error = error;
}

/* Read one key; ERR on timeout.  A hangup or a terminal gone ends the
 * loop from here. */
static int read_key(app *a, wint_t *wc, bool *is_key)
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
		int qcols, x;
		char *mb;
		size_t start = 0;

		draw(a);
		if (a->prompt_context[0]) {
			move(a->rows - 2, 0);
			clrtoeol();
			draw_text(a, a->rows - 2, 0, a->prompt_context, a->cols);
		}
		move(a->rows - 1, 0);
		clrtoeol();
		attron(A_BOLD);
		qcols = draw_text(a, a->rows - 1, 0, question, a->cols / 2);
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
	return result;
}

bool app_save_field(app *a, const cairn_ref *ref, const char *key, const char *value)
{
	const char *keys[1] = { key }, *values[1] = { value };
	cairn_edit e = { CAIRN_EDIT_SET, *ref, keys, values, 1, false, false };
	cairn_save_result res;
	cairn_error err;
	cairn_record before;
	cairn_index_hit hit;
	char *old = NULL;

	memset(&res, 0, sizeof res);
	cairn_record_init(&before);
	{
		char name[CAIRN_PATH_MAX];
		cairn_ref_format(ref, name, sizeof name);
		if (cairn_wb_resolve(a->wb, name, &hit, &err) == CAIRN_OK &&
		    cairn_wb_read(a->wb, &hit, &before, &err) == CAIRN_OK) {
			const char *v = cairn_record_get(&before, key);
			old = strdup(v ? v : "");
		}
	}
	cairn_record_done(&before);
	if (cairn_wb_save(a->wb, &e, 1, NULL, &res, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		free(old);
		return false;
	}
	if (res.commit.hex[0]) {
		app_message(a, false, _("saved %.12s  %s"), res.commit.hex, res.message ? res.message : "");
		free(a->undo_key);
		free(a->undo_value);
		a->undo_ref = *ref;
		a->undo_key = strdup(key);
		a->undo_value = old;    /* stored form: saved back as is */
		a->undo_ready = a->undo_key && a->undo_value;
		old = NULL;
	} else {
		app_message(a, false, "%s", _("nothing changed"));
	}
	free(old);
	cairn_save_result_done(&res);
	app_rebuild(a);
	return true;
}

static void undo(app *a)
{
	cairn_ref ref;
	char *key, *value;

	if (!a->undo_ready) {
		app_message(a, true, "%s", _("nothing to undo: no edit was saved from this screen yet"));
		return;
	}
	ref = a->undo_ref;
	key = a->undo_key;
	value = a->undo_value;
	a->undo_key = a->undo_value = NULL;
	a->undo_ready = false;
	/* The undo is itself an edit, so `u` again redoes. */
	app_save_field(a, &ref, key, value);
	free(key);
	free(value);
}

/* ---- leaving the screen for a while: $EDITOR, commands ---- */

/* Split a line into words in place, as a shell would for plain words and
 * quotes ("a b" and 'a b' are one word), with no expansion of any kind:
 * the words go to execvp, never to a shell.  Returns the count. */
static int split_words(char *text, char **argv, int max)
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



static int run_outside(app *a, char *const argv[], bool wait_key)
{
	int status = -1;
	pid_t pid;

	(void)a;
	def_prog_mode();
	endwin();
	pid = fork();
	if (pid == 0) {
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, _("cairn: cannot run %s: %s\n"), argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR && !tui_hangup)
			;
	if (wait_key && !tui_hangup) {
		char answer[16];
		printf("\n%s ", _("[press Enter to go back to cairn]"));
		fflush(stdout);
		if (!fgets(answer, sizeof answer, stdin))
			tui_hangup = 1;
	}
	reset_prog_mode();
	refresh();
	return status;
}

char *app_edit_text(app *a, const char *text)
{
	char path[] = "/tmp/cairn-edit-XXXXXX";
	const char *editor = getenv("VISUAL");
	char *argv[16], *result = NULL;
	int fd = mkstemp(path), status;
	FILE *f;

	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	if (fd < 0) {
		app_message(a, true, _("cannot make a temporary file: %s"), strerror(errno));
		return NULL;
	}
	if (write(fd, text, strlen(text)) < 0) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	/* No shell: $EDITOR is split into words ("emacs -nw" works), and the
	 * words are run as they are. */
	{
		char *words = strdup(editor);
		int n = words ? split_words(words, argv, 14) : 0;
		if (!n) {
			free(words);
			unlink(path);
			return NULL;
		}
		argv[n] = path;
		argv[n + 1] = NULL;
		status = run_outside(a, argv, false);
		free(words);
	}
	if (status != 0) {
		app_message(a, true, _("%s did not finish cleanly; nothing was changed"), editor);
	} else if ((f = fopen(path, "r"))) {
		cairn_buf b = CAIRN_BUF_INIT;
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			cairn_buf_add(&b, chunk, n);
		fclose(f);
		/* An editor's final newline is not part of the text. */
		while (b.len && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		result = cairn_buf_detach(&b, NULL);
	}
	unlink(path);
	return result;
}

static void run_command(app *a)
{
	char *text = app_prompt(a, ":cairn", NULL), self[4096];
	char *argv[64];
	int n = 0;
	ssize_t len;

	if (!text)
		return;
	len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0) {
		app_message(a, true, "%s", _("cannot find cairn's own program"));
		free(text);
		return;
	}
	self[len] = '\0';
	argv[n++] = self;
	argv[n++] = "-C";
	argv[n++] = (char *)cairn_wb_root(a->wb);
	n += split_words(text, argv + n, 60);
	argv[n] = NULL;
	if (n == 3) {
		free(text);
		return;
	}
	run_outside(a, argv, true);
	free(text);
	app_rebuild(a);
}

/* ---- views ---- */

static void build(app *a, view *v)
{
	char target[256] = "";
	const line *sel = lines_selected(&v->lines);

	if (sel && sel->target)
		snprintf(target, sizeof target, "%s", sel->target);
	lines_clear(&v->lines);
	v->ops->build(a, v->state, &v->lines);
	lines_select(&v->lines, target[0] ? target : NULL);
}

void app_push(app *a, const view_ops *ops, const void *init, size_t init_size, const char *title)
{
	view *v;

	if (a->depth == TUI_MAX_DEPTH)
		app_pop(a);
	v = &a->stack[a->depth];
	memset(v, 0, sizeof *v);
	v->ops = ops;
	v->state = calloc(1, ops->state_size ? ops->state_size : 1);
	if (!v->state)
		return;
	if (init)
		memcpy(v->state, init, init_size < ops->state_size ? init_size : ops->state_size);
	snprintf(v->title, sizeof v->title, "%s", title);
	a->depth++;
	build(a, v);
}

void app_pop(app *a)
{
	view *v;

	if (!a->depth)
		return;
	v = &a->stack[--a->depth];
	if (v->ops->done)
		v->ops->done(v->state);
	free(v->state);
	lines_clear(&v->lines);
	free(v->lines.v);
	free(v->lines.filter);
}

/* How many saved edits wait to be shared, for the status line. */
static void count_unshared(app *a)
{
	bool upstream;
	size_t ahead, behind;
	cairn_error err;

	if (cairn_wb_unshared(a->wb, &upstream, &ahead, &behind, &err) != CAIRN_OK)
		snprintf(a->shared, sizeof a->shared, "%s", _("sharing state unknown"));
	else if (!upstream)
		snprintf(a->shared, sizeof a->shared, "%s", _("no shared remote yet"));
	else if (!ahead && !behind)
		snprintf(a->shared, sizeof a->shared, "%s", _("all edits shared"));
	else
		snprintf(a->shared, sizeof a->shared,
			 P_("%zu edit not shared, %zu to fetch", "%zu edits not shared, %zu to fetch",
			    ahead), ahead, behind);
}

/* Record files changed by hand and not committed.  Finding them means
 * comparing every file with git (a tenth of a second and tens of MiB at
 * 100,000 records), so a child process does it while the screen is in use
 * and writes "COUNT PATH" to a pipe that the main loop reads. */
static void start_hand_edit_check(app *a)
{
	int fds[2];
	pid_t pid;

	a->check_fd = -1;
	if (pipe(fds) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		char **paths = NULL, report[CAIRN_PATH_MAX + 32];
		size_t n = 0;
		cairn_error err;
		int len;
		close(fds[0]);
		if (cairn_wb_hand_edits(a->wb, &paths, &n, &err) == CAIRN_OK) {
			len = snprintf(report, sizeof report, "%zu %s", n, n ? paths[0] : "");
			if (write(fds[1], report, (size_t)len) < 0)
				_exit(1);
		}
		_exit(0);       /* nothing of the parent's (SQLite, curses) is touched */
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return;
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	a->check_fd = fds[0];
	a->check_pid = pid;
}

static void finish_hand_edit_check(app *a)
{
	char report[CAIRN_PATH_MAX + 32];
	ssize_t got;
	size_t n = 0;

	if (a->check_fd < 0)
		return;
	got = read(a->check_fd, report, sizeof report - 1);
	if (got < 0 && errno == EAGAIN)
		return;                 /* still looking */
	if (got > 0) {
		char *path;
		report[got] = '\0';
		n = strtoul(report, &path, 10);
		if (n)
			app_message(a, true,
				    P_("%zu record file changed by hand and not committed (%s%s): "
				       "run :commit to save it",
				       "%zu record files changed by hand and not committed (%s%s): "
				       "run :commit to save them", n),
				    n, path + 1, n > 1 ? ", ..." : "");
	}
	close(a->check_fd);
	a->check_fd = -1;
	waitpid(a->check_pid, NULL, 0);
}

void app_rebuild(app *a)
{
	count_unshared(a);
	for (int i = 0; i < a->depth; i++)
		build(a, &a->stack[i]);
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
		[CAIRN_KIND_PERSON] = N_("Persons"),       [CAIRN_KIND_TARGET] = N_("Targets"),
		[CAIRN_KIND_TOOL] = N_("Tools"),           [CAIRN_KIND_TEMPLATE] = N_("Templates"),
		[CAIRN_KIND_MILESTONE] = N_("Milestones"), [CAIRN_KIND_TASK] = N_("Tasks"),
		[CAIRN_KIND_PILOT] = N_("Pilots"),         [CAIRN_KIND_EVALUATION] = N_("Evaluations"),
	};
	if (kind != CAIRN_KIND_NONE)
		app_push(a, &table_view, &kind, sizeof kind, _(titles[kind]));
}

/* Progress on the message line while a sync fetches or pushes, redrawn
 * at each whole percent (over a slow link every redraw is carried). */
static void sync_progress(const char *stage, size_t done, size_t total, size_t bytes, void *ctx)
{
	static const char *last_stage;
	static size_t last_percent = (size_t)-1;
	app *a = ctx;
	size_t percent = total ? done * 100 / total : 0;

	if (stage == last_stage && percent == last_percent && done != total)
		return;
	last_stage = stage;
	last_percent = percent;
	app_message(a, false, "%s: %zu/%zu, %zu KiB", _(stage), done, total, bytes / 1024);
	draw(a);
}

/* The server's last message on the message line (drawn sanitised). */
static void sync_remote_says(const char *text, bool transient, void *ctx)
{
	app *a = ctx;
	(void)transient;
	app_message(a, false, _("remote: %s"), text);
	draw(a);
}

/* An SSH host never seen: its fingerprint on the message line, and a
 * question; only "yes" (or its translation) accepts. */
static bool sync_accept_host(const char *name, const char *type, const char *fingerprint,
			     void *ctx)
{
	app *a = ctx;
	char *answer;
	bool yes;

	snprintf(a->prompt_context, sizeof a->prompt_context,
		 _("%s %s, unknown host %s"), fingerprint, type, name);
	answer = app_prompt(a, _("Accept this host key? (yes/no)"), "");
	a->prompt_context[0] = '\0';
	/* "yes" in English or in the user's language ("oui"). */
	yes = answer && (!strcmp(answer, "yes") || !strcmp(answer, "y") ||
			 !strcmp(answer, _("yes")));
	free(answer);
	app_message(a, false, "%s", yes ? _("host key accepted, syncing...") : _("host key refused"));
	draw(a);
	return yes;
}

static bool sync_now(app *a)
{
	cairn_sync_options o = { NULL, false, sync_progress, NULL, a, sync_accept_host, NULL,
				 a->c->cfg.sync_token, sync_remote_says };
	cairn_sync_report r;
	cairn_error err;
	cairn_status st;

	app_message(a, false, "%s", _("syncing..."));
	draw(a);
	st = cairn_wb_sync(a->wb, &o, &r, &err);
	if (st == CAIRN_OK)
		app_message(a, false,
			    P_("synced with %s: %zu record in, %zu merged, %s",
			       "synced with %s: %zu records in, %zu merged, %s", r.incoming),
			    r.remote, r.incoming, r.merged,
			    r.pushed ? _("pushed") : _("nothing to push"));
	else
		app_message(a, true, "%s", err.msg);
	app_rebuild(a);
	if (st == CAIRN_ECONFLICT)
		app_push(a, &conflicts_view, NULL, 0, _("Conflicts"));
	return st == CAIRN_OK;
}

/* H: the history of the record shown, or of the one selected. */
static void history_of_selection(app *a)
{
	view *v = top(a);
	const line *sel = lines_selected(&v->lines);
	const char *name = NULL;
	char title[200];
	cairn_ref ref;
	cairn_error err;

	if (v->ops == &record_view)
		name = v->state;        /* its state starts with "kind/id" */
	else if (sel && sel->target && cairn_ref_parse(sel->target, &ref, &err) == CAIRN_OK)
		name = sel->target;
	if (!name) {
		app_message(a, true, "%s", _("select a record to see its history (L: every commit)"));
		return;
	}
	snprintf(title, sizeof title, _("History of %s"), name);
	app_push(a, &history_view, name, strlen(name) + 1, title);
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

/* What every view shares; false when the action is not one of these. */
static bool generic(app *a, tui_action act)
{
	view *v = top(a);
	lines *l = &v->lines;
	int page = body_rows(a) - 1;

	switch (act) {
	case ACT_UP: lines_move(l, -1); return true;
	case ACT_DOWN: lines_move(l, 1); return true;
	case ACT_PAGE_UP: lines_move(l, -page); return true;
	case ACT_PAGE_DOWN: lines_move(l, page); return true;
	case ACT_FIRST: l->sel = 0; lines_select(l, NULL); return true;
	case ACT_LAST: l->sel = l->n ? l->n - 1 : 0; lines_select(l, NULL); lines_move(l, -0); return true;
	case ACT_HELP: app_push(a, &help_view, NULL, 0, _("Help: keys")); return true;
	case ACT_QUIT: quit(a); return true;
	case ACT_RELOAD: reload_config(a); return true;
	case ACT_UNDO: undo(a); return true;
	case ACT_SYNC: sync_now(a); return true;
	case ACT_CONFLICTS: app_push(a, &conflicts_view, NULL, 0, _("Conflicts")); return true;
	case ACT_TIMELINE: app_push(a, &history_view, "", 1, _("Timeline")); return true;
	case ACT_HISTORY: history_of_selection(a); return true;
	case ACT_COMMAND: run_command(a); return true;
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

/* Who the user is among the persons: the one with the user's email. */
static cairn_status note_me(const char *const *values, void *ctx, cairn_error *err)
{
	app *a = ctx;
	(void)err;
	snprintf(a->me, sizeof a->me, "%s", values[0]);
	return CAIRN_OK;
}

static void find_me(app *a)
{
	cairn_filter f = { "email", a->c->cfg.user_email, CAIRN_OP_EQ };
	const char *cols[1] = { "id" };
	cairn_error err;

	a->me[0] = '\0';
	if (f.value && *f.value)
		cairn_index_rows(cairn_wb_index(a->wb), CAIRN_KIND_PERSON, cols, 1, &f, 1, NULL, 1,
				 note_me, a, &err);
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
	/* A hangup with a prompt open: keep what was typed as a draft. */
	if (tui_hangup && a.prompt_text && a.prompt_key[0] && a.prompt_ref[0]) {
		cairn_ref ref;
		cairn_error err;
		if (cairn_ref_parse(a.prompt_ref, &ref, &err) == CAIRN_OK)
			app_save_field(&a, &ref, a.prompt_key, a.prompt_text);
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
