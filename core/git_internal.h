/* Private to core/git*.c: the libgit2 repository behind a cairn_git, for
 * the modules that need libgit2 calls of their own (core/gitremote.c). */
#ifndef CAIRN_GIT_INTERNAL_H
#define CAIRN_GIT_INTERNAL_H

#include <git2.h>

#include "cairn/gitstore.h"

/* git_libgit2_init with cairn's options (objects fsynced, large trees
 * cached); each call is paired with git_libgit2_shutdown. */
cairn_status cairn_git_lib_init(cairn_error *err);

/* The repository, opened on first use; NULL after filling err. */
git_repository *cairn_git_repository(cairn_git *git, cairn_error *err);

#endif
