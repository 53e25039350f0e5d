/* Completing a shallow clone's history (see core/git/remote.h).
 *
 * Debian's libgit2 1.5.1 cannot deepen a shallow clone: its fetch tells
 * the server it holds the history behind its own commits, so the server
 * never sends what `git clone --depth` left out, and its walks fail at
 * the first missing parent (a merge base, ahead and behind).  So a sync
 * in a shallow clone first fetches the branch whole into an empty
 * repository beside ours, which the server must then send everything,
 * holds every commit of it to the allow-list as a clone would, moves its
 * objects into ours and only then removes git's `shallow` file: killed
 * half-way, the workbook is still the shallow clone it was.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cairn/fs.h"
#include "cairn/i18n.h"
#include "git/incoming.h"
#include "git/transfer.h"

/* Move every object file of the folder `from` (a repository's objects/)
 * into `to`, packs before their indexes; one already there stays. */
static cairn_status move_objects(const char *from, const char *to, cairn_error *err)
{
	static const char *const pass_ext[] = { ".pack", ".idx" };
	char src[PATH_MAX], dst[PATH_MAX];
	struct dirent *de;
	DIR *d;

	/* Loose objects: objects/XX/REST. */
	if (!(d = opendir(from)))
		return cairn_fail(err, CAIRN_EIO, "%s: %s", from, strerror(errno));
	while ((de = readdir(d))) {
		DIR *sub;
		struct dirent *o;
		if (strlen(de->d_name) != 2 || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(src, sizeof src, "%s/%s", from, de->d_name) >= sizeof src ||
		    (size_t)snprintf(dst, sizeof dst, "%s/%s", to, de->d_name) >= sizeof dst ||
		    !(sub = opendir(src)))
			continue;
		mkdir(dst, 0755);
		while ((o = readdir(sub))) {
			char a[PATH_MAX + 64], b[PATH_MAX + 64];
			if (o->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(a, sizeof a, "%s/%s", src, o->d_name) >= sizeof a ||
			    (size_t)snprintf(b, sizeof b, "%s/%s", dst, o->d_name) >= sizeof b)
				continue;
			if (access(b, F_OK) != 0 && rename(a, b) != 0) {
				closedir(sub);
				closedir(d);
				return cairn_fail(err, CAIRN_EIO, _("cannot move %s into %s: %s"), a, dst,
						  strerror(errno));
			}
		}
		closedir(sub);
	}
	closedir(d);
	/* Packs, then their indexes: an index without its pack is never
	 * seen by a reader. */
	if ((size_t)snprintf(src, sizeof src, "%s/pack", from) >= sizeof src ||
	    (size_t)snprintf(dst, sizeof dst, "%s/pack", to) >= sizeof dst)
		return cairn_fail(err, CAIRN_EIO, _("%s: path too long"), from);
	for (int pass = 0; pass < 2; pass++) {
		if (!(d = opendir(src)))
			break;
		while ((de = readdir(d))) {
			char a[PATH_MAX + 300], b[PATH_MAX + 300];
			size_t n = strlen(de->d_name), e = strlen(pass_ext[pass]);
			if (n <= e || strcmp(de->d_name + n - e, pass_ext[pass]))
				continue;
			if ((size_t)snprintf(a, sizeof a, "%s/%s", src, de->d_name) >= sizeof a ||
			    (size_t)snprintf(b, sizeof b, "%s/%s", dst, de->d_name) >= sizeof b ||
			    rename(a, b) != 0) {
				closedir(d);
				return cairn_fail(err, CAIRN_EIO, _("cannot move %s into %s: %s"), a, dst,
						  strerror(errno));
			}
		}
		closedir(d);
	}
	return CAIRN_OK;
}

/* A sync killed while it fetched leaves its folder: gone once it is an
 * hour old (a sync still running in another worktree is younger). */
static void remove_stale(const char *commondir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(commondir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "cairn-unshallow.", 16) &&
		    (size_t)snprintf(path, sizeof path, "%s%s", commondir, de->d_name) < sizeof path &&
		    lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && time(NULL) - sb.st_mtime > 3600)
			cairn_fs_remove_tree(path);
	closedir(d);
}

/* Every boundary commit of ours is in what came. */
static bool covers(cairn_git *git, git_repository *theirs)
{
	char path[PATH_MAX], line[128];
	git_odb *odb = NULL;
	bool all = true;
	FILE *f;

	snprintf(path, sizeof path, "%sshallow", cairn_git_commondir(git));
	if (git_repository_odb(&odb, theirs) != 0 || !(f = fopen(path, "r"))) {
		git_odb_free(odb);
		return false;
	}
	while (all && fgets(line, sizeof line, f)) {
		git_oid id;
		line[strcspn(line, "\r\n")] = '\0';
		all = git_oid_fromstr(&id, line) == 0 && git_odb_exists(odb, &id);
	}
	fclose(f);
	git_odb_free(odb);
	return all;
}

