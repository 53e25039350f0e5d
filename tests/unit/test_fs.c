/* Tests for core/base/fs.c: atomic writes, planted symlinks, reads, removal,
 * temporary files and flock-based locks. */
#include "cairn/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static char base[PATH_MAX], root[PATH_MAX], outside[PATH_MAX];

static void make_dirs(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(base, sizeof base, "%s/cairn-test-fs-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		exit(99);
	}
	pathf(root, sizeof root, "%s/root", base);
	pathf(outside, sizeof outside, "%s/outside", base);
	if (mkdir(root, 0755) != 0 || mkdir(outside, 0755) != 0) {
		perror("mkdir");
		exit(99);
	}
}

static void join(char *out, size_t size, const char *a, const char *b)
{
	pathf(out, size, "%s/%s", a, b);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int count_temp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".cairn-tmp-", 11) == 0)
			n++;
	closedir(d);
	return n;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(99);
	}
	fputs(text, f);
	fclose(f);
}

static void test_write_read(void)
{
	cairn_error err;
	char path[PATH_MAX], *data = NULL;
	size_t len = 0;
	struct stat st;

	ok(cairn_fs_write(root, "a.txt", "hello\n", 6, &err) == CAIRN_OK, "write a file");
	join(path, sizeof path, root, "a.txt");
	is_str(slurp(path), "hello\n", "its content");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == (0644 & ~022u), "mode 0644");

	ok(cairn_fs_write(root, "m/4c/M4", "one", 3, &err) == CAIRN_OK,
	   "write makes missing folders");
	ok(cairn_fs_write(root, "m/4c/M4", "two!", 4, &err) == CAIRN_OK, "overwrite");
	join(path, sizeof path, root, "m/4c/M4");
	is_str(slurp(path), "two!", "overwritten content");
	join(path, sizeof path, root, "m/4c");
	is_int(count_entries(path), 1, "no temporary file left behind");

	ok(cairn_fs_read(root, "m/4c/M4", 100, &data, &len, &err) == CAIRN_OK, "read");
	ok(data && len == 4 && strcmp(data, "two!") == 0, "read content and length");
	free(data);

	ok(cairn_fs_write(root, "empty", "", 0, &err) == CAIRN_OK, "write an empty file");
	ok(cairn_fs_read(root, "empty", 100, &data, &len, &err) == CAIRN_OK && len == 0 &&
	   data && data[0] == '\0', "read an empty file");
	free(data);

	is_int(cairn_fs_read(root, "m/4c/M4", 3, &data, &len, &err), CAIRN_EINPUT,
	       "a file over the cap is refused");
	ok(data == NULL && strstr(err.msg, "m/4c/M4") != NULL, "message names the file: %s",
	   err.msg);
	is_int(cairn_fs_read(root, "m/4c/nope", 100, &data, &len, &err), CAIRN_ENOTFOUND,
	       "missing file");
	is_int(cairn_fs_read(root, "nofolder/x", 100, &data, &len, &err), CAIRN_ENOTFOUND,
	       "missing folder");
}

static void test_bad_paths(void)
{
	static const char *const bad[] = {
		"", "/etc/passwd", "a//b", "a/./b", "a/../b", "..", ".", "a/", "../x",
		"a/..", "./a",
	};
	cairn_error err;
	size_t i;
	char *data;
	size_t len;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		is_int(cairn_fs_write(root, bad[i], "x", 1, &err), CAIRN_EINPUT,
		       "write refuses \"%s\"", bad[i]);
		is_int(cairn_fs_read(root, bad[i], 10, &data, &len, &err), CAIRN_EINPUT,
		       "read refuses \"%s\"", bad[i]);
	}
	is_int(cairn_fs_remove(root, "a/../b", &err), CAIRN_EINPUT, "remove refuses ..");
	is_int(count_entries(outside), 0, "nothing written outside");
}

