/* The workbook's git repository through libgit2 (see include/cairn/gitstore.h).
 *
 * Loose-object checks and packing live in gitverify.c.
 */
#include "cairn/gitstore.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "cairn/buf.h"
#include "cairn/sha1.h"
#include "git/git_internal.h"
#include "git/oidmap.h"

/* A lock file older than this was left by a process that died holding
 * it: git itself never holds a ref or index lock for seconds. */
#define STALE_LOCK_SECONDS 5
/* Record paths are a few levels deep; deeper trees are hostile, and the
 * recursion must stay bounded. */
#define MAX_TREE_DEPTH 32

#define MODE_TREE 0040000u
#define MODE_TYPE 0170000u
#define MODE_REG  0100000u

/* The repository is opened on first use: starting libgit2 costs about
 * 4 ms here (Debian's build loads the system's CA certificates into mbedTLS
 * at init), a third of what `cairn status` needs on a 100,000-record
 * workbook, which reads only HEAD and the index.  cairn_git_head reads a
 * plain HEAD and branch ref without libgit2; anything else opens it. */
struct cairn_git {
	git_repository *repo;   /* NULL until need_repo */
	char *dir;              /* as given to cairn_git_open */
	char *workdir;          /* with a trailing '/' */
	char *gitdir;           /* with a trailing '/' */
	oidmap checked;         /* commits that passed the allow-list */
};

/* ---- errors and ids ---- */

/* Fail with libgit2's own explanation appended, when it left one. */
static cairn_status gfail(cairn_error *err, cairn_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static cairn_status gfail(cairn_error *err, cairn_status code, const char *fmt, ...)
{
	char msg[1536];
	const git_error *e = git_error_last();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (e && e->message)
		return cairn_fail(err, code, "%s (libgit2: %.480s)", msg, e->message);
	return cairn_fail(err, code, "%s", msg);
}

static void hex_of(cairn_oid *out, const git_oid *id)
{
	git_oid_tostr(out->hex, sizeof out->hex, id);
}

/* A caller's id, which must be 40 hex digits. */
static cairn_status parse_oid(git_oid *out, const cairn_oid *in, const char *what,
			      cairn_error *err)
{
	if (strlen(in->hex) != 40 || git_oid_fromstr(out, in->hex) != 0)
		return cairn_fail(err, CAIRN_EINPUT, "\"%.41s\" is not a git id (%s)",
				  in->hex, what);
	return CAIRN_OK;
}

/* Paths cairn commits are '/'-separated and relative, with no empty, "."
 * or ".." component and no ".git" folder (libgit2's tree builder refuses
 * the NTFS and HFS+ spellings, with protectNTFS and protectHFS set). */
static cairn_status check_path(const char *path, cairn_error *err)
{
	const char *p = path, *end;

	if (!path || !*path)
		return cairn_fail(err, CAIRN_EINPUT, "empty path in a commit");
	for (;;) {
		size_t n;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\": empty, \".\" or \"..\" component; cairn only "
					  "stores plain relative paths", path);
		if (n == 4 && strncasecmp(p, ".git", 4) == 0)
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\": git refuses a \".git\" folder in a commit", path);
		if (!end)
			return CAIRN_OK;
		p = end + 1;
	}
}

/* ---- opening ---- */

cairn_status cairn_git_lib_init(cairn_error *err)
{
	if (git_libgit2_init() < 0)
		return gfail(err, CAIRN_EIO, "cannot start libgit2");
	/* Without this libgit2 does not fsync objects, refs or packs. */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* libgit2 caches trees up to 4 kB; a record folder's tree of 256
	 * shards is bigger, and a fetch or a merge would inflate it again for
	 * every commit (a 100k-record sync spent 4 s so). */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)256 * 1024);
	return CAIRN_OK;
}

static char *dup_str(const char *s)
{
	char *d = malloc(strlen(s) + 1);
	if (d)
		strcpy(d, s);
	return d;
}

/* Take ownership of repo (and of one libgit2 init) into a new handle. */
static cairn_status wrap(git_repository *repo, cairn_git **out, cairn_error *err)
{
	cairn_git *g = calloc(1, sizeof *g);
	const char *wd = git_repository_workdir(repo);

	if (g) {
		g->repo = repo;
		g->workdir = dup_str(wd ? wd : "");
		g->gitdir = dup_str(git_repository_path(repo));
	}
	if (!g || !g->workdir || !g->gitdir) {
		cairn_git_close(g);
		if (!g) {
			git_repository_free(repo);
			git_libgit2_shutdown();
		}
		return cairn_oom(err);
	}
	*out = g;
	return CAIRN_OK;
}

static cairn_status set_config(git_repository *repo, const char *dir, cairn_error *err)
{
	git_config *all = NULL, *local = NULL;
	int rc;

	rc = git_repository_config(&all, repo);
	if (rc == 0)
		rc = git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL);
	/* HFS+ ignorable code points in ".git" are only refused on Linux with
	 * protectHFS; the workbook may be cloned on a Mac or Windows. */
	if (rc == 0)
		rc = git_config_set_bool(local, "core.protectHFS", 1);
	if (rc == 0)
		rc = git_config_set_bool(local, "core.protectNTFS", 1);
	if (rc == 0)
		rc = git_config_set_bool(local, "core.autocrlf", 0);
	git_config_free(local);
	git_config_free(all);
	if (rc != 0)
		return gfail(err, CAIRN_EIO, "%s: cannot write the repository's configuration", dir);
	return CAIRN_OK;
}

cairn_status cairn_git_init(const char *dir, cairn_git **out, cairn_error *err)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	cairn_status st;
	int rc;

	*out = NULL;
	if ((st = cairn_git_lib_init(err)) != CAIRN_OK)
		return st;
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "main";
	rc = git_repository_init_ext(&repo, dir, &opts);
	if (rc == GIT_EEXISTS)
		st = gfail(err, CAIRN_EEXISTS,
			   "%s: already holds a git repository; open it instead of creating one", dir);
	else if (rc != 0)
		st = gfail(err, CAIRN_EIO, "%s: cannot create a git repository", dir);
	else
		st = set_config(repo, dir, err);
	if (st != CAIRN_OK) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return st;
	}
	return wrap(repo, out, err);
}

/* Open the repository at dir with libgit2; *out is the repository. */
static cairn_status open_repo(const char *dir, git_repository **out, cairn_error *err)
{
	char abs[PATH_MAX];
	git_repository *repo = NULL;
	cairn_status st;
	int rc;

	*out = NULL;
	if ((st = cairn_git_lib_init(err)) != CAIRN_OK)
		return st;
	rc = git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	/* 1.5.1 reports a repository owned by someone else as -3, "config
	 * value 'safe.directory' was not found", not as GIT_EOWNER. */
	if (rc == GIT_ENOTFOUND && git_error_last() && git_error_last()->message &&
	    strstr(git_error_last()->message, "safe.directory"))
		rc = GIT_EOWNER;
	if (rc == GIT_ENOTFOUND)
		st = gfail(err, CAIRN_ENOTFOUND,
			   "%s: not a git repository (no .git folder); is this the workbook?", dir);
	else if (rc == GIT_EOWNER)
		st = gfail(err, CAIRN_EIO,
			   "%s: owned by another user; if you trust it, run "
			   "`git config --global --add safe.directory %s`", dir,
			   realpath(dir, abs) ? abs : dir);
	else if (rc != 0)
		st = gfail(err, CAIRN_EIO, "%s: cannot open the git repository", dir);
	else if (git_repository_is_bare(repo))
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s: a bare repository has no files to edit; clone it first", dir);
	if (st != CAIRN_OK) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return st;
	}
	*out = repo;
	return CAIRN_OK;
}

