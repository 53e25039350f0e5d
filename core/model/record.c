/* The record format (see include/cairn/record.h and cairn-workbook(5)).
 *
 * The parser is cairn's own and strict, because records arrive from other
 * members: one pass over the bytes, no line-length limit, and every refusal
 * names the file and line and says what to write instead. */
#include "cairn/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/utf8.h"

void cairn_record_init(cairn_record *rec)
{
	rec->fields = NULL;
	rec->nfields = rec->cap = 0;
	rec->slots = NULL;
	rec->nslots = 0;
}

void cairn_record_done(cairn_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		free(rec->fields[i].key);
		free(rec->fields[i].value);
	}
	free(rec->fields);
	free(rec->slots);
	cairn_record_init(rec);
}

/* ---- the key hash ---- */

/* Below this many fields a scan is as quick as a hash and costs no memory. */
#define HASH_FROM 16

static size_t key_hash(const char *key)
{
	size_t h = 2166136261u;         /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static void hash_put(cairn_record *rec, size_t i)
{
	size_t m = rec->nslots - 1, s = key_hash(rec->fields[i].key) & m;

	while (rec->slots[s])
		s = (s + 1) & m;
	rec->slots[s] = i + 1;
}

/* Build the hash again from the fields (after a sort, an unset or growth).
 * Without memory for it the record falls back to scanning, slower but
 * right, so this never fails. */
static void rehash(cairn_record *rec)
{
	size_t n = 64;

	free(rec->slots);
	rec->slots = NULL;
	rec->nslots = 0;
	if (rec->nfields < HASH_FROM)
		return;
	while (n < rec->nfields * 2)
		n *= 2;
	if (!(rec->slots = calloc(n, sizeof *rec->slots)))
		return;
	rec->nslots = n;
	for (size_t i = 0; i < rec->nfields; i++)
		hash_put(rec, i);
}

bool cairn_record_key_valid(const char *key)
{
	size_t n = 0;

	if (!((key[0] >= 'a' && key[0] <= 'z') || (key[0] >= '0' && key[0] <= '9')))
		return false;
	for (const char *p = key; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return n <= CAIRN_KEY_MAX;
}

const char *cairn_record_value_problem(const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	size_t n = strlen(value);

	for (size_t i = 0; i < n;) {
		size_t len;
		if (p[i] == '\r')
			return "contains a carriage return (CR); use LF line ends";
		len = cairn_utf8_len(p + i, n - i);
		if (!len)
			return "is not valid UTF-8";
		i += len;
	}
	return NULL;
}

static cairn_status append(cairn_record *rec, char *key, char *value, cairn_error *err)
{
	if (rec->nfields == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 16;
		cairn_field *grown = realloc(rec->fields, cap * sizeof *grown);
		if (!grown) {
			free(key);
			free(value);
			return cairn_oom(err);
		}
		rec->fields = grown;
		rec->cap = cap;
	}
	rec->fields[rec->nfields].key = key;
	rec->fields[rec->nfields].value = value;
	rec->nfields++;
	/* Keep the table at most half full: probes stay short. */
	if (rec->slots && rec->nfields * 2 <= rec->nslots)
		hash_put(rec, rec->nfields - 1);
	else if (rec->nfields >= HASH_FROM)
		rehash(rec);
	return CAIRN_OK;
}

static cairn_field *find(const cairn_record *rec, const char *key)
{
	if (rec->slots) {
		size_t m = rec->nslots - 1, s = key_hash(key) & m;
		for (; rec->slots[s]; s = (s + 1) & m)
			if (!strcmp(rec->fields[rec->slots[s] - 1].key, key))
				return &rec->fields[rec->slots[s] - 1];
		return NULL;
	}
	for (size_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].key, key))
			return &rec->fields[i];
	return NULL;
}

const char *cairn_record_get(const cairn_record *rec, const char *key)
{
	cairn_field *f = find(rec, key);
	return f ? f->value : NULL;
}

