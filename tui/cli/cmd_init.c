/* The verbs that make workbooks: init and demo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cli.h"
#include "screen/tui.h"

#define DEMO_FILE "demo/citizen-city.json"

int cmd_init(cli *c, int argc, char **argv)
{
	const char *dir = NULL, *name = NULL;
	cairn_date none = { 0, 0, 0 };
	cairn_error err;
	bool open = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--open"))
			open = true;
		else if (argv[i][0] == '-' || dir)
			return cli_verb_usage(c);
		else
			dir = argv[i];
	}
	if (!dir)
		dir = c->dir ? c->dir : ".";
	if (!name) {
		const char *slash = strrchr(dir, '/');
		name = slash && slash[1] ? slash + 1 : dir;
		if (!strcmp(name, "."))
			name = "workbook";
	}
	if (cairn_wb_init(dir, name, none, !open, &c->cfg, &err) != CAIRN_OK)
		return cli_error(c, &err);
	c->dir = dir;
	if (cli_open_workbook(c) == EXIT_DONE)
		cli_register_merge_driver(c);
	printf("%s", _("made a workbook in "));
	cli_put(c, stdout, dir, false);
	printf("\n");
	return EXIT_DONE;
}

/* The demo's data: installed, or beside the sources for a build that was
 * not installed (the Quick start runs it from the build folder). */
static char *demo_data_path(void)
{
	const char *env = getenv("CAIRN_SHARE");
	const char *dirs[] = { env, CAIRN_PKGDATADIR, CAIRN_SRCDIR "/share" };
	cairn_buf b = CAIRN_BUF_INIT;
	struct stat sb;

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		cairn_buf_reset(&b);
		cairn_buf_printf(&b, "%s/%s", dirs[i], DEMO_FILE);
		if (stat(cairn_buf_str(&b), &sb) == 0)
			return cairn_buf_detach(&b, NULL);
	}
	cairn_buf_done(&b);
	return NULL;
}

int cmd_demo(cli *c, int argc, char **argv)
{
	char tmpl[4096], *data_path, *data;
	const char *dir = NULL, *tmp = getenv("TMPDIR");
	cairn_date clock = { 2016, 3, 20 };
	cairn_error err;
	size_t len;
	int rc;

	if (argc > 2)
		return cli_verb_usage(c);
	if (argc == 2) {
		dir = argv[1];
	} else {
		snprintf(tmpl, sizeof tmpl, "%s/cairn-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tmpl))
			return cli_fail(c, EXIT_TROUBLE, "cannot make a folder for the demo: %s",
					strerror(errno));
		dir = tmpl;
	}
	data_path = demo_data_path();
	if (!data_path)
		return cli_fail(c, EXIT_TROUBLE,
				"the demo's data (%s) is not installed in %s or %s/share; set "
				"CAIRN_SHARE to the folder that holds it", DEMO_FILE, CAIRN_PKGDATADIR,
				CAIRN_SRCDIR);
	data = cli_read_file(data_path, &len);
	if (!data) {
		rc = cli_fail(c, EXIT_TROUBLE, "cannot read %s: %s", data_path, strerror(errno));
		free(data_path);
		return rc;
	}
	if (cairn_wb_init(dir, "Citizen City", clock, false, &c->cfg, &err) != CAIRN_OK) {
		free(data);
		free(data_path);
		return cli_error(c, &err);
	}
	c->dir = dir;
	rc = cli_open_workbook(c);
	if (rc == EXIT_DONE)
		cli_register_merge_driver(c);
	if (rc == EXIT_DONE) {
		rc = cli_import_json(c, data, len, data_path,
				     "Fill the demo workbook with the Citizen City plan", true);
	}
	free(data);
	free(data_path);
	if (rc != EXIT_DONE)
		return rc;
	/* On a terminal the demo opens; in a pipe it says where it is. */
	if (c->out_tty && isatty(STDIN_FILENO)) {
		rc = tui_run(c);
		/* The folder may be one cairn chose: say where it is and how to
		 * come back (not after a hangup, when nobody reads it). */
		if (rc == EXIT_DONE && !tui_hangup)
			cli_printf(c, stdout, _("The demo workbook is in %s\n"
						"Open it again with: cairn -C %s\n"),
				   cairn_wb_root(c->wb), cairn_wb_root(c->wb));
		return rc;
	}
	printf("%s\n", cairn_wb_root(c->wb));
	return cli_print_status(c);
}