static cairn_status need_repo(cairn_git *g, cairn_error *err)
{
	return g->repo ? CAIRN_OK : open_repo(g->dir, &g->repo, err);
}

cairn_status cairn_git_open(const char *dir, cairn_git **out, cairn_error *err)
{
	char abs[PATH_MAX], path[PATH_MAX + 16];
	struct stat sb;
	cairn_git *g;
	cairn_status st;

	*out = NULL;
	/* The usual workbook (a folder with a .git folder) opens lazily; a
	 * .git file (a worktree) or anything else goes through libgit2 now. */
	if (!realpath(dir, abs) || (size_t)snprintf(path, sizeof path, "%s/.git", abs) >= sizeof path ||
	    stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		git_repository *repo;
		if ((st = open_repo(dir, &repo, err)) != CAIRN_OK)
			return st;
		if ((st = wrap(repo, out, err)) == CAIRN_OK && !((*out)->dir = dup_str(dir))) {
			cairn_git_close(*out);
			*out = NULL;
			return cairn_oom(err);
		}
		return st;
	}
	if (!(g = calloc(1, sizeof *g)))
		return cairn_oom(err);
	g->dir = dup_str(dir);
	g->workdir = malloc(strlen(abs) + 2);
	g->gitdir = malloc(strlen(abs) + 7);
	if (!g->dir || !g->workdir || !g->gitdir) {
		cairn_git_close(g);
		return cairn_oom(err);
	}
	sprintf(g->workdir, "%s/", strcmp(abs, "/") ? abs : "");
	sprintf(g->gitdir, "%s.git/", g->workdir);
	*out = g;
	return CAIRN_OK;
}

void cairn_git_close(cairn_git *git)
{
	if (!git)
		return;
	if (git->repo) {
		git_repository_free(git->repo);
		git_libgit2_shutdown();
	}
	free(git->dir);
	free(git->workdir);
	free(git->gitdir);
	oidmap_done(&git->checked);
	free(git);
}

bool cairn_git_was_checked(const cairn_git *git, const git_oid *commit)
{
	return oidmap_get(&git->checked, commit, NULL);
}

bool cairn_git_mark_checked(cairn_git *git, const git_oid *commit)
{
	return oidmap_put(&git->checked, commit, 0);
}

const char *cairn_git_workdir(const cairn_git *git)
{
	return git->workdir;
}

const char *cairn_git_gitdir(const cairn_git *git)
{
	return git->gitdir;
}

/* ---- the branch ---- */

/* The branch HEAD names ("refs/heads/main"): a new string. */
static cairn_status head_branch(cairn_git *g, char **name, cairn_error *err)
{
	git_reference *head = NULL;
	const char *target;
	cairn_status st = CAIRN_OK;

	*name = NULL;
	if (git_reference_lookup(&head, g->repo, "HEAD") != 0)
		return gfail(err, CAIRN_ECORRUPT, "%sHEAD: cannot read it", g->gitdir);
	target = git_reference_symbolic_target(head);
	if (!target || strncmp(target, "refs/heads/", 11) != 0)
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s: HEAD is detached (not on a branch); run `git checkout main` "
				"there first", g->workdir);
	else if (!(*name = dup_str(target)))
		st = cairn_oom(err);
	git_reference_free(head);
	return st;
}

/* refs/remotes/REMOTE/BRANCH for branch (refs/heads/BRANCH), from the
 * branch's configuration, as git's default fetch refspec maps it. */
static bool upstream_of(cairn_git *git, const char *branch, char *out, size_t n)
{
	git_config *cfg = NULL;
	git_buf remote = { NULL, 0, 0 }, merge = { NULL, 0, 0 };
	char key[512];
	bool found = false;
	const char *shortname = branch + strlen("refs/heads/");

	if (git_repository_config_snapshot(&cfg, git->repo) != 0)
		return false;
	snprintf(key, sizeof key, "branch.%s.remote", shortname);
	if (git_config_get_string_buf(&remote, cfg, key) == 0) {
		snprintf(key, sizeof key, "branch.%s.merge", shortname);
		if (git_config_get_string_buf(&merge, cfg, key) == 0 &&
		    !strncmp(merge.ptr, "refs/heads/", 11)) {
			if (!strcmp(remote.ptr, "."))
				snprintf(out, n, "%s", merge.ptr);
			else
				snprintf(out, n, "refs/remotes/%s/%s", remote.ptr, merge.ptr + 11);
			found = true;
		}
	}
	git_buf_dispose(&remote);
	git_buf_dispose(&merge);
	git_config_free(cfg);
	return found;
}

cairn_status cairn_git_unshared(cairn_git *git, bool *has_upstream, size_t *ahead,
				size_t *behind, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid local, remote;
	char *branch, name[512];
	cairn_status st;

	*has_upstream = false;
	*ahead = *behind = 0;
	if ((st = head_branch(git, &branch, err)) != CAIRN_OK)
		return st;
	/* The upstream as git names it: branch.NAME.remote and .merge.  Read
	 * here rather than through git_branch_upstream_name, whose refspec
	 * matching in Debian's libgit2 1.5.1 leaks PCRE2 match data on every
	 * call (LeakSanitizer sees 20 kB per call), and the terminal interface
	 * asks after every save.  No upstream (no remote yet, or never pushed
	 * with -u): nothing to compare. */
	if (upstream_of(git, branch, name, sizeof name) &&
	    git_reference_name_to_id(&remote, git->repo, name) == 0 &&
	    git_reference_name_to_id(&local, git->repo, branch) == 0) {
		if (git_graph_ahead_behind(ahead, behind, git->repo, &local, &remote) == 0)
			*has_upstream = true;
		else
			st = gfail(err, CAIRN_EIO, "%s: cannot compare with %s", branch, name);
	}
	free(branch);
	return st;
}

/* Read a small file of the git folder into buf, NUL-terminated. */
static bool read_git_file(const cairn_git *g, const char *name, char *buf, size_t n)
{
	char path[PATH_MAX];
	FILE *f;
	size_t got;

	if ((size_t)snprintf(path, sizeof path, "%s%s", g->gitdir, name) >= sizeof path ||
	    !(f = fopen(path, "r")))
		return false;
	got = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[got] = '\0';
	return true;
}

