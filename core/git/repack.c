/* Packing loose objects (cairn_git_maybe_pack, include/cairn/gitstore.h):
 * the commits not yet packed found from the refs, written into one pack by
 * libgit2, then the loose copies removed.  Above the repository handle and
 * loose.c (which checks every loose object before libgit2 reads it); apart
 * from loose.c because packing needs the repository and checking does not.
 */
#include "cairn/gitstore.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/odb_backend.h>

#include "git/loose.h"

/* libgit2 names its temporary object files so; one older than this was
 * left by a process that died while writing it. */
#define TMP_OBJECT_PREFIX "tmp_object_git2_"
#define TMP_OBJECT_AGE 3600

/* ---- packing ---- */

/* A set of ids, open addressing; small (the unpacked commits). */
struct oidset {
	git_oid *ids;
	bool *used;
	size_t n, cap;
};

static size_t oid_hash(const git_oid *id, size_t cap)
{
	size_t h;
	memcpy(&h, id->id, sizeof h);
	return h & (cap - 1);
}

/* 1 when added, 0 when already there, -1 out of memory. */
static int oidset_add(struct oidset *s, const git_oid *id)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct oidset bigger = { NULL, NULL, 0, s->cap ? s->cap * 2 : 64 };
		bigger.ids = malloc(bigger.cap * sizeof *bigger.ids);
		bigger.used = calloc(bigger.cap, sizeof *bigger.used);
		if (!bigger.ids || !bigger.used) {
			free(bigger.ids);
			free(bigger.used);
			return -1;
		}
		for (i = 0; i < s->cap; i++)
			if (s->used[i])
				oidset_add(&bigger, &s->ids[i]);
		free(s->ids);
		free(s->used);
		*s = bigger;
	}
	for (i = oid_hash(id, s->cap); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->ids[i], id))
			return 0;
	s->used[i] = true;
	git_oid_cpy(&s->ids[i], id);
	s->n++;
	return 1;
}

struct oidlist {
	git_oid *ids;
	size_t n, cap;
};

static bool oidlist_add(struct oidlist *l, const git_oid *id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		git_oid *ids = realloc(l->ids, cap * sizeof *ids);
		if (!ids)
			return false;
		l->ids = ids;
		l->cap = cap;
	}
	git_oid_cpy(&l->ids[l->n++], id);
	return true;
}

struct packer {
	git_repository *repo;
	git_odb *packs;             /* the pack files only */
	struct oidset seen;
	struct oidlist tips, edge, queue;
	const char *gitdir;
};

/* A commit not yet packed is walked; a packed one is an edge: packed
 * with everything it reaches (cairn packs whole walks), so the walk
 * stops there and the pack holds only what is new. */
static cairn_status visit(struct packer *pk, const git_oid *id, bool tip, cairn_error *err)
{
	int added = oidset_add(&pk->seen, id);
	bool ok = true;

	if (added < 0)
		return cairn_fail(err, CAIRN_ENOMEM, "out of memory while packing");
	if (added == 0)
		return CAIRN_OK;
	if (git_odb_exists(pk->packs, id))
		ok = oidlist_add(&pk->edge, id);
	else
		ok = oidlist_add(&pk->queue, id) && (!tip || oidlist_add(&pk->tips, id));
	return ok ? CAIRN_OK : cairn_fail(err, CAIRN_ENOMEM, "out of memory while packing");
}

