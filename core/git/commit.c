/* Commits built from memory (see include/cairn/gitstore.h): the changes
 * checked, each blob written and read back, the tree updated and read
 * back (Fossil's rule), then the branch moved by compare-and-swap
 * (refs.c).  Loose objects are read back by loose.c, not libgit2.  A commit
 * of many changes (an import) is built in memory and written as one pack,
 * then read back from it (make_packed).
 */
#include "cairn/gitstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "git/git_internal.h"
#include "git/loose.h"


/* ---- committing ---- */

static cairn_status make_signature(git_signature **sig, const cairn_git_author *a,
				   cairn_error *err)
{
	git_time_t when = a->when;
	int offset = a->tz_minutes;

	if (!a->name || !a->email)
		return cairn_fail(err, CAIRN_EINPUT,
				  "no author name or email: set user.name and user.email");
	if (when == 0) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		when = now;
		offset = (int)(tm.tm_gmtoff / 60);
	}
	if (git_signature_new(sig, a->name, a->email, when, offset) != 0)
		return cairn_git_fail(err, CAIRN_EINPUT, "author \"%s <%s>\" is not valid for git; "
				      "fix user.name and user.email", a->name, a->email);
	return CAIRN_OK;
}

static int cmp_change_path(const void *a, const void *b)
{
	const cairn_git_change *const *x = a, *const *y = b;
	return strcmp((*x)->path, (*y)->path);
}

static bool has_path(const cairn_git_change **sorted, size_t n, const char *path, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(sorted[mid]->path, path, len);
		if (c == 0 && sorted[mid]->path[len] != '\0')
			c = 1;
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Each path once, and none both a file and a folder of another. */
static cairn_status check_changes(const cairn_git_change *changes, size_t n,
				  cairn_error *err)
{
	const cairn_git_change **sorted;
	cairn_status st = CAIRN_OK;
	size_t i;

	for (i = 0; i < n; i++)
		if ((st = cairn_git_check_path(changes[i].path, err)) != CAIRN_OK)
			return st;
	if (n < 2)
		return CAIRN_OK;
	if (!(sorted = malloc(n * sizeof *sorted)))
		return cairn_oom(err);
	for (i = 0; i < n; i++)
		sorted[i] = &changes[i];
	if (n > 1)
		qsort(sorted, n, sizeof *sorted, cmp_change_path);
	for (i = 0; i < n && st == CAIRN_OK; i++) {
		const char *p = sorted[i]->path, *slash;

		if (i > 0 && strcmp(sorted[i - 1]->path, p) == 0)
			st = cairn_fail(err, CAIRN_EINPUT, "\"%s\" appears twice in one commit", p);
		for (slash = strchr(p, '/'); slash && st == CAIRN_OK; slash = strchr(slash + 1, '/'))
			if (has_path(sorted, n, p, (size_t)(slash - p)))
				st = cairn_fail(err, CAIRN_EINPUT,
						"\"%.*s\" and \"%s\" in one commit: a path cannot "
						"be both a file and a folder", (int)(slash - p), p, p);
	}
	free(sorted);
	return st;
}

/* Refuse path when one of its folders is a file (or link) in base. */
static cairn_status check_folders(git_tree *base, const char *path, cairn_error *err)
{
	char prefix[4096];
	const char *slash;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		git_tree_entry *e = NULL;
		size_t n = (size_t)(slash - path);
		unsigned mode;

		if (n >= sizeof prefix)
			return cairn_fail(err, CAIRN_EINPUT, "\"%.64s...\": path too long", path);
		memcpy(prefix, path, n);
		prefix[n] = '\0';
		if (git_tree_entry_bypath(&e, base, prefix) != 0)
			return CAIRN_OK;
		mode = git_tree_entry_filemode_raw(e);
		git_tree_entry_free(e);
		if (mode != MODE_TREE)
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\" is a file in the parent commit, so \"%s\" "
					  "cannot be saved below it", prefix, path);
	}
	return CAIRN_OK;
}

/* Fossil's rule, first half: each blob is read back and compared with the
 * caller's bytes before anything refers to it.  libgit2 does not rewrite
 * an object that exists, even damaged, so this is also what notices a
 * loose object left truncated by a crash. */
