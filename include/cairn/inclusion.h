/* cairn: a pilot's participants against the inclusion targets, computed
 * in one place (core/workbook/inclusion.c) for `cairn show`, the report,
 * the dashboard and a pilot's screen.
 *
 * The groups are the choices of the workbook's list `inclusion`
 * (cairn/schema.h), in its order; each is measured on a count of the
 * pilots (c.KEY.count, by default its key).  The targets are records of
 * kind target (id = a group's key, minimum = a percentage, label); a
 * pilot counts its participants and each group.  The share itself is
 * cairn_share_of (derive.h). */
#ifndef CAIRN_INCLUSION_H
#define CAIRN_INCLUSION_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/record.h"
#include "cairn/schema.h"
#include "cairn/workbook.h"

typedef struct cairn_target {
	const cairn_choice *group;      /* the group, in the active schema */
	bool has;               /* a target record with a minimum */
	double minimum;         /* percent */
	char *label;            /* the target's own label, "" when none */
} cairn_target;

typedef struct cairn_targets {
	cairn_target *group;    /* one per inclusion group, in the list's order */
	size_t n;
} cairn_targets;

/* The workbook's groups and their targets (released with
 * cairn_targets_done, also after a failure).  The groups point into the
 * workbook's schema: release the targets before a save changes a list. */
cairn_status cairn_wb_targets(cairn_wb *wb, cairn_targets *out, cairn_error *err);
void cairn_targets_done(cairn_targets *t);
/* Group g's name for a reader of langs, and the pilot field it counts. */
const char *cairn_target_name(const cairn_targets *t, size_t g, const char *langs);
const char *cairn_target_count(const cairn_targets *t, size_t g);

/* Each group's share: counts[g] is group g's count as recorded ("" or
 * NULL: not reported), participants the total (< 0: not reported); out
 * holds t->n shares. */
void cairn_inclusion(const cairn_targets *t, long participants, const char *const *counts,
		     cairn_share *out);
/* The same, read from a pilot record's fields. */
void cairn_pilot_inclusion(const cairn_targets *t, const cairn_record *pilot, cairn_share *out);

#endif
