/* A pilot's participants against the inclusion targets (see
 * include/cairn/inclusion.h).  The report, `cairn show`, the dashboard and
 * a pilot's screen each loaded the targets and ran the loop over the
 * groups themselves; they now share this one. */
#include "cairn/inclusion.h"

#include <stdlib.h>
#include <string.h>

static cairn_status target_row(const char *const *v, void *ctx, cairn_error *err)
{
	cairn_targets *t = ctx;

	for (int g = 0; g < CAIRN_GROUP_COUNT; g++) {
		cairn_target *one = &t->group[g];
		char *label;
		if (strcmp(v[0], cairn_group_key((cairn_group)g)) || !*v[2])
			continue;
		if (!(label = strdup(v[1])))
			return cairn_oom(err);
		one->has = true;
		one->minimum = strtod(v[2], NULL);
		free(one->label);
		one->label = label;
	}
	return CAIRN_OK;
}

cairn_status cairn_wb_targets(cairn_wb *wb, cairn_targets *out, cairn_error *err)
{
	static const char *const cols[] = { "id", "label", "minimum" };

	memset(out, 0, sizeof *out);
	return cairn_index_rows(cairn_wb_index(wb), CAIRN_KIND_TARGET, cols, 3, NULL, 0, "id", 0,
				target_row, out, err);
}

void cairn_targets_done(cairn_targets *t)
{
	for (int g = 0; g < CAIRN_GROUP_COUNT; g++)
		free(t->group[g].label);
	memset(t, 0, sizeof *t);
}

long cairn_count_of(const char *text)
{
	return text && *text ? strtol(text, NULL, 10) : -1;
}

void cairn_inclusion(const cairn_targets *t, long participants,
		     const char *const counts[CAIRN_GROUP_COUNT], cairn_share out[CAIRN_GROUP_COUNT])
{
	for (int g = 0; g < CAIRN_GROUP_COUNT; g++)
		out[g] = cairn_share_of(cairn_count_of(counts[g]), participants, t->group[g].has,
					t->group[g].minimum);
}

void cairn_pilot_inclusion(const cairn_targets *t, const cairn_record *pilot,
			   cairn_share out[CAIRN_GROUP_COUNT])
{
	const char *counts[CAIRN_GROUP_COUNT];

	for (int g = 0; g < CAIRN_GROUP_COUNT; g++)
		counts[g] = cairn_record_get(pilot, cairn_group_key((cairn_group)g));
	cairn_inclusion(t, cairn_count_of(cairn_record_get(pilot, "participants")), counts, out);
}
