/* cairn: rows of a spreadsheet imported as records (core/workbook/import.c),
 * for `cairn import csv`.
 *
 * Every row and cell is checked before anything is saved, and each bad
 * one is reported by file, line and column; what only the whole workbook
 * can tell (a person named who does not exist) comes back from the save,
 * which names the edit at fault.  Nothing is imported unless every row is
 * good, or, with skip_bad, the good rows are, in one commit. */
#ifndef CAIRN_IMPORT_H
#define CAIRN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/config.h"
#include "cairn/csv.h"
#include "cairn/workbook.h"

typedef struct cairn_import_result {
	size_t imported;        /* rows saved */
	size_t bad;             /* rows refused (each reported) */
	cairn_save_result save; /* the commit (caller frees with cairn_save_result_done) */
	/* The rows saved, as "KIND/ID, KIND/ID" (NULL when none): records
	 * added, records changed, and rows that changed nothing.  Freed by
	 * cairn_import_result_done, with save. */
	char *added, *changed, *unchanged;
	size_t nadded, nchanged, nunchanged;
} cairn_import_result;

void cairn_import_result_done(cairn_import_result *res);

/* Import csv (rows[0] names the columns: id, then fields of kind) into wb.
 * name: the file, for messages and the commit message.  report hears one
 * line per bad row or cell ("NAME:LINE:COLUMN: what"), then the call
 * fails with CAIRN_EINPUT saying what to do, unless skip_bad, where the
 * good rows are saved (none good: CAIRN_OK with res->imported 0). */
cairn_status cairn_wb_import_csv(cairn_wb *wb, cairn_kind kind, const cairn_csv *csv,
				 const char *name, bool skip_bad, cairn_warn_fn report, void *ctx,
				 cairn_import_result *res, cairn_error *err);

#endif
