/* cairn: walking a workbook's git history (core/git/log.c).
 *
 * One walk serves every reader of history: the history index (which
 * commits touched which record), field blame, and the authors and dates
 * kept with each side of a sync conflict.  A commit's changes are the
 * files that differ from its parent; for a merge, the files that differ
 * from every parent, so that a merge is not credited with what it only
 * brought in from one side (git log's "TREESAME" rule).
 */
#ifndef CAIRN_GITLOG_H
#define CAIRN_GITLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/gitstore.h"

#define CAIRN_GIT_MAX_PARENTS 8

typedef struct cairn_git_commit_info {
	cairn_oid id;
	cairn_oid parent[CAIRN_GIT_MAX_PARENTS];
	size_t nparents;                /* more than the maximum are not listed */
	const char *author_name;        /* as git holds them: untrusted text */
	const char *author_email;
	long long when;                 /* author time, seconds since the epoch */
	int tz_minutes;
	const char *message;
} cairn_git_commit_info;

/* Called newest first; *stop ends the walk early.  changes/n are the
 * files the commit changed (only when the walk was asked for them). */
typedef cairn_status (*cairn_git_walk_fn)(const cairn_git_commit_info *c,
					  const cairn_git_delta *changes, size_t n, bool *stop,
					  void *ctx, cairn_error *err);

/* Every commit reachable from `from` and not from `hide` (NULL or "":
 * the whole history), in topological order, newest first. */
cairn_status cairn_git_walk(cairn_git *git, const cairn_oid *from, const cairn_oid *hide,
			    bool with_changes, cairn_git_walk_fn fn, void *ctx, cairn_error *err);

/* Whether each object read is hashed again against its id (libgit2's
 * default, on).  Off while the history index is built: the walk reads
 * what is held here, as git log reads it without hashing (a fetch's pack
 * was checked as it came in, and a loose object when cairn wrote it); on
 * a 5,000-commit history the hashing was a sixth of the build. */
void cairn_git_verify_reads(bool on);

/* One commit's details (for a history row read from the index). */
cairn_status cairn_git_commit_info_of(cairn_git *git, const cairn_oid *id,
				      cairn_git_walk_fn fn, void *ctx, cairn_error *err);

/* A revision as git names it (an id, HEAD~2, origin/main) to its commit. */
cairn_status cairn_git_revision(cairn_git *git, const char *rev, cairn_oid *out, cairn_error *err);

#endif
