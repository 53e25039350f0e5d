/* A workbook's history, record by record (see include/cairn/history.h). */
#include "cairn/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <regex.h>

#include "git/log.h"
#include "cairn/buf.h"
#include "cairn/i18n.h"
#include "cairn/kinds.h"
#include "cairn/layout.h"
#include "workbook/wb_internal.h"

#define HISTORY_META "history"

/* ---- bringing the history index up to HEAD ---- */

typedef struct pending_commit {
	cairn_history_row row;
	char *strings;          /* owns row's text */
	char **paths;
	size_t npaths;
} pending_commit;

typedef struct collect {
	pending_commit *v;
	size_t n, cap;
} collect;

static void collect_done(collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].strings);
		for (size_t k = 0; k < c->v[i].npaths; k++)
			free(c->v[i].paths[k]);
		free(c->v[i].paths);
	}
	free(c->v);
}

/* "a b c" of a commit's parents. */
static void parents_text(const cairn_git_commit_info *c, char *out, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < c->nparents && used + 42 < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? " " : "", c->parent[i].hex);
}

static cairn_status on_new_commit(const cairn_git_commit_info *c, const cairn_git_delta *d,
				  size_t n, bool *stop, void *ctx, cairn_error *err)
{
	collect *col = ctx;
	pending_commit *p;
	char parents[CAIRN_GIT_MAX_PARENTS * 41 + 1];
	size_t sum = strcspn(c->message, "\n"), name = strlen(c->author_name);
	size_t email = strlen(c->author_email), len;
	char *s;

	(void)stop;
	if (col->n == col->cap) {
		size_t cap = col->cap ? 2 * col->cap : 64;
		pending_commit *v = realloc(col->v, cap * sizeof *v);
		if (!v)
			return cairn_oom(err);
		col->v = v;
		col->cap = cap;
	}
	p = &col->v[col->n];
	memset(p, 0, sizeof *p);
	parents_text(c, parents, sizeof parents);
	len = 41 + name + 1 + email + 1 + sum + 1 + strlen(parents) + 1;
	if (!(s = p->strings = malloc(len)) || !(p->paths = calloc(n ? n : 1, sizeof *p->paths))) {
		free(p->strings);
		return cairn_oom(err);
	}
	col->n++;
	p->row.id = memcpy(s, c->id.hex, 41);
	s += 41;
	p->row.author_name = memcpy(s, c->author_name, name + 1);
	s += name + 1;
	p->row.author_email = memcpy(s, c->author_email, email + 1);
	s += email + 1;
	memcpy(s, c->message, sum);
	s[sum] = '\0';
	p->row.summary = s;
	s += sum + 1;
	p->row.parents = strcpy(s, parents);
	p->row.time = c->when;
	p->row.tz_minutes = c->tz_minutes;
	for (size_t i = 0; i < n; i++) {
		if (!(p->paths[p->npaths] = strdup(d[i].path)))
			return cairn_oom(err);
		p->npaths++;
	}
	return CAIRN_OK;
}

