/* Private to core/git/: checking loose objects without libgit2 (loose.c).
 * Each takes the git folder (with its trailing '/', as cairn_git_gitdir
 * gives it) or its objects folder, not the handle: loose.c sits below
 * repo.c and calls nothing of it. */
#ifndef CAIRN_GIT_LOOSE_H
#define CAIRN_GIT_LOOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cairn/gitstore.h"

/* cairn_git_verify_object and cairn_git_verify_loose (include/cairn/
 * gitstore.h), for the repository whose git folder is gitdir. */
cairn_status cairn_git_verify_object_in(const char *gitdir, const cairn_oid *id, const char *data,
					size_t len, bool *loose, cairn_error *err);
cairn_status cairn_git_verify_loose_in(const char *gitdir, time_t since, size_t *checked,
				       cairn_error *err);

/* Call fn for each loose object file of objdir (objects/xx/yyyy...). */
typedef cairn_status (*cairn_git_loose_fn)(int dirfd, const char *name, const char *hex,
					   const char *path, void *ctx, cairn_error *err);
cairn_status cairn_git_each_loose(const char *objdir, cairn_git_loose_fn fn, void *ctx,
				  cairn_error *err);

/* Whether s is n lowercase hex digits, then its end. */
bool cairn_git_is_hex(const char *s, size_t n);

#endif