static cairn_status check_blob(cairn_git *g, const cairn_git_change *ch, const git_oid *id,
			       bool maybe_loose, cairn_error *err)
{
	git_blob *b = NULL;
	cairn_oid hex;
	cairn_status st = CAIRN_OK;
	bool loose = false;

	cairn_git_hex_of(&hex, id);
	if (maybe_loose)
		st = cairn_git_verify_object_in(cairn_git_commondir(g), &hex, ch->data, ch->len,
						&loose, err);
	if (st != CAIRN_OK || loose)
		return st;
	/* In a pack, which libgit2 reads safely. */
	if (git_blob_lookup(&b, g->repo, id) != 0 || (size_t)git_blob_rawsize(b) != ch->len ||
	    memcmp(git_blob_rawcontent(b), ch->data, ch->len) != 0)
		st = cairn_git_fail(err, CAIRN_ECORRUPT,
				    "%s: reading back \"%s\" (blob %s) gave other bytes than were "
				    "written; nothing was committed: check the disk, then run `git fsck`",
				    g->gitdir, ch->path, hex.hex);
	git_blob_free(b);
	return st;
}

static cairn_status write_blob(cairn_git *g, const cairn_git_change *ch, git_oid *id,
			       cairn_error *err)
{
	if (git_blob_create_from_buffer(id, g->repo, ch->data, ch->len) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot store \"%s\"", g->gitdir, ch->path);
	return check_blob(g, ch, id, true, err);
}

/* The tree updates for changes on top of base; a removal of a path the
 * base lacks is dropped, so that a retried save stays harmless. */
static cairn_status plan_updates(cairn_git *g, git_repository *r, git_tree *base,
				 const cairn_git_change *changes, size_t n, git_oid *blobs,
				 git_tree_update *ups, size_t *nups, cairn_error *err)
{
	size_t i;

	*nups = 0;
	for (i = 0; i < n; i++) {
		git_tree_entry *old = NULL;
		unsigned mode = 0;
		int rc = git_tree_entry_bypath(&old, base, changes[i].path);

		if (rc == 0) {
			mode = git_tree_entry_filemode_raw(old);
			git_tree_entry_free(old);
		} else if (changes[i].data) {
			cairn_status st = check_folders(base, changes[i].path, err);
			if (st != CAIRN_OK)
				return st;
		}
		if (rc == 0 && (mode & MODE_TYPE) == MODE_TREE)
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\" is a folder in the parent commit, not a file",
					  changes[i].path);
		if (!changes[i].data) {
			if (rc != 0)
				continue;
			ups[*nups].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			cairn_status st = CAIRN_OK;
			/* Into a pack in memory, read back once the pack is
			 * written (see make_packed). */
			if (r != g->repo &&
			    git_blob_create_from_buffer(&blobs[i], r, changes[i].data, changes[i].len) != 0)
				st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot store \"%s\"", g->gitdir,
						    changes[i].path);
			else if (r == g->repo)
				st = write_blob(g, &changes[i], &blobs[i], err);
			if (st != CAIRN_OK)
				return st;
			ups[*nups].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&ups[*nups].id, &blobs[i]);
			ups[*nups].filemode = GIT_FILEMODE_BLOB;
		}
		ups[*nups].path = changes[i].path;
		(*nups)++;
	}
	return CAIRN_OK;
}

/* Trees already read back during one commit's check. */
struct seen {
	git_oid *ids;
	size_t n, cap;
};

static cairn_status verify_once(cairn_git *g, struct seen *seen, const git_oid *id,
				cairn_error *err)
{
	cairn_oid hex;
	bool loose;
	size_t i;
	cairn_status st;

	for (i = seen->n; i > 0; i--)
		if (git_oid_equal(&seen->ids[i - 1], id))
			return CAIRN_OK;
	cairn_git_hex_of(&hex, id);
	if ((st = cairn_git_verify_object_in(cairn_git_commondir(g), &hex, NULL, 0, &loose,
					      err)) != CAIRN_OK)
		return st;
	if (seen->n == seen->cap) {
		size_t cap = seen->cap ? seen->cap * 2 : 16;
		git_oid *ids = realloc(seen->ids, cap * sizeof *ids);
		if (!ids)
			return cairn_oom(err);
		seen->ids = ids;
		seen->cap = cap;
	}
	git_oid_cpy(&seen->ids[seen->n++], id);
	return CAIRN_OK;
}

/* Find path in the tree, checking each tree object on the way with our own
 * reader before libgit2 parses it.  *entry is NULL when absent. */
