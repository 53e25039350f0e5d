/* cairn import csv KIND FILE|- [--skip-bad]: rows from a spreadsheet (the
 * key-person list, the pilot cities), each checked; every bad row is
 * reported by line and column, and nothing is imported unless everything is
 * valid, or, with --skip-bad, the good rows are and the rest are listed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/csv.h"
#include "cli.h"

typedef struct row_plan {
	int line;
	cairn_edit edit;
	bool bad;
} row_plan;

/* The column a save's message names ("task/T1: assignee: ..."), or 0. */
static size_t column_of(const cairn_csv_row *head, const char *msg)
{
	const char *colon = strstr(msg, ": ");
	for (size_t c = 0; colon && c < head->n; c++) {
		size_t n = strlen(head->cells[c]);
		if (!strncmp(colon + 2, head->cells[c], n) && colon[2 + n] == ':')
			return c + 1;
	}
	return 0;
}

int cmd_import_csv(cli *c, int argc, char **argv)
{
	const char *file = NULL, *name;
	bool skip_bad = false;
	cairn_kind kind;
	cairn_csv csv;
	cairn_error err;
	row_plan *rows = NULL;
	size_t nrows = 0, bad = 0, id_col = (size_t)-1;
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
		return cli_fail(c, EXIT_USAGE, _("'%s' is not a kind: %s"), argv[2], cairn_kind_names());
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
	if (!csv.n) {
		cairn_csv_done(&csv);
		return cli_fail(c, EXIT_REFUSED, _("%s: empty: the first line names the columns (id, "
				"then fields)"), name);
	}
	/* The header: id, and fields of the kind (answers for evaluations). */
	for (size_t col = 0; col < csv.rows[0].n; col++) {
		const char *h = csv.rows[0].cells[col];
		const cairn_kind_def *def = cairn_kind_def_of(kind);
		if (!strcmp(h, "id")) {
			id_col = col;
			continue;
		}
		if (!cairn_kind_field(kind, h) &&
		    !(def->dynamic_prefix && !strncmp(h, def->dynamic_prefix, strlen(def->dynamic_prefix)))) {
			rc = cli_fail(c, EXIT_REFUSED, _("%s:1:%zu: '%s' is not a field of %s (cairn help "
				      "add lists them); rename or remove the column"), name, col + 1, h,
				      def->name);
			goto done;
		}
	}
	if (id_col == (size_t)-1) {
		rc = cli_fail(c, EXIT_REFUSED, _("%s:1: no 'id' column: each row needs the record's id"),
			      name);
		goto done;
	}
	if (!(rows = calloc(csv.n, sizeof *rows))) {
		rc = cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
		goto done;
	}
	/* Every row and cell checked before anything is saved. */
	for (size_t r = 1; r < csv.n; r++) {
		const cairn_csv_row *row = &csv.rows[r];
		row_plan *p = &rows[nrows++];
		cairn_index_hit hit;
		char ref[CAIRN_PATH_MAX];
		bool found = false;
		p->line = row->line;
		if (row->n != csv.rows[0].n) {
			fprintf(stderr, _("cairn: %s:%d: %zu cells where the header has %zu\n"), name,
				row->line, row->n, csv.rows[0].n);
			p->bad = true;
			bad++;
			continue;
		}
		snprintf(ref, sizeof ref, "%s/%s", cairn_kind_def_of(kind)->name, row->cells[id_col]);
		if (cairn_ref_parse(ref, &p->edit.ref, &err) != CAIRN_OK) {
			fprintf(stderr, "cairn: %s:%d:%zu: %s\n", name, row->line, id_col + 1, err.msg);
			p->bad = true;
			bad++;
			continue;
		}
		found = cairn_wb_resolve(c->wb, ref, &hit, &err) == CAIRN_OK;
		p->edit.op = found ? CAIRN_EDIT_SET : CAIRN_EDIT_ADD;
		p->edit.keys = calloc(row->n, sizeof(char *));
		p->edit.values = calloc(row->n, sizeof(char *));
		if (!p->edit.keys || !p->edit.values) {
			rc = cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
			goto done;
		}
		for (size_t col = 0; col < row->n; col++) {
			const cairn_field_def *field = cairn_kind_field(kind, csv.rows[0].cells[col]);
			char *stored = NULL;
			/* An empty cell leaves the field as it is. */
			if (col == id_col || !row->cells[col][0])
				continue;
			if (field && cairn_value_normalize(field, row->cells[col], cairn_wb_date_format(c->wb),
						       &stored, &err) != CAIRN_OK) {
				fprintf(stderr, "cairn: %s:%d:%zu: %s\n", name, row->line, col + 1, err.msg);
				p->bad = true;
			}
			free(stored);
			((const char **)p->edit.keys)[p->edit.n] = csv.rows[0].cells[col];
			((const char **)p->edit.values)[p->edit.n] = row->cells[col];
			p->edit.n++;
		}
		bad += p->bad;
	}
	if (bad && !skip_bad) {
		rc = cli_fail(c, EXIT_REFUSED,
			      P_("%s: %zu bad row; nothing was imported (fix it, or --skip-bad "
				 "imports the others)",
				 "%s: %zu bad rows; nothing was imported (fix them, or --skip-bad "
				 "imports the others)", bad), name, bad);
		goto done;
	}
	/* One commit; what only the whole workbook can tell (a person named
	 * who does not exist) comes back by record and field. */
	for (int tries = 0; tries < 1000; tries++) {
		cairn_edit *edits = calloc(nrows ? nrows : 1, sizeof *edits);
		cairn_save_result res;
		size_t n = 0;
		char message[1024];
		cairn_status st;
		if (!edits) {
			rc = cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
			goto done;
		}
		for (size_t r = 0; r < nrows; r++)
			if (!rows[r].bad)
				edits[n++] = rows[r].edit;
		if (!n) {
			free(edits);
			printf("%s", _("nothing imported: every row was bad\n"));
			rc = skip_bad ? EXIT_DONE : EXIT_REFUSED;
			goto done;
		}
		snprintf(message, sizeof message, "Import %zu %s from %s", n,
			 cairn_kind_def_of(kind)->folder, name);
		memset(&res, 0, sizeof res);
		st = cairn_wb_save(c->wb, edits, n, message, &res, &err);
		free(edits);
		if (st == CAIRN_OK) {
			printf(P_("imported %zu record from %s", "imported %zu records from %s", n), n,
			       name);
			if (bad)
				printf(P_(" (%zu bad row skipped)", " (%zu bad rows skipped)", bad), bad);
			printf("\n");
			if (res.commit.hex[0]) {
				printf(_("saved %.12s  "), res.commit.hex);
				printf("%s\n", message);
			}
			cairn_save_result_done(&res);
			goto done;
		}
		/* Which row? The message starts "kind/ID: ". */
		{
			size_t hit = nrows;
			for (size_t r = 0; r < nrows && hit == nrows; r++) {
				char ref[CAIRN_PATH_MAX];
				if (rows[r].bad)
					continue;
				cairn_ref_format(&rows[r].edit.ref, ref, sizeof ref);
				if (!strncmp(err.msg, ref, strlen(ref)) && err.msg[strlen(ref)] == ':')
					hit = r;
			}
			if (hit == nrows) {
				rc = cli_error(c, &err);
				goto done;
			}
			fprintf(stderr, "cairn: %s:%d:%zu: %s\n", name, rows[hit].line,
				column_of(&csv.rows[0], err.msg), err.msg);
			rows[hit].bad = true;
			bad++;
			if (!skip_bad) {
				rc = cli_fail(c, EXIT_REFUSED, _("%s: nothing was imported (fix the row, or "
					      "--skip-bad imports the others)"), name);
				goto done;
			}
		}
	}
done:
	for (size_t r = 0; r < nrows; r++) {
		free((void *)rows[r].edit.keys);
		free((void *)rows[r].edit.values);
	}
	free(rows);
	cairn_csv_done(&csv);
	return rc;
}
