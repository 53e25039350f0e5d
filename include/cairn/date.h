/* cairn: calendar dates.
 *
 * Dates are stored as ISO 8601 (yyyy-mm-dd) and typed and shown in the
 * configured format (default dd/mm/yyyy).  ISO input is always accepted.
 * An impossible date is refused with a message naming the input and the
 * nearest valid dates:
 *   "31/02/2016 is not a date: February 2016 has 29 days; did you mean
 *    29/02/2016 or 01/03/2016?"
 */
#ifndef CAIRN_DATE_H
#define CAIRN_DATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"

typedef struct cairn_date {
	int y, m, d;    /* all zero: no date */
} cairn_date;

/* The display formats cairn knows. */
#define CAIRN_DATE_FORMAT_DEFAULT "dd/mm/yyyy"
/* true when fmt is one of: dd/mm/yyyy, mm/dd/yyyy, yyyy-mm-dd, dd.mm.yyyy,
 * dd-mm-yyyy. */
bool cairn_date_format_known(const char *fmt);

bool cairn_date_is_set(cairn_date d);
bool cairn_date_valid(int y, int m, int d);
int cairn_days_in_month(int y, int m);

/* Parse text typed by a user: ISO yyyy-mm-dd, or fmt (NULL means the
 * default).  Surrounding spaces are ignored.  On failure err says what was
 * typed and what would be right. */
cairn_status cairn_date_parse(const char *text, const char *fmt, cairn_date *out,
			      cairn_error *err);
/* Parse a stored date: ISO only. */
cairn_status cairn_date_parse_iso(const char *text, cairn_date *out, cairn_error *err);

/* "2016-04-15" into buf (at least 11 bytes). */
void cairn_date_iso(cairn_date d, char *buf, size_t n);
/* In a display format (NULL: default). */
void cairn_date_show(cairn_date d, const char *fmt, char *buf, size_t n);

/* Days since 1970-01-01 (proleptic Gregorian), and back. */
long cairn_date_to_days(cairn_date d);
cairn_date cairn_date_from_days(long days);
/* b - a in days. */
long cairn_date_diff(cairn_date a, cairn_date b);

/* Today: CAIRN_TODAY from the environment (ISO) when set, else the local
 * date.  A workbook may pin its own clock on top (see workbook.h). */
cairn_status cairn_date_today(cairn_date *out, cairn_error *err);

/* A moment as git log shows it, in its own zone: "2016-03-20 10:00 +0100"
 * (the first 16 characters are the date and time alone). */
void cairn_time_text(long long when, int tz_minutes, char *buf, size_t n);

#endif