static bool is_hex40(const char *p)
{
	for (int i = 0; i < 40; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* HEAD as git's files hold it in the common case: "ref: refs/heads/X" and
 * a loose ref, or the ref in packed-refs, or no commit yet.  false for
 * anything else (a detached HEAD, a symbolic ref to a ref, a damaged
 * file), which libgit2 then reads and explains. */
static bool head_from_files(const cairn_git *g, cairn_oid *head)
{
	char text[512], ref[300], *nl;
	FILE *f;
	char path[PATH_MAX], line[512];
	bool found = false;

	if (!read_git_file(g, "HEAD", text, sizeof text) || strncmp(text, "ref: refs/heads/", 16))
		return false;
	if ((nl = strchr(text, '\n')))
		*nl = '\0';
	if (strstr(text, "..") || strlen(text + 5) >= sizeof ref)
		return false;
	memcpy(ref, text + 5, strlen(text + 5) + 1);
	if (read_git_file(g, ref, text, sizeof text)) {
		if (strlen(text) != 41 || !is_hex40(text) || text[40] != '\n')
			return false;
		memcpy(head->hex, text, 40);
		head->hex[40] = '\0';
		return true;
	}
	if ((size_t)snprintf(path, sizeof path, "%spacked-refs", g->gitdir) >= sizeof path)
		return false;
	if (!(f = fopen(path, "r")))
		return errno == ENOENT;         /* no commit yet: HEAD is "" */
	while (fgets(line, sizeof line, f)) {
		size_t len = strcspn(line, "\n");
		line[len] = '\0';
		if (len > 41 && is_hex40(line) && line[40] == ' ' && !strcmp(line + 41, ref)) {
			memcpy(head->hex, line, 40);
			head->hex[40] = '\0';
			found = true;
			break;
		}
	}
	fclose(f);
	return found || !head->hex[0];
}

cairn_status cairn_git_root(cairn_git *git, cairn_oid *root, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_revwalk *walk = NULL;
	git_oid id;
	cairn_status st = CAIRN_OK;

	root->hex[0] = '\0';
	/* The first commit, following first parents back from HEAD: its id
	 * names the workbook for as long as it exists, in every clone. */
	if (git_revwalk_new(&walk, git->repo) != 0 || git_revwalk_push_head(walk) != 0) {
		git_revwalk_free(walk);
		return CAIRN_OK;        /* no commit yet */
	}
	git_revwalk_simplify_first_parent(walk);
	while (git_revwalk_next(&id, walk) == 0)
		hex_of(root, &id);
	git_revwalk_free(walk);
	return st;
}

cairn_status cairn_git_head(cairn_git *git, cairn_oid *head, cairn_error *err)
{
	char *branch;
	git_oid id;
	cairn_status st;
	int rc;

	head->hex[0] = '\0';
	if (!git->repo && head_from_files(git, head))
		return CAIRN_OK;
	if ((st = need_repo(git, err)) != CAIRN_OK)
		return st;
	if ((st = head_branch(git, &branch, err)) != CAIRN_OK)
		return st;
	rc = git_reference_name_to_id(&id, git->repo, branch);
	if (rc == 0)
		hex_of(head, &id);
	else if (rc != GIT_ENOTFOUND)
		st = gfail(err, CAIRN_ECORRUPT, "%s%s: cannot read the branch", git->gitdir, branch);
	free(branch);
	return st;
}

/* Remove path if it is a lock file older than STALE_LOCK_SECONDS. */
static bool remove_stale_lock(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	if (time(NULL) - st.st_mtime <= STALE_LOCK_SECONDS)
		return false;
	return unlink(path) == 0;
}

/* The first line of a message, which is all a reflog entry may hold. */
static void summary_of(char *out, size_t size, const char *prefix, const char *message)
{
	size_t n = strcspn(message, "\r\n");

	if (n > 200) {
		n = 200;
		/* Not in the middle of a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(out, size, "%s%.*s", prefix, (int)n, message);
}

/* A cairn killed while libgit2 moved the branch leaves the branch's lock
 * file, and every later save would wait on it.  So before moving it, cairn
 * notes "the id it writes" in .git/cairn-ref.PID: a lock that holds that id
 * while PID is gone is the dead cairn's, and is removed at once.  Any
 * other lock is left alone until it is stale by age (git's own). */
static void ref_marker_path(const cairn_git *g, long pid, char *out, size_t n)
{
	snprintf(out, n, "%scairn-ref.%ld", g->gitdir, pid);
}

static bool read_small(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got;

	if (!f)
		return false;
	got = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[got] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return true;
}

static bool remove_dead_cairns_lock(cairn_git *g, const char *lock)
{
	char held[128], noted[128], marker[4096];
	bool removed = false;
	struct dirent *de;
	struct stat lock_sb, marker_sb;
	DIR *d;

	if (!read_small(lock, held, sizeof held) || stat(lock, &lock_sb) != 0 ||
	    !(d = opendir(g->gitdir)))
		return false;
	while ((de = readdir(d))) {
		char *end;
		long pid;
		if (strncmp(de->d_name, "cairn-ref.", 10) != 0)
			continue;
		pid = strtol(de->d_name + 10, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		ref_marker_path(g, pid, marker, sizeof marker);
		/* The lock holds the id the dead cairn noted; or it is still
		 * empty (libgit2 writes the id last, after the reflog) and was
		 * made just after the note, as that cairn would have. */
		if (read_small(marker, noted, sizeof noted) && !removed &&
		    (!strcmp(noted, held) ||
		     (!held[0] && stat(marker, &marker_sb) == 0 &&
		      lock_sb.st_mtime >= marker_sb.st_mtime &&
		      lock_sb.st_mtime - marker_sb.st_mtime <= 2)))
			removed = unlink(lock) == 0;
		unlink(marker);         /* a dead cairn's note is no use to anyone */
	}
	closedir(d);
	return removed;
}

/* Compare-and-swap: move branch to id only if it is still at parent. */
static cairn_status move_branch(cairn_git *g, const char *branch, const git_oid *id,
				const git_oid *parent, const char *message, cairn_error *err)
{
	char log[256], lock[4096], marker[4096], hex[GIT_OID_HEXSZ + 1];
	int attempt, rc = 0;
	FILE *f;

	summary_of(log, sizeof log, parent ? "commit: " : "commit (initial): ", message);
	snprintf(lock, sizeof lock, "%s%s.lock", g->gitdir, branch);
	ref_marker_path(g, (long)getpid(), marker, sizeof marker);
	git_oid_tostr(hex, sizeof hex, id);
	if ((f = fopen(marker, "w"))) {
		fprintf(f, "%s\n", hex);
		fclose(f);
	}
	for (attempt = 0; attempt < 3; attempt++) {
		git_reference *ref = NULL;

		if (parent)
			rc = git_reference_create_matching(&ref, g->repo, branch, id, 1, parent, log);
		else
			rc = git_reference_create(&ref, g->repo, branch, id, 0, log);
		git_reference_free(ref);
		if (rc != GIT_ELOCKED ||
		    !(remove_dead_cairns_lock(g, lock) || remove_stale_lock(lock)))
			break;
	}
	unlink(marker);
	if (rc == 0)
		return CAIRN_OK;
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ENOTFOUND)
		return cairn_fail(err, CAIRN_EMOVED,
				  "%s%s: the branch moved while saving (another cairn or git "
				  "committed first); re-read it and save again", g->gitdir, branch);
	if (rc == GIT_ELOCKED)
		return cairn_fail(err, CAIRN_EBUSY,
				  "%s: another git process is updating the branch; try again "
				  "in a moment (if none is running, remove this lock file)", lock);
	return gfail(err, CAIRN_EIO, "%s%s: cannot move the branch", g->gitdir, branch);
}

cairn_status cairn_git_move_branch(cairn_git *git, const cairn_oid *from, const cairn_oid *to,
				   const char *message, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid from_id, to_id;
	char *branch = NULL;
	cairn_status st;

	if ((st = parse_oid(&from_id, from, "commit", err)) || (st = parse_oid(&to_id, to, "commit", err)))
		return st;
	if ((st = head_branch(git, &branch, err)) != CAIRN_OK)
		return st;
	st = move_branch(git, branch, &to_id, &from_id, message, err);
	free(branch);
	return st;
}

git_repository *cairn_git_repository(cairn_git *git, cairn_error *err)
{
	return need_repo(git, err) == CAIRN_OK ? git->repo : NULL;
}

cairn_status cairn_git_merge_base(cairn_git *git, const cairn_oid *a, const cairn_oid *b,
				  cairn_oid *base, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid ia, ib, out;
	cairn_status st;
	int rc;

	base->hex[0] = '\0';
	if ((st = parse_oid(&ia, a, "commit", err)) || (st = parse_oid(&ib, b, "commit", err)))
		return st;
	rc = git_merge_base(&out, git->repo, &ia, &ib);
	if (rc == GIT_ENOTFOUND)
		return CAIRN_OK;        /* unrelated histories */
	if (rc != 0)
		return gfail(err, CAIRN_EIO, "%s: cannot find the common ancestor", git->gitdir);
	hex_of(base, &out);
	return CAIRN_OK;
}

/* ---- committing ---- */

static cairn_status make_signature(git_signature **sig, const cairn_git_author *a,
				   cairn_error *err)
{
	git_time_t when = a->when;
	int offset = a->tz_minutes;

	if (!a->name || !a->email)
		return cairn_fail(err, CAIRN_EINPUT,
				  "no author name or email: set user.name and user.email");
	if (when == 0) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		when = now;
		offset = (int)(tm.tm_gmtoff / 60);
	}
	if (git_signature_new(sig, a->name, a->email, when, offset) != 0)
		return gfail(err, CAIRN_EINPUT, "author \"%s <%s>\" is not valid for git; "
			     "fix user.name and user.email", a->name, a->email);
	return CAIRN_OK;
}

static int cmp_change_path(const void *a, const void *b)
{
	const cairn_git_change *const *x = a, *const *y = b;
	return strcmp((*x)->path, (*y)->path);
}

static bool has_path(const cairn_git_change **sorted, size_t n, const char *path, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(sorted[mid]->path, path, len);
		if (c == 0 && sorted[mid]->path[len] != '\0')
			c = 1;
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Each path once, and none both a file and a folder of another. */
static cairn_status check_changes(const cairn_git_change *changes, size_t n,
				  cairn_error *err)
{
	const cairn_git_change **sorted;
	cairn_status st = CAIRN_OK;
	size_t i;

	for (i = 0; i < n; i++)
		if ((st = check_path(changes[i].path, err)) != CAIRN_OK)
			return st;
	if (n < 2)
		return CAIRN_OK;
	if (!(sorted = malloc(n * sizeof *sorted)))
		return cairn_oom(err);
	for (i = 0; i < n; i++)
		sorted[i] = &changes[i];
	if (n > 1)
		qsort(sorted, n, sizeof *sorted, cmp_change_path);
	for (i = 0; i < n && st == CAIRN_OK; i++) {
		const char *p = sorted[i]->path, *slash;

		if (i > 0 && strcmp(sorted[i - 1]->path, p) == 0)
			st = cairn_fail(err, CAIRN_EINPUT, "\"%s\" appears twice in one commit", p);
		for (slash = strchr(p, '/'); slash && st == CAIRN_OK; slash = strchr(slash + 1, '/'))
			if (has_path(sorted, n, p, (size_t)(slash - p)))
				st = cairn_fail(err, CAIRN_EINPUT,
						"\"%.*s\" and \"%s\" in one commit: a path cannot "
						"be both a file and a folder", (int)(slash - p), p, p);
	}
	free(sorted);
	return st;
}

/* Refuse path when one of its folders is a file (or link) in base. */
static cairn_status check_folders(git_tree *base, const char *path, cairn_error *err)
{
	char prefix[4096];
	const char *slash;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		git_tree_entry *e = NULL;
		size_t n = (size_t)(slash - path);
		unsigned mode;

		if (n >= sizeof prefix)
			return cairn_fail(err, CAIRN_EINPUT, "\"%.64s...\": path too long", path);
		memcpy(prefix, path, n);
		prefix[n] = '\0';
		if (git_tree_entry_bypath(&e, base, prefix) != 0)
			return CAIRN_OK;
		mode = git_tree_entry_filemode_raw(e);
		git_tree_entry_free(e);
		if (mode != MODE_TREE)
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\" is a file in the parent commit, so \"%s\" "
					  "cannot be saved below it", prefix, path);
	}
	return CAIRN_OK;
}

/* Fossil's rule, first half: each blob is read back and compared with the
 * caller's bytes before anything refers to it.  libgit2 does not rewrite
 * an object that exists, even damaged, so this is also what notices a
 * loose object left truncated by a crash. */
static cairn_status write_blob(cairn_git *g, const cairn_git_change *ch, git_oid *id,
			       cairn_error *err)
{
	git_blob *b = NULL;
	cairn_oid hex;
	cairn_status st;
	bool loose;

	if (git_blob_create_from_buffer(id, g->repo, ch->data, ch->len) != 0)
		return gfail(err, CAIRN_EIO, "%s: cannot store \"%s\"", g->gitdir, ch->path);
	hex_of(&hex, id);
	st = cairn_git_verify_object(g, &hex, ch->data, ch->len, &loose, err);
	if (st != CAIRN_OK || loose)
		return st;
	/* Already in a pack, which libgit2 reads safely. */
	if (git_blob_lookup(&b, g->repo, id) != 0 || (size_t)git_blob_rawsize(b) != ch->len ||
	    memcmp(git_blob_rawcontent(b), ch->data, ch->len) != 0)
		st = gfail(err, CAIRN_ECORRUPT,
			   "%s: reading back \"%s\" (blob %s) gave other bytes than were "
			   "written; nothing was committed: check the disk, then run `git fsck`",
			   g->gitdir, ch->path, hex.hex);
	git_blob_free(b);
	return st;
}

/* The tree updates for changes on top of base; a removal of a path the
 * base lacks is dropped, so that a retried save stays harmless. */
static cairn_status plan_updates(cairn_git *g, git_tree *base,
				 const cairn_git_change *changes, size_t n, git_oid *blobs,
				 git_tree_update *ups, size_t *nups, cairn_error *err)
{
	size_t i;

	*nups = 0;
	for (i = 0; i < n; i++) {
		git_tree_entry *old = NULL;
		unsigned mode = 0;
		int rc = git_tree_entry_bypath(&old, base, changes[i].path);

		if (rc == 0) {
			mode = git_tree_entry_filemode_raw(old);
			git_tree_entry_free(old);
		} else if (changes[i].data) {
			cairn_status st = check_folders(base, changes[i].path, err);
			if (st != CAIRN_OK)
				return st;
		}
		if (rc == 0 && (mode & MODE_TYPE) == MODE_TREE)
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\" is a folder in the parent commit, not a file",
					  changes[i].path);
		if (!changes[i].data) {
			if (rc != 0)
				continue;
			ups[*nups].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			cairn_status st = write_blob(g, &changes[i], &blobs[i], err);
			if (st != CAIRN_OK)
				return st;
			ups[*nups].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&ups[*nups].id, &blobs[i]);
			ups[*nups].filemode = GIT_FILEMODE_BLOB;
		}
		ups[*nups].path = changes[i].path;
		(*nups)++;
	}
	return CAIRN_OK;
}

