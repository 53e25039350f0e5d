/* A git pack and its version-2 index, written from objects handed in one
 * by one (see core/git/pack.h).  The formats are git's
 * Documentation/gitformat-pack.txt: "PACK", version 2, the object count,
 * then per object a type-and-size header and a zlib stream (of the object,
 * or of a delta against an earlier entry, OFS_DELTA), then the SHA-1 of it
 * all; the index holds a fan-out table, the sorted ids, each entry's CRC-32
 * and offset, and the two checksums. */
#include "git/pack.h"
#include "git/shared.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/fs.h"
#include "cairn/sha1.h"
#include "git/oidmap.h"

enum { PACK_COMMIT = 1, PACK_TREE = 2, PACK_BLOB = 3, PACK_TAG = 4, PACK_OFS_DELTA = 6 };
/* A reader applies every delta of a chain; ten keeps old versions cheap. */
#define GITPACK_DEPTH_MAX 9
#define STORED_BLOCK_MAX 65535u
#define LARGE_OFFSET 0x80000000u
/* Entries wait in memory up to this much, then go to the file: a long
 * history never has to fit in memory. */
#define FLUSH_AT (1u << 20)
/* The last versions kept as delta bases: beyond this, a path not seen yet
 * is not remembered (a first fetch of a large history), while the paths
 * kept go on being replaced by their newer versions. */
#define REMEMBER_MAX (64u << 20)

typedef struct entry {
	git_oid id;
	uint64_t offset;
	uint32_t crc;
	int depth;
	git_object_t type;      /* a delta takes its base's type */
} entry;

/* The last object written at a path: the likely base of the next one. */
typedef struct last_at {
	char *path;
	size_t entry;           /* index into entries */
	char *data;
	size_t len;
} last_at;

struct gitpack {
	char *gitdir;
	cairn_shared shared;    /* the repository's core.sharedRepository */
	char *tmp;              /* objects/pack/tmp_pack_XXXXXX, the pack so far */
	int fd;
	uint64_t flushed;       /* bytes of it in the file */
	cairn_buf out;          /* and after them, still in memory */
	entry *v;
	size_t n, cap;
	oidmap by_id;           /* id to index into v */
	last_at *last;
	size_t nlast, last_cap;
	size_t remembered;      /* bytes of data held in last */
	cairn_buf delta;        /* scratch */
};

/* ---- CRC-32 (the index's per-entry check) and Adler-32 (zlib's) ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	if (!crc_table[1])
		crc_init();
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint32_t adler32_of(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n) {
		/* 5552 bytes keep the sums below 2^32 between reductions. */
		size_t k = n < 5552 ? n : 5552;
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521u;
		b %= 65521u;
	}
	return b << 16 | a;
}

/* ---- the pieces of an entry ---- */

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void add_be32(cairn_buf *b, uint32_t v)
{
	unsigned char p[4];
	put_be32(p, v);
	cairn_buf_add(b, p, 4);
}

/* A zlib stream of stored blocks: valid for every inflater, no zlib
 * needed to write it. */
static void add_stored(cairn_buf *b, const unsigned char *data, size_t len)
{
	size_t off = 0;

	cairn_buf_add(b, "\x78\x01", 2);
	do {
		size_t k = len - off > STORED_BLOCK_MAX ? STORED_BLOCK_MAX : len - off;
		unsigned char h[5] = { off + k == len, (unsigned char)k, (unsigned char)(k >> 8),
				       (unsigned char)~k, (unsigned char)(~k >> 8) };
		cairn_buf_add(b, h, sizeof h);
		cairn_buf_add(b, data + off, k);
		off += k;
	} while (off < len);
	add_be32(b, adler32_of(data, len));
}

static void add_header(cairn_buf *b, int type, size_t size)
{
	unsigned char c = (unsigned char)(type << 4 | (size & 15));

	for (size >>= 4; size; size >>= 7) {
		cairn_buf_addc(b, (char)(c | 0x80));
		c = size & 127;
	}
	cairn_buf_addc(b, (char)c);
}