static void test_symlinks(void)
{
	cairn_error err;
	char path[PATH_MAX], target[PATH_MAX], *data = NULL;
	size_t len;

	/* A folder replaced by a link to a folder outside the root. */
	join(path, sizeof path, root, "evil");
	ok(symlink(outside, path) == 0, "plant evil -> outside");
	is_int(cairn_fs_write(root, "evil/x", "pwned", 5, &err), CAIRN_ECORRUPT,
	       "write through a linked folder fails");
	ok(strstr(err.msg, "symbolic link") && strstr(err.msg, "evil"),
	   "message says so: %s", err.msg);
	is_int(cairn_fs_write(root, "evil/deep/x", "pwned", 5, &err), CAIRN_ECORRUPT,
	       "write below a linked folder fails");
	is_int(count_entries(outside), 0, "nothing written outside");

	/* A link deeper down the path. */
	ok(cairn_fs_write(root, "p/q/r", "ok", 2, &err) == CAIRN_OK, "write p/q/r");
	join(path, sizeof path, root, "p/q");
	join(target, sizeof target, root, "p/q.moved");
	ok(rename(path, target) == 0 && symlink(outside, path) == 0, "replace p/q by a link");
	is_int(cairn_fs_write(root, "p/q/r", "pwned", 5, &err), CAIRN_ECORRUPT,
	       "write through a deep linked folder fails");
	is_int(count_entries(outside), 0, "still nothing outside");
	is_int(cairn_fs_read(root, "p/q/r", 100, &data, &len, &err), CAIRN_ECORRUPT,
	       "read through a linked folder fails");
	is_int(cairn_fs_remove(root, "p/q/r", &err), CAIRN_ECORRUPT,
	       "remove through a linked folder fails");

	/* The file itself a link to a file outside. */
	join(target, sizeof target, outside, "victim");
	put(target, "precious");
	join(path, sizeof path, root, "rec");
	ok(symlink(target, path) == 0, "plant rec -> outside/victim");
	is_int(cairn_fs_write(root, "rec", "pwned", 5, &err), CAIRN_ECORRUPT,
	       "write over a linked file fails");
	ok(strstr(err.msg, "symbolic link") != NULL, "message: %s", err.msg);
	is_str(slurp(target), "precious", "the target is untouched");
	is_int(cairn_fs_read(root, "rec", 100, &data, &len, &err), CAIRN_ECORRUPT,
	       "read of a linked file fails");
	ok(data == NULL, "nothing returned");
	is_int(count_temp(root), 0, "no temporary file left in root");

	/* A dangling link must not create its target either. */
	join(target, sizeof target, outside, "created");
	join(path, sizeof path, root, "dangling");
	ok(symlink(target, path) == 0, "plant dangling -> outside/created");
	is_int(cairn_fs_write(root, "dangling", "pwned", 5, &err), CAIRN_ECORRUPT,
	       "write over a dangling link fails");
	ok(!exists(target), "the link's target was not created");

	/* Removing a link removes the link, not its target. */
	ok(cairn_fs_remove(root, "rec", &err) == CAIRN_OK, "remove a linked file");
	join(path, sizeof path, root, "rec");
	join(target, sizeof target, outside, "victim");
	ok(!exists(path) && exists(target), "the link went, the target stayed");
	is_int(count_entries(outside), 1, "outside holds only the victim");

	/* A FIFO must not hang a read. */
	join(path, sizeof path, root, "fifo");
	ok(mkfifo(path, 0644) == 0, "make a FIFO");
	is_int(cairn_fs_read(root, "fifo", 100, &data, &len, &err), CAIRN_ECORRUPT,
	       "read of a FIFO is refused at once");
	is_int(cairn_fs_write(root, "fifo", "x", 1, &err), CAIRN_ECORRUPT,
	       "write over a FIFO is refused");
}

static void test_remove(void)
{
	cairn_error err;
	char path[PATH_MAX];

	ok(cairn_fs_write(root, "r/1/2/f", "x", 1, &err) == CAIRN_OK &&
	   cairn_fs_write(root, "r/keep", "x", 1, &err) == CAIRN_OK, "write two files");
	ok(cairn_fs_remove(root, "r/1/2/f", &err) == CAIRN_OK, "remove");
	join(path, sizeof path, root, "r/1");
	ok(!exists(path), "emptied folders removed");
	join(path, sizeof path, root, "r");
	ok(exists(path), "a folder still holding a file stays");
	ok(cairn_fs_remove(root, "r/keep", &err) == CAIRN_OK, "remove the last file");
	ok(!exists(path) && exists(root), "its folder went, the root stayed");
	ok(cairn_fs_remove(root, "r/keep", &err) == CAIRN_OK, "removing a missing file is fine");
	ok(cairn_fs_remove(root, "no/such/folder/f", &err) == CAIRN_OK,
	   "removing below a missing folder is fine");
	ok(cairn_fs_write(root, "top", "x", 1, &err) == CAIRN_OK &&
	   cairn_fs_remove(root, "top", &err) == CAIRN_OK && exists(root),
	   "removing a file at the top keeps the root");
	ok(cairn_fs_write(root, "d/f", "x", 1, &err) == CAIRN_OK, "write d/f");
	is_int(cairn_fs_remove(root, "d", &err), CAIRN_ECORRUPT, "a folder is not removed");
}

