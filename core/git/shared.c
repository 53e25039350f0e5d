/* core.sharedRepository (see core/git/shared.h): the one place where cairn
 * gives what it writes into a repository the permissions git would.
 *
 * git's rule (path.c, calc_shared_perm and adjust_shared_perm): "group"
 * (or true, 1) adds rw for the group, "all" (world, everybody, 2) adds r
 * for others too, a 0xxx octal sets the bits exactly; a file that is not
 * writable by its owner (a pack, an object) gets no write bit, and a
 * directory or an executable gets x wherever it gets r; a directory is
 * setgid so that what is made in it keeps the repository's group.
 * "umask" (false, 0) and no setting leave the creator's umask alone.
 */
#include "git/shared.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PERM_GROUP      0660
#define PERM_EVERYBODY  0664

/* git's git_config_perm: 0 for umask, -PERM for "add these bits", or
 * the exact octal mode; -1 when the value means nothing to git. */
static int parse_perm(const char *v)
{
	char *end;
	long n;

	if (!v || !*v || !strcmp(v, "umask") || !strcmp(v, "false") || !strcmp(v, "no") ||
	    !strcmp(v, "off") || !strcmp(v, "0"))
		return 0;
	if (!strcmp(v, "group") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") ||
	    !strcmp(v, "1"))
		return -PERM_GROUP;
	if (!strcmp(v, "all") || !strcmp(v, "world") || !strcmp(v, "everybody") ||
	    !strcmp(v, "2"))
		return -PERM_EVERYBODY;
	n = strtol(v, &end, 8);
	if (*end || n <= 0 || n > 0777)
		return 0;
	/* git: the owner can always read and write. */
	return (int)((n & 0666) | 0600);
}

void cairn_shared_read(cairn_shared *sh, const char *gitdir)
{
	char path[4096];
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	struct stat sb;

	memset(sh, 0, sizeof *sh);
	snprintf(sh->value, sizeof sh->value, "%s", "umask");
	snprintf(path, sizeof path, "%s/config", gitdir);
	if (git_config_open_ondisk(&cfg, path) == 0 &&
	    git_config_get_string_buf(&value, cfg, "core.sharedRepository") == 0) {
		snprintf(sh->value, sizeof sh->value, "%s", value.ptr);
		sh->perm = parse_perm(value.ptr);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	if (stat(gitdir, &sb) == 0) {
		sh->gid = sb.st_gid;
		sh->has_gid = true;
	}
}

mode_t cairn_shared_mode(const cairn_shared *sh, mode_t mode)
{
	int tweak = sh->perm < 0 ? -sh->perm : sh->perm;

	if (!sh->perm)
		return mode;
	if (!(mode & S_IWUSR))
		tweak &= ~0222;
	if (mode & S_IXUSR)
		tweak |= (tweak & 0444) >> 2;
	if (sh->perm < 0)
		mode |= (mode_t)tweak;
	else
		mode = (mode & ~(mode_t)0777) | (mode_t)tweak;
	if (S_ISDIR(mode))
		mode |= S_ISGID;
	return mode;
}

bool cairn_shared_apply(const cairn_shared *sh, const char *path)
{
	struct stat sb;
	mode_t want;

	if (!sh->perm)
		return true;
	if (lstat(path, &sb) != 0 || S_ISLNK(sb.st_mode))
		return false;
	/* What git's own writer would have made: the repository's group
	 * (its setgid folders give it), then the shared bits. */
	if (sh->has_gid && sb.st_gid != sh->gid && chown(path, (uid_t)-1, sh->gid) != 0)
		return false;
	want = cairn_shared_mode(sh, sb.st_mode) & 07777;
	if ((sb.st_mode & 07777) != want && chmod(path, want) != 0)
		return false;
	return true;
}

mode_t cairn_shared_enter(const cairn_shared *sh)
{
	mode_t old = umask(0);

	umask(old);
	if (!sh->perm)
		return old;
	/* Files libgit2 makes itself (a ref's lock, renamed into place) are
	 * born with the group's bits, never a moment without them. */
	umask(old & ~(mode_t)((sh->perm < 0 ? -sh->perm : sh->perm) | 0110) & 0777);
	return old;
}

void cairn_shared_leave(mode_t old)
{
	umask(old);
}