cairn_status cairn_wb_history_catch_up(cairn_wb *wb, cairn_error *err)
{
	cairn_oid head, held = { "" };
	char value[64] = "";
	collect col = { NULL, 0, 0 };
	bool ancestor = false;
	cairn_status st;

	if ((st = cairn_git_head(wb->git, &head, err)) ||
	    (st = cairn_index_meta_get(wb->idx, HISTORY_META, value, sizeof value, err)))
		return st;
	if (!strcmp(value, head.hex))
		return CAIRN_OK;
	if (!wb_writable(wb)) {
		/* A reader of another member's workbook: the history it holds is
		 * shown, and said to be older than HEAD. */
		wb_warn(wb, "the history is behind HEAD and you cannot update it (you can only "
			"read this workbook): it is shown up to commit %.12s; `git log -p` shows "
			"all of it", value[0] ? value : "(none)");
		return CAIRN_OK;
	}
	if ((st = wb_lock(wb, err)))
		return st;
	snprintf(held.hex, sizeof held.hex, "%.40s", value);
	/* Only what is new since the history held; all of it again when the
	 * branch was moved elsewhere (a reset, a rewritten history). */
	if (held.hex[0] && head.hex[0] &&
	    cairn_git_is_ancestor(wb->git, &held, &head, &ancestor, err) != CAIRN_OK)
		ancestor = false;
	if (!ancestor)
		held.hex[0] = '\0';
	cairn_git_verify_reads(false);
	st = cairn_git_walk(wb->git, &head, &held, true, on_new_commit, &col, err);
	cairn_git_verify_reads(true);
	/* The whole history again: redone from git if lost, it does not wait
	 * for the disk (at its first build, for a rebuild of the records
	 * just before it, whose writes were not waited for either). */
	if (st == CAIRN_OK && !held.hex[0])
		st = cairn_index_history_durable(wb->idx, false, err);
	if (st == CAIRN_OK)
		st = cairn_index_begin(wb->idx, err);
	if (st == CAIRN_OK) {
		if (!held.hex[0])
			st = cairn_index_history_clear(wb->idx, err);
		/* Oldest first: the numbering is the order. */
		for (size_t i = col.n; i-- > 0 && st == CAIRN_OK;)
			st = cairn_index_history_add(wb->idx, &col.v[i].row,
						     (const char *const *)col.v[i].paths,
						     col.v[i].npaths, err);
		if (st == CAIRN_OK)
			st = cairn_index_meta_set(wb->idx, HISTORY_META, head.hex, err);
		if (st == CAIRN_OK)
			st = cairn_index_commit(wb->idx, err);
		else
			cairn_index_rollback(wb->idx);
	}
	if (!held.hex[0]) {
		cairn_error ignore;
		(void)cairn_index_history_durable(wb->idx, true, &ignore);
	}
	collect_done(&col);
	wb_unlock(wb);
	return st;
}

/* ---- reading it ---- */

cairn_status cairn_wb_history_path(cairn_wb *wb, const char *name, char *path, size_t n,
				   cairn_error *err)
{
	cairn_index_hit hit;
	cairn_ref ref;
	cairn_error parse;
	cairn_status st = cairn_wb_resolve(wb, name, &hit, err);

	if (st == CAIRN_OK) {
		snprintf(path, n, "%s", hit.path);
		return CAIRN_OK;
	}
	/* A removed record still has a history, but only its full name says
	 * which file it was; a bare id nobody has, or one several kinds
	 * share, is resolve's message as it is. */
	if (st != CAIRN_ENOTFOUND || cairn_ref_parse(name, &ref, &parse) != CAIRN_OK ||
	    ref.kind == CAIRN_KIND_NONE)
		return st;
	cairn_ref_path(&ref, path, n);
	return CAIRN_OK;
}

/* The commits whose "Name <email>" matches a pattern, as git log
 * --author picks them; the limit counts the ones that match. */
typedef struct by_author {
	regex_t re;
	size_t limit, shown;
	cairn_history_fn fn;
	void *ctx;
} by_author;

static cairn_status author_filter(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	by_author *a = ctx;
	cairn_buf who = CAIRN_BUF_INIT;
	bool match;

	if (a->limit && a->shown >= a->limit)
		return CAIRN_OK;
	cairn_buf_printf(&who, "%s <%s>", r->author_name, r->author_email);
	match = !who.oom && regexec(&a->re, cairn_buf_str(&who), 0, NULL, 0) == 0;
	cairn_buf_done(&who);
	if (!match)
		return CAIRN_OK;
	a->shown++;
	return a->fn(r, a->ctx, err);
}

cairn_status cairn_wb_history(cairn_wb *wb, const char *record, const cairn_author_pattern *author,
			      size_t limit, cairn_history_fn fn, void *ctx, cairn_error *err)
{
	char path[CAIRN_PATH_MAX];
	cairn_kind kind = record ? cairn_kind_by_name(record) : CAIRN_KIND_NONE;
	by_author a;
	int rc;
	cairn_status st;

	if (kind != CAIRN_KIND_NONE)
		snprintf(path, sizeof path, "%s/", cairn_kind_def_of(kind)->folder);
	else if (record && (st = cairn_wb_history_path(wb, record, path, sizeof path, err)))
		return st;
	if ((st = cairn_wb_history_catch_up(wb, err)))
		return st;
	if (!author || !author->pattern)
		return cairn_index_history(wb->idx, record ? path : NULL, NULL, limit, fn, ctx, err);
	memset(&a, 0, sizeof a);
	if ((rc = regcomp(&a.re, author->pattern, REG_NOSUB | (author->extended ? REG_EXTENDED : 0) |
			  (author->ignore_case ? REG_ICASE : 0))) != 0) {
		char why[256];
		regerror(rc, &a.re, why, sizeof why);
		return cairn_fail(err, CAIRN_EINPUT, _("--author %s: %s: write a regular expression, "
				  "as for git log --author"), author->pattern, why);
	}
	a.limit = limit;
	a.fn = fn;
	a.ctx = ctx;
	st = cairn_index_history(wb->idx, record ? path : NULL, NULL, 0, author_filter, &a, err);
	regfree(&a.re);
	return st;
}

