/* Filling the index from the records: a full rebuild, or the files that
 * changed between the commit the index reflects and HEAD.  A file that
 * cannot be read as a record goes to the problems with the reason; it is
 * never dropped, never rewritten, and the rest of the workbook loads.
 * Reading one record (cairn_wb_read) checks the index's copy against its
 * blob id and mends it from git when it is damaged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cairn/buf.h"
#include "cairn/template.h"
#include "workbook/wb_internal.h"

typedef struct cached_template {
	char id[CAIRN_ID_MAX + 1];
	bool ok;
	cairn_template tpl;
} cached_template;

struct wb_loader {
	cairn_wb *wb;
	cached_template *templates;
	size_t ntemplates;
};

wb_loader *wb_loader_new(cairn_wb *wb)
{
	wb_loader *l = calloc(1, sizeof *l);
	if (l)
		l->wb = wb;
	return l;
}

void wb_loader_free(wb_loader *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->ntemplates; i++)
		if (l->templates[i].ok)
			cairn_template_done(&l->templates[i].tpl);
	free(l->templates);
	free(l);
}

static void forget_template(wb_loader *l, const char *id)
{
	for (size_t i = 0; i < l->ntemplates; i++)
		if (!strcasecmp(l->templates[i].id, id)) {
			if (l->templates[i].ok)
				cairn_template_done(&l->templates[i].tpl);
			l->templates[i] = l->templates[--l->ntemplates];
			return;
		}
}

/* The template an evaluation names, parsed once per load. */
static const cairn_template *loader_template(wb_loader *l, const char *id)
{
	cached_template *grown, *c;
	cairn_error ignore;

	for (size_t i = 0; i < l->ntemplates; i++)
		if (!strcasecmp(l->templates[i].id, id))
			return l->templates[i].ok ? &l->templates[i].tpl : NULL;
	grown = realloc(l->templates, (l->ntemplates + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	l->templates = grown;
	c = &l->templates[l->ntemplates++];
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", id);
	c->ok = cairn_wb_template(l->wb, id, &c->tpl, &ignore) == CAIRN_OK;
	return c->ok ? &c->tpl : NULL;
}

/* The first line of data that is a conflict marker git leaves ("<<<<<<< ",
 * "=======", ">>>>>>> "), or 0. */
static int conflict_marker_line(const char *data, size_t len)
{
	int line = 1;

	for (size_t i = 0; i < len; line++) {
		const char *s = data + i, *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;
		if ((n >= 7 && (!memcmp(s, "<<<<<<<", 7) || !memcmp(s, ">>>>>>>", 7)) &&
		     (n == 7 || s[7] == ' ')) ||
		    (n == 7 && !memcmp(s, "=======", 7)))
			return line;
		i += n + 1;
	}
	return 0;
}

/* A record that does not parse came from a person (a plain git merge, an
 * editor, a newer cairn): the message says how to mend it by hand. */
static void advise_unparsed(cairn_error *why, const char *path, const char *data, size_t len)
{
	int marker = conflict_marker_line(data, len);
	cairn_buf msg = CAIRN_BUF_INIT;
	size_t n;

	if (marker)
		cairn_buf_printf(&msg, "%s:%d: conflict markers (<<<<<<<, =======, >>>>>>>) left "
			 "by a plain git merge: edit the file to keep the lines you want and "
			 "delete the markers, then `cairn commit`", path, marker);
	else
		cairn_buf_printf(&msg, "%s (mend the file, then `cairn commit`; or bring back an "
				 "earlier version with `git checkout COMMIT -- %s`)", why->msg, path);
	/* Cut to what the error holds (a path is short: the advice fits). */
	if ((n = msg.len) >= sizeof why->msg)
		n = sizeof why->msg - 1;
	if (msg.data) {
		memcpy(why->msg, msg.data, n);
		why->msg[n] = '\0';
	}
	cairn_buf_done(&msg);
}

static cairn_status problem(wb_loader *l, const char *path, const cairn_oid *blob,
			    const cairn_error *why, cairn_error *err)
{
	cairn_status st = cairn_index_remove(l->wb->idx, path, err);
	if (st == CAIRN_OK)
		st = cairn_index_put_problem(l->wb->idx, path, blob, why->msg, err);
	return st;
}

cairn_status wb_loader_put(wb_loader *l, const char *path, unsigned mode,
			   const cairn_oid *blob, cairn_error *err)
{
	cairn_ref ref;
	cairn_error why;
	cairn_record rec;
	cairn_index_extra extra = { 0, 0 };
	const cairn_template *tpl = NULL;
	char *data = NULL;
	size_t len = 0;
	cairn_status st;

	/* Files outside the kind folders (a README, docs/plan.md) are the
	 * group's business: git carries them, cairn leaves them alone. */
	if (!cairn_path_in_record_folders(path))
		return CAIRN_OK;
	if (cairn_path_ref(path, &ref, &why) != CAIRN_OK)
		return problem(l, path, blob, &why, err);
	if (ref.kind == CAIRN_KIND_NONE)
		return CAIRN_OK;
	if (mode != 0100644) {
		cairn_fail(&why, CAIRN_EINPUT,
			   "%s: not a plain file (mode %06o); records are plain files: replace it "
			   "with one (git rm, then cairn add)", path, mode);
		return problem(l, path, blob, &why, err);
	}
	st = cairn_git_read_blob(l->wb->git, blob, &data, &len, err);
	if (st != CAIRN_OK)
		return st;
	if (cairn_record_parse(&rec, data, len, path, &why) != CAIRN_OK) {
		advise_unparsed(&why, path, data, len);
		free(data);
		return problem(l, path, blob, &why, err);
	}
	if (ref.kind == CAIRN_KIND_EVALUATION) {
		const char *tid = cairn_record_get(&rec, "template");
		if (tid && *tid)
			tpl = loader_template(l, tid);
	}
	if (cairn_record_validate_read(ref.kind, ref.id, &rec, tpl, &why) != CAIRN_OK) {
		st = problem(l, path, blob, &why, err);
		goto done;
	}
	if (tpl) {
		size_t answered, missing;
		cairn_evaluation_progress(&rec, tpl, &answered, &missing, NULL);
		extra.answered = (long)answered;
		extra.missing = (long)missing;
	}
	if (ref.kind == CAIRN_KIND_TEMPLATE)
		forget_template(l, ref.id);
	st = cairn_index_put(l->wb->idx, &ref, path, blob, data, len, &rec,
			     ref.kind == CAIRN_KIND_EVALUATION ? &extra : NULL, &why);
	if (st == CAIRN_EEXISTS || st == CAIRN_EINPUT)
		st = problem(l, path, blob, &why, err);
	else if (st != CAIRN_OK)
		*err = why;
	/* Lists load first (kind order): the records after them are checked
	 * against the group's choices. */
	else if (is_schema(ref.kind))
		st = wb_schema_load(l->wb, err);
done:
	cairn_record_done(&rec);
	free(data);
	return st;
}

/* ---- what could not be read ---- */

typedef struct unreadable_list {
	cairn_unreadable *v;
	size_t n;
} unreadable_list;

static cairn_status collect_unreadable(const char *path, const char *message, void *ctx,
				       cairn_error *err)
{
	unreadable_list *u = ctx;
	cairn_unreadable *grown = realloc(u->v, (u->n + 1) * sizeof *grown);

	if (!grown)
		return cairn_oom(err);
	u->v = grown;
	grown[u->n].path = strdup(path);
	grown[u->n].message = strdup(message);
	if (!grown[u->n].path || !grown[u->n].message) {
		free(grown[u->n].path);
		free(grown[u->n].message);
		return cairn_oom(err);
	}
	u->n++;
	return CAIRN_OK;
}

cairn_status cairn_wb_unreadable(cairn_wb *wb, cairn_unreadable **out, size_t *n, cairn_error *err)
{
	unreadable_list u = { NULL, 0 };
	long count;
	cairn_status st = cairn_index_problems(wb->idx, collect_unreadable, &u, &count, err);

	if (st != CAIRN_OK) {
		cairn_wb_unreadable_free(u.v, u.n);
		u.v = NULL;
		u.n = 0;
	}
	*out = u.v;
	*n = u.n;
	return st;
}

void cairn_wb_unreadable_free(cairn_unreadable *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].message);
	}
	free(v);
}

