/* git's index file, patched directly (formats 2 and 3, as git writes by
 * default; see git's Documentation/gitformat-index.txt).
 *
 * Why not libgit2: reading and writing a 100,000-entry index through
 * git_index_open and git_index_write takes about 80 ms here, most of a
 * save's whole run, while a save changes one or two entries.  Patching the
 * file costs a read, a scan, a write and its SHA-1.  The cache-tree and
 * other optional extensions that name entries by position are dropped (git
 * rebuilds them when it needs them); any required extension, version 4's
 * compressed paths and merge conflicts at a changed path are left to
 * libgit2. */
#include "git/gitindex_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/sha1.h"

#define ENTRY_FIXED 62          /* stat data, id and flags before the path */
#define FLAG_EXTENDED 0x4000
#define NAME_MASK 0x0fff

typedef struct ix_entry {
	size_t off, len;
	const char *path;
	size_t plen;
	int stage;
} ix_entry;

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

static bool parse_entries(const unsigned char *buf, size_t len, ix_entry **out, size_t *count,
			  size_t *ext)
{
	uint32_t version, n;
	size_t off = 12, end = len - 20;
	ix_entry *v;

	if (len < 32 || memcmp(buf, "DIRC", 4) != 0)
		return false;
	version = be32(buf + 4);
	n = be32(buf + 8);
	if ((version != 2 && version != 3) || n > len / ENTRY_FIXED)
		return false;
	if (!(v = calloc(n ? n : 1, sizeof *v)))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		unsigned flags;
		size_t hdr = ENTRY_FIXED, plen;
		if (off + ENTRY_FIXED > end)
			goto bad;
		flags = (unsigned)buf[off + 60] << 8 | buf[off + 61];
		if (flags & FLAG_EXTENDED) {
			if (version < 3)
				goto bad;
			hdr += 2;
		}
		if (off + hdr >= end)
			goto bad;
		plen = flags & NAME_MASK;
		if (plen == NAME_MASK) {
			const unsigned char *nul = memchr(buf + off + hdr, 0, end - off - hdr);
			if (!nul)
				goto bad;
			plen = (size_t)(nul - (buf + off + hdr));
		}
		v[i].off = off;
		v[i].len = (hdr + plen + 8) & ~(size_t)7;
		v[i].path = (const char *)buf + off + hdr;
		v[i].plen = plen;
		v[i].stage = (int)(flags >> 12) & 3;
		if (off + v[i].len > end || buf[off + hdr + plen] != 0)
			goto bad;
		if (i && name_cmp(v[i - 1].path, v[i - 1].plen, v[i].path, plen) > 0)
			goto bad;
		off += v[i].len;
	}
	*out = v;
	*count = n;
	*ext = off;
	return true;
bad:
	free(v);
	return false;
}