/* Trees already read back during one commit's check. */
struct seen {
	git_oid *ids;
	size_t n, cap;
};

static cairn_status verify_once(cairn_git *g, struct seen *seen, const git_oid *id,
				cairn_error *err)
{
	cairn_oid hex;
	bool loose;
	size_t i;
	cairn_status st;

	for (i = seen->n; i > 0; i--)
		if (git_oid_equal(&seen->ids[i - 1], id))
			return CAIRN_OK;
	hex_of(&hex, id);
	if ((st = cairn_git_verify_object(g, &hex, NULL, 0, &loose, err)) != CAIRN_OK)
		return st;
	if (seen->n == seen->cap) {
		size_t cap = seen->cap ? seen->cap * 2 : 16;
		git_oid *ids = realloc(seen->ids, cap * sizeof *ids);
		if (!ids)
			return cairn_oom(err);
		seen->ids = ids;
		seen->cap = cap;
	}
	git_oid_cpy(&seen->ids[seen->n++], id);
	return CAIRN_OK;
}

/* Find path in the tree, checking each tree object on the way with our own
 * reader before libgit2 parses it.  *entry is NULL when absent. */
static cairn_status walk_checked(cairn_git *g, struct seen *seen, const git_oid *root,
				 const char *path, git_tree_entry **entry, cairn_error *err)
{
	git_oid id = *root;
	const char *p = path;
	cairn_status st;

	*entry = NULL;
	for (;;) {
		git_tree *tree = NULL;
		const git_tree_entry *e;
		const char *slash = strchr(p, '/');
		char name[1024];
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n >= sizeof name)
			return cairn_fail(err, CAIRN_EINPUT, "\"%s\": a name is too long", path);
		memcpy(name, p, n);
		name[n] = '\0';
		if ((st = verify_once(g, seen, &id, err)) != CAIRN_OK)
			return st;
		if (git_tree_lookup(&tree, g->repo, &id) != 0)
			return gfail(err, CAIRN_ECORRUPT, "%s: cannot read back the new tree",
				     g->gitdir);
		e = git_tree_entry_byname(tree, name);
		/* A file where a folder should be: the path is absent. */
		if (e && slash && git_tree_entry_filemode_raw(e) != MODE_TREE)
			e = NULL;
		if (e && !slash && git_tree_entry_dup(entry, e) != 0) {
			git_tree_free(tree);
			return cairn_oom(err);
		}
		if (e && slash)
			git_oid_cpy(&id, git_tree_entry_id(e));
		git_tree_free(tree);
		if (!e || !slash)
			return CAIRN_OK;
		p = slash + 1;
	}
}