typedef struct revisions {
	size_t n;
	long long last;
} revisions;

static cairn_status count_revision(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	revisions *v = ctx;
	(void)err;
	if (!v->n++ || r->time > v->last)
		v->last = r->time;
	return CAIRN_OK;
}

cairn_status cairn_wb_revisions(cairn_wb *wb, const char *path, size_t *count, long long *last,
				cairn_error *err)
{
	revisions v = { 0, 0 };
	cairn_status st = cairn_index_history(wb->idx, path, NULL, 0, count_revision, &v, err);

	*count = v.n;
	*last = v.last;
	return st;
}

cairn_status cairn_wb_history_files(cairn_wb *wb, const char *commit, cairn_history_fn fn,
				    void *ctx, cairn_error *err)
{
	/* No catching up here: it is called once per commit of a history
	 * just read, which caught up. */
	return cairn_index_history_files(wb->idx, commit, fn, ctx, err);
}

void cairn_wb_field_label(cairn_wb *wb, const cairn_record *rec, const char *key, char *buf,
			  size_t n)
{
	const char *tid = rec ? cairn_record_get(rec, "template") : NULL;
	cairn_template tpl;
	cairn_error err;
	const cairn_question *q;

	snprintf(buf, n, "%s", key);
	if (!tid || strncmp(key, "answer.", 7) || cairn_wb_template(wb, tid, &tpl, &err) != CAIRN_OK)
		return;
	if ((q = cairn_template_question(&tpl, key + 7)) && q->prompt)
		snprintf(buf, n, "%s (%s)", key, q->prompt);
	cairn_template_done(&tpl);
}

cairn_status cairn_wb_revision(cairn_wb *wb, const char *rev, cairn_oid *out, cairn_error *err)
{
	return cairn_git_revision(wb->git, rev, out, err);
}

/* ---- field-level differences ---- */

static cairn_status read_record(cairn_wb *wb, const cairn_oid *commit, const char *path,
				cairn_record **out, cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_error why;
	cairn_status st;

	*out = NULL;
	if (!commit->hex[0])
		return CAIRN_OK;
	st = cairn_git_read_path(wb->git, commit, path, &data, &len, NULL, err);
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;
	if (st != CAIRN_OK)
		return st;
	if (!(*out = malloc(sizeof **out))) {
		free(data);
		return cairn_oom(err);
	}
	/* A version that is no record (a README, a broken file) is shown as
	 * one pseudo-field saying so. */
	if (cairn_record_parse(*out, data, len, path, &why) != CAIRN_OK) {
		cairn_record_init(*out);
		(void)cairn_record_set(*out, "file", "(not a record cairn can read)", &why);
	}
	free(data);
	return CAIRN_OK;
}

static void free_record(cairn_record *r)
{
	if (r) {
		cairn_record_done(r);
		free(r);
	}
}

/* One file at two commits: read there directly, without comparing the
 * trees around it (a record's log reads two versions per commit). */
static cairn_status diff_one(cairn_wb *wb, const cairn_oid *from, const cairn_oid *to,
			     const char *path, cairn_record_diff_fn fn, void *ctx, cairn_error *err)
{
	cairn_record *a = NULL, *b = NULL;
	cairn_ref ref;
	cairn_error ignored;
	char name[CAIRN_PATH_MAX];
	cairn_status st;

	if (cairn_path_ref(path, &ref, &ignored) == CAIRN_OK && ref.kind != CAIRN_KIND_NONE)
		cairn_ref_format(&ref, name, sizeof name);
	else
		snprintf(name, sizeof name, "%s", path);
	if ((st = read_record(wb, from, path, &a, err)) == CAIRN_OK &&
	    (st = read_record(wb, to, path, &b, err)) == CAIRN_OK &&
	    (a || b) && !(a && b && cairn_record_equal(a, b)))
		st = fn(path, name, a, b, ctx, err);
	free_record(a);
	free_record(b);
	return st;
}

