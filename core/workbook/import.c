/* Rows of a spreadsheet imported as records (see include/cairn/import.h).
 *
 * Two passes.  The first holds every row to what a record may be, alone:
 * as many cells as the header, an id, each cell a value of its field.
 * The second is one save of the good rows; what only the whole workbook
 * can tell (a reference to a record that does not exist) fails the save,
 * which names the edit at fault (cairn_save_result.failed): with skip_bad
 * that row is dropped and the rest saved again, so the save runs at most
 * once per row that fails it. */
#include "cairn/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"

typedef struct row_plan {
	int line;
	cairn_edit edit;
	cairn_oid blob;         /* the record before (a change), to tell what changed */
	bool bad;
} row_plan;

typedef struct importer {
	cairn_wb *wb;
	cairn_kind kind;
	const cairn_csv *csv;
	const char *name;
	cairn_warn_fn report;
	void *ctx;
	size_t id_col;
	row_plan *rows;
	size_t nrows, bad;
} importer;

static void say(const importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const importer *im, const char *fmt, ...)
{
	char line[CAIRN_ERROR_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (im->report)
		im->report(line, im->ctx);
}

/* The header: id, and fields of the kind (answers for evaluations). */
static cairn_status check_header(importer *im, cairn_error *err)
{
	const cairn_csv_row *head = &im->csv->rows[0];
	const cairn_kind_def *def = cairn_kind_def_of(im->kind);

	im->id_col = (size_t)-1;
	for (size_t col = 0; col < head->n; col++) {
		const char *h = head->cells[col];
		if (!strcmp(h, "id")) {
			im->id_col = col;
			continue;
		}
		if (!cairn_kind_field(im->kind, h) &&
		    !(def->dynamic_prefix && !strncmp(h, def->dynamic_prefix, strlen(def->dynamic_prefix))))
			return cairn_fail(err, CAIRN_EINPUT, _("%s:1:%zu: '%s' is not a field of %s (cairn "
					  "help add lists them); rename or remove the column"), im->name,
					  col + 1, h, def->name);
	}
	if (im->id_col == (size_t)-1)
		return cairn_fail(err, CAIRN_EINPUT,
				  _("%s:1: no 'id' column: each row needs the record's id"), im->name);
	return CAIRN_OK;
}

/* One row planned as an edit; p->bad (and a report) when it cannot be. */
static cairn_status plan_row(importer *im, const cairn_csv_row *row, row_plan *p, cairn_error *err)
{
	const cairn_csv_row *head = &im->csv->rows[0];
	cairn_index_hit hit;
	cairn_error why;
	char ref[CAIRN_PATH_MAX];

	p->line = row->line;
	if (row->n != head->n) {
		say(im, _("%s:%d: %zu cells where the header has %zu"), im->name, row->line, row->n,
		    head->n);
		p->bad = true;
		return CAIRN_OK;
	}
	snprintf(ref, sizeof ref, "%s/%s", cairn_kind_def_of(im->kind)->name, row->cells[im->id_col]);
	if (cairn_ref_parse(ref, &p->edit.ref, &why) != CAIRN_OK) {
		say(im, "%s:%d:%zu: %s", im->name, row->line, im->id_col + 1, why.msg);
		p->bad = true;
		return CAIRN_OK;
	}
	p->edit.op = cairn_wb_resolve(im->wb, ref, &hit, &why) == CAIRN_OK ? CAIRN_EDIT_SET
									  : CAIRN_EDIT_ADD;
	if (p->edit.op == CAIRN_EDIT_SET)
		p->blob = hit.blob;
	p->edit.keys = calloc(row->n, sizeof(char *));
	p->edit.values = calloc(row->n, sizeof(char *));
	if (!p->edit.keys || !p->edit.values)
		return cairn_oom(err);
	for (size_t col = 0; col < row->n; col++) {
		const cairn_field_def *field = cairn_kind_field(im->kind, head->cells[col]);
		char *stored = NULL;
		/* An empty cell leaves the field as it is. */
		if (col == im->id_col || !row->cells[col][0])
			continue;
		if (field && cairn_value_normalize(field, row->cells[col],
						   cairn_wb_date_format(im->wb), &stored,
						   &why) != CAIRN_OK) {
			say(im, "%s:%d:%zu: %s", im->name, row->line, col + 1, why.msg);
			p->bad = true;
		}
		free(stored);
		((const char **)p->edit.keys)[p->edit.n] = head->cells[col];
		((const char **)p->edit.values)[p->edit.n] = row->cells[col];
		p->edit.n++;
	}
	return CAIRN_OK;
}

/* The column whose field a save's message names ("task/T1: assignee:
 * ..."), or 0 for the row as a whole.  The row itself is the save's. */
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

/* After the save: which rows added a record, changed one, or left it as
 * it was (its file the same before and after). */
static cairn_status tell_rows(importer *im, cairn_import_result *res, cairn_error *err)
{
	cairn_buf lists[3] = { CAIRN_BUF_INIT, CAIRN_BUF_INIT, CAIRN_BUF_INIT };
	size_t *counts[3] = { &res->nadded, &res->nchanged, &res->nunchanged };
	char **outs[3] = { &res->added, &res->changed, &res->unchanged };
	cairn_status st = CAIRN_OK;

	for (size_t r = 0; r < im->nrows; r++) {
		const row_plan *p = &im->rows[r];
		char name[CAIRN_PATH_MAX];
		cairn_index_hit hit;
		cairn_error why;
		int which = 0;
		if (p->bad)
			continue;
		cairn_ref_format(&p->edit.ref, name, sizeof name);
		if (p->edit.op == CAIRN_EDIT_SET)
			which = cairn_wb_resolve(im->wb, name, &hit, &why) == CAIRN_OK &&
				!strcmp(hit.blob.hex, p->blob.hex) ? 2 : 1;
		if (which != 0 && cairn_wb_resolve(im->wb, name, &hit, &why) == CAIRN_OK)
			cairn_ref_format(&hit.ref, name, sizeof name);  /* its own spelling */
		cairn_buf_printf(&lists[which], "%s%s", lists[which].len ? ", " : "", name);
		(*counts[which])++;
	}
	for (int i = 0; i < 3; i++) {
		if (lists[i].oom)
			st = cairn_oom(err);
		*outs[i] = lists[i].len ? cairn_buf_detach(&lists[i], NULL) : NULL;
		cairn_buf_done(&lists[i]);
	}
	return st;
}

void cairn_import_result_done(cairn_import_result *res)
{
	cairn_save_result_done(&res->save);
	free(res->added);
	free(res->changed);
	free(res->unchanged);
	res->added = res->changed = res->unchanged = NULL;
}

/* The good rows as one commit; a row the save refuses is reported and,
 * with skip_bad, dropped before the next try. */
static cairn_status save_rows(importer *im, bool skip_bad, cairn_import_result *res,
			      cairn_error *err)
{
	cairn_edit *edits = calloc(im->nrows ? im->nrows : 1, sizeof *edits);
	size_t *row_of = calloc(im->nrows ? im->nrows : 1, sizeof *row_of);
	cairn_status st = CAIRN_OK;

	if (!edits || !row_of) {
		free(edits);
		free(row_of);
		return cairn_oom(err);
	}
	for (;;) {
		size_t n = 0, failed;
		char message[1024];
		for (size_t r = 0; r < im->nrows; r++)
			if (!im->rows[r].bad) {
				row_of[n] = r;
				edits[n++] = im->rows[r].edit;
			}
		if (!n)
			break;
		snprintf(message, sizeof message, "Import %zu %s from %s", n,
			 cairn_kind_def_of(im->kind)->folder, im->name);
		st = cairn_wb_save(im->wb, edits, n, message, &res->save, err);
		if (st == CAIRN_OK) {
			res->imported = n;
			break;
		}
		failed = res->save.failed;
		cairn_save_result_done(&res->save);
		if (!failed || failed > n)
			break;
		{
			row_plan *p = &im->rows[row_of[failed - 1]];
			size_t col = column_of(&im->csv->rows[0], err->msg);
			if (col)
				say(im, "%s:%d:%zu: %s", im->name, p->line, col, err->msg);
			else
				say(im, "%s:%d: %s", im->name, p->line, err->msg);
			p->bad = true;
			im->bad++;
		}
		if (!skip_bad) {
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: nothing was imported (fix the row, or "
					"--skip-bad imports the others)"), im->name);
			break;
		}
		st = CAIRN_OK;
	}
	free(edits);
	free(row_of);
	return st;
}

