/* Keeping git's index in step with cairn's commits, under git's own lock.
 *
 * cairn builds commits without git's index, so for a moment after a save
 * git's index still holds the old version of the saved files.  A plain
 * `git commit` made in that moment would build its tree from that index
 * and quietly undo the save.  So a save takes git's lock (.git/index.lock,
 * as git does: O_CREAT|O_EXCL) before it moves the branch, and writes the
 * new index into the lock file and renames it into place after; a `git
 * commit` in between is refused by git ("index.lock exists") instead of
 * undoing anything.  Only the entries of the saved files change. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/gitstore.h"
#include "git/git_internal.h"
#include "git/gitindex_file.h"
#include "cairn/sha1.h"

static char *git_path(const cairn_git *git, const char *name)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_buf_printf(&b, "%s%s", cairn_git_gitdir(git), name);
	return cairn_buf_detach(&b, NULL);
}

/* A lock file cairn makes holds "cairn PID" from its first instant (it is
 * written under another name and hard-linked into place, which fails as
 * O_EXCL does when the lock exists), so the next cairn knows a lock whose
 * process was killed.  git's own lock files hold index data or nothing;
 * they are git's to clean up, and cairn never removes them. */
static long lock_owner(const char *path)
{
	char head[32];
	long pid = 0;
	FILE *f = fopen(path, "r");
	size_t got;

	if (!f)
		return 0;
	got = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[got] = '\0';
	if (strncmp(head, "cairn ", 6) != 0 || sscanf(head + 6, "%ld", &pid) != 1)
		return 0;
	return pid;
}

static bool process_gone(long pid)
{
	return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Take away a lock left by a killed cairn.  Renamed aside first and read
 * again there, so that a lock another cairn made in between is put back
 * rather than removed. */
static void clear_stale_lock(const cairn_git_index_lock *lock, long dead)
{
	cairn_buf aside = CAIRN_BUF_INIT;

	cairn_buf_printf(&aside, "%s.stale.%ld", lock->path, (long)getpid());
	if (!aside.oom && rename(lock->path, cairn_buf_str(&aside)) == 0) {
		if (lock_owner(cairn_buf_str(&aside)) != dead)
			(void)link(cairn_buf_str(&aside), lock->path);
		unlink(cairn_buf_str(&aside));
	}
	cairn_buf_done(&aside);
	/* and the name the dead cairn made its lock under */
	{
		char *gitdir = strdup(lock->path), *slash = gitdir ? strrchr(gitdir, '/') : NULL;
		if (slash) {
			slash[1] = '\0';
			cairn_buf_printf(&aside, "%scairn-index.owner.%ld", gitdir, dead);
			unlink(cairn_buf_str(&aside));
			cairn_buf_done(&aside);
		}
		free(gitdir);
	}
}

cairn_status cairn_git_lock_index(const cairn_git *git, int timeout_ms, cairn_git_index_lock *lock,
				  cairn_error *err)
{
	int waited = 0;
	long pid;
	FILE *f;
	cairn_buf name = CAIRN_BUF_INIT;

	lock->held = false;
	cairn_buf_printf(&name, "cairn-index.owner.%ld", (long)getpid());
	lock->path = git_path(git, "index.lock");
	lock->index = git_path(git, "index");
	lock->scratch = git_path(git, "cairn-index.new");
	lock->owner = name.oom ? NULL : git_path(git, cairn_buf_str(&name));
	cairn_buf_done(&name);
	if (!lock->path || !lock->index || !lock->scratch || !lock->owner) {
		cairn_git_unlock_index(lock);
		return cairn_oom(err);
	}
	if (!(f = fopen(lock->owner, "w")) || fprintf(f, "cairn %ld\n", (long)getpid()) < 0 ||
	    fclose(f) != 0) {
		cairn_status st = cairn_fail(err, CAIRN_EIO, "cannot write %s: %s", lock->owner,
					     strerror(errno));
		cairn_git_unlock_index(lock);
		return st;
	}
	for (;;) {
		if (link(lock->owner, lock->path) == 0)
			break;
		if (errno != EEXIST) {
			cairn_status st = cairn_fail(err, CAIRN_EIO, "cannot make %s: %s", lock->path,
						     strerror(errno));
			cairn_git_unlock_index(lock);
			return st;
		}
		if (process_gone(pid = lock_owner(lock->path))) {
			clear_stale_lock(lock, pid);
			continue;
		}
		if (waited >= timeout_ms) {
			cairn_git_unlock_index(lock);
			return cairn_fail(err, CAIRN_EBUSY,
					  "git is using its index (%sindex.lock exists; if no git "
					  "command is running, a git that was killed left it: remove "
					  "it)", cairn_git_gitdir(git));
		}
		usleep(10 * 1000);
		waited += 10;
	}
	lock->held = true;
	return CAIRN_OK;
}

void cairn_git_unlock_index(cairn_git_index_lock *lock)
{
	if (lock->held && lock->path)
		unlink(lock->path);
	if (lock->owner)
		unlink(lock->owner);
	lock->held = false;
	free(lock->path);
	free(lock->index);
	free(lock->scratch);
	free(lock->owner);
	lock->path = lock->index = lock->scratch = lock->owner = NULL;
}

static cairn_status copy_file(const char *from, const char *to, cairn_error *err)
{
	FILE *in = fopen(from, "rb"), *out;
	char chunk[65536];
	size_t n;
	cairn_status st = CAIRN_OK;

	unlink(to);
	if (!in)
		return errno == ENOENT ? CAIRN_OK : cairn_fail(err, CAIRN_EIO, "cannot read %s: %s",
							       from, strerror(errno));
	out = fopen(to, "wb");
	if (!out) {
		fclose(in);
		return cairn_fail(err, CAIRN_EIO, "cannot write %s: %s", to, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		if (fwrite(chunk, 1, n, out) != n) {
			st = cairn_fail(err, CAIRN_EIO, "cannot write %s: %s", to, strerror(errno));
			break;
		}
	fclose(in);
	if (fclose(out) != 0 && st == CAIRN_OK)
		st = cairn_fail(err, CAIRN_EIO, "cannot write %s: %s", to, strerror(errno));
	return st;
}

void cairn_git_entry_from_stat(git_index_entry *e, const struct stat *sb)
{
	e->ctime.seconds = (int32_t)sb->st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)sb->st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)sb->st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)sb->st_mtim.tv_nsec;
	e->dev = (uint32_t)sb->st_dev;
	e->ino = (uint32_t)sb->st_ino;
	e->uid = (uint32_t)sb->st_uid;
	e->gid = (uint32_t)sb->st_gid;
	e->file_size = (uint32_t)sb->st_size;
	e->mode = GIT_FILEMODE_BLOB;
}

