/* Remotes (see core/git/remote.h): listing, adding and removing
 * them, the default one, the tracking ref of the branch, and the merge
 * driver plain git uses on records.  Everything that talks to another
 * repository (credentials, host keys, fetch, push, clone) is transfer.c,
 * which calls this file, never the reverse.
 */
#include "git/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"
#include "git/git_internal.h"

/* ---- remotes ---- */

cairn_status cairn_git_remote_add(cairn_git *git, const char *name, const char *url,
				  cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_remote *r = NULL;
	int rc, valid = 0;

	if (!repo)
		return err->code;
	if (git_remote_name_is_valid(&valid, name) != 0 || !valid)
		return cairn_fail(err, CAIRN_EINPUT, _("'%s' is not a remote name: use letters, digits "
				  "and - (origin, shared)"), name);
	rc = git_remote_create(&r, repo, name, url);
	git_remote_free(r);
	if (rc == GIT_EEXISTS)
		return cairn_fail(err, CAIRN_EEXISTS, _("there is a remote '%s' already (cairn remote "
				  "list)"), name);
	return rc ? cairn_git_fail(err, CAIRN_EINPUT, _("cannot add remote %s"), name) : CAIRN_OK;
}

cairn_status cairn_git_remote_remove(cairn_git *git, const char *name, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	int rc;

	if (!repo)
		return err->code;
	rc = git_remote_delete(repo, name);
	if (rc == GIT_ENOTFOUND)
		return cairn_fail(err, CAIRN_ENOTFOUND, _("there is no remote '%s' (cairn remote list)"),
				  name);
	return rc ? cairn_git_fail(err, CAIRN_EIO, _("cannot remove remote %s"), name) : CAIRN_OK;
}

cairn_status cairn_git_remotes(cairn_git *git, cairn_remote_fn fn, void *ctx, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_strarray names = { NULL, 0 };
	cairn_status st = CAIRN_OK;

	if (!repo)
		return err->code;
	if (git_remote_list(&names, repo) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s", _("cannot list the remotes"));
	for (size_t i = 0; i < names.count && st == CAIRN_OK; i++) {
		git_remote *r = NULL;
		if (git_remote_lookup(&r, repo, names.strings[i]) == 0)
			st = fn(names.strings[i], git_remote_url(r) ? git_remote_url(r) : "", ctx, err);
		git_remote_free(r);
	}
	git_strarray_dispose(&names);
	return st;
}

/* The branch HEAD is on, short ("main"). */
bool cairn_git_branch_short(git_repository *repo, char *out, size_t n)
{
	git_reference *head = NULL;
	const char *t;
	bool ok = false;

	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    (t = git_reference_symbolic_target(head)) && !strncmp(t, "refs/heads/", 11)) {
		snprintf(out, n, "%s", t + 11);
		ok = true;
	}
	git_reference_free(head);
	return ok;
}

cairn_status cairn_git_default_remote(cairn_git *git, const char *name, char *out, size_t n,
				      cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_strarray names = { NULL, 0 };
	git_config *cfg = NULL;
	git_buf up = { NULL, 0, 0 };
	char branch[256], key[300];

	if (!repo)
		return err->code;
	out[0] = '\0';
	if (name) {
		git_remote *r = NULL;
		if (git_remote_lookup(&r, repo, name) != 0)
			return cairn_fail(err, CAIRN_ENOTFOUND, _("there is no remote '%s' (cairn remote "
					  "list)"), name);
		git_remote_free(r);
		snprintf(out, n, "%s", name);
		return CAIRN_OK;
	}
	if (cairn_git_branch_short(repo, branch, sizeof branch) &&
	    git_repository_config_snapshot(&cfg, repo) == 0) {
		snprintf(key, sizeof key, "branch.%s.remote", branch);
		if (git_config_get_string_buf(&up, cfg, key) == 0 && strcmp(up.ptr, "."))
			snprintf(out, n, "%s", up.ptr);
		git_buf_dispose(&up);
		git_config_free(cfg);
		if (out[0])
			return CAIRN_OK;
	}
	if (git_remote_list(&names, repo) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s", _("cannot list the remotes"));
	for (size_t i = 0; i < names.count; i++)
		if (!strcmp(names.strings[i], "origin") || names.count == 1)
			snprintf(out, n, "%s", names.strings[i]);
	git_strarray_dispose(&names);
	return CAIRN_OK;
}

cairn_status cairn_git_set_upstream(cairn_git *git, const char *remote, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_config *cfg = NULL;
	char branch[256], key[300], merge[300];
	int rc;

	if (!repo)
		return err->code;
	if (!cairn_git_branch_short(repo, branch, sizeof branch))
		return cairn_fail(err, CAIRN_EINPUT, _("HEAD is not on a branch: run `git checkout main`"));
	snprintf(key, sizeof key, "branch.%s.remote", branch);
	snprintf(merge, sizeof merge, "refs/heads/%s", branch);
	rc = git_repository_config(&cfg, repo);
	if (rc == 0)
		rc = git_config_set_string(cfg, key, remote);
	snprintf(key, sizeof key, "branch.%s.merge", branch);
	if (rc == 0)
		rc = git_config_set_string(cfg, key, merge);
	git_config_free(cfg);
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_EIO, _("cannot make %s the default remote of %s"),
				      remote, branch);
	return CAIRN_OK;
}

