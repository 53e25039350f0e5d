/* git's index file, patched directly (formats 2 and 3, as git writes by
 * default; see git's Documentation/gitformat-index.txt).
 *
 * Why not libgit2: reading and writing a 100,000-entry index through
 * git_index_open and git_index_write takes about 80 ms here, most of a
 * save's whole run, while a save changes one or two entries.  Patching the
 * file costs a mapping of the old one, a scan, a write and its SHA-1 (from
 * the first changed entry on, when the last save left its states).  The
 * cache-tree and other optional extensions that name entries by position
 * are dropped (git rebuilds them when it needs them); any required
 * extension, version 4's compressed paths and merge conflicts at a changed
 * path are left to libgit2. */
#include "git/gitindex_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cairn/sha1.h"

#define ENTRY_FIXED 62          /* stat data, id and flags before the path */
#define FLAG_EXTENDED 0x4000
#define NAME_MASK 0x0fff

/* One entry of the old index, read where it lies. */
typedef struct ix_entry {
	size_t len;                     /* its bytes, padding included */
	const char *path;
	size_t plen;
	int stage;
} ix_entry;

/* Where a change falls among the old entries. */
typedef struct ix_place {
	size_t plen;                    /* its path's length */
	size_t at;                      /* the offset of the first entry not before it */
	const unsigned char *cur;       /* the stage-0 entry at its path, NULL if none */
} ix_place;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* git's order: bytes, then the shorter name first. */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

/* The entry at off, entries ending at end; false when the bytes there
 * are not one. */
static bool entry_at(const unsigned char *buf, size_t off, size_t end, uint32_t version,
		     ix_entry *e)
{
	unsigned flags;
	size_t hdr = ENTRY_FIXED;

	if (off + ENTRY_FIXED > end)
		return false;
	flags = (unsigned)buf[off + 60] << 8 | buf[off + 61];
	if (flags & FLAG_EXTENDED) {
		if (version < 3)
			return false;
		hdr += 2;
	}
	if (off + hdr >= end)
		return false;
	e->plen = flags & NAME_MASK;
	if (e->plen == NAME_MASK) {
		const unsigned char *nul = memchr(buf + off + hdr, 0, end - off - hdr);
		if (!nul)
			return false;
		e->plen = (size_t)(nul - (buf + off + hdr));
	}
	e->len = (hdr + e->plen + 8) & ~(size_t)7;
	e->path = (const char *)buf + off + hdr;
	e->stage = (int)(flags >> 12) & 3;
	return off + e->len <= end && buf[off + hdr + e->plen] == 0;
}

/* The offsets of the racily clean entries: as new as the index that
 * vouched for them (mtime: its seconds), and not smudged yet. */
typedef struct ix_racy {
	size_t *off, n, cap;
} ix_racy;

static bool racy_add(ix_racy *r, size_t off)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		size_t *grown = realloc(r->off, cap * sizeof *grown);
		if (!grown)
			return false;
		r->off = grown;
		r->cap = cap;
	}
	r->off[r->n++] = off;
	return true;
}

/* One pass over the entries: each checked (its size, git's order), each
 * change (sorted, paths distinct) placed among them, and the racily clean
 * ones listed; *ext is where the extensions start.  No table of the
 * entries: at 100,000 of them it would be megabytes of fresh memory.
 * False when the index is not one this writer knows, or a merge is in
 * progress at a change's path (an entry there at a stage other than 0:
 * libgit2's business). */
static bool place_changes(const unsigned char *buf, size_t len, const ix_change *changes,
			  ix_place *pl, size_t n, uint32_t mtime, ix_racy *racy, size_t *ext)
{
	uint32_t version, count;
	size_t off = 12, end = len - 20, c = 0;
	ix_entry e, prev = { 0, NULL, 0, 0 };

	if (len < 32 || memcmp(buf, "DIRC", 4) != 0)
		return false;
	version = be32(buf + 4);
	count = be32(buf + 8);
	if ((version != 2 && version != 3) || count > len / ENTRY_FIXED)
		return false;
	for (size_t k = 0; k < n; k++) {
		pl[k].at = SIZE_MAX;
		pl[k].cur = NULL;
	}
	for (uint32_t i = 0; i < count; i++, off += e.len) {
		if (!entry_at(buf, off, end, version, &e) ||
		    (i && name_cmp(prev.path, prev.plen, e.path, e.plen) > 0))
			return false;
		prev = e;
		if (be32(buf + off + 8) >= mtime && be32(buf + off + 36) != 0 && !racy_add(racy, off))
			return false;
		while (c < n) {
			int cmp = name_cmp(changes[c].path, pl[c].plen, e.path, e.plen);
			if (cmp > 0)
				break;
			if (pl[c].at == SIZE_MAX)
				pl[c].at = off;
			if (cmp == 0) {
				if (e.stage != 0)
					return false;
				pl[c].cur = buf + off + 40;
				break;          /* the next entry may have the same path */
			}
			c++;
		}
	}
	for (; c < n; c++)
		if (pl[c].at == SIZE_MAX)
			pl[c].at = off;
	*ext = off;
	return true;
}

