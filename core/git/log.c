/* Walking history (see core/git/log.h). */
#include "git/log.h"

#include <limits.h>
#include <stdio.h>
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

/* The files c changed against its parent p: read in place during a
 * walk (log_diff.c), by cairn_git_diff when a tree is not plain (which
 * says what is wrong with it) or outside a walk. */
static cairn_status diff_parent(cairn_git *git, git_commit *c, const cairn_git_commit_info *info,
				size_t p, cairn_git_delta **out, size_t *n, cairn_error *err)
{
	const cairn_oid *parent = p < info->nparents ? &info->parent[p] : NULL;
	git_commit *pc = NULL;
	int rc = 1;

	if (git->walk_cache && c &&
	    (!parent || git_commit_lookup(&pc, git_commit_owner(c),
					  git_commit_parent_id(c, (unsigned)p)) == 0)) {
		rc = cairn_git_walk_diff(git->walk_cache, pc ? git_commit_tree_id(pc) : NULL,
					 git_commit_tree_id(c), out, n);
		git_commit_free(pc);
	}
	if (rc < 0)
		return cairn_oom(err);
	if (rc == 0)
		return CAIRN_OK;
	return cairn_git_diff(git, parent, &info->id, out, n, err);
}

/* The files a commit changed: against its parent, or for a merge those
 * that differ from every parent. */
static cairn_status changes_of(cairn_git *git, git_commit *c, const cairn_git_commit_info *info,
			       cairn_git_delta **out, size_t *n, cairn_error *err)
{
	cairn_git_delta *d = NULL;
	size_t nd = 0;
	cairn_status st = diff_parent(git, c, info, 0, &d, &nd, err);

	for (size_t p = 1; p < info->nparents && st == CAIRN_OK && nd; p++) {
		cairn_git_delta *o = NULL;
		size_t no = 0, keep = 0;
		if ((st = diff_parent(git, c, info, p, &o, &no, err)))
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
			  bool boundary, bool with_changes, cairn_git_walk_fn fn, void *ctx,
			  bool *stop, cairn_error *err)
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
	/* A shallow clone's oldest commit: its parents are not here, so it
	 * is shown as git log shows it, as the start of what is held. */
	if (boundary)
		info.nparents = 0;
	st = with_changes ? changes_of(git, c, &info, &d, &n, err) : CAIRN_OK;
	if (st == CAIRN_OK)
		st = fn(&info, d, n, stop, ctx, err);
	cairn_git_deltas_free(d, n);
	git_commit_free(c);
	return st;
}

/* ---- a shallow clone ---- */

static void load_shallow(cairn_git *git)
{
	char path[PATH_MAX], line[128];
	FILE *f;

	if (git->shallow_read)
		return;
	git->shallow_read = true;
	snprintf(path, sizeof path, "%sshallow", cairn_git_commondir(git));
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		git_oid id;
		line[strcspn(line, "\r\n")] = '\0';
		if (strlen(line) == 40 && git_oid_fromstr(&id, line) == 0 &&
		    !oidmap_get(&git->shallow, &id, NULL) && oidmap_put(&git->shallow, &id, 0))
			git->nshallow++;
	}
	fclose(f);
}

bool cairn_git_is_shallow(cairn_git *git)
{
	load_shallow(git);
	return git->nshallow > 0;
}

size_t cairn_git_shallow_count(cairn_git *git)
{
	load_shallow(git);
	return git->nshallow;
}

void cairn_git_forget_shallow(cairn_git *git)
{
	oidmap_done(&git->shallow);
	memset(&git->shallow, 0, sizeof git->shallow);
	git->nshallow = 0;
	git->shallow_read = false;
}

bool cairn_git_is_shallow_commit(cairn_git *git, const git_oid *id)
{
	load_shallow(git);
	return git->nshallow && oidmap_get(&git->shallow, id, NULL);
}

/* libgit2 1.5.1's walks read every parent and fail at the first one a
 * shallow clone lacks, so cairn walks such a history itself: the commits
 * reachable from a tip, not past a boundary commit, newest first in
 * topological order as git log shows them. */
typedef struct snode {
	git_oid id;
	git_oid parent[CAIRN_GIT_MAX_PARENTS];
	size_t nparents, children;
	long long time;
	bool boundary;
} snode;

