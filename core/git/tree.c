/* Reading what commits hold (see include/cairn/gitstore.h): a path or a
 * blob, every file of a commit's tree, and the difference between two
 * trees, each tree held to git fsck's rules on the way (names, order,
 * depth) since a commit may come from a hostile tool.
 */
#include "cairn/gitstore.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "cairn/buf.h"
#include "cairn/sha1.h"
#include "git/git_internal.h"


/* Record paths are a few levels deep; deeper trees are hostile, and the
 * recursion must stay bounded. */
#define MAX_TREE_DEPTH 32

/* ---- a walk's recent trees ---- */

void cairn_git_recent_trees(cairn_git *git, bool on)
{
	for (size_t i = 0; i < CAIRN_GIT_RECENT_TREES; i++) {
		git_tree_free(git->recent[i].tree);
		git->recent[i].tree = NULL;
	}
	git->recent_next = 0;
	git->recent_on = on;
}

/* A tree, from the recent ones when a walk keeps them (0, or libgit2's
 * error). */
static int tree_get(cairn_git *g, const git_oid *id, git_tree **out)
{
	struct cairn_git_recent *r;
	int rc;

	if (!g->recent_on)
		return git_tree_lookup(out, g->repo, id);
	for (size_t i = 0; i < CAIRN_GIT_RECENT_TREES; i++)
		if (g->recent[i].tree && git_oid_equal(&g->recent[i].id, id))
			return git_object_dup((git_object **)out, (git_object *)g->recent[i].tree);
	if ((rc = git_tree_lookup(out, g->repo, id)) != 0)
		return rc;
	r = &g->recent[g->recent_next];
	g->recent_next = (g->recent_next + 1) % CAIRN_GIT_RECENT_TREES;
	git_tree_free(r->tree);
	r->tree = NULL;
	if (git_object_dup((git_object **)&r->tree, (git_object *)*out) == 0)
		r->id = *id;
	return 0;
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
	if ((st = cairn_git_parse_oid(&id, commit, "commit", err)) != CAIRN_OK)
		return st;
	if (g->last_tree && git_oid_equal(&g->last_commit, &id))
		return git_object_dup((git_object **)tree, (git_object *)g->last_tree) == 0
		       ? CAIRN_OK : cairn_oom(err);
	rc = git_commit_lookup(&c, g->repo, &id);
	if (rc == GIT_ENOTFOUND)
		return cairn_git_fail(err, CAIRN_ENOTFOUND, "%s: no commit %s", g->gitdir, commit->hex);
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read commit %s", g->gitdir,
				      commit->hex);
	rc = tree_get(g, git_commit_tree_id(c), tree);
	git_commit_free(c);
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read the tree of commit %s",
				      g->gitdir, commit->hex);
	git_tree_free(g->last_tree);
	g->last_tree = NULL;
	if (git_object_dup((git_object **)&g->last_tree, (git_object *)*tree) == 0)
		g->last_commit = id;
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
		cairn_status lazy = cairn_git_need_repo(git, err);
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
	if ((st = cairn_git_check_path(path, err)) != CAIRN_OK)
		return st;
	if ((st = commit_tree(git, commit, &tree, err)) != CAIRN_OK)
		return st;
	rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND) {
		st = cairn_fail(err, CAIRN_ENOTFOUND, "%s: not in commit %.12s", path, commit->hex);
		goto done;
	}
	if (rc != 0) {
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read it from commit %.12s", path,
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
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "%s in commit %.12s: its content is missing or "
				    "damaged; run `git fsck`", path, commit->hex);
		goto done;
	}
	if ((st = copy_blob(b, data, len, err)) == CAIRN_OK && blob)
		cairn_git_hex_of(blob, git_tree_entry_id(e));
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
		cairn_status lazy = cairn_git_need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_blob *b = NULL;
	git_oid id;
	cairn_status st;
	int rc;

	*data = NULL;
	*len = 0;
	if ((st = cairn_git_parse_oid(&id, blob, "blob", err)) != CAIRN_OK)
		return st;
	rc = git_blob_lookup(&b, git->repo, &id);
	if (rc == GIT_ENOTFOUND)
		return cairn_git_fail(err, CAIRN_ENOTFOUND, "%s: no blob %s", git->gitdir, blob->hex);
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read blob %s", git->gitdir,
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
			cairn_git_hex_of(&id, git_tree_entry_id(e));
			st = w->fn(w->path.data, mode, &id, w->ctx, err);
			continue;
		}
		if (depth >= MAX_TREE_DEPTH)
			st = cairn_fail(err, CAIRN_ECORRUPT, "%s: folders nested more than %d deep; "
					"refuse this commit", w->path.data, MAX_TREE_DEPTH);
		else if (git_tree_lookup(&sub, w->g->repo, git_tree_entry_id(e)) != 0)
			st = cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read this folder's tree; "
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
		cairn_status lazy = cairn_git_need_repo(git, err);
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
	if (!(d->path = cairn_git_dup_str(df->path.data)))
		return cairn_oom(err);
	d->old_blob.hex[0] = d->new_blob.hex[0] = '\0';
	d->new_mode = 0;
	if (old)
		cairn_git_hex_of(&d->old_blob, git_tree_entry_id(old));
	if (new) {
		cairn_git_hex_of(&d->new_blob, git_tree_entry_id(new));
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
	else if (tree_get(df->g, git_tree_entry_id(e), &sub) != 0)
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read this folder's tree; run "
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
	else if (tree_get(df->g, git_tree_entry_id(ea), &ta) != 0 ||
		 tree_get(df->g, git_tree_entry_id(eb), &tb) != 0)
		st = cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read this folder's tree; run "
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
	/* A tree's entries are checked once a process: a walk of the history
	 * diffs each tree twice (as the new side, then as the old one), and
	 * the checks were a sixth of building the history index. */
	bool check_a = a && !oidmap_get(&df->g->trees_ok, git_tree_id(a), NULL);
	bool check_b = b && !oidmap_get(&df->g->trees_ok, git_tree_id(b), NULL);

	while ((i < na || j < nb) && st == CAIRN_OK) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);

		if (check_a && ea && c <= 0)
			st = check_entry(a, i, cairn_buf_str(&df->path), err);
		if (st == CAIRN_OK && check_b && eb && c >= 0)
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
	/* Every entry was seen: a tree left out of the map is checked again. */
	if (st == CAIRN_OK && check_a)
		(void)oidmap_put(&df->g->trees_ok, git_tree_id(a), 0);
	if (st == CAIRN_OK && check_b)
		(void)oidmap_put(&df->g->trees_ok, git_tree_id(b), 0);
	return st;
}

cairn_status cairn_git_diff(cairn_git *git, const cairn_oid *old_commit,
			    const cairn_oid *new_commit, cairn_git_delta **out, size_t *n,
			    cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
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
