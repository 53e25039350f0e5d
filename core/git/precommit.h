/* cairn: git's pre-commit hook, which puts back in git's index what a
 * plain git command running beside a save left old (core/git/precommit.c).
 *
 * A plain `git commit` reads git's index before it takes git's lock, and
 * writes what it read once it holds the lock (git 2.39's `git status`
 * writes only an index file still as it read it).  A whole
 * cairn save that runs in between (it moves the branch and brings git's
 * index in step) is then undone in git's index, and the next plain `git
 * commit` would commit the old text.  git (2.39) reads its index again
 * after the pre-commit hook, so the hook puts the saved entries back.
 */
#ifndef CAIRN_GIT_PRECOMMIT_H
#define CAIRN_GIT_PRECOMMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/gitstore.h"

/* A path whose entry was put back as HEAD holds it. */
typedef void (*cairn_git_healed_fn)(const char *path, void *ctx);

/* In git's index (index_file: $GIT_INDEX_FILE as git gives it to its
 * hook, NULL or "" when unset), under git's lock, for the paths under
 * folders only: put back HEAD's entry where the index holds an older
 * version of the path (an entry that differs from HEAD's, whose blob the
 * path held in one of its last changes on the first-parent history, or
 * no entry where the path was absent then, or an entry where HEAD has
 * none) while the work tree holds exactly what HEAD holds.  Anything
 * else, a change a person staged, is left alone.  Nothing is done when
 * index_file names another index than the workbook's own (`git commit
 * PATHS` uses a temporary one) or while a merge, cherry-pick, revert or
 * rebase is under way.  fn hears each path put back. */
cairn_status cairn_git_heal_index(cairn_git *git, const char *index_file,
				  const char *const *folders, size_t nfolders,
				  cairn_git_healed_fn fn, void *ctx, cairn_error *err);

/* ---- the hook file ---- */

typedef enum cairn_git_hook_state {
	CAIRN_HOOK_OURS,          /* hooks/pre-commit is cairn's */
	CAIRN_HOOK_MISSING,       /* none yet */
	CAIRN_HOOK_CHAINED,       /* someone else's, which runs `cairn hook pre-commit` */
	CAIRN_HOOK_OTHERS,        /* someone else's, which does not */
	CAIRN_HOOK_ELSEWHERE,     /* core.hooksPath is set: where is *where */
	CAIRN_HOOK_DISABLED,      /* cairn.preCommitHook is false */
} cairn_git_hook_state;

/* Which of the above; *where (may be NULL) receives a new string, the
 * hook's path, or core.hooksPath's value for CAIRN_HOOK_ELSEWHERE. */
cairn_status cairn_git_hook_state_of(cairn_git *git, cairn_git_hook_state *state, char **where,
				     cairn_error *err);
/* Write hooks/pre-commit running `PROGRAM hook pre-commit` (PROGRAM: this
 * cairn by absolute path, with `cairn` in PATH after it), when the state
 * is CAIRN_HOOK_MISSING or CAIRN_HOOK_OURS; *state (may be NULL) receives
 * the state found before. */
cairn_status cairn_git_hook_install(cairn_git *git, const char *program,
				    cairn_git_hook_state *state, cairn_error *err);

#endif
