/* cairn import csv KIND FILE|- [--skip-bad]: rows from a spreadsheet (the
 * key-person list, the pilot cities).  The checking and the save are the
 * core's (cairn_wb_import_csv); here are the arguments, reading the file
 * and what is printed: every bad row by line and column, then what was
 * imported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/csv.h"
#include "cairn/import.h"
#include "cli.h"

static void report_row(const char *message, void *ctx)
{
	cli *c = ctx;

	fprintf(stderr, "cairn: ");
	cli_put(c, stderr, message, false);
	fprintf(stderr, "\n");
}

int cmd_import_csv(cli *c, int argc, char **argv)
{
	const char *file = NULL, *name;
	bool skip_bad = false;
	cairn_kind kind;
	cairn_csv csv;
	cairn_error err;
	cairn_import_result res;
	char *data;
	size_t len;
	FILE *f;
	int rc = EXIT_DONE;

	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--skip-bad"))
			skip_bad = true;
		else if (!file)
			file = argv[i];
		else
			return cli_verb_usage(c);
	}
	if (argc < 4 || !file)
		return cli_verb_usage(c);
	if ((kind = cairn_kind_by_name(argv[2])) == CAIRN_KIND_NONE)
		return cli_not_a_kind(c, EXIT_USAGE, argv[2]);
	name = strcmp(file, "-") ? file : "<stdin>";
	if (!(f = strcmp(file, "-") ? fopen(file, "rb") : stdin))
		return cli_fail(c, EXIT_REFUSED, _("cannot read %s: %m"), file);
	data = cli_read_stream(f, &len);
	if (f != stdin)
		fclose(f);
	if (!data)
		return cli_fail(c, EXIT_TROUBLE, _("cannot read %s"), name);
	if (cairn_csv_parse(data, len, name, &csv, &err) != CAIRN_OK) {
		free(data);
		return cli_error(c, &err);
	}
	free(data);
	if (cairn_wb_import_csv(c->wb, kind, &csv, name, skip_bad, report_row, c, &res,
				&err) != CAIRN_OK) {
		rc = cli_error(c, &err);
	} else if (!res.imported) {
		printf("%s", _("nothing imported: every row was bad\n"));
		rc = skip_bad ? EXIT_DONE : EXIT_REFUSED;
	} else {
		printf(P_("imported %zu record from %s", "imported %zu records from %s", res.imported),
		       res.imported, name);
		if (res.bad)
			printf(P_(" (%zu bad row skipped)", " (%zu bad rows skipped)", res.bad), res.bad);
		printf("\n");
		/* Which rows did what, so a spreadsheet's owner can check. */
		if (res.added) {
			printf(P_("  added %zu: ", "  added %zu: ", res.nadded), res.nadded);
			cli_put(c, stdout, res.added, false);
			printf("\n");
		}
		if (res.changed) {
			printf(P_("  changed %zu: ", "  changed %zu: ", res.nchanged), res.nchanged);
			cli_put(c, stdout, res.changed, false);
			printf("\n");
		}
		if (res.unchanged) {
			printf(P_("  unchanged %zu: ", "  unchanged %zu: ", res.nunchanged),
			       res.nunchanged);
			cli_put(c, stdout, res.unchanged, false);
			printf("\n");
		}
		if (res.save.commit.hex[0]) {
			printf(_("saved %.12s  "), res.save.commit.hex);
			/* The subject line; the body lists every record. */
			const char *msg = res.save.message ? res.save.message : "";
			char *subject = strndup(msg, strcspn(msg, "\n"));
			cli_put(c, stdout, subject ? subject : "", false);
			printf("\n");
			free(subject);
		}
	}
	cairn_import_result_done(&res);
	cairn_csv_done(&csv);
	return rc;
}
