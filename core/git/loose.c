/* Loose objects: checking them without libgit2.
 *
 * Debian 12's libgit2 1.5.1 loops for ever when it reads a loose object
 * cut short (a crash before the object reached the disk; fixed upstream
 * in 5254f5dc4, not backported).  So every check here reads the files
 * with zlib directly and hands nothing to libgit2 that it has not passed.
 *
 * Given the git folder as a string (git/loose.h), not the handle: below
 * repo.c, which with commit.c and repack.c calls it, it calls nothing back.
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
#include <zlib.h>

#include "git/loose.h"

/* Larger objects are checked for their length only, to bound memory;
 * git's records are a few kilobytes. */
#define HASH_LIMIT (64u << 20)

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

bool cairn_git_is_hex(const char *s, size_t n)
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

cairn_status cairn_git_verify_object_in(const char *gitdir, const cairn_oid *id, const char *data,
					size_t len, bool *loose, cairn_error *err)
{
	char path[PATH_MAX];
	git_oid want;
	struct stat sb;
	cairn_status st;
	int fd;

	*loose = false;
	if (strlen(id->hex) != 40 || !cairn_git_is_hex(id->hex, 40) || git_oid_fromstr(&want, id->hex) != 0)
		return cairn_fail(err, CAIRN_EINPUT, "\"%.41s\" is not a git id", id->hex);
	snprintf(path, sizeof path, "%sobjects/%.2s/%s", gitdir, id->hex, id->hex + 2);
	if ((st = open_object(AT_FDCWD, path, path, &fd, &sb, err)) != CAIRN_OK || fd < 0)
		return st;
	*loose = true;
	st = check_fd(fd, path, &want, data, len, err);
	close(fd);
	return st;
}

/* ---- every loose object ---- */

cairn_status cairn_git_each_loose(const char *objdir, cairn_git_loose_fn fn, void *ctx, cairn_error *err)
{
	DIR *top, *sub;
	struct dirent *de, *fe;
	cairn_status st = CAIRN_OK;

	if (!(top = opendir(objdir)))
		return cairn_fail(err, CAIRN_EIO, "%s: cannot list git's objects: %s", objdir,
				  strerror(errno));
	while (st == CAIRN_OK && (de = readdir(top)) != NULL) {
		int fd;

		if (strlen(de->d_name) != 2 || !cairn_git_is_hex(de->d_name, 2))
			continue;
		fd = openat(dirfd(top), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || !(sub = fdopendir(fd))) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while (st == CAIRN_OK && (fe = readdir(sub)) != NULL) {
			char hex[41], path[PATH_MAX];

			if (strlen(fe->d_name) != 38 || !cairn_git_is_hex(fe->d_name, 38))
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

cairn_status cairn_git_verify_loose_in(const char *gitdir, time_t since, size_t *checked,
				       cairn_error *err)
{
	struct verify_ctx v = { since, 0 };
	char objdir[PATH_MAX];
	cairn_status st;

	snprintf(objdir, sizeof objdir, "%sobjects", gitdir);
	st = cairn_git_each_loose(objdir, verify_one, &v, err);
	if (checked)
		*checked = v.checked;
	return st;
}
