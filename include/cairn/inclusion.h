/* cairn: a pilot's participants against the inclusion targets, computed
 * in one place (core/workbook/inclusion.c) for `cairn show`, the report,
 * the dashboard and a pilot's screen.
 *
 * The targets are records of kind target (id = a group's key, minimum =
 * a percentage, label); a pilot counts its participants and each group.
 * The share itself is cairn_share_of (derive.h). */
#ifndef CAIRN_INCLUSION_H
#define CAIRN_INCLUSION_H

#include <stdbool.h>

#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/record.h"
#include "cairn/workbook.h"

typedef struct cairn_target {
	bool has;               /* a target record with a minimum */
	double minimum;         /* percent */
	char *label;            /* the target's own label, "" when none */
} cairn_target;

typedef struct cairn_targets {
	cairn_target group[CAIRN_GROUP_COUNT];
} cairn_targets;

/* The workbook's targets, one per group (released with
 * cairn_targets_done, also after a failure). */
cairn_status cairn_wb_targets(cairn_wb *wb, cairn_targets *out, cairn_error *err);
void cairn_targets_done(cairn_targets *t);

/* A count as a pilot records it: "" or NULL (not reported) is -1. */
long cairn_count_of(const char *text);

/* Each group's share: counts[g] is the group's count as recorded ("" or
 * NULL: not reported), participants the total (< 0: not reported). */
void cairn_inclusion(const cairn_targets *t, long participants,
		     const char *const counts[CAIRN_GROUP_COUNT], cairn_share out[CAIRN_GROUP_COUNT]);
/* The same, read from a pilot record's fields. */
void cairn_pilot_inclusion(const cairn_targets *t, const cairn_record *pilot,
			   cairn_share out[CAIRN_GROUP_COUNT]);

#endif
