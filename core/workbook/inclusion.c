/* A pilot's participants against the inclusion targets (see
 * include/cairn/inclusion.h).  The report, `cairn show`, the dashboard and
 * a pilot's screen each loaded the targets and ran the loop over the
 * groups themselves; they now share this one, over the workbook's own
 * inclusion list. */
#include "cairn/inclusion.h"

#include <stdlib.h>
#include <string.h>

#include "cairn/query.h"

static cairn_status target_row(const char *const *v, void *ctx, cairn_error *err)
{
	cairn_targets *t = ctx;

	for (size_t g = 0; g < t->n; g++) {
		cairn_target *one = &t->group[g];
		char *label;
		if (strcmp(v[0], one->group->key) || !*v[2])
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
	const cairn_list *groups = cairn_schema_list(CAIRN_LIST_INCLUSION);

	memset(out, 0, sizeof *out);
	if (!groups || !groups->nchoices)
		return CAIRN_OK;
	if (!(out->group = calloc(groups->nchoices, sizeof *out->group)))
		return cairn_oom(err);
	out->n = groups->nchoices;
	for (size_t g = 0; g < out->n; g++)
		out->group[g].group = &groups->choices[g];
	return cairn_index_rows(cairn_wb_index(wb), CAIRN_KIND_TARGET, cols, 3, NULL, 0, "id", 0,
				target_row, out, err);
}

void cairn_targets_done(cairn_targets *t)
{
	for (size_t g = 0; g < t->n; g++)
		free(t->group[g].label);
	free(t->group);
	memset(t, 0, sizeof *t);
}

const char *cairn_target_name(const cairn_targets *t, size_t g, const char *langs)
{
	return g < t->n ? cairn_choice_label(t->group[g].group, langs) : "?";
}

const char *cairn_target_count(const cairn_targets *t, size_t g)
{
	return g < t->n ? cairn_choice_count(t->group[g].group) : "?";
}

void cairn_inclusion(const cairn_targets *t, long participants, const char *const *counts,
		     cairn_share *out)
{
	for (size_t g = 0; g < t->n; g++)
		out[g] = cairn_share_of(cairn_count_of(counts[g]), participants, t->group[g].has,
					t->group[g].minimum);
}

void cairn_pilot_inclusion(const cairn_targets *t, const cairn_record *pilot, cairn_share *out)
{
	long participants = cairn_count_of(cairn_record_get(pilot, "participants"));

	for (size_t g = 0; g < t->n; g++)
		out[g] = cairn_share_of(cairn_count_of(cairn_record_get(pilot,
									cairn_target_count(t, g))),
					participants, t->group[g].has, t->group[g].minimum);
}
