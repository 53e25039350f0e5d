/* Files in the work tree (see include/cairn/fs.h).
 *
 * Every path is walked from the root's descriptor one folder at a time
 * with O_NOFOLLOW, so a folder swapped for a symlink (by a hostile commit
 * checked out by another tool, or by hand) makes the operation fail
 * instead of reaching outside the workbook.
 */
#include "cairn/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define TEMP_PREFIX ".cairn-tmp-"
/* Record paths are a few levels deep; this only bounds the walk. */
#define MAX_DEPTH 32
/* A temporary file younger than this may belong to a save in progress in
 * another process that we cannot see (another host on a shared folder). */
#define TEMP_MIN_AGE 3600

static atomic_ulong temp_counter;

/* ---- paths ---- */

/* Split a relative path into its components in place.  Refuses what could
 * leave the root or name the same file two ways. */
static cairn_status split_path(const char *root, const char *path, char *copy,
			       char **parts, size_t *n, cairn_error *err)
{
	char *p, *slash;

	*n = 0;
	if (!path || !*path)
		return cairn_fail(err, CAIRN_EINPUT, "%s: empty file name", root);
	if (strlen(path) >= PATH_MAX)
		return cairn_fail(err, CAIRN_EINPUT, "%s/%.64s...: path too long", root, path);
	if (path[0] == '/')
		return cairn_fail(err, CAIRN_EINPUT,
				  "%s: \"%s\" is absolute; cairn only writes paths inside the workbook",
				  root, path);
	strcpy(copy, path);
	for (p = copy;; p = slash + 1) {
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
			return cairn_fail(err, CAIRN_EINPUT,
					  "%s/%s: empty, \".\" or \"..\" folder in the path; "
					  "cairn refuses paths that could leave the workbook", root, path);
		if (strlen(p) > NAME_MAX)
			return cairn_fail(err, CAIRN_EINPUT, "%s/%s: a name is longer than %d bytes",
					  root, path, NAME_MAX);
		if (*n == MAX_DEPTH)
			return cairn_fail(err, CAIRN_EINPUT, "%s/%s: more than %d levels deep",
					  root, path, MAX_DEPTH);
		parts[(*n)++] = p;
		if (!slash)
			break;
	}
	return CAIRN_OK;
}

static cairn_status errno_fail(cairn_error *err, int e, const char *what, const char *root,
			       const char *path)
{
	cairn_status code = (e == ENOMEM) ? CAIRN_ENOMEM : CAIRN_EIO;
	return cairn_fail(err, code, "%s/%s: cannot %s: %s", root, path, what, strerror(e));
}

/* Say why name under dirfd is not the folder or file we expected. */
static cairn_status not_plain_fail(cairn_error *err, int dirfd, const char *name,
				   const char *root, const char *path, const char *want)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return cairn_fail(err, CAIRN_ECORRUPT,
				  "%s/%s: \"%s\" is a symbolic link; cairn never writes through "
				  "links in a workbook: remove the link (check where it points) "
				  "and run cairn again", root, path, name);
	return cairn_fail(err, CAIRN_ECORRUPT,
			  "%s/%s: \"%s\" is not a %s; move it out of the workbook and run "
			  "cairn again", root, path, name, want);
}

