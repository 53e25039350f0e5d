/* Reading the SQLite index (see include/cairn/query.h): a record by its
 * id, its text, who refers to it, the records and rows that match filters,
 * the counts, the tally and the problems.  The read side that the faces
 * use; nothing here changes the index. */
#include "cairn/query.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/kinds.h"
#include "index/index_internal.h"

/* ---- a run of reads ---- */

bool cairn_index_read_begin(cairn_index *idx)
{
	return idx && sqlite3_get_autocommit(idx->db) &&
	       sqlite3_exec(idx->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void cairn_index_read_end(cairn_index *idx, bool begun)
{
	/* A read-only transaction's end cannot fail but for a lost
	 * connection; a failed COMMIT leaves it to the next statement. */
	if (begun && sqlite3_exec(idx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(idx->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- lookups ---- */

static void hit_from_row(sqlite3_stmt *s, cairn_index_hit *hit)
{
	hit->ref.kind = (cairn_kind)sqlite3_column_int(s, 0);
	snprintf(hit->ref.id, sizeof hit->ref.id, "%s", sqlite3_column_text(s, 1));
	snprintf(hit->path, sizeof hit->path, "%s", sqlite3_column_text(s, 2));
	snprintf(hit->blob.hex, sizeof hit->blob.hex, "%s", sqlite3_column_text(s, 3));
}

cairn_status cairn_index_find(cairn_index *idx, const cairn_ref *ref, cairn_index_hit *hit,
			      bool *found, cairn_error *err)
{
	sqlite3_stmt *s = idx->record_find;
	int rc;

	*found = false;
	sqlite3_bind_int(s, 1, ref->kind);
	sqlite3_bind_text(s, 2, ref->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		hit_from_row(s, hit);
		*found = true;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return index_fail(idx, err, "looking up a record");
	return CAIRN_OK;
}

cairn_status cairn_index_find_id(cairn_index *idx, const char *id, cairn_index_hit *hits,
				 size_t max, size_t *n, cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(idx->db, "SELECT kind, id, path, blob FROM records"
			       " WHERE id = ? COLLATE NOCASE ORDER BY kind", -1, &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "looking up a record");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n < max)
			hit_from_row(s, &hits[*n]);
		(*n)++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return index_fail(idx, err, "looking up a record");
	return CAIRN_OK;
}

cairn_status cairn_index_body(cairn_index *idx, const char *path, char **body, size_t *len,
			      cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;
	cairn_status st = CAIRN_OK;

	*body = NULL;
	*len = 0;
	if (sqlite3_prepare_v2(idx->db, "SELECT body FROM records WHERE path = ?", -1, &s, NULL) !=
	    SQLITE_OK)
		return index_fail(idx, err, "reading a record");
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(s, 0);
		*body = malloc(n + 1);
		if (!*body) {
			st = cairn_oom(err);
		} else {
			if (n)
				memcpy(*body, sqlite3_column_blob(s, 0), n);
			(*body)[n] = '\0';
			*len = n;
		}
	} else if (rc == SQLITE_DONE) {
		st = cairn_fail(err, CAIRN_ENOTFOUND, "%s is not in the index", path);
	} else {
		st = index_fail(idx, err, "reading a record");
	}
	sqlite3_finalize(s);
	return st;
}

cairn_status cairn_index_referrers(cairn_index *idx, const cairn_ref *ref,
				   cairn_index_referrer_fn fn, void *ctx, cairn_error *err)
{
	cairn_status st = CAIRN_OK;
	cairn_buf sql = CAIRN_BUF_INIT;

	for (int k = 0; k < CAIRN_KIND_COUNT && st == CAIRN_OK; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		const char *extra_cols[2] = { NULL, NULL };
		size_t nextra = 0;
		if (k == CAIRN_KIND_EVALUATION && ref->kind == CAIRN_KIND_TOOL)
			extra_cols[nextra++] = "tool";
		if (k == CAIRN_KIND_EVALUATION && ref->kind == CAIRN_KIND_PERSON)
			extra_cols[nextra++] = "evaluator";
		for (size_t i = 0; i < def->nfields + nextra && st == CAIRN_OK; i++) {
			const char *column;
			sqlite3_stmt *s = NULL;
			int rc;
			if (i < def->nfields) {
				const cairn_field_def *f = &def->fields[i];
				if (f->type != CAIRN_F_REF || f->ref != ref->kind)
					continue;
				column = f->name;
			} else {
				column = extra_cols[i - def->nfields];
			}
			cairn_buf_reset(&sql);
			if (i < def->nfields && !def->fields[i].indexed) {
				/* A reference of the group's own form is no column: the
				 * record's line "KEY: ID", as saves write it (the id of
				 * a peer's record may differ in case). */
				cairn_buf_printf(&sql, "SELECT k.id FROM \"%s\" k JOIN records r ON"
						 " r.path = k.path WHERE instr(lower(char(10) ||"
						 " CAST(r.body AS TEXT) || char(10)), lower(?)) > 0"
						 " ORDER BY k.id", def->name);
			} else {
				cairn_buf_printf(&sql, "SELECT id FROM \"%s\" WHERE \"%s\" = ? ORDER BY"
						 " id", def->name, column);
			}
			if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
				st = index_fail(idx, err, "looking up references");
				break;
			}
			if (i < def->nfields && !def->fields[i].indexed) {
				cairn_buf line = CAIRN_BUF_INIT;
				char *text;
				cairn_buf_printf(&line, "\n%s: %s\n", column, ref->id);
				if (!(text = cairn_buf_detach(&line, NULL))) {
					sqlite3_finalize(s);
					st = cairn_oom(err);
					break;
				}
				sqlite3_bind_text(s, 1, text, -1, free);
			} else {
				sqlite3_bind_text(s, 1, ref->id, -1, SQLITE_STATIC);
			}
			while (st == CAIRN_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
				cairn_ref from = { (cairn_kind)k, "" };
				snprintf(from.id, sizeof from.id, "%s", sqlite3_column_text(s, 0));
				st = fn(&from, column, ctx, err);
			}
			sqlite3_finalize(s);
		}
	}
	cairn_buf_done(&sql);
	return st;
}

/* ---- queries ---- */

/* Is name a column of kind's table?  Column names reach SQL text, so only
 * names from the model pass. */
static bool known_column(cairn_kind kind, const char *name)
{
	const cairn_field_def *f;

	if (!strcmp(name, "id") || !strcmp(name, "path"))
		return true;
	if (kind == CAIRN_KIND_EVALUATION &&
	    (!strcmp(name, "tool") || !strcmp(name, "evaluator") || !strcmp(name, "answered") ||
	     !strcmp(name, "missing")))
		return true;
	f = cairn_kind_field(kind, name);
	return f && f->indexed;
}

/* A field of the group's own (cairn/schema.h) is no column: it is found
 * in the record's text, as the line "KEY: VALUE". */
static bool body_field(cairn_kind kind, const char *name)
{
	const cairn_field_def *f = cairn_kind_field(kind, name);
	return f && !f->indexed && !known_column(kind, name);
}

static cairn_status where_clause(cairn_kind kind, const cairn_filter *filters, size_t n,
				 const char *alias, cairn_buf *sql, cairn_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (body_field(kind, filters[i].field)) {
			if (filters[i].op != CAIRN_OP_EQ)
				return cairn_fail(err, CAIRN_EINPUT,
						  "%s: a field of the group's own is compared with = only",
						  filters[i].field);
			/* The outer row's path by its table's name: unqualified, it
			 * would be the records' own. */
			cairn_buf_printf(sql, "%sinstr(char(10) || (SELECT CAST(r2.body AS TEXT) FROM records"
					 " r2 WHERE r2.path = ", i ? " AND " : " WHERE ");
			if (*alias)
				cairn_buf_printf(sql, "%spath", alias);
			else
				cairn_buf_printf(sql, "\"%s\".path", cairn_kind_def_of(kind)->name);
			cairn_buf_printf(sql, ") || char(10), ?) %s", *filters[i].value ? "> 0" : "= 0");
			continue;
		}
		if (!known_column(kind, filters[i].field))
			return cairn_fail(err, CAIRN_EINPUT,
					  "%s has no field '%s' to filter on",
					  cairn_kind_def_of(kind)->name, filters[i].field);
		static const char *const ops[] = { " = ?", " IS NOT ?", " < ?", " <= ?", " > ?", " >= ?" };
		cairn_filter_op op = filters[i].op;
		if ((unsigned)op > CAIRN_OP_GE)
			return cairn_fail(err, CAIRN_EINPUT, "unknown comparison for '%s'",
					  filters[i].field);
		cairn_buf_printf(sql, "%s%s\"%s\"", i ? " AND " : " WHERE ", alias, filters[i].field);
		cairn_buf_adds(sql, op == CAIRN_OP_EQ && !*filters[i].value ? " IS ?" : ops[op]);
	}
	return CAIRN_OK;
}

static void bind_filters(sqlite3_stmt *s, cairn_kind kind, const cairn_filter *filters,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const cairn_field_def *f = cairn_kind_field(kind, filters[i].field);
		if (body_field(kind, filters[i].field)) {
			/* "\nKEY: VALUE\n", or "\nKEY: " to ask for it unset. */
			cairn_buf b = CAIRN_BUF_INIT;
			char *line;
			cairn_buf_printf(&b, "\n%s: %s%s", filters[i].field, filters[i].value,
					 *filters[i].value ? "\n" : "");
			line = cairn_buf_detach(&b, NULL);
			if (line)
				sqlite3_bind_text(s, (int)i + 1, line, -1, free);
			else
				sqlite3_bind_null(s, (int)i + 1);
		} else if (f)
			index_bind_field(s, (int)i + 1, f, filters[i].value);
		else
			sqlite3_bind_text(s, (int)i + 1, filters[i].value, -1, SQLITE_STATIC);
	}
}

cairn_status cairn_index_each(cairn_index *idx, cairn_kind kind, const cairn_filter *filters,
			      size_t nfilters, cairn_index_record_fn fn, void *ctx,
			      cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	cairn_status st = CAIRN_OK;
	int rc;

	if (kind == CAIRN_KIND_NONE) {
		if (nfilters)
			return cairn_fail(err, CAIRN_EINPUT, "filters need a kind");
		cairn_buf_adds(&sql, "SELECT kind, id, path, body FROM records r ORDER BY kind, id");
	} else {
		cairn_buf_printf(&sql, "SELECT r.kind, r.id, r.path, r.body FROM records r JOIN \"%s\" k"
				 " ON k.path = r.path", cairn_kind_def_of(kind)->name);
		if ((st = where_clause(kind, filters, nfilters, "k.", &sql, err)))
			goto done;
		cairn_buf_adds(&sql, " ORDER BY k.id");
	}
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "listing records");
		goto done;
	}
	bind_filters(s, kind, filters, nfilters);
	while (st == CAIRN_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		cairn_ref ref;
		ref.kind = (cairn_kind)sqlite3_column_int(s, 0);
		snprintf(ref.id, sizeof ref.id, "%s", sqlite3_column_text(s, 1));
		st = fn(&ref, (const char *)sqlite3_column_text(s, 2),
			(const char *)sqlite3_column_blob(s, 3), (size_t)sqlite3_column_bytes(s, 3),
			ctx, err);
	}
	if (st == CAIRN_OK && rc != SQLITE_DONE)
		st = index_fail(idx, err, "listing records");
done:
	sqlite3_finalize(s);
	cairn_buf_done(&sql);
	return st;
}

