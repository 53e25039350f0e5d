/* The branch and HEAD (see include/cairn/gitstore.h): reading HEAD, from
 * git's files when it is plain, the upstream and what is ahead and
 * behind, moving the branch by compare-and-swap past the lock files that
 * dead processes left, the merge base and ancestry.  Apart from repo.c
 * because committing (commit.c) and git's index (status.c) build on the
 * branch and its locks, and repo.c needs neither.
 */
#include "cairn/gitstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "cairn/i18n.h"
#include "git/git_internal.h"


/* A lock file older than this was left by a process that died holding
 * it: git itself never holds a ref or index lock for seconds. */
#define STALE_LOCK_SECONDS 5

/* ---- the branch ---- */

/* HEAD is detached by a rebase git stopped: "git checkout main" would be
 * the wrong advice. */
static bool rebase_under_way(const cairn_git *g)
{
	char a[4096], b[4096];
	snprintf(a, sizeof a, "%srebase-merge", g->gitdir);
	snprintf(b, sizeof b, "%srebase-apply", g->gitdir);
	return access(a, F_OK) == 0 || access(b, F_OK) == 0;
}

/* The branch HEAD names ("refs/heads/main"): a new string. */
cairn_status cairn_git_head_branch(cairn_git *g, char **name, cairn_error *err)
{
	git_reference *head = NULL;
	const char *target;
	cairn_status st = CAIRN_OK;

	*name = NULL;
	if (git_reference_lookup(&head, g->repo, "HEAD") != 0)
		return cairn_git_fail(err, CAIRN_ECORRUPT, "%sHEAD: cannot read it", g->gitdir);
	target = git_reference_symbolic_target(head);
	if ((!target || strncmp(target, "refs/heads/", 11) != 0) && rebase_under_way(g))
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s: a plain `git rebase` has stopped there (on a conflict, or to let "
				"you edit): finish it with git (edit the files, `git add` them, `git "
				"rebase --continue`), or cancel it with `git rebase --abort`; cairn "
				"works on the branch again once the rebase is over", g->workdir);
	else if (!target || strncmp(target, "refs/heads/", 11) != 0)
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s: HEAD is detached (not on a branch); run `git checkout main` "
				"there first", g->workdir);
	else if (!(*name = cairn_git_dup_str(target)))
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

static cairn_status unshared(cairn_git *git, const char *remote_name, bool *has_upstream,
			     size_t *ahead, size_t *behind, cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid local, remote;
	char *branch, name[512];
	cairn_status st;

	*has_upstream = false;
	*ahead = *behind = 0;
	if ((st = cairn_git_head_branch(git, &branch, err)) != CAIRN_OK)
		return st;
	/* The upstream as git names it: branch.NAME.remote and .merge.  Read
	 * here rather than through git_branch_upstream_name, whose refspec
	 * matching in Debian's libgit2 1.5.1 leaks PCRE2 match data on every
	 * call (LeakSanitizer sees 20 kB per call), and the terminal interface
	 * asks after every save.  No upstream (no remote yet, or never pushed
	 * with -u): nothing to compare. */
	if ((remote_name ? (size_t)snprintf(name, sizeof name, "refs/remotes/%s/%s", remote_name,
					    branch + 11) < sizeof name && !strncmp(branch, "refs/heads/", 11)
	     : upstream_of(git, branch, name, sizeof name)) &&
	    git_reference_name_to_id(&remote, git->repo, name) == 0 &&
	    git_reference_name_to_id(&local, git->repo, branch) == 0) {
		if (git_graph_ahead_behind(ahead, behind, git->repo, &local, &remote) == 0)
			*has_upstream = true;
		else if (cairn_git_is_shallow(git))
			*ahead = *behind = 0;   /* libgit2 stops at the missing parents:
						 * not known until a sync makes it whole */
		else
			st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot compare with %s", branch, name);
	}
	free(branch);
	return st;
}

cairn_status cairn_git_unshared(cairn_git *git, bool *has_upstream, size_t *ahead,
				size_t *behind, cairn_error *err)
{
	return unshared(git, NULL, has_upstream, ahead, behind, err);
}

cairn_status cairn_git_unshared_with(cairn_git *git, const char *remote, bool *has_tracking,
				     size_t *ahead, size_t *behind, cairn_error *err)
{
	return unshared(git, remote, has_tracking, ahead, behind, err);
}