static int fsync_retry(int fd)
{
	while (fsync(fd) != 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

static void close_all(int *fds, size_t n)
{
	while (n > 0)
		close(fds[--n]);
}

/* Open root and each folder of parts[0..nparts-2] without following links.
 * fds[0] is root, fds[i] the i-th folder; the last one holds the file.
 * With create, missing folders are made (and with sync their parents
 * fsynced, so a crash cannot lose a folder whose file was already fsynced).
 * CAIRN_ENOTFOUND when a folder is missing and create is false. */
static cairn_status open_folders(const char *root, const char *path, char **parts,
				 size_t nparts, bool create, bool sync, int *fds, size_t *nfds,
				 cairn_error *err)
{
	size_t i;
	int fd;

	*nfds = 0;
	/* The root may itself be a link (a workbook kept on another disk):
	 * it is the user's choice, and only what lies below it is not. */
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cairn_fail(err, CAIRN_ENOTFOUND,
					  "%s: the workbook folder does not exist", root);
		return cairn_fail(err, CAIRN_EIO, "%s: cannot open the workbook folder: %s",
				  root, strerror(errno));
	}
	fds[(*nfds)++] = fd;
	for (i = 0; i + 1 < nparts; i++) {
		int parent = fds[*nfds - 1];

		fd = openat(parent, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(parent, parts[i], 0755) != 0 && errno != EEXIST) {
				int e = errno;
				close_all(fds, *nfds);
				return errno_fail(err, e, "make a folder", root, path);
			}
			if (sync && fsync_retry(parent) != 0) {
				int e = errno;
				close_all(fds, *nfds);
				return errno_fail(err, e, "fsync a folder", root, path);
			}
			fd = openat(parent, parts[i],
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			int e = errno;
			cairn_status st;

			if (e == ENOENT)
				st = cairn_fail(err, CAIRN_ENOTFOUND, "%s/%s: no such file", root, path);
			else if (e == ELOOP || e == ENOTDIR)
				st = not_plain_fail(err, parent, parts[i], root, path, "folder");
			else
				st = errno_fail(err, e, "open a folder", root, path);
			close_all(fds, *nfds);
			return st;
		}
		fds[(*nfds)++] = fd;
	}
	return CAIRN_OK;
}

/* ---- writing ---- */

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create a fresh temporary file in dirfd; name receives its name. */
static int open_temp(int dirfd, char *name, size_t size)
{
	int tries, fd = -1;

	/* A stale file from an earlier process with the same pid is skipped. */
	for (tries = 0; tries < 100; tries++) {
		snprintf(name, size, TEMP_PREFIX "%ld-%lu", (long)getpid(),
			 atomic_fetch_add(&temp_counter, 1));
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd;
}

static cairn_status write_file(const char *root, const char *path, const char *data,
			       size_t len, bool sync, cairn_error *err)
{
	char copy[PATH_MAX], *parts[MAX_DEPTH], tmp[64];
	int fds[MAX_DEPTH + 1], dirfd, fd;
	size_t nparts, nfds;
	const char *leaf;
	struct stat st;
	cairn_status status;

	if ((status = split_path(root, path, copy, parts, &nparts, err)) != CAIRN_OK)
		return status;
	if ((status = open_folders(root, path, parts, nparts, true, sync, fds, &nfds, err)) != CAIRN_OK)
		return status;
	dirfd = fds[nfds - 1];
	leaf = parts[nparts - 1];

	/* rename() would replace a link rather than follow it, but a link
	 * where a record should be means someone planted it: say so. */
	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		status = not_plain_fail(err, dirfd, leaf, root, path, "regular file");
		close_all(fds, nfds);
		return status;
	}

	fd = open_temp(dirfd, tmp, sizeof tmp);
	if (fd < 0) {
		status = errno_fail(err, errno, "create a temporary file", root, path);
		close_all(fds, nfds);
		return status;
	}
	if (write_all(fd, data, len) != 0 || (sync && fsync_retry(fd) != 0)) {
		status = errno_fail(err, errno, "write", root, path);
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		status = errno_fail(err, errno, "write", root, path);
		goto fail;
	}
	if (renameat(dirfd, tmp, dirfd, leaf) != 0) {
		status = errno_fail(err, errno, "rename the temporary file over", root, path);
		goto fail;
	}
	if (sync && fsync_retry(dirfd) != 0) {
		status = errno_fail(err, errno, "fsync the folder of", root, path);
		close_all(fds, nfds);
		return status;
	}
	close_all(fds, nfds);
	return CAIRN_OK;

fail:
	unlinkat(dirfd, tmp, 0);
	close_all(fds, nfds);
	return status;
}

cairn_status cairn_fs_write(const char *root, const char *path, const char *data,
			    size_t len, cairn_error *err)
{
	return write_file(root, path, data, len, true, err);
}

cairn_status cairn_fs_write_nosync(const char *root, const char *path, const char *data,
				   size_t len, cairn_error *err)
{
	return write_file(root, path, data, len, false, err);
}

static cairn_status remove_file(const char *root, const char *path, bool sync,
				cairn_error *err)
{
	char copy[PATH_MAX], *parts[MAX_DEPTH];
	int fds[MAX_DEPTH + 1];
	size_t nparts, nfds, i;
	struct stat st;
	cairn_status status;

	if ((status = split_path(root, path, copy, parts, &nparts, err)) != CAIRN_OK)
		return status;
	status = open_folders(root, path, parts, nparts, false, sync, fds, &nfds, err);
	if (status == CAIRN_ENOTFOUND) {
		cairn_error_clear(err);
		return CAIRN_OK;
	}
	if (status != CAIRN_OK)
		return status;

	if (fstatat(fds[nfds - 1], parts[nparts - 1], &st, AT_SYMLINK_NOFOLLOW) != 0) {
		status = (errno == ENOENT) ? CAIRN_OK
			: errno_fail(err, errno, "look at", root, path);
		close_all(fds, nfds);
		return status;
	}
	if (S_ISDIR(st.st_mode)) {
		status = not_plain_fail(err, fds[nfds - 1], parts[nparts - 1], root, path,
					"file");
		close_all(fds, nfds);
		return status;
	}
	/* unlink removes a planted link itself, never what it points at. */
	if (unlinkat(fds[nfds - 1], parts[nparts - 1], 0) != 0 && errno != ENOENT) {
		status = errno_fail(err, errno, "remove", root, path);
		close_all(fds, nfds);
		return status;
	}
	if (sync && fsync_retry(fds[nfds - 1]) != 0) {
		status = errno_fail(err, errno, "fsync the folder of", root, path);
		close_all(fds, nfds);
		return status;
	}
	/* Folders that became empty go too, as git would leave no trace of
	 * them; a folder that is not empty stops the climb. */
	for (i = nfds - 1; i > 0; i--) {
		if (unlinkat(fds[i - 1], parts[i - 1], AT_REMOVEDIR) != 0)
			break;
		if (sync)
			fsync_retry(fds[i - 1]);
	}
	close_all(fds, nfds);
	return CAIRN_OK;
}

cairn_status cairn_fs_remove(const char *root, const char *path, cairn_error *err)
{
	return remove_file(root, path, true, err);
}

cairn_status cairn_fs_remove_nosync(const char *root, const char *path, cairn_error *err)
{
	return remove_file(root, path, false, err);
}

cairn_status cairn_fs_sync(const char *root, cairn_error *err)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return errno_fail(err, errno, "open", root, ".");
	rc = syncfs(fd);
	if (rc != 0) {
		int e = errno;
		close(fd);
		return errno_fail(err, e, "flush to disk", root, ".");
	}
	close(fd);
	return CAIRN_OK;
}

