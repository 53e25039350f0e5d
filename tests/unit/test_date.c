/* Dates: parsing in every format, the messages for impossible dates, day
 * arithmetic. */
#include <stdlib.h>
#include <string.h>

#include "cairn/date.h"
#include "tap.h"

static void refused(const char *text, const char *fmt, const char *want)
{
	cairn_date d;
	cairn_error err;
	cairn_status st = cairn_date_parse(text, fmt, &d, &err);
	ok(st == CAIRN_EINPUT, "'%s' is refused", text);
	is_str(st == CAIRN_OK ? "" : err.msg, want, "the message for '%s'", text);
}

static void parsed(const char *text, const char *fmt, const char *iso)
{
	cairn_date d = { 0, 0, 0 };
	cairn_error err;
	char buf[16];
	ok(cairn_date_parse(text, fmt, &d, &err) == CAIRN_OK, "'%s' (%s) parses", text, fmt ? fmt : "default");
	cairn_date_iso(d, buf, sizeof buf);
	is_str(buf, iso, "'%s' is %s", text, iso);
}

int main(void)
{
	cairn_date d;
	char buf[32];
	cairn_error err;

	refused("31/02/2016", NULL, "31/02/2016 is not a date: February 2016 has 29 days; did you mean 29/02/2016 or 01/03/2016?");
	refused("29/02/2015", NULL, "29/02/2015 is not a date: February 2015 has 28 days; did you mean 28/02/2015 or 01/03/2015?");
	refused("31/04/2016", NULL, "31/04/2016 is not a date: April 2016 has 30 days; did you mean 30/04/2016 or 01/05/2016?");
	refused("32/01/2016", NULL, "32/01/2016 is not a date: January 2016 has 31 days; did you mean 31/01/2016 or 01/02/2016?");
	refused("32/12/2016", NULL, "32/12/2016 is not a date: December 2016 has 31 days; did you mean 31/12/2016 or 01/01/2017?");
	refused("00/01/2016", NULL, "00/01/2016 is not a date: January 2016 has 31 days; did you mean 31/12/2015 or 01/01/2016?");
	refused("15/13/2016", NULL, "15/13/2016 is not a date: there is no month 13; months run from 01 to 12");
	refused("2015-02-29", NULL, "2015-02-29 is not a date: February 2015 has 28 days; did you mean 2015-02-28 or 2015-03-01?");
	refused("02/31/2016", "mm/dd/yyyy", "02/31/2016 is not a date: February 2016 has 29 days; did you mean 02/29/2016 or 03/01/2016?");
	refused("next week", NULL, "'next week' is not a date: write it as dd/mm/yyyy, e.g. 15/04/2016, or as ISO 2016-04-15");
	refused("15/04/16", NULL, "'15/04/16' is not a date: write it as dd/mm/yyyy, e.g. 15/04/2016, or as ISO 2016-04-15");
	refused("", NULL, "'' is not a date: write it as dd/mm/yyyy, e.g. 15/04/2016, or as ISO 2016-04-15");

	parsed("15/04/2016", NULL, "2016-04-15");
	parsed(" 1/3/2016 ", NULL, "2016-03-01");
	parsed("2016-02-29", NULL, "2016-02-29");
	parsed("2016-02-29", "dd.mm.yyyy", "2016-02-29");
	parsed("04/15/2016", "mm/dd/yyyy", "2016-04-15");
	parsed("15.04.2016", "dd.mm.yyyy", "2016-04-15");
	parsed("15-04-2016", "dd-mm-yyyy", "2016-04-15");
	parsed("2000-02-29", NULL, "2000-02-29");
	ok(cairn_date_parse("1900-02-29", NULL, &d, &err) != CAIRN_OK, "1900 is not a leap year");

	ok(cairn_date_parse_iso("15/04/2016", &d, &err) != CAIRN_OK, "stored dates are ISO only");
	ok(cairn_date_format_known("dd/mm/yyyy") && cairn_date_format_known("yyyy-mm-dd") &&
	   !cairn_date_format_known("d/m/y"), "known formats");
	cairn_date_show((cairn_date){ 2016, 4, 5 }, NULL, buf, sizeof buf);
	is_str(buf, "05/04/2016", "shown as dd/mm/yyyy by default");
	cairn_date_show((cairn_date){ 2016, 4, 5 }, "mm/dd/yyyy", buf, sizeof buf);
	is_str(buf, "04/05/2016", "or in the configured format");

	is_int(cairn_date_to_days((cairn_date){ 1970, 1, 1 }), 0, "1970-01-01 is day 0");
	is_int(cairn_date_to_days((cairn_date){ 2000, 3, 1 }) - cairn_date_to_days((cairn_date){ 2000, 2, 28 }), 2, "2000 had a 29 February");
	is_int(cairn_date_diff((cairn_date){ 2016, 3, 20 }, (cairn_date){ 2016, 4, 15 }), 26, "20/03/2016 to 15/04/2016 is 26 days");
	is_int(cairn_date_diff((cairn_date){ 2016, 3, 20 }, (cairn_date){ 2016, 2, 29 }), -20, "and back to 29/02 is -20");
	{
		int bad = 0;
		for (long day = cairn_date_to_days((cairn_date){ 1900, 1, 1 });
		     day < cairn_date_to_days((cairn_date){ 2100, 12, 31 }); day++) {
			cairn_date x = cairn_date_from_days(day);
			if (!cairn_date_valid(x.y, x.m, x.d) || cairn_date_to_days(x) != day)
				bad++;
		}
		is_int(bad, 0, "days and dates round-trip over two centuries");
	}
	setenv("CAIRN_TODAY", "2016-03-20", 1);
	ok(cairn_date_today(&d, &err) == CAIRN_OK && d.y == 2016 && d.m == 3 && d.d == 20, "CAIRN_TODAY pins today");
	setenv("CAIRN_TODAY", "tomorrow", 1);
	ok(cairn_date_today(&d, &err) != CAIRN_OK && strstr(err.msg, "CAIRN_TODAY"), "a bad CAIRN_TODAY is named");
	unsetenv("CAIRN_TODAY");
	ok(cairn_date_today(&d, &err) == CAIRN_OK && d.y >= 2024, "without it, the real date");
	return tap_done();
}