/* Read a small file of the git folder into buf, NUL-terminated. */
static bool read_git_file(const char *dir, const char *name, char *buf, size_t n)
{
	char path[PATH_MAX];
	FILE *f;
	size_t got;

	if ((size_t)snprintf(path, sizeof path, "%s%s", dir, name) >= sizeof path ||
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

	if (!read_git_file(g->gitdir, "HEAD", text, sizeof text) || strncmp(text, "ref: refs/heads/", 16))
		return false;
	if ((nl = strchr(text, '\n')))
		*nl = '\0';
	if (strstr(text, "..") || strlen(text + 5) >= sizeof ref)
		return false;
	memcpy(ref, text + 5, strlen(text + 5) + 1);
	if (read_git_file(g->commondir, ref, text, sizeof text)) {
		if (strlen(text) != 41 || !is_hex40(text) || text[40] != '\n')
			return false;
		memcpy(head->hex, text, 40);
		head->hex[40] = '\0';
		return true;
	}
	if ((size_t)snprintf(path, sizeof path, "%spacked-refs", g->commondir) >= sizeof path)
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
		cairn_status lazy = cairn_git_need_repo(git, err);
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
		cairn_git_hex_of(root, &id);
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
	if ((st = cairn_git_need_repo(git, err)) != CAIRN_OK)
		return st;
	if ((st = cairn_git_head_branch(git, &branch, err)) != CAIRN_OK)
		return st;
	rc = git_reference_name_to_id(&id, git->repo, branch);
	if (rc == 0)
		cairn_git_hex_of(head, &id);
	else if (rc != GIT_ENOTFOUND)
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "%s%s: cannot read the branch", git->commondir, branch);
	free(branch);
	return st;
}

/* Remove path if it is a lock file older than STALE_LOCK_SECONDS. */
bool cairn_git_remove_stale_lock(const char *path)
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
 * while PID is gone is the dead cairn's, and is removed at once.  A fetch
 * cannot know the id beforehand, so it notes the ref it may lock instead
 * ("ref refs/remotes/origin/main"): a lock on that ref made after the note
 * by a cairn now gone is its.  Any other lock is left alone until it is
 * stale by age (git's own). */
static void ref_marker_path(const cairn_git *g, long pid, char *out, size_t n)
{
	snprintf(out, n, "%scairn-ref.%ld", g->commondir, pid);
}

/* A shared repository may be a folder several machines mount: a push's
 * note names its machine as well, and only a note of this machine's is
 * judged by whether its process is gone. */
static void push_marker_prefix(char *out, size_t n)
{
	char host[256];

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == '.')
			*h = '_';
	snprintf(out, n, "cairn-push.%s.", host);
}

