/* Fetch from and push to a folder (see core/git/transfer.h), without
 * libgit2's local transport: the commits go as one pack written by cairn,
 * checked as they are read, and the branch moves by a compare-and-swap;
 * the folder's hooks run as git's own push runs them.
 */
#include "git/transfer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn/i18n.h"
#include "git/incoming.h"
#include "git/shared.h"

/* The folder of a remote that is one ("/srv/x.git", "../x", "file://..."),
 * or NULL for a network URL (ssh://, https://, user@host:path). */
const char *xfer_local_folder(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	if (!strncmp(url, "file://", 7))
		return url + 7;
	if (strstr(url, "://") || (colon && (!slash || colon < slash)))
		return NULL;
	return url;
}

/* The commits of src from tip that dest lacks, parents first: the walk
 * stops at dest's HEAD and at dest_ref (what we fetched before, or their
 * branch), where src has those too.  Fetching, dest is ours; pushing,
 * theirs.  Only what a ref reaches is whole, as git has it: a commit
 * object dest holds elsewhere (an interrupted plain `git fetch` writes
 * commits before their trees) is sent again, not trusted. */
static int commits_lacking(git_repository *src, git_repository *dest, const git_oid *tip,
			   const char *dest_ref, git_oid **ids, size_t *n)
{
	git_odb *theirs = NULL;
	git_revwalk *walk = NULL;
	git_oid id;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = git_repository_odb(&theirs, src)) ||
	    (rc = cairn_git_walk_oldest_first(&walk, src)) || (rc = git_revwalk_push(walk, tip)))
		goto done;
	if (git_reference_name_to_id(&id, dest, "HEAD") == 0 && git_odb_exists(theirs, &id))
		git_revwalk_hide(walk, &id);
	if (git_reference_name_to_id(&id, dest, dest_ref) == 0 && git_odb_exists(theirs, &id))
		git_revwalk_hide(walk, &id);
	rc = cairn_git_walk_ids(walk, ids, n);
done:
	git_revwalk_free(walk);
	git_odb_free(theirs);
	return rc;
}

/* A fetch from a folder without libgit2's transport, which packs the
 * objects there with a delta search over them all and then indexes the
 * pack again here: the commits we lack are read from the folder's own
 * repository, held to the allow-list as they are read (core/git/incoming.c),
 * and written here as one pack (core/git/pack.c); then the tracking branch
 * moves.  Nothing of a refused fetch is written.  *done is false when the
 * folder is no repository cairn can open: libgit2 then tries, and
 * explains. */
