/* Sync: fetch, merge record by record, push (see include/cairn/sync.h).
 * The conflicts file is in conflicts.c; the takeover of a merge plain git
 * left, and listing and resolving conflicts, above this file, in
 * takeover.c and resolve.c. */
#include "cairn/sync.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn/blame.h"
#include "cairn/buf.h"
#include "cairn/date.h"
#include "cairn/fs.h"
#include "git/incoming.h"
#include "git/merge_state.h"
#include "cairn/i18n.h"
#include "cairn/merge.h"
#include "cairn/utf8.h"
#include "cairn/workflow.h"
#include "model/rules.h"
#include "workbook/wb_internal.h"

typedef wb_plan plan;

#define PUSH_TRIES 3

/* ---- the merge plan ---- */

static cairn_status plan_add(plan *p, const char *path, char *data, size_t len, cairn_error *err)
{
	cairn_git_change *v = realloc(p->v, (p->n + 1) * sizeof *v);
	char **o;
	char *pathcopy = strdup(path);

	if (!v || !pathcopy) {
		free(pathcopy);
		free(data);
		if (v)
			p->v = v;
		return cairn_oom(err);
	}
	p->v = v;
	if (!(o = realloc(p->owned, (2 * p->n + 2) * sizeof *o))) {
		free(pathcopy);
		free(data);
		return cairn_oom(err);
	}
	p->owned = o;
	o[2 * p->n] = pathcopy;
	o[2 * p->n + 1] = data;
	v[p->n].path = pathcopy;
	v[p->n].data = data;
	v[p->n].len = len;
	p->n++;
	return CAIRN_OK;
}

void wb_plan_done(plan *p)
{
	for (size_t i = 0; i < 2 * p->n; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->v);
	cairn_record_done(&p->conflicts);
}

/* Their version of path (NULL: they removed it) goes into the merge. */
static cairn_status take_theirs(plan *p, const char *path, const char *theirs, cairn_error *err)
{
	char *copy;

	if (!theirs)
		return plan_add(p, path, NULL, 0, err);
	/* A failed copy must not read as a removal. */
	if (!(copy = strdup(theirs)))
		return cairn_oom(err);
	return plan_add(p, path, copy, strlen(copy), err);
}

static cairn_status add_clash(plan *p, const char *path, const char *field, const char *b,
			      const char *o, const char *t, const char *resolved, cairn_error *err)
{
	size_t i = ++p->nconflicts;
	char n[32];
	cairn_status st;

	snprintf(n, sizeof n, "%zu", i);
	if ((st = cairn_record_set(&p->conflicts, "count", n, err)) ||
	    (st = wb_cset(&p->conflicts, i, "path", path, err)) ||
	    (st = wb_cset(&p->conflicts, i, "field", *field ? field : "-", err)) ||
	    (st = wb_cset(&p->conflicts, i, "base", b, err)) || (st = wb_cset(&p->conflicts, i, "ours", o, err)) ||
	    (st = wb_cset(&p->conflicts, i, "theirs", t, err)))
		return st;
	return resolved ? wb_cset(&p->conflicts, i, "resolved", resolved, err) : CAIRN_OK;
}

/* Who set each side's value of every clash, and when: one history walk
 * per side (base..ours, base..theirs, and before base for the base). */
static cairn_status annotate_side(cairn_wb *wb, cairn_record *cr, size_t n, const char *side,
				  const cairn_oid *from, const cairn_oid *hide, cairn_error *err)
{
	cairn_blame *q = calloc(n ? n : 1, sizeof *q);
	size_t *which = calloc(n ? n : 1, sizeof *which), nq = 0;
	cairn_status st = CAIRN_OK;
	char key[32];

	if (!q || !which) {
		free(q);
		free(which);
		return cairn_oom(err);
	}
	for (size_t i = 1; i <= n; i++) {
		const char *f = wb_cget(cr, i, "field");
		/* Nothing to credit for a value that is not there at the base. */
		if (!strcmp(side, "base") && !wb_cget(cr, i, "base"))
			continue;
		q[nq].path = wb_cget(cr, i, "path");
		q[nq].field = f && strcmp(f, "-") ? f : "";
		which[nq++] = i;
	}
	if (nq)
		st = cairn_git_blame(wb->git, from, hide, q, nq, err);
	for (size_t k = 0; k < nq && st == CAIRN_OK; k++) {
		char who[600];
		if (!q[k].commit.hex[0])
			continue;
		cairn_blame_who_when(&q[k], who, sizeof who);
		snprintf(key, sizeof key, "%s_by", side);
		if ((st = wb_cset(cr, which[k], key, who, err)))
			break;
		snprintf(key, sizeof key, "%s_commit", side);
		st = wb_cset(cr, which[k], key, q[k].commit.hex, err);
	}
	cairn_blame_done(q, nq);
	free(q);
	free(which);
	return st;
}

