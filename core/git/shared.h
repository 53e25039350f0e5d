/* A shared repository's permissions (core/git/shared.c): what git does
 * with core.sharedRepository, done by cairn wherever it writes into a
 * repository (the folder it pushes to, the packs and refs a fetch
 * writes), so that a member whose umask is 077 still leaves every file
 * readable and writable by the group. */
#ifndef CAIRN_GIT_SHARED_H
#define CAIRN_GIT_SHARED_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct cairn_shared {
	int perm;               /* 0: the umask's; < 0: bits to add; > 0: exact */
	char value[64];         /* core.sharedRepository as set ("umask" if not) */
	gid_t gid;              /* the repository's group (its folder's) */
	bool has_gid;
} cairn_shared;

/* Read gitdir's core.sharedRepository and group. */
void cairn_shared_read(cairn_shared *sh, const char *gitdir);
/* The mode git gives a file or folder of that mode (S_IFDIR in mode for
 * a folder). */
mode_t cairn_shared_mode(const cairn_shared *sh, mode_t mode);
/* Give path the repository's group and the shared bits; false when that
 * could not be done (not ours, say). */
bool cairn_shared_apply(const cairn_shared *sh, const char *path);
/* Around libgit2's own writes: a umask that lets the shared bits
 * through; leave gives the old one back. */
mode_t cairn_shared_enter(const cairn_shared *sh);
void cairn_shared_leave(mode_t old);

#endif