/* ---- the tracking ref ---- */

/* refs/remotes/REMOTE/BRANCH for the branch HEAD is on. */
bool cairn_git_tracking_ref(git_repository *repo, const char *remote, char *out, size_t n)
{
	char branch[256];

	if (!cairn_git_branch_short(repo, branch, sizeof branch))
		return false;
	return (size_t)snprintf(out, n, "refs/remotes/%s/%s", remote, branch) < n;
}

cairn_status cairn_git_set_tracking(cairn_git *git, const char *remote, const cairn_oid *to,
				    cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_reference *ref = NULL;
	char name[600];
	git_oid id;
	int rc;

	if (!repo)
		return err->code;
	if (!cairn_git_tracking_ref(repo, remote, name, sizeof name))
		return CAIRN_OK;
	if (!to->hex[0]) {
		rc = git_reference_remove(repo, name);
		rc = rc == GIT_ENOTFOUND ? 0 : rc;
	} else {
		rc = git_oid_fromstr(&id, to->hex);
		if (rc == 0)
			rc = git_reference_create(&ref, repo, name, &id, 1, "cairn: refused fetch undone");
		git_reference_free(ref);
	}
	return rc ? cairn_git_fail(err, CAIRN_EIO, _("cannot put back %s"), name) : CAIRN_OK;
}

/* ---- plain git merges records the way cairn does ---- */

cairn_status cairn_git_register_merge_driver(cairn_git *git, const char *program,
					     const char *const *folders, size_t nfolders,
					     cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_config *all = NULL, *local = NULL;
	cairn_buf driver = CAIRN_BUF_INIT, attrs = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	char *old = NULL;
	size_t oldlen = 0;
	cairn_status st = CAIRN_OK;
	FILE *f;
	int rc;

	if (!repo)
		return err->code;
	/* git runs the driver through the shell: the program is quoted. */
	cairn_buf_adds(&driver, "'");
	for (const char *p = program; *p; p++)
		cairn_buf_adds(&driver, *p == '\'' ? "'\\''" : (char[2]){ *p, 0 });
	cairn_buf_adds(&driver, "' merge-file %O %A %B %P");
	rc = git_repository_config(&all, repo);
	if (rc == 0)
		rc = git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL);
	if (rc == 0)
		rc = git_config_set_string(local, "merge.cairn.name",
					   "cairn: records merged field by field");
	if (rc == 0)
		rc = git_config_set_string(local, "merge.cairn.driver", cairn_buf_str(&driver));
	git_config_free(local);
	git_config_free(all);
	if (rc != 0) {
		st = cairn_fail(err, CAIRN_EIO, "cannot register cairn's merge driver in %sconfig",
				git_repository_path(repo));
		goto done;
	}
	/* .git/info/attributes, never a tracked .gitattributes: a member's
	 * attributes are their own business, and a remote's are refused. */
	cairn_buf_printf(&path, "%sinfo", git_repository_commondir(repo));
	mkdir(cairn_buf_str(&path), 0755);
	cairn_buf_adds(&path, "/attributes");
	if ((f = fopen(cairn_buf_str(&path), "r"))) {
		char chunk[4096];
		size_t n;
		cairn_buf b = CAIRN_BUF_INIT;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			cairn_buf_add(&b, chunk, n);
		fclose(f);
		old = cairn_buf_detach(&b, &oldlen);
	}
	for (size_t i = 0; i < nfolders; i++) {
		char line[128];
		snprintf(line, sizeof line, "/%s/** merge=cairn\n", folders[i]);
		if (!old || !strstr(old, line))
			cairn_buf_adds(&attrs, line);
	}
	if (attrs.len) {
		if (!(f = fopen(cairn_buf_str(&path), "a")) ||
		    fwrite(attrs.data, 1, attrs.len, f) != attrs.len) {
			st = cairn_fail(err, CAIRN_EIO, "cannot write %s", cairn_buf_str(&path));
			if (f)
				fclose(f);
		} else if (fclose(f) != 0) {
			st = cairn_fail(err, CAIRN_EIO, "cannot write %s", cairn_buf_str(&path));
		}
	}
done:
	free(old);
	cairn_buf_done(&driver);
	cairn_buf_done(&attrs);
	cairn_buf_done(&path);
	return st;
}
