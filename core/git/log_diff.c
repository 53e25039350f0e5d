/* A history walk's diffs, read from the trees' raw bytes (see log.c).
 *
 * A walk compares each commit's tree with its parent's: git log reads
 * the two trees' entries in place, side by side, and enters only the
 * folders whose ids differ.  So does this, on trees it finds plain: known
 * modes, names that are one path component, in git's order, no file and
 * folder of one name, not too deep.  Any other tree is left to
 * cairn_git_diff (tree.c), which refuses it in words, so that a walk
 * answers exactly as that diff did: the same files in the same order, or
 * the same refusal.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "cairn/buf.h"
#include "git/git_internal.h"

#define MAX_DEPTH 32    /* as tree.c's: deeper is left to it */
/* Direct-mapped by the id's first byte: a lookup is one comparison. */
#define RING 256

struct cairn_git_walk_cache {
	git_odb *odb;
	struct {
		git_oid id;
		git_odb_object *obj;
	} ring[RING];
};

typedef struct rentry {
	const char *name;
	size_t len;
	unsigned mode;
	const git_oid *id;
} rentry;

typedef struct rtree {
	const unsigned char *p, *end;
	rentry prev;
	bool any;
	git_odb_object *obj;
} rtree;

struct rdiff {
	struct cairn_git_walk_cache *c;
	cairn_buf path;
	cairn_git_delta *d;
	size_t n, cap;
};

/* 1: not plain, left to tree.c; -1: out of memory; 0: done. */
enum { R_OK = 0, R_OOM = -1, R_ASIDE = 1 };

struct cairn_git_walk_cache *cairn_git_walk_cache_new(git_repository *repo)
{
	struct cairn_git_walk_cache *c = calloc(1, sizeof *c);