static void push_marker_path(const char *gitdir, long pid, char *out, size_t n)
{
	char prefix[300];

	push_marker_prefix(prefix, sizeof prefix);
	snprintf(out, n, "%s%s%ld", gitdir, prefix, pid);
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

/* The notes in dir are named prefix + PID. */
static bool remove_dead_lock_in(const char *dir, const char *prefix, const char *lock)
{
	char held[128], noted[700], marker[4096], ref[700];
	size_t nd = strlen(dir), nl = strlen(lock), np = strlen(prefix);
	bool removed = false;
	struct dirent *de;
	struct stat lock_sb, marker_sb;
	DIR *d;

	if (!read_small(lock, held, sizeof held) || stat(lock, &lock_sb) != 0 || !(d = opendir(dir)))
		return false;
	/* "ref " and the ref the lock is for, as a fetch notes it */
	ref[0] = '\0';
	if (nl > nd + 5 && !strncmp(lock, dir, nd) && nl - nd - 5 + 4 < sizeof ref)
		snprintf(ref, sizeof ref, "ref %.*s", (int)(nl - nd - 5), lock + nd);
	while ((de = readdir(d))) {
		char *end;
		long pid;
		if (strncmp(de->d_name, prefix, np) != 0)
			continue;
		pid = strtol(de->d_name + np, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		snprintf(marker, sizeof marker, "%s%s", dir, de->d_name);
		/* The lock holds the id the dead cairn noted; or it is still
		 * empty (libgit2 writes the id last, after the reflog) and was
		 * made just after the note, as that cairn would have. */
		if (read_small(marker, noted, sizeof noted) && !removed &&
		    (!strcmp(noted, held) ||
		     (ref[0] && !strcmp(noted, ref) && stat(marker, &marker_sb) == 0 &&
		      lock_sb.st_mtime >= marker_sb.st_mtime) ||
		     (!held[0] && stat(marker, &marker_sb) == 0 &&
		      lock_sb.st_mtime >= marker_sb.st_mtime &&
		      lock_sb.st_mtime - marker_sb.st_mtime <= 2)))
			removed = unlink(lock) == 0;
		unlink(marker);         /* a dead cairn's note is no use to anyone */
	}
	closedir(d);
	return removed;
}

static bool remove_dead_cairns_lock(cairn_git *g, const char *lock)
{
	return remove_dead_lock_in(g->commondir, "cairn-ref.", lock);
}

/* A push to a shared folder killed while it moved the branch there leaves
 * the branch's lock in the shared repository, and every member's next
 * push would be refused on it: so the push notes the id it writes first,
 * as a save does, and a lock a dead cairn of this machine left is cleared
 * by the next push. */
void cairn_git_note_push(const char *gitdir, const git_oid *id)
{
	char marker[4096], hex[GIT_OID_HEXSZ + 1];
	FILE *f;

	push_marker_path(gitdir, (long)getpid(), marker, sizeof marker);
	git_oid_tostr(hex, sizeof hex, id);
	if ((f = fopen(marker, "w"))) {
		fprintf(f, "%s\n", hex);
		fclose(f);
	}
}

void cairn_git_forget_push_note(const char *gitdir)
{
	char marker[4096];

	push_marker_path(gitdir, (long)getpid(), marker, sizeof marker);
	unlink(marker);
}

bool cairn_git_clear_dead_push_lock(const char *gitdir, const char *lock)
{
	char prefix[300];

	push_marker_prefix(prefix, sizeof prefix);
	return remove_dead_lock_in(gitdir, prefix, lock);
}

/* A lock on ref that a dead cairn or a dead process left: removed, and
 * true.  Before a fetch, cairn_git_note_ref(g, ref) notes the ref it may
 * lock; cairn_git_forget_ref_note() takes the note away after. */
bool cairn_git_clear_dead_lock(cairn_git *g, const char *ref)
{
	char lock[4096];
	struct stat sb;

	snprintf(lock, sizeof lock, "%s%s.lock", g->commondir, ref);
	if (lstat(lock, &sb) != 0)
		return true;
	return remove_dead_cairns_lock(g, lock) || cairn_git_remove_stale_lock(lock);
}

void cairn_git_note_ref(cairn_git *g, const char *ref)
{
	char marker[4096];
	FILE *f;

	ref_marker_path(g, (long)getpid(), marker, sizeof marker);
	if ((f = fopen(marker, "w"))) {
		fprintf(f, "ref %s\n", ref);
		fclose(f);
	}
}

void cairn_git_forget_ref_note(cairn_git *g)
{
	char marker[4096];

	ref_marker_path(g, (long)getpid(), marker, sizeof marker);
	unlink(marker);
}

/* Compare-and-swap: move branch to id only if it is still at parent. */
cairn_status cairn_git_move_branch_cas(cairn_git *g, const char *branch, const git_oid *id,
				       const git_oid *parent, const char *message, cairn_error *err)
{
	char log[256], lock[4096], marker[4096], hex[GIT_OID_HEXSZ + 1];
	int attempt, rc = 0;
	FILE *f;

	summary_of(log, sizeof log, parent ? "commit: " : "commit (initial): ", message);
	snprintf(lock, sizeof lock, "%s%s.lock", g->commondir, branch);
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
		    !(remove_dead_cairns_lock(g, lock) || cairn_git_remove_stale_lock(lock)))
			break;
	}
	unlink(marker);
	if (rc == 0)
		return CAIRN_OK;
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ENOTFOUND)
		return cairn_fail(err, CAIRN_EMOVED,
				  "%s%s: the branch moved while saving (another cairn or git "
				  "committed first); re-read it and save again", g->commondir, branch);
	if (rc == GIT_ELOCKED)
		return cairn_fail(err, CAIRN_EBUSY,
				  _("%s%s is locked: another git process is updating the branch; "
				    "try again in a moment, and if no git is running, remove the "
				    "lock with: rm '%s'"), g->commondir, branch, lock);
	return cairn_git_fail(err, CAIRN_EIO, "%s%s: cannot move the branch", g->commondir, branch);
}

