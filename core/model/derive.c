/* Derived values (see include/cairn/derive.h). */
#include "cairn/derive.h"

#include <stdlib.h>
#include <string.h>

cairn_deadline cairn_deadline_of(const char *deadline, const char *status, cairn_date today)
{
	cairn_deadline out = { false, 0, false };
	cairn_date d;

	if (!deadline || !*deadline || cairn_date_parse_iso(deadline, &d, NULL) != CAIRN_OK)
		return out;
	out.has_deadline = true;
	out.days_left = cairn_date_diff(today, d);
	out.overdue = out.days_left < 0 && !(status && (!strcmp(status, "done") ||
							 !strcmp(status, "dropped")));
	return out;
}

long cairn_count_of(const char *text)
{
	/* Stored counts are whole numbers (kinds.c checks them): strtol
	 * stops at nothing else. */
	return text && *text ? strtol(text, NULL, 10) : -1;
}

cairn_share cairn_share_of(long count, long participants, bool has_target, double target)
{
	cairn_share s = { false, 0, has_target, target, false };

	if (count >= 0 && participants > 0) {
		s.known = true;
		s.percent = 100.0 * (double)count / (double)participants;
		/* Compare in hundredths so 40.0% against 40 is met, not lost to
		 * floating point. */
		s.met = has_target && (long)(s.percent * 100 + 0.5) >= (long)(target * 100 + 0.5);
	}
	return s;
}