/* Fossil's rule, second half: the commit object and the trees on every
 * changed path, read back, must say what the caller asked. */
static cairn_status read_back(cairn_git *g, const cairn_git_change *changes, size_t n,
			      const git_oid *blobs, const git_oid *tree, const git_oid *commit,
			      cairn_error *err)
{
	struct seen seen = { NULL, 0, 0 };
	cairn_status st = CAIRN_OK;
	cairn_oid hex;
	bool loose;
	size_t i;

	hex_of(&hex, commit);
	st = cairn_git_verify_object(g, &hex, NULL, 0, &loose, err);
	for (i = 0; i < n && st == CAIRN_OK; i++) {
		git_tree_entry *e = NULL;

		st = walk_checked(g, &seen, tree, changes[i].path, &e, err);
		if (st == CAIRN_OK) {
			bool want = changes[i].data != NULL;
			bool right = want
				? e && git_tree_entry_filemode_raw(e) == GIT_FILEMODE_BLOB &&
				  git_oid_equal(git_tree_entry_id(e), &blobs[i])
				: e == NULL;
			if (!right)
				st = cairn_fail(err, CAIRN_ECORRUPT,
						"%s: the new tree does not %s \"%s\" as asked; the "
						"commit was not made (a libgit2 bug?)", g->gitdir,
						want ? "hold" : "drop", changes[i].path);
		}
		git_tree_entry_free(e);
	}
	free(seen.ids);
	return st;
}

/* The parent's tree, or a new empty tree for the first commit. */
static cairn_status base_tree(cairn_git *g, const git_oid *parent, git_commit **pc,
			      git_tree **base, cairn_error *err)
{
	git_treebuilder *tb = NULL;
	git_oid empty;
	int rc;

	if (parent) {
		if (git_commit_lookup(pc, g->repo, parent) != 0)
			return gfail(err, CAIRN_ENOTFOUND, "%s: the parent commit is missing",
				     g->gitdir);
		if (git_commit_tree(base, *pc) != 0)
			return gfail(err, CAIRN_ECORRUPT, "%s: the parent commit has no tree",
				     g->gitdir);
		return CAIRN_OK;
	}
	rc = git_treebuilder_new(&tb, g->repo, NULL);
	if (rc == 0)
		rc = git_treebuilder_write(&empty, tb);
	git_treebuilder_free(tb);
	if (rc == 0)
		rc = git_tree_lookup(base, g->repo, &empty);
	if (rc != 0)
		return gfail(err, CAIRN_EIO, "%s: cannot write the empty tree", g->gitdir);
	return CAIRN_OK;
}

cairn_status cairn_git_commit(cairn_git *git, const cairn_oid *parent,
			      const cairn_git_change *changes, size_t nchanges,
			      const cairn_git_author *author, const char *message,
			      cairn_oid *out, cairn_error *err)
{
	return cairn_git_commit_merge(git, parent, NULL, changes, nchanges, author, message, out,
				      err);
}

cairn_status cairn_git_commit_merge(cairn_git *git, const cairn_oid *parent,
				    const cairn_oid *second, const cairn_git_change *changes,
				    size_t nchanges, const cairn_git_author *author,
				    const char *message, cairn_oid *out, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid parent_id, tree_id, commit_id, *blobs = NULL;
	git_tree_update *ups = NULL;
	git_commit *pc = NULL, *pc2 = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_signature *sig = NULL;
	char *branch = NULL, *msg = NULL;
	bool has_parent = parent && parent->hex[0];
	size_t nups, mlen;
	cairn_status st;

	out->hex[0] = '\0';
	if (!message || !*message)
		return cairn_fail(err, CAIRN_EINPUT, "a commit needs a message");
	if (has_parent && (st = parse_oid(&parent_id, parent, "parent commit", err)) != CAIRN_OK)
		return st;
	if ((st = check_changes(changes, nchanges, err)) != CAIRN_OK)
		return st;
	if ((st = make_signature(&sig, author, err)) != CAIRN_OK)
		return st;
	if ((st = head_branch(git, &branch, err)) != CAIRN_OK)
		goto done;

	/* git expects a message to end with a newline. */
	mlen = strlen(message);
	if (!(msg = malloc(mlen + 2))) {
		st = cairn_oom(err);
		goto done;
	}
	memcpy(msg, message, mlen + 1);
	if (message[mlen - 1] != '\n')
		strcpy(msg + mlen, "\n");

	blobs = calloc(nchanges ? nchanges : 1, sizeof *blobs);
	ups = calloc(nchanges ? nchanges : 1, sizeof *ups);
	if (!blobs || !ups) {
		st = cairn_oom(err);
		goto done;
	}
	if ((st = base_tree(git, has_parent ? &parent_id : NULL, &pc, &base, err)) != CAIRN_OK)
		goto done;
	if ((st = plan_updates(git, base, changes, nchanges, blobs, ups, &nups, err)) != CAIRN_OK)
		goto done;
	if (git_tree_create_updated(&tree_id, git->repo, base, nups, ups) != 0 ||
	    git_tree_lookup(&tree, git->repo, &tree_id) != 0) {
		st = gfail(err, CAIRN_EIO, "%s: cannot write the new tree", git->gitdir);
		goto done;
	}
	if (has_parent && second && second->hex[0]) {
		git_oid second_id;
		const git_commit *parents[2] = { pc, NULL };
		if ((st = parse_oid(&second_id, second, "merged commit", err)) != CAIRN_OK)
			goto done;
		if (git_commit_lookup(&pc2, git->repo, &second_id) != 0) {
			st = gfail(err, CAIRN_ENOTFOUND, "%s: the merged commit is missing", git->gitdir);
			goto done;
		}
		parents[1] = pc2;
		if (git_commit_create(&commit_id, git->repo, NULL, sig, sig, NULL, msg, tree, 2,
				      parents) != 0) {
			st = gfail(err, CAIRN_EIO, "%s: cannot write the commit", git->gitdir);
			goto done;
		}
	} else if (git_commit_create(&commit_id, git->repo, NULL, sig, sig, NULL, msg, tree,
				     has_parent ? 1 : 0, (const git_commit **)&pc) != 0) {
		st = gfail(err, CAIRN_EIO, "%s: cannot write the commit", git->gitdir);
		goto done;
	}
	if ((st = read_back(git, changes, nchanges, blobs, &tree_id, &commit_id, err)) != CAIRN_OK)
		goto done;
	st = move_branch(git, branch, &commit_id, has_parent ? &parent_id : NULL, message, err);
	if (st == CAIRN_OK)
		hex_of(out, &commit_id);
done:
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(pc);
	git_commit_free(pc2);
	git_signature_free(sig);
	free(ups);
	free(blobs);
	free(msg);
	free(branch);
	return st;
}

