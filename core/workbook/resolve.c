/* Listing the conflicts a sync left and resolving them (see
 * cairn_wb_conflicts and cairn_wb_resolve_conflict in include/cairn/sync.h).
 * Above sync.c: a resolution that clears the last conflict finishes the
 * merge with sync.c's wb_merge_into_head; sync.c never calls back here. */
#include "cairn/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"
#include "cairn/merge.h"
#include "workbook/wb_internal.h"

typedef wb_plan plan;

cairn_status cairn_wb_conflicts(cairn_wb *wb, cairn_conflict_fn fn, void *ctx, size_t *n,
				cairn_error *err)
{
	cairn_record r;
	cairn_status st = wb_load_conflicts(wb, &r, err);

	*n = 0;
	/* Authors and dates, once, then kept in the file. */
	if (st == CAIRN_OK && wb_ccount(&r) && !cairn_record_get(&r, "annotated") &&
	    cairn_record_get(&r, "merging") && (st = wb_lock(wb, err)) == CAIRN_OK) {
		cairn_error why;
		if (wb_annotate(wb, &r, &why) == CAIRN_OK)
			(void)wb_save_conflicts(wb, &r, &why);
		wb_unlock(wb);
	}
	for (size_t i = 1; st == CAIRN_OK && i <= wb_ccount(&r); i++) {
		cairn_conflict c;
		cairn_ref ref;
		char name[CAIRN_PATH_MAX] = "";
		const char *f = wb_cget(&r, i, "field");
		c.path = wb_cget(&r, i, "path");
		if (!c.path)
			continue;
		if (cairn_path_ref(c.path, &ref, err) == CAIRN_OK)
			cairn_ref_format(&ref, name, sizeof name);
		c.record = name[0] ? name : c.path;
		c.field = f && strcmp(f, "-") ? f : "";
		c.base = wb_cget(&r, i, "base");
		c.ours = wb_cget(&r, i, "ours");
		c.theirs = wb_cget(&r, i, "theirs");
		c.resolved = wb_cget(&r, i, "resolved");
		c.base_by = wb_cget(&r, i, "base_by");
		c.ours_by = wb_cget(&r, i, "ours_by");
		c.theirs_by = wb_cget(&r, i, "theirs_by");
		(*n)++;
		if (fn)
			st = fn(&c, ctx, err);
	}
	cairn_record_done(&r);
	return st;
}

/* A value typed for a field in conflict, in its stored form, checked as
 * `cairn set` checks it ("" clears the field). */
static cairn_status normalize(cairn_wb *wb, const char *path, const char *field, const char *value,
			      char **out, cairn_error *err)
{
	cairn_ref ref;
	const cairn_field_def *f;
	cairn_status st;

	*out = NULL;
	if (!*value)
		return (*out = strdup("")) ? CAIRN_OK : cairn_oom(err);
	if ((st = cairn_path_ref(path, &ref, err)))
		return st;
	if ((f = cairn_kind_field(ref.kind, field)))
		return cairn_value_normalize(f, value, cairn_wb_date_format(wb), out, err);
	if (ref.kind == CAIRN_KIND_EVALUATION && !strncmp(field, "answer.", 7)) {
		cairn_index_hit hit;
		cairn_record rec;
		cairn_template tpl;
		const cairn_question *q;
		char name[CAIRN_PATH_MAX];
		const char *tid;
		cairn_ref_format(&ref, name, sizeof name);
		if ((st = cairn_wb_resolve(wb, name, &hit, err)) || (st = cairn_wb_read(wb, &hit, &rec, err)))
			return st;
		tid = cairn_record_get(&rec, "template");
		st = tid ? cairn_wb_template(wb, tid, &tpl, err)
			 : cairn_fail(err, CAIRN_EINPUT, "%s has no template", name);
		cairn_record_done(&rec);
		if (st)
			return st;
		if (!(q = cairn_template_question(&tpl, field + 7)))
			st = cairn_fail(err, CAIRN_EINPUT, "%s: template %s has no question '%s'", name,
					tpl.id, field + 7);
		else
			st = cairn_answer_normalize(q, value, cairn_wb_date_format(wb), out, err);
		cairn_template_done(&tpl);
		return st;
	}
	return (*out = strdup(value)) ? CAIRN_OK : cairn_oom(err);
}

/* Every clash is settled: the merge they held is committed now (the next
 * sync pushes it); *left says how many a new merge raised instead. */
