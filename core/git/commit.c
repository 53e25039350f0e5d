/* Commits built from memory (see include/cairn/gitstore.h): the changes
 * checked, each blob written and read back, the tree updated and read
 * back (Fossil's rule), then the branch moved by compare-and-swap
 * (refs.c).  Loose objects are read back by loose.c, not libgit2.
 */
#include "cairn/gitstore.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>

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
static cairn_status write_blob(cairn_git *g, const cairn_git_change *ch, git_oid *id,
			       cairn_error *err)
{
	git_blob *b = NULL;
	cairn_oid hex;
	cairn_status st;
	bool loose;

	if (git_blob_create_from_buffer(id, g->repo, ch->data, ch->len) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot store \"%s\"", g->gitdir, ch->path);
	cairn_git_hex_of(&hex, id);
	st = cairn_git_verify_object_in(cairn_git_commondir(g), &hex, ch->data, ch->len, &loose, err);
	if (st != CAIRN_OK || loose)
		return st;
	/* Already in a pack, which libgit2 reads safely. */
	if (git_blob_lookup(&b, g->repo, id) != 0 || (size_t)git_blob_rawsize(b) != ch->len ||
	    memcmp(git_blob_rawcontent(b), ch->data, ch->len) != 0)
		st = cairn_git_fail(err, CAIRN_ECORRUPT,
				    "%s: reading back \"%s\" (blob %s) gave other bytes than were "
				    "written; nothing was committed: check the disk, then run `git fsck`",
				    g->gitdir, ch->path, hex.hex);
	git_blob_free(b);
	return st;
}

/* The tree updates for changes on top of base; a removal of a path the
 * base lacks is dropped, so that a retried save stays harmless. */
static cairn_status plan_updates(cairn_git *g, git_tree *base,
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
			cairn_status st = write_blob(g, &changes[i], &blobs[i], err);
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
static cairn_status base_tree(cairn_git *g, const git_oid *parent, git_commit **pc,
			      git_tree **base, cairn_error *err)
{
	git_treebuilder *tb = NULL;
	git_oid empty;
	int rc;

	if (parent) {
		if (git_commit_lookup(pc, g->repo, parent) != 0)
			return cairn_git_fail(err, CAIRN_ENOTFOUND, "%s: the parent commit is missing",
					      g->gitdir);
		if (git_commit_tree(base, *pc) != 0)
			return cairn_git_fail(err, CAIRN_ECORRUPT, "%s: the parent commit has no tree",
					      g->gitdir);
		return CAIRN_OK;
	}
	rc = git_treebuilder_new(&tb, g->repo, NULL);
	if (rc == 0)
		rc = git_treebuilder_write(&empty, tb);
	git_treebuilder_free(tb);
	if (rc == 0)
		rc = git_tree_lookup(base, g->repo, &empty);
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
	git_tree_update *ups = NULL;
	git_commit *pc = NULL, *pc2 = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_signature *sig = NULL;
	char *msg = NULL;
	bool has_parent = parent && parent->hex[0];
	size_t nups, mlen;
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

	blobs = calloc(nchanges ? nchanges : 1, sizeof *blobs);
	ups = calloc(nchanges ? nchanges : 1, sizeof *ups);
	if (!blobs || !ups) {
		st = cairn_oom(err);
		goto done;
	}
	if ((st = base_tree(git, has_parent ? &parent_id : NULL, &pc, &base, err)) != CAIRN_OK)
		goto done;
	if ((st = plan_updates(git, base, changes, nchanges, blobs, ups, &nups, err)) != CAIRN_OK)
		goto done;
	if (git_tree_create_updated(&tree_id, git->repo, base, nups, ups) != 0 ||
	    git_tree_lookup(&tree, git->repo, &tree_id) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the new tree", git->gitdir);
		goto done;
	}
	if (has_parent && second && second->hex[0]) {
		git_oid second_id;
		const git_commit *parents[2] = { pc, NULL };
		if ((st = cairn_git_parse_oid(&second_id, second, "merged commit", err)) != CAIRN_OK)
			goto done;
		if (git_commit_lookup(&pc2, git->repo, &second_id) != 0) {
			st = cairn_git_fail(err, CAIRN_ENOTFOUND, "%s: the merged commit is missing", git->gitdir);
			goto done;
		}
		parents[1] = pc2;
		if (git_commit_create(&commit_id, git->repo, NULL, sig, sig, NULL, msg, tree, 2,
				      parents) != 0) {
			st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the commit", git->gitdir);
			goto done;
		}
	} else if (git_commit_create(&commit_id, git->repo, NULL, sig, sig, NULL, msg, tree,
				     has_parent ? 1 : 0, (const git_commit **)&pc) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the commit", git->gitdir);
		goto done;
	}
	if ((st = read_back(git, changes, nchanges, blobs, &tree_id, &commit_id, err)) != CAIRN_OK)
		goto done;
	cairn_git_hex_of(out, &commit_id);
done:
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(pc);
	git_commit_free(pc2);
	git_signature_free(sig);
	free(ups);
	free(blobs);
	free(msg);
	return st;
}
