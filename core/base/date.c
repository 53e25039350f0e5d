/* Calendar dates (see include/cairn/date.h). */
#include "cairn/date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cairn/i18n.h"

/* For messages, so translated (the formats below use numbers only). */
static const char *const month_names[] = {
	N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
	N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
	N_("December") };

/* The formats cairn shows and reads: field order and separator. */
static const struct date_format {
	const char *name;
	char order[3];          /* 'd', 'm', 'y' in the order written */
	char sep;
} formats[] = {
	{ "dd/mm/yyyy", { 'd', 'm', 'y' }, '/' },
	{ "mm/dd/yyyy", { 'm', 'd', 'y' }, '/' },
	{ "yyyy-mm-dd", { 'y', 'm', 'd' }, '-' },
	{ "dd.mm.yyyy", { 'd', 'm', 'y' }, '.' },
	{ "dd-mm-yyyy", { 'd', 'm', 'y' }, '-' },
};

static const struct date_format *format_of(const char *fmt)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (fmt && !strcmp(fmt, formats[i].name))
			return &formats[i];
	return &formats[0];
}

bool cairn_date_format_known(const char *fmt)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(fmt, formats[i].name))
			return true;
	return false;
}

bool cairn_date_is_set(cairn_date d)
{
	return d.y != 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cairn_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool cairn_date_valid(int y, int m, int d)
{
	return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= cairn_days_in_month(y, m);
}

static void show(cairn_date d, const struct date_format *f, char *buf, size_t n)
{
	char part[3][8];
	for (int i = 0; i < 3; i++) {
		if (f->order[i] == 'y')
			snprintf(part[i], sizeof part[i], "%04d", d.y);
		else
			snprintf(part[i], sizeof part[i], "%02d", f->order[i] == 'm' ? d.m : d.d);
	}
	snprintf(buf, n, "%s%c%s%c%s", part[0], f->sep, part[1], f->sep, part[2]);
}

void cairn_date_iso(cairn_date d, char *buf, size_t n)
{
	show(d, &formats[2], buf, n);
}

void cairn_date_show(cairn_date d, const char *fmt, char *buf, size_t n)
{
	show(d, format_of(fmt), buf, n);
}

/* Read "a<sep>b<sep>c" with 1-4 digit parts; false if the text is not
 * of that shape. */
static bool three_numbers(const char *s, char sep, int out[3], int digits[3])
{
	for (int i = 0; i < 3; i++) {
		int n = 0, v = 0;
		while (isdigit((unsigned char)*s) && n < 5) {
			v = v * 10 + (*s++ - '0');
			n++;
		}
		if (n == 0 || n > 4)
			return false;
		out[i] = v;
		digits[i] = n;
		if (i < 2 && *s++ != sep)
			return false;
	}
	return *s == '\0';
}

/* "31/02/2016 is not a date: February 2016 has 29 days; did you mean
 * 29/02/2016 or 01/03/2016?" */
static cairn_status not_a_date(const char *text, int y, int m, int d,
			       const struct date_format *f, cairn_error *err)
{
	char before[16], after[16];
	cairn_date last, first;

	if (m < 1 || m > 12)
		return cairn_fail(err, CAIRN_EINPUT,
				  _("%s is not a date: there is no month %d; months run from 01 to 12"),
				  text, m);
	if (y < 1000 || y > 9999)
		return cairn_fail(err, CAIRN_EINPUT,
				  _("%s is not a date: write the year with four digits"), text);
	last = (cairn_date){ y, m, cairn_days_in_month(y, m) };
	first = m == 12 ? (cairn_date){ y + 1, 1, 1 } : (cairn_date){ y, m + 1, 1 };
	if (d < 1) {
		/* Day 0: the nearest dates are the month's first and the
		 * previous month's last. */
		cairn_date prev = m == 1 ? (cairn_date){ y - 1, 12, 31 }
				       : (cairn_date){ y, m - 1, cairn_days_in_month(y, m - 1) };
		show(prev, f, before, sizeof before);
		show((cairn_date){ y, m, 1 }, f, after, sizeof after);
	} else {
		show(last, f, before, sizeof before);
		show(first, f, after, sizeof after);
	}
	return cairn_fail(err, CAIRN_EINPUT,
			  _("%s is not a date: %s %d has %d days; did you mean %s or %s?"), text,
			  _(month_names[m - 1]), y, cairn_days_in_month(y, m), before, after);
}

static cairn_status parse_with(const char *text, const struct date_format *f, cairn_date *out,
			       bool *shape, cairn_error *err)
{
	int v[3], digits[3], y = 0, m = 0, d = 0;

	*shape = three_numbers(text, f->sep, v, digits);
	if (!*shape)
		return CAIRN_EINPUT;
	for (int i = 0; i < 3; i++) {
		if (f->order[i] == 'y') {
			if (digits[i] != 4) {
				*shape = false;
				return CAIRN_EINPUT;
			}
			y = v[i];
		} else if (f->order[i] == 'm') {
			m = v[i];
		} else {
			d = v[i];
		}
	}
	if (!cairn_date_valid(y, m, d))
		return not_a_date(text, y, m, d, f, err);
	*out = (cairn_date){ y, m, d };
	return CAIRN_OK;
}

cairn_status cairn_date_parse(const char *text, const char *fmt, cairn_date *out,
			      cairn_error *err)
{
	const struct date_format *f = format_of(fmt);
	char trimmed[64];
	size_t n;
	bool shape;
	cairn_status st;

	while (*text == ' ' || *text == '\t')
		text++;
	n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n >= sizeof trimmed)
		n = sizeof trimmed - 1;
	memcpy(trimmed, text, n);
	trimmed[n] = '\0';
	st = parse_with(trimmed, &formats[2], out, &shape, err);
	if (shape)
		return st;
	st = parse_with(trimmed, f, out, &shape, err);
	if (shape)
		return st;
	{
		char example[16];
		show((cairn_date){ 2016, 4, 15 }, f, example, sizeof example);
		return cairn_fail(err, CAIRN_EINPUT,
				  _("'%s' is not a date: write it as %s, e.g. %s, or as ISO 2016-04-15"),
				  trimmed, f->name, example);
	}
}