cairn_status cairn_wb_import_csv(cairn_wb *wb, cairn_kind kind, const cairn_csv *csv,
				 const char *name, bool skip_bad, cairn_warn_fn report, void *ctx,
				 cairn_import_result *res, cairn_error *err)
{
	importer im = { wb, kind, csv, name, report, ctx, 0, NULL, 0, 0 };
	cairn_status st = CAIRN_OK;

	memset(res, 0, sizeof *res);
	if (!csv->n)
		return cairn_fail(err, CAIRN_EINPUT, _("%s: empty: the first line names the columns "
				  "(id, then fields)"), name);
	if ((st = check_header(&im, err)))
		return st;
	if (!(im.rows = calloc(csv->n, sizeof *im.rows)))
		return cairn_oom(err);
	/* Every row and cell checked before anything is saved. */
	for (size_t r = 1; r < csv->n && st == CAIRN_OK; r++) {
		row_plan *p = &im.rows[im.nrows++];
		st = plan_row(&im, &csv->rows[r], p, err);
		im.bad += p->bad;
	}
	if (st == CAIRN_OK && im.bad && !skip_bad)
		st = cairn_fail(err, CAIRN_EINPUT,
				P_("%s: %zu bad row; nothing was imported (fix it, or --skip-bad "
				   "imports the others)",
				   "%s: %zu bad rows; nothing was imported (fix them, or --skip-bad "
				   "imports the others)", im.bad), name, im.bad);
	if (st == CAIRN_OK)
		st = save_rows(&im, skip_bad, res, err);
	if (st == CAIRN_OK && res->imported)
		st = tell_rows(&im, res, err);
	res->bad = im.bad;
	for (size_t r = 0; r < im.nrows; r++) {
		free((void *)im.rows[r].edit.keys);
		free((void *)im.rows[r].edit.values);
	}
	free(im.rows);
	return st;
}
