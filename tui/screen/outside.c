/* Leaving the screen for a while: $EDITOR on a text, and `:` to run a
 * cairn command; both run a program (execvp, never a shell) with curses
 * put aside, then come back.  Apart because it is the only place that
 * hands the terminal to another program. */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "tui.h"
#include "app_internal.h"

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

/* git's scissors line: what follows it in the file is not the text. */
#define SCISSORS "# ------------------------ >8 ------------------------"

char *app_edit_text(app *a, const char *text, const char *about)
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
	{
		/* What the text answers, as comment lines under the scissors (as
		 * git does for a commit message): read, then cut off. */
		cairn_buf b = CAIRN_BUF_INIT;
		bool ok;
		cairn_buf_adds(&b, text);
		if (about && *about) {
			cairn_buf_printf(&b, "%s\n\n%s\n# %s\n", *text ? "" : "", SCISSORS,
					 _("Do not change or remove the line above: what is below it "
					   "is not saved."));
			for (const char *p = about; *p;) {
				size_t n = strcspn(p, "\n");
				cairn_buf_printf(&b, "# %.*s\n", (int)n, p);
				p += n + (p[n] == '\n');
			}
		}
		ok = write(fd, cairn_buf_str(&b), b.len) == (ssize_t)b.len;
		cairn_buf_done(&b);
		close(fd);
		if (!ok) {
			unlink(path);
			return NULL;
		}
	}
	/* No shell: $EDITOR is split into words ("emacs -nw" works), and the
	 * words are run as they are. */
	{
		char *words = strdup(editor);
		int n = words ? words_split(words, argv, 14) : 0;
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
		/* The scissors and what follows are not the text; nor is an
		 * editor's final newline. */
		if (about && *about && b.len) {
			char *cut = strstr(b.data, SCISSORS);
			if (cut) {
				b.len = (size_t)(cut - b.data);
				b.data[b.len] = '\0';
			}
		}
		while (b.len && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		result = cairn_buf_detach(&b, NULL);
	}
	unlink(path);
	return result;
}

tui_action run_command(app *a, const tui_action *views, size_t nviews)
{
	char *text = app_prompt(a, ":cairn", NULL), self[4096];
	char *argv[64];
	int n = 0;
	ssize_t len;

	if (!text)
		return ACT_NONE;
	{
		char word[64];
		if (sscanf(text, " %63s %c", word, self) == 1)
			for (size_t i = 0; i < nviews; i++)
				if (!strcmp(word, keys_action_name(views[i]))) {
					free(text);
					return views[i];
				}
	}
	len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0) {
		app_message(a, true, "%s", _("cannot find cairn's own program"));
		free(text);
		return ACT_NONE;
	}
	self[len] = '\0';
	argv[n++] = self;
	argv[n++] = "-C";
	argv[n++] = (char *)cairn_wb_root(a->wb);
	n += words_split(text, argv + n, 60);
	argv[n] = NULL;
	if (n == 3) {
		free(text);
		return ACT_NONE;
	}
	run_outside(a, argv, true);
	free(text);
	app_rebuild(a);
	return ACT_NONE;
}