static int by_path(const void *a, const void *b)
{
	const ix_change *x = a, *y = b;
	return name_cmp(x->path, strlen(x->path), y->path, strlen(y->path));
}

/* A new entry: stat data as git takes it (seconds and nanoseconds cut to
 * 32 bits), the blob, and the name padded with NULs to 8 bytes. */
static size_t make_entry(const ix_change *c, unsigned char *out)
{
	size_t plen = strlen(c->path), len = (ENTRY_FIXED + plen + 8) & ~(size_t)7;

	memset(out, 0, len);
	if (c->with_stat) {
		put32(out + 0, (uint32_t)c->sb.st_ctim.tv_sec);
		put32(out + 4, (uint32_t)c->sb.st_ctim.tv_nsec);
		put32(out + 8, (uint32_t)c->sb.st_mtim.tv_sec);
		put32(out + 12, (uint32_t)c->sb.st_mtim.tv_nsec);
		put32(out + 16, (uint32_t)c->sb.st_dev);
		put32(out + 20, (uint32_t)c->sb.st_ino);
		put32(out + 28, (uint32_t)c->sb.st_uid);
		put32(out + 32, (uint32_t)c->sb.st_gid);
		put32(out + 36, (uint32_t)c->sb.st_size);
	}
	put32(out + 24, 0100644);
	memcpy(out + 40, c->head, 20);
	out[60] = (unsigned char)((plen < NAME_MASK ? plen : NAME_MASK) >> 8);
	out[61] = (unsigned char)(plen < NAME_MASK ? plen : NAME_MASK);
	memcpy(out + ENTRY_FIXED, c->path, plen);
	return len;
}

/* The SHA-1 of the index cairn last wrote, at every SUM_EVERY bytes, kept
 * beside it (<git folder>/cairn-index.sums): the next save's index is the
 * same up to its first changed entry, so its hash resumes from the state
 * there instead of starting again (at 100,000 records, 9 MB hashed each
 * save).  Used only for the very index it was made from: its size and its
 * own checksum (its last 20 bytes) must be the ones recorded, and the
 * file's own checksum right; else the whole index is hashed, as before. */
#define SUM_EVERY (64 * 1024)
#define SUM_MAGIC "cairnsum1"           /* and its NUL */
#define SUM_HEAD (10 + 8 + 20 + 4)

typedef struct ix_sums {
	unsigned char *h;               /* 20 bytes a state, the first at SUM_EVERY */
	size_t n, cap;
} ix_sums;

static bool sums_add(ix_sums *m, const uint32_t h[5])
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		unsigned char *grown = realloc(m->h, cap * 20);
		if (!grown)
			return false;
		m->h = grown;
		m->cap = cap;
	}
	for (int i = 0; i < 5; i++)
		put32(m->h + 20 * m->n + 4 * i, h[i]);
	m->n++;
	return true;
}

static char *sums_path(const char *index_path)
{
	const char *slash = strrchr(index_path, '/');
	size_t dir = slash ? (size_t)(slash - index_path) + 1 : 0;
	char *p = malloc(dir + sizeof "cairn-index.sums");

	if (p) {
		memcpy(p, index_path, dir);
		memcpy(p + dir, "cairn-index.sums", sizeof "cairn-index.sums");
	}
	return p;
}

/* The states recorded for the index in (len bytes) into *m, if the file
 * at path holds them; else none. */