/* ---- reading ---- */

static cairn_status copy_blob(git_blob *b, char **data, size_t *len, cairn_error *err)
{
	size_t n = (size_t)git_blob_rawsize(b);
	char *buf = malloc(n + 1);

	if (!buf)
		return cairn_oom(err);
	memcpy(buf, git_blob_rawcontent(b), n);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return CAIRN_OK;
}

static cairn_status commit_tree(cairn_git *g, const cairn_oid *commit, git_tree **tree,
				cairn_error *err)
{
	git_commit *c = NULL;
	git_oid id;
	cairn_status st;
	int rc;

	*tree = NULL;
	if ((st = parse_oid(&id, commit, "commit", err)) != CAIRN_OK)
		return st;
	rc = git_commit_lookup(&c, g->repo, &id);
	if (rc == GIT_ENOTFOUND)
		return gfail(err, CAIRN_ENOTFOUND, "%s: no commit %s", g->gitdir, commit->hex);
	if (rc != 0)
		return gfail(err, CAIRN_ECORRUPT, "%s: cannot read commit %s", g->gitdir,
			     commit->hex);
	rc = git_commit_tree(tree, c);
	git_commit_free(c);
	if (rc != 0)
		return gfail(err, CAIRN_ECORRUPT, "%s: cannot read the tree of commit %s",
			     g->gitdir, commit->hex);
	return CAIRN_OK;
}

static const char *mode_kind(unsigned mode)
{
	switch (mode & MODE_TYPE) {
	case MODE_TREE: return "folder";
	case 0120000: return "symbolic link";
	case 0160000: return "submodule (gitlink)";
	case MODE_REG: return "file";
	default: return "entry of unknown type";
	}
}

cairn_status cairn_git_read_path(cairn_git *git, const cairn_oid *commit, const char *path,
				 char **data, size_t *len, cairn_oid *blob, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	cairn_status st;
	unsigned mode;
	int rc;

	*data = NULL;
	*len = 0;
	if (blob)
		blob->hex[0] = '\0';
	if ((st = check_path(path, err)) != CAIRN_OK)
		return st;
	if ((st = commit_tree(git, commit, &tree, err)) != CAIRN_OK)
		return st;
	rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND) {
		st = cairn_fail(err, CAIRN_ENOTFOUND, "%s: not in commit %.12s", path, commit->hex);
		goto done;
	}
	if (rc != 0) {
		st = gfail(err, CAIRN_ECORRUPT, "%s: cannot read it from commit %.12s", path,
			   commit->hex);
		goto done;
	}
	/* The raw mode: libgit2's filemode() turns 120755 into 100755, while
	 * a checkout makes it a symbolic link. */
	mode = git_tree_entry_filemode_raw(e);
	if ((mode & MODE_TYPE) != MODE_REG) {
		st = cairn_fail(err, CAIRN_ECORRUPT,
				"%s in commit %.12s is a %s (mode %06o), not a file; cairn never "
				"writes one, so the commit came from elsewhere: inspect it with "
				"`git show %.12s`", path, commit->hex, mode_kind(mode), mode,
				commit->hex);
		goto done;
	}
	if (git_blob_lookup(&b, git->repo, git_tree_entry_id(e)) != 0) {
		st = gfail(err, CAIRN_ECORRUPT, "%s in commit %.12s: its content is missing or "
			   "damaged; run `git fsck`", path, commit->hex);
		goto done;
	}
	if ((st = copy_blob(b, data, len, err)) == CAIRN_OK && blob)
		hex_of(blob, git_tree_entry_id(e));
done:
	git_blob_free(b);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return st;
}

cairn_status cairn_git_read_blob(cairn_git *git, const cairn_oid *blob, char **data,
				 size_t *len, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_blob *b = NULL;
	git_oid id;
	cairn_status st;
	int rc;

	*data = NULL;
	*len = 0;
	if ((st = parse_oid(&id, blob, "blob", err)) != CAIRN_OK)
		return st;
	rc = git_blob_lookup(&b, git->repo, &id);
	if (rc == GIT_ENOTFOUND)
		return gfail(err, CAIRN_ENOTFOUND, "%s: no blob %s", git->gitdir, blob->hex);
	if (rc != 0)
		return gfail(err, CAIRN_ECORRUPT, "%s: cannot read blob %s", git->gitdir,
			     blob->hex);
	st = copy_blob(b, data, len, err);
	git_blob_free(b);
	return st;
}

cairn_status cairn_git_hash_blob(const char *data, size_t len, cairn_oid *out,
				 cairn_error *err)
{
	unsigned char id[20];

	(void)err;
	/* cairn's own SHA-1: no need to start libgit2 to name some bytes. */
	cairn_sha1_object("blob", data, len, id);
	cairn_sha1_hex(id, out->hex);
	return CAIRN_OK;
}

/* ---- walking trees ---- */

static bool is_dir_mode(unsigned mode)
{
	return (mode & MODE_TYPE) == MODE_TREE;
}

/* git's tree order: names compare bytewise, a folder as if it ended in
 * '/'. */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *na = git_tree_entry_name(a), *nb = git_tree_entry_name(b);
	size_t la = strlen(na), lb = strlen(nb), n = la < lb ? la : lb;
	unsigned char ca, cb;
	int c = memcmp(na, nb, n);

	if (c)
		return c;
	ca = la > n ? (unsigned char)na[n] : is_dir_mode(git_tree_entry_filemode_raw(a)) ? '/' : 0;
	cb = lb > n ? (unsigned char)nb[n] : is_dir_mode(git_tree_entry_filemode_raw(b)) ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

/* Entry i of tree must name one path component, and the tree must be
 * sorted without duplicates, as git fsck demands; a tree built by hand
 * can break all three, and then two readers could see two different
 * files at one path. */
static cairn_status check_entry(const git_tree *tree, size_t i, const char *dir,
				cairn_error *err)
{
	const git_tree_entry *e = git_tree_entry_byindex(tree, i);
	const char *name = git_tree_entry_name(e);
	size_t n = strlen(name), j;

	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/'))
		return cairn_fail(err, CAIRN_ECORRUPT,
				  "%s\"%s\": not a valid name in a git tree; the commit was "
				  "made by hand or by a hostile tool: refuse it", dir, name);
	if (i > 0 && entry_cmp(git_tree_entry_byindex(tree, i - 1), e) >= 0)
		return cairn_fail(err, CAIRN_ECORRUPT,
				  "%s%s: a git tree out of order or with a duplicate name; "
				  "the commit was made by hand or by a hostile tool: refuse it",
				  dir, name);
	/* A file "x" sorts before "x-y" and the folder "x" after it. */
	if (is_dir_mode(git_tree_entry_filemode_raw(e))) {
		for (j = i; j > 0; j--) {
			const char *prev = git_tree_entry_name(git_tree_entry_byindex(tree, j - 1));
			if (strncmp(prev, name, n) != 0 || (unsigned char)prev[n] >= '/')
				break;
			if (prev[n] == '\0')
				return cairn_fail(err, CAIRN_ECORRUPT,
						  "%s%s: both a file and a folder in one git tree; "
						  "refuse this commit", dir, name);
		}
	}
	return CAIRN_OK;
}

/* Set path to its first `keep` bytes followed by name (and a '/'). */
static bool path_set(cairn_buf *path, size_t keep, const char *name, bool folder)
{
	path->len = keep;
	if (path->data)
		path->data[keep] = '\0';
	cairn_buf_adds(path, name);
	if (folder)
		cairn_buf_addc(path, '/');
	return !path->oom;
}

struct each {
	cairn_git *g;
	cairn_git_file_fn fn;
	void *ctx;
	cairn_buf path;
};

