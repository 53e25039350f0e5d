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

#define STALE_LOCK_SECONDS 5

static char *git_path(const cairn_git *git, const char *name)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_buf_printf(&b, "%s%s", cairn_git_gitdir(git), name);
	return cairn_buf_detach(&b, NULL);
}

/* Which cairn process holds git's index lock: written beside it, so that
 * the next cairn knows at once a lock whose process was killed. */
static void note_owner(const cairn_git_index_lock *lock)
{
	FILE *f = fopen(lock->owner, "w");
	if (f) {
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
}

static bool owner_gone(const cairn_git_index_lock *lock)
{
	FILE *f = fopen(lock->owner, "r");
	long pid = 0;
	bool gone;

	if (!f)
		return false;
	gone = fscanf(f, "%ld", &pid) == 1 && pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
	fclose(f);
	return gone;
}

cairn_status cairn_git_lock_index(const cairn_git *git, int timeout_ms, cairn_git_index_lock *lock,
				  cairn_error *err)
{
	struct stat sb;
	int waited = 0, fd;

	lock->held = false;
	lock->path = git_path(git, "index.lock");
	lock->index = git_path(git, "index");
	lock->scratch = git_path(git, "cairn-index.new");
	lock->owner = git_path(git, "cairn-index.owner");
	if (!lock->path || !lock->index || !lock->scratch || !lock->owner) {
		cairn_git_unlock_index(lock);
		return cairn_fail(err, CAIRN_ENOMEM, "out of memory");
	}
	for (;;) {
		/* A lock whose cairn was killed never goes away by itself.  The
		 * owner is noted before the lock is taken, so a cairn killed in
		 * between leaves a lock with a dead owner, never one without. */
		if (owner_gone(lock))
			unlink(lock->path);
		note_owner(lock);
		fd = open(lock->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0)
			break;
		if (errno != EEXIST) {
			cairn_status st = cairn_fail(err, CAIRN_EIO, "cannot make %s: %s", lock->path,
						     strerror(errno));
			cairn_git_unlock_index(lock);
			return st;
		}
		/* git's own lock, left by a git that died, is stale after a while. */
		if (stat(lock->path, &sb) == 0 && time(NULL) - sb.st_mtime > STALE_LOCK_SECONDS &&
		    unlink(lock->path) == 0)
			continue;
		if (waited >= timeout_ms) {
			cairn_git_unlock_index(lock);
			return cairn_fail(err, CAIRN_EBUSY,
					  "git is using its index (%sindex.lock exists); try again when "
					  "it is done", cairn_git_gitdir(git));
		}
		usleep(10 * 1000);
		waited += 10;
	}
	close(fd);
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

static void entry_from_stat(git_index_entry *e, const struct stat *sb)
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

cairn_status cairn_git_write_index_locked(cairn_git_index_lock *lock, const cairn_git *git,
					  const char *const *paths, size_t n, cairn_error *err)
{
	git_index *idx = NULL;
	cairn_status st;
	int rc = 0;

	if (!lock->held)
		return cairn_fail(err, CAIRN_EINPUT, "git's index is not locked");
	/* libgit2 writes a standalone index through its own "<path>.lock", so
	 * work on a copy, then move it over git's lock file and into place.
	 * A killed cairn may have left the copy's lock: we hold git's lock, so
	 * nobody else is using it. */
	{
		cairn_buf scratch_lock = CAIRN_BUF_INIT;
		cairn_buf_printf(&scratch_lock, "%s.lock", lock->scratch);
		unlink(cairn_buf_str(&scratch_lock));
		cairn_buf_done(&scratch_lock);
	}
	if ((st = copy_file(lock->index, lock->scratch, err)))
		goto done;
	if (git_index_open(&idx, lock->scratch) < 0) {
		st = cairn_fail(err, CAIRN_EIO, "cannot read git's index: %s",
				git_error_last() ? git_error_last()->message : "?");
		goto done;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		git_index_entry e;
		struct stat sb;
		cairn_buf full = CAIRN_BUF_INIT, data = CAIRN_BUF_INIT;
		FILE *f;
		memset(&e, 0, sizeof e);
		cairn_buf_printf(&full, "%s%s", cairn_git_workdir(git), paths[i]);
		/* The entry says what the work tree holds now, as git add would. */
		if (lstat(cairn_buf_str(&full), &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (f = fopen(cairn_buf_str(&full), "rb"))) {
			char chunk[65536];
			size_t got;
			while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
				cairn_buf_add(&data, chunk, got);
			fclose(f);
			entry_from_stat(&e, &sb);
			e.path = paths[i];
			rc = data.oom ? -1 : git_odb_hash(&e.id, cairn_buf_str(&data), data.len,
							  GIT_OBJECT_BLOB);
			if (rc == 0)
				rc = git_index_add(idx, &e);
		} else {
			git_index_remove(idx, paths[i], 0);
		}
		cairn_buf_done(&data);
		cairn_buf_done(&full);
	}
	if (rc == 0)
		rc = git_index_write(idx);
	if (rc < 0) {
		st = cairn_fail(err, CAIRN_EIO, "cannot update git's index: %s",
				git_error_last() ? git_error_last()->message : "?");
		goto done;
	}
	if (rename(lock->scratch, lock->path) != 0 || rename(lock->path, lock->index) != 0) {
		st = cairn_fail(err, CAIRN_EIO, "cannot put git's new index in place: %s",
				strerror(errno));
		goto done;
	}
	lock->held = false;     /* the lock file became the index */
done:
	git_index_free(idx);
	unlink(lock->scratch);
	cairn_git_unlock_index(lock);
	return st;
}
