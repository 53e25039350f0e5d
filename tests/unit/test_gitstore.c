/* Tests for core/git/gitstore.c and core/git/gitverify.c against real repositories,
 * checked with the git command-line tool where it is the better witness. */
#include "cairn/fs.h"
#include "cairn/gitstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static char base[PATH_MAX], wb[PATH_MAX];
static const cairn_git_author ada = { "Ada Lovelace", "ada@example.org", 1700000000, 60 };

/* ---- helpers ---- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* A command's output, trailing newline removed (static buffer). */
static const char *out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *out(const char *fmt, ...)
{
	static char buf[65536];
	char cmd[8192];
	va_list ap;
	size_t n;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	if (!(p = popen(cmd, "r")))
		return buf;
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void setup_env(void)
{
	const char *tmp = getenv("TMPDIR");
	char home[PATH_MAX];

	pathf(base, sizeof base, "%s/cairn-test-git-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		exit(99);
	}
	pathf(home, sizeof home, "%s/home", base);
	mkdir(home, 0700);
	/* Before libgit2 starts: it reads HOME once, at init. */
	setenv("HOME", home, 1);
	setenv("TZ", "UTC", 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "Hostile Tool", 1);
	setenv("GIT_AUTHOR_EMAIL", "tool@example.org", 1);
	setenv("GIT_COMMITTER_NAME", "Hostile Tool", 1);
	setenv("GIT_COMMITTER_EMAIL", "tool@example.org", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_OBJECT_DIRECTORY");
	tzset();
	pathf(wb, sizeof wb, "%s/wb", base);
}

static cairn_status commit1(cairn_git *g, const char *parent, const char *path,
			    const char *data, const char *msg, cairn_oid *c, cairn_error *err)
{
	cairn_oid p;
	cairn_git_change ch = { path, data, data ? strlen(data) : 0 };

	pathf(p.hex, sizeof p.hex, "%s", parent);
	return cairn_git_commit(g, &p, &ch, 1, &ada, msg, c, err);
}

static bool read_is(cairn_git *g, const cairn_oid *c, const char *path, const char *want)
{
	cairn_error err;
	cairn_oid blob;
	char *data = NULL;
	size_t len = 0;
	bool same;

	if (cairn_git_read_path(g, c, path, &data, &len, &blob, &err) != CAIRN_OK) {
		tap_diag("read %s: %s", path, err.msg);
		return false;
	}
	same = len == strlen(want) && memcmp(data, want, len) == 0;
	free(data);
	return same;
}

static const char *head_hex(cairn_git *g)
{
	static cairn_oid h;
	cairn_error err;

	if (cairn_git_head(g, &h, &err) != CAIRN_OK)
		return "(error)";
	return h.hex;
}

/* ---- each_file collector ---- */

struct listing {
	char text[8192];
	size_t files;
};

static cairn_status collect(const char *path, unsigned mode, const cairn_oid *blob, void *ctx,
			    cairn_error *err)
{
	struct listing *l = ctx;
	size_t n = strlen(l->text);

	l->files++;
	if (n < sizeof l->text - 100)
		pathf(l->text + n, sizeof l->text - n, "%s%06o %s", n ? "," : "", mode, path);
	return CAIRN_OK;
}

static cairn_status count_only(const char *path, unsigned mode, const cairn_oid *blob,
			       void *ctx, cairn_error *err)
{
	(*(size_t *)ctx)++;
	return CAIRN_OK;
}

/* ---- tests ---- */

static cairn_oid c1, c2;

static void test_init(cairn_git **gp)
{
	cairn_error err;
	cairn_git *g = NULL, *again = NULL;
	char path[PATH_MAX];

	ok(cairn_git_init(wb, &g, &err) == CAIRN_OK, "init %s", err.msg);
	*gp = g;
	if (!g)
		exit(1);
	pathf(path, sizeof path, "%s/", wb);
	is_str(cairn_git_workdir(g), path, "workdir with a trailing slash");
	pathf(path, sizeof path, "%s/.git/", wb);
	is_str(cairn_git_gitdir(g), path, "gitdir with a trailing slash");
	is_str(head_hex(g), "", "no commit yet");
	is_str(out("git -C %s symbolic-ref HEAD", wb), "refs/heads/main", "HEAD is main");
	is_str(out("git -C %s config core.protectHFS", wb), "true", "protectHFS");
	is_str(out("git -C %s config core.protectNTFS", wb), "true", "protectNTFS");
	is_str(out("git -C %s config core.autocrlf", wb), "false", "autocrlf off");
	is_int(cairn_git_init(wb, &again, &err), CAIRN_EEXISTS, "init twice is refused");
	ok(again == NULL, "and gives no handle");
	pathf(path, sizeof path, "%s/nothing", base);
	is_int(cairn_git_open(path, &again, &err), CAIRN_ENOTFOUND, "open of a non-repository");
	ok(strstr(err.msg, path) != NULL, "message names it: %s", err.msg);
}

static void test_commits(cairn_git *g)
{
	cairn_git_change first[] = {
		{ "milestones/4c/M4", "title: four\n", 12 },
		{ "people/p1", "name: one\n", 10 },
		{ "top", "top\n", 4 },
	};
	cairn_git_change second[] = {
		{ "milestones/4c/M4", "title: four, again\n", 19 },
		{ "people/p1", NULL, 0 },
		{ "tools/x/y/z", "deep\n", 5 },
	};
	cairn_oid none = { "" }, blob, hashed;
	cairn_error err;
	char *data = NULL;
	size_t len;

	ok(cairn_git_commit(g, &none, first, 3, &ada, "First\n\nThree records.", &c1, &err)
	   == CAIRN_OK, "first commit %s", err.msg);
	ok(strlen(c1.hex) == 40, "gives an id");
	is_str(head_hex(g), c1.hex, "main points at it");
	is_str(out("git -C %s log -1 --format='%%an <%%ae> %%at %%ai|%%cn <%%ce>|%%s'", wb),
	       "Ada Lovelace <ada@example.org> 1700000000 2023-11-14 23:13:20 +0100|"
	       "Ada Lovelace <ada@example.org>|First", "git log shows the author as given");
	ok(strstr(out("git -C %s reflog -1 main", wb), "First") != NULL, "reflog summary");

	ok(cairn_git_commit(g, &c1, second, 3, &ada, "Second", &c2, &err) == CAIRN_OK,
	   "second commit %s", err.msg);
	is_str(head_hex(g), c2.hex, "main moved");
	is_str(out("git -C %s rev-parse main~1", wb), c1.hex, "parent is the first");

	ok(read_is(g, &c1, "milestones/4c/M4", "title: four\n"), "read deep path @1");
	ok(read_is(g, &c1, "people/p1", "name: one\n"), "read people/p1 @1");
	ok(read_is(g, &c1, "top", "top\n"), "read top @1");
	ok(read_is(g, &c2, "milestones/4c/M4", "title: four, again\n"), "changed deep path @2");
	ok(read_is(g, &c2, "tools/x/y/z", "deep\n"), "added path @2");
	ok(read_is(g, &c2, "top", "top\n"), "unchanged path @2");
	is_int(cairn_git_read_path(g, &c2, "people/p1", &data, &len, &blob, &err),
	       CAIRN_ENOTFOUND, "deleted path is gone @2");
	ok(data == NULL, "and nothing returned");
	is_str(out("git -C %s ls-tree -r --name-only main | paste -sd' '", wb),
	       "milestones/4c/M4 tools/x/y/z top", "the emptied folder left the tree");

	ok(cairn_git_read_path(g, &c2, "top", &data, &len, &blob, &err) == CAIRN_OK &&
	   cairn_git_hash_blob("top\n", 4, &hashed, &err) == CAIRN_OK, "read and hash");
	is_str(blob.hex, hashed.hex, "blob id is git's hash of the bytes");
	is_str(hashed.hex, out("printf 'top\\n' | git hash-object --stdin"), "same as git's");
	free(data);
	data = NULL;
	ok(cairn_git_read_blob(g, &blob, &data, &len, &err) == CAIRN_OK && len == 4 &&
	   strcmp(data, "top\n") == 0, "read_blob");
	free(data);
	data = NULL;
	pathf(blob.hex, sizeof blob.hex, "%s", "0123456789012345678901234567890123456789");
	is_int(cairn_git_read_blob(g, &blob, &data, &len, &err), CAIRN_ENOTFOUND, "missing blob");
	pathf(blob.hex, sizeof blob.hex, "%s", "xyz");
	is_int(cairn_git_read_blob(g, &blob, &data, &len, &err), CAIRN_EINPUT, "bad id");
}

static void test_listing(cairn_git *g)
{
	struct listing l = { "", 0 };
	cairn_git_delta *d = NULL;
	cairn_oid none = { "" };
	cairn_error err;
	bool yes;
	size_t n;

	ok(cairn_git_each_file(g, &c2, collect, &l, &err) == CAIRN_OK, "each_file");
	is_str(l.text, "100644 milestones/4c/M4,100644 tools/x/y/z,100644 top",
	       "every file, depth first in tree order, raw modes");

	ok(cairn_git_diff(g, &c1, &c2, &d, &n, &err) == CAIRN_OK, "diff 1..2");
	is_int(n, 3, "three deltas");
	if (n == 3) {
		is_str(d[0].path, "milestones/4c/M4", "changed path");
		ok(d[0].old_blob.hex[0] && d[0].new_blob.hex[0] &&
		   strcmp(d[0].old_blob.hex, d[0].new_blob.hex) != 0 && d[0].new_mode == 0100644,
		   "changed: both blobs, new mode");
		is_str(d[1].path, "people/p1", "deleted path");
		ok(d[1].old_blob.hex[0] && !d[1].new_blob.hex[0] && d[1].new_mode == 0,
		   "deleted: no new blob, mode 0");
		is_str(d[2].path, "tools/x/y/z", "added path");
		ok(!d[2].old_blob.hex[0] && d[2].new_blob.hex[0] && d[2].new_mode == 0100644,
		   "added: no old blob");
		is_str(d[0].new_blob.hex, out("git -C %s rev-parse main:milestones/4c/M4", wb),
		       "new blob id as git sees it");
	}
	cairn_git_deltas_free(d, n);
	ok(cairn_git_diff(g, &none, &c1, &d, &n, &err) == CAIRN_OK && n == 3 &&
	   !d[0].old_blob.hex[0], "diff from the empty tree: three adds");
	cairn_git_deltas_free(d, n);
	ok(cairn_git_diff(g, &c2, &c1, &d, &n, &err) == CAIRN_OK && n == 3 &&
	   strcmp(d[2].path, "tools/x/y/z") == 0 && !d[2].new_blob.hex[0],
	   "diff backwards: the add becomes a delete");
	cairn_git_deltas_free(d, n);
	ok(cairn_git_diff(g, &c2, &c2, &d, &n, &err) == CAIRN_OK && n == 0, "no diff with itself");
	cairn_git_deltas_free(d, n);

	ok(cairn_git_is_ancestor(g, &c1, &c2, &yes, &err) == CAIRN_OK && yes, "1 before 2");
	ok(cairn_git_is_ancestor(g, &c2, &c1, &yes, &err) == CAIRN_OK && !yes, "2 not before 1");
	ok(cairn_git_is_ancestor(g, &c2, &c2, &yes, &err) == CAIRN_OK && yes, "equal counts");
	ok(cairn_git_is_ancestor(g, &none, &c1, &yes, &err) == CAIRN_OK && yes,
	   "the unborn branch precedes all");
}

static void test_refusals(cairn_git *g)
{
	cairn_git_change dup[] = { { "a", "1", 1 }, { "b", "2", 1 }, { "a", "3", 1 } };
	cairn_git_change both[] = { { "d/a", "1", 1 }, { "d-x", "2", 1 }, { "d", NULL, 0 } };
	static const char *const bad[] = { "../x", "a/../b", "/abs", "a//b", "a/", "",
					   ".git/config", "x/.GIT/hooks", "." };
	cairn_oid c, h;
	cairn_error err;
	char tree[41];
	size_t i;

	pathf(h.hex, sizeof h.hex, "%s", head_hex(g));
	is_int(cairn_git_commit(g, &h, dup, 3, &ada, "dup", &c, &err), CAIRN_EINPUT,
	       "a path twice in one commit");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(commit1(g, h.hex, bad[i], "x", "bad", &c, &err), CAIRN_EINPUT,
		       "refuses path \"%s\"", bad[i]);
	is_int(commit1(g, h.hex, "milestones/4c", "x", "over a folder", &c, &err), CAIRN_EINPUT,
	       "a file over a folder");
	is_int(commit1(g, h.hex, "top/below", "x", "below a file", &c, &err), CAIRN_EINPUT,
	       "a file below a file");
	ok(strstr(err.msg, "\"top\" is a file") != NULL, "message: %s", err.msg);
	is_int(cairn_git_commit(g, &h, both, 3, &ada, "both", &c, &err), CAIRN_EINPUT,
	       "one path as both a file and a folder");
	is_int(commit1(g, h.hex, "top", "x", "", &c, &err), CAIRN_EINPUT, "empty message");
	is_str(head_hex(g), h.hex, "nothing moved");
	ok(commit1(g, h.hex, "no/such/file", NULL, "Delete nothing", &c, &err) == CAIRN_OK,
	   "deleting a missing path is harmless %s", err.msg);
	pathf(tree, sizeof tree, "%s", out("git -C %s rev-parse main^{tree}", wb));
	is_str(out("git -C %s rev-parse main~1^{tree}", wb), tree, "and keeps the tree");
}

static void test_cas(cairn_git *g)
{
	char lock[PATH_MAX];
	struct timespec old[2];
	cairn_oid c, before;
	cairn_error err;
	FILE *f;

	pathf(before.hex, sizeof before.hex, "%s", head_hex(g));
	is_int(commit1(g, c1.hex, "top", "stale\n", "On a stale parent", &c, &err), CAIRN_EMOVED,
	       "a commit on a stale parent");
	ok(strstr(err.msg, "moved") != NULL, "message: %s", err.msg);
	is_str(head_hex(g), before.hex, "the ref is unchanged");
	is_int(commit1(g, "", "top", "x\n", "Initial again", &c, &err), CAIRN_EMOVED,
	       "a first commit when main exists");
	is_str(head_hex(g), before.hex, "still unchanged");

	pathf(lock, sizeof lock, "%s/.git/refs/heads/main.lock", wb);
	f = fopen(lock, "w");
	if (f)
		fclose(f);
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 10;
	old[0].tv_nsec = old[1].tv_nsec = 0;
	utimensat(AT_FDCWD, lock, old, 0);
	ok(commit1(g, before.hex, "top", "after a crash\n", "Past a stale lock", &c, &err)
	   == CAIRN_OK, "a stale main.lock (10 s old) is removed %s", err.msg);
	is_str(head_hex(g), c.hex, "and the commit lands");
	ok(access(lock, F_OK) != 0, "the lock file is gone");

	pathf(before.hex, sizeof before.hex, "%s", c.hex);
	f = fopen(lock, "w");
	if (f)
		fclose(f);
	is_int(commit1(g, before.hex, "top", "blocked\n", "Blocked", &c, &err), CAIRN_EBUSY,
	       "a fresh main.lock means busy");
	ok(strstr(err.msg, "main.lock") != NULL, "message names the lock: %s", err.msg);
	is_str(head_hex(g), before.hex, "the ref is unchanged");
	unlink(lock);
	ok(commit1(g, before.hex, "top", "top\n", "Back to top", &c, &err) == CAIRN_OK,
	   "after the lock goes, commits work");
	is_int(sh("git -C %s fsck --full --strict --no-progress >/dev/null 2>&1", wb), 0,
	       "git fsck --full is clean");
}

/* A git gc beside a save may pack the branch between its move and its
 * flush: the flush then finds it in packed-refs, and reports no error. */
static void test_sync_packed_branch(cairn_git *g)
{
	char loose[PATH_MAX];
	cairn_error err;

	is_int(cairn_git_sync_branch(g, &err), CAIRN_OK, "the branch's loose ref is flushed");
	is_int(sh("git -C %s pack-refs --all", wb), 0, "git packs the refs");
	pathf(loose, sizeof loose, "%s/.git/refs/heads/main", wb);
	ok(access(loose, F_OK) != 0, "the branch has no loose ref now");
	is_int(cairn_git_sync_branch(g, &err), CAIRN_OK, "a packed branch is flushed too");
}

static cairn_status write_file(const char *path, unsigned mode, const cairn_oid *blob,
			       void *ctx, cairn_error *err)
{
	cairn_git *g = ctx;
	cairn_oid head, id;
	char *data;
	size_t len;
	cairn_status st;

	pathf(head.hex, sizeof head.hex, "%s", head_hex(g));
	if ((st = cairn_git_read_path(g, &head, path, &data, &len, &id, err)) != CAIRN_OK)
		return st;
	st = cairn_fs_write(cairn_git_workdir(g), path, data, len, err);
	free(data);
	return st;
}

static void test_worktree(cairn_git *g)
{
	static const char *const paths[] = { "milestones/4c/M4", "tools/x/y/z", "top", "people/p1" };
	cairn_oid head;
	cairn_error err;
	char **changed = NULL, lock[PATH_MAX], *name = NULL, *email = NULL;
	struct timespec old[2];
	size_t n = 0, i;
	FILE *f;

	pathf(head.hex, sizeof head.hex, "%s", head_hex(g));
	ok(cairn_git_each_file(g, &head, write_file, g, &err) == CAIRN_OK, "write the files %s",
	   err.msg);
	ok(cairn_git_sync_index(g, paths, 4, &err) == CAIRN_OK, "sync_index %s", err.msg);
	is_str(out("git -C %s status --porcelain", wb), "", "git status is clean");
	ok(cairn_git_changed_files(g, &changed, &n, &err) == CAIRN_OK && n == 0,
	   "changed_files finds nothing");
	cairn_git_paths_free(changed, n);

	ok(cairn_fs_write(cairn_git_workdir(g), "top", "edited by hand\n", 15, &err) == CAIRN_OK &&
	   cairn_fs_write(cairn_git_workdir(g), "notes/new.txt", "untracked\n", 10, &err)
	   == CAIRN_OK, "edit a file and add an untracked one");
	ok(cairn_git_changed_files(g, &changed, &n, &err) == CAIRN_OK, "changed_files");
	is_int(n, 2, "two paths");
	for (i = 0; i < n; i++)
		ok(strcmp(changed[i], "top") == 0 || strcmp(changed[i], "notes/new.txt") == 0,
		   "found %s", changed[i]);
	cairn_git_paths_free(changed, n);

	pathf(lock, sizeof lock, "%s/.git/index.lock", wb);
	f = fopen(lock, "w");
	if (f)
		fclose(f);
	is_int(cairn_git_sync_index(g, paths, 1, &err), CAIRN_EBUSY, "a fresh index.lock: busy");
	ok(strstr(err.msg, "index.lock") != NULL, "message: %s", err.msg);
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 10;
	old[0].tv_nsec = old[1].tv_nsec = 0;
	utimensat(AT_FDCWD, lock, old, 0);
	ok(cairn_git_sync_index(g, paths, 1, &err) == CAIRN_OK, "a stale one is removed %s",
	   err.msg);
	unlink(lock);
	cairn_fs_write(cairn_git_workdir(g), "top", "top\n", 4, &err);
	cairn_fs_remove(cairn_git_workdir(g), "notes/new.txt", &err);

	ok(cairn_git_config_identity(g, &name, &email, &err) == CAIRN_OK && !name && !email,
	   "no identity configured");
	sh("git -C %s config user.name 'Grace Hopper' && git -C %s config user.email "
	   "grace@example.org", wb, wb);
	ok(cairn_git_config_identity(g, &name, &email, &err) == CAIRN_OK, "identity");
	is_str(name, "Grace Hopper", "user.name");
	is_str(email, "grace@example.org", "user.email");
	free(name);
	free(email);
}

/* A tree object written as raw bytes, as a hostile tool could. */
static void raw_tree_entry(FILE *f, const char *mode, const char *name, const char *hex)
{
	unsigned char bin[20];
	int i;

	for (i = 0; i < 20; i++)
		sscanf(hex + 2 * i, "%2hhx", &bin[i]);
	fprintf(f, "%s %s", mode, name);
	fputc(0, f);
	fwrite(bin, 1, 20, f);
}

static void hostile_commit(const char *tree_hex, cairn_oid *c)
{
	pathf(c->hex, sizeof c->hex, "%s",
	      out("git -C %s commit-tree %s -m hostile", wb, tree_hex));
}

static void test_hostile(cairn_git *g)
{
	char blob[41], empty[41], tree[41], file[PATH_MAX], *data = NULL;
	struct listing l = { "", 0 };
	cairn_git_delta *d = NULL;
	cairn_oid c, b;
	cairn_error err;
	size_t len, n;
	FILE *f;
	struct { const char *what; const char *entries[3][2]; } raw[] = {
		{ "a duplicate name", { { "100644", "a" }, { "100644", "a" } } },
		{ "entries out of order", { { "100644", "b" }, { "100644", "a" } } },
		{ "a file and a folder of one name", { { "100644", "x" }, { "100644", "x-y" },
						      { "40000", "x" } } },
		{ "a name with a slash", { { "100644", "a/b" } } },
		{ "a name \"..\"", { { "100644", ".." } } },
	};
	size_t i, j;

	pathf(blob, sizeof blob, "%s", out("printf 'x\\n' | git -C %s hash-object -w --stdin", wb));
	pathf(tree, sizeof tree, "%s", out("printf '040000 tree %s\\tdir\\n100644 blob %s\\tok\\n"
					   "120000 blob %s\\tlink\\n120755 blob %s\\tweird\\n"
					   "160000 commit %s\\tsub\\n' | git -C %s mktree",
					   out("git -C %s rev-parse %s^{tree}", wb, c1.hex), blob,
					   blob, blob, c1.hex, wb));
	hostile_commit(tree, &c);
	ok(strlen(c.hex) == 40, "built a hostile commit with the git tool");
	ok(cairn_git_each_file(g, &c, collect, &l, &err) == CAIRN_OK, "each_file on it %s",
	   err.msg);
	ok(strstr(l.text, "120000 link") != NULL, "a symlink's raw mode: %s", l.text);
	ok(strstr(l.text, "120755 weird") != NULL, "raw mode 120755 as it is, not 100755");
	ok(strstr(l.text, "160000 sub") != NULL, "a gitlink's mode");
	ok(strstr(l.text, "100644 dir/milestones/4c/M4") != NULL, "files below a folder");
	ok(read_is(g, &c, "ok", "x\n"), "read_path of the regular file");
	is_int(cairn_git_read_path(g, &c, "link", &data, &len, &b, &err), CAIRN_ECORRUPT,
	       "read_path refuses a symlink");
	ok(strstr(err.msg, "link") && strstr(err.msg, "120000"), "message: %s", err.msg);
	is_int(cairn_git_read_path(g, &c, "weird", &data, &len, &b, &err), CAIRN_ECORRUPT,
	       "read_path refuses raw mode 120755");
	ok(strstr(err.msg, "120755") != NULL, "message: %s", err.msg);
	is_int(cairn_git_read_path(g, &c, "sub", &data, &len, &b, &err), CAIRN_ECORRUPT,
	       "read_path refuses a gitlink");
	is_int(cairn_git_read_path(g, &c, "dir", &data, &len, &b, &err), CAIRN_ECORRUPT,
	       "read_path refuses a folder");
	ok(data == NULL, "and returns nothing");
	ok(cairn_git_diff(g, &c1, &c, &d, &n, &err) == CAIRN_OK, "diff to it %s", err.msg);
	for (i = 0, j = 0; i < n; i++)
		if (strcmp(d[i].path, "weird") == 0 && d[i].new_mode == 0120755)
			j++;
	ok(j == 1, "diff gives the raw mode too");
	cairn_git_deltas_free(d, n);

	pathf(empty, sizeof empty, "%s", out("git -C %s hash-object -t tree -w /dev/null", wb));
	pathf(file, sizeof file, "%s/rawtree", base);
	for (i = 0; i < sizeof raw / sizeof raw[0]; i++) {
		if (!(f = fopen(file, "wb")))
			continue;
		for (j = 0; j < 3 && raw[i].entries[j][0]; j++)
			raw_tree_entry(f, raw[i].entries[j][0], raw[i].entries[j][1],
				       strcmp(raw[i].entries[j][0], "40000") == 0 ? empty : blob);
		fclose(f);
		pathf(tree, sizeof tree, "%s", out("git -C %s hash-object -t tree --literally -w %s",
						   wb, file));
		hostile_commit(tree, &c);
		l.text[0] = '\0';
		is_int(cairn_git_each_file(g, &c, collect, &l, &err), CAIRN_ECORRUPT,
		       "each_file refuses %s", raw[i].what);
		is_int(cairn_git_diff(g, &c1, &c, &d, &n, &err), CAIRN_ECORRUPT,
		       "diff refuses %s", raw[i].what);
	}
	tap_diag("last refusal: %s", err.msg);
}

/* Content whose blob id starts with "17", so objects/17 is not empty. */
static void content17(char *buf, size_t size, int from)
{
	cairn_oid id;
	cairn_error err;
	int i;

	for (i = from;; i++) {
		pathf(buf, size, "filler %d\n", i);
		if (cairn_git_hash_blob(buf, strlen(buf), &id, &err) == CAIRN_OK &&
		    strncmp(id.hex, "17", 2) == 0)
			return;
	}
}

static int count_packs(void)
{
	return atoi(out("ls %s/.git/objects/pack/*.pack 2>/dev/null | wc -l", wb));
}

static void test_pack(cairn_git *g)
{
	char content[64], path[PATH_MAX];
	cairn_oid c, h;
	cairn_error err;
	bool packed = true, loose;
	const char *ids;
	int left = 0;

	content17(content, sizeof content, 0);
	pathf(h.hex, sizeof h.hex, "%s", head_hex(g));
	ok(commit1(g, h.hex, "fill/a", content, "Fill", &c, &err) == CAIRN_OK, "commit %s",
	   err.msg);
	pathf(path, sizeof path, "%s/.git/objects/tmp_object_git2_old", wb);
	sh("touch -d '2 hours ago' %s", path);
	pathf(path, sizeof path, "%s/.git/objects/tmp_object_git2_new", wb);
	sh("touch %s", path);
	ok(cairn_git_maybe_pack(g, 1000000, &packed, &err) == CAIRN_OK && !packed,
	   "below the threshold nothing is packed");
	ok(access(path, F_OK) == 0, "a young libgit2 temporary file is kept");
	pathf(path, sizeof path, "%s/.git/objects/tmp_object_git2_old", wb);
	ok(access(path, F_OK) != 0, "one older than an hour is removed");
	pathf(path, sizeof path, "%s/.git/objects/tmp_object_git2_new", wb);
	unlink(path);
	ok(cairn_git_maybe_pack(g, 1, &packed, &err) == CAIRN_OK, "maybe_pack %s", err.msg);
	ok(packed, "packed");
	is_int(count_packs(), 1, "one pack");
	ids = out("git -C %s rev-list --objects --all | cut -c1-40 | tr '\\n' ' '", wb);
	while (*ids) {
		pathf(path, sizeof path, "%s/.git/objects/%.2s/%.38s", wb, ids, ids + 2);
		if (access(path, F_OK) == 0)
			left++;
		ids += 41;
	}
	is_int(left, 0, "no reachable object is left loose");
	pathf(path, sizeof path, "%s/.git/objects/17", wb);
	ok(access(path, F_OK) != 0, "emptied fan-out folders removed");
	is_int(sh("git -C %s fsck --full --strict --no-progress >/dev/null 2>&1", wb), 0,
	       "git fsck is clean after packing");
	ok(read_is(g, &c1, "milestones/4c/M4", "title: four\n") && read_is(g, &c, "fill/a", content),
	   "read_path works from the pack");
	ok(cairn_git_verify_object(g, &c1, NULL, 0, &loose, &err) == CAIRN_OK && !loose,
	   "a packed object is not loose");

	content17(content, sizeof content, atoi(content + 7) + 1);
	pathf(h.hex, sizeof h.hex, "%s", c.hex);
	ok(commit1(g, h.hex, "fill/b", content, "Fill again", &c, &err) == CAIRN_OK,
	   "a commit on a packed parent %s", err.msg);
	ok(cairn_git_maybe_pack(g, 1, &packed, &err) == CAIRN_OK && packed, "pack again %s",
	   err.msg);
	is_int(count_packs(), 2, "a second pack");
	ok(atoi(out("for i in %s/.git/objects/pack/*.idx; do git show-index < $i | wc -l; done "
		    "| sort -n | head -1", wb)) <= 6, "holding only what was new");
	is_int(sh("git -C %s fsck --full --strict --no-progress >/dev/null 2>&1", wb), 0,
	       "git fsck is clean");
}

static void test_verify(cairn_git *g)
{
	char big[4097], path[PATH_MAX], *orig = NULL;
	static const long cuts[] = { 0, 1, 10, 50, 100, -1 };
	cairn_oid c, h, blob;
	cairn_error err;
	size_t checked = 0, n, i, osize = 0;
	bool loose;
	unsigned seed = 42;
	FILE *f;
	double t;

	/* Incompressible, so the object file is kilobytes long. */
	for (i = 0; i < 4096; i++) {
		seed = seed * 1103515245 + 12345;
		big[i] = (char)(33 + (seed >> 16) % 90);
	}
	big[4096] = '\0';
	pathf(h.hex, sizeof h.hex, "%s", head_hex(g));
	ok(commit1(g, h.hex, "big/blob", big, "Big", &c, &err) == CAIRN_OK, "commit a big blob");
	ok(cairn_git_verify_loose(g, 0, &checked, &err) == CAIRN_OK, "intact loose objects pass %s",
	   err.msg);
	n = (size_t)atoi(out("find %s/.git/objects/?? -type f | wc -l", wb));
	ok(checked == n && n >= 4, "checked all %zu loose objects (%zu)", n, checked);
	ok(cairn_git_verify_loose(g, time(NULL) + 3600, &checked, &err) == CAIRN_OK && checked == 0,
	   "none modified since the future");

	cairn_git_hash_blob(big, 4096, &blob, &err);
	ok(cairn_git_verify_object(g, &blob, big, 4096, &loose, &err) == CAIRN_OK && loose,
	   "read back the blob: same bytes");
	big[100] ^= 1;
	is_int(cairn_git_verify_object(g, &blob, big, 4096, &loose, &err), CAIRN_ECORRUPT,
	       "other bytes are noticed");
	big[100] ^= 1;

	pathf(path, sizeof path, "%s/.git/objects/%.2s/%s", wb, blob.hex, blob.hex + 2);
	if ((f = fopen(path, "rb"))) {
		orig = malloc(8192);
		osize = orig ? fread(orig, 1, 8192, f) : 0;
		fclose(f);
	}
	ok(osize > 1000, "the object file is %zu bytes", osize);
	chmod(path, 0644);
	for (i = 0; i < sizeof cuts / sizeof cuts[0] && orig; i++) {
		long keep = cuts[i] < 0 ? (long)osize - 1 : cuts[i];
		if ((f = fopen(path, "wb"))) {
			fwrite(orig, 1, (size_t)keep, f);
			fclose(f);
		}
		t = now_s();
		is_int(cairn_git_verify_loose(g, 0, &checked, &err), CAIRN_ECORRUPT,
		       "an object cut to %ld bytes is caught", keep);
		ok(now_s() - t < 5, "in bounded time (%.3f s)", now_s() - t);
		ok(strstr(err.msg, blob.hex + 2) && strstr(err.msg, "truncated"), "message: %s",
		   i == 2 ? err.msg : "(as above)");
	}
	if (orig && (f = fopen(path, "wb"))) {
		orig[osize / 2] ^= 0x55;
		fwrite(orig, 1, osize, f);
		fclose(f);
		is_int(cairn_git_verify_loose(g, 0, &checked, &err), CAIRN_ECORRUPT,
		       "a flipped byte is caught");
		orig[osize / 2] ^= 0x55;
	}
	/* A damaged object with the id of new content: libgit2 keeps the
	 * existing file, and only the read-back check notices. */
	if (orig && (f = fopen(path, "wb"))) {
		fwrite(orig, 1, 50, f);
		fclose(f);
	}
	pathf(h.hex, sizeof h.hex, "%s", head_hex(g));
	t = now_s();
	is_int(commit1(g, h.hex, "big/again", big, "Same bytes again", &c, &err), CAIRN_ECORRUPT,
	       "a commit over a truncated object is refused");
	ok(now_s() - t < 5, "without hanging (%.3f s)", now_s() - t);
	ok(strstr(err.msg, blob.hex + 2) && strstr(err.msg, "truncated"), "message: %s", err.msg);
	is_str(head_hex(g), h.hex, "and the ref does not move");
	if (orig && (f = fopen(path, "wb"))) {
		fwrite(orig, 1, osize, f);
		fclose(f);
	}
	ok(cairn_git_verify_loose(g, 0, &checked, &err) == CAIRN_OK, "restored, it passes");
	free(orig);
}

/* A workbook of n files in 256 folders, then the time of one commit. */
static void time_commits(size_t nfiles)
{
	char dir[PATH_MAX];
	cairn_git_change *ch = calloc(nfiles, sizeof *ch);
	char (*paths)[32] = calloc(nfiles, 32);
	cairn_oid none = { "" }, c, h;
	cairn_git_delta *d = NULL;
	cairn_error err;
	cairn_git *g = NULL;
	size_t i, count = 0, nd = 0;
	double t, best = 1e9, sum = 0;
	int k;

	static int runs;

	pathf(dir, sizeof dir, "%s/big%zu-%d", base, nfiles, runs++);
	if (!ch || !paths || cairn_git_init(dir, &g, &err) != CAIRN_OK) {
		ok(0, "set up %zu files", nfiles);
		free(ch);
		free(paths);
		return;
	}
	for (i = 0; i < nfiles; i++) {
		pathf(paths[i], 32, "m/%02zx/r%zu", i % 256, i);
		ch[i].path = paths[i];
		ch[i].data = paths[i];
		ch[i].len = strlen(paths[i]);
	}
	t = now_s();
	ok(cairn_git_commit(g, &none, ch, nfiles, &ada, "Many", &c, &err) == CAIRN_OK,
	   "one commit of %zu files %s", nfiles, err.msg);
	tap_diag("first commit of %zu files: %.3f s", nfiles, now_s() - t);
	for (k = 0; k < 7; k++) {
		char data[32];
		pathf(h.hex, sizeof h.hex, "%s", c.hex);
		pathf(data, sizeof data, "edit %d", k);
		t = now_s();
		if (commit1(g, h.hex, paths[(size_t)k * 37 % nfiles], data, "Edit", &c, &err)
		    != CAIRN_OK)
			break;
		t = now_s() - t;
		sum += t;
		if (t < best)
			best = t;
	}
	ok(k == 7, "seven one-file commits");
	tap_diag("one-file commit with %zu files: best %.2f ms, mean %.2f ms", nfiles,
		 best * 1e3, sum / 7 * 1e3);
	t = now_s();
	ok(cairn_git_each_file(g, &c, count_only, &count, &err) == CAIRN_OK && count == nfiles,
	   "each_file sees %zu files", nfiles);
	tap_diag("each_file over %zu files: %.2f ms", nfiles, (now_s() - t) * 1e3);
	t = now_s();
	ok(cairn_git_diff(g, &h, &c, &d, &nd, &err) == CAIRN_OK && nd == 1, "one-file diff");
	tap_diag("diff of one change among %zu files: %.3f ms", nfiles, (now_s() - t) * 1e3);
	cairn_git_deltas_free(d, nd);
	cairn_git_close(g);
	free(ch);
	free(paths);
}

/* 100,000 files through git fast-import (fast), then each_file. */
static void time_each_file_100k(void)
{
	char dir[PATH_MAX], cmd[PATH_MAX + 64];
	cairn_git *g = NULL;
	cairn_error err;
	cairn_oid c;
	size_t count = 0, i;
	double t;
	FILE *p;

	pathf(dir, sizeof dir, "%s/huge", base);
	if (cairn_git_init(dir, &g, &err) != CAIRN_OK) {
		ok(0, "init %s", err.msg);
		return;
	}
	pathf(cmd, sizeof cmd, "git -C %s fast-import --quiet", dir);
	if (!(p = popen(cmd, "w"))) {
		ok(0, "fast-import");
		cairn_git_close(g);
		return;
	}
	fprintf(p, "commit refs/heads/main\ncommitter T <t@e> 1700000000 +0000\ndata 4\nbig\n");
	for (i = 0; i < 100000; i++) {
		char rec[32];
		int n = snprintf(rec, sizeof rec, "r%zu\n", i);
		fprintf(p, "M 100644 inline m/%02zx/r%zu\ndata %d\n%s\n", i % 256, i, n, rec);
	}
	pclose(p);
	ok(cairn_git_head(g, &c, &err) == CAIRN_OK && c.hex[0], "100,000 files imported");
	t = now_s();
	ok(cairn_git_each_file(g, &c, count_only, &count, &err) == CAIRN_OK && count == 100000,
	   "each_file sees 100,000 files (%zu)", count);
	tap_diag("each_file over 100,000 files: %.0f ms", (now_s() - t) * 1e3);
	cairn_git_close(g);
}

int main(void)
{
	cairn_git *g = NULL;

	/* libgit2 1.5.1 hangs on a damaged loose object: fail, do not hang. */
	alarm(600);
	setup_env();
	test_init(&g);
	test_commits(g);
	test_listing(g);
	test_refusals(g);
	test_cas(g);
	test_sync_packed_branch(g);
	test_worktree(g);
	test_pack(g);
	test_verify(g);
	/* Last: the hostile objects stay in the store and git fsck reports
	 * them, rightly, from then on. */
	test_hostile(g);
	cairn_git_close(g);
	/* 100 files twice, around the 10,000: the first repository made after
	 * the tests' many deletions pays for ext4's inode allocation. */
	time_commits(100);
	time_commits(10000);
	time_commits(100);
	time_each_file_100k();
	if (sh("rm -rf '%s'", base) != 0)
		tap_diag("could not remove %s", base);
	return tap_done();
}
