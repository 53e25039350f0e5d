/* The three-way merge of one record (see include/cairn/merge.h). */
#include "cairn/merge.h"

#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/utf8.h"

/* Longer texts than this (lines of base times lines of a side) are not
 * merged line by line: the table would not fit; they are a conflict. */
#define MAX_CELLS (4u * 1024u * 1024u)

typedef struct text_lines {
	const char **v;         /* each line's start */
	size_t *len;            /* its length, without the '\n' */
	size_t n;
} text_lines;

static bool split_lines(const char *s, text_lines *t)
{
	size_t n = 1;

	for (const char *p = s; *p; p++)
		n += *p == '\n';
	t->n = 0;
	t->v = malloc(n * sizeof *t->v);
	t->len = malloc(n * sizeof *t->len);
	if (!t->v || !t->len)
		return false;
	if (!*s)
		return true;    /* no lines at all */
	for (const char *p = s;;) {
		const char *nl = strchr(p, '\n');
		t->v[t->n] = p;
		t->len[t->n++] = nl ? (size_t)(nl - p) : strlen(p);
		if (!nl)
			break;
		p = nl + 1;
	}
	return true;
}

static void free_lines(text_lines *t)
{
	free(t->v);
	free(t->len);
}

static bool same_line(const text_lines *a, size_t i, const text_lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->v[i], b->v[j], a->len[i]);
}

/* base[b1, b2) replaced by other[x1, x2). */
typedef struct hunk {
	size_t b1, b2, x1, x2;
} hunk;

/* The changes that turn base into other, from their longest common
 * subsequence; false when too long or out of memory. */
static bool diff_lines(const text_lines *b, const text_lines *x, hunk **out, size_t *n)
{
	size_t rows = b->n + 1, cols = x->n + 1, i = 0, j = 0, cap = 8;
	unsigned *lcs;
	hunk *h;

	*n = 0;
	if ((double)rows * (double)cols > MAX_CELLS)
		return false;
	lcs = calloc(rows * cols, sizeof *lcs);
	h = malloc(cap * sizeof *h);
	if (!lcs || !h) {
		free(lcs);
		free(h);
		return false;
	}
	for (size_t bi = b->n; bi-- > 0;)
		for (size_t xj = x->n; xj-- > 0;)
			lcs[bi * cols + xj] = same_line(b, bi, x, xj)
				? lcs[(bi + 1) * cols + xj + 1] + 1
				: (lcs[(bi + 1) * cols + xj] > lcs[bi * cols + xj + 1]
					   ? lcs[(bi + 1) * cols + xj] : lcs[bi * cols + xj + 1]);
	while (i < b->n || j < x->n) {
		hunk cur;
		if (i < b->n && j < x->n && same_line(b, i, x, j)) {
			i++;
			j++;
			continue;
		}
		cur.b1 = i;
		cur.x1 = j;
		while ((i < b->n || j < x->n) && !(i < b->n && j < x->n && same_line(b, i, x, j))) {
			if (j >= x->n || (i < b->n && lcs[(i + 1) * cols + j] >= lcs[i * cols + j + 1]))
				i++;
			else
				j++;
		}
		cur.b2 = i;
		cur.x2 = j;
		if (*n == cap) {
			hunk *grown = realloc(h, (cap *= 2) * sizeof *h);
			if (!grown) {
				free(lcs);
				free(h);
				return false;
			}
			h = grown;
		}
		h[(*n)++] = cur;
	}
	free(lcs);
	*out = h;
	return true;
}

static bool same_change(const hunk *a, const text_lines *xa, const hunk *c, const text_lines *xc)
{
	if (a->b1 != c->b1 || a->b2 != c->b2 || a->x2 - a->x1 != c->x2 - c->x1)
		return false;
	for (size_t k = 0; k < a->x2 - a->x1; k++)
		if (!same_line(xa, a->x1 + k, xc, c->x1 + k))
			return false;
	return true;
}

/* Do two changes touch the same lines?  Two insertions at one place do,
 * and so does an insertion at the start or inside of a replaced range. */
