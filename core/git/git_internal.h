/* Private to core/git*.c: the libgit2 repository behind a cairn_git, for
 * the modules that need libgit2 calls of their own (core/git/remote.c). */
#ifndef CAIRN_GIT_INTERNAL_H
#define CAIRN_GIT_INTERNAL_H

#include <git2.h>

#include "git/remote.h"
#include "cairn/gitstore.h"
#include "git/pack.h"

/* git_libgit2_init with cairn's options (objects fsynced, large trees
 * cached); each call is paired with git_libgit2_shutdown. */
cairn_status cairn_git_lib_init(cairn_error *err);

/* The repository, opened on first use; NULL after filling err. */
git_repository *cairn_git_repository(cairn_git *git, cairn_error *err);

/* A walk of repo that yields parents before their children. */
int cairn_git_walk_oldest_first(git_revwalk **walk, git_repository *repo);
/* Every commit walk yields, in its order, into *ids (the caller frees it,
 * also after a failure); libgit2's status. */
int cairn_git_walk_ids(git_revwalk *walk, git_oid **ids, size_t *n);

/* The commits that passed the allow-list (core/git/incoming.c) through this
 * handle: a commit the fetch checked is not read again by the merge. */
bool cairn_git_was_checked(const cairn_git *git, const git_oid *commit);
bool cairn_git_mark_checked(cairn_git *git, const git_oid *commit); /* false: no memory */

/* Hold the commits ids[0..n) of src (parents first) to the allow-list of
 * core/git/incoming.c, each tree against its parents' trees; with a pack,
 * every object their parents do not hold goes in.  progress (may be NULL)
 * hears of each commit.  (Names both sides of a merge added are compared
 * by cairn_git_check_incoming, on the trees being merged.) */
cairn_status cairn_git_check_commits(cairn_git *git, const char *remote, git_repository *src,
				     const git_oid *ids, size_t n, gitpack *pack,
				     cairn_progress_fn progress, void *ctx, cairn_error *err);
/* The same walk over our own commits ids[0..n) (parents first) on their
 * way to a folder: every object the parents do not hold goes into pack,
 * nothing is held to the allow-list. */
cairn_status cairn_git_pack_commits(cairn_git *git, const char *remote, const git_oid *ids,
				    size_t n, gitpack *pack, cairn_progress_fn progress, void *ctx,
				    cairn_error *err);

#endif