static cairn_status walk_checked(cairn_git *g, struct seen *seen, const git_oid *root,
				 const char *path, git_tree_entry **entry, cairn_error *err)
{
	git_oid id = *root;
	const char *p = path;
	cairn_status st;

	*entry = NULL;
	for (;;) {
		git_tree *tree = NULL;
		const git_tree_entry *e;
		const char *slash = strchr(p, '/');
		char name[1024];
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n >= sizeof name)
			return cairn_fail(err, CAIRN_EINPUT, "\"%s\": a name is too long", path);
		memcpy(name, p, n);
		name[n] = '\0';
		if ((st = verify_once(g, seen, &id, err)) != CAIRN_OK)
			return st;
		if (git_tree_lookup(&tree, g->repo, &id) != 0)
			return cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read back the new tree",
					      g->gitdir);
		e = git_tree_entry_byname(tree, name);
		/* A file where a folder should be: the path is absent. */
		if (e && slash && git_tree_entry_filemode_raw(e) != MODE_TREE)
			e = NULL;
		if (e && !slash && git_tree_entry_dup(entry, e) != 0) {
			git_tree_free(tree);
			return cairn_oom(err);
		}
		if (e && slash)
			git_oid_cpy(&id, git_tree_entry_id(e));
		git_tree_free(tree);
		if (!e || !slash)
			return CAIRN_OK;
		p = slash + 1;
	}
}

/* Fossil's rule, second half: the commit object and the trees on every
 * changed path, read back, must say what the caller asked. */
static cairn_status read_back(cairn_git *g, const cairn_git_change *changes, size_t n,
			      const git_oid *blobs, const git_oid *tree, const git_oid *commit,
			      cairn_error *err)
{
	struct seen seen = { NULL, 0, 0 };
	cairn_status st = CAIRN_OK;
	cairn_oid hex;
	bool loose;
	size_t i;

	cairn_git_hex_of(&hex, commit);
	st = cairn_git_verify_object_in(cairn_git_commondir(g), &hex, NULL, 0, &loose, err);
	for (i = 0; i < n && st == CAIRN_OK; i++) {
		git_tree_entry *e = NULL;

		st = walk_checked(g, &seen, tree, changes[i].path, &e, err);
		if (st == CAIRN_OK) {
			bool want = changes[i].data != NULL;
			bool right = want
				? e && git_tree_entry_filemode_raw(e) == GIT_FILEMODE_BLOB &&
				  git_oid_equal(git_tree_entry_id(e), &blobs[i])
				: e == NULL;
			if (!right)
				st = cairn_fail(err, CAIRN_ECORRUPT,
						"%s: the new tree does not %s \"%s\" as asked; the "
						"commit was not made (a libgit2 bug?)", g->gitdir,
						want ? "hold" : "drop", changes[i].path);
		}
		git_tree_entry_free(e);
	}
	free(seen.ids);
	return st;
}

/* The parent's tree, or a new empty tree for the first commit. */
static cairn_status base_tree(cairn_git *g, git_repository *r, const git_oid *parent,
			      git_commit **pc, git_tree **base, cairn_error *err)
{
	git_treebuilder *tb = NULL;
	git_oid empty;
	int rc;

	if (parent) {
		if (git_commit_lookup(pc, r, parent) != 0)
			return cairn_git_fail(err, CAIRN_ENOTFOUND, "%s: the parent commit is missing",
					      g->gitdir);
		if (git_commit_tree(base, *pc) != 0)
			return cairn_git_fail(err, CAIRN_ECORRUPT, "%s: the parent commit has no tree",
					      g->gitdir);
		return CAIRN_OK;
	}
	rc = git_treebuilder_new(&tb, r, NULL);
	if (rc == 0)
		rc = git_treebuilder_write(&empty, tb);
	git_treebuilder_free(tb);
	if (rc == 0)
		rc = git_tree_lookup(base, r, &empty);
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the empty tree", g->gitdir);
	return CAIRN_OK;
}

cairn_status cairn_git_commit(cairn_git *git, const cairn_oid *parent,
			      const cairn_git_change *changes, size_t nchanges,
			      const cairn_git_author *author, const char *message,
			      cairn_oid *out, cairn_error *err)
{
	return cairn_git_commit_merge(git, parent, NULL, changes, nchanges, author, message, out,
				      err);
}

cairn_status cairn_git_commit_merge(cairn_git *git, const cairn_oid *parent,
				    const cairn_oid *second, const cairn_git_change *changes,
				    size_t nchanges, const cairn_git_author *author,
				    const char *message, cairn_oid *out, cairn_error *err)
{
	cairn_oid made;
	cairn_status st = cairn_git_make_commit(git, parent, second, changes, nchanges, author,
						message, &made, err);

	out->hex[0] = '\0';
	if (st == CAIRN_OK)
		st = cairn_git_move_branch(git, parent && parent->hex[0] ? parent : NULL, &made,
					   message, err);
	if (st == CAIRN_OK)
		*out = made;
	return st;
}