/* Who set what is looked up when the conflicts are first read, not during
 * the sync: walking both sides' history costs a 1,000-commit sync a
 * third of its time.  The three commits are kept for it. */
cairn_status wb_annotate(cairn_wb *wb, cairn_record *cr, cairn_error *err)
{
	const char *b = cairn_record_get(cr, "base_commit"), *o = cairn_record_get(cr, "ours_head");
	const char *t = cairn_record_get(cr, "merging");
	cairn_oid base, ours, theirs;
	size_t n = wb_ccount(cr);
	cairn_status st;

	if (!b || !o || !t || cairn_record_get(cr, "annotated"))
		return CAIRN_OK;
	snprintf(base.hex, sizeof base.hex, "%s", b);
	snprintf(ours.hex, sizeof ours.hex, "%s", o);
	snprintf(theirs.hex, sizeof theirs.hex, "%s", t);
	if ((st = annotate_side(wb, cr, n, "ours", &ours, &base, err)) ||
	    (st = annotate_side(wb, cr, n, "theirs", &theirs, &base, err)) ||
	    (st = annotate_side(wb, cr, n, "base", &base, NULL, err)))
		return st;
	return cairn_record_set(cr, "annotated", "yes", err);
}

/* Read a record at path in commit (NULL when absent); *bad when the file is
 * there but is no record. */
static cairn_status read_at(cairn_wb *wb, const cairn_oid *commit, const char *path,
			    cairn_record **out, char **text, bool *bad, cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_oid blob;
	cairn_error why;
	cairn_status st;

	*out = NULL;
	*text = NULL;
	if (!commit->hex[0])
		return CAIRN_OK;
	st = cairn_git_read_path(wb->git, commit, path, &data, &len, &blob, err);
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;
	if (st != CAIRN_OK)
		return st;
	*text = data;
	if (!(*out = malloc(sizeof **out)))
		return cairn_oom(err);
	if (cairn_record_parse(*out, data, len, path, &why) != CAIRN_OK) {
		free(*out);
		*out = NULL;
		*bad = true;
	}
	return CAIRN_OK;
}

static void free_rec(cairn_record *r)
{
	if (r) {
		cairn_record_done(r);
		free(r);
	}
}

static bool listed(const cairn_git_delta *d, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].path, path))
			return true;
	return false;
}

static void say(const cairn_sync_options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const cairn_sync_options *o, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	if (!o->say)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	o->say(line, o->ctx);
}

/* "in: milestone/M4: deadline 2016-04-15 -> 2016-04-30", field by field. */
static void say_change(cairn_wb *wb, const cairn_sync_options *o, const char *dir,
		       const cairn_oid *from, const cairn_oid *to, const char *path)
{
	cairn_record *a = NULL, *b = NULL;
	char *ta = NULL, *tb = NULL, name[CAIRN_PATH_MAX];
	bool bad = false;
	cairn_ref ref;
	cairn_error err;

	if (!o->say)
		return;
	if (cairn_path_ref(path, &ref, &err) == CAIRN_OK)
		cairn_ref_format(&ref, name, sizeof name);
	else
		snprintf(name, sizeof name, "%s", path);
	if (read_at(wb, from, path, &a, &ta, &bad, &err) == CAIRN_OK &&
	    read_at(wb, to, path, &b, &tb, &bad, &err) == CAIRN_OK) {
		if (a && b) {
			cairn_buf line = CAIRN_BUF_INIT;
			cairn_record_describe_changes(a, b, &line);
			say(o, "%s: %s: %s", dir, name, cairn_buf_str(&line));
			cairn_buf_done(&line);
		} else {
			say(o, "%s: %s %s", dir, name, b ? "added" : a ? "removed" : "changed");
		}
	}
	free_rec(a);
	free_rec(b);
	free(ta);
	free(tb);
}

/* One record both sides changed. */
static bool saw_these(const cairn_record *rec, const char *fp)
{
	char hex[41];
	if (!rec)
		return false;
	cairn_answers_fingerprint(rec, hex);
	return !strcmp(hex, fp);
}