cairn_status cairn_index_rows(cairn_index *idx, cairn_kind kind, const char *const *columns,
			      size_t ncolumns, const cairn_filter *filters, size_t nfilters,
			      const char *order_by, size_t limit, cairn_index_row_fn fn, void *ctx,
			      cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	cairn_status st = CAIRN_OK;
	const char *values[32];
	char numbers[32][32];
	int rc;

	if (ncolumns == 0 || ncolumns > 32)
		return cairn_fail(err, CAIRN_EINPUT, "between 1 and 32 columns, please");
	cairn_buf_adds(&sql, "SELECT ");
	for (size_t i = 0; i < ncolumns; i++) {
		if (!known_column(kind, columns[i])) {
			st = cairn_fail(err, CAIRN_EINPUT, "%s has no field '%s'",
					cairn_kind_def_of(kind)->name, columns[i]);
			goto done;
		}
		cairn_buf_printf(&sql, "%s\"%s\"", i ? ", " : "", columns[i]);
	}
	cairn_buf_printf(&sql, " FROM \"%s\"", cairn_kind_def_of(kind)->name);
	if ((st = where_clause(kind, filters, nfilters, "", &sql, err)))
		goto done;
	if (order_by) {
		if (!known_column(kind, order_by)) {
			st = cairn_fail(err, CAIRN_EINPUT, "%s has no field '%s' to sort by",
					cairn_kind_def_of(kind)->name, order_by);
			goto done;
		}
		/* Empty fields last; but a comparison on the column already
		 * leaves them out, and a plain ORDER BY lets SQLite walk the
		 * column's index and stop at the limit. */
		bool no_nulls = false;
		for (size_t i = 0; i < nfilters; i++)
			no_nulls |= filters[i].op >= CAIRN_OP_LT && !strcmp(filters[i].field, order_by);
		if (no_nulls)
			cairn_buf_printf(&sql, " ORDER BY \"%s\", id", order_by);
		else
			cairn_buf_printf(&sql, " ORDER BY \"%s\" IS NULL, \"%s\", id", order_by, order_by);
	}
	if (limit)
		cairn_buf_printf(&sql, " LIMIT %zu", limit);
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "querying");
		goto done;
	}
	bind_filters(s, kind, filters, nfilters);
	while (st == CAIRN_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (size_t i = 0; i < ncolumns; i++) {
			const unsigned char *t;
			/* A percentage is REAL in SQL; show it as the record has it
			 * ("40", not "40.0"). */
			if (sqlite3_column_type(s, (int)i) == SQLITE_FLOAT) {
				snprintf(numbers[i], sizeof numbers[i], "%.6g",
					 sqlite3_column_double(s, (int)i));
				values[i] = numbers[i];
				continue;
			}
			t = sqlite3_column_text(s, (int)i);
			values[i] = t ? (const char *)t : "";
		}
		st = fn(values, ctx, err);
	}
	if (st == CAIRN_OK && rc != SQLITE_DONE)
		st = index_fail(idx, err, "querying");