cairn_status cairn_fs_sync_each(const char *const *paths, size_t n, cairn_error *err)
{
	dev_t done[8];
	size_t ndone = 0;

	for (size_t i = 0; i < n; i++) {
		struct stat st;
		bool seen = false;
		cairn_status status;
		if (stat(paths[i], &st) != 0)
			return errno_fail(err, errno, "flush to disk", paths[i], ".");
		for (size_t j = 0; j < ndone; j++)
			seen |= done[j] == st.st_dev;
		if (seen)
			continue;
		if ((status = cairn_fs_sync(paths[i], err)) != CAIRN_OK)
			return status;
		if (ndone < sizeof done / sizeof *done)
			done[ndone++] = st.st_dev;
	}
	return CAIRN_OK;
}

/* ---- reading ---- */

cairn_status cairn_fs_read(const char *root, const char *path, size_t max, char **data,
			   size_t *len, cairn_error *err)
{
	char copy[PATH_MAX], *parts[MAX_DEPTH], *buf = NULL;
	int fds[MAX_DEPTH + 1], fd;
	size_t nparts, nfds, cap, limit, got = 0;
	struct stat st;
	cairn_status status;

	*data = NULL;
	*len = 0;
	if ((status = split_path(root, path, copy, parts, &nparts, err)) != CAIRN_OK)
		return status;
	if ((status = open_folders(root, path, parts, nparts, false, false, fds, &nfds, err)) != CAIRN_OK)
		return status;
	/* O_NONBLOCK so that a planted FIFO cannot hang the open. */
	fd = openat(fds[nfds - 1], parts[nparts - 1],
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			status = cairn_fail(err, CAIRN_ENOTFOUND, "%s/%s: no such file", root, path);
		else if (e == ELOOP)
			status = not_plain_fail(err, fds[nfds - 1], parts[nparts - 1], root, path,
						"regular file");
		else
			status = errno_fail(err, e, "open", root, path);
		close_all(fds, nfds);
		return status;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		status = not_plain_fail(err, fds[nfds - 1], parts[nparts - 1], root, path,
					"regular file");
		goto done;
	}
	if ((unsigned long long)st.st_size > max) {
		status = cairn_fail(err, CAIRN_EINPUT,
				    "%s/%s: %lld bytes, more than the %zu cairn reads from "
				    "one file; move it out of the workbook", root, path,
				    (long long)st.st_size, max);
		goto done;
	}
	/* One byte beyond the size, so that a read returning 0 means the end
	 * even if the file grew; limit bounds the buffer when it does. */
	limit = max < SIZE_MAX - 2 ? max + 2 : SIZE_MAX;
	cap = (size_t)st.st_size + 2;
	buf = malloc(cap);
	if (!buf) {
		status = cairn_fail(err, CAIRN_ENOMEM, "%s/%s: out of memory", root, path);
		goto done;
	}
	for (;;) {
		ssize_t n;

		if (got + 1 >= cap) {
			size_t ncap = (cap > limit / 2) ? limit : cap * 2;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				status = cairn_fail(err, CAIRN_ENOMEM, "%s/%s: out of memory",
						    root, path);
				goto done;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			status = errno_fail(err, errno, "read", root, path);
			goto done;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		/* The file grew while we read it. */
		if (got > max) {
			status = cairn_fail(err, CAIRN_EINPUT,
					    "%s/%s: more than the %zu bytes cairn accepts",
					    root, path, max);
			goto done;
		}
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
	status = CAIRN_OK;
done:
	free(buf);
	close(fd);
	close_all(fds, nfds);
	return status;
}

/* ---- temporary files ---- */

/* A temporary file may still be in use while its writer lives. */
static bool temp_in_use(const char *name, const struct stat *st)
{
	long pid = strtol(name + strlen(TEMP_PREFIX), NULL, 10);

	if (time(NULL) - st->st_mtime >= TEMP_MIN_AGE)
		return false;
	if (pid <= 0)
		return true;
	if (pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static size_t clean_dir(int fd, int depth)
{
	DIR *d;
	struct dirent *de;
	size_t removed = 0;

	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				removed += clean_dir(sub, depth + 1);
		} else if (strncmp(de->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) == 0 &&
			   !S_ISDIR(st.st_mode) && !temp_in_use(de->d_name, &st)) {
			if (unlinkat(dirfd(d), de->d_name, 0) == 0)
				removed++;
		}
	}
	closedir(d);
	return removed;
}

size_t cairn_fs_clean_temp(const char *root, const char *const *folders)
{
	static const char *const whole[] = { "", NULL };
	size_t removed = 0, i;

	if (!folders)
		folders = whole;
	for (i = 0; folders[i]; i++) {
		char copy[PATH_MAX], *parts[MAX_DEPTH];
		int fds[MAX_DEPTH + 1], fd;
		size_t nparts = 0, nfds;

		if (*folders[i]) {
			/* The folder is opened like a file's parent, plus itself. */
			char path[PATH_MAX];
			if (snprintf(path, sizeof path, "%s/x", folders[i]) >= (int)sizeof path)
				continue;
			if (split_path(root, path, copy, parts, &nparts, NULL) != CAIRN_OK)
				continue;
		} else {
			parts[0] = (char *)"x";
			nparts = 1;
		}
		if (open_folders(root, folders[i], parts, nparts, false, false, fds, &nfds, NULL)
		    != CAIRN_OK)
			continue;
		fd = dup(fds[nfds - 1]);
		close_all(fds, nfds);
		if (fd >= 0)
			removed += clean_dir(fd, 0);
	}
	return removed;
}

/* ---- locks ---- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The pid in the lock file only improves a waiting process's message; the
 * lock itself is the flock, so a failure here changes nothing. */
static void note_holder(int fd)
{
	char pid[32];

	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0)
		return;
	if (pwrite(fd, pid, strlen(pid), 0) < 0)
		return;
}

cairn_status cairn_fs_lock(const char *path, int timeout_ms, int *fd, cairn_error *err)
{
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int lfd;

	*fd = -1;
	lfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (lfd < 0) {
		int e = errno;
		return cairn_fail(err, e == ELOOP ? CAIRN_ECORRUPT : CAIRN_EIO,
				  "%s: cannot open the lock file: %s", path, strerror(e));
	}
	for (;;) {
		struct timespec pause = { 0, 10 * 1000 * 1000 };

		if (flock(lfd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			int e = errno;
			close(lfd);
			return cairn_fail(err, CAIRN_EIO, "%s: cannot lock: %s", path, strerror(e));
		}
		if (now_ms() >= deadline) {
			char holder[32] = "";
			ssize_t n = pread(lfd, holder, sizeof holder - 1, 0);
			close(lfd);
			holder[n > 0 ? n : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			return cairn_fail(err, CAIRN_EBUSY,
					  "%s: locked by another cairn%s%s%s; wait for it to finish "
					  "its save, or quit it, and try again", path,
					  *holder ? " (process " : "", holder, *holder ? ")" : "");
		}
		nanosleep(&pause, NULL);
	}
	note_holder(lfd);
	*fd = lfd;
	return CAIRN_OK;
}

void cairn_fs_unlock(int fd)
{
	if (fd < 0)
		return;
	flock(fd, LOCK_UN);
	close(fd);
}

/* ---- folders ---- */

cairn_status cairn_fs_mkdirs(const char *path, cairn_error *err)
{
	char buf[PATH_MAX];
	size_t i, len;
	struct stat st;

	if (!path || !*path)
		return cairn_fail(err, CAIRN_EINPUT, "cannot make a folder with an empty name");
	len = strlen(path);
	if (len >= sizeof buf)
		return cairn_fail(err, CAIRN_EINPUT, "%.64s...: path too long", path);
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
			int e = errno;
			return cairn_fail(err, e == ENOMEM ? CAIRN_ENOMEM : CAIRN_EIO,
					  "%s: cannot make the folder: %s", buf, strerror(e));
		}
		if (i < len)
			buf[i] = '/';
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return cairn_fail(err, CAIRN_EIO,
				  "%s: exists but is not a folder; move it away or choose "
				  "another place", path);
	return CAIRN_OK;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void cairn_fs_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