/* ---- rebuild and catch-up ---- */

typedef struct file_entry {
	char *path;
	unsigned mode;
	cairn_oid blob;
	int order;
} file_entry;

typedef struct file_list {
	file_entry *v;
	size_t n, cap;
} file_list;

static int kind_order_of(const char *path)
{
	cairn_ref ref;
	cairn_error ignore;
	/* Unreadable paths sort last; they only become problems. */
	if (cairn_path_ref(path, &ref, &ignore) != CAIRN_OK || ref.kind == CAIRN_KIND_NONE)
		return CAIRN_KIND_COUNT;
	return ref.kind;
}

static cairn_status list_add(file_list *fl, const char *path, unsigned mode,
			     const cairn_oid *blob, cairn_error *err)
{
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 1024;
		file_entry *grown = realloc(fl->v, cap * sizeof *grown);
		if (!grown)
			return cairn_oom(err);
		fl->v = grown;
		fl->cap = cap;
	}
	fl->v[fl->n].path = strdup(path);
	if (!fl->v[fl->n].path)
		return cairn_oom(err);
	fl->v[fl->n].mode = mode;
	fl->v[fl->n].blob = *blob;
	fl->v[fl->n].order = kind_order_of(path);
	fl->n++;
	return CAIRN_OK;
}