done:
	sqlite3_finalize(s);
	cairn_buf_done(&sql);
	return st;
}

cairn_status cairn_index_count_by(cairn_index *idx, cairn_kind kind, const char *column,
				  cairn_index_count_fn fn, void *ctx, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	cairn_status st = CAIRN_OK;
	int rc;

	if (!known_column(kind, column))
		return cairn_fail(err, CAIRN_EINPUT, "%s has no field '%s'",
				  cairn_kind_def_of(kind)->name, column);
	if (!strcmp(column, "status"))
		cairn_buf_printf(&sql, "SELECT status, n FROM tally WHERE kind = '%s' AND field = ''"
				 " AND value = '' AND n > 0 ORDER BY 1", cairn_kind_def_of(kind)->name);
	else
		cairn_buf_printf(&sql, "SELECT \"%s\", count(*) FROM \"%s\" GROUP BY 1 ORDER BY 1",
				 column, cairn_kind_def_of(kind)->name);
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "counting");
		goto done;
	}
	while (st == CAIRN_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		st = fn(t ? (const char *)t : "", (long)sqlite3_column_int64(s, 1), ctx, err);
	}
	if (st == CAIRN_OK && rc != SQLITE_DONE)
		st = index_fail(idx, err, "counting");
done:
	sqlite3_finalize(s);
	cairn_buf_done(&sql);
	return st;
}