cairn_status cairn_record_set(cairn_record *rec, const char *key, const char *value,
			      cairn_error *err)
{
	const char *problem;
	cairn_field *f;
	char *copy;

	if (!cairn_record_key_valid(key))
		return cairn_fail(err, CAIRN_EINPUT,
				  "'%s' is not a field name: use lower-case letters, digits, '.', '_' "
				  "or '-' (at most %d)", key, CAIRN_KEY_MAX);
	if ((problem = cairn_record_value_problem(value)))
		return cairn_fail(err, CAIRN_EINPUT, "%s: the value %s", key, problem);
	if (!(copy = strdup(value)))
		return cairn_oom(err);
	if ((f = find(rec, key))) {
		free(f->value);
		f->value = copy;
		return CAIRN_OK;
	}
	{
		char *k = strdup(key);
		if (!k) {
			free(copy);
			return cairn_oom(err);
		}
		return append(rec, k, copy, err);
	}
}

bool cairn_record_unset(cairn_record *rec, const char *key)
{
	cairn_field *f = find(rec, key);
	size_t i;

	if (!f)
		return false;
	i = (size_t)(f - rec->fields);
	free(f->key);
	free(f->value);
	memmove(&rec->fields[i], &rec->fields[i + 1], (rec->nfields - i - 1) * sizeof *f);
	rec->nfields--;
	rehash(rec);
	return true;
}

cairn_status cairn_record_copy(cairn_record *dst, const cairn_record *src, cairn_error *err)
{
	cairn_record_init(dst);
	for (size_t i = 0; i < src->nfields; i++) {
		char *k = strdup(src->fields[i].key), *v = strdup(src->fields[i].value);
		cairn_status st;
		if (!k || !v) {
			free(k);
			free(v);
			cairn_record_done(dst);
			return cairn_oom(err);
		}
		if ((st = append(dst, k, v, err))) {
			cairn_record_done(dst);
			return st;
		}
	}
	return CAIRN_OK;
}

void cairn_record_each_change(const cairn_record *before, const cairn_record *after,
			      cairn_change_fn fn, void *ctx)
{
	for (size_t i = 0; after && i < after->nfields; i++) {
		const char *k = after->fields[i].key, *v = after->fields[i].value;
		const char *old = before ? cairn_record_get(before, k) : NULL;
		if (!old || strcmp(old, v))
			fn(k, old, v, ctx);
	}
	for (size_t i = 0; before && i < before->nfields; i++)
		if (!after || !cairn_record_get(after, before->fields[i].key))
			fn(before->fields[i].key, before->fields[i].value, NULL, ctx);
}

bool cairn_record_equal(const cairn_record *a, const cairn_record *b)
{
	if (a->nfields != b->nfields)
		return false;
	for (size_t i = 0; i < a->nfields; i++)
		if (strcmp(a->fields[i].key, b->fields[i].key) ||
		    strcmp(a->fields[i].value, b->fields[i].value))
			return false;
	return true;
}

/* ---- canonical order ---- */

static size_t rank_in_list(const char *key, const void *ctx)
{
	const char *const *order = ctx;
	size_t i = 0;

	for (; order && order[i]; i++)
		if (!strcmp(order[i], key))
			return i;
	return (size_t)-1;
}

void cairn_record_sort(cairn_record *rec, const char *const *order)
{
	cairn_record_sort_by(rec, rank_in_list, order);
}

typedef struct ranked {
	cairn_field f;
	size_t rank;
} ranked;

/* a goes before b: by rank, and fields without one by key. */
static bool before(const ranked *a, const ranked *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank;
	return a->rank != (size_t)-1 || strcmp(a->f.key, b->f.key) < 0;
}

void cairn_record_sort_by(cairn_record *rec, cairn_rank_fn rank, const void *ctx)
{
	/* A stable merge sort over ranks taken once each: a peer's record may
	 * hold 100,000 fields, and an insertion sort would be quadratic. */
	size_t n = rec->nfields;
	ranked *a, *tmp;

	if (n < 2)
		return;
	a = malloc(n * sizeof *a);
	tmp = malloc(n * sizeof *tmp);
	if (!a || !tmp) {
		/* No memory: leave the order as it is, which is still a valid
		 * record (the order is only canonical, never meaningful). */
		free(a);
		free(tmp);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		a[i].f = rec->fields[i];
		a[i].rank = rank(a[i].f.key, ctx);
	}
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = before(&a[j], &a[i]) ? a[j++] : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof *a);
	}
	for (size_t i = 0; i < n; i++)
		rec->fields[i] = a[i].f;
	free(a);
	free(tmp);
	rehash(rec);
}