static void list_free(file_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		free(fl->v[i].path);
	free(fl->v);
}

static int by_kind(const void *a, const void *b)
{
	const file_entry *x = a, *y = b;
	if (x->order != y->order)
		return x->order - y->order;
	return strcmp(x->path, y->path);
}

static cairn_status collect_file(const char *path, unsigned mode, const cairn_oid *blob,
				 void *ctx, cairn_error *err)
{
	return list_add(ctx, path, mode, blob, err);
}

static cairn_status load_list(cairn_wb *wb, file_list *fl, cairn_error *err)
{
	wb_loader *l = wb_loader_new(wb);
	cairn_status st = CAIRN_OK;

	if (!l)
		return cairn_oom(err);
	if (fl->n)	/* qsort may not be given NULL, even for nothing */
		qsort(fl->v, fl->n, sizeof *fl->v, by_kind);
	for (size_t i = 0; i < fl->n && st == CAIRN_OK; i++)
		st = wb_loader_put(l, fl->v[i].path, fl->v[i].mode, &fl->v[i].blob, err);
	wb_loader_free(l);
	return st;
}

static cairn_status verify_objects(cairn_wb *wb, bool all, cairn_error *err)
{
	char value[32];
	time_t since = 0, now = time(NULL);
	size_t checked;
	cairn_status st;

	if (!all && cairn_index_meta_get(wb->idx, "verified", value, sizeof value, err) == CAIRN_OK)
		since = (time_t)strtoll(value, NULL, 10);
	/* A little overlap: an object written in the same second counts. */
	st = cairn_git_verify_loose(wb->git, since > 2 ? since - 2 : 0, &checked, err);
	if (st != CAIRN_OK)
		return st;
	snprintf(value, sizeof value, "%lld", (long long)now);
	return cairn_index_meta_set(wb->idx, "verified", value, err);
}

static cairn_status rebuild(cairn_wb *wb, const cairn_oid *head, cairn_error *err)
{
	file_list fl = { 0 };
	size_t moved;
	cairn_status st;

	st = verify_objects(wb, true, err);
	if (st == CAIRN_OK && head->hex[0])
		st = cairn_git_each_file(wb->git, head, collect_file, &fl, err);
	if (st == CAIRN_OK)
		st = cairn_index_bulk_begin(wb->idx, true, err);
	if (st != CAIRN_OK) {
		list_free(&fl);
		return st;
	}
	st = cairn_index_clear(wb->idx, err);
	if (st == CAIRN_OK)
		st = load_list(wb, &fl, err);
	if (st == CAIRN_OK)
		st = cairn_index_meta_set(wb->idx, "head", head->hex, err);
	list_free(&fl);
	if (st != CAIRN_OK) {
		cairn_index_rollback(wb->idx);
		cairn_index_bulk_end(wb->idx, &moved, NULL);
		return st;
	}
	return cairn_index_bulk_end(wb->idx, &moved, err);
}