/* The blob id of the work tree's file at path, if it is a regular file. */
static bool worktree_blob(const cairn_git *git, const char *path, struct stat *sb, git_oid *id)
{
	cairn_buf full = CAIRN_BUF_INIT, data = CAIRN_BUF_INIT;
	bool ok = false;
	FILE *f;

	cairn_buf_printf(&full, "%s%s", cairn_git_workdir(git), path);
	if (lstat(cairn_buf_str(&full), sb) == 0 && S_ISREG(sb->st_mode) &&
	    (f = fopen(cairn_buf_str(&full), "rb"))) {
		char chunk[65536];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			cairn_buf_add(&data, chunk, got);
		fclose(f);
		if ((ok = !data.oom))
			cairn_sha1_object("blob", cairn_buf_str(&data), data.len, id->id);
	}
	cairn_buf_done(&data);
	cairn_buf_done(&full);
	return ok;
}

/* What HEAD and the work tree hold at path (see ix_change). */
static cairn_status look_at(cairn_git *git, const cairn_oid *head, const char *path,
			    ix_change *c, cairn_error *err)
{
	cairn_oid blob;
	git_oid id;
	char *data = NULL;
	size_t len;
	cairn_status st;

	memset(c, 0, sizeof *c);
	c->path = path;
	st = cairn_git_read_path(git, head, path, &data, &len, &blob, err);
	free(data);
	if (st != CAIRN_OK && st != CAIRN_ENOTFOUND)
		return st;
	c->tracked = st == CAIRN_OK;
	if (c->tracked) {
		if (git_oid_fromstr(&id, blob.hex) < 0)
			return cairn_fail(err, CAIRN_EIO, "bad object id %s", blob.hex);
		memcpy(c->head, id.id, 20);
	}
	c->on_disk = worktree_blob(git, path, &c->sb, &id);
	if (c->on_disk)
		memcpy(c->tree, id.id, 20);
	return CAIRN_OK;
}

/* The same change through libgit2, for indexes the direct writer leaves
 * alone. */
static cairn_status apply_with_libgit2(git_index *idx, ix_change *c, cairn_error *err)
{
	const git_index_entry *cur = git_index_get_bypath(idx, c->path, 0);
	git_index_entry e;

	ix_resolve(c, cur ? cur->id.id : NULL);
	if (c->what == IX_KEEP)
		return CAIRN_OK;
	if (c->what == IX_DROP) {
		git_index_remove(idx, c->path, 0);
		return CAIRN_OK;
	}
	memset(&e, 0, sizeof e);
	if (c->with_stat)
		cairn_git_entry_from_stat(&e, &c->sb);
	e.mode = GIT_FILEMODE_BLOB;
	e.path = c->path;
	memcpy(e.id.id, c->head, 20);
	if (git_index_add(idx, &e) < 0)
		return cairn_fail(err, CAIRN_EIO, "cannot update git's index at %s: %s", c->path,
				  git_error_last() ? git_error_last()->message : "?");
	return CAIRN_OK;
}