static bool overlap(const hunk *a, const hunk *c)
{
	bool a_ins = a->b1 == a->b2, c_ins = c->b1 == c->b2;

	if (a_ins && c_ins)
		return a->b1 == c->b1;
	if (a_ins)
		return a->b1 >= c->b1 && a->b1 < c->b2;
	if (c_ins)
		return c->b1 >= a->b1 && c->b1 < a->b2;
	return a->b1 < c->b2 && c->b1 < a->b2;
}

static void add_lines(cairn_buf *out, const text_lines *t, size_t from, size_t to, bool *first)
{
	for (size_t k = from; k < to; k++) {
		if (!*first)
			cairn_buf_add(out, "\n", 1);
		cairn_buf_add(out, t->v[k], t->len[k]);
		*first = false;
	}
}

cairn_status cairn_merge_lines(const char *base, const char *ours, const char *theirs, char **out,
			       cairn_error *err)
{
	text_lines b = { 0 }, o = { 0 }, t = { 0 };
	hunk *ho = NULL, *ht = NULL;
	size_t no = 0, nt = 0, io = 0, it = 0, pos = 0;
	cairn_buf res = CAIRN_BUF_INIT;
	cairn_status st = CAIRN_OK;
	bool first = true;

	*out = NULL;
	if (!split_lines(base, &b) || !split_lines(ours, &o) || !split_lines(theirs, &t)) {
		st = cairn_oom(err);
		goto done;
	}
	if (!diff_lines(&b, &o, &ho, &no) || !diff_lines(&b, &t, &ht, &nt)) {
		st = cairn_fail(err, CAIRN_ECONFLICT, "too long to merge line by line");
		goto done;
	}
	while (io < no || it < nt) {
		const hunk *h;
		const text_lines *src;
		if (io < no && it < nt && overlap(&ho[io], &ht[it])) {
			if (!same_change(&ho[io], &o, &ht[it], &t)) {
				st = cairn_fail(err, CAIRN_ECONFLICT,
						"both sides changed the same lines (from line %zu)",
						(ho[io].b1 < ht[it].b1 ? ho[io].b1 : ht[it].b1) + 1);
				goto done;
			}
			h = &ho[io++];  /* the same change made twice: once */
			src = &o;
			it++;
		} else if (it >= nt || (io < no && ho[io].b1 <= ht[it].b1)) {
			h = &ho[io++];
			src = &o;
		} else {
			h = &ht[it++];
			src = &t;
		}
		add_lines(&res, &b, pos, h->b1, &first);
		add_lines(&res, src, h->x1, h->x2, &first);
		pos = h->b2;
	}
	add_lines(&res, &b, pos, b.n, &first);
	if (res.oom)
		st = cairn_oom(err);
	else
		*out = cairn_buf_detach(&res, NULL);
done:
	cairn_buf_done(&res);
	free(ho);
	free(ht);
	free_lines(&b);
	free_lines(&o);
	free_lines(&t);
	return st;
}

/* ---- a multiple-choice answer, as a set ---- */

