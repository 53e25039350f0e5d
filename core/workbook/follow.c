/* The work tree follows HEAD after a sync moved the branch, journalled.
 *
 * Moving the branch and writing the files are two steps.  A sync killed
 * between them, or stopped by a full disk, leaves HEAD at the merge and
 * the work tree behind it: hundreds of record files missing or old, which
 * `git status` then shows as deletions and reversals a careless `commit`
 * would push to everyone.  So before the branch moves, the index notes the
 * commit the work tree stands at ("follow_from"); the files are written;
 * the note goes.  A note found by the next cairn process means the files
 * were not all written: it writes them from HEAD (wb_finish_follow), each
 * only if it is still as the interrupted sync left it (missing, as it was
 * before, or already as HEAD has it), so that nothing typed since is lost.
 */
#include "cairn/workbook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/fs.h"
#include "cairn/i18n.h"
#include "workbook/wb_internal.h"

#define FOLLOW_KEY "follow_from"
/* Files outside the record folders may be larger than a record. */
#define FOLLOW_READ_MAX ((size_t)1 << 28)

cairn_status wb_follow_note(cairn_wb *wb, const cairn_oid *from, cairn_error *err)
{
	/* Outside any transaction of the caller: the note must be on disk
	 * before the branch moves. */
	return cairn_index_meta_set(wb->idx, FOLLOW_KEY, from ? from->hex : "", err);
}

cairn_status wb_follow_pending(cairn_wb *wb, bool *pending, cairn_error *err)
{
	char hex[sizeof ((cairn_oid *)0)->hex];
	cairn_status st = cairn_index_meta_get(wb->idx, FOLLOW_KEY, hex, sizeof hex, err);

	*pending = st == CAIRN_OK && hex[0];
	return st;
}

/* Is the work tree's file at path still as an interrupted follow from
 * `from` to `to` left it: missing, as `from` had it, or as `to` has it? */
static cairn_status untouched_since(cairn_wb *wb, const cairn_oid *from, const cairn_oid *to,
				    const char *path, bool *untouched, cairn_error *err)
{
	cairn_oid now, was, will;
	cairn_error why;
	cairn_status st;

	*untouched = false;
	if (wb_work_blob(wb, path, FOLLOW_READ_MAX, &now, &why) != CAIRN_OK)
		return CAIRN_OK;        /* a file cairn cannot read is left as it is */
	if (!now.hex[0]) {
		*untouched = true;
		return CAIRN_OK;
	}
	st = wb_blob_at(wb, from, path, &was, err);
	if (st == CAIRN_OK && (st = wb_blob_at(wb, to, path, &will, err)) == CAIRN_OK)
		*untouched = !strcmp(now.hex, was.hex) || !strcmp(now.hex, will.hex);
	return st;
}

/* Write the files that differ between from and to as `to` has them.
 * only_untouched: a recovery, where a file may have been edited since. */
static cairn_status write_files(cairn_wb *wb, const cairn_oid *from, const cairn_oid *to,
				bool only_untouched, size_t *written, size_t *kept,
				cairn_error *err)
{
	cairn_git_delta *d = NULL;
	size_t n = 0;
	cairn_status st = cairn_git_diff(wb->git, from, to, &d, &n, err);

	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		bool untouched = true;
		if (only_untouched &&
		    (st = untouched_since(wb, from, to, d[i].path, &untouched, err)))
			break;
		if (!untouched) {
			wb_warn(wb, _("%s was changed after a sync was interrupted; it is kept as "
				      "it is (`git diff %s` shows how it differs)"),
				d[i].path, d[i].path);
			(*kept)++;
			continue;
		}
		st = wb_checkout_path(wb, to, d[i].path, err);
		if (st == CAIRN_OK)
			(*written)++;
	}
	cairn_git_deltas_free(d, n);
	return st;
}

cairn_status wb_follow(cairn_wb *wb, const cairn_oid *from, const cairn_oid *to,
		       cairn_error *err)
{
	size_t written = 0, kept = 0;
	cairn_status st = write_files(wb, from, to, false, &written, &kept, err);

	if (st == CAIRN_OK)
		st = wb_catch_up(wb, false, err);
	if (st != CAIRN_OK) {
		/* The branch has moved: say so, and what finishes the job. */
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return cairn_fail(err, st, _("the merge is committed but its files could not "
				  "all be written (%s): make room if the disk is full, then run "
				  "any cairn command (such as `cairn status`) to finish writing "
				  "them; nothing is lost"), why);
	}
	if ((st = wb_follow_note(wb, NULL, err)))
		return st;
	/* So that `git status`, and the next sync's look for hand edits, see
	 * the files as HEAD has them; a git holding its index longer only
	 * delays this to when the workbook is closed. */
	{
		cairn_error later;
		(void)wb_git_index_catch_up(wb, &later);
	}
	return CAIRN_OK;
}

cairn_status wb_finish_follow(cairn_wb *wb, cairn_error *err)
{
	char hex[sizeof ((cairn_oid *)0)->hex];
	cairn_oid from, head;
	size_t written = 0, kept = 0;
	cairn_status st;

	if ((st = cairn_index_meta_get(wb->idx, FOLLOW_KEY, hex, sizeof hex, err)) || !hex[0])
		return st;
	/* The half-written files of the killed process, wherever the merge
	 * put files (outside the record folders too). */
	cairn_fs_clean_temp(wb->root, NULL);
	snprintf(from.hex, sizeof from.hex, "%s", hex);
	if ((st = cairn_git_head(wb->git, &head, err)))
		return st;
	/* HEAD still at `from`: the branch never moved, nothing to write. */
	if (strcmp(from.hex, head.hex) &&
	    (st = write_files(wb, &from, &head, true, &written, &kept, err))) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return cairn_fail(err, st, _("a sync was interrupted while it wrote the files of "
				  "its merge, and they still cannot all be written (%s): make "
				  "room if the disk is full and run cairn again; do not commit "
				  "with git meanwhile"), why);
	}
	if ((st = wb_follow_note(wb, NULL, err)))
		return st;
	if (written || kept)
		wb_warn(wb, P_("finished a sync that was interrupted: %zu file written as the "
			       "merge has it", "finished a sync that was interrupted: %zu files "
			       "written as the merge has them", written), written);
	return CAIRN_OK;
}
