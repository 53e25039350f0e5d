/* cairn: files in the work tree, written so that a crash never leaves half
 * a file and a planted symlink never redirects a write.
 *
 * Paths are relative to a root folder and '/'-separated.  Every folder on
 * the way is opened with O_DIRECTORY|O_NOFOLLOW from the root's descriptor;
 * a file is written to a temporary name (O_CREAT|O_EXCL|O_NOFOLLOW),
 * fsynced, renamed over the old one, and its folder fsynced (or, for many
 * files at once, all fsynced together by cairn_fs_sync).
 */
#ifndef CAIRN_FS_H
#define CAIRN_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"

/* Write data to root/path atomically, making missing folders (0755). */
cairn_status cairn_fs_write(const char *root, const char *path, const char *data,
			    size_t len, cairn_error *err);
/* Remove root/path and then any folders on its way that became empty
 * (never root itself).  A missing file is not an error. */
cairn_status cairn_fs_remove(const char *root, const char *path, cairn_error *err);
/* The same without any fsync, for a save of many files at once: nothing
 * of them is on disk for sure until cairn_fs_sync(root), which flushes the
 * whole filesystem once (syncfs) where these would cost two fsyncs each. */
cairn_status cairn_fs_write_nosync(const char *root, const char *path, const char *data,
				   size_t len, cairn_error *err);
cairn_status cairn_fs_remove_nosync(const char *root, const char *path, cairn_error *err);
cairn_status cairn_fs_sync(const char *root, cairn_error *err);
/* cairn_fs_sync of each of paths[0..n-1], once a filesystem: folders on
 * one disk (a work tree and its .git) cost one call. */
cairn_status cairn_fs_sync_each(const char *const *paths, size_t n, cairn_error *err);
/* Read root/path (no symlinks followed) into a new NUL-terminated buffer;
 * CAIRN_ENOTFOUND when it does not exist.  Refuses files over max bytes. */
cairn_status cairn_fs_read(const char *root, const char *path, size_t max, char **data,
			   size_t *len, cairn_error *err);
/* Remove temporary files this module left behind under root/path prefix
 * folders (names starting ".cairn-tmp-"); returns how many. */
size_t cairn_fs_clean_temp(const char *root, const char *const *folders);

/* An advisory lock (flock) on a file, held until cairn_fs_unlock; waits at
 * most timeout_ms, then CAIRN_EBUSY.  The kernel drops it if the process
 * dies, so it can never go stale. */
cairn_status cairn_fs_lock(const char *path, int timeout_ms, int *fd, cairn_error *err);
void cairn_fs_unlock(int fd);

/* Make a folder and its parents (like mkdir -p). */
cairn_status cairn_fs_mkdirs(const char *path, cairn_error *err);
/* Remove path and everything below it, best effort, never following a
 * link: what a refused clone or a finished unshallowing left. */
void cairn_fs_remove_tree(const char *path);

#endif