static bool has_choice(const char *value, const char *choice)
{
	size_t n = strlen(choice);
	for (const char *p = value; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && !memcmp(p, choice, n))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* Kept: what both sides kept of base, and what either side added. */
static bool keep_choice(const char *c, const char *b, const char *o, const char *t)
{
	if (b && has_choice(b, c))
		return o && t && has_choice(o, c) && has_choice(t, c);
	return (o && has_choice(o, c)) || (t && has_choice(t, c));
}

static char *merge_set(const cairn_question *q, const char *b, const char *o, const char *t)
{
	cairn_buf out = CAIRN_BUF_INIT;
	const char *sides[3] = { b, o, t };

	/* The template's order first, then any value it does not list. */
	for (size_t i = 0; i < q->nchoices; i++)
		if (keep_choice(q->choices[i], b, o, t))
			cairn_buf_printf(&out, "%s%s", out.len ? "\n" : "", q->choices[i]);
	for (int s = 0; s < 3; s++)
		for (const char *p = sides[s]; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			char *c = strndup(p, len);
			bool listed = false;
			for (size_t i = 0; c && i < q->nchoices; i++)
				listed |= !strcmp(q->choices[i], c);
			if (c && !listed && keep_choice(c, b, o, t) && !has_choice(cairn_buf_str(&out), c))
				cairn_buf_printf(&out, "%s%s", out.len ? "\n" : "", c);
			free(c);
			p = nl ? nl + 1 : NULL;
		}
	return cairn_buf_detach(&out, NULL);
}

/* ---- records ---- */

static bool same_value(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static cairn_status add_conflict(cairn_merge_result *res, const char *key, const char *b,
				 const char *o, const char *t, cairn_error *err)
{
	cairn_field_conflict *grown = realloc(res->conflicts, (res->nconflicts + 1) * sizeof *grown);
	cairn_field_conflict *c;

	if (!grown)
		return cairn_oom(err);
	res->conflicts = grown;
	c = &grown[res->nconflicts++];
	c->key = strdup(key);
	c->base = dup_or_null(b);
	c->ours = dup_or_null(o);
	c->theirs = dup_or_null(t);
	if (!c->key || (b && !c->base) || (o && !c->ours) || (t && !c->theirs))
		return cairn_oom(err);
	return CAIRN_OK;
}

/* How a field merges when both sides changed it. */
enum how { PLAIN, LINES, SET, LINES_OR_SET };

static enum how how_to_merge(cairn_kind kind, const char *key, const cairn_template *tpl,
			     const cairn_question **q)
{
	/* A list's choices are a set in an order: merged line by line where
	 * the two sides touch different places, else as a set (a choice each
	 * side added is kept, theirs after ours; one either removed goes). */
	static const cairn_question in_no_order;
	const cairn_field_def *f = cairn_kind_field(kind, key);

	*q = NULL;
	if (kind == CAIRN_KIND_LIST && !strcmp(key, "choices")) {
		*q = &in_no_order;
		return LINES_OR_SET;
	}
	if (f)
		return f->type == CAIRN_F_LONGTEXT ? LINES : PLAIN;
	if (kind == CAIRN_KIND_EVALUATION && tpl && !strncmp(key, "answer.", 7) &&
	    (*q = cairn_template_question(tpl, key + 7))) {
		if ((*q)->type == CAIRN_Q_LONGTEXT)
			return LINES;
		if ((*q)->type == CAIRN_Q_MULTIPLE)
			return SET;
	}
	return PLAIN;
}

static cairn_status merge_field(cairn_kind kind, const char *key, const char *b, const char *o,
				const char *t, const cairn_template *tpl, cairn_merge_result *res,
				cairn_error *err)
{
	const cairn_question *q;
	const char *take;
	char *merged = NULL;
	cairn_error why;
	cairn_status st;

	if (same_value(o, t) || same_value(t, b))
		take = o;
	else if (same_value(o, b))
		take = t;
	else {
		enum how how = how_to_merge(kind, key, tpl, &q);
		switch (how) {
		case LINES:
		case LINES_OR_SET:
			if (o && t && cairn_merge_lines(b ? b : "", o, t, &merged, &why) == CAIRN_OK)
				break;
			if (why.code == CAIRN_ENOMEM)
				return cairn_oom(err);
			if (how == LINES)
				break;
			merged = merge_set(q, b, o ? o : "", t ? t : "");
			if (!merged)
				return cairn_oom(err);
			break;
		case SET:
			merged = merge_set(q, b, o ? o : "", t ? t : "");
			if (!merged)
				return cairn_oom(err);
			break;
		default:
			break;
		}
		if (!merged) {
			if ((st = add_conflict(res, key, b, o, t, err)))
				return st;
			take = o;       /* ours stays until the conflict is resolved */
		} else {
			take = merged;
		}
	}
	st = take && *take ? cairn_record_set(&res->merged, key, take, err) : CAIRN_OK;
	free(merged);
	return st;
}

/* key of side s was listed already when an earlier side holds it: a
 * lookup in each record, so that the merge costs time in proportion to
 * the records' size whatever their number of fields. */
static bool listed(const cairn_record *const *sides, int s, const char *key)
{
	for (int j = 0; j < s; j++)
		if (sides[j] && cairn_record_get(sides[j], key))
			return true;
	return false;
}

static cairn_status merge_fields(cairn_kind kind, const cairn_record *b, const cairn_record *o,
				 const cairn_record *t, const cairn_template *tpl,
				 cairn_merge_result *res, cairn_error *err)
{
	const cairn_record *sides[3] = { b, o, t };
	size_t total = (b ? b->nfields : 0) + o->nfields + t->nfields, n = 0;
	const char **keys = malloc((total ? total : 1) * sizeof *keys);
	cairn_status st = CAIRN_OK;

	if (!keys)
		return cairn_oom(err);
	for (int s = 0; s < 3; s++)
		for (size_t i = 0; sides[s] && i < sides[s]->nfields; i++)
			if (!listed(sides, s, sides[s]->fields[i].key))
				keys[n++] = sides[s]->fields[i].key;
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		st = merge_field(kind, keys[i], b ? cairn_record_get(b, keys[i]) : NULL,
				 cairn_record_get(o, keys[i]), cairn_record_get(t, keys[i]), tpl, res,
				 err);
	free(keys);
	if (st == CAIRN_OK)
		cairn_record_canonical(kind, &res->merged);
	return st;
}

cairn_status cairn_merge_record(cairn_kind kind, const cairn_record *base, const cairn_record *ours,
				const cairn_record *theirs, const cairn_template *tpl,
				cairn_merge_result *res, cairn_error *err)
{
	memset(res, 0, sizeof *res);
	cairn_record_init(&res->merged);
	res->outcome = CAIRN_MERGED;
	if (!ours && !theirs) {
		res->outcome = CAIRN_MERGED_DELETED;
		return CAIRN_OK;
	}
	if (!base && (!ours || !theirs))        /* added on one side */
		return cairn_record_copy(&res->merged, ours ? ours : theirs, err);
	if (base && (!ours || !theirs)) {       /* deleted on one side */
		const cairn_record *kept = ours ? ours : theirs;
		if (cairn_record_equal(kept, base)) {
			res->outcome = CAIRN_MERGED_DELETED;
			return CAIRN_OK;
		}
		res->outcome = CAIRN_DELETE_MODIFY;
		res->deleted_by_us = !ours;
		return cairn_record_copy(&res->merged, kept, err);
	}
	/* Added on both sides: the same record is no conflict; otherwise every
	 * differing field is one, against an empty base. */
	if (!base && !cairn_record_equal(ours, theirs))
		res->outcome = CAIRN_ADD_ADD;
	return merge_fields(kind, base, ours, theirs, tpl, res, err);
}

void cairn_merge_result_done(cairn_merge_result *res)
{
	for (size_t i = 0; i < res->nconflicts; i++) {
		free(res->conflicts[i].key);
		free(res->conflicts[i].base);
		free(res->conflicts[i].ours);
		free(res->conflicts[i].theirs);
	}
	free(res->conflicts);
	cairn_record_done(&res->merged);
	memset(res, 0, sizeof *res);
}

/* ---- describing a change ---- */

#define DESCRIBED_VALUE_MAX 48

void cairn_describe_value(cairn_buf *b, const char *v)
{
	size_t n = strcspn(v, "\n");
	if (n > DESCRIBED_VALUE_MAX) {
		/* Cut before a character, never inside one: a subject is
		 * history, and git's tools expect it to be UTF-8. */
		cairn_buf_add(b, v, cairn_utf8_cut(v, DESCRIBED_VALUE_MAX));
		cairn_buf_adds(b, "...");
	} else {
		cairn_buf_add(b, v, n);
		if (v[n])
			cairn_buf_adds(b, "...");
	}
}

typedef struct describe {
	cairn_buf *b;
	size_t start;
} describe;

static void describe_one(const char *k, const char *old, const char *v, void *ctx)
{
	describe *d = ctx;
	cairn_buf *b = d->b;

	if (b->len > d->start)
		cairn_buf_adds(b, ", ");
	if (!v) {
		cairn_buf_printf(b, "%s cleared", k);
		return;
	}
	cairn_buf_adds(b, k);
	if (strchr(v, '\n') || (old && strchr(old, '\n'))) {
		cairn_buf_adds(b, old ? " changed" : " written");
	} else if (old) {
		cairn_buf_addc(b, ' ');
		cairn_describe_value(b, old);
		cairn_buf_adds(b, " -> ");
		cairn_describe_value(b, v);
	} else {
		cairn_buf_adds(b, " ");
		cairn_describe_value(b, v);
	}
}

void cairn_record_describe_changes(const cairn_record *before, const cairn_record *after,
				   cairn_buf *b)
{
	describe d = { b, b->len };
	cairn_record_each_change(before, after, describe_one, &d);
}
