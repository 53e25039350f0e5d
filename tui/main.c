/* cairn: main().  Reads the global options, loads the user's config, finds
 * the verb in the table (tui/cli/cli.c) and runs it; decides how errors are
 * shown and which exit code says what went wrong. */
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn/sanitize.h"
#include "cli/cli.h"
#include "i18n.h"
#include "screen/tui.h"

static void version(void)
{
	printf("cairn %s\n", PACKAGE_VERSION);
}

int main(int argc, char **argv)
{
	cli c;
	cairn_error err;
	const struct verb *verbs, *v = NULL;
	size_t nverbs;
	int i = 1, rc;

	memset(&c, 0, sizeof c);
	i18n_init();
	c.out_tty = isatty(STDOUT_FILENO);
	c.err_tty = isatty(STDERR_FILENO);
	c.san = CAIRN_SAN_TABS;
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		c.san |= CAIRN_SAN_ASCII;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-C")) {
			if (++i >= argc)
				return cli_fail(&c, EXIT_USAGE, "%s",
						_("-C needs a folder: cairn -C DIR VERB ..."));
			c.dir = argv[i];
		} else if (!strncmp(argv[i], "-C", 2)) {
			c.dir = argv[i] + 2;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			return cmd_help(&c, 0, NULL);
		} else if (!strcmp(argv[i], "--version")) {
			version();
			return EXIT_DONE;
		} else {
			return cli_fail(&c, EXIT_USAGE, _("unknown option '%s' (cairn --help lists them)"),
					argv[i]);
		}
	}
	if (i >= argc) {
		/* No verb: the terminal interface on the workbook here (or -C). */
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			return cli_usage(&c);
		if (cairn_config_load(&c.cfg, cli_warn, &c, &err) != CAIRN_OK)
			return cli_error(&c, &err);
		if ((rc = cli_open_workbook(&c)) == EXIT_DONE)
			rc = tui_run(&c);
		cairn_wb_close(c.wb);
		cairn_config_done(&c.cfg);
		return rc;
	}
	verbs = cli_verbs(&nverbs);
	for (size_t k = 0; k < nverbs; k++)
		if (!strcmp(argv[i], verbs[k].name))
			v = &verbs[k];
	if (!v)
		return cli_fail(&c, EXIT_USAGE, _("'%s' is not a cairn verb (cairn --help lists them)"),
				argv[i]);
	c.verb = v;
	if (cli_wants_help(&c, argc - i, argv + i))
		return EXIT_DONE;
	if (cairn_config_load(&c.cfg, cli_warn, &c, &err) != CAIRN_OK)
		return cli_error(&c, &err);
	if (v->opens != OPENS_NOTHING && (rc = cli_open_workbook(&c)) != EXIT_DONE) {
		cairn_config_done(&c.cfg);
		return rc;
	}
	rc = v->run(&c, argc - i, argv + i);
	cairn_wb_close(c.wb);
	cairn_config_done(&c.cfg);
	return rc;
}