cairn_status cairn_date_parse_iso(const char *text, cairn_date *out, cairn_error *err)
{
	bool shape;
	cairn_status st = parse_with(text, &formats[2], out, &shape, err);

	if (!shape)
		return cairn_fail(err, CAIRN_EINPUT,
				  "'%s' is not an ISO date: write it as yyyy-mm-dd, e.g. 2016-04-15",
				  text);
	return st;
}

/* Days from civil (Howard Hinnant's algorithm), proleptic Gregorian. */
long cairn_date_to_days(cairn_date dt)
{
	long y = dt.y - (dt.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

cairn_date cairn_date_from_days(long z)
{
	long era, doe, yoe, y, doy, mp;
	cairn_date out;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	out.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	out.y = (int)(y + (out.m <= 2));
	return out;
}

long cairn_date_diff(cairn_date a, cairn_date b)
{
	return cairn_date_to_days(b) - cairn_date_to_days(a);
}

cairn_status cairn_date_today(cairn_date *out, cairn_error *err)
{
	const char *env = getenv("CAIRN_TODAY");
	time_t now;
	struct tm tm;

	if (env && *env) {
		if (cairn_date_parse_iso(env, out, err) != CAIRN_OK)
			return cairn_error_prefix(err, "CAIRN_TODAY");
		return CAIRN_OK;
	}
	now = time(NULL);
	if (!localtime_r(&now, &tm))
		return cairn_fail(err, CAIRN_EIO, "cannot read the clock");
	*out = (cairn_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	return CAIRN_OK;
}

void cairn_time_text(long long when, int tz_minutes, char *buf, size_t n)
{
	time_t t = (time_t)(when + (long long)tz_minutes * 60);
	int a = tz_minutes < 0 ? -tz_minutes : tz_minutes;
	struct tm tm;
	char date[32] = "";

	if (gmtime_r(&t, &tm))
		strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
	snprintf(buf, n, "%s %c%02d%02d", date, tz_minutes < 0 ? '-' : '+', a / 60, a % 60);
}