cairn_status cairn_git_unshallow(cairn_git *git, const char *remote, const cairn_net *net,
				 size_t *commits, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err), *tmp = NULL;
	git_remote *mine = NULL, *r = NULL;
	git_fetch_options opts;
	git_revwalk *walk = NULL;
	git_oid tip, *ids = NULL;
	git_odb *odb = NULL;
	char dir[PATH_MAX], objects[PATH_MAX + 16], ours[PATH_MAX + 16], shallow[PATH_MAX + 16];
	char branch[256], spec[700], ref[300];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	creds c;
	cairn_status st = CAIRN_OK;

	*commits = 0;
	if (!repo)
		return err->code;
	if (!cairn_git_branch_short(repo, branch, sizeof branch))
		return cairn_fail(err, CAIRN_EINPUT, _("HEAD is not on a branch: run `git checkout main`"));
	if (git_remote_lookup(&mine, repo, remote) != 0)
		return cairn_fail(err, CAIRN_ENOTFOUND, _("there is no remote '%s'"), remote);
	remove_stale(cairn_git_commondir(git));
	if ((size_t)snprintf(dir, sizeof dir, "%scairn-unshallow.XXXXXX", cairn_git_commondir(git)) >=
	    sizeof dir || !mkdtemp(dir)) {
		git_remote_free(mine);
		return cairn_fail(err, CAIRN_EIO, "%s: %s", dir, strerror(errno));
	}
	if (git_repository_init(&tmp, dir, 1) != 0 ||
	    git_remote_create_anonymous(&r, tmp, git_remote_url(mine)) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot make a repository in %s"), dir);
		goto done;
	}
	if ((st = xfer_creds_init(&c, net, repo, git_remote_url(mine), err)))
		goto done;
	if (strcmp(c.url, git_remote_url(mine)) && git_remote_set_instance_url(r, c.url) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot connect to %s"), c.url);
		goto done;
	}
	snprintf(ref, sizeof ref, "refs/heads/%s", branch);
	snprintf(spec, sizeof spec, "+%s:%s", ref, ref);
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	xfer_callbacks(&opts.callbacks, &c);
	xfer_watch_start(&c);
	if (git_remote_fetch(r, &refspecs, &opts, NULL) != 0) {
		xfer_watch_pause(&c);
		st = xfer_fail(err, &c, _("cannot fetch the whole history from"), remote);
		xfer_watch_stop(&c);
		goto done;
	}
	xfer_watch_stop(&c);
	if (git_reference_name_to_id(&tip, tmp, ref) != 0 || !covers(git, tmp)) {
		st = cairn_fail(err, CAIRN_EINPUT, _("this workbook is a shallow clone and %s's branch "
				"%s does not hold the history it lacks, so the merge cannot find the "
				"common ancestor: run `git fetch --unshallow` (or make a full clone with "
				"`cairn clone`), then sync again"), remote, branch);
		goto done;
	}
	/* As a clone would: every commit held to the allow-list. */
	if (cairn_git_walk_oldest_first(&walk, tmp) != 0 || git_revwalk_push(walk, &tip) != 0 ||
	    cairn_git_walk_ids(walk, &ids, commits) != 0) {
		st = cairn_git_fail(err, CAIRN_ECORRUPT, _("cannot walk the history %s sent"), remote);
		goto done;
	}
	if ((st = cairn_git_check_commits(git, remote, tmp, ids, *commits, NULL, NULL, NULL, err)))
		goto done;
	snprintf(objects, sizeof objects, "%s/objects", dir);
	snprintf(ours, sizeof ours, "%sobjects", cairn_git_commondir(git));
	if ((st = move_objects(objects, ours, err)))
		goto done;
	snprintf(shallow, sizeof shallow, "%sshallow", cairn_git_commondir(git));
	if (unlink(shallow) != 0 && errno != ENOENT) {
		st = cairn_fail(err, CAIRN_EIO, _("cannot remove %s: %s"), shallow, strerror(errno));
		goto done;
	}
	cairn_git_forget_shallow(git);
	if (git_repository_odb(&odb, repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
done:
	free(ids);
	git_revwalk_free(walk);
	git_remote_free(r);
	git_remote_free(mine);
	git_repository_free(tmp);
	cairn_fs_remove_tree(dir);
	if (st != CAIRN_OK)
		*commits = 0;
	return st;
}