cairn_status xfer_fetch_from_folder(cairn_git *git, git_repository *repo, const char *remote,
				      const char *folder, const char *tracking,
				      const cairn_net *net, bool *done, cairn_error *err)
{
	git_repository *src = NULL;
	git_reference *moved = NULL;
	git_odb *have = NULL;
	git_oid tip, *ids = NULL;
	gitpack *pack = NULL;
	size_t n = 0;
	char theirs[600];
	const char *branch = tracking + strlen("refs/remotes/") + strlen(remote) + 1;
	cairn_shared ours;
	mode_t umask_was;
	cairn_status st = CAIRN_OK;
	int rc;

	*done = false;
	if (git_repository_open_ext(&src, folder, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		struct stat sb;
		/* libgit2 would say "unsupported URL protocol". */
		if (stat(folder, &sb) != 0 && (*done = true))
			return cairn_fail(err, CAIRN_ENOTFOUND, _("cannot fetch from %s: there is no "
					  "folder %s (`cairn remote list` shows the remotes; remove "
					  "this one and add it again with the right path)"), remote,
					  folder);
		return CAIRN_OK;
	}
	*done = true;
	snprintf(theirs, sizeof theirs, "refs/heads/%s", branch);
	if ((rc = git_reference_name_to_id(&tip, src, theirs)) == GIT_ENOTFOUND)
		goto done;      /* nothing pushed there yet */
	if (rc != 0 || commits_lacking(src, repo, &tip, tracking, &ids, &n) != 0) {
		st = cairn_git_fail(err, CAIRN_EINPUT, _("cannot fetch from %s: their branch cannot be read"),
				    remote);
		goto done;
	}
	if ((st = gitpack_new(&pack, cairn_git_commondir(git), err)) ||
	    (st = cairn_git_check_commits(git, remote, src, ids, n, pack,
					  net ? net->progress : NULL, net ? net->ctx : NULL,
					  err)) ||
	    (st = gitpack_write(pack, err)))
		goto done;
	/* Our own repository may be shared too: its ref as git would write it. */
	cairn_shared_read(&ours, cairn_git_commondir(git));
	umask_was = cairn_shared_enter(&ours);
	rc = git_repository_odb(&have, repo) != 0 || git_odb_refresh(have) != 0 ||
	     git_reference_create(&moved, repo, tracking, &tip, 1, "fetch: from a folder") != 0;
	cairn_shared_leave(umask_was);
	if (rc) {
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot move %s"), tracking);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (!cairn_git_mark_checked(git, &ids[i])) {
			st = cairn_oom(err);
			break;
		}
done:
	git_reference_free(moved);
	git_odb_free(have);
	gitpack_free(pack);
	free(ids);
	git_repository_free(src);
	return st;
}

/* A hook of the folder's repository, run as git's receive-pack runs it
 * for a push to a path: in the repository, GIT_DIR set, input on stdin,
 * what it prints (stdout and stderr) passed on as the server's lines.
 * 0 when there is no such hook or it exits 0; -1 when it refused. */
static int run_hook(creds *c, const char *gitdir, const char *hook, const char *input,
		    const char *const *args)
{
	char path[4096], buf[1024];
	const char *argv[6];
	int in[2], out[2], status = 0;
	size_t na = 0;
	ssize_t got;
	pid_t pid;

	snprintf(path, sizeof path, "%shooks/%s", gitdir, hook);
	if (access(path, X_OK) != 0)
		return 0;
	argv[na++] = path;
	for (; args && *args && na < 5; args++)
		argv[na++] = *args;
	argv[na] = NULL;
	if (pipe(in) != 0)
		return -1;
	if (pipe(out) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		if (chdir(gitdir) != 0)
			_exit(126);
		setenv("GIT_DIR", ".", 1);
		execv(path, (char *const *)argv);
		_exit(126);
	}
	close(in[0]);
	close(out[1]);
	/* The input is one line: it fits in the pipe, the hook reads it or
	 * not. */
	if (input && write(in[1], input, strlen(input)) < 0)
		status = -1;
	close(in[1]);
	while ((got = read(out[0], buf, sizeof buf)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		xfer_server_text(c, buf, (size_t)got);
	}
	xfer_server_text(c, "\n", 1);
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The first thing of the shared repository we may not write, in
 * c->denied; false when every one is writable. */
static bool denied(creds *c, const char *gitdir)
{
	static const char *const parts[] = { "objects", "objects/pack", "refs/heads" };
	char path[4096];

	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		snprintf(path, sizeof path, "%s%s", gitdir, parts[i]);
		if (access(path, W_OK) != 0 && errno != ENOENT) {
			snprintf(c->denied, sizeof c->denied, "%s", path);
			return true;
		}
	}
	return false;
}

/* libgit2's local transport checks that a push is a fast-forward against
 * the branch as it read it on connecting, then writes the branch with
 * force: two members pushing to one shared folder at the same moment
 * both "succeed", and the second push erases the first.  It also packs
 * with a delta search over every object.  So to a folder our commits go
 * as one pack written by cairn (core/git/pack.c), unreferenced until the
 * branch moves by a compare-and-swap under git's lock on it, from what we
 * last fetched; a push that loses the race leaves objects git gc
 * collects. */
cairn_status xfer_push_to_folder(cairn_git *git, git_repository *repo, const char *folder,
				   const char *remote, const char *branch, creds *c,
				   bool *rejected, cairn_error *err)
{
	char name[300], tracking[600], old[GIT_OID_HEXSZ + 1], new[GIT_OID_HEXSZ + 1], line[700];
	char lock[4096];
	const git_oid zero = { { 0 } };
	const char *gitdir, *hook;
	cairn_shared shared;
	mode_t umask_was;
	git_repository *theirs = NULL;
	git_reference *moved = NULL;
	git_oid ours, expected, *ids = NULL;
	gitpack *pack = NULL;
	size_t n = 0;
	bool have_expected;
	cairn_status st = CAIRN_OK;
	int rc;

	snprintf(name, sizeof name, "refs/heads/%s", branch);
	snprintf(tracking, sizeof tracking, "refs/remotes/%s/%s", remote, branch);
	if (git_reference_name_to_id(&ours, repo, name) != 0)
		return cairn_fail(err, CAIRN_EINPUT, _("branch %s has no commit to push"), branch);
	have_expected = git_reference_name_to_id(&expected, repo, tracking) == 0;
	if (git_repository_open_ext(&theirs, folder, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return xfer_fail(err, c, _("cannot push to"), remote);
	gitdir = git_repository_path(theirs);
	cairn_shared_read(&shared, gitdir);
	if (denied(c, gitdir)) {
		st = xfer_fail(err, c, _("cannot push to"), remote);
		goto done;
	}
	if (commits_lacking(repo, theirs, &ours, name, &ids, &n) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot push to %s: our history cannot be read"), remote);
		goto done;
	}
	if ((st = gitpack_new(&pack, gitdir, err)) ||
	    (st = cairn_git_pack_commits(git, remote, ids, n, pack, c->net->progress,
					 c->net->ctx, err)) ||
	    (st = gitpack_write(pack, err)))
		goto done;
	/* The shared repository's own rules, as git's push meets them: a
	 * hook that refuses leaves only the pack, which git gc collects. */
	git_oid_tostr(old, sizeof old, have_expected ? &expected : &zero);
	git_oid_tostr(new, sizeof new, &ours);
	snprintf(line, sizeof line, "%s %s %s\n", old, new, name);
	if ((hook = "pre-receive", run_hook(c, gitdir, hook, line, NULL)) != 0 ||
	    (hook = "update", run_hook(c, gitdir, hook, NULL,
				       (const char *const[]){ name, old, new, NULL })) != 0) {
		c->rejected = true;
		/* As git's receive-pack words it. */
		snprintf(c->refusal, sizeof c->refusal, "%s: %s hook declined", name, hook);
		st = xfer_fail(err, c, _("cannot push to"), remote);
		goto done;
	}
	/* Another push holds the branch's lock for a moment: wait for it
	 * (up to 2 s; a lock a dead cairn of this machine left is cleared at
	 * once, one any other process left is then reported). */
	umask_was = cairn_shared_enter(&shared);
	cairn_git_note_push(gitdir, &ours);
	snprintf(lock, sizeof lock, "%s%s.lock", gitdir, name);
	for (int tries = 0;; tries++) {
		rc = have_expected
			? git_reference_create_matching(&moved, theirs, name, &ours, 1, &expected,
							"cairn sync: push")
			: git_reference_create(&moved, theirs, name, &ours, 0, "cairn sync: push");
		git_reference_free(moved);
		moved = NULL;
		if (rc != GIT_ELOCKED || tries >= 100)
			break;
		if (!cairn_git_clear_dead_push_lock(gitdir, lock))
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	cairn_git_forget_push_note(gitdir);
	cairn_shared_leave(umask_was);
	if (rc == 0) {
		char path[4096];
		snprintf(path, sizeof path, "%s%s", gitdir, name);
		cairn_shared_apply(&shared, path);
		snprintf(path, sizeof path, "%slogs/%s", gitdir, name);
		cairn_shared_apply(&shared, path);
		(void)run_hook(c, gitdir, "post-receive", line, NULL);
		(void)run_hook(c, gitdir, "post-update", NULL, (const char *const[]){ name, NULL });
	}
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		*rejected = true;       /* someone pushed since our fetch */
	else if (rc == GIT_ELOCKED)
		st = cairn_fail(err, CAIRN_EBUSY, _("%s in the shared repository %s stays locked: if no "
				"one is pushing, a killed push left %s.lock there; remove it"), name,
				folder, name);
	else if (rc != 0 && denied(c, gitdir))
		st = xfer_fail(err, c, _("cannot push to"), remote);
	else if (rc != 0)
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot move %s in the shared repository"), name);
done:
	gitpack_free(pack);
	free(ids);
	git_repository_free(theirs);
	return st;
}

