/* Loose objects: checking them without libgit2, and packing them.
 *
 * Debian 12's libgit2 1.5.1 loops for ever when it reads a loose object
 * cut short (a crash before the object reached the disk; fixed upstream
 * in 5254f5dc4, not backported).  So every check here reads the files
 * with zlib directly and hands nothing to libgit2 that it has not passed.
 */
#include "cairn/gitstore.h"
#include "cairn/sha1.h"

#include <dirent.h>
#include <errno.h>
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
#include <zlib.h>

/* Larger objects are checked for their length only, to bound memory;
 * git's records are a few kilobytes. */
#define HASH_LIMIT (64u << 20)
/* libgit2 names its temporary object files so; one older than this was
 * left by a process that died while writing it. */
#define TMP_OBJECT_PREFIX "tmp_object_git2_"
#define TMP_OBJECT_AGE 3600

/* ---- reading one loose object ---- */

struct zin {
	int fd;
	z_stream zs;
	unsigned char in[16384];
	bool eof, ended;
	const char *path;
};

static cairn_status damaged(cairn_error *err, const char *path, const char *why)
{
	return cairn_fail(err, CAIRN_ECORRUPT,
			  "%s: loose git object is truncated or damaged (%s); a crash or power "
			  "cut before it reached the disk?  Move it out of the repository and "
			  "fetch it again from a remote, or restore it from a backup: `git "
			  "fsck` then lists what is missing", path, why);
}

/* One inflate call into out[0..room), room > 0; *made is what it wrote.
 * Each call consumes input or produces output, or fails: the file is
 * finite and room bounded, so callers' loops end. */
static cairn_status step(struct zin *z, unsigned char *out, size_t room, size_t *made,
			 cairn_error *err)
{
	int rc;

	*made = 0;
	if (z->zs.avail_in == 0 && !z->eof) {
		ssize_t n;
		do
			n = read(z->fd, z->in, sizeof z->in);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return cairn_fail(err, CAIRN_EIO, "%s: %s", z->path, strerror(errno));
		z->zs.next_in = z->in;
		z->zs.avail_in = (uInt)n;
		z->eof = n == 0;
	}
	z->zs.next_out = out;
	z->zs.avail_out = (uInt)room;
	rc = inflate(&z->zs, Z_NO_FLUSH);
	*made = room - z->zs.avail_out;
	switch (rc) {
	case Z_STREAM_END:
		z->ended = true;
		return CAIRN_OK;
	case Z_OK:
		return CAIRN_OK;
	case Z_BUF_ERROR:
		if (z->zs.avail_in == 0 && !z->eof)
			return CAIRN_OK;
		return damaged(err, z->path, z->eof ? "the compressed data stops early"
			       : "zlib can make no progress");
	case Z_MEM_ERROR:
		return cairn_fail(err, CAIRN_ENOMEM, "%s: out of memory", z->path);
	default:
		return damaged(err, z->path, "not valid zlib data");
	}
}

static git_object_t parse_header(const char *hdr, unsigned long long *size)
{
	static const struct { const char *name; git_object_t type; } types[] = {
		{ "blob ", GIT_OBJECT_BLOB }, { "tree ", GIT_OBJECT_TREE },
		{ "commit ", GIT_OBJECT_COMMIT }, { "tag ", GIT_OBJECT_TAG },
	};
	const char *p = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t n = strlen(types[i].name);
		if (strncmp(hdr, types[i].name, n) == 0) {
			p = hdr + n;
			type = types[i].type;
			break;
		}
	}
	if (!p || *p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
		return GIT_OBJECT_INVALID;
	*size = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || *size > (~0ULL - 9) / 10)
			return GIT_OBJECT_INVALID;
		*size = *size * 10 + (unsigned)(*p - '0');
	}
	return type;
}

/* Where the payload goes: kept whole for hashing when small enough,
 * compared with what the caller wrote when given. */
struct payload {
	unsigned char *buf;
	unsigned long long size, have;
	const char *expect;
	size_t expect_len;
	bool differs;
};

static void take(struct payload *p, const unsigned char *data, size_t n, bool copy)
{
	if (copy)
		memcpy(p->buf + p->have, data, n);
	if (p->expect && !p->differs &&
	    (p->have + n > p->expect_len || memcmp(p->expect + p->have, data, n) != 0))
		p->differs = true;
	p->have += n;
}

/* Inflate the loose object open on fd and check that it is what its name
 * (want) says and, with expect, that it holds those bytes. */
