/* cairn: values computed from records, never stored: days to a deadline,
 * overdue marks, each pilot's share of each group against its target. */
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

/* The pilot groups measured against the inclusion targets; the labels are
 * marked for translation, shown with _(cairn_group_label(g)). */
#define CAIRN_GROUP_LIST(X) \
	X(WOMEN,       "women",       N_("Women"))                     \
	X(MEN,         "men",         N_("Men"))                       \
	X(OTHER,       "other",       N_("Other or undisclosed"))      \
	X(MIGRANTS,    "migrants",    N_("Migrants"))                  \
	X(PERIPHERIES, "peripheries", N_("Peripheries"))               \
	X(AGED65,      "aged65",      N_("Aged 65+"))

typedef enum cairn_group {
#define CAIRN_GROUP_ENUM(id, key, label) CAIRN_GROUP_##id,
	CAIRN_GROUP_LIST(CAIRN_GROUP_ENUM)
#undef CAIRN_GROUP_ENUM
	CAIRN_GROUP_COUNT
} cairn_group;

const char *cairn_group_key(cairn_group g);
const char *cairn_group_label(cairn_group g);

typedef struct cairn_share {
	bool known;             /* the pilot reported participants and this group */
	double percent;         /* the group's share of participants */
	bool has_target;
	double target;          /* minimum percentage */
	bool met;               /* known && has_target && percent >= target */
} cairn_share;

/* count < 0 means not reported; participants <= 0 means no share. */
cairn_share cairn_share_of(long count, long participants, bool has_target, double target);

#endif
