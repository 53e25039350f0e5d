/* The workbook's schema (include/cairn/schema.h): its list records read
 * from the index once when it opens and again whenever a save, a sync or
 * a catch-up puts or removes one, so that a form, a table or a check of
 * every row reads the lists from memory; and a list's change refused
 * while records still use a choice it drops. */
#include "wb_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/query.h"
#include "cairn/schema.h"

static cairn_status add_list(const cairn_ref *ref, const char *path, const char *body,
			     size_t len, void *ctx, cairn_error *err)
{
	cairn_record rec;
	cairn_error why;

	(void)err;
	/* A list that does not read was left among the problems when it was
	 * loaded; the built-in list of its id stands in. */
	if (cairn_record_parse(&rec, body, len, path, &why) == CAIRN_OK)
		cairn_schema_add(ctx, ref->kind, ref->id, &rec, &why);
	cairn_record_done(&rec);
	return CAIRN_OK;
}

/* FNV-1a over each list and form record's path and text, in index order. */
static cairn_status print_list(const cairn_ref *ref, const char *path, const char *body,
			       size_t len, void *ctx, cairn_error *err)
{
	unsigned long long *h = ctx;

	(void)ref;
	(void)err;
	for (const char *p = path; ; p++) {
		*h = (*h ^ (unsigned char)*p) * 1099511628211ULL;
		if (!*p)
			break;
	}
	for (size_t i = 0; i < len; i++)
		*h = (*h ^ (unsigned char)body[i]) * 1099511628211ULL;
	*h = (*h ^ 0xffu) * 1099511628211ULL;
	return CAIRN_OK;
}

cairn_status wb_schema_load(cairn_wb *wb, cairn_error *err)
{
	cairn_schema *s;
	unsigned long long print = 14695981039346656037ULL;
	cairn_status st;

	/* The same records as the schema was read from: it stays, so that
	 * the kinds' fields and questions a caller holds across a save (a
	 * form being filled in, a refused value asked again) stay valid. */
	if ((st = cairn_index_each(wb->idx, CAIRN_KIND_LIST, NULL, 0, print_list, &print, err)) ||
	    (st = cairn_index_each(wb->idx, CAIRN_KIND_FORM, NULL, 0, print_list, &print, err)))
		return st;
	if (wb->schema && print == wb->schema_print) {
		cairn_schema_use(wb->schema);
		cairn_schema_free(wb->provisional);
		wb->provisional = NULL;
		return CAIRN_OK;
	}
	if (!(s = cairn_schema_new()))
		return cairn_oom(err);
	st = cairn_index_each(wb->idx, CAIRN_KIND_LIST, NULL, 0, add_list, s, err);
	if (st == CAIRN_OK)
		st = cairn_index_each(wb->idx, CAIRN_KIND_FORM, NULL, 0, add_list, s, err);
	if (st != CAIRN_OK) {
		cairn_schema_free(s);
		return st;
	}
	cairn_schema_use(s);
	cairn_schema_free(wb->provisional);
	cairn_schema_free(wb->schema);
	wb->provisional = NULL;
	wb->schema = s;
	wb->schema_print = print;
	return CAIRN_OK;
}

void wb_schema_done(cairn_wb *wb)
{
	/* cairn_schema_free leaves the built-in schema active when it frees
	 * the active one, and another workbook's active when it is not. */
	cairn_schema_free(wb->provisional);
	cairn_schema_free(wb->schema);
	wb->provisional = NULL;
	wb->schema = NULL;
}

/* The workbook's lists as the save under way will leave them: the
 * records of the same save are checked against them. */
cairn_status wb_schema_provisional(cairn_wb *wb, const cairn_ref *refs,
				   const cairn_record *const *recs, size_t n, cairn_error *err)
{
	cairn_schema *s = cairn_schema_new();
	cairn_status st = s ? CAIRN_OK : cairn_oom(err);

	if (st == CAIRN_OK)
		st = cairn_index_each(wb->idx, CAIRN_KIND_LIST, NULL, 0, add_list, s, err);
	if (st == CAIRN_OK)
		st = cairn_index_each(wb->idx, CAIRN_KIND_FORM, NULL, 0, add_list, s, err);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		if (recs[i])
			st = cairn_schema_add(s, refs[i].kind, refs[i].id, recs[i], err);
	if (st != CAIRN_OK) {
		cairn_schema_free(s);
		return st;
	}
	cairn_schema_free(wb->provisional);
	wb->provisional = s;
	cairn_schema_use(s);
	return CAIRN_OK;
}

void wb_schema_settled(cairn_wb *wb)
{
	cairn_schema_use(wb->schema);
	cairn_schema_free(wb->provisional);
	wb->provisional = NULL;
}

/* ---- a choice dropped while records use it ---- */

typedef struct in_use {
	const char *field;
	const char *const *dropped;
	size_t ndropped;
	cairn_buf names;
	size_t n;
} in_use;