cairn_status cairn_wb_settle_merged(cairn_wb *wb, const char *path, const cairn_oid *ours,
				    const cairn_oid *theirs, const cairn_record *ro,
				    const cairn_record *rt, cairn_record *merged, cairn_error *err)
{
	const char *fp = cairn_record_get(merged, "validated_answers");
	const char *status = cairn_record_get(merged, "status");
	const cairn_record *seen;
	const cairn_oid *changer;
	cairn_buf keys = CAIRN_BUF_INIT;
	char who[256] = "", when[16] = "";
	cairn_ref ref;
	cairn_error ignore;
	cairn_status st;

	if (cairn_path_ref(path, &ref, &ignore) != CAIRN_OK || ref.kind != CAIRN_KIND_EVALUATION ||
	    !fp || !status || strcmp(status, "validated") || saw_these(merged, fp))
		return cairn_evaluation_settle(merged, NULL, NULL, NULL, NULL, err);
	/* The side whose answers the validation saw; the other changed them. */
	if (saw_these(ro, fp) || !saw_these(rt, fp)) {
		seen = ro;
		changer = theirs;
	} else {
		seen = rt;
		changer = ours;
	}
	if (seen)
		cairn_changed_answers(seen, merged, &keys);
	if (keys.len) {
		char field[CAIRN_KEY_MAX + 1];
		cairn_blame b;
		snprintf(field, sizeof field, "%.*s", (int)strcspn(cairn_buf_str(&keys), ","),
			 cairn_buf_str(&keys));
		memset(&b, 0, sizeof b);
		b.path = path;
		b.field = field;
		if (cairn_git_blame(wb->git, changer, NULL, &b, 1, &ignore) == CAIRN_OK &&
		    b.commit.hex[0]) {
			snprintf(who, sizeof who, "%s", b.name ? b.name : "");
			cairn_date_iso(cairn_date_from_days((long)(b.when / 86400)), when, sizeof when);
		}
		cairn_blame_done(&b, 1);
	}
	cairn_buf_done(&keys);
	st = cairn_evaluation_settle(merged, seen, *who ? who : "another member (by sync)",
				     when, NULL, err);
	return st;
}


static cairn_status merge_one(cairn_wb *wb, const cairn_oid *base, const cairn_oid *ours,
			      const cairn_oid *theirs, const char *path, const cairn_record *old,
			      const cairn_sync_options *o, plan *p, cairn_error *err)
{
	cairn_record *rb = NULL, *ro = NULL, *rt = NULL;
	char *tb = NULL, *to = NULL, *tt = NULL, *text = NULL;
	bool bad = false;
	cairn_ref ref;
	cairn_template tpl;
	bool have_tpl = false;
	cairn_merge_result m;
	cairn_status st;
	char name[CAIRN_PATH_MAX];

	memset(&m, 0, sizeof m);
	cairn_record_init(&m.merged);
	if ((st = read_at(wb, base, path, &rb, &tb, &bad, err)) ||
	    (st = read_at(wb, ours, path, &ro, &to, &bad, err)) ||
	    (st = read_at(wb, theirs, path, &rt, &tt, &bad, err)))
		goto done;
	if (cairn_path_ref(path, &ref, err) != CAIRN_OK || bad) {
		/* Not a record, or not readable on some side: whole-file clash. */
		const char *d = wb_decision(old, path, "-", to, tt);
		if (d && !strcmp(d, "theirs"))
			st = take_theirs(p, path, tt, err);
		else if (!d)
			st = add_clash(p, path, "", tb, to, tt, NULL, err);
		goto done;
	}
	cairn_ref_format(&ref, name, sizeof name);
	if (ref.kind == CAIRN_KIND_EVALUATION) {
		const cairn_record *any = ro ? ro : rt;
		const char *tid = any ? cairn_record_get(any, "template") : NULL;
		have_tpl = tid && cairn_wb_template(wb, tid, &tpl, err) == CAIRN_OK;
	}
	if ((st = cairn_merge_record(ref.kind, rb, ro, rt, have_tpl ? &tpl : NULL, &m, err)))
		goto done;
	if (m.outcome == CAIRN_ADD_ADD || m.outcome == CAIRN_DELETE_MODIFY) {
		const char *d = wb_decision(old, path, "-", to, tt);
		if (d && !strcmp(d, "theirs")) {
			st = take_theirs(p, path, tt, err);
		} else if (!d) {
			say(o, "conflict: %s: %s", name, m.outcome == CAIRN_ADD_ADD
			    ? "added on both sides, differently"
			    : m.deleted_by_us ? "we removed it, they changed it"
					      : "we changed it, they removed it");
			st = add_clash(p, path, "", tb, to, tt, NULL, err);
		}
		goto done;
	}
	for (size_t i = 0; i < m.nconflicts && st == CAIRN_OK; i++) {
		const cairn_field_conflict *c = &m.conflicts[i];
		const char *d = wb_decision(old, path, c->key, c->ours, c->theirs);
		if (d) {
			/* A person decided: "" removes the field. */
			st = *d ? cairn_record_set(&m.merged, c->key, d, err)
				: (cairn_record_unset(&m.merged, c->key), CAIRN_OK);
			continue;
		}
		{
			const char *ou = c->ours ? c->ours : "(none)";
			const char *th = c->theirs ? c->theirs : "(none)";
			say(o, "conflict: %s: %s: ours \"%.*s\", theirs \"%.*s\"", name, c->key,
			    (int)cairn_utf8_cut(ou, 60), ou, (int)cairn_utf8_cut(th, 60), th);
		}
		st = add_clash(p, path, c->key, c->base, c->ours, c->theirs, NULL, err);
	}
	if (st != CAIRN_OK)
		goto done;
	/* Each side was valid; the merge of two valid records may not be (a
	 * validator set on one side to the evaluator set on the other). */
	if (m.outcome == CAIRN_MERGED && !p->nconflicts) {
		cairn_error why;
		if (cairn_record_validate(ref.kind, ref.id, &m.merged, have_tpl ? &tpl : NULL, &why) !=
		    CAIRN_OK) {
			const char *d = wb_decision(old, path, "-", to, tt);
			if (d && !strcmp(d, "theirs")) {
				st = take_theirs(p, path, tt, err);
				goto done;
			}
			if (!d) {
				say(o, "conflict: %s: the merged record would not be valid (%s)", name,
				    why.msg);
				st = add_clash(p, path, "", tb, to, tt, NULL, err);
				goto done;
			}
			goto done;      /* ours chosen: nothing changes here */
		}
	}
	/* The evaluation workflow (core/workbook/workflow.c): a validation holds only
	 * for the answers it saw, also when the change arrives by sync. */
	if (m.outcome == CAIRN_MERGED &&
	    (st = cairn_wb_settle_merged(wb, path, ours, theirs, ro, rt, &m.merged, err)))
		goto done;
	p->merged++;
	if (m.outcome == CAIRN_MERGED_DELETED) {
		if (ro)
			st = plan_add(p, path, NULL, 0, err);
	} else if (!ro || !cairn_record_equal(&m.merged, ro)) {
		size_t len;
		/* What was added after the merge (a settled conflict, the line
		 * of a validation undone) goes in its place, as a save puts it:
		 * the next one-field edit stays a one-line diff. */
		cairn_record_canonical(ref.kind, &m.merged);
		if ((st = cairn_record_write(&m.merged, &text, &len, err)) == CAIRN_OK) {
			st = plan_add(p, path, text, len, err);
			text = NULL;
		}
		say(o, "merged: %s", name);
	}
done:
	cairn_merge_result_done(&m);
	if (have_tpl)
		cairn_template_done(&tpl);
	free_rec(rb);
	free_rec(ro);
	free_rec(rt);
	free(tb);
	free(to);
	free(tt);
	free(text);
	return st;
}