static cairn_status find_new_commits(struct packer *pk, cairn_error *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	git_object *obj;
	git_oid head;
	cairn_status st = CAIRN_OK;
	size_t done = 0;

	if (git_reference_iterator_new(&it, pk->repo) != 0)
		return cairn_fail(err, CAIRN_EIO, "%s: cannot list the refs", pk->gitdir);
	/* HEAD, in case it is detached; refs that do not lead to a commit
	 * (a tag of a blob) have nothing to walk. */
	if (git_reference_name_to_id(&head, pk->repo, "HEAD") == 0)
		st = visit(pk, &head, true, err);
	while (st == CAIRN_OK && git_reference_next(&ref, it) == 0) {
		if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
			st = visit(pk, git_object_id(obj), true, err);
			git_object_free(obj);
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	while (st == CAIRN_OK && done < pk->queue.n) {
		git_commit *c = NULL;
		unsigned i;

		if (git_commit_lookup(&c, pk->repo, &pk->queue.ids[done++]) != 0)
			return cairn_fail(err, CAIRN_ECORRUPT, "%s: a commit is missing; run "
					  "`git fsck`", pk->gitdir);
		for (i = 0; i < git_commit_parentcount(c) && st == CAIRN_OK; i++)
			st = visit(pk, git_commit_parent_id(c, i), false, err);
		git_commit_free(c);
	}
	return st;
}

static cairn_status write_pack(struct packer *pk, size_t *objects, cairn_error *err)
{
	git_revwalk *walk = NULL;
	git_packbuilder *pb = NULL;
	char packdir[PATH_MAX];
	size_t i;
	int rc;

	*objects = 0;
	snprintf(packdir, sizeof packdir, "%sobjects/pack", pk->gitdir);
	rc = git_revwalk_new(&walk, pk->repo);
	for (i = 0; rc == 0 && i < pk->tips.n; i++)
		rc = git_revwalk_push(walk, &pk->tips.ids[i]);
	/* Hidden commits' trees are marked as already there, so unchanged
	 * folders are skipped rather than packed again. */
	for (i = 0; rc == 0 && i < pk->edge.n; i++)
		rc = git_revwalk_hide(walk, &pk->edge.ids[i]);
	if (rc == 0)
		rc = git_packbuilder_new(&pb, pk->repo);
	if (rc == 0)
		rc = git_packbuilder_insert_walk(pb, walk);
	if (rc == 0 && (*objects = git_packbuilder_object_count(pb)) > 0)
		rc = git_packbuilder_write(pb, packdir, 0, NULL, NULL);
	if (rc != 0) {
		const git_error *e = git_error_last();
		cairn_fail(err, CAIRN_EIO, "%s: cannot write a pack (%s); the loose objects "
			   "are untouched", packdir, e && e->message ? e->message : "no detail");
	}
	git_packbuilder_free(pb);
	git_revwalk_free(walk);
	return rc == 0 ? CAIRN_OK : CAIRN_EIO;
}

struct prune_ctx {
	git_odb *packs;
	size_t removed;
};

static cairn_status prune_one(int dirfd, const char *name, const char *hex, const char *path,
			      void *ctx, cairn_error *err)
{
	struct prune_ctx *pc = ctx;
	git_oid id;

	if (git_oid_fromstr(&id, hex) == 0 && git_odb_exists(pc->packs, &id) &&
	    unlinkat(dirfd, name, 0) == 0)
		pc->removed++;
	return CAIRN_OK;
}

/* Remove libgit2's abandoned temporary files and, after a prune, the
 * fan-out folders it emptied (only then: another writer may have just
 * made a folder it is about to fill). */
static void tidy_objects(const char *objdir, bool folders)
{
	DIR *d = opendir(objdir);
	struct dirent *de;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;

		if (folders && strlen(de->d_name) == 2 && cairn_git_is_hex(de->d_name, 2))
			unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		else if (strncmp(de->d_name, TMP_OBJECT_PREFIX, strlen(TMP_OBJECT_PREFIX)) == 0 &&
			 fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			 S_ISREG(sb.st_mode) && now - sb.st_mtime > TMP_OBJECT_AGE)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/* git gc --auto's estimate: one fan-out folder of 256. */
static size_t estimate_loose(const char *gitdir)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	snprintf(dir, sizeof dir, "%sobjects/17", gitdir);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strlen(de->d_name) == 38 && cairn_git_is_hex(de->d_name, 38))
			n++;
	closedir(d);
	return n * 256;
}

cairn_status cairn_git_maybe_pack(cairn_git *git, size_t threshold, bool *packed,
				  cairn_error *err)
{
	struct packer pk;
	struct prune_ctx pc;
	git_odb_backend *backend = NULL;
	char objdir[PATH_MAX];
	size_t objects = 0;
	cairn_status st;

	*packed = false;
	memset(&pk, 0, sizeof pk);
	pk.gitdir = cairn_git_commondir(git);
	snprintf(objdir, sizeof objdir, "%sobjects", pk.gitdir);
	if (estimate_loose(pk.gitdir) <= threshold) {
		tidy_objects(objdir, false);
		return CAIRN_OK;
	}
	/* Everything libgit2 reads below was checked first: the walk reads
	 * loose commits and trees. */
	if ((st = cairn_git_verify_loose_in(pk.gitdir, 0, NULL, err)) != CAIRN_OK)
		return st;
	/* A handle of our own: the caller's is the handle's (repo.c), and a
	 * pack run is rare enough that an open costs nothing. */
	if (git_repository_open_bare(&pk.repo, pk.gitdir) != 0 ||
	    git_odb_new(&pk.packs) != 0 ||
	    git_odb_backend_pack(&backend, objdir) != 0 ||
	    git_odb_add_backend(pk.packs, backend, 1) != 0) {
		const git_error *e = git_error_last();
		/* The odb owns the backend once added; before that, it is ours. */
		if (backend && pk.packs && git_odb_num_backends(pk.packs) == 0)
			backend->free(backend);
		st = cairn_fail(err, CAIRN_EIO, "%s: cannot open the objects to pack them (%s)",
				objdir, e && e->message ? e->message : "no detail");
		goto done;
	}
	if ((st = find_new_commits(&pk, err)) != CAIRN_OK)
		goto done;
	if (pk.tips.n > 0 && (st = write_pack(&pk, &objects, err)) != CAIRN_OK)
		goto done;
	/* The new pack (fsynced by libgit2) must be seen before anything it
	 * holds is deleted. */
	if (git_odb_refresh(pk.packs) != 0) {
		st = cairn_fail(err, CAIRN_EIO, "%s: cannot reread the packs", objdir);
		goto done;
	}
	pc.packs = pk.packs;
	pc.removed = 0;
	st = cairn_git_each_loose(objdir, prune_one, &pc, err);
	tidy_objects(objdir, true);
	*packed = objects > 0 || pc.removed > 0;
done:
	git_odb_free(pk.packs);
	git_repository_free(pk.repo);
	free(pk.seen.ids);
	free(pk.seen.used);
	free(pk.tips.ids);
	free(pk.edge.ids);
	free(pk.queue.ids);
	return st;
}