cairn_status cairn_wb_diff(cairn_wb *wb, const cairn_oid *from, const cairn_oid *to,
			   const char *path, cairn_record_diff_fn fn, void *ctx, cairn_error *err)
{
	cairn_git_delta *d = NULL;
	size_t n = 0;
	cairn_status st;

	if (path)
		return diff_one(wb, from, to, path, fn, ctx, err);
	st = cairn_git_diff(wb->git, from, to, &d, &n, err);

	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		cairn_record *a = NULL, *b = NULL;
		cairn_ref ref;
		cairn_error ignored;
		char name[CAIRN_PATH_MAX];
		if (path && strcmp(path, d[i].path))
			continue;
		if (cairn_path_ref(d[i].path, &ref, &ignored) == CAIRN_OK &&
		    ref.kind != CAIRN_KIND_NONE)
			cairn_ref_format(&ref, name, sizeof name);
		else
			snprintf(name, sizeof name, "%s", d[i].path);
		if ((st = read_record(wb, from, d[i].path, &a, err)) == CAIRN_OK &&
		    (st = read_record(wb, to, d[i].path, &b, err)) == CAIRN_OK)
			st = fn(d[i].path, name, a, b, ctx, err);
		free_record(a);
		free_record(b);
	}
	cairn_git_deltas_free(d, n);
	return st;
}

/* ---- blame from the history index ---- */

typedef struct ids {
	cairn_oid *v;
	size_t n, cap;
} ids;

static cairn_status add_id(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	ids *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		cairn_oid *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return cairn_oom(err);
		l->v = v;
		l->cap = cap;
	}
	snprintf(l->v[l->n++].hex, sizeof l->v[0].hex, "%s", r->id);
	return CAIRN_OK;
}

cairn_status cairn_wb_blame(cairn_wb *wb, cairn_blame *q, size_t n, cairn_error *err)
{
	ids l = { NULL, 0, 0 };
	cairn_oid head;
	cairn_status st;

	if (!n)
		return CAIRN_OK;
	st = cairn_git_head(wb->git, &head, err);
	if (st == CAIRN_OK)
		st = cairn_wb_history_catch_up(wb, err);
	if (st == CAIRN_OK)
		st = cairn_index_history(wb->idx, q[0].path, NULL, 0, add_id, &l, err);
	if (st == CAIRN_OK)
		st = cairn_git_blame_in(wb->git, &head, l.v, l.n, q, n, err);
	free(l.v);
	return st;
}

/* ---- authorship audit ---- */

typedef struct person_match {
	const char *email;
	char id[CAIRN_REF_ID_MAX + 1];
	bool leader;
} person_match;

static cairn_status match_person(const char *const *v, void *ctx, cairn_error *err)
{
	person_match *m = ctx;
	(void)err;
	if (v[1] && !strcasecmp(v[1], m->email)) {
		snprintf(m->id, sizeof m->id, "%s", v[0]);
		m->leader = v[2] && !strcmp(v[2], "leader");
	}
	return CAIRN_OK;
}

/* ---- in an enforced workbook: the rules decide ---- */

typedef struct audit_ctx {
	const wb_rules *rules;
	cairn_audit_fn fn;
	void *ctx;
} audit_ctx;

static cairn_status audit_record(const char *path, const char *name, const cairn_record *before,
				 const cairn_record *after, void *ctx, cairn_error *err)
{
	audit_ctx *a = ctx;
	cairn_error ignored;
	cairn_ref ref;
	(void)name;
	if (cairn_path_ref(path, &ref, &ignored) != CAIRN_OK || ref.kind == CAIRN_KIND_NONE)
		return CAIRN_OK;
	return wb_rules_audit(a->rules, ref.kind, ref.id, before, after, a->fn, a->ctx, err);
}