/* The blobs, the trees and the commit, written through r: the repository
 * itself (loose objects, each blob read back as it is written) or one whose
 * objects go to memory (make_packed). */
static cairn_status build(cairn_git *g, git_repository *r, const git_oid *parent_id,
			  const cairn_oid *second, const cairn_git_change *changes, size_t n,
			  const git_signature *sig, const char *msg, git_oid *blobs,
			  git_oid *tree_id, git_oid *commit_id, cairn_error *err)
{
	git_tree_update *ups = calloc(n ? n : 1, sizeof *ups);
	git_commit *pc = NULL, *pc2 = NULL;
	git_tree *base = NULL, *tree = NULL;
	size_t nups;
	cairn_status st;

	if (!ups)
		return cairn_oom(err);
	if ((st = base_tree(g, r, parent_id, &pc, &base, err)) != CAIRN_OK)
		goto done;
	if ((st = plan_updates(g, r, base, changes, n, blobs, ups, &nups, err)) != CAIRN_OK)
		goto done;
	if (git_tree_create_updated(tree_id, r, base, nups, ups) != 0 ||
	    git_tree_lookup(&tree, r, tree_id) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the new tree", g->gitdir);
		goto done;
	}
	if (parent_id && second && second->hex[0]) {
		git_oid second_id;
		const git_commit *parents[2] = { pc, NULL };
		if ((st = cairn_git_parse_oid(&second_id, second, "merged commit", err)) != CAIRN_OK)
			goto done;
		if (git_commit_lookup(&pc2, r, &second_id) != 0) {
			st = cairn_git_fail(err, CAIRN_ENOTFOUND, "%s: the merged commit is missing",
					    g->gitdir);
			goto done;
		}
		parents[1] = pc2;
		if (git_commit_create(commit_id, r, NULL, sig, sig, NULL, msg, tree, 2, parents) != 0)
			st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the commit", g->gitdir);
	} else if (git_commit_create(commit_id, r, NULL, sig, sig, NULL, msg, tree,
				     parent_id ? 1 : 0, (const git_commit **)&pc) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the commit", g->gitdir);
	}
done:
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(pc);
	git_commit_free(pc2);
	free(ups);
	return st;
}

/* ---- many changes: one pack ---- */

/* A save of this many changes or more writes its objects as one pack: a
 * loose object costs a file, two fsyncs and a read back each, and an
 * import of 100,000 records would make 100,000 of them. */
#define PACK_AT 64

