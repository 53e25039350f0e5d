/* cairn: CSV as spreadsheets write it (RFC 4180, with what LibreOffice and
 * Excel add: a UTF-8 byte-order mark, LF or CRLF line ends, ';' as the
 * separator in some locales), parsed strictly, for `cairn import csv`.
 * Errors name the file, line and column. */
#ifndef CAIRN_CSV_H
#define CAIRN_CSV_H

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

#endif