/* ---- parsing ---- */

typedef struct parser {
	const char *path;
	cairn_record *rec;
	cairn_error *err;
	cairn_buf value;        /* the value being gathered */
	char *key;              /* its key, while continuation lines may follow */
	bool inline_value;      /* "key: value": no continuation may follow */
	size_t ncont;           /* continuation lines gathered */
	int *lines;             /* the line of each field, for duplicate messages */
	size_t lines_cap;
} parser;

static cairn_status refuse(parser *p, int line, const char *what)
{
	return cairn_fail(p->err, CAIRN_EINPUT, "%s:%d: %s", p->path, line, what);
}

static cairn_status flush(parser *p, int line)
{
	char *v;
	cairn_status st;

	if (!p->key)
		return CAIRN_OK;
	if (p->value.oom || !(v = strdup(cairn_buf_str(&p->value))))
		return cairn_oom(p->err);
	if (p->rec->nfields == p->lines_cap) {
		size_t cap = p->lines_cap ? p->lines_cap * 2 : 16;
		int *grown = realloc(p->lines, cap * sizeof *grown);
		if (!grown) {
			free(v);
			return cairn_oom(p->err);
		}
		p->lines = grown;
		p->lines_cap = cap;
	}
	p->lines[p->rec->nfields] = line;
	st = append(p->rec, p->key, v, p->err);
	p->key = NULL;
	cairn_buf_reset(&p->value);
	p->ncont = 0;
	return st;
}

static cairn_status field_line(parser *p, const char *s, size_t n, int line)
{
	const char *colon = memchr(s, ':', n);
	size_t klen;
	char *key, msg[CAIRN_KEY_MAX + 128];
	const cairn_field *dup;

	if (!colon)
		return refuse(p, line, "expected 'key: value'; a line of a long value starts with "
			      "one space");
	klen = (size_t)(colon - s);
	if (klen == 0 || klen > CAIRN_KEY_MAX)
		return refuse(p, line, "expected 'key: value' with a key of 1 to 128 characters");
	if (!(key = malloc(klen + 1)))
		return cairn_oom(p->err);
	memcpy(key, s, klen);
	key[klen] = '\0';
	if (!cairn_record_key_valid(key)) {
		snprintf(msg, sizeof msg, "'%s' is not a field name: keys are lower-case letters, "
			 "digits, '.', '_' and '-'", key);
		free(key);
		return refuse(p, line, msg);
	}
	if ((dup = find(p->rec, key))) {
		snprintf(msg, sizeof msg, "duplicate key '%s' (first at line %d); remove one "
			 "of them", key, p->lines[dup - p->rec->fields]);
		free(key);
		return refuse(p, line, msg);
	}
	if (n > klen + 1 && s[klen + 1] != ' ') {
		free(key);
		return refuse(p, line, "write a space after the ':' (key: value)");
	}
	p->key = key;
	p->inline_value = n > klen + 1;
	if (n > klen + 2)
		cairn_buf_add(&p->value, s + klen + 2, n - klen - 2);
	return CAIRN_OK;
}

static cairn_status continuation_line(parser *p, const char *s, size_t n, int line)
{
	if (!p->key)
		return refuse(p, line, "a line starting with a space continues a value, but no "
			      "'key:' line comes before it");
	if (p->inline_value)
		return refuse(p, line, "a long value starts on the line after 'key:', with nothing "
			      "after the ':'");
	s++;
	n--;
	if (n == 0)
		return refuse(p, line, "a line holding only a space: an empty line of text is "
			      "written ' .'");
	if (s[0] == '.') {
		if (n == 1) {
			n = 0;
		} else if (s[1] == '.') {
			s++;
			n--;
		} else {
			return refuse(p, line, "a line of text starting with '.' is written with one "
				      "more '.' (' ..text'); ' .' alone is an empty line");
		}
	}
	if (p->ncont++)
		cairn_buf_addc(&p->value, '\n');
	cairn_buf_add(&p->value, s, n);
	return CAIRN_OK;
}