static void sums_read(const char *path, const unsigned char *in, size_t len, ix_sums *m)
{
	unsigned char head[SUM_HEAD], sum[20];
	uint32_t count;
	cairn_sha1 sha;
	FILE *f = fopen(path, "rb");
	static const unsigned char zero[20];

	m->n = 0;
	if (!f)
		return;
	if (fread(head, 1, SUM_HEAD, f) != SUM_HEAD || memcmp(head, SUM_MAGIC, 10) ||
	    ((uint64_t)be32(head + 10) << 32 | be32(head + 14)) != len ||
	    memcmp(head + 18, in + len - 20, 20) || !memcmp(head + 18, zero, 20) ||
	    (count = be32(head + 38)) > len / SUM_EVERY || !(m->h = malloc((count ? count : 1) * 20)) ||
	    fread(m->h, 20, count, f) != count || fread(sum, 1, 20, f) != 20) {
		fclose(f);
		return;
	}
	fclose(f);
	cairn_sha1_init(&sha);
	cairn_sha1_update(&sha, head, SUM_HEAD);
	cairn_sha1_update(&sha, m->h, (size_t)count * 20);
	cairn_sha1_final(&sha, head);   /* head's first 20 bytes: no longer needed */
	if (!memcmp(head, sum, 20))
		m->n = m->cap = count;
}

/* The states of the index just written (len bytes, checksum digest). */
static void sums_write(const char *path, const ix_sums *m, size_t len, const unsigned char digest[20])
{
	unsigned char head[SUM_HEAD], sum[20];
	cairn_sha1 sha;
	FILE *f;

	memcpy(head, SUM_MAGIC, 10);
	put32(head + 10, (uint32_t)((uint64_t)len >> 32));
	put32(head + 14, (uint32_t)len);
	memcpy(head + 18, digest, 20);
	put32(head + 38, (uint32_t)m->n);
	cairn_sha1_init(&sha);
	cairn_sha1_update(&sha, head, SUM_HEAD);
	cairn_sha1_update(&sha, m->h, m->n * 20);
	cairn_sha1_final(&sha, sum);
	if (!(f = fopen(path, "wb")))
		return;
	/* No states (an index under 64 KB): no buffer to hand fwrite. */
	if (fwrite(head, 1, SUM_HEAD, f) != SUM_HEAD || (m->n && fwrite(m->h, 20, m->n, f) != m->n) ||
	    fwrite(sum, 1, 20, f) != 20) {
		fclose(f);
		unlink(path);
		return;
	}
	if (fclose(f) != 0)
		unlink(path);
}

/* The new index goes out with writev: spans of the old one's mapping, and
 * the few entries made or smudged, hashed as they go (no second copy of
 * the index in memory).  Spans are sent CHUNK bytes at a time, so that
 * what was hashed is still in the processor's cache when it is written. */
#define CHUNK (256 * 1024)
#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
#define NIOV (IOV_MAX < 1024 ? IOV_MAX : 1024)

typedef struct ix_out {
	int fd;
	cairn_sha1 sha;
	struct iovec iov[NIOV];
	size_t niov, pending;
	int errnum;                     /* the first write's error, 0 if none */
	const unsigned char *in;        /* the old index, mapped */
	size_t end;                     /* where its entries end */
	uint32_t version;
	unsigned char *scratch;         /* the entries made or smudged, */
	size_t used;                    /* this many bytes of it so far */
	const ix_racy *racy;            /* the entries to smudge, */
	size_t next;                    /* the first of them not out yet */
	size_t pos, skip;               /* bytes out so far; the first skip not hashed */
	ix_sums sums;                   /* the hash's states at every SUM_EVERY bytes */
	bool sums_ok;
} ix_out;

static void write_iov(ix_out *w, struct iovec *v, size_t n)
{
	while (n && !w->errnum) {
		ssize_t got = writev(w->fd, v, (int)n);
		if (got <= 0) {
			if (got == 0 || errno != EINTR)
				w->errnum = got == 0 ? EIO : errno;
			continue;
		}
		for (; n && (size_t)got >= v->iov_len; v++, n--)
			got -= (ssize_t)v->iov_len;
		if (n) {
			v->iov_base = (char *)v->iov_base + got;
			v->iov_len -= (size_t)got;
		}
	}
}

/* Hashed from w->skip on (where the states recorded take over), the
 * state kept at every SUM_EVERY bytes. */
static void out_flush(ix_out *w)
{
	for (size_t i = 0; i < w->niov; i++) {
		const unsigned char *p = w->iov[i].iov_base;
		size_t len = w->iov[i].iov_len, from = w->pos < w->skip ? w->skip - w->pos : 0;
		w->pos += len;
		if (from >= len)
			continue;
		for (p += from, len -= from; len;) {
			size_t take = SUM_EVERY - (size_t)(w->sha.length % SUM_EVERY);
			take = take < len ? take : len;
			cairn_sha1_update(&w->sha, p, take);
			p += take;
			len -= take;
			if (w->sha.length % SUM_EVERY == 0 && w->sums_ok)
				w->sums_ok = sums_add(&w->sums, w->sha.h);
		}
	}
	write_iov(w, w->iov, w->niov);
	w->niov = w->pending = 0;
}