static void test_clean_temp(void)
{
	static const char *const folders[] = { "t", NULL };
	char path[PATH_MAX];
	struct timespec old[2];
	cairn_error err;

	ok(cairn_fs_write(root, "t/sub/rec", "x", 1, &err) == CAIRN_OK, "write t/sub/rec");
	/* pid 0x7fffffff cannot exist (pid_max is at most 2^22). */
	join(path, sizeof path, root, "t/sub/.cairn-tmp-2147483647-1");
	put(path, "dead writer");
	pathf(path, sizeof path, "%s/t/.cairn-tmp-%ld-1", root, (long)getppid());
	put(path, "live writer, young");
	pathf(path, sizeof path, "%s/t/.cairn-tmp-%ld-2", root, (long)getppid());
	put(path, "live writer, old");
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 7200;
	old[0].tv_nsec = old[1].tv_nsec = 0;
	utimensat(AT_FDCWD, path, old, 0);
	join(path, sizeof path, root, ".cairn-tmp-2147483647-9");
	put(path, "outside the folders named");

	is_int(cairn_fs_clean_temp(root, folders), 2, "two stale temporary files removed");
	pathf(path, sizeof path, "%s/t/.cairn-tmp-%ld-1", root, (long)getppid());
	ok(exists(path), "a young file of a live process is kept");
	join(path, sizeof path, root, ".cairn-tmp-2147483647-9");
	ok(exists(path), "a folder not named is not cleaned");
	join(path, sizeof path, root, "t/sub/rec");
	ok(exists(path), "records are kept");
	is_int(cairn_fs_clean_temp(root, NULL), 1, "NULL cleans the whole root");
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_lock(void)
{
	char path[PATH_MAX];
	cairn_error err;
	int to_parent[2], fd = -1, status = 0;
	long long t0;
	struct stat st;
	char c;
	pid_t pid;

	join(path, sizeof path, base, "workbook.lock");
	ok(pipe(to_parent) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		int cfd;
		close(to_parent[0]);
		if (cairn_fs_lock(path, 0, &cfd, NULL) != CAIRN_OK)
			_exit(1);
		if (write(to_parent[1], "L", 1) != 1)
			_exit(2);
		usleep(300 * 1000);
		cairn_fs_unlock(cfd);
		_exit(0);
	}
	close(to_parent[1]);
	ok(read(to_parent[0], &c, 1) == 1 && c == 'L', "the child holds the lock");
	close(to_parent[0]);

	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == (0644 & ~022u),
	   "lock file created 0644");
	t0 = ms_now();
	is_int(cairn_fs_lock(path, 50, &fd, &err), CAIRN_EBUSY, "a second holder is refused");
	ok(ms_now() - t0 >= 50 && ms_now() - t0 < 250, "after about the timeout (%lld ms)",
	   ms_now() - t0);
	ok(fd == -1, "no descriptor on failure");
	ok(strstr(err.msg, path) && strstr(err.msg, "process"), "message: %s", err.msg);

	t0 = ms_now();
	is_int(cairn_fs_lock(path, 5000, &fd, &err), CAIRN_OK, "waiting gets the lock");
	ok(ms_now() - t0 < 1000, "once the child lets go (%lld ms)", ms_now() - t0);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child ran cleanly");

	pid = fork();
	if (pid == 0) {
		int cfd;
		_exit(cairn_fs_lock(path, 0, &cfd, NULL) == CAIRN_EBUSY ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child cannot take it now");
	cairn_fs_unlock(fd);

	pid = fork();
	if (pid == 0) {
		int cfd;
		_exit(cairn_fs_lock(path, 0, &cfd, NULL) == CAIRN_OK ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "after unlock it can");
}

static void test_mkdirs(void)
{
	char path[PATH_MAX];
	cairn_error err;
	struct stat st;

	join(path, sizeof path, base, "mk/a/b/c");
	ok(cairn_fs_mkdirs(path, &err) == CAIRN_OK, "mkdirs");
	ok(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "made");
	ok(cairn_fs_mkdirs(path, &err) == CAIRN_OK, "again is fine");
	join(path, sizeof path, base, "mk/file");
	put(path, "x");
	join(path, sizeof path, base, "mk/file/sub");
	is_int(cairn_fs_mkdirs(path, &err), CAIRN_EIO, "a file in the way");
	join(path, sizeof path, base, "mk/file");
	is_int(cairn_fs_mkdirs(path, &err), CAIRN_EIO, "a file at the path");
}

int main(void)
{
	char cmd[PATH_MAX + 32];

	umask(022);
	make_dirs();
	test_write_read();
	test_bad_paths();
	test_symlinks();
	test_remove();
	test_clean_temp();
	test_lock();
	test_mkdirs();
	pathf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", base);
	return tap_done();
}