cairn_status cairn_git_move_branch(cairn_git *git, const cairn_oid *from, const cairn_oid *to,
				   const char *message, cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid from_id, to_id;
	char *branch = NULL;
	cairn_status st;

	if ((from && (st = cairn_git_parse_oid(&from_id, from, "commit", err))) ||
	    (st = cairn_git_parse_oid(&to_id, to, "commit", err)))
		return st;
	if ((st = cairn_git_head_branch(git, &branch, err)) != CAIRN_OK)
		return st;
	st = cairn_git_move_branch_cas(git, branch, &to_id, from ? &from_id : NULL, message, err);
	free(branch);
	return st;
}

/* fsync path, a file or a folder under the common git folder. */
static cairn_status fsync_path(const char *path, cairn_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0 && errno == ENOENT)
		return CAIRN_ENOTFOUND;
	if (fd >= 0) {
		while ((rc = fsync(fd)) != 0 && errno == EINTR)
			;
		close(fd);
	}
	return rc == 0 ? CAIRN_OK : cairn_fail(err, CAIRN_EIO, "%s: cannot flush it to disk: %s",
					       path, strerror(errno));
}

cairn_status cairn_git_sync_branch(cairn_git *git, cairn_error *err)
{
	char path[PATH_MAX], *branch = NULL, *slash;
	cairn_status st;

	if ((st = cairn_git_need_repo(git, err)) || (st = cairn_git_head_branch(git, &branch, err)))
		return st;
	snprintf(path, sizeof path, "%s%s", git->commondir, branch);
	free(branch);
	if ((st = fsync_path(path, err)) == CAIRN_ENOTFOUND) {
		/* A git gc running beside us packed the branch since it moved:
		 * packed-refs holds it now, and is the file to flush. */
		snprintf(path, sizeof path, "%spacked-refs", git->commondir);
		st = fsync_path(path, err);
	}
	if (st)
		return st;
	if ((slash = strrchr(path, '/')))
		*slash = '\0';
	return fsync_path(path, err);
}

cairn_status cairn_git_merge_base(cairn_git *git, const cairn_oid *a, const cairn_oid *b,
				  cairn_oid *base, cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid ia, ib, out;
	cairn_status st;
	int rc;

	base->hex[0] = '\0';
	if ((st = cairn_git_parse_oid(&ia, a, "commit", err)) || (st = cairn_git_parse_oid(&ib, b, "commit", err)))
		return st;
	/* libgit2 1.5.1 fails at a shallow clone's first missing parent (and
	 * leaks on the way out): a sync makes the history whole first, so
	 * only a dry run comes here, and it cannot tell. */
	if (cairn_git_is_shallow(git)) {
		/* One side ahead of the other (a fast-forward, or only ours
		 * to push) is known from what is held. */
		bool b_below_a = false, a_below_b = false;
		rc = -1;
		if (cairn_git_shallow_reaches(git, &ia, &ib, &b_below_a) == 0 && b_below_a)
			rc = 0, out = ib;
		else if (cairn_git_shallow_reaches(git, &ib, &ia, &a_below_b) == 0 && a_below_b)
			rc = 0, out = ia;
	} else {
		rc = git_merge_base(&out, git->repo, &ia, &ib);
	}
	if (rc == GIT_ENOTFOUND)
		return CAIRN_OK;        /* unrelated histories */
	if (rc != 0 && cairn_git_is_shallow(git))
		return cairn_fail(err, CAIRN_EINPUT, _("%s is a shallow clone and the common ancestor "
				  "lies past the history it holds: a `cairn sync` (not --dry-run) "
				  "fetches the whole history first, or run `git fetch --unshallow`"),
				  git->workdir);
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot find the common ancestor", git->gitdir);
	cairn_git_hex_of(base, &out);
	return CAIRN_OK;
}

/* ---- history ---- */

cairn_status cairn_git_is_ancestor(cairn_git *git, const cairn_oid *ancestor,
				   const cairn_oid *commit, bool *yes, cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
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
	if ((st = cairn_git_parse_oid(&a, ancestor, "ancestor", err)) != CAIRN_OK ||
	    (st = cairn_git_parse_oid(&c, commit, "commit", err)) != CAIRN_OK)
		return st;
	if (git_oid_equal(&a, &c)) {
		*yes = true;
		return CAIRN_OK;
	}
	rc = git_graph_descendant_of(git->repo, &c, &a);
	if (rc < 0)
		return cairn_git_fail(err, rc == GIT_ENOTFOUND ? CAIRN_ENOTFOUND : CAIRN_ECORRUPT,
				      "%s: cannot walk the history between %.12s and %.12s",
				      git->gitdir, ancestor->hex, commit->hex);
	*yes = rc == 1;
	return CAIRN_OK;
}
