/* OpenSSH's known_hosts (see include/cairn/knownhosts.h). */
#include "cairn/knownhosts.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/sha1.h"

/* ---- base64 (RFC 4648, as ssh writes it) ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(const unsigned char *in, size_t n, bool pad, cairn_buf *out)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63], b64[v >> 6 & 63], b64[v & 63] };
		size_t keep = n - i >= 3 ? 4 : n - i + 1;
		cairn_buf_add(out, q, keep);
		for (size_t k = keep; pad && k < 4; k++)
			cairn_buf_adds(out, "=");
	}
}

/* Decodes into out (room for len*3/4 bytes); -1 on a character that is not
 * base64. */
static long b64_decode(const char *in, size_t len, unsigned char *out)
{
	unsigned v = 0;
	int bits = 0;
	long n = 0;

	for (size_t i = 0; i < len && in[i] != '='; i++) {
		const char *p = strchr(b64, in[i]);
		if (!p || !in[i])
			return -1;
		v = v << 6 | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	return n;
}

/* ---- HMAC-SHA1, for hashed host names (RFC 2104) ---- */

static void hmac_sha1(const unsigned char *key, size_t keylen, const char *msg,
		      unsigned char out[20])
{
	unsigned char k[64] = { 0 }, pad[64], inner[20];
	cairn_sha1 s;

	if (keylen > sizeof k) {
		cairn_sha1_init(&s);
		cairn_sha1_update(&s, key, keylen);
		cairn_sha1_final(&s, k);
	} else {
		memcpy(k, key, keylen);
	}
	for (size_t i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	cairn_sha1_init(&s);
	cairn_sha1_update(&s, pad, 64);
	cairn_sha1_update(&s, msg, strlen(msg));
	cairn_sha1_final(&s, inner);
	for (size_t i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	cairn_sha1_init(&s);
	cairn_sha1_update(&s, pad, 64);
	cairn_sha1_update(&s, inner, 20);
	cairn_sha1_final(&s, out);
}

/* ---- host patterns ---- */

/* OpenSSH's match_pattern: only * and ? are special ("[host]:port" is a
 * literal, so fnmatch would be wrong). */
static bool wild_match(const char *s, const char *p, size_t plen)
{
	if (!plen)
		return !*s;
	if (*p == '*') {
		for (;; s++) {
			if (wild_match(s, p + 1, plen - 1))
				return true;
			if (!*s)
				return false;
		}
	}
	if (!*s)
		return false;
	if (*p != '?' && tolower((unsigned char)*p) != tolower((unsigned char)*s))
		return false;
	return wild_match(s + 1, p + 1, plen - 1);
}

static bool hashed_match(const char *field, size_t len, const char *name)
{
	/* |1|base64(salt)|base64(hmac) */
	const char *salt = field + 3, *bar = memchr(salt, '|', len - 3);
	unsigned char s[64], h[64], mine[20];
	long slen, hlen;

	if (!bar || (size_t)(bar - salt) > 80 || (size_t)(field + len - bar - 1) > 80)
		return false;
	slen = b64_decode(salt, (size_t)(bar - salt), s);
	hlen = b64_decode(bar + 1, (size_t)(field + len - bar - 1), h);
	if (slen <= 0 || hlen != 20)
		return false;
	hmac_sha1(s, (size_t)slen, name, mine);
	return !memcmp(mine, h, 20);
}

/* Does a hosts field ("a,b,!c" or a hashed name) name this host? */
static bool hosts_match(const char *field, size_t len, const char *name)
{
	bool yes = false;

	if (len > 3 && !strncmp(field, "|1|", 3))
		return hashed_match(field, len, name);
	while (len) {
		const char *comma = memchr(field, ',', len);
		size_t plen = comma ? (size_t)(comma - field) : len;
		bool negated = plen && field[0] == '!';
		if (negated ? wild_match(name, field + 1, plen - 1) : wild_match(name, field, plen)) {
			if (negated)
				return false;
			yes = true;
		}
		if (!comma)
			break;
		len -= plen + 1;
		field = comma + 1;
	}
	return yes;
}

/* ---- the file ---- */

void cairn_host_name(const char *host, int port, char *out, size_t n)
{
	if (port <= 0 || port == 22)
		snprintf(out, n, "%s", host);
	else
		snprintf(out, n, "[%s]:%d", host, port);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

void cairn_host_fingerprint(const unsigned char sha256[32], char out[64])
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_adds(&b, "SHA256:");
	b64_encode(sha256, 32, false, &b);
	snprintf(out, 64, "%s", cairn_buf_str(&b));
	cairn_buf_done(&b);
}

void cairn_host_key_type(const unsigned char *key, size_t keylen, char *out, size_t n)
{
	size_t len;

	out[0] = '\0';
	if (keylen < 4)
		return;
	len = (size_t)key[0] << 24 | (size_t)key[1] << 16 | (size_t)key[2] << 8 | key[3];
	if (len == 0 || len >= n || len > keylen - 4)
		return;
	for (size_t i = 0; i < len; i++)
		if (!isgraph(key[4 + i]))
			return;
	memcpy(out, key + 4, len);
	out[len] = '\0';
}

cairn_status cairn_known_hosts_path(char *out, size_t n, cairn_error *err)
{
	const char *home = getenv("HOME");

	if (!home || !*home)
		return cairn_fail(err, CAIRN_EINPUT, "HOME is not set: cannot find ~/.ssh/known_hosts");
	if ((size_t)snprintf(out, n, "%s/.ssh/known_hosts", home) >= n)
		return cairn_fail(err, CAIRN_EINPUT, "HOME is too long a path");
	return CAIRN_OK;
}

/* The next blank-separated field of line; false when there is none. */
static bool field(const char **line, const char **start, size_t *len)
{
	const char *p = *line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '\n' || *p == '#')
		return false;
	*start = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	*len = (size_t)(p - *start);
	*line = p;
	return true;
}

static bool same_key(const char *b64key, size_t len, const unsigned char *key, size_t keylen)
{
	unsigned char *raw;
	long n;
	bool same;

	if (len > 16384 || !(raw = malloc(len)))
		return false;
	n = b64_decode(b64key, len, raw);
	same = n > 0 && key && (size_t)n == keylen && !memcmp(raw, key, keylen);
	free(raw);
	return same;
}

cairn_status cairn_known_host_check(const char *path, const char *host, int port,
				    const unsigned char *key, size_t keylen,
				    cairn_host_check *out, cairn_error *err)
{
	char name[300], buf[16384];
	FILE *f;
	int lineno = 0;
	bool named = false, matched = false, revoked = false;

	memset(out, 0, sizeof *out);
	cairn_host_name(host, port, name, sizeof name);
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT)
			return CAIRN_OK;
		return cairn_fail(err, CAIRN_EIO, "%s: %s", path, strerror(errno));
	}
	while (fgets(buf, sizeof buf, f)) {
		const char *p = buf, *hosts, *type, *k, *marker = NULL;
		size_t hlen, tlen, klen, mlen = 0;
		lineno++;
		if (!field(&p, &hosts, &hlen))
			continue;
		if (hosts[0] == '@') {
			marker = hosts;
			mlen = hlen;
			if (!field(&p, &hosts, &hlen))
				continue;
		}
		if (!field(&p, &type, &tlen) || !field(&p, &k, &klen))
			continue;
		if (marker && mlen == 15 && !strncmp(marker, "@cert-authority", 15))
			continue;
		{
			char h[4096];
			if (hlen >= sizeof h)
				continue;
			memcpy(h, hosts, hlen);
			h[hlen] = '\0';
			if (!hosts_match(h, hlen, name))
				continue;
		}
		if (marker) {   /* @revoked: this key is never good */
			if (same_key(k, klen, key, keylen))
				revoked = true;
			continue;
		}
		if (!named) {
			named = true;
			out->line = lineno;
			snprintf(out->first_type, sizeof out->first_type, "%.*s", (int)tlen, type);
		}
		if (same_key(k, klen, key, keylen))
			matched = true;
	}
	fclose(f);
	out->status = revoked ? CAIRN_HOST_REVOKED
			      : matched ? CAIRN_HOST_MATCH
					: named ? CAIRN_HOST_CHANGED : CAIRN_HOST_UNKNOWN;
	return CAIRN_OK;
}