typedef struct sgraph {
	snode *v;
	size_t n, cap;
	oidmap at;              /* id -> index in v */
} sgraph;

/* Add what tip reaches to g, except what is in skip (NULL: nothing);
 * lenient: a commit that cannot be read ends that line instead of the
 * walk (for the side being hidden). */
static int collect(cairn_git *git, git_repository *repo, const git_oid *tip, sgraph *g,
		   const oidmap *skip, bool lenient)
{
	git_oid *stack = NULL, id;
	size_t depth = 0, room = 0;
	int rc = 0;

	if (!(stack = malloc(16 * sizeof *stack)))
		return -1;
	room = 16;
	stack[depth++] = *tip;
	while (rc == 0 && depth) {
		git_commit *c = NULL;
		snode *nd;
		id = stack[--depth];
		if (oidmap_get(&g->at, &id, NULL) || (skip && oidmap_get(skip, &id, NULL)))
			continue;
		if (git_commit_lookup(&c, repo, &id) != 0) {
			if (!lenient)
				rc = -1;
			continue;
		}
		if (g->n == g->cap) {
			snode *nv = realloc(g->v, (g->cap = g->cap ? 2 * g->cap : 64) * sizeof *nv);
			if (!nv) {
				git_commit_free(c);
				rc = -1;
				break;
			}
			g->v = nv;
		}
		nd = &g->v[g->n];
		memset(nd, 0, sizeof *nd);
		nd->id = id;
		nd->time = (long long)git_commit_time(c);
		nd->boundary = cairn_git_is_shallow_commit(git, &id);
		nd->nparents = nd->boundary ? 0 : git_commit_parentcount(c);
		if (nd->nparents > CAIRN_GIT_MAX_PARENTS)
			nd->nparents = CAIRN_GIT_MAX_PARENTS;
		for (size_t i = 0; i < nd->nparents; i++)
			nd->parent[i] = *git_commit_parent_id(c, (unsigned)i);
		git_commit_free(c);
		if (!oidmap_put(&g->at, &id, g->n)) {
			rc = -1;
			break;
		}
		g->n++;
		for (size_t i = 0; i < nd->nparents; i++) {
			if (depth == room) {
				git_oid *ns = realloc(stack, (room *= 2) * sizeof *ns);
				if (!ns) {
					rc = -1;
					break;
				}
				stack = ns;
			}
			stack[depth++] = nd->parent[i];
		}
	}
	free(stack);
	return rc;
}

static void sgraph_done(sgraph *g)
{
	free(g->v);
	oidmap_done(&g->at);
}

int cairn_git_shallow_reaches(cairn_git *git, const git_oid *from, const git_oid *target,
			      bool *found)
{
	sgraph g = { NULL, 0, 0, OIDMAP_INIT };
	cairn_error ignore;
	git_repository *repo = cairn_git_repository(git, &ignore);
	int rc = repo ? collect(git, repo, from, &g, NULL, true) : -1;

	*found = rc == 0 && oidmap_get(&g.at, target, NULL);
	sgraph_done(&g);
	return rc;
}

/* A max-heap of indices into v by commit time. */
static void heap_push(size_t *h, size_t *n, const snode *v, size_t i)
{
	size_t k = (*n)++;
	h[k] = i;
	while (k && v[h[(k - 1) / 2]].time < v[h[k]].time) {
		size_t p = (k - 1) / 2, t = h[p];
		h[p] = h[k];
		h[k] = t;
		k = p;
	}
}

static size_t heap_pop(size_t *h, size_t *n, const snode *v)
{
	size_t top = h[0], k = 0;

	h[0] = h[--(*n)];
	for (;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k, t;
		if (l < *n && v[h[l]].time > v[h[m]].time)
			m = l;
		if (r < *n && v[h[r]].time > v[h[m]].time)
			m = r;
		if (m == k)
			break;
		t = h[m];
		h[m] = h[k];
		h[k] = t;
		k = m;
	}
	return top;
}

