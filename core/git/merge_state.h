/* cairn: a merge plain git left half done (core/git/merge_state.c).
 *
 * A `git merge` or `git pull` run where cairn's merge driver is not
 * registered merges record files line by line and stops on neighbouring
 * fields with conflict markers; cairn takes such a merge over when it
 * opens the workbook (core/workbook/sync.c): it puts git's side of things back as
 * HEAD has them and merges the two commits field by field itself.
 */
#ifndef CAIRN_GITMERGE_H
#define CAIRN_GITMERGE_H

#include <stddef.h>

#include "cairn/error.h"
#include "cairn/gitstore.h"

/* The commit git is merging (MERGE_HEAD; "" when no merge is under way)
 * and the paths git's index holds in conflict (new strings). */
cairn_status cairn_git_merge_state(cairn_git *git, cairn_oid *merging, char ***conflicted,
				   size_t *n, cairn_error *err);

/* Give up git's merge: its index entries for paths as HEAD has them, and
 * MERGE_HEAD, MERGE_MSG and the like removed.  The work tree is the
 * caller's business. */
cairn_status cairn_git_merge_abandon(cairn_git *git, const char *const *paths, size_t n,
				     cairn_error *err);

/* The git command a member ran that stopped half done and waits in this
 * (work tree's) git folder to be continued or aborted: "cherry-pick",
 * "revert", "rebase" or "am"; NULL when none.  (A stopped merge is
 * cairn_git_merge_state's.)  Read from git's files, without libgit2. */
const char *cairn_git_stopped_op(const cairn_git *git);

/* The paths git's index holds in conflict (new strings), whatever
 * stopped, and the git command that did (*op, or NULL). */
cairn_status cairn_git_unmerged(cairn_git *git, char ***paths, size_t *n, const char **op,
				cairn_error *err);

#endif
