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
#include <unistd.h>

#include "cairn/i18n.h"
#include "git/incoming.h"

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
	if ((st = gitpack_new(&pack, cairn_git_gitdir(git), err)) ||
	    (st = cairn_git_check_commits(git, remote, src, ids, n, pack,
					  net ? net->progress : NULL, net ? net->ctx : NULL,
					  err)) ||
	    (st = gitpack_write(pack, err)))
		goto done;
	if (git_repository_odb(&have, repo) != 0 || git_odb_refresh(have) != 0 ||
	    git_reference_create(&moved, repo, tracking, &tip, 1, "fetch: from a folder") != 0) {
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

/* A fetch killed while it moved the remote-tracking ref leaves that ref's
 * lock, and every later fetch would fail on it.  cairn fetches under the
 * workbook's lock, so the lock is a plain `git fetch` running now or a
 * dead process's: removed at once if a dead cairn's fetch noted that ref
 * (cairn_git_note_ref), or once it is stale by age, else named with the
 * command that removes it. */
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
	char name[300], tracking[600];
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
	if (commits_lacking(repo, theirs, &ours, name, &ids, &n) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot push to %s: our history cannot be read"), remote);
		goto done;
	}
	if ((st = gitpack_new(&pack, git_repository_path(theirs), err)) ||
	    (st = cairn_git_pack_commits(git, remote, ids, n, pack, c->net->progress,
					 c->net->ctx, err)) ||
	    (st = gitpack_write(pack, err)))
		goto done;
	/* Another push holds the branch's lock for a moment: wait for it
	 * (up to 2 s; a lock left by a killed process is then reported). */
	for (int tries = 0;; tries++) {
		rc = have_expected
			? git_reference_create_matching(&moved, theirs, name, &ours, 1, &expected,
							"cairn sync: push")
			: git_reference_create(&moved, theirs, name, &ours, 0, "cairn sync: push");
		git_reference_free(moved);
		moved = NULL;
		if (rc != GIT_ELOCKED || tries >= 100)
			break;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		*rejected = true;       /* someone pushed since our fetch */
	else if (rc == GIT_ELOCKED)
		st = cairn_fail(err, CAIRN_EBUSY, _("%s in the shared repository %s stays locked: if no "
				"one is pushing, a killed push left %s.lock there; remove it"), name,
				folder, name);
	else if (rc != 0)
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot move %s in the shared repository"), name);
done:
	gitpack_free(pack);
	free(ids);
	git_repository_free(theirs);
	return st;
}