/* OFS_DELTA's distance back to the base, in git's own varint. */
static void add_distance(cairn_buf *b, uint64_t d)
{
	unsigned char v[10];
	size_t pos = sizeof v - 1;

	v[pos] = d & 127;
	while (d >>= 7)
		v[--pos] = (unsigned char)(128 | (--d & 127));
	cairn_buf_add(b, v + pos, sizeof v - pos);
}

static void add_size(cairn_buf *b, size_t v)
{
	for (; v >= 128; v >>= 7)
		cairn_buf_addc(b, (char)((v & 127) | 128));
	cairn_buf_addc(b, (char)v);
}

static void add_copy(cairn_buf *b, size_t off, size_t len)
{
	while (len) {
		size_t k = len > 0xffffff ? 0xffffff : len;
		unsigned char op[8], flags = 0x80;
		size_t n = 1;
		for (int i = 0; i < 4; i++)
			if ((off >> (8 * i)) & 255) {
				flags |= (unsigned char)(1 << i);
				op[n++] = (unsigned char)(off >> (8 * i));
			}
		for (int i = 0; i < 3; i++)
			if ((k >> (8 * i)) & 255) {
				flags |= (unsigned char)(16 << i);
				op[n++] = (unsigned char)(k >> (8 * i));
			}
		op[0] = flags;
		cairn_buf_add(b, op, n);
		off += k;
		len -= k;
	}
}

/* The delta from base to data: copy their common head, insert what
 * differs, copy their common tail.  One changed line of a record, or one
 * changed entry of a tree, is a few dozen bytes. */
static void make_delta(cairn_buf *d, const unsigned char *base, size_t blen,
		       const unsigned char *data, size_t len)
{
	size_t head = 0, tail = 0, mid;

	while (head < blen && head < len && base[head] == data[head])
		head++;
	while (tail < blen - head && tail < len - head &&
	       base[blen - 1 - tail] == data[len - 1 - tail])
		tail++;
	cairn_buf_reset(d);
	add_size(d, blen);
	add_size(d, len);
	add_copy(d, 0, head);
	for (mid = head; mid < len - tail;) {
		size_t k = len - tail - mid > 127 ? 127 : len - tail - mid;
		cairn_buf_addc(d, (char)k);
		cairn_buf_add(d, data + mid, k);
		mid += k;
	}
	add_copy(d, blen - tail, tail);
}

/* ---- the last object at each path ---- */

