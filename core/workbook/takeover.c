/* The takeover of a merge plain git left (see include/cairn/sync.h): a
 * `git pull` where cairn's merge driver is not registered stops on record
 * files with conflict markers, and a verb that saves merges the two
 * commits field by field instead, only where nothing a person typed can be
 * lost.  Above sync.c, whose merge (wb_merge_into_head) it calls; sync.c
 * never calls back here. */
#include "cairn/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn/fs.h"
#include "git/merge_state.h"
#include "cairn/i18n.h"
#include "workbook/wb_internal.h"

typedef wb_plan plan;

static bool in_deltas(const cairn_git_delta *d, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].path, path))
			return true;
	return false;
}

static bool listed_path(char **paths, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(paths[i], path))
			return true;
	return false;
}

static bool names_record(const char *path)
{
	cairn_ref ref;
	cairn_error ignored;
	return cairn_path_ref(path, &ref, &ignored) == CAIRN_OK && ref.kind != CAIRN_KIND_NONE;
}

/* Does the work tree's file hold a conflict marker line?  Only "<<<<<<<"
 * and ">>>>>>>" count, not load.c's wider conflict_marker_line (which also
 * takes a lone "=======" for its advice): a person who has deleted those
 * two lines is resolving, and that file must not be taken over. */
static bool holds_markers(cairn_wb *wb, const char *path)
{
	char *data = NULL;
	size_t len;
	bool found = false;

	if (cairn_fs_read(wb->root, path, CAIRN_RECORD_MAX, &data, &len, NULL) != CAIRN_OK)
		return false;
	for (const char *line = data, *end = data + len; line < end && !found;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		found = end - line >= 7 &&
			(!memcmp(line, "<<<<<<<", 7) || !memcmp(line, ">>>>>>>", 7));
		line = nl ? nl + 1 : end;
	}
	free(data);
	return found;
}

/* Is the work tree's file as the commit has it (or missing, as it lacks)? */
static bool as_in(cairn_wb *wb, const cairn_oid *commit, const char *path)
{
	cairn_oid want, now;

	return wb_blob_at(wb, commit, path, &want, NULL) == CAIRN_OK &&
	       wb_work_blob(wb, path, (size_t)1 << 28, &now, NULL) == CAIRN_OK &&
	       !strcmp(now.hex, want.hex);
}

bool cairn_wb_git_merge_waiting(cairn_wb *wb)
{
	char path[4096];
	snprintf(path, sizeof path, "%sMERGE_HEAD", cairn_git_gitdir(wb->git));
	return access(path, F_OK) == 0;
}

/* Take over a merge plain git stopped on record files, only where nothing
 * a person typed can be lost: every file git holds in conflict is a record
 * file that still holds its markers, and every other file git wrote is as
 * git wrote it (their side's).  Otherwise the merge is the person's, and
 * finishing it is git's: *why says what keeps cairn out. */
static void may_take_over(cairn_wb *wb, const cairn_oid *merging, char **conflicted,
			  size_t nconflicted, const cairn_git_delta *d, size_t nd, char *why,
			  size_t whylen)
{
	*why = '\0';
	for (size_t i = 0; i < nconflicted && !*why; i++) {
		if (!names_record(conflicted[i]))
			snprintf(why, whylen, _("%s, which is not a record file, is in conflict"),
				 conflicted[i]);
		else if (!holds_markers(wb, conflicted[i]))
			snprintf(why, whylen, _("%s holds no conflict markers any more (a resolution "
				 "under way)"), conflicted[i]);
	}
	for (size_t i = 0; i < nd && !*why; i++) {
		if (listed_path(conflicted, nconflicted, d[i].path))
			continue;
		if (!as_in(wb, merging, d[i].path))
			snprintf(why, whylen, _("%s was changed since git wrote it"), d[i].path);
	}
}

/* Everything that can refuse a merge (their commits held to the
 * allow-list, records that do not parse) is tried first, as a dry run that
 * writes nothing: once git's files are put back, only a merge that goes
 * through leaves nothing lost.  What would refuse it goes to *why; old
 * takes the conflicts file. */
static cairn_status dry_merge(cairn_wb *wb, const char *what, cairn_oid *ours,
			      const cairn_oid *merging, cairn_record *old, char *why, size_t whylen,
			      cairn_error *err)
{
	cairn_sync_options quiet;
	cairn_sync_report r;
	cairn_error tried;
	bool no = false;
	plan dry;
	cairn_status st;

	if ((st = wb_load_conflicts(wb, old, err)))
		return st;
	memset(&dry, 0, sizeof dry);
	cairn_record_init(&dry.conflicts);
	memset(&quiet, 0, sizeof quiet);
	memset(&r, 0, sizeof r);
	quiet.dry_run = true;
	st = wb_merge_into_head(wb, what, &quiet, &r, ours, merging, old, &dry, &no, &tried);
	wb_plan_done(&dry);
	if (st != CAIRN_OK && st != CAIRN_ECONFLICT)
		snprintf(why, whylen, "%s", tried.msg);
	return CAIRN_OK;
}

/* What keeps cairn from taking over the merge plain git left, for a verb
 * that only looks: *why empty when a verb that saves would take it over;
 * *none when no record file is in conflict (none of cairn's business). */
