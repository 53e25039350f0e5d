/* Paging long output, as git does: only when standard output is a
 * terminal, through $CAIRN_PAGER, the configuration's [display] pager,
 * $PAGER, or less (with LESS=FRX when LESS is unset, so that a short
 * output is simply printed and colours pass).  The pager is run with
 * execvp, its command split at blanks, never through a shell. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static pid_t pager_pid = -1;

/* Is program (no '/') on $PATH, or (with '/') executable? */
static bool runnable(const char *program)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(program, '/'))
		return access(program, X_OK) == 0;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", program);
		if (access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static const char *pager_command(const cli *c)
{
	const char *p = getenv("CAIRN_PAGER");

	if (!p && c->cfg.pager)
		p = c->cfg.pager;
	if (!p)
		p = getenv("PAGER");
	return p ? p : "less";
}

bool cli_pager_start(cli *c)
{
	char *copy, *argv[16];
	int fds[2], argc = 0;
	const char *command = pager_command(c);

	if (!c->out_tty || pager_pid > 0)
		return false;
	if (!(copy = strdup(command)))
		return false;
	for (char *tok = strtok(copy, " \t"); tok && argc < 15; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	/* "cat" or nothing: no pager. */
	if (!argc || !strcmp(argv[0], "cat") || !runnable(argv[0]) || pipe(fds) != 0) {
		free(copy);
		return false;
	}
	fflush(stdout);
	pager_pid = fork();
	if (pager_pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	free(copy);
	close(fds[0]);
	if (pager_pid < 0) {
		close(fds[1]);
		return false;
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	/* Quitting the pager early is not an error of ours. */
	signal(SIGPIPE, SIG_IGN);
	return true;
}

void cli_pager_end(cli *c)
{
	(void)c;
	if (pager_pid <= 0)
		return;
	fflush(stdout);
	close(STDOUT_FILENO);
	while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
}