static cairn_status each_in(struct each *w, const git_tree *tree, int depth, cairn_error *err)
{
	size_t i, n = git_tree_entrycount(tree), keep = w->path.len;
	cairn_status st = CAIRN_OK;

	for (i = 0; i < n && st == CAIRN_OK; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		unsigned mode = git_tree_entry_filemode_raw(e);
		git_tree *sub = NULL;
		cairn_oid id;

		if (w->path.data) {
			w->path.len = keep;
			w->path.data[keep] = '\0';
		}
		if ((st = check_entry(tree, i, cairn_buf_str(&w->path), err)) != CAIRN_OK)
			break;
		/* Only a plain folder is entered; an odd folder mode (040755) is
		 * handed to the caller to refuse, like any other odd mode. */
		if (!path_set(&w->path, keep, git_tree_entry_name(e), mode == MODE_TREE)) {
			st = cairn_oom(err);
			break;
		}
		if (mode != MODE_TREE) {
			hex_of(&id, git_tree_entry_id(e));
			st = w->fn(w->path.data, mode, &id, w->ctx, err);
			continue;
		}
		if (depth >= MAX_TREE_DEPTH)
			st = cairn_fail(err, CAIRN_ECORRUPT, "%s: folders nested more than %d deep; "
					"refuse this commit", w->path.data, MAX_TREE_DEPTH);
		else if (git_tree_lookup(&sub, w->g->repo, git_tree_entry_id(e)) != 0)
			st = gfail(err, CAIRN_ECORRUPT, "%s: cannot read this folder's tree; "
				   "run `git fsck`", w->path.data);
		else
			st = each_in(w, sub, depth + 1, err);
		git_tree_free(sub);
	}
	if (w->path.data) {
		w->path.len = keep;
		w->path.data[keep] = '\0';
	}
	return st;
}

cairn_status cairn_git_each_file(cairn_git *git, const cairn_oid *commit,
				 cairn_git_file_fn fn, void *ctx, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	struct each w = { git, fn, ctx, CAIRN_BUF_INIT };
	git_tree *tree = NULL;
	cairn_status st;

	if ((st = commit_tree(git, commit, &tree, err)) != CAIRN_OK)
		return st;
	st = each_in(&w, tree, 0, err);
	git_tree_free(tree);
	cairn_buf_done(&w.path);
	return st;
}

/* ---- diff ---- */

struct differ {
	cairn_git *g;
	cairn_buf path;
	cairn_git_delta *d;
	size_t n, cap;
};

static cairn_status add_delta(struct differ *df, const git_tree_entry *old,
			      const git_tree_entry *new, cairn_error *err)
{
	cairn_git_delta *d;

	if (df->n == df->cap) {
		size_t cap = df->cap ? df->cap * 2 : 16;
		cairn_git_delta *nd = realloc(df->d, cap * sizeof *nd);
		if (!nd)
			return cairn_oom(err);
		df->d = nd;
		df->cap = cap;
	}
	d = &df->d[df->n];
	if (!(d->path = dup_str(df->path.data)))
		return cairn_oom(err);
	d->old_blob.hex[0] = d->new_blob.hex[0] = '\0';
	d->new_mode = 0;
	if (old)
		hex_of(&d->old_blob, git_tree_entry_id(old));
	if (new) {
		hex_of(&d->new_blob, git_tree_entry_id(new));
		d->new_mode = git_tree_entry_filemode_raw(new);
	}
	df->n++;
	return CAIRN_OK;
}

static cairn_status diff_trees(struct differ *df, const git_tree *a, const git_tree *b,
			       int depth, cairn_error *err);

/* One side of a name: a file becomes one delta, a folder all its files. */
static cairn_status diff_side(struct differ *df, const git_tree_entry *old,
			      const git_tree_entry *new, int depth, cairn_error *err)
{
	const git_tree_entry *e = old ? old : new;
	git_tree *sub = NULL;
	size_t keep = df->path.len;
	bool folder = git_tree_entry_filemode_raw(e) == MODE_TREE;
	cairn_status st;

	if (!path_set(&df->path, keep, git_tree_entry_name(e), folder))
		return cairn_oom(err);
	if (!folder)
		st = add_delta(df, old, new, err);
	else if (git_tree_lookup(&sub, df->g->repo, git_tree_entry_id(e)) != 0)
		st = gfail(err, CAIRN_ECORRUPT, "%s: cannot read this folder's tree; run "
			   "`git fsck`", df->path.data);
	else
		st = diff_trees(df, old ? sub : NULL, old ? NULL : sub, depth + 1, err);
	git_tree_free(sub);
	df->path.len = keep;
	df->path.data[keep] = '\0';
	return st;
}

/* Both sides hold the name. */
static cairn_status diff_both(struct differ *df, const git_tree_entry *ea,
			      const git_tree_entry *eb, int depth, cairn_error *err)
{
	unsigned ma = git_tree_entry_filemode_raw(ea), mb = git_tree_entry_filemode_raw(eb);
	git_tree *ta = NULL, *tb = NULL;
	size_t keep = df->path.len;
	cairn_status st;

	if ((ma == MODE_TREE) != (mb == MODE_TREE)) {
		if ((st = diff_side(df, ea, NULL, depth, err)) != CAIRN_OK)
			return st;
		return diff_side(df, NULL, eb, depth, err);
	}
	/* Equal ids mean equal contents: this is what keeps a diff
	 * proportional to the change, not to the workbook. */
	if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) && ma == mb)
		return CAIRN_OK;
	if (!path_set(&df->path, keep, git_tree_entry_name(ea), ma == MODE_TREE))
		return cairn_oom(err);
	if (ma != MODE_TREE)
		st = add_delta(df, ea, eb, err);
	else if (git_tree_lookup(&ta, df->g->repo, git_tree_entry_id(ea)) != 0 ||
		 git_tree_lookup(&tb, df->g->repo, git_tree_entry_id(eb)) != 0)
		st = gfail(err, CAIRN_ECORRUPT, "%s: cannot read this folder's tree; run "
			   "`git fsck`", df->path.data);
	else
		st = diff_trees(df, ta, tb, depth + 1, err);
	git_tree_free(ta);
	git_tree_free(tb);
	df->path.len = keep;
	df->path.data[keep] = '\0';
	return st;
}

/* Merge the two sorted entry lists; a NULL tree is empty. */
static cairn_status diff_trees(struct differ *df, const git_tree *a, const git_tree *b,
			       int depth, cairn_error *err)
{
	size_t i = 0, j = 0, na = a ? git_tree_entrycount(a) : 0;
	size_t nb = b ? git_tree_entrycount(b) : 0;
	cairn_status st = CAIRN_OK;

	if (depth > MAX_TREE_DEPTH)
		return cairn_fail(err, CAIRN_ECORRUPT, "%s: folders nested more than %d deep; "
				  "refuse this commit", cairn_buf_str(&df->path), MAX_TREE_DEPTH);
	while ((i < na || j < nb) && st == CAIRN_OK) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);

		if (ea && c <= 0)
			st = check_entry(a, i, cairn_buf_str(&df->path), err);
		if (st == CAIRN_OK && eb && c >= 0)
			st = check_entry(b, j, cairn_buf_str(&df->path), err);
		if (st != CAIRN_OK)
			break;
		if (c < 0)
			st = diff_side(df, ea, NULL, depth, err), i++;
		else if (c > 0)
			st = diff_side(df, NULL, eb, depth, err), j++;
		else
			st = diff_both(df, ea, eb, depth, err), i++, j++;
	}
	return st;
}