/* git trusts an entry's stat data only when the file's mtime is older
 * than the index file: an entry written in the same second as its index
 * is "racily clean" and git compares its content.  Rewriting the index a
 * second later would make such an entry look trustworthy, and a file
 * changed within that second (same size, same inode) would pass for
 * unchanged, so `git add` would skip it.  git smudges those entries when it
 * writes an index (a size of 0 makes it compare content); libgit2 does
 * not for a standalone index, so do it here. */
cairn_status cairn_git_keep_racy_entries_racy(git_index *idx, const char *index_path,
					       cairn_error *err)
{
	struct stat sb;
	size_t n = git_index_entrycount(idx);

	if (stat(index_path, &sb) != 0)
		return CAIRN_OK;        /* no index yet: nothing it vouched for */
	for (size_t i = 0; i < n; i++) {
		const git_index_entry *cur = git_index_get_byindex(idx, i);
		git_index_entry e;
		if (!cur || cur->file_size == 0 || GIT_INDEX_ENTRY_STAGE(cur) != 0)
			continue;
		if ((int64_t)cur->mtime.seconds < (int64_t)sb.st_mtim.tv_sec)
			continue;
		e = *cur;
		e.file_size = 0;
		if (git_index_add(idx, &e) < 0)
			return cairn_fail(err, CAIRN_EIO, "cannot update git's index at %s: %s",
					  cur->path, git_error_last() ? git_error_last()->message : "?");
	}
	return CAIRN_OK;
}

cairn_status cairn_git_write_index_locked(cairn_git_index_lock *lock, cairn_git *git,
					  const cairn_oid *head, const char *const *paths, size_t n,
					  cairn_error *err)
{
	git_index *idx = NULL;
	ix_change *changes = NULL;
	cairn_status st = CAIRN_OK;
	bool handled = false;

	if (!lock->held)
		return cairn_fail(err, CAIRN_EINPUT, "git's index is not locked");
	if (n && !(changes = calloc(n, sizeof *changes))) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		st = look_at(git, head, paths[i], &changes[i], err);
	if (st != CAIRN_OK)
		goto done;
	/* git writes the new index into its lock file and renames that over
	 * the index.  cairn writes it under a name of its own and renames that
	 * over the index while it holds the lock, so that the lock file keeps
	 * saying "cairn PID" to the end: a cairn killed halfway leaves a lock
	 * the next one knows for its own, never one that looks like git's. */
	unlink(lock->scratch);
	if ((st = ix_file_apply(lock->index, lock->scratch, changes, n, &handled, err)))
		goto done;
	if (!handled) {
		/* libgit2 writes a standalone index through its own
		 * "<path>.lock", so it works on a second name for the index (a
		 * hard link, or a copy), whose new version then moves over git's
		 * lock file.  A killed cairn may have left that name's lock: we
		 * hold git's lock, so nobody else is using it. */
		cairn_buf scratch_lock = CAIRN_BUF_INIT;
		cairn_buf_printf(&scratch_lock, "%s.lock", lock->scratch);
		unlink(cairn_buf_str(&scratch_lock));
		cairn_buf_done(&scratch_lock);
		unlink(lock->scratch);
		if (link(lock->index, lock->scratch) != 0 &&
		    (st = copy_file(lock->index, lock->scratch, err)))
			goto done;
		if (git_index_open(&idx, lock->scratch) < 0) {
			st = cairn_fail(err, CAIRN_EIO, "cannot read git's index: %s",
					git_error_last() ? git_error_last()->message : "?");
			goto done;
		}
		if ((st = cairn_git_keep_racy_entries_racy(idx, lock->index, err)))
			goto done;
		for (size_t i = 0; i < n && st == CAIRN_OK; i++)
			st = apply_with_libgit2(idx, &changes[i], err);
		if (st != CAIRN_OK)
			goto done;
		if (git_index_write(idx) < 0) {
			st = cairn_fail(err, CAIRN_EIO, "cannot update git's index: %s",
					git_error_last() ? git_error_last()->message : "?");
			goto done;
		}
	}
	if (rename(lock->scratch, lock->index) != 0) {
		st = cairn_fail(err, CAIRN_EIO, "cannot put git's new index in place: %s",
				strerror(errno));
		goto done;
	}
done:
	free(changes);
	git_index_free(idx);
	unlink(lock->scratch);
	return st;
}