static cairn_status note_use(const cairn_ref *ref, const char *path, const char *body,
			     size_t len, void *ctx, cairn_error *err)
{
	in_use *u = ctx;
	cairn_record rec;
	cairn_error why;
	const char *v;

	(void)err;
	if (cairn_record_parse(&rec, body, len, path, &why) != CAIRN_OK)
		return CAIRN_OK;
	if ((v = cairn_record_get(&rec, u->field)))
		for (size_t i = 0; i < u->ndropped; i++)
			if (!strcmp(v, u->dropped[i])) {
				if (u->n < 8)
					cairn_buf_printf(&u->names, "%s%s/%s (%s)", u->n ? ", " : "",
							 cairn_kind_def_of(ref->kind)->name, ref->id, v);
				u->n++;
				break;
			}
	cairn_record_done(&rec);
	return CAIRN_OK;
}

cairn_status wb_schema_check_change(cairn_wb *wb, const char *id, const cairn_record *rec,
				    cairn_error *err)
{
	/* Before: the lists as the index holds them, not as the save under
	 * way makes them. */
	const cairn_list *before = cairn_schema_list_in(wb->schema, id);
	cairn_list after;
	const char **dropped = NULL;
	size_t nd = 0;
	in_use u = { NULL, NULL, 0, CAIRN_BUF_INIT, 0 };
	cairn_status st = CAIRN_OK;
	const char *dot = strchr(id, '.');
	char kname[32];
	cairn_kind kind = CAIRN_KIND_PILOT;

	/* A list of the group's own field removed: the field leaves the
	 * schema and its values stay in the records as fields it does not
	 * name, as any field a newer cairn wrote. */
	if (!before || (!rec && !cairn_schema_builtin_list(id)))
		return CAIRN_OK;
	memset(&after, 0, sizeof after);
	if (rec && (st = cairn_list_from_record(id, rec, &after, err)))
		goto done;
	if (!(dropped = malloc((before->nchoices ? before->nchoices : 1) * sizeof *dropped))) {
		st = cairn_oom(err);
		goto done;
	}
	/* A record removed takes the workbook back to the built-in list. */
	for (size_t i = 0; i < before->nchoices; i++)
		if (!cairn_list_choice(rec ? &after : cairn_schema_builtin_list(id),
				       before->choices[i].key))
			dropped[nd++] = before->choices[i].key;
	if (!nd)
		goto done;
	u.dropped = dropped;
	u.ndropped = nd;
	if (!strcmp(id, CAIRN_LIST_INCLUSION)) {
		/* A group dropped keeps its counts on the pilots, as fields the
		 * schema no longer names; only its target would lose its group. */
		kind = CAIRN_KIND_TARGET;
		u.field = NULL;
		for (size_t i = 0; i < nd; i++) {
			cairn_ref ref = { CAIRN_KIND_TARGET, "" };
			cairn_index_hit hit;
			bool found = false;
			snprintf(ref.id, sizeof ref.id, "%s", dropped[i]);
			if ((st = cairn_index_find(wb->idx, &ref, &hit, &found, err)))
				goto done;
			if (found) {
				if (u.n < 8)
					cairn_buf_printf(&u.names, "%starget/%s", u.n ? ", " : "",
							 dropped[i]);
				u.n++;
			}
		}
	} else if (dot && (size_t)(dot - id) < sizeof kname) {
		memcpy(kname, id, (size_t)(dot - id));
		kname[dot - id] = '\0';
		kind = cairn_kind_by_name(kname);
		u.field = dot + 1;
		if ((st = cairn_index_each(wb->idx, kind, NULL, 0, note_use, &u, err)))
			goto done;
	}
	if (u.n)
		st = cairn_fail(err, CAIRN_EINPUT,
				"list/%s: choices: %zu %s still use%s a choice this change drops: "
				"%s%s; give %s another value first (or keep the choice)", id, u.n,
				u.n == 1 ? "record" : "records", u.n == 1 ? "s" : "",
				cairn_buf_str(&u.names), u.n > 8 ? ", ..." : "",
				u.n == 1 ? "it" : "them");
done:
	(void)kind;
	cairn_buf_done(&u.names);
	free(dropped);
	cairn_list_done(&after);
	return st;
}

/* ---- a save that brings lists and the records that use them ---- */

bool is_schema(cairn_kind kind)
{
	return kind == CAIRN_KIND_LIST || kind == CAIRN_KIND_FORM;
}

cairn_status wb_lists_first(const cairn_edit *edits, size_t n, cairn_edit **sorted,
			    size_t **from, cairn_error *err)
{
	size_t j = 0, nlists = 0;

	*sorted = NULL;
	*from = NULL;
	for (size_t i = 0; i < n; i++)
		nlists += is_schema(edits[i].ref.kind);
	if (!nlists || nlists == n)
		return CAIRN_OK;
	*sorted = malloc(n * sizeof **sorted);
	*from = malloc(n * sizeof **from);
	if (!*sorted || !*from) {
		free(*sorted);
		free(*from);
		*sorted = NULL;
		*from = NULL;
		return cairn_oom(err);
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (is_schema(edits[i].ref.kind) == (pass == 0)) {
				(*sorted)[j] = edits[i];
				(*from)[j++] = i;
			}
	return CAIRN_OK;
}