cairn_status cairn_git_diff(cairn_git *git, const cairn_oid *old_commit,
			    const cairn_oid *new_commit, cairn_git_delta **out, size_t *n,
			    cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	struct differ df = { git, CAIRN_BUF_INIT, NULL, 0, 0 };
	git_tree *a = NULL, *b = NULL;
	cairn_status st = CAIRN_OK;

	*out = NULL;
	*n = 0;
	if (old_commit && old_commit->hex[0])
		st = commit_tree(git, old_commit, &a, err);
	if (st == CAIRN_OK && new_commit && new_commit->hex[0])
		st = commit_tree(git, new_commit, &b, err);
	/* path.data must exist (as "") before the top level is walked. */
	cairn_buf_add(&df.path, "", 0);
	if (st == CAIRN_OK && df.path.oom)
		st = cairn_oom(err);
	if (st == CAIRN_OK)
		st = diff_trees(&df, a, b, 0, err);
	git_tree_free(a);
	git_tree_free(b);
	cairn_buf_done(&df.path);
	if (st != CAIRN_OK) {
		cairn_git_deltas_free(df.d, df.n);
		return st;
	}
	*out = df.d;
	*n = df.n;
	return CAIRN_OK;
}

void cairn_git_deltas_free(cairn_git_delta *d, size_t n)
{
	size_t i;

	for (i = 0; d && i < n; i++)
		free(d[i].path);
	free(d);
}

/* ---- history ---- */

cairn_status cairn_git_is_ancestor(cairn_git *git, const cairn_oid *ancestor,
				   const cairn_oid *commit, bool *yes, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid a, c;
	cairn_status st;
	int rc;

	*yes = false;
	/* The unborn branch comes before every commit. */
	if (!ancestor->hex[0]) {
		*yes = true;
		return CAIRN_OK;
	}
	if (!commit->hex[0])
		return CAIRN_OK;
	if ((st = parse_oid(&a, ancestor, "ancestor", err)) != CAIRN_OK ||
	    (st = parse_oid(&c, commit, "commit", err)) != CAIRN_OK)
		return st;
	if (git_oid_equal(&a, &c)) {
		*yes = true;
		return CAIRN_OK;
	}
	rc = git_graph_descendant_of(git->repo, &c, &a);
	if (rc < 0)
		return gfail(err, rc == GIT_ENOTFOUND ? CAIRN_ENOTFOUND : CAIRN_ECORRUPT,
			     "%s: cannot walk the history between %.12s and %.12s",
			     git->gitdir, ancestor->hex, commit->hex);
	*yes = rc == 1;
	return CAIRN_OK;
}

/* ---- git's index and status ---- */

cairn_status cairn_git_sync_index(cairn_git *git, const char *const *paths, size_t n,
				  cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_index *index = NULL;
	cairn_status st = CAIRN_OK;
	char lock[4096];
	size_t i;
	int rc, attempt;

	if (git_repository_index(&index, git->repo) != 0)
		return gfail(err, CAIRN_EIO, "%sindex: cannot open git's index", git->gitdir);
	if (git_index_read(index, 0) != 0) {
		st = gfail(err, CAIRN_EIO, "%sindex: cannot read git's index", git->gitdir);
		goto done;
	}
	for (i = 0; i < n && st == CAIRN_OK; i++) {
		char full[4096];
		struct stat sb;

		if ((st = check_path(paths[i], err)) != CAIRN_OK)
			break;
		snprintf(full, sizeof full, "%s%s", git->workdir, paths[i]);
		if (lstat(full, &sb) != 0) {
			if (errno != ENOENT)
				st = cairn_fail(err, CAIRN_EIO, "%s: %s", full, strerror(errno));
			else if (git_index_remove_bypath(index, paths[i]) != 0)
				st = gfail(err, CAIRN_EIO, "%s: cannot drop it from git's index", full);
		} else if (!S_ISREG(sb.st_mode)) {
			st = cairn_fail(err, CAIRN_EINPUT,
					"%s: not a regular file (a link or folder cairn did not "
					"make); move it away", full);
		} else if (git_index_add_bypath(index, paths[i]) != 0) {
			st = gfail(err, CAIRN_EIO, "%s: cannot add it to git's index", full);
		}
	}
	if (st != CAIRN_OK)
		goto done;
	snprintf(lock, sizeof lock, "%sindex.lock", git->gitdir);
	for (attempt = 0; attempt < 2; attempt++) {
		rc = git_index_write(index);
		if (rc != GIT_ELOCKED || !remove_stale_lock(lock))
			break;
	}
	if (rc == GIT_ELOCKED)
		st = cairn_fail(err, CAIRN_EBUSY,
				"%s: another git process is using the index; try again in a "
				"moment (if none is running, remove this lock file)", lock);
	else if (rc != 0)
		st = gfail(err, CAIRN_EIO, "%sindex: cannot write git's index", git->gitdir);
done:
	git_index_free(index);
	return st;
}

cairn_status cairn_git_changed_files(cairn_git *git, char ***paths, size_t *n,
				     cairn_error *err)
{
	return cairn_git_changed_files_in(git, NULL, 0, paths, n, err);
}

cairn_status cairn_git_changed_files_in(cairn_git *git, const char *const *only, size_t nonly,
					char ***paths, size_t *n, cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_status_options opts;
	git_status_list *list = NULL;
	char **out = NULL;
	size_t i, count, k = 0;

	*paths = NULL;
	*n = 0;
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (only) {
		/* Only these files: a stat of each instead of the whole tree. */
		opts.pathspec.strings = (char **)only;
		opts.pathspec.count = nonly;
		opts.flags |= GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
		if (!nonly)
			return CAIRN_OK;
	}
	if (git_status_list_new(&list, git->repo, &opts) != 0)
		return gfail(err, CAIRN_EIO, "%s: cannot compare the files with git", git->workdir);
	count = git_status_list_entrycount(list);
	if (!(out = calloc(count ? count : 1, sizeof *out))) {
		git_status_list_free(list);
		return cairn_oom(err);
	}
	for (i = 0; i < count; i++) {
		const git_status_entry *s = git_status_byindex(list, i);
		const git_diff_delta *d = s->index_to_workdir ? s->index_to_workdir
			: s->head_to_index;
		const char *p;

		if (!d || s->status == GIT_STATUS_CURRENT || (s->status & GIT_STATUS_IGNORED))
			continue;
		p = d->new_file.path ? d->new_file.path : d->old_file.path;
		if (!p)
			continue;
		if (!(out[k] = dup_str(p))) {
			cairn_git_paths_free(out, k);
			git_status_list_free(list);
			return cairn_oom(err);
		}
		k++;
	}
	git_status_list_free(list);
	*paths = out;
	*n = k;
	return CAIRN_OK;
}

void cairn_git_paths_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}

/* ---- identity ---- */

static cairn_status get_string(git_config *cfg, const char *key, char **out,
			       cairn_error *err)
{
	const char *v = NULL;
	int rc = git_config_get_string(&v, cfg, key);

	*out = NULL;
	if (rc == GIT_ENOTFOUND)
		return CAIRN_OK;
	if (rc != 0)
		return gfail(err, CAIRN_EIO, "cannot read %s from git's configuration", key);
	if (!(*out = dup_str(v)))
		return cairn_oom(err);
	return CAIRN_OK;
}

cairn_status cairn_git_config_identity(cairn_git *git, char **name, char **email,
				       cairn_error *err)
{
	{
		cairn_status lazy = need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_config *cfg = NULL;
	cairn_status st;

	*name = *email = NULL;
	if (git_repository_config_snapshot(&cfg, git->repo) != 0)
		return gfail(err, CAIRN_EIO, "%s: cannot read git's configuration", git->gitdir);
	st = get_string(cfg, "user.name", name, err);
	if (st == CAIRN_OK)
		st = get_string(cfg, "user.email", email, err);
	if (st != CAIRN_OK) {
		free(*name);
		*name = NULL;
	}
	git_config_free(cfg);
	return st;
}