static bool schema_path(const char *path)
{
	return !strncmp(path, "lists/", 6) || !strncmp(path, "forms/", 6);
}

/* The lists and forms the plan brings, made the schema the rest of the
 * merge is checked against (until wb_schema_settled). */
static cairn_status schema_of_plan(cairn_wb *wb, const plan *p, cairn_error *err)
{
	cairn_ref *refs = calloc(p->n ? p->n : 1, sizeof *refs);
	cairn_record *recs = calloc(p->n ? p->n : 1, sizeof *recs);
	const cairn_record **use = calloc(p->n ? p->n : 1, sizeof *use);
	size_t n = 0;
	cairn_status st = refs && recs && use ? CAIRN_OK : cairn_oom(err);

	for (size_t i = 0; i < p->n && st == CAIRN_OK; i++) {
		cairn_error why;
		if (!schema_path(p->v[i].path) || !p->v[i].data ||
		    cairn_path_ref(p->v[i].path, &refs[n], &why) != CAIRN_OK)
			continue;
		if (cairn_record_parse(&recs[n], p->v[i].data, p->v[i].len, p->v[i].path,
				       &why) != CAIRN_OK) {
			cairn_record_done(&recs[n]);
			continue;
		}
		use[n] = &recs[n];
		n++;
	}
	if (st == CAIRN_OK && n)
		st = wb_schema_provisional(wb, refs, use, n, err);
	for (size_t i = 0; i < n; i++)
		cairn_record_done(&recs[i]);
	free(refs);
	free(recs);
	free(use);
	return st;
}