/* The first entry not before path (any stage). */
static size_t find_entry(const ix_entry *v, size_t n, const char *path, size_t plen)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (name_cmp(v[mid].path, v[mid].plen, path, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
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

static cairn_status read_whole(const char *path, unsigned char **buf, size_t *len,
			       struct stat *sb, cairn_error *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;

	*buf = NULL;
	if (!f)
		return errno == ENOENT ? CAIRN_ENOTFOUND
				       : cairn_fail(err, CAIRN_EIO, "cannot read %s: %s", path,
						    strerror(errno));
	if (fstat(fileno(f), sb) != 0 || !(b = malloc((size_t)sb->st_size + 1))) {
		fclose(f);
		return cairn_fail(err, CAIRN_ENOMEM, "cannot read %s", path);
	}
	*len = fread(b, 1, (size_t)sb->st_size, f);
	fclose(f);
	if (*len != (size_t)sb->st_size) {
		free(b);
		return cairn_fail(err, CAIRN_EIO, "%s changed while it was read", path);
	}
	*buf = b;
	return CAIRN_OK;
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
	unsigned char *in = NULL, *out = NULL, *o;
	ix_entry *v = NULL;
	size_t len = 0, count = 0, ext = 0, i = 0, c = 0, grow = 0;
	uint32_t written = 0;
	struct stat sb;
	cairn_sha1 sha;
	cairn_status st;
	FILE *f;

	*handled = false;
	st = read_whole(index_path, &in, &len, &sb, err);
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;        /* no index yet: libgit2 makes one */
	if (st != CAIRN_OK)
		return st;
	if (!parse_entries(in, len, &v, &count, &ext))
		goto unhandled;
	/* Extensions: the required ones (lowercase) are not ours to keep. */
	for (size_t off = ext; off < len - 20;) {
		uint32_t size;
		if (off + 8 > len - 20 || (size = be32(in + off + 4)) > len - 20 - off - 8)
			goto unhandled;
		if (in[off] < 'A' || in[off] > 'Z')
			goto unhandled;
		off += 8 + size;
	}
	if (n > 1)
		qsort(changes, n, sizeof *changes, by_path);
	for (size_t k = 0; k < n; k++) {
		size_t plen = strlen(changes[k].path), at = find_entry(v, count, changes[k].path, plen);
		const unsigned char *cur = NULL;
		for (size_t j = at; j < count && !name_cmp(v[j].path, v[j].plen, changes[k].path, plen); j++) {
			if (v[j].stage != 0)
				goto unhandled;        /* a merge in progress: libgit2's business */
			cur = in + v[j].off + 40;
		}
		ix_resolve(&changes[k], cur);
		grow += (ENTRY_FIXED + plen + 8) & ~(size_t)7;
	}
	if (!(out = malloc(len + grow + 20))) {
		st = cairn_oom(err);
		goto done;
	}
	memcpy(out, in, 12);
	o = out + 12;
	/* Merge the old entries with the changes, both in git's order. */
	while (i < count || c < n) {
		int cmp = i >= count ? 1 : c >= n ? -1
			: name_cmp(v[i].path, v[i].plen, changes[c].path, strlen(changes[c].path));
		if (cmp < 0 || (cmp == 0 && changes[c].what == IX_KEEP)) {
			memcpy(o, in + v[i].off, v[i].len);
			/* Racily clean (written in the index's own second): smudged,
			 * so git compares its content (see keep_racy_entries_racy). */
			if (be32(o + 8) >= (uint32_t)sb.st_mtim.tv_sec && be32(o + 36) != 0)
				put32(o + 36, 0);
			o += v[i].len;
			written++;
			i++;
			if (cmp == 0)
				c++;
			continue;
		}
		if (cmp == 0)
			i++;            /* replaced or dropped */
		if (changes[c].what == IX_PUT) {
			o += make_entry(&changes[c], o);
			written++;
		}
		c++;
	}
	put32(out + 8, written);
	for (size_t off = ext; off < len - 20;) {
		uint32_t size = be32(in + off + 4);
		if (!memcmp(in + off, "REUC", 4) || !memcmp(in + off, "UNTR", 4)) {
			memcpy(o, in + off, 8 + size);
			o += 8 + size;
		}
		off += 8 + size;
	}
	cairn_sha1_init(&sha);
	cairn_sha1_update(&sha, out, (size_t)(o - out));
	cairn_sha1_final(&sha, o);
	o += 20;
	if ((f = fopen(out_path, "wb"))) {
		bool whole = fwrite(out, 1, (size_t)(o - out), f) == (size_t)(o - out);
		if (fclose(f) != 0 || !whole)
			f = NULL;
	}
	if (!f) {
		st = cairn_fail(err, CAIRN_EIO, "cannot write %s: %s", out_path, strerror(errno));
		goto done;
	}
	*handled = true;
	goto done;
unhandled:
	st = CAIRN_OK;
done:
	free(in);
	free(out);
	free(v);
	return st;
}
