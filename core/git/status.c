/* git's own index and the work tree's status through libgit2 (see
 * include/cairn/gitstore.h): the files cairn wrote put into git's index,
 * and the files that differ from it.  (The index file format cairn writes
 * itself is gitindex*.c.)
 */
#include "cairn/gitstore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "git/git_internal.h"


/* ---- git's index and status ---- */

cairn_status cairn_git_sync_index(cairn_git *git, const char *const *paths, size_t n,
				  cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_index *index = NULL;
	cairn_status st = CAIRN_OK;
	char lock[4096];
	size_t i;
	int rc, attempt;

	if (git_repository_index(&index, git->repo) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%sindex: cannot open git's index", git->gitdir);
	if (git_index_read(index, 0) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "%sindex: cannot read git's index", git->gitdir);
		goto done;
	}
	for (i = 0; i < n && st == CAIRN_OK; i++) {
		char full[4096];
		struct stat sb;

		if ((st = cairn_git_check_path(paths[i], err)) != CAIRN_OK)
			break;
		snprintf(full, sizeof full, "%s%s", git->workdir, paths[i]);
		if (lstat(full, &sb) != 0) {
			if (errno != ENOENT)
				st = cairn_fail(err, CAIRN_EIO, "%s: %s", full, strerror(errno));
			else if (git_index_remove_bypath(index, paths[i]) != 0)
				st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot drop it from git's index", full);
		} else if (!S_ISREG(sb.st_mode)) {
			st = cairn_fail(err, CAIRN_EINPUT,
					"%s: not a regular file (a link or folder cairn did not "
					"make); move it away", full);
		} else if (git_index_add_bypath(index, paths[i]) != 0) {
			st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot add it to git's index", full);
		}
	}
	if (st != CAIRN_OK)
		goto done;
	snprintf(lock, sizeof lock, "%sindex.lock", git->gitdir);
	for (attempt = 0; attempt < 2; attempt++) {
		rc = git_index_write(index);
		if (rc != GIT_ELOCKED || !cairn_git_remove_stale_lock(lock))
			break;
	}
	if (rc == GIT_ELOCKED)
		st = cairn_fail(err, CAIRN_EBUSY,
				"%s: another git process is using the index; try again in a "
				"moment (if none is running, remove this lock file)", lock);
	else if (rc != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "%sindex: cannot write git's index", git->gitdir);
done:
	git_index_free(index);
	return st;
}

void cairn_git_cache_off(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
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
		cairn_status lazy = cairn_git_need_repo(git, err);
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
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot compare the files with git", git->workdir);
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
		if (!(out[k] = cairn_git_dup_str(p))) {
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

/* ---- line ends ---- */

cairn_status cairn_git_clean_text(cairn_git *git, const char *path, const char *data, size_t len,
				  char **out, size_t *outlen, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_filter_list *fl = NULL;
	git_buf buf = { NULL, 0, 0 };
	cairn_status st = CAIRN_OK;

	*out = NULL;
	*outlen = 0;
	if (!repo)
		return err->code;
	if (git_filter_list_load(&fl, repo, NULL, path, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot read git's line-end settings for it "
				      "(core.autocrlf, .gitattributes)", path);
	if (!fl) {
		if (!(*out = malloc(len + 1)))
			return cairn_oom(err);
		memcpy(*out, data, len);
		(*out)[len] = '\0';
		*outlen = len;
		return CAIRN_OK;
	}
	if (git_filter_list_apply_to_buffer(&buf, fl, data, len) != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot apply git's line-end settings to it "
				    "(core.autocrlf, .gitattributes)", path);
	else if (!(*out = malloc(buf.size + 1)))
		st = cairn_oom(err);
	else {
		memcpy(*out, buf.ptr, buf.size);
		(*out)[buf.size] = '\0';
		*outlen = buf.size;
	}
	git_buf_dispose(&buf);
	git_filter_list_free(fl);
	return st;
}