/* A record held among the problems for what another said (a task whose
 * milestone could not be read) is well again once that one is: every
 * problem file the diff did not touch is read again at head.  Problems are
 * few; the records the diff brings are in fl already. */
static cairn_status retry_problems(cairn_wb *wb, const cairn_oid *head, file_list *fl,
				   cairn_error *err)
{
	cairn_unreadable *bad;
	size_t nbad;
	cairn_status st = cairn_wb_unreadable(wb, &bad, &nbad, err);

	for (size_t i = 0; i < nbad && st == CAIRN_OK; i++) {
		cairn_oid blob;
		char *data = NULL;
		size_t len, j;
		for (j = 0; j < fl->n && strcmp(fl->v[j].path, bad[i].path); j++)
			;
		if (j < fl->n)
			continue;
		st = cairn_git_read_path(wb->git, head, bad[i].path, &data, &len, &blob, err);
		free(data);
		/* Incoming commits hold plain files only (core/git/incoming.c). */
		if (st == CAIRN_OK)
			st = list_add(fl, bad[i].path, 0100644, &blob, err);
		else if (st == CAIRN_ENOTFOUND)
			st = CAIRN_OK;
	}
	cairn_wb_unreadable_free(bad, nbad);
	return st;
}

cairn_status wb_retry_all_problems(cairn_wb *wb, const cairn_oid *head, cairn_error *err)
{
	file_list fl = { 0 };
	cairn_status st = retry_problems(wb, head, &fl, err);

	if (st == CAIRN_OK && fl.n)
		st = load_list(wb, &fl, err);
	list_free(&fl);
	return st;
}

static cairn_status apply_diff(cairn_wb *wb, const cairn_oid *from, const cairn_oid *head,
			       cairn_error *err)
{
	cairn_git_delta *d = NULL;
	size_t n = 0, moved;
	file_list fl = { 0 };
	cairn_status st;

	st = cairn_git_diff(wb->git, from, head, &d, &n, err);
	if (st != CAIRN_OK)
		return st;
	st = cairn_index_bulk_begin(wb->idx, false, err);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		if (!d[i].new_blob.hex[0]) {
			st = cairn_index_remove(wb->idx, d[i].path, err);
			if (st == CAIRN_OK && (!strncmp(d[i].path, "lists/", 6) ||
					       !strncmp(d[i].path, "forms/", 6)))
				st = wb_schema_load(wb, err);
		} else
			st = list_add(&fl, d[i].path, d[i].new_mode, &d[i].new_blob, err);
	}
	if (st == CAIRN_OK)
		st = retry_problems(wb, head, &fl, err);
	if (st == CAIRN_OK)
		st = load_list(wb, &fl, err);
	if (st == CAIRN_OK)
		st = cairn_index_meta_set(wb->idx, "head", head->hex, err);
	list_free(&fl);
	cairn_git_deltas_free(d, n);
	if (st != CAIRN_OK) {
		cairn_index_rollback(wb->idx);
		cairn_index_bulk_end(wb->idx, &moved, NULL);
		return st;
	}
	return cairn_index_bulk_end(wb->idx, &moved, err);
}

static cairn_status catch_up(cairn_wb *wb, bool force_rebuild, cairn_error *err);

cairn_status wb_catch_up(cairn_wb *wb, bool force_rebuild, cairn_error *err)
{
	cairn_status st = catch_up(wb, force_rebuild, err);
	/* A list the new commits removed is read no more. */
	return st == CAIRN_OK ? wb_schema_load(wb, err) : st;
}

static cairn_status catch_up(cairn_wb *wb, bool force_rebuild, cairn_error *err)
{
	cairn_oid head, from;
	cairn_status st;

	if ((st = cairn_git_head(wb->git, &head, err)) ||
	    (st = cairn_index_meta_get(wb->idx, "head", from.hex, sizeof from.hex, err)))
		return st;
	if (!force_rebuild && !strcmp(from.hex, head.hex))
		return CAIRN_OK;
	if (!force_rebuild && from.hex[0] && head.hex[0]) {
		cairn_error why;
		/* Read nothing libgit2 could hang on before diffing. */
		st = verify_objects(wb, false, err);
		if (st != CAIRN_OK)
			return st;
		if (apply_diff(wb, &from, &head, &why) == CAIRN_OK)
			return CAIRN_OK;
		/* The old commit may be gone (a reset and a gc): rebuild. */
		wb_warn(wb, "rebuilding the index of %s from its records (%s)", wb->root, why.msg);
	} else if (from.hex[0] || force_rebuild) {
		wb_warn(wb, "rebuilding the index of %s from its records", wb->root);
	}
	return rebuild(wb, &head, err);
}