cairn_status cairn_index_count(cairn_index *idx, cairn_kind kind, long *n, cairn_error *err)
{
	char sql[128];
	sqlite3_stmt *s = NULL;
	int rc;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", cairn_kind_def_of(kind)->name);
	if (sqlite3_prepare_v2(idx->db, sql, -1, &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "counting");
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? CAIRN_OK : index_fail(idx, err, "counting");
}

cairn_status cairn_index_count_where(cairn_index *idx, cairn_kind kind, const cairn_filter *filters,
				     size_t nfilters, long *n, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	cairn_status st;
	int rc;

	*n = 0;
	cairn_buf_printf(&sql, "SELECT count(*) FROM \"%s\"", cairn_kind_def_of(kind)->name);
	if ((st = where_clause(kind, filters, nfilters, "", &sql, err)))
		goto done;
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "counting");
		goto done;
	}
	bind_filters(s, kind, filters, nfilters);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(s, 0);
	else
		st = index_fail(idx, err, "counting");
done:
	sqlite3_finalize(s);
	cairn_buf_done(&sql);
	return st;
}

cairn_status cairn_index_tally(cairn_index *idx, const char *column, size_t limit,
			       cairn_index_tally_fn fn, void *ctx, long *more, cairn_error *err)
{
	const cairn_field_def *f = cairn_kind_field(CAIRN_KIND_EVALUATION, "status");
	sqlite3_stmt *top = NULL, *by = NULL, *all = NULL;
	cairn_status st = CAIRN_OK;
	long shown = 0;
	int rc;

	*more = 0;
	if (strcmp(column, "evaluator") && strcmp(column, "tool"))
		return cairn_fail(err, CAIRN_EINPUT, "evaluations are counted by evaluator or tool");
	if (sqlite3_prepare_v2(idx->db, "SELECT value FROM tally_sum WHERE kind = 'evaluation'"
			       " AND field = ?1 AND total > 0 ORDER BY open DESC, value LIMIT ?2", -1,
			       &top, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(idx->db, "SELECT status, n FROM tally WHERE kind = 'evaluation'"
			       " AND field = ?1 AND value = ?2", -1, &by, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(idx->db, "SELECT count(*) FROM tally_sum WHERE kind = 'evaluation'"
			       " AND field = ?1 AND total > 0", -1, &all, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "counting");
		goto done;
	}
	sqlite3_bind_text(top, 1, column, -1, SQLITE_STATIC);
	sqlite3_bind_int64(top, 2, limit ? (sqlite3_int64)limit : -1);
	while (st == CAIRN_OK && (rc = sqlite3_step(top)) == SQLITE_ROW) {
		long counts[16] = { 0 };
		const char *value = (const char *)sqlite3_column_text(top, 0);
		sqlite3_reset(by);
		sqlite3_bind_text(by, 1, column, -1, SQLITE_STATIC);
		sqlite3_bind_text(by, 2, value, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(by) == SQLITE_ROW) {
			const char *status = (const char *)sqlite3_column_text(by, 0);
			for (size_t i = 0; f->choices[i] && i < 16; i++)
				if (status && !strcmp(status, f->choices[i]))
					counts[i] = (long)sqlite3_column_int64(by, 1);
		}
		st = fn(value, counts, ctx, err);
		shown++;
	}
	if (st == CAIRN_OK && rc != SQLITE_DONE)
		st = index_fail(idx, err, "counting");
	if (st == CAIRN_OK && limit && shown == (long)limit) {
		sqlite3_bind_text(all, 1, column, -1, SQLITE_STATIC);
		if (sqlite3_step(all) == SQLITE_ROW && sqlite3_column_int64(all, 0) > shown)
			*more = (long)sqlite3_column_int64(all, 0) - shown;
	}
done:
	sqlite3_finalize(top);
	sqlite3_finalize(by);
	sqlite3_finalize(all);
	return st;
}

cairn_status cairn_index_problems(cairn_index *idx, cairn_index_problem_fn fn, void *ctx,
				  long *n, cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	cairn_status st = CAIRN_OK;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(idx->db, "SELECT path, message FROM problems ORDER BY path", -1, &s,
			       NULL) != SQLITE_OK)
		return index_fail(idx, err, "listing problems");
	while (st == CAIRN_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		(*n)++;
		if (fn)
			st = fn((const char *)sqlite3_column_text(s, 0),
				(const char *)sqlite3_column_text(s, 1), ctx, err);
	}
	if (st == CAIRN_OK && rc != SQLITE_DONE)
		st = index_fail(idx, err, "listing problems");
	sqlite3_finalize(s);
	return st;
}
