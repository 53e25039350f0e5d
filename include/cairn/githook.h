/* cairn: git's pre-commit hook in a workbook (core/workbook/githook.c).
 *
 * A plain `git commit` reads git's index before it takes git's lock and
 * writes back what it read once it holds it (`git status` writes only an
 * index file that did not change since it read it).  A whole
 * cairn save that runs in between leaves git's index with the saved
 * records' old text, which the next plain `git commit` would commit.
 * cairn init, clone and demo (and a verb that saves or the terminal
 * interface, in a workbook that has no hook yet) install .git/hooks/pre-commit, which runs `cairn hook
 * pre-commit`: git reads its index again after that hook, and the hook
 * puts back the saved versions first.  A person's staged change is never
 * touched; `git commit --no-verify` commits an older version on purpose.
 */
#ifndef CAIRN_GITHOOK_H
#define CAIRN_GITHOOK_H

#include "cairn/error.h"
#include "cairn/workbook.h"

/* A record whose entry in git's index was put back (record: "KIND/ID",
 * or the path for a file of a record folder that is no record). */
typedef void (*cairn_healed_fn)(const char *record, const char *path, void *ctx);

/* The hook's work, in the workbook around dir, on the index git gives its
 * hook (index_file: $GIT_INDEX_FILE; NULL when unset): see
 * cairn_git_heal_index in core/git/precommit.h.  Opens only the
 * repository, never the workbook's own index. */
cairn_status cairn_wb_heal_git_index(const char *dir, const char *index_file, cairn_healed_fn fn,
				     void *ctx, cairn_error *err);

/* Install the hook (program: this cairn, by absolute path) unless the
 * workbook has a hook of someone else's, core.hooksPath is set, or
 * cairn.preCommitHook is false.  only_if_missing: only when there is no
 * hook file yet (an older workbook, at open); otherwise cairn's own hook
 * is written again with this program's path. */
cairn_status cairn_wb_install_git_hook(cairn_wb *wb, const char *program, bool only_if_missing,
				       cairn_error *err);

/* For `cairn doctor`: whether the hook runs at a plain git commit; a
 * finding told to fn (problem: it does not, with what to do). */
cairn_status cairn_wb_doctor_git_hook(cairn_wb *wb, void (*fn)(bool problem, const char *what,
							       const char *fix, void *ctx),
				      void *ctx, int *problems, cairn_error *err);

#endif
