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

/* A demo plan is two files of share/demo/: PLAN.ini, the workbook's
 * settings as its cairn.ini has them (its name and clock), and PLAN.json,
 * its records as `cairn import json` reads them (its own lists among
 * them).  No code here knows one plan from another. */
#define DEMO_DIR "demo/"
#define DEMO_PLAN "citizen-city"

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
	if (cli_open_workbook(c) == EXIT_DONE) {
		cli_register_merge_driver(c);
		cli_install_git_hook(c, false);
	}
	printf("%s", _("made a workbook in "));
	cli_put(c, stdout, dir, false);
	printf("\n");
	return EXIT_DONE;
}

/* A plan's file: installed, or beside the sources for a build that was
 * not installed (the Quick start runs it from the build folder).  A new
 * string, or NULL when no folder holds it. */
static char *demo_file(const char *plan, const char *ext)
{
	const char *env = getenv("CAIRN_SHARE");
	const char *dirs[] = { env, CAIRN_PKGDATADIR, CAIRN_SRCDIR "/share" };
	cairn_buf b = CAIRN_BUF_INIT;
	struct stat sb;

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		cairn_buf_reset(&b);
		cairn_buf_printf(&b, "%s/%s%s%s", dirs[i], DEMO_DIR, plan, ext);
		if (stat(cairn_buf_str(&b), &sb) == 0)
			return cairn_buf_detach(&b, NULL);
	}
	cairn_buf_done(&b);
	return NULL;
}

/* A plan is a name of letters, digits and '-': never a path. */
static bool plan_name_ok(const char *plan)
{
	if (!*plan || strlen(plan) > 64)
		return false;
	for (const char *p = plan; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

int cmd_demo(cli *c, int argc, char **argv)
{
	char tmpl[4096], *data_path, *data, *ini_path, *ini, message[256];
	const char *dir = NULL, *tmp = getenv("TMPDIR"), *plan = DEMO_PLAN;
	cairn_settings plan_settings;
	cairn_error err;
	size_t len, ini_len;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--plan") && i + 1 < argc)
			plan = argv[++i];
		else if (argv[i][0] == '-' || dir)
			return cli_verb_usage(c);
		else
			dir = argv[i];
	}
	if (!plan_name_ok(plan))
		return cli_fail(c, EXIT_USAGE, _("'%s' is not a plan: a plan is named by letters, "
						 "digits and '-', such as %s"), plan, DEMO_PLAN);
	data_path = demo_file(plan, ".json");
	ini_path = demo_file(plan, ".ini");
	if (!data_path || !ini_path) {
		free(data_path);
		free(ini_path);
		return cli_fail(c, EXIT_TROUBLE,
				"the demo plan %s (%s%s.json and .ini) is not installed in %s or "
				"%s/share; set CAIRN_SHARE to the folder that holds it", plan, DEMO_DIR,
				plan, CAIRN_PKGDATADIR, CAIRN_SRCDIR);
	}
	data = cli_read_file(data_path, &len);
	ini = cli_read_file(ini_path, &ini_len);
	memset(&plan_settings, 0, sizeof plan_settings);
	if (!data || !ini) {
		rc = cli_fail(c, EXIT_TROUBLE, "cannot read %s: %s", data ? ini_path : data_path,
			      strerror(errno));
		goto done;
	}
	if (cairn_settings_parse(ini, ini_path, &plan_settings, NULL, NULL, &err) != CAIRN_OK) {
		rc = cli_error(c, &err);
		goto done;
	}
	if (!dir) {
		snprintf(tmpl, sizeof tmpl, "%s/cairn-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tmpl)) {
			rc = cli_fail(c, EXIT_TROUBLE, "cannot make a folder for the demo: %s",
				      strerror(errno));
			goto done;
		}
		dir = tmpl;
	}
	if (cairn_wb_init(dir, plan_settings.name ? plan_settings.name : plan, plan_settings.clock,
			  false, &c->cfg, &err) != CAIRN_OK) {
		rc = cli_error(c, &err);
		goto done;
	}
	snprintf(message, sizeof message, "Fill the demo workbook with the %s plan",
		 plan_settings.name ? plan_settings.name : plan);
	c->dir = dir;
	rc = cli_open_workbook(c);
	if (rc == EXIT_DONE) {
		cli_register_merge_driver(c);
		cli_install_git_hook(c, false);
	}
	if (rc == EXIT_DONE)
		rc = cli_import_json(c, data, len, data_path, message, true);
done:
	cairn_settings_done(&plan_settings);
	free(data);
	free(data_path);
	free(ini);
	free(ini_path);
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