cairn_status cairn_known_host_add(const char *path, const char *host, int port, const char *type,
				  const unsigned char *key, size_t keylen, cairn_error *err)
{
	cairn_buf line = CAIRN_BUF_INIT;
	char name[300], dir[4096];
	char *slash;
	int fd;
	cairn_status st = CAIRN_OK;
	struct stat sb;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return cairn_fail(err, CAIRN_EIO, "cannot make %s: %s", dir, strerror(errno));
	}
	cairn_host_name(host, port, name, sizeof name);
	/* A file without a final newline must not glue our line to its last. */
	if (stat(path, &sb) == 0 && sb.st_size > 0) {
		FILE *f = fopen(path, "r");
		if (f && fseek(f, -1, SEEK_END) == 0 && fgetc(f) != '\n')
			cairn_buf_adds(&line, "\n");
		if (f)
			fclose(f);
	}
	cairn_buf_printf(&line, "%s %s ", name, type);
	b64_encode(key, keylen, true, &line);
	cairn_buf_adds(&line, "\n");
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, line.data, line.len) != (ssize_t)line.len || fsync(fd) != 0)
		st = cairn_fail(err, CAIRN_EIO, "cannot add the host key to %s: %s", path,
				strerror(errno));
	if (fd >= 0 && close(fd) != 0 && st == CAIRN_OK)
		st = cairn_fail(err, CAIRN_EIO, "cannot add the host key to %s: %s", path,
				strerror(errno));
	cairn_buf_done(&line);
	return st;
}
