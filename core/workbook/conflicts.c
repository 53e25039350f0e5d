/* The conflicts file, cairn-conflicts in the git folder (a linked
 * worktree's own, since its merge is its own): what a sync could not merge,
 * waiting for a person.  It is one record (the format of any record) with
 * count (how many conflicts), base_commit, ours_head, merging and
 * merging_from (the merge they belong to) and annotated; conflict i (from
 * 1) has the fields c<i>.path, c<i>.field, c<i>.base, c<i>.ours,
 * c<i>.theirs and, once a person chose, c<i>.resolved.  No file means no
 * conflicts.  Below sync.c and resolve.c, which both read and write it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/fs.h"
#include "workbook/wb_internal.h"

#define CONFLICTS_FILE "cairn-conflicts"

const char *wb_cget(const cairn_record *r, size_t i, const char *what)
{
	char key[64];
	snprintf(key, sizeof key, "c%zu.%s", i, what);
	return cairn_record_get(r, key);
}

cairn_status wb_cset(cairn_record *r, size_t i, const char *what, const char *v,
		     cairn_error *err)
{
	char key[64];
	snprintf(key, sizeof key, "c%zu.%s", i, what);
	if (!v) {
		cairn_record_unset(r, key);
		return CAIRN_OK;
	}
	return cairn_record_set(r, key, v, err);
}

size_t wb_ccount(const cairn_record *r)
{
	const char *n = cairn_record_get(r, "count");
	return n ? strtoul(n, NULL, 10) : 0;
}

cairn_status wb_load_conflicts(cairn_wb *wb, cairn_record *r, cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_status st;

	cairn_record_init(r);
	st = cairn_fs_read(cairn_git_gitdir(wb->git), CONFLICTS_FILE, CAIRN_RECORD_MAX, &data, &len, err);
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;
	if (st == CAIRN_OK)
		st = cairn_record_parse(r, data, len, ".git/" CONFLICTS_FILE, err);
	free(data);
	return st;
}

cairn_status wb_save_conflicts(cairn_wb *wb, const cairn_record *r, cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_status st;

	if (!wb_ccount(r))
		return cairn_fs_remove(cairn_git_gitdir(wb->git), CONFLICTS_FILE, err);
	if ((st = cairn_record_write(r, &data, &len, err)))
		return st;
	st = cairn_fs_write(cairn_git_gitdir(wb->git), CONFLICTS_FILE, data, len, err);
	free(data);
	return st;
}

/* A decision recorded for this clash, if its values are still the same. */
const char *wb_decision(const cairn_record *old, const char *path, const char *field,
			const char *ours, const char *theirs)
{
	for (size_t i = 1; i <= wb_ccount(old); i++) {
		const char *p = wb_cget(old, i, "path"), *f = wb_cget(old, i, "field");
		const char *o = wb_cget(old, i, "ours"), *t = wb_cget(old, i, "theirs");
		if (p && f && !strcmp(p, path) && !strcmp(f, field) &&
		    ((!o && !ours) || (o && ours && !strcmp(o, ours))) &&
		    ((!t && !theirs) || (t && theirs && !strcmp(t, theirs))))
			return wb_cget(old, i, "resolved");
	}
	return NULL;
}
