/* cairn: values computed from records, never stored: days to a deadline,
 * overdue marks, a pilot's share of a group against its target.  The
 * groups are the workbook's inclusion list (cairn/inclusion.h). */
#ifndef CAIRN_DERIVE_H
#define CAIRN_DERIVE_H

#include <stdbool.h>

#include "cairn/date.h"
#include "cairn/i18n.h"

typedef struct cairn_deadline {
	bool has_deadline;
	long days_left;         /* negative once the deadline has passed */
	bool overdue;           /* passed and not done or dropped */
} cairn_deadline;

/* deadline: ISO or "" (none); status: the milestone's or task's status. */
cairn_deadline cairn_deadline_of(const char *deadline, const char *status, cairn_date today);

typedef struct cairn_share {
	bool known;             /* the pilot reported participants and this group */
	double percent;         /* the group's share of participants */
	bool has_target;
	double target;          /* minimum percentage */
	bool met;               /* known && has_target && percent >= target */
} cairn_share;

/* A count as a pilot records it: "" or NULL (not reported) is -1. */
long cairn_count_of(const char *text);

/* count < 0 means not reported; participants <= 0 means no share. */
cairn_share cairn_share_of(long count, long participants, bool has_target, double target);

#endif