/* The changes that turn ours into the merge of ours and theirs. */
static cairn_status plan_merge(cairn_wb *wb, const cairn_oid *base, const cairn_oid *ours,
			       const cairn_oid *theirs, const cairn_record *old,
			       const cairn_sync_options *o, plan *p, cairn_error *err)
{
	cairn_git_delta *dours = NULL, *dtheirs = NULL;
	size_t nours = 0, ntheirs = 0;
	cairn_status st;

	if ((st = cairn_git_diff(wb->git, base, ours, &dours, &nours, err)) ||
	    (st = cairn_git_diff(wb->git, base, theirs, &dtheirs, &ntheirs, err)))
		goto done;
	p->incoming = ntheirs;
	for (size_t i = 0; i < nours; i++)
		if (!listed(dtheirs, ntheirs, dours[i].path))
			say_change(wb, o, "out", base, ours, dours[i].path);
	/* The group's lists and forms first: the records merged after them
	 * are checked against the schema as the merge leaves it. */
	for (size_t k = 0; k < 2 * ntheirs && st == CAIRN_OK; k++) {
		size_t i = k % ntheirs;
		const char *path = dtheirs[i].path;
		if (k == ntheirs && (st = schema_of_plan(wb, p, err)))
			break;
		if (schema_path(path) != (k < ntheirs))
			continue;
		if (listed(dours, nours, path)) {
			st = merge_one(wb, base, ours, theirs, path, old, o, p, err);
		} else if (!dtheirs[i].new_blob.hex[0]) {
			say_change(wb, o, "in", base, theirs, path);
			st = plan_add(p, path, NULL, 0, err);
		} else {
			char *data = NULL;
			size_t len;
			say_change(wb, o, "in", base, theirs, path);
			st = cairn_git_read_blob(wb->git, &dtheirs[i].new_blob, &data, &len, err);
			if (st == CAIRN_OK)
				st = plan_add(p, path, data, len, err);
		}
	}
done:
	wb_schema_settled(wb);
	cairn_git_deltas_free(dours, nours);
	cairn_git_deltas_free(dtheirs, ntheirs);
	return st;
}

/* A file the sync is about to write was edited by hand: stop, so that
 * nothing typed is overwritten (only those files are looked at). */
static cairn_status no_hand_edits(cairn_wb *wb, const char *const *paths, size_t n,
				  cairn_error *err)
{
	char **edits = NULL;
	size_t nedits = 0;
	cairn_status st = wb_hand_edits_in(wb, paths, n, &edits, &nedits, err);

	if (st == CAIRN_OK && nedits)
		st = cairn_fail(err, CAIRN_ECONFLICT,
				P_("%zu file the sync would rewrite was changed by hand (%s%s): run "
				   "`cairn commit` first, then sync",
				   "%zu files the sync would rewrite were changed by hand (%s%s): run "
				   "`cairn commit` first, then sync", nedits), nedits, edits[0],
				nedits > 1 ? ", ..." : "");
	for (size_t i = 0; i < nedits; i++)
		free(edits[i]);
	free(edits);
	return st;
}

/* Merge theirs into ours (HEAD) from their merge base, with the decisions
 * in old: a merge commit with both parents (*ours moves to it), or the
 * clashes saved with `merging` naming theirs, and CAIRN_ECONFLICT.  what
 * names where theirs came from, for messages. */
cairn_status wb_merge_into_head(cairn_wb *wb, const char *what, const cairn_sync_options *o,
				cairn_sync_report *r, cairn_oid *ours, const cairn_oid *theirs,
				const cairn_record *old, plan *p, bool *refused, cairn_error *err)
{
	cairn_oid base, merged;
	cairn_identity who;
	cairn_git_author a;
	char msg[512];
	cairn_status st;

	if ((st = cairn_git_merge_base(wb->git, ours, theirs, &base, err)))
		return st;
	if (!base.hex[0])
		return cairn_fail(err, CAIRN_EINPUT, _("%s holds an unrelated history (no commit in "
				  "common): was it made by another `cairn init`?"), what);
	if ((st = cairn_git_check_incoming(wb->git, what, &base, theirs, err))) {
		*refused = true;
		return st;
	}
	if ((st = plan_merge(wb, &base, ours, theirs, old, o, p, err)))
		return st;
	r->incoming = p->incoming;
	r->merged = p->merged;
	if (p->nconflicts) {
		r->conflicts = p->nconflicts;
		if (!o->dry_run &&
		    ((st = cairn_record_set(&p->conflicts, "base_commit", base.hex, err)) ||
		     (st = cairn_record_set(&p->conflicts, "ours_head", ours->hex, err)) ||
		     (st = cairn_record_set(&p->conflicts, "merging", theirs->hex, err)) ||
		     (st = cairn_record_set(&p->conflicts, "merging_from", what, err)) ||
		     (st = wb_save_conflicts(wb, &p->conflicts, err))))
			return st;
		return cairn_fail(err, CAIRN_ECONFLICT,
				  P_("%zu conflict waits: `cairn conflicts` lists them, `cairn "
				     "resolve` settles them; nothing was pushed",
				     "%zu conflicts wait: `cairn conflicts` lists them, `cairn "
				     "resolve` settles them; nothing was pushed", p->nconflicts),
				  p->nconflicts);
	}
	if (o->dry_run)
		return CAIRN_OK;
	{
		const char **paths = calloc(p->n ? p->n : 1, sizeof *paths);
		if (!paths)
			return cairn_oom(err);
		for (size_t i = 0; i < p->n; i++)
			paths[i] = p->v[i].path;
		st = no_hand_edits(wb, paths, p->n, err);
		free(paths);
		if (st != CAIRN_OK)
			return st;
	}
	snprintf(msg, sizeof msg, "Merge %s: %zu record%s from both sides", what, p->merged,
		 p->merged == 1 ? "" : "s");
	if ((st = wb_identity(wb, &who, err)))
		return st;
	a = (cairn_git_author){ who.name, who.email, 0, 0 };
	st = wb_follow_note(wb, ours, err);
	if (st == CAIRN_OK)
		st = cairn_git_commit_merge(wb->git, ours, theirs, p->v, p->n, &a, msg, &merged, err);
	wb_identity_done(&who);
	if (st == CAIRN_OK)
		st = wb_follow(wb, ours, &merged, err);
	if (st == CAIRN_OK)
		*ours = merged;
	return st;
}