static cairn_status audit_by_rules(cairn_wb *wb, const cairn_history_row *c, const char *path,
				   cairn_audit_fn fn, void *ctx, cairn_error *err)
{
	cairn_identity who = { NULL, (char *)(c->author_email ? c->author_email : "") };
	cairn_oid from = { "" }, to = { "" };
	audit_ctx a = { NULL, fn, ctx };
	wb_rules rules;
	cairn_status st;

	/* A merge brings others' changes: its author answers for none. */
	if (c->parents && strchr(c->parents, ' '))
		return CAIRN_OK;
	snprintf(to.hex, sizeof to.hex, "%.40s", c->id);
	if (c->parents && strlen(c->parents) >= 40)
		snprintf(from.hex, sizeof from.hex, "%.40s", c->parents);
	if ((st = wb_rules_begin(wb, &who, &rules, err)))
		return st;
	a.rules = &rules;
	st = cairn_wb_diff(wb, &from, &to, path, audit_record, &a, err);
	wb_rules_done(&rules);
	return st;
}

/* ---- in an open workbook: evaluations, by the author's relation ---- */

static cairn_status audit_open(cairn_wb *wb, const cairn_history_row *commit, const char *path,
			       cairn_audit_fn fn, void *ctx, cairn_error *err)
{
	const char *author_email = commit->author_email ? commit->author_email : "";
	static const char *const columns[] = { "id", "email", "role" };
	person_match m = { author_email, "", false };
	cairn_ref ref;
	cairn_record rec;
	cairn_index_hit hit;
	char evaluator[CAIRN_REF_ID_MAX + 1], name[CAIRN_PATH_MAX], why[512];
	const char *validator = NULL, *slash;
	cairn_status st;

	if (cairn_path_ref(path, &ref, err) != CAIRN_OK || ref.kind != CAIRN_KIND_EVALUATION)
		return CAIRN_OK;
	slash = strchr(ref.id, '/');
	snprintf(evaluator, sizeof evaluator, "%s", slash ? slash + 1 : "");
	if ((st = cairn_index_rows(wb->idx, CAIRN_KIND_PERSON, columns, 3, NULL, 0, NULL, 0,
				   match_person, &m, err)))
		return st;
	cairn_ref_format(&ref, name, sizeof name);
	cairn_record_init(&rec);
	if (cairn_wb_resolve(wb, name, &hit, err) == CAIRN_OK &&
	    cairn_wb_read(wb, &hit, &rec, err) == CAIRN_OK)
		validator = cairn_record_get(&rec, "validator");
	if (m.leader || (m.id[0] && (!strcmp(m.id, evaluator) ||
				     (validator && !strcmp(m.id, validator))))) {
		cairn_record_done(&rec);
		return CAIRN_OK;
	}
	if (validator)
		snprintf(why, sizeof why, _("%s is %s, not the evaluator (%s), the validator (%s) "
					    "nor a leader"), author_email,
			 m.id[0] ? m.id : _("no person of the workbook"), evaluator, validator);
	else
		snprintf(why, sizeof why, _("%s is %s, not the evaluator (%s) nor a leader"),
			 author_email, m.id[0] ? m.id : _("no person of the workbook"), evaluator);
	cairn_record_done(&rec);
	return fn(why, ctx, err);
}

cairn_status cairn_wb_audit_each(cairn_wb *wb, const cairn_history_row *commit, const char *path,
				 cairn_audit_fn fn, void *ctx, cairn_error *err)
{
	if (wb_rules_on(wb))
		return audit_by_rules(wb, commit, path, fn, ctx, err);
	return audit_open(wb, commit, path, fn, ctx, err);
}

typedef struct first_flag {
	char *why;
	size_t n, seen;
} first_flag;

static cairn_status keep_first(const char *why, void *ctx, cairn_error *err)
{
	first_flag *f = ctx;
	(void)err;
	if (!f->seen++)
		snprintf(f->why, f->n, "%s", why);
	return CAIRN_OK;
}

cairn_status cairn_wb_audit(cairn_wb *wb, const cairn_history_row *commit, const char *path,
			    bool *flagged, char *why, size_t n, cairn_error *err)
{
	first_flag f = { why, n, 0 };
	cairn_status st;

	why[0] = '\0';
	st = cairn_wb_audit_each(wb, commit, path, keep_first, &f, err);
	*flagged = f.seen > 0;
	if (f.seen > 1) {
		size_t len = strlen(why);
		snprintf(why + len, n - len, P_(" (and %zu more change)", " (and %zu more changes)",
						f.seen - 1), f.seen - 1);
	}
	return st;
}

bool cairn_wb_shallow(cairn_wb *wb, size_t *boundaries)
{
	*boundaries = cairn_git_shallow_count(wb->git);
	return *boundaries > 0;
}