cairn_status cairn_record_parse(cairn_record *rec, const char *data, size_t len,
				const char *path, cairn_error *err)
{
	parser p = { path, rec, err, CAIRN_BUF_INIT, NULL, false, 0, NULL, 0 };
	const unsigned char *u = (const unsigned char *)data;
	cairn_status st = CAIRN_OK;
	size_t start = 0;
	int line = 1, key_line = 0;

	cairn_record_init(rec);
	if (len > CAIRN_RECORD_MAX)
		return cairn_fail(err, CAIRN_EINPUT, "%s: %zu bytes, more than a record may hold "
				  "(%u): split it, or keep the long text outside the workbook",
				  path, len, CAIRN_RECORD_MAX);
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return cairn_fail(err, CAIRN_EINPUT, "%s:1: the file starts with a byte-order mark "
				  "(BOM); save it as UTF-8 without one", path);
	/* One pass: check the bytes of each line, then read the line. */
	for (size_t i = 0; i <= len && st == CAIRN_OK;) {
		if (i < len && u[i] != '\n') {
			size_t l;
			if (u[i] == '\0') {
				st = refuse(&p, line, "a NUL byte; records are text");
				break;
			}
			if (u[i] == '\r') {
				st = refuse(&p, line, "carriage return (CR) found; cairn records use LF "
					    "line ends: convert the file with dos2unix");
				break;
			}
			l = cairn_utf8_len(u + i, len - i);
			if (!l) {
				st = refuse(&p, line, "not valid UTF-8; records are UTF-8 text");
				break;
			}
			i += l;
			continue;
		}
		/* A line ends at i (LF or end of data). */
		if (i > start || i < len) {
			const char *s = data + start;
			size_t n = i - start;
			if (n == 0) {
				st = refuse(&p, line, "an empty line; an empty line inside a long value "
					    "is written ' .'");
			} else if (s[0] == ' ') {
				st = continuation_line(&p, s, n, line);
			} else {
				st = flush(&p, key_line);
				key_line = line;
				if (st == CAIRN_OK)
					st = field_line(&p, s, n, line);
			}
		}
		if (i == len)
			break;
		i++;
		start = i;
		line++;
	}
	if (st == CAIRN_OK)
		st = flush(&p, key_line);
	free(p.key);
	free(p.lines);
	cairn_buf_done(&p.value);
	if (st != CAIRN_OK)
		cairn_record_done(rec);
	return st;
}

/* ---- writing ---- */

cairn_status cairn_record_write(const cairn_record *rec, char **out, size_t *len,
				cairn_error *err)
{
	cairn_buf b = CAIRN_BUF_INIT;

	*out = NULL;
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *k = rec->fields[i].key, *v = rec->fields[i].value, *problem;
		if (!cairn_record_key_valid(k)) {
			cairn_buf_done(&b);
			return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a field name", k);
		}
		if ((problem = cairn_record_value_problem(v))) {
			cairn_buf_done(&b);
			return cairn_fail(err, CAIRN_EINPUT, "%s: the value %s", k, problem);
		}
		cairn_buf_adds(&b, k);
		if (!strchr(v, '\n')) {
			if (*v) {
				cairn_buf_adds(&b, ": ");
				cairn_buf_adds(&b, v);
			} else {
				cairn_buf_addc(&b, ':');
			}
			cairn_buf_addc(&b, '\n');
			continue;
		}
		cairn_buf_adds(&b, ":\n");
		for (const char *p = v;;) {
			size_t n = strcspn(p, "\n");
			if (n == 0) {
				cairn_buf_adds(&b, " .\n");
			} else {
				cairn_buf_addc(&b, ' ');
				if (p[0] == '.')
					cairn_buf_addc(&b, '.');
				cairn_buf_add(&b, p, n);
				cairn_buf_addc(&b, '\n');
			}
			if (!p[n])
				break;
			p += n + 1;
		}
	}
	/* Whatever a save would write that a peer would refuse is refused
	 * here, with the limit and words the parser uses. */
	if (!b.oom && b.len > CAIRN_RECORD_MAX) {
		size_t n = b.len;
		cairn_buf_done(&b);
		return cairn_fail(err, CAIRN_EINPUT, "%zu bytes, more than a record may hold "
				  "(%u): split it, or keep the long text outside the workbook", n,
				  CAIRN_RECORD_MAX);
	}
	if (!(*out = cairn_buf_detach(&b, len)))
		return cairn_oom(err);
	return CAIRN_OK;
}