/* len bytes at p, which stay where they are until the next flush. */
static void out_add(ix_out *w, const unsigned char *p, size_t len)
{
	while (len) {
		size_t take = CHUNK - w->pending < len ? CHUNK - w->pending : len;
		struct iovec *last = w->niov ? &w->iov[w->niov - 1] : NULL;
		if (last && (const unsigned char *)last->iov_base + last->iov_len == p)
			last->iov_len += take;
		else {
			if (w->niov == NIOV)
				out_flush(w);
			w->iov[w->niov].iov_base = (void *)(uintptr_t)p;
			w->iov[w->niov++].iov_len = take;
		}
		w->pending += take;
		p += take;
		len -= take;
		if (w->pending >= CHUNK)
			out_flush(w);
	}
}

/* The old entries from offset from to offset to, as they are but for the
 * racily clean ones (written in the index's own second), smudged so that
 * git compares their content (see keep_racy_entries_racy): those are
 * copied into scratch first. */
static void out_old(ix_out *w, size_t from, size_t to)
{
	size_t start = from;

	for (; w->next < w->racy->n && w->racy->off[w->next] < to; w->next++) {
		size_t off = w->racy->off[w->next];
		ix_entry e;
		if (off < from)
			continue;       /* a replaced entry */
		(void)entry_at(w->in, off, w->end, w->version, &e);     /* checked before */
		out_add(w, w->in + start, off - start);
		memcpy(w->scratch + w->used, w->in + off, e.len);
		put32(w->scratch + w->used + 36, 0);
		out_add(w, w->scratch + w->used, e.len);
		w->used += e.len;
		start = off + e.len;
	}
	out_add(w, w->in + start, to - start);
}

void ix_resolve(ix_change *c, const unsigned char *cur)
{
	c->with_stat = false;
	if (cur && c->tracked && !memcmp(cur, c->head, 20))
		c->what = IX_KEEP;              /* already in step */
	else if (cur && c->on_disk && !memcmp(cur, c->tree, 20))
		c->what = IX_KEEP;              /* staged by a person */
	else if (!c->tracked)
		c->what = cur ? IX_DROP : IX_KEEP;
	else {
		c->what = IX_PUT;
		c->with_stat = c->on_disk && !memcmp(c->tree, c->head, 20);
	}
}