static cairn_status pack_object(gitpack *pk, git_odb *odb, const git_oid *id, cairn_error *err)
{
	git_odb_object *o = NULL;
	cairn_status st;

	if (gitpack_has(pk, id))
		return CAIRN_OK;
	if (git_odb_read(&o, odb, id) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read back a new object");
	st = gitpack_add(pk, git_odb_object_type(o), id, git_odb_object_data(o),
			 git_odb_object_size(o), NULL, NULL, err);
	git_odb_object_free(o);
	return st;
}

/* The tree id and every tree below it that the save made (those in mem):
 * a tree the save did not make is on disk already, and so is all below. */
static cairn_status pack_trees(gitpack *pk, git_repository *r, git_odb *odb,
			       git_odb_backend *mem, const git_oid *id, cairn_error *err)
{
	git_tree *t = NULL;
	cairn_status st;

	if (!mem->exists(mem, id) || gitpack_has(pk, id))
		return CAIRN_OK;
	if ((st = pack_object(pk, odb, id, err)) != CAIRN_OK)
		return st;
	if (git_tree_lookup(&t, r, id) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read back a new tree");
	for (size_t i = 0, n = git_tree_entrycount(t); i < n && st == CAIRN_OK; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		if (git_tree_entry_filemode_raw(e) == MODE_TREE)
			st = pack_trees(pk, r, odb, mem, git_tree_entry_id(e), err);
	}
	git_tree_free(t);
	return st;
}

/* The objects built in memory (a second handle on the same objects folder,
 * whose writes go to libgit2's mempack), then written as one pack, fsynced
 * (gitpack_write), then read back through the repository itself as the
 * loose path does: every blob's bytes, then (by the caller) the trees on
 * every changed path and the commit.  Should anything fail, the pack holds
 * objects nothing refers to, which git gc prunes: nothing is committed. */
static cairn_status make_packed(cairn_git *g, const git_oid *parent_id, const cairn_oid *second,
				const cairn_git_change *changes, size_t n,
				const git_signature *sig, const char *msg, git_oid *blobs,
				git_oid *tree_id, git_oid *commit_id, cairn_error *err)
{
	git_odb *odb = NULL, *own = NULL;
	git_odb_backend *mem = NULL;
	git_repository *r = NULL;
	gitpack *pk = NULL;
	bool *made = calloc(n ? n : 1, sizeof *made);
	char objects[4096];
	cairn_status st = CAIRN_OK;

	snprintf(objects, sizeof objects, "%sobjects", cairn_git_commondir(g));
	if (!made)
		return cairn_oom(err);
	/* Alternates and packs are read through it; writes go to the backend
	 * of the highest priority, which is mem. */
	if (git_odb_open(&odb, objects) != 0 || git_mempack_new(&mem) != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot open the objects in memory", g->gitdir);
	else if (git_odb_add_backend(odb, mem, 1000) != 0) {
		mem->free(mem);
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot open the objects in memory", g->gitdir);
	} else if (git_repository_wrap_odb(&r, odb) != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot open the objects in memory", g->gitdir);
	if (st == CAIRN_OK)
		st = build(g, r, parent_id, second, changes, n, sig, msg, blobs, tree_id, commit_id,
			   err);
	if (st == CAIRN_OK)
		st = gitpack_new(&pk, cairn_git_commondir(g), err);
	if (st == CAIRN_OK)
		st = pack_object(pk, odb, commit_id, err);
	if (st == CAIRN_OK)
		st = pack_trees(pk, r, odb, mem, tree_id, err);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		if (changes[i].data && (made[i] = mem->exists(mem, &blobs[i])))
			st = pack_object(pk, odb, &blobs[i], err);
	if (st == CAIRN_OK)
		st = gitpack_write(pk, err);
	gitpack_free(pk);
	git_repository_free(r);
	git_odb_free(odb);
	/* The repository's own handle sees the new pack, and reads back. */
	if (st == CAIRN_OK && (git_repository_odb(&own, g->repo) != 0 || git_odb_refresh(own) != 0))
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot read the new pack", g->gitdir);
	git_odb_free(own);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		if (changes[i].data)
			st = check_blob(g, &changes[i], &blobs[i], !made[i], err);
	if (st == CAIRN_OK) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, g->repo, commit_id) != 0)
			st = cairn_git_fail(err, CAIRN_ECORRUPT, "%s: cannot read back the new commit",
					    g->gitdir);
		git_commit_free(c);
	}
	free(made);
	return st;
}

cairn_status cairn_git_make_commit(cairn_git *git, const cairn_oid *parent,
				   const cairn_oid *second, const cairn_git_change *changes,
				   size_t nchanges, const cairn_git_author *author,
				   const char *message, cairn_oid *out, cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_oid parent_id, tree_id, commit_id, *blobs = NULL;
	git_signature *sig = NULL;
	char *msg = NULL;
	bool has_parent = parent && parent->hex[0];
	size_t mlen;
	cairn_status st;

	out->hex[0] = '\0';
	if (!message || !*message)
		return cairn_fail(err, CAIRN_EINPUT, "a commit needs a message");
	if (has_parent && (st = cairn_git_parse_oid(&parent_id, parent, "parent commit", err)) != CAIRN_OK)
		return st;
	if ((st = check_changes(changes, nchanges, err)) != CAIRN_OK)
		return st;
	if ((st = make_signature(&sig, author, err)) != CAIRN_OK)
		return st;
	/* git expects a message to end with a newline. */
	mlen = strlen(message);
	if (!(msg = malloc(mlen + 2))) {
		st = cairn_oom(err);
		goto done;
	}
	memcpy(msg, message, mlen + 1);
	if (message[mlen - 1] != '\n')
		strcpy(msg + mlen, "\n");
	if (!(blobs = calloc(nchanges ? nchanges : 1, sizeof *blobs))) {
		st = cairn_oom(err);
		goto done;
	}
	if (nchanges >= PACK_AT)
		st = make_packed(git, has_parent ? &parent_id : NULL, second, changes, nchanges, sig,
				 msg, blobs, &tree_id, &commit_id, err);
	else
		st = build(git, git->repo, has_parent ? &parent_id : NULL, second, changes, nchanges,
			   sig, msg, blobs, &tree_id, &commit_id, err);
	if (st == CAIRN_OK)
		st = read_back(git, changes, nchanges, blobs, &tree_id, &commit_id, err);
	if (st == CAIRN_OK)
		cairn_git_hex_of(out, &commit_id);
done:
	git_signature_free(sig);
	free(blobs);
	free(msg);
	return st;
}