/* What we push is held to the list every other member's sync holds it to:
 * a commit they would refuse (a link, a .git folder, a file over the
 * limit, made with plain git here) would block them all for good, so it
 * stays here, with the way out that keeps every change. */
static cairn_status check_outgoing(cairn_wb *wb, const char *remote, const cairn_oid *theirs,
				   const cairn_oid *ours, cairn_error *err)
{
	char why[sizeof err->msg];
	cairn_status st = cairn_git_check_incoming(wb->git, remote, theirs, ours, err);

	if (st != CAIRN_EINPUT)
		return st;
	snprintf(why, sizeof why, "%s", err->msg);
	return cairn_fail(err, CAIRN_EINPUT, _("nothing was pushed: every other member would "
			  "refuse a commit of ours (%s). To take it out and keep every change: `git "
			  "reset --soft %.12s` (the changes stay staged), mend or remove the file, "
			  "commit again (`cairn commit` or `git commit`), then sync"), why,
			  theirs->hex[0] ? theirs->hex : "$(git rev-list --max-parents=0 HEAD)");
}

/* What a transfer needs of a sync's options: one place, so that a new
 * option reaches every fetch and push. */
static cairn_net sync_net(const cairn_sync_options *o)
{
	return (cairn_net){ o->progress, o->accept_host, o->fingerprint, o->token, o->ctx,
			    o->remote_says, o->passphrase, o->username, o->ca_file };
}

/* When we have commits to push and a copy of their branch, the push's
 * connection is opened first: if the server shows every branch where our
 * copies are, nothing can come in and the fetch (another connection, as
 * long again over ssh) is not needed; else the fetch and the merge run as
 * always.  Either way the checks and the push follow on that connection. */
static cairn_status fetch_or_push_first(cairn_wb *wb, const char *remote, const cairn_net *net,
					bool dry_run, cairn_oid *before, cairn_oid *theirs,
					cairn_git_pushconn **conn, cairn_error *err)
{
	bool tracked = false;
	size_t ahead = 0, behind = 0;
	cairn_status st;

	*conn = NULL;
	if (!dry_run && cairn_git_unshared_with(wb->git, remote, &tracked, &ahead, &behind, err) ==
	    CAIRN_OK && tracked && ahead) {
		if ((st = cairn_git_push_first(wb->git, remote, net, theirs, conn, err)))
			return st;
		if (theirs->hex[0]) {
			*before = *theirs;
			return CAIRN_OK;
		}
	}
	return cairn_git_fetch(wb->git, remote, net, before, theirs, err);
}