cairn_status ix_file_apply(const char *index_path, const char *out_path, ix_change *changes,
			   size_t n, bool *handled, cairn_error *err)
{
	unsigned char *in = MAP_FAILED, digest[20];
	size_t len = 0, ext = 0, off = 12, grow = 0;
	uint32_t written;
	struct stat sb;
	cairn_status st = CAIRN_OK;
	ix_place *pl = NULL;
	ix_racy racy = { NULL, 0, 0 };
	ix_out *w = NULL;
	char *sums = NULL;
	int fd;

	*handled = false;
	/* Mapped, not read: the page cache's own pages, neither copied nor
	 * faulted in one by one.  git's lock is held, and git and libgit2
	 * replace the index by a rename, never in place. */
	if ((fd = open(index_path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? CAIRN_OK       /* no index yet: libgit2 makes one */
				       : cairn_fail(err, CAIRN_EIO, "cannot read %s: %s", index_path,
						    strerror(errno));
	if (fstat(fd, &sb) != 0) {
		st = cairn_fail(err, CAIRN_EIO, "cannot read %s: %s", index_path, strerror(errno));
		close(fd);
		return st;
	}
	len = (size_t)sb.st_size;
	if (len >= 32)
		in = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (in == MAP_FAILED)
		goto unhandled;         /* and libgit2 says what is wrong */
	if (n > 1)
		qsort(changes, n, sizeof *changes, by_path);
	if (!(pl = calloc(n ? n : 1, sizeof *pl)))
		goto oom;
	for (size_t k = 0; k < n; k++) {
		pl[k].plen = strlen(changes[k].path);
		if (k && !name_cmp(changes[k - 1].path, pl[k - 1].plen, changes[k].path, pl[k].plen))
			goto unhandled;         /* one path twice: libgit2 sorts it out */
	}
	if (!place_changes(in, len, changes, pl, n, (uint32_t)sb.st_mtim.tv_sec, &racy, &ext))
		goto unhandled;
	/* Extensions: the required ones (lowercase) are not ours to keep. */
	for (size_t at = ext; at < len - 20;) {
		uint32_t size;
		if (at + 8 > len - 20 || (size = be32(in + at + 4)) > len - 20 - at - 8)
			goto unhandled;
		if (in[at] < 'A' || in[at] > 'Z')
			goto unhandled;
		at += 8 + size;
	}
	written = be32(in + 8);
	for (size_t k = 0; k < n; k++) {
		ix_resolve(&changes[k], pl[k].cur);
		if (pl[k].cur && changes[k].what != IX_KEEP)
			written--;              /* replaced or dropped */
		if (changes[k].what == IX_PUT)
			written++;
		grow += (ENTRY_FIXED + pl[k].plen + 8) & ~(size_t)7;
	}
	if (!(w = malloc(sizeof *w)))
		goto oom;
	w->scratch = NULL;
	w->in = in;
	w->end = len - 20;
	w->version = be32(in + 4);
	w->racy = &racy;
	w->next = 0;
	w->pos = w->skip = 0;
	w->sums = (ix_sums){ NULL, 0, 0 };
	w->sums_ok = (sums = sums_path(index_path)) != NULL;
	w->niov = w->pending = w->used = 0;
	w->errnum = 0;
	/* Room for the header, the new entries and every smudged one: pages
	 * that are never touched cost nothing. */
	if (!(w->scratch = malloc(12 + grow + len)))
		goto oom;
	if ((w->fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		st = cairn_fail(err, CAIRN_EIO, "cannot write %s: %s", out_path, strerror(errno));
		goto done;
	}
	cairn_sha1_init(&w->sha);
	/* The new index is the old one up to its first changed or smudged
	 * entry (the header too, if the count is the same): its hash resumes
	 * from the last state recorded before that. */
	if (w->sums_ok && written == be32(in + 8)) {
		size_t same = racy.n ? racy.off[0] : ext;
		for (size_t c = 0; c < n; c++)
			if (changes[c].what == IX_PUT || (pl[c].cur && changes[c].what != IX_KEEP))
				same = pl[c].at < same ? pl[c].at : same;
		sums_read(sums, in, len, &w->sums);
		if (w->sums.n > same / SUM_EVERY)
			w->sums.n = same / SUM_EVERY;
		if (w->sums.n) {
			w->skip = w->sums.n * SUM_EVERY;
			for (int k = 0; k < 5; k++)
				w->sha.h[k] = be32(w->sums.h + 20 * (w->sums.n - 1) + 4 * k);
			w->sha.length = w->skip;
		}
	}
	memcpy(w->scratch, in, 12);
	put32(w->scratch + 8, written);
	w->used = 12;
	out_add(w, w->scratch, 12);
	/* The old entries with the changes, both in git's order. */
	for (size_t c = 0; c < n; c++) {
		ix_entry e;
		out_old(w, off, pl[c].at);
		off = pl[c].at;
		if (pl[c].cur) {
			(void)entry_at(in, off, w->end, w->version, &e);
			if (changes[c].what == IX_KEEP) {
				out_old(w, off, off + e.len);
				off += e.len;
				continue;
			}
			off += e.len;   /* replaced or dropped */
		}
		if (changes[c].what == IX_PUT) {
			size_t elen = make_entry(&changes[c], w->scratch + w->used);
			out_add(w, w->scratch + w->used, elen);
			w->used += elen;
		}
	}
	out_old(w, off, ext);
	for (size_t at = ext; at < len - 20;) {
		uint32_t size = be32(in + at + 4);
		if (!memcmp(in + at, "REUC", 4) || !memcmp(in + at, "UNTR", 4))
			out_add(w, in + at, 8 + size);
		at += 8 + size;
	}
	out_flush(w);
	cairn_sha1_final(&w->sha, digest);
	{
		struct iovec last = { digest, sizeof digest };
		write_iov(w, &last, 1);
	}
	if (close(w->fd) != 0 && !w->errnum)
		w->errnum = errno;
	if (w->errnum) {
		st = cairn_fail(err, CAIRN_EIO, "cannot write %s: %s", out_path, strerror(w->errnum));
		goto done;
	}
	/* Written after the index it describes, which the caller then puts
	 * in place: should that fail, these states match no index in place,
	 * and the next save hashes all. */
	if (sums) {
		if (w->sums_ok)
			sums_write(sums, &w->sums, w->pos + 20, digest);
		else
			unlink(sums);
	}
	*handled = true;
	goto done;
oom:
	st = cairn_oom(err);
	goto done;
unhandled:
	st = CAIRN_OK;
done:
	if (in != MAP_FAILED)
		munmap(in, len);
	if (w) {
		free(w->scratch);
		free(w->sums.h);
	}
	free(w);
	free(sums);
	free(pl);
	free(racy.off);
	return st;
}
