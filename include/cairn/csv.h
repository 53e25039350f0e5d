/* cairn: CSV as spreadsheets write it (RFC 4180, with what LibreOffice and
 * Excel add: a UTF-8 byte-order mark, LF or CRLF line ends, ';' as the
 * separator in some locales), parsed strictly, for `cairn import csv`.
 * Errors name the file, line and column. */
#ifndef CAIRN_CSV_H
#define CAIRN_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"

typedef struct cairn_csv_row {
	char **cells;
	size_t n;
	int line;               /* where the row starts (1-based) */
} cairn_csv_row;

typedef struct cairn_csv {
	cairn_csv_row *rows;    /* rows[0] is the header */
	size_t n;
	char separator;         /* ',' or ';' as found in the header */
} cairn_csv;

/* name: for messages.  Blank lines are skipped. */
cairn_status cairn_csv_parse(const char *data, size_t len, const char *name, cairn_csv *out,
			     cairn_error *err);
void cairn_csv_done(cairn_csv *csv);

/* Formula injection: a spreadsheet runs a cell that starts with = + - @
 * (or a TAB or CR before one) as a formula, so a value from a hostile peer
 * such as =HYPERLINK(...) would act when a member opens an export.  An
 * export writes such a value behind one apostrophe, which spreadsheets show
 * as text, and the parser takes that apostrophe off again, so a value
 * makes the round trip byte for byte: a value is marked when it is some
 * apostrophes and then a formula start, and a cell is unmarked when it is
 * one apostrophe and then a marked value.  A plain number such as -3 or
 * +1.5 is no formula and is written as it is. */
bool cairn_csv_needs_mark(const char *value);

#endif
