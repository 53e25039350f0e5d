/* cairn doctor [REMOTE]: what is wrong with a remote, seen from this
 * member's account, and how to mend it.  The findings come from the core
 * (core/git/doctor.c); this face prints them, sanitised: paths and the
 * server's words are not ours to trust. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/githook.h"
#include "cairn/sync.h"
#include "cli.h"

static void finding(bool problem, const char *what, const char *fix, void *ctx)
{
	cli *c = ctx;

	printf("%s ", problem ? _("problem:") : _("ok:     "));
	/* A finding may hold the server's lines: each under the first. */
	for (const char *line = what;;) {
		size_t n = strcspn(line, "\n");
		char *one = strndup(line, n);
		cli_put(c, stdout, one ? one : "", false);
		free(one);
		printf("\n");
		if (!line[n])
			break;
		line += n + 1;
		printf("         ");
	}
	if (problem && fix) {
		printf("  %s ", _("fix:"));
		cli_put(c, stdout, fix, false);
		printf("\n");
	}
}

int cmd_doctor(cli *c, int argc, char **argv)
{
	cairn_net net = { NULL, NULL, NULL, NULL, c, NULL, cli_passphrase, NULL, NULL };
	cairn_error err;
	int problems = 0, hook_problems = 0;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return cli_verb_usage(c);
	net.token = c->cfg.sync_token;
	net.username = c->cfg.sync_username;
	net.ca_file = c->cfg.sync_ca_file;
	if (cairn_wb_doctor_git_hook(c->wb, finding, c, &hook_problems, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if (cairn_wb_doctor(c->wb, argc == 2 ? argv[1] : NULL, &net, finding, c, &problems,
			    &err) != CAIRN_OK)
		return cli_error(c, &err);
	problems += hook_problems;
	if (problems)
		printf(P_("%d problem found\n", "%d problems found\n", problems), problems);
	return problems ? EXIT_REFUSED : EXIT_DONE;
}