	if (c && git_repository_odb(&c->odb, repo) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

void cairn_git_walk_cache_free(struct cairn_git_walk_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < RING; i++)
		git_odb_object_free(c->ring[i].obj);
	git_odb_free(c->odb);
	free(c);
}

static bool same_id(const git_oid *a, const git_oid *b)
{
	return !memcmp(a->id, b->id, sizeof a->id);
}

/* A tree's raw object, from the ring when read lately (borrowed). */
static git_odb_object *raw_tree(struct cairn_git_walk_cache *c, const git_oid *id)
{
	size_t at = id->id[0] % RING;
	git_odb_object *o = NULL;

	if (c->ring[at].obj && same_id(&c->ring[at].id, id))
		return c->ring[at].obj;
	if (git_odb_read(&o, c->odb, id) != 0)
		return NULL;
	if (git_odb_object_type(o) != GIT_OBJECT_TREE) {
		git_odb_object_free(o);
		return NULL;
	}
	git_odb_object_free(c->ring[at].obj);
	c->ring[at].obj = o;
	c->ring[at].id = *id;
	return o;
}

/* git's order: bytewise, a folder as if its name ended in '/'. */
static int rcmp(const rentry *a, const rentry *b)
{
	size_t n = a->len < b->len ? a->len : b->len, i = 0;
	unsigned char ca, cb;

	/* By hand: names are a few bytes, and a call each was a tenth of
	 * the walk. */
	while (i < n && a->name[i] == b->name[i])
		i++;
	if (i < n)
		return (unsigned char)a->name[i] < (unsigned char)b->name[i] ? -1 : 1;
	ca = a->len > n ? (unsigned char)a->name[n] : a->mode == MODE_TREE ? '/' : 0;
	cb = b->len > n ? (unsigned char)b->name[n] : b->mode == MODE_TREE ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

/* The next entry of t into e: 1, or 0 at the end, R_ASIDE when t is
 * not plain. */
static int next_entry(rtree *t, rentry *e)
{
	const unsigned char *p = t->p, *q, *end = t->end;
	unsigned mode = 0;

	if (!p || p == end)
		return 0;
	/* The mode: octal digits, one of the five git writes, as git
	 * writes it (no leading zero). */
	for (q = p; q < end && *q >= '0' && *q <= '7' && q - p < 7; q++)
		mode = mode * 8 + (unsigned)(*q - '0');
	if (q == end || *q != ' ' || *p == '0' ||
	    (mode != 0100644 && mode != 0100755 && mode != MODE_TREE && mode != 0120000 &&
	     mode != 0160000))
		return -R_ASIDE;
	e->mode = mode;
	e->name = (const char *)++q;
	while (q < end && *q && *q != '/')
		q++;
	if (end - q < 21 || *q)
		return -R_ASIDE;
	e->len = (size_t)((const char *)q - e->name);
	e->id = (const git_oid *)(q + 1);
	t->p = q + 21;
	if (!e->len || (e->name[0] == '.' && (e->len == 1 || (e->len == 2 && e->name[1] == '.'))))
		return -R_ASIDE;
	if (t->any) {
		/* In order; and a folder "x" after "x", "x-y"...: maybe a file
		 * and a folder of one name, which tree.c names. */
		if (rcmp(&t->prev, e) >= 0)
			return -R_ASIDE;
		if (e->mode == MODE_TREE && t->prev.len >= e->len &&
		    t->prev.name[0] == e->name[0] && !memcmp(t->prev.name, e->name, e->len) &&
		    (t->prev.len == e->len || (unsigned char)t->prev.name[e->len] < '/'))
			return -R_ASIDE;
	}
	t->prev = *e;
	t->any = true;
	return 1;
}

static int open_tree(struct rdiff *df, const git_oid *id, rtree *t)
{
	memset(t, 0, sizeof *t);
	if (!id)
		return R_OK;
	/* Held while it is read: entering a folder reads others into the
	 * ring, which may drop this one. */
	if (!(t->obj = raw_tree(df->c, id)) || git_odb_object_dup(&t->obj, t->obj) != 0)
		return (t->obj = NULL), R_ASIDE;
	t->p = git_odb_object_data(t->obj);
	t->end = t->p + git_odb_object_size(t->obj);
	return R_OK;
}

static bool path_to(cairn_buf *path, size_t keep, const rentry *e)
{
	path->len = keep;
	path->data[keep] = '\0';
	cairn_buf_add(path, e->name, e->len);
	if (e->mode == MODE_TREE)
		cairn_buf_addc(path, '/');
	return !path->oom;
}

static int add(struct rdiff *df, const rentry *old, const rentry *new)
{
	cairn_git_delta *d;

	if (df->n == df->cap) {
		size_t cap = df->cap ? df->cap * 2 : 16;
		cairn_git_delta *nd = realloc(df->d, cap * sizeof *nd);
		if (!nd)
			return R_OOM;
		df->d = nd;
		df->cap = cap;
	}
	d = &df->d[df->n];
	if (!(d->path = cairn_git_dup_str(df->path.data)))
		return R_OOM;
	d->old_blob.hex[0] = d->new_blob.hex[0] = '\0';
	d->new_mode = 0;
	if (old)
		cairn_git_hex_of(&d->old_blob, old->id);
	if (new) {
		cairn_git_hex_of(&d->new_blob, new->id);
		d->new_mode = new->mode;
	}
	df->n++;
	return R_OK;
}

static int diff(struct rdiff *df, const git_oid *a, const git_oid *b, int depth);

/* One side of a name: a file, or every file of a folder. */
static int side(struct rdiff *df, const rentry *old, const rentry *new, int depth)
{
	const rentry *e = old ? old : new;
	size_t keep = df->path.len;
	int rc;

	if (!path_to(&df->path, keep, e))
		return R_OOM;
	if (e->mode != MODE_TREE)
		rc = add(df, old, new);
	else
		rc = diff(df, old ? e->id : NULL, old ? NULL : e->id, depth + 1);
	df->path.len = keep;
	df->path.data[keep] = '\0';
	return rc;
}

static int both(struct rdiff *df, const rentry *ea, const rentry *eb, int depth)
{
	size_t keep = df->path.len;
	int rc;

	if ((ea->mode == MODE_TREE) != (eb->mode == MODE_TREE))
		return (rc = side(df, ea, NULL, depth)) ? rc : side(df, NULL, eb, depth);
	if (ea->mode == eb->mode && same_id(ea->id, eb->id))
		return R_OK;
	if (!path_to(&df->path, keep, ea))
		return R_OOM;
	if (ea->mode != MODE_TREE)
		rc = add(df, ea, eb);
	else
		rc = diff(df, ea->id, eb->id, depth + 1);
	df->path.len = keep;
	df->path.data[keep] = '\0';
	return rc;
}

/* The trees a and b (NULL: none), side by side. */
static int diff(struct rdiff *df, const git_oid *a, const git_oid *b, int depth)
{
	rtree ta, tb;
	rentry ea, eb;
	int ha, hb, rc;

	if (depth > MAX_DEPTH)
		return R_ASIDE;
	if ((rc = open_tree(df, a, &ta)))
		return rc;
	if ((rc = open_tree(df, b, &tb))) {
		git_odb_object_free(ta.obj);
		return rc;
	}
	ha = next_entry(&ta, &ea);
	hb = next_entry(&tb, &eb);
	rc = R_OK;
	while (rc == R_OK && (ha > 0 || hb > 0)) {
		int c;
		if (ha < 0 || hb < 0) {
			rc = R_ASIDE;
			break;
		}
		c = !ha ? 1 : !hb ? -1 : rcmp(&ea, &eb);
		if (c < 0)
			rc = side(df, &ea, NULL, depth), ha = rc ? ha : next_entry(&ta, &ea);
		else if (c > 0)
			rc = side(df, NULL, &eb, depth), hb = rc ? hb : next_entry(&tb, &eb);
		else {
			rc = both(df, &ea, &eb, depth);
			if (!rc) {
				ha = next_entry(&ta, &ea);
				hb = next_entry(&tb, &eb);
			}
		}
	}
	if (rc == R_OK && (ha < 0 || hb < 0))
		rc = R_ASIDE;
	git_odb_object_free(ta.obj);
	git_odb_object_free(tb.obj);
	return rc;
}

int cairn_git_walk_diff(struct cairn_git_walk_cache *c, const git_oid *old_tree,
			const git_oid *new_tree, cairn_git_delta **out, size_t *n)
{
	struct rdiff df = { c, CAIRN_BUF_INIT, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	cairn_buf_add(&df.path, "", 0);
	rc = df.path.oom ? R_OOM : diff(&df, old_tree, new_tree, 0);
	cairn_buf_done(&df.path);
	if (rc != R_OK) {
		cairn_git_deltas_free(df.d, df.n);
		return rc;
	}
	*out = df.d;
	*n = df.n;
	return R_OK;
}
