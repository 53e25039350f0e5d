/* cairn hook pre-commit: run by git as a workbook's pre-commit hook
 * (include/cairn/githook.h), and the hook's install by init, clone, demo
 * and the verbs that save.  It never stops a commit: cairn's own trouble
 * is told on stderr and the hook exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn/githook.h"
#include "cli.h"

static void healed(const char *record, const char *path, void *ctx)
{
	cli *c = ctx;

	(void)path;
	cli_printf(c, stderr, _("cairn: %s: git's index held an older version of it, left by a "
			       "git command that ran beside a cairn save; the saved version was "
			       "put back (to commit the older version on purpose: git commit "
			       "--no-verify)\n"), record);
}

int cmd_hook(cli *c, int argc, char **argv)
{
	cairn_error err;

	if (argc != 2 || strcmp(argv[1], "pre-commit") != 0)
		return cli_verb_usage(c);
	if (cairn_wb_heal_git_index(c->dir ? c->dir : ".", getenv("GIT_INDEX_FILE"), healed, c,
				    &err) != CAIRN_OK)
		cli_printf(c, stderr, _("cairn: warning: git's pre-commit hook could not look at "
				       "git's index (the commit goes on): %s\n"), err.msg);
	return EXIT_DONE;
}

void cli_install_git_hook(cli *c, bool only_if_missing)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	cairn_error err;

	if (n <= 0 || !c->wb)
		return;
	self[n] = '\0';
	if (cairn_wb_install_git_hook(c->wb, self, only_if_missing, &err) != CAIRN_OK)
		cli_warn(err.msg, c);
}