cairn_status cairn_wb_git_merge_blocker(cairn_wb *wb, char *why, size_t whylen, bool *none,
					cairn_error *err)
{
	cairn_oid merging, ours, base;
	char **conflicted = NULL;
	size_t nconflicted = 0, nrecords = 0, nd = 0;
	cairn_git_delta *d = NULL;
	cairn_record old;
	char what[128];
	cairn_status st;

	*why = '\0';
	*none = false;
	cairn_record_init(&old);
	if ((st = cairn_git_merge_state(wb->git, &merging, &conflicted, &nconflicted, err)))
		return st;
	for (size_t i = 0; i < nconflicted; i++)
		nrecords += names_record(conflicted[i]);
	if (!merging.hex[0] || !nrecords) {
		*none = true;
		goto done;
	}
	if ((st = cairn_git_head(wb->git, &ours, err)) ||
	    (st = cairn_git_merge_base(wb->git, &ours, &merging, &base, err)) ||
	    (st = cairn_git_diff(wb->git, &base, &merging, &d, &nd, err)))
		goto done;
	snprintf(what, sizeof what, "commit %.12s", merging.hex);
	may_take_over(wb, &merging, conflicted, nconflicted, d, nd, why, whylen);
	if (!*why)
		st = dry_merge(wb, what, &ours, &merging, &old, why, whylen, err);
done:
	cairn_record_done(&old);
	cairn_git_deltas_free(d, nd);
	for (size_t i = 0; i < nconflicted; i++)
		free(conflicted[i]);
	free(conflicted);
	return st;
}

cairn_status cairn_wb_take_over_git_merge(cairn_wb *wb, cairn_error *err)
{
	cairn_status st;

	if (!cairn_wb_git_merge_waiting(wb))
		return CAIRN_OK;
	if ((st = wb_lock(wb, err)))
		return st;
	st = wb_adopt_git_merge(wb, err);
	wb_unlock(wb);
	return st;
}

cairn_status wb_adopt_git_merge(cairn_wb *wb, cairn_error *err)
{
	cairn_oid merging, ours, base;
	char **conflicted = NULL, **paths = NULL;
	size_t nconflicted = 0, nrecords = 0, npaths = 0, nd = 0;
	cairn_git_delta *d = NULL;
	cairn_record old;
	cairn_sync_options quiet;
	cairn_sync_report r;
	plan p;
	bool refused = false;
	char what[128], why[CAIRN_ERROR_MAX];
	cairn_status st;

	memset(&p, 0, sizeof p);
	cairn_record_init(&p.conflicts);
	cairn_record_init(&old);
	if ((st = cairn_git_merge_state(wb->git, &merging, &conflicted, &nconflicted, err)))
		return st;
	for (size_t i = 0; i < nconflicted; i++)
		nrecords += names_record(conflicted[i]);
	if (!merging.hex[0] || !nrecords)
		goto done;      /* no merge, or none of cairn's business */
	if ((st = cairn_git_head(wb->git, &ours, err)) ||
	    (st = cairn_git_merge_base(wb->git, &ours, &merging, &base, err)) ||
	    (st = cairn_git_diff(wb->git, &base, &merging, &d, &nd, err)))
		goto done;
	snprintf(what, sizeof what, "commit %.12s", merging.hex);
	may_take_over(wb, &merging, conflicted, nconflicted, d, nd, why, sizeof why);
	if (!*why && (st = dry_merge(wb, what, &ours, &merging, &old, why, sizeof why, err)))
		goto done;
	if (*why) {
		wb_warn(wb, _("a plain git merge of %s is under way and cairn leaves it to git, "
			      "because %s: finish it with git (edit the files, `git add` them, "
			      "`git commit`), or cancel it with `git merge --abort`"), what, why);
		goto done;
	}
	/* What git wrote goes back to HEAD's version: the files git merged
	 * (their side's, untouched since: they come back with the merge), and
	 * the record files it holds in conflict. */
	if (!(paths = calloc(nd + nconflicted + 1, sizeof *paths))) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < nd; i++)
		paths[npaths++] = d[i].path;
	for (size_t i = 0; i < nconflicted; i++)
		if (!listed_path(conflicted, i, conflicted[i]) && !in_deltas(d, nd, conflicted[i]))
			paths[npaths++] = conflicted[i];
	for (size_t i = 0; i < npaths && st == CAIRN_OK; i++)
		st = wb_checkout_path(wb, &ours, paths[i], err);
	if (st == CAIRN_OK)
		st = cairn_git_merge_abandon(wb->git, (const char *const *)paths, npaths, err);
	if (st != CAIRN_OK)
		goto done;
	memset(&quiet, 0, sizeof quiet);
	memset(&r, 0, sizeof r);
	st = wb_merge_into_head(wb, what, &quiet, &r, &ours, &merging, &old, &p, &refused, err);
	if (st == CAIRN_ECONFLICT) {
		char waiting[64];
		snprintf(waiting, sizeof waiting,
			 P_("%zu conflict waits", "%zu conflicts wait", p.nconflicts), p.nconflicts);
		wb_warn(wb, P_("a plain git merge of %s stopped on %zu record file with conflict "
			       "markers; cairn merged it field by field instead, and %s: "
			       "`cairn conflicts` lists them, `cairn resolve` settles them",
			       "a plain git merge of %s stopped on %zu record files with conflict "
			       "markers; cairn merged it field by field instead, and %s: "
			       "`cairn conflicts` lists them, `cairn resolve` settles them", nrecords),
			what, nrecords, waiting);
		st = CAIRN_OK;
	} else if (st == CAIRN_OK) {
		st = wb_save_conflicts(wb, &p.conflicts, err);
		wb_warn(wb, P_("a plain git merge of %s stopped on %zu record file with conflict "
			       "markers; cairn merged it field by field and committed the merge",
			       "a plain git merge of %s stopped on %zu record files with conflict "
			       "markers; cairn merged it field by field and committed the merge",
			       nrecords), what, nrecords);
	}
done:
	wb_plan_done(&p);
	cairn_record_done(&old);
	cairn_git_deltas_free(d, nd);
	free(paths);
	for (size_t i = 0; i < nconflicted; i++)
		free(conflicted[i]);
	free(conflicted);
	return st;
}