static cairn_status sync_once(cairn_wb *wb, const cairn_sync_options *o, cairn_sync_report *r,
			      bool first, bool *again, cairn_error *err)
{
	cairn_oid ours, theirs, base, before;
	cairn_record old;
	plan p;
	cairn_status st;
	bool rejected = false, refused = false;
	size_t ahead = 0, behind = 0;
	bool upstream;
	cairn_net net = sync_net(o);
	cairn_git_pushconn *conn = NULL;

	*again = false;
	memset(&p, 0, sizeof p);
	cairn_record_init(&p.conflicts);
	if ((st = wb_load_conflicts(wb, &old, err)))
		return st;
	if ((st = first ? fetch_or_push_first(wb, r->remote, &net, o->dry_run, &before, &theirs,
					      &conn, err)
		    : cairn_git_fetch(wb->git, r->remote, &net, &before, &theirs, err)) ||
	    (st = cairn_git_head(wb->git, &ours, err)))
		goto done;
	if (theirs.hex[0] && (st = cairn_git_merge_base(wb->git, &ours, &theirs, &base, err)))
		goto done;
	if (!theirs.hex[0] || !strcmp(theirs.hex, ours.hex) || !strcmp(base.hex, theirs.hex)) {
		/* Nothing new from them. */
	} else if (!strcmp(base.hex, ours.hex)) {
		cairn_git_delta *d = NULL;
		size_t n = 0;
		if ((st = cairn_git_check_incoming(wb->git, r->remote, &ours, &theirs, err))) {
			refused = true;
			goto done;
		}
		if ((st = cairn_git_diff(wb->git, &ours, &theirs, &d, &n, err)))
			goto done;
		r->incoming = n;
		for (size_t i = 0; i < n; i++)
			say_change(wb, o, "in", &ours, &theirs, d[i].path);
		r->fast_forward = true;
		if (!o->dry_run) {
			const char **paths = calloc(n ? n : 1, sizeof *paths);
			if (!paths) {
				cairn_git_deltas_free(d, n);
				st = cairn_oom(err);
				goto done;
			}
			for (size_t i = 0; i < n; i++)
				paths[i] = d[i].path;
			st = no_hand_edits(wb, paths, n, err);
			free(paths);
		}
		cairn_git_deltas_free(d, n);
		if (st != CAIRN_OK)
			goto done;
		if (!o->dry_run) {
			if ((st = wb_follow_note(wb, &ours, err)) ||
			    (st = cairn_git_move_branch(wb->git, &ours, &theirs, "sync: fast-forward",
							err)) ||
			    (st = wb_follow(wb, &ours, &theirs, err)))
				goto done;
			ours = theirs;
		}
	} else {
		st = wb_merge_into_head(wb, r->remote, o, r, &ours, &theirs, &old, &p, &refused, err);
		if (st != CAIRN_OK)
			goto done;
	}
	/* No clash is left: the conflicts file has done its work. */
	if (!o->dry_run && (st = wb_save_conflicts(wb, &p.conflicts, err)))
		goto done;
	/* Against this remote's branch, which need not be the upstream. */
	if ((st = cairn_git_unshared_with(wb->git, r->remote, &upstream, &ahead, &behind, err)))
		goto done;
	if (theirs.hex[0] && upstream && !ahead)
		goto done;              /* they have all of ours */
	r->outgoing = ahead;
	if (o->dry_run) {
		if (!theirs.hex[0] || ahead)
			say(o, "out: %s", ahead ? "our new commits" : "the whole workbook");
		goto done;
	}
	if ((st = check_outgoing(wb, r->remote, &theirs, &ours, err)) ||
	    (st = cairn_git_push(wb->git, r->remote, &net, conn, &rejected, err)))
		goto done;
	if (rejected)
		*again = true;          /* someone pushed first: fetch, merge, push again */
	else
		r->pushed = true;
done:
	cairn_git_push_close(conn);
	if (refused) {
		cairn_error ignored;
		(void)cairn_git_set_tracking(wb->git, r->remote, &before, &ignored);
	}
	wb_plan_done(&p);
	cairn_record_done(&old);
	return st;
}

cairn_status cairn_wb_sync(cairn_wb *wb, const cairn_sync_options *opt, cairn_sync_report *report,
			   cairn_error *err)
{
	cairn_status st;
	bool again = true;

	memset(report, 0, sizeof *report);
	if ((st = cairn_git_default_remote(wb->git, opt->remote, report->remote,
					   sizeof report->remote, err)))
		return st;
	if (!report->remote[0])
		return cairn_fail(err, CAIRN_EINPUT, "%s", _("this workbook has no remote to sync "
				  "with: cairn remote add origin URL"));
	if ((st = cairn_wb_git_stopped(wb, err)) || (st = wb_lock(wb, err)))
		return st;
	/* A shallow clone: libgit2 cannot find a merge base past what it
	 * holds, nor deepen it, so the history is made whole first. */
	if (cairn_git_is_shallow(wb->git) && !opt->dry_run) {
		cairn_net net = sync_net(opt);
		size_t n = 0;
		/* The history index took the boundary for the first commit:
		 * it is read again, whole, at the next log. */
		if ((st = cairn_git_unshallow(wb->git, report->remote, &net, &n, err)) ||
		    (st = cairn_index_meta_set(wb->idx, "history", "", err))) {
			wb_unlock(wb);
			return st;
		}
		say(opt, _("this workbook was a shallow clone: its whole history came from %s "
			   "first (%zu commits), so that the merge finds the common ancestor; log "
			   "and blame now show all of it"), report->remote, n);
	} else if (cairn_git_is_shallow(wb->git)) {
		/* Neither the merge base nor the allow-list's walk of what
		 * comes in can be found in a history libgit2 cannot walk. */
		wb_unlock(wb);
		return cairn_fail(err, CAIRN_EINPUT, _("this workbook is a shallow clone: a dry run "
				  "cannot tell what a sync would do until its history is whole; `cairn "
				  "sync` (not --dry-run) fetches it from %s first and says so, or run "
				  "`git fetch --unshallow`; then a dry run can"), report->remote);
	}
	/* Hand edits are looked for in the files a merge or fast-forward
	 * would rewrite, once it knows them (no_hand_edits). */
	for (int tries = 0; st == CAIRN_OK && again && tries < PUSH_TRIES; tries++)
		st = sync_once(wb, opt, report, tries == 0, &again, err);
	if (st == CAIRN_OK && again)
		st = cairn_fail(err, CAIRN_EBUSY, _("%s kept moving while we merged (%d tries): sync "
				"again in a moment"), report->remote, PUSH_TRIES);
	/* -u, as `git push -u`: once the remote was reached (a conflict
	 * included, so that the sync after `cairn resolve` goes there). */
	if ((st == CAIRN_OK || st == CAIRN_ECONFLICT) && opt->set_upstream && !opt->dry_run) {
		cairn_error why;
		if (cairn_git_set_upstream(wb->git, report->remote, &why) != CAIRN_OK) {
			if (st == CAIRN_OK)
				*err = why;
			st = st == CAIRN_OK ? why.code : st;
		}
	}
	wb_unlock(wb);
	return st;
}