static cairn_status finish_merge(cairn_wb *wb, const cairn_record *decided, size_t *left,
				 cairn_error *err)
{
	const char *m = cairn_record_get(decided, "merging"), *from;
	cairn_sync_options quiet;
	cairn_sync_report r;
	cairn_oid ours, theirs;
	plan p;
	bool done = false, refused = false;
	cairn_status st;

	if (!m || strlen(m) != 40)
		return CAIRN_OK;        /* a merge a sync will do again */
	snprintf(theirs.hex, sizeof theirs.hex, "%s", m);
	if ((st = cairn_git_head(wb->git, &ours, err)) ||
	    (st = cairn_git_is_ancestor(wb->git, &theirs, &ours, &done, err)))
		return st;
	if (done)
		return wb_save_conflicts(wb, &(cairn_record){ 0 }, err);
	memset(&quiet, 0, sizeof quiet);
	memset(&r, 0, sizeof r);
	memset(&p, 0, sizeof p);
	cairn_record_init(&p.conflicts);
	from = cairn_record_get(decided, "merging_from");
	st = wb_merge_into_head(wb, from ? from : "the settled conflicts", &quiet, &r, &ours, &theirs,
			     decided, &p, &refused, err);
	if (st == CAIRN_ECONFLICT) {
		*left = p.nconflicts;
		st = CAIRN_OK;
	} else if (st == CAIRN_OK) {
		st = wb_save_conflicts(wb, &p.conflicts, err);
	}
	wb_plan_done(&p);
	return st;
}

/* Who may settle a clash on a field is who may change it (include/cairn/
 * roles.h); on a whole record, who may remove it. */
static cairn_status may_resolve(cairn_wb *wb, const char *path, const char *field,
				cairn_error *err)
{
	cairn_identity who = { 0 };
	cairn_record base;
	cairn_index_hit hit;
	cairn_ref ref;
	wb_rules rules;
	bool found = false;
	cairn_status st;

	if (!wb_rules_on(wb) || cairn_path_ref(path, &ref, err) != CAIRN_OK)
		return CAIRN_OK;
	cairn_record_init(&base);
	if ((st = wb_identity(wb, &who, err)))
		return st;
	st = cairn_index_find(wb->idx, &ref, &hit, &found, err);
	if (st == CAIRN_OK && found)
		st = cairn_wb_read(wb, &hit, &base, err);
	if (st == CAIRN_OK && (st = wb_rules_begin(wb, &who, &rules, err)) == CAIRN_OK) {
		st = wb_rules_check_field(&rules, ref.kind, found ? hit.ref.id : ref.id,
					  found ? &base : NULL, *field ? field : "-", err);
		wb_rules_done(&rules);
	}
	cairn_record_done(&base);
	wb_identity_done(&who);
	return st;
}

cairn_status cairn_wb_resolve_conflict(cairn_wb *wb, const char *record, const char *field,
				       const char *choice, const char *value, size_t *left,
				       cairn_error *err)
{
	cairn_record r;
	char path[CAIRN_PATH_MAX];
	cairn_status st;
	bool found = false;
	char *typed = NULL;

	/* The record may be absent on our side (deleted): named by path. */
	if ((st = cairn_wb_record_path(wb, record, path, sizeof path, err)))
		return st;
	/* Settling the last one commits the merge: not under git's feet. */
	if ((st = cairn_wb_git_stopped(wb, err)) || (st = wb_lock(wb, err)))
		return st;
	if ((st = may_resolve(wb, path, field, err)))
		goto done;
	if ((st = wb_load_conflicts(wb, &r, err)))
		goto done;
	for (size_t i = 1; i <= wb_ccount(&r) && st == CAIRN_OK; i++) {
		const char *p = wb_cget(&r, i, "path"), *f = wb_cget(&r, i, "field");
		const char *chosen = NULL;
		if (!p || strcmp(p, path) || !f || strcmp(f, *field ? field : "-"))
			continue;
		found = true;
		if (!strcmp(choice, "ours"))
			chosen = *field ? (wb_cget(&r, i, "ours") ? wb_cget(&r, i, "ours") : "") : "ours";
		else if (!strcmp(choice, "theirs"))
			chosen = *field ? (wb_cget(&r, i, "theirs") ? wb_cget(&r, i, "theirs") : "") : "theirs";
		else if (!*field)
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: a whole record is kept as ours or "
					"theirs, not given a value"), record);
		else
			st = normalize(wb, p, field, value, &typed, err);
		if (st == CAIRN_OK && typed)
			chosen = typed;
		if (st == CAIRN_OK && chosen) {
			char *copy = strdup(chosen);
			st = copy ? wb_cset(&r, i, "resolved", copy, err)
				  : cairn_oom(err);
			free(copy);
		}
		free(typed);
		typed = NULL;
	}
	if (st == CAIRN_OK && !found)
		st = *field ? cairn_fail(err, CAIRN_ENOTFOUND, _("no conflict on %s field %s (cairn "
						 "conflicts lists them)"), record, field)
			    : cairn_fail(err, CAIRN_ENOTFOUND, _("no conflict on %s (cairn conflicts "
						 "lists them)"), record);
	if (st == CAIRN_OK)
		st = wb_save_conflicts(wb, &r, err);
	*left = 0;
	for (size_t i = 1; i <= wb_ccount(&r); i++)
		if (!wb_cget(&r, i, "resolved"))
			(*left)++;
	if (st == CAIRN_OK && !*left)
		st = finish_merge(wb, &r, left, err);
	cairn_record_done(&r);
done:
	wb_unlock(wb);
	return st;
}