static size_t path_hash(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static last_at *last_slot(gitpack *p, const char *path)
{
	if (!p->last_cap)
		return NULL;
	for (size_t i = path_hash(path) & (p->last_cap - 1);; i = (i + 1) & (p->last_cap - 1))
		if (!p->last[i].path || !strcmp(p->last[i].path, path))
			return &p->last[i];
}

/* Remember data as the last object at path; false when out of memory. */
static bool remember(gitpack *p, const char *path, size_t e, const void *data, size_t len)
{
	last_at *s = last_slot(p, path);
	char *copy;

	if ((!s || !s->path) && p->remembered + len > REMEMBER_MAX)
		return true;
	if (2 * (p->nlast + 1) > p->last_cap) {
		size_t cap = p->last_cap ? 2 * p->last_cap : 256;
		last_at *t = calloc(cap, sizeof *t);
		if (!t)
			return false;
		for (size_t k = 0; k < p->last_cap; k++) {
			if (!p->last[k].path)
				continue;
			size_t i = path_hash(p->last[k].path) & (cap - 1);
			while (t[i].path)
				i = (i + 1) & (cap - 1);
			t[i] = p->last[k];
		}
		free(p->last);
		p->last = t;
		p->last_cap = cap;
	}
	if (!(copy = malloc(len ? len : 1)))
		return false;
	memcpy(copy, data, len);
	s = last_slot(p, path);
	if (!s->path) {
		if (!(s->path = strdup(path))) {
			free(copy);
			return false;
		}
		p->nlast++;
	}
	p->remembered += len - s->len;
	free(s->data);
	s->data = copy;
	s->len = len;
	s->entry = e;
	return true;
}

/* ---- the API ---- */

static cairn_status errno_fail(cairn_error *err, const char *what, const char *path)
{
	return cairn_fail(err, CAIRN_EIO, "cannot %s %s: %s", what, path, strerror(errno));
}

cairn_status gitpack_new(gitpack **out, const char *gitdir, cairn_error *err)
{
	gitpack *p = calloc(1, sizeof *p);
	cairn_buf path = CAIRN_BUF_INIT;
	cairn_status st;

	if (!(*out = p))
		return cairn_oom(err);
	p->fd = -1;
	cairn_buf_init(&p->out);
	cairn_buf_init(&p->delta);
	/* The header; the count is filled in when the pack is written. */
	cairn_buf_add(&p->out, "PACK\0\0\0\2\0\0\0\0", 12);
	/* git's own name for a pack being written: git gc removes one a crash
	 * left behind. */
	cairn_buf_printf(&path, "%sobjects/pack", gitdir);
	cairn_shared_read(&p->shared, gitdir);
	if (path.oom || !(p->gitdir = strdup(gitdir)))
		st = cairn_oom(err);
	else if ((st = cairn_fs_mkdirs(cairn_buf_str(&path), err)) == CAIRN_OK) {
		cairn_buf_adds(&path, "/tmp_pack_XXXXXX");
		if (path.oom)
			st = cairn_oom(err);
		else if ((p->fd = mkstemp(path.data)) < 0)
			st = errno_fail(err, "create", cairn_buf_str(&path));
		else
			p->tmp = cairn_buf_detach(&path, NULL);
	}
	cairn_buf_done(&path);
	return st;
}

void gitpack_free(gitpack *p)
{
	if (!p)
		return;
	if (p->fd >= 0) {
		close(p->fd);
		unlink(p->tmp);
	}
	free(p->tmp);
	free(p->gitdir);
	for (size_t i = 0; i < p->last_cap; i++) {
		free(p->last[i].path);
		free(p->last[i].data);
	}
	free(p->last);
	oidmap_done(&p->by_id);
	free(p->v);
	cairn_buf_done(&p->out);
	cairn_buf_done(&p->delta);
	free(p);
}

static bool write_all(int fd, const void *data, size_t len)
{
	const char *c = data;

	while (len) {
		ssize_t w = write(fd, c, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		len -= (size_t)w;
	}
	return true;
}

static cairn_status flush(gitpack *p, cairn_error *err)
{
	if (!write_all(p->fd, p->out.data, p->out.len))
		return errno_fail(err, "write", p->tmp);
	p->flushed += p->out.len;
	cairn_buf_reset(&p->out);
	return CAIRN_OK;
}

bool gitpack_has(const gitpack *p, const git_oid *id)
{
	return oidmap_get(&p->by_id, id, NULL);
}

size_t gitpack_objects(const gitpack *p)
{
	return p->n;
}

size_t gitpack_bytes(const gitpack *p)
{
	return (size_t)p->flushed + p->out.len;
}

static int pack_type(git_object_t type)
{
	switch (type) {
	case GIT_OBJECT_COMMIT: return PACK_COMMIT;
	case GIT_OBJECT_TREE: return PACK_TREE;
	case GIT_OBJECT_BLOB: return PACK_BLOB;
	case GIT_OBJECT_TAG: return PACK_TAG;
	default: return 0;
	}
}

cairn_status gitpack_add(gitpack *p, git_object_t type, const git_oid *id, const void *data,
			 size_t len, const char *path, const git_oid *base, cairn_error *err)
{
	last_at *last = base && type != GIT_OBJECT_COMMIT ? last_slot(p, path) : NULL;
	size_t start = p->out.len;
	entry *e;

	if (p->fd < 0)
		return cairn_fail(err, CAIRN_EINPUT, "the pack is written already");
	if (!pack_type(type))
		return cairn_fail(err, CAIRN_EINPUT, "a git object of type %d cannot be packed", type);
	if (gitpack_has(p, id))
		return CAIRN_OK;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		entry *v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return cairn_oom(err);
		p->v = v;
		p->cap = cap;
	}
	e = &p->v[p->n];
	memset(e, 0, sizeof *e);
	e->id = *id;
	e->offset = p->flushed + start;
	e->type = type;
	if (last && last->path && git_oid_equal(&p->v[last->entry].id, base) &&
	    p->v[last->entry].type == type && p->v[last->entry].depth < GITPACK_DEPTH_MAX) {
		const entry *b = &p->v[last->entry];
		make_delta(&p->delta, (const unsigned char *)last->data, last->len, data, len);
		if (p->delta.len < len) {
			add_header(&p->out, PACK_OFS_DELTA, p->delta.len);
			add_distance(&p->out, e->offset - b->offset);
			add_stored(&p->out, (const unsigned char *)p->delta.data, p->delta.len);
			e->depth = b->depth + 1;
		}
	}
	if (p->out.len == start) {
		add_header(&p->out, pack_type(type), len);
		add_stored(&p->out, data, len);
	}
	if (p->out.oom || p->delta.oom || !oidmap_put(&p->by_id, id, p->n)) {
		p->out.len = start;
		return cairn_oom(err);
	}
	e->crc = crc32_of((const unsigned char *)p->out.data + start, p->out.len - start);
	p->n++;
	if (type != GIT_OBJECT_COMMIT && path && !remember(p, path, p->n - 1, data, len))
		return cairn_oom(err);
	return p->out.len >= FLUSH_AT ? flush(p, err) : CAIRN_OK;
}

static int by_id(const void *a, const void *b)
{
	return memcmp(((const entry *)a)->id.id, ((const entry *)b)->id.id, GIT_OID_RAWSZ);
}

/* The count into the header, then the SHA-1 of the whole file after it:
 * read back, as it was written in pieces. */
static cairn_status finish_pack(gitpack *p, unsigned char sum[20], bool keep, cairn_error *err)
{
	unsigned char count[4], chunk[65536];
	cairn_sha1 sha;
	cairn_status st;
	ssize_t r;

	if ((st = flush(p, err)))
		return st;
	put_be32(count, (uint32_t)p->n);
	if (pwrite(p->fd, count, sizeof count, 8) != (ssize_t)sizeof count ||
	    lseek(p->fd, 0, SEEK_SET) != 0)
		return errno_fail(err, "write", p->tmp);
	cairn_sha1_init(&sha);
	while ((r = read(p->fd, chunk, sizeof chunk)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			cairn_sha1_update(&sha, chunk, (size_t)r);
	if (r < 0)
		return errno_fail(err, "read", p->tmp);
	cairn_sha1_final(&sha, sum);
	/* Read-only, as git leaves its packs (mkstemp made it 0600); one
	 * only sent need not reach the disk. */
	if (!write_all(p->fd, sum, 20) ||
	    (keep && (fchmod(p->fd, 0444) != 0 || fsync(p->fd) != 0)))
		return errno_fail(err, "write", p->tmp);
	return CAIRN_OK;
}

/* The index, written whole to a temporary file, read-only like the pack
 * (whatever the umask: in a group's shared folder every member reads it),
 * fsynced and renamed to name; then the folder is fsynced, for both. */
static cairn_status write_index(gitpack *p, const cairn_buf *idx, const char *name,
				cairn_error *err)
{
	cairn_buf tmp = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT;
	cairn_status st = CAIRN_OK;
	int fd = -1, dfd = -1;

	cairn_buf_printf(&tmp, "%sobjects/pack/tmp_idx_XXXXXX", p->gitdir);
	cairn_buf_printf(&dir, "%sobjects/pack", p->gitdir);
	if (tmp.oom || dir.oom)
		st = cairn_oom(err);
	else if ((fd = mkstemp(tmp.data)) < 0)
		st = errno_fail(err, "create", cairn_buf_str(&tmp));
	else if (!write_all(fd, idx->data, idx->len) || fchmod(fd, 0444) != 0 || fsync(fd) != 0)
		st = errno_fail(err, "write", cairn_buf_str(&tmp));
	else if (rename(tmp.data, name) != 0)
		st = errno_fail(err, "rename to", name);
	else if (!cairn_shared_apply(&p->shared, name))
		st = errno_fail(err, "share", name);
	else if ((dfd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) != 0)
		st = errno_fail(err, "fsync", cairn_buf_str(&dir));
	if (fd >= 0) {
		close(fd);
		if (st != CAIRN_OK)
			unlink(tmp.data);
	}
	if (dfd >= 0)
		close(dfd);
	cairn_buf_done(&tmp);
	cairn_buf_done(&dir);
	return st;
}

/* The index: fan-out, ids, CRCs, offsets, large offsets, checksums. */
static void make_index(gitpack *p, const unsigned char pack_sum[20], cairn_buf *idx)
{
	uint32_t fanout[256] = { 0 };
	unsigned char sum[20];
	size_t large = 0;
	cairn_sha1 sha;

	qsort(p->v, p->n, sizeof *p->v, by_id);
	for (size_t i = 0; i < p->n; i++)
		fanout[p->v[i].id.id[0]]++;
	cairn_buf_add(idx, "\377tOc\0\0\0\2", 8);
	for (uint32_t i = 0, total = 0; i < 256; i++)
		add_be32(idx, total += fanout[i]);
	for (size_t i = 0; i < p->n; i++)
		cairn_buf_add(idx, p->v[i].id.id, GIT_OID_RAWSZ);
	for (size_t i = 0; i < p->n; i++)
		add_be32(idx, p->v[i].crc);
	for (size_t i = 0; i < p->n; i++)
		add_be32(idx, p->v[i].offset < LARGE_OFFSET ? (uint32_t)p->v[i].offset
							      : LARGE_OFFSET | (uint32_t)large++);
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].offset >= LARGE_OFFSET) {
			add_be32(idx, (uint32_t)(p->v[i].offset >> 32));
			add_be32(idx, (uint32_t)p->v[i].offset);
		}
	cairn_buf_add(idx, pack_sum, 20);
	cairn_sha1_init(&sha);
	cairn_sha1_update(&sha, idx->data, idx->len);
	cairn_sha1_final(&sha, sum);
	cairn_buf_add(idx, sum, sizeof sum);
}

cairn_status gitpack_write(gitpack *p, cairn_error *err)
{
	cairn_buf idx = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT;
	unsigned char sum[20];
	char hex[41];
	cairn_status st = CAIRN_OK;

	if (p->fd < 0)
		return cairn_fail(err, CAIRN_EINPUT, "the pack is written already");
	if (!p->n || (st = finish_pack(p, sum, true, err)))
		goto done;
	cairn_sha1_hex(sum, hex);
	make_index(p, sum, &idx);
	/* The pack first: readers find a pack by its index, which comes
	 * last. */
	cairn_buf_printf(&name, "%sobjects/pack/pack-%s.pack", p->gitdir, hex);
	if (idx.oom || name.oom) {
		st = cairn_oom(err);
		goto done;
	}
	if (rename(p->tmp, cairn_buf_str(&name)) != 0) {
		st = errno_fail(err, "rename to", cairn_buf_str(&name));
		goto done;
	}
	if (!cairn_shared_apply(&p->shared, cairn_buf_str(&name))) {
		st = errno_fail(err, "share", cairn_buf_str(&name));
		goto done;
	}
	cairn_buf_reset(&name);
	cairn_buf_printf(&name, "%sobjects/pack/pack-%s.idx", p->gitdir, hex);
	st = name.oom ? cairn_oom(err)
		      : write_index(p, &idx, cairn_buf_str(&name), err);
	if (st != CAIRN_OK) {
		/* No index, no pack: git would only count it as garbage. */
		cairn_buf_reset(&name);
		cairn_buf_printf(&name, "%sobjects/pack/pack-%s.pack", p->gitdir, hex);
		if (!name.oom)
			unlink(cairn_buf_str(&name));
	}
done:
	/* Spent either way: written, or its file removed. */
	close(p->fd);
	p->fd = -1;
	if (!p->n || st != CAIRN_OK)
		unlink(p->tmp);
	oidmap_done(&p->by_id);
	cairn_buf_done(&name);
	cairn_buf_done(&idx);
	return st;
}

cairn_status gitpack_finish_to_send(gitpack *p, int *fd, uint64_t *size, cairn_error *err)
{
	unsigned char sum[20];
	off_t end;
	cairn_status st;

	*fd = -1;
	if (p->fd < 0)
		return cairn_fail(err, CAIRN_EINPUT, "the pack is written already");
	if ((st = finish_pack(p, sum, false, err)))
		return st;
	if ((end = lseek(p->fd, 0, SEEK_CUR)) < 0 || lseek(p->fd, 0, SEEK_SET) != 0)
		return errno_fail(err, "read", p->tmp);
	*size = (uint64_t)end;
	*fd = p->fd;
	return CAIRN_OK;
}