static cairn_status cairn_git_walk_shallow(cairn_git *git, const cairn_oid *from,
					   const cairn_oid *hide, bool with_changes,
					   cairn_git_walk_fn fn, void *ctx, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	sgraph hidden = { NULL, 0, 0, OIDMAP_INIT }, g = { NULL, 0, 0, OIDMAP_INIT };
	size_t *heap = NULL, nheap = 0;
	git_oid id;
	cairn_status st = CAIRN_OK;
	bool stop = false;

	if (!repo)
		return err->code;
	if (!from || !from->hex[0])
		return CAIRN_OK;
	if (git_oid_fromstr(&id, from->hex) != 0)
		return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a commit id", from->hex);
	if (hide && hide->hex[0]) {
		git_oid h;
		if (git_oid_fromstr(&h, hide->hex) != 0 || collect(git, repo, &h, &hidden, NULL, true))
			st = cairn_git_fail(err, CAIRN_ECORRUPT, "cannot walk the history up to %.12s",
					    hide->hex);
	}
	if (st == CAIRN_OK && collect(git, repo, &id, &g, &hidden.at, false))
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "cannot walk the history from %.12s",
				    from->hex);
	sgraph_done(&hidden);
	if (st == CAIRN_OK && g.n && !(heap = malloc(g.n * sizeof *heap)))
		st = cairn_oom(err);
	for (size_t i = 0; st == CAIRN_OK && i < g.n; i++)
		for (size_t p = 0; p < g.v[i].nparents; p++) {
			size_t at;
			if (oidmap_get(&g.at, &g.v[i].parent[p], &at))
				g.v[at].children++;
		}
	for (size_t i = 0; st == CAIRN_OK && i < g.n; i++)
		if (!g.v[i].children)
			heap_push(heap, &nheap, g.v, i);
	/* Kahn's order: a commit once all its children are out, the newest
	 * of those ready first (libgit2's TOPOLOGICAL | TIME). */
	while (st == CAIRN_OK && !stop && nheap) {
		size_t i = heap_pop(heap, &nheap, g.v);
		for (size_t p = 0; p < g.v[i].nparents; p++) {
			size_t at;
			if (oidmap_get(&g.at, &g.v[i].parent[p], &at) && --g.v[at].children == 0)
				heap_push(heap, &nheap, g.v, at);
		}
		st = visit(git, repo, &g.v[i].id, g.v[i].boundary, with_changes, fn, ctx, &stop, err);
	}
	free(heap);
	sgraph_done(&g);
	return st;
}

static cairn_status walk(cairn_git *git, const cairn_oid *from, const cairn_oid *hide,
			 bool with_changes, cairn_git_walk_fn fn, void *ctx, cairn_error *err)
{
	if (cairn_git_is_shallow(git))
		return cairn_git_walk_shallow(git, from, hide, with_changes, fn, ctx, err);
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
		st = visit(git, repo, &id, false, with_changes, fn, ctx, &stop, err);
	}
	git_revwalk_free(walk);
	return st;
}

cairn_status cairn_git_walk(cairn_git *git, const cairn_oid *from, const cairn_oid *hide,
			    bool with_changes, cairn_git_walk_fn fn, void *ctx, cairn_error *err)
{
	cairn_status st;

	/* A walk within a walk's callback uses the outer one's trees. */
	if (!with_changes || git->recent_on)
		return walk(git, from, hide, with_changes, fn, ctx, err);
	/* Opening the repository sets libgit2's cache as it starts. */
	if ((st = cairn_git_need_repo(git, err)) != CAIRN_OK)
		return st;
	/* Each commit's diff reads its parent's trees, and the next one's
	 * diff reads them again: the few last read are kept, and libgit2
	 * keeps none (it would keep every tree of the walk). */
	cairn_git_cache_trees(false);
	cairn_git_recent_trees(git, true);
	git->walk_cache = cairn_git_walk_cache_new(git->repo);
	st = walk(git, from, hide, true, fn, ctx, err);
	cairn_git_walk_cache_free(git->walk_cache);
	git->walk_cache = NULL;
	cairn_git_recent_trees(git, false);
	cairn_git_cache_trees(true);
	return st;
}

void cairn_git_verify_reads(bool on)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, on ? 1 : 0);
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
	return visit(git, repo, &oid, cairn_git_is_shallow_commit(git, &oid), false, fn, ctx, &stop,
		     err);
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
