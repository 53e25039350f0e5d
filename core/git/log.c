/* Walking history (see core/git/log.h). */
#include "git/log.h"

#include <stdlib.h>
#include <string.h>

#include "git/git_internal.h"

static void fill_info(git_commit *c, cairn_git_commit_info *info)
{
	const git_signature *a = git_commit_author(c);

	memset(info, 0, sizeof *info);
	git_oid_tostr(info->id.hex, sizeof info->id.hex, git_commit_id(c));
	info->nparents = git_commit_parentcount(c);
	if (info->nparents > CAIRN_GIT_MAX_PARENTS)
		info->nparents = CAIRN_GIT_MAX_PARENTS;
	for (size_t i = 0; i < info->nparents; i++)
		git_oid_tostr(info->parent[i].hex, sizeof info->parent[i].hex,
			      git_commit_parent_id(c, (unsigned)i));
	info->author_name = a && a->name ? a->name : "";
	info->author_email = a && a->email ? a->email : "";
	info->when = a ? (long long)a->when.time : 0;
	info->tz_minutes = a ? a->when.offset : 0;
	info->message = git_commit_message(c) ? git_commit_message(c) : "";
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const cairn_git_delta *)a)->path, ((const cairn_git_delta *)b)->path);
}

/* The files a commit changed: against its parent, or for a merge those
 * that differ from every parent. */
static cairn_status changes_of(cairn_git *git, const cairn_git_commit_info *info,
			       cairn_git_delta **out, size_t *n, cairn_error *err)
{
	cairn_git_delta *d = NULL;
	size_t nd = 0;
	cairn_status st = cairn_git_diff(git, info->nparents ? &info->parent[0] : NULL, &info->id,
					 &d, &nd, err);

	for (size_t p = 1; p < info->nparents && st == CAIRN_OK && nd; p++) {
		cairn_git_delta *o = NULL;
		size_t no = 0, keep = 0;
		if ((st = cairn_git_diff(git, &info->parent[p], &info->id, &o, &no, err)))
			break;
		/* Keep what both name (git's tree order is not strcmp's). */
		qsort(d, nd, sizeof *d, by_path);
		if (no)
			qsort(o, no, sizeof *o, by_path);
		for (size_t i = 0, j = 0; i < nd; i++) {
			int cmp = 1;
			while (j < no && (cmp = strcmp(o[j].path, d[i].path)) < 0)
				j++;
			if (j < no && cmp == 0)
				d[keep++] = d[i];
			else
				free(d[i].path);
		}
		nd = keep;
		cairn_git_deltas_free(o, no);
	}
	if (st != CAIRN_OK) {
		cairn_git_deltas_free(d, nd);
		return st;
	}
	*out = d;
	*n = nd;
	return CAIRN_OK;
}

static cairn_status visit(cairn_git *git, git_repository *repo, const git_oid *id,
			  bool with_changes, cairn_git_walk_fn fn, void *ctx, bool *stop,
			  cairn_error *err)
{
	git_commit *c = NULL;
	cairn_git_commit_info info;
	cairn_git_delta *d = NULL;
	size_t n = 0;
	cairn_status st;
	char hex[41];

	if (git_commit_lookup(&c, repo, id) != 0) {
		git_oid_tostr(hex, sizeof hex, id);
		return cairn_git_fail(err, CAIRN_ECORRUPT, "cannot read commit %.12s", hex);
	}
	fill_info(c, &info);
	st = with_changes ? changes_of(git, &info, &d, &n, err) : CAIRN_OK;
	if (st == CAIRN_OK)
		st = fn(&info, d, n, stop, ctx, err);
	cairn_git_deltas_free(d, n);
	git_commit_free(c);
	return st;
}

cairn_status cairn_git_walk(cairn_git *git, const cairn_oid *from, const cairn_oid *hide,
			    bool with_changes, cairn_git_walk_fn fn, void *ctx, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_revwalk *walk = NULL;
	git_oid id;
	cairn_status st = CAIRN_OK;
	bool stop = false;

	if (!repo)
		return err->code;
	if (!from || !from->hex[0])
		return CAIRN_OK;
	if (git_revwalk_new(&walk, repo) != 0)
		return cairn_git_fail(err, CAIRN_ECORRUPT, "cannot walk the history from %.12s",
				      from->hex);
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_oid_fromstr(&id, from->hex) != 0 || git_revwalk_push(walk, &id) != 0)
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "cannot walk the history from %.12s",
				    from->hex);
	if (st == CAIRN_OK && hide && hide->hex[0] &&
	    (git_oid_fromstr(&id, hide->hex) != 0 || git_revwalk_hide(walk, &id) != 0))
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "cannot walk the history up to %.12s",
				    hide->hex);
	while (st == CAIRN_OK && !stop) {
		int rc = git_revwalk_next(&id, walk);
		if (rc == GIT_ITEROVER)
			break;
		if (rc != 0) {
			st = cairn_git_fail(err, CAIRN_ECORRUPT, "cannot walk the history from %.12s",
					    from->hex);
			break;
		}
		st = visit(git, repo, &id, with_changes, fn, ctx, &stop, err);
	}
	git_revwalk_free(walk);
	return st;
}

cairn_status cairn_git_commit_info_of(cairn_git *git, const cairn_oid *id, cairn_git_walk_fn fn,
				      void *ctx, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_oid oid;
	bool stop = false;

	if (!repo)
		return err->code;
	if (git_oid_fromstr(&oid, id->hex) != 0)
		return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a commit id", id->hex);
	return visit(git, repo, &oid, false, fn, ctx, &stop, err);
}

cairn_status cairn_git_revision(cairn_git *git, const char *rev, cairn_oid *out, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_object *obj = NULL, *commit = NULL;
	cairn_status st = CAIRN_OK;

	out->hex[0] = '\0';
	if (!repo)
		return err->code;
	if (git_revparse_single(&obj, repo, rev) != 0 ||
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) != 0)
		st = cairn_fail(err, CAIRN_ENOTFOUND, "'%s' names no commit here (a commit id, HEAD~2, "
				"origin/main...)", rev);
	else
		git_oid_tostr(out->hex, sizeof out->hex, git_object_id(commit));
	git_object_free(commit);
	git_object_free(obj);
	return st;
}

int cairn_git_walk_oldest_first(git_revwalk **walk, git_repository *repo)
{
	int rc = git_revwalk_new(walk, repo);

	if (rc == 0 && (rc = git_revwalk_sorting(*walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE))) {
		git_revwalk_free(*walk);
		*walk = NULL;
	}
	return rc;
}

int cairn_git_walk_ids(git_revwalk *walk, git_oid **ids, size_t *n)
{
	git_oid id;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		if (*n == cap) {
			git_oid *v = realloc(*ids, (cap = cap ? 2 * cap : 256) * sizeof *v);
			if (!v) {
				git_error_set_oom();
				return -1;
			}
			*ids = v;
		}
		(*ids)[(*n)++] = id;
	}
	return rc == GIT_ITEROVER ? 0 : rc;
}