static cairn_status check_fd(int fd, const char *path, const git_oid *want,
			     const char *expect, size_t expect_len, cairn_error *err)
{
	struct zin *z;
	struct payload p = { NULL, 0, 0, expect, expect_len, false };
	unsigned char hdr[32], scratch[4096];
	size_t got = 0, hlen = 0, made;
	unsigned char *nul = NULL;
	git_object_t type;
	git_oid id;
	cairn_status st = CAIRN_OK;

	if (!(z = calloc(1, sizeof *z)))
		return cairn_fail(err, CAIRN_ENOMEM, "%s: out of memory", path);
	z->fd = fd;
	z->path = path;
	if (inflateInit(&z->zs) != Z_OK) {
		free(z);
		return cairn_fail(err, CAIRN_ENOMEM, "%s: cannot start zlib", path);
	}
	/* "<type> <size>\0" fits in 32 bytes for any size git can hold. */
	while (!nul && st == CAIRN_OK) {
		if (got == sizeof hdr || z->ended) {
			st = damaged(err, path, "no valid header");
			break;
		}
		st = step(z, hdr + got, sizeof hdr - got, &made, err);
		got += made;
		nul = memchr(hdr, '\0', got);
	}
	if (st != CAIRN_OK)
		goto done;
	type = parse_header((const char *)hdr, &p.size);
	if (type == GIT_OBJECT_INVALID) {
		st = damaged(err, path, "no valid header");
		goto done;
	}
	hlen = (size_t)(nul - hdr) + 1;
	if (got - hlen > p.size) {
		st = damaged(err, path, "longer than its header says");
		goto done;
	}
	if (p.size <= HASH_LIMIT && !(p.buf = malloc(p.size ? p.size : 1))) {
		st = cairn_fail(err, CAIRN_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	take(&p, hdr + hlen, got - hlen, p.buf != NULL);

	/* The output is bounded by the declared size: a stream that would
	 * give more is damaged, and one that ends sooner is cut short. */
	while (p.have < p.size) {
		unsigned long long left = p.size - p.have;
		unsigned char *out = p.buf ? p.buf + p.have : scratch;
		size_t room = p.buf ? (size_t)left
			: (size_t)(left < sizeof scratch ? left : sizeof scratch);

		if (z->ended) {
			st = damaged(err, path, "shorter than its header says");
			goto done;
		}
		if ((st = step(z, out, room, &made, err)) != CAIRN_OK)
			goto done;
		take(&p, out, made, false);
	}
	/* All the bytes are in; the stream must end now, with its checksum. */
	while (!z->ended) {
		if ((st = step(z, scratch, 1, &made, err)) != CAIRN_OK)
			goto done;
		if (made) {
			st = damaged(err, path, "longer than its header says");
			goto done;
		}
	}
	if (z->zs.avail_in > 0 || (read(fd, scratch, 1) > 0)) {
		st = damaged(err, path, "bytes after the end of the compressed data");
		goto done;
	}
	if (p.buf) {
		unsigned char raw[20];
		cairn_sha1_object(git_object_type2string(type), p.buf, (size_t)p.size, raw);
		git_oid_fromraw(&id, raw);
		if (!git_oid_equal(&id, want)) {
			st = damaged(err, path, "its content does not match its name");
			goto done;
		}
	}
	if (expect && (p.differs || p.size != expect_len))
		st = cairn_fail(err, CAIRN_ECORRUPT,
				"%s: reading the object back gave other bytes than were "
				"written; nothing was committed.  Check the disk (dmesg), "
				"then run `git fsck`", path);
done:
	inflateEnd(&z->zs);
	free(z);
	free(p.buf);
	return st;
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[n] == '\0';
}

/* Open a loose object file without following links; *fd is -1 (and the
 * result OK) when there is none. */
static cairn_status open_object(int dirfd, const char *name, const char *path, int *fd,
				struct stat *st, cairn_error *err)
{
	*fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ENOENT)
			return CAIRN_OK;
		if (errno == ELOOP)
			return damaged(err, path, "a symbolic link where an object should be");
		return cairn_fail(err, CAIRN_EIO, "%s: %s", path, strerror(errno));
	}
	if (fstat(*fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(*fd);
		*fd = -1;
		return damaged(err, path, "not a regular file");
	}
	return CAIRN_OK;
}

cairn_status cairn_git_verify_object(cairn_git *git, const cairn_oid *id, const char *data,
				     size_t len, bool *loose, cairn_error *err)
{
	char path[PATH_MAX];
	git_oid want;
	struct stat sb;
	cairn_status st;
	int fd;

	*loose = false;
	if (strlen(id->hex) != 40 || !is_hex(id->hex, 40) || git_oid_fromstr(&want, id->hex) != 0)
		return cairn_fail(err, CAIRN_EINPUT, "\"%.41s\" is not a git id", id->hex);
	snprintf(path, sizeof path, "%sobjects/%.2s/%s", cairn_git_gitdir(git), id->hex,
		 id->hex + 2);
	if ((st = open_object(AT_FDCWD, path, path, &fd, &sb, err)) != CAIRN_OK || fd < 0)
		return st;
	*loose = true;
	st = check_fd(fd, path, &want, data, len, err);
	close(fd);
	return st;
}

/* ---- every loose object ---- */

/* Call fn for each loose object file of objdir (objects/xx/yyyy...). */
typedef cairn_status (*loose_fn)(int dirfd, const char *name, const char *hex,
				 const char *path, void *ctx, cairn_error *err);

static cairn_status each_loose(const char *objdir, loose_fn fn, void *ctx, cairn_error *err)
{
	DIR *top, *sub;
	struct dirent *de, *fe;
	cairn_status st = CAIRN_OK;

	if (!(top = opendir(objdir)))
		return cairn_fail(err, CAIRN_EIO, "%s: cannot list git's objects: %s", objdir,
				  strerror(errno));
	while (st == CAIRN_OK && (de = readdir(top)) != NULL) {
		int fd;

		if (strlen(de->d_name) != 2 || !is_hex(de->d_name, 2))
			continue;
		fd = openat(dirfd(top), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || !(sub = fdopendir(fd))) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while (st == CAIRN_OK && (fe = readdir(sub)) != NULL) {
			char hex[41], path[PATH_MAX];

			if (strlen(fe->d_name) != 38 || !is_hex(fe->d_name, 38))
				continue;
			memcpy(hex, de->d_name, 2);
			memcpy(hex + 2, fe->d_name, 39);
			snprintf(path, sizeof path, "%s/%s/%s", objdir, de->d_name, fe->d_name);
			st = fn(dirfd(sub), fe->d_name, hex, path, ctx, err);
		}
		closedir(sub);
	}
	closedir(top);
	return st;
}

struct verify_ctx {
	time_t since;
	size_t checked;
};

static cairn_status verify_one(int dirfd, const char *name, const char *hex, const char *path,
			       void *ctx, cairn_error *err)
{
	struct verify_ctx *v = ctx;
	struct stat sb;
	git_oid want;
	cairn_status st;
	int fd;

	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || sb.st_mtime < v->since)
		return CAIRN_OK;
	if ((st = open_object(dirfd, name, path, &fd, &sb, err)) != CAIRN_OK || fd < 0)
		return st;
	if (git_oid_fromstr(&want, hex) != 0)
		st = damaged(err, path, "a name that is not an object id");
	else
		st = check_fd(fd, path, &want, NULL, 0, err);
	close(fd);
	if (st == CAIRN_OK)
		v->checked++;
	return st;
}

cairn_status cairn_git_verify_loose(cairn_git *git, time_t since, size_t *checked,
				    cairn_error *err)
{
	struct verify_ctx v = { since, 0 };
	char objdir[PATH_MAX];
	cairn_status st;

	snprintf(objdir, sizeof objdir, "%sobjects", cairn_git_gitdir(git));
	st = each_loose(objdir, verify_one, &v, err);
	if (checked)
		*checked = v.checked;
	return st;
}

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

		if (folders && strlen(de->d_name) == 2 && is_hex(de->d_name, 2))
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
		if (strlen(de->d_name) == 38 && is_hex(de->d_name, 38))
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
	pk.gitdir = cairn_git_gitdir(git);
	snprintf(objdir, sizeof objdir, "%sobjects", pk.gitdir);
	if (estimate_loose(pk.gitdir) <= threshold) {
		tidy_objects(objdir, false);
		return CAIRN_OK;
	}
	/* Everything libgit2 reads below was checked first: the walk reads
	 * loose commits and trees. */
	if ((st = cairn_git_verify_loose(git, 0, NULL, err)) != CAIRN_OK)
		return st;
	/* A handle of our own: the caller's is private to gitstore.c, and a
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
	st = each_loose(objdir, prune_one, &pc, err);
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