/* ---- a merge plain git left with conflict markers ---- */

cairn_status cairn_wb_clone(const char *url, const char *dir, const cairn_net *net,
			    cairn_error *err)
{
	return cairn_git_clone(url, dir, net, err);
}

/* ---- remotes ---- */

/* The faces never hold the git repository: `cairn remote` names the
 * workbook, and these hand its repository to core/git/remote.c, which
 * keeps remotes in the repository's own config, as git does. */
cairn_status cairn_wb_remotes(cairn_wb *wb, cairn_remote_fn fn, void *ctx, cairn_error *err)
{
	return cairn_git_remotes(wb->git, fn, ctx, err);
}

cairn_status cairn_wb_remote_add(cairn_wb *wb, const char *name, const char *url,
				 cairn_error *err)
{
	return cairn_git_remote_add(wb->git, name, url, err);
}

cairn_status cairn_wb_doctor(cairn_wb *wb, const char *remote, const cairn_net *net,
			     cairn_doctor_fn fn, void *ctx, int *problems, cairn_error *err)
{
	char name[128];
	cairn_status st;

	*problems = 0;
	if ((st = cairn_git_default_remote(wb->git, remote, name, sizeof name, err)))
		return st;
	if (!name[0])
		return cairn_fail(err, CAIRN_EINPUT, "%s", _("this workbook has no remote: cairn "
				  "remote add origin URL"));
	return cairn_git_doctor(wb->git, name, net, fn, ctx, problems, err);
}

cairn_status cairn_wb_remote_remove(cairn_wb *wb, const char *name, cairn_error *err)
{
	return cairn_git_remote_remove(wb->git, name, err);
}

/* ---- plain git as a peer ---- */

cairn_status cairn_wb_register_merge_driver(cairn_wb *wb, const char *program, cairn_error *err)
{
	const char *folders[CAIRN_KIND_COUNT];

	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		folders[k] = cairn_kind_def_of((cairn_kind)k)->folder;
	return cairn_git_register_merge_driver(wb->git, program, folders, CAIRN_KIND_COUNT, err);
}

cairn_status cairn_merge_texts(const char *path, const char *base, size_t blen, const char *ours,
			       size_t olen, const char *theirs, size_t tlen,
			       const cairn_template *tpl, char **out, size_t *outlen,
			       size_t *conflicts, cairn_error *err)
{
	cairn_record rb, ro, rt;
	cairn_merge_result m;
	cairn_ref ref;
	cairn_status st;

	*out = NULL;
	*conflicts = 0;
	if ((st = cairn_path_ref(path, &ref, err)))
		return st;
	cairn_record_init(&rb);
	cairn_record_init(&ro);
	cairn_record_init(&rt);
	if ((blen && (st = cairn_record_parse(&rb, base, blen, path, err))) ||
	    (st = cairn_record_parse(&ro, ours, olen, path, err)) ||
	    (st = cairn_record_parse(&rt, theirs, tlen, path, err)))
		goto done;
	if ((st = cairn_merge_record(ref.kind, blen ? &rb : NULL, &ro, &rt, tpl, &m, err)))
		goto done;
	*conflicts = m.nconflicts + (m.outcome == CAIRN_ADD_ADD && !m.nconflicts);
	st = cairn_record_write(&m.merged, out, outlen, err);
	cairn_merge_result_done(&m);
done:
	cairn_record_done(&rb);
	cairn_record_done(&ro);
	cairn_record_done(&rt);
	return st;
}