cairn_status cairn_wb_rebuild(cairn_wb *wb, cairn_error *err)
{
	cairn_status st = wb_lock(wb, err);
	if (st != CAIRN_OK)
		return st;
	st = wb_catch_up(wb, true, err);
	wb_unlock(wb);
	return st;
}

/* ---- reading one record, checked against its blob id ---- */

/* The index's copy of a record did not hash to its blob id (a damaged
 * page, a hand-made UPDATE): HEAD's file takes its place, in the text
 * returned and in the index. */
static cairn_status mend_from_git(cairn_wb *wb, const char *path, char **body, size_t *len,
				  cairn_oid *blob, cairn_error *err)
{
	cairn_oid head;
	wb_loader *l;
	cairn_status st;

	if ((st = cairn_git_head(wb->git, &head, err)) ||
	    (st = cairn_git_read_path(wb->git, &head, path, body, len, blob, err)))
		return st;
	if (!(l = wb_loader_new(wb)))
		return cairn_oom(err);
	if ((st = cairn_index_begin(wb->idx, err)) == CAIRN_OK) {
		st = wb_loader_put(l, path, 0100644, blob, err);
		if (st == CAIRN_OK)
			st = cairn_index_commit(wb->idx, err);
		else
			cairn_index_rollback(wb->idx);
	}
	wb_loader_free(l);
	if (st == CAIRN_OK)
		wb_warn(wb, "%s: the index held a damaged copy of this record; it was read again "
			"from git and the index mended (`cairn check` looks for others)", path);
	else
		st = CAIRN_OK;  /* the text from git is right all the same */
	return st;
}

cairn_status wb_read_checked(cairn_wb *wb, const cairn_index_hit *hit, cairn_record *rec,
			     cairn_oid *blob, cairn_error *err)
{
	char *body;
	size_t len;
	cairn_oid got;
	cairn_status st;

	cairn_record_init(rec);
	*blob = hit->blob;
	if ((st = cairn_index_body(wb->idx, hit->path, &body, &len, err)))
		return st;
	/* Checked, not trusted: what is shown, and what a save starts from,
	 * is what git holds. */
	if ((st = cairn_git_hash_blob(body, len, &got, err)) == CAIRN_OK &&
	    strcmp(got.hex, hit->blob.hex)) {
		free(body);
		body = NULL;
		st = mend_from_git(wb, hit->path, &body, &len, blob, err);
	}
	if (st == CAIRN_OK)
		st = cairn_record_parse(rec, body, len, hit->path, err);
	free(body);
	return st;
}

cairn_status cairn_wb_read(cairn_wb *wb, const cairn_index_hit *hit, cairn_record *rec,
			   cairn_error *err)
{
	cairn_oid blob;
	return wb_read_checked(wb, hit, rec, &blob, err);
}

cairn_status cairn_wb_template(cairn_wb *wb, const char *id, cairn_template *tpl,
			       cairn_error *err)
{
	cairn_ref ref = { CAIRN_KIND_TEMPLATE, "" };
	cairn_index_hit hit;
	cairn_record rec;
	bool found;
	cairn_status st;

	memset(tpl, 0, sizeof *tpl);
	if (strlen(id) >= sizeof ref.id)
		return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a template id", id);
	strcpy(ref.id, id);
	if ((st = cairn_index_find(wb->idx, &ref, &hit, &found, err)))
		return st;
	if (!found)
		return cairn_fail(err, CAIRN_ENOTFOUND,
				  "there is no template/%s in this workbook (cairn ls template)", id);
	if ((st = cairn_wb_read(wb, &hit, &rec, err)))
		return st;
	st = cairn_template_from_record(hit.ref.id, &rec, tpl, err);
	cairn_record_done(&rec);
	return st;
}
