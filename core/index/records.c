/* Storing records in the SQLite index (see core/index/index.h): a
 * record's text and its row in its kind's table, a file that could not be
 * read with the reason, and forgetting a path.  The binding helpers here
 * (index_step_done, index_bind_field) serve the other files too. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/kinds.h"
#include "index/index_internal.h"

/* ---- storing records ---- */

int index_step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

void index_bind_field(sqlite3_stmt *s, int col, const cairn_field_def *f, const char *v)
{
	if (!v || !*v) {
		sqlite3_bind_null(s, col);
		return;
	}
	switch (f->type) {
	case CAIRN_F_COUNT:
	case CAIRN_F_VERSION:
		sqlite3_bind_int64(s, col, strtoll(v, NULL, 10));
		break;
	case CAIRN_F_PERCENT:
		sqlite3_bind_double(s, col, strtod(v, NULL));
		break;
	default:
		sqlite3_bind_text(s, col, v, -1, SQLITE_STATIC);
	}
}

cairn_status cairn_index_put(cairn_index *idx, const cairn_ref *ref, const char *path,
			     const cairn_oid *blob, const char *body, size_t len,
			     const cairn_record *rec, const cairn_index_extra *extra,
			     cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_builtin_def_of(ref->kind);
	sqlite3_stmt *s, *upsert;
	int col = 1, rc;
	char tool[CAIRN_REF_ID_MAX + 1];
	cairn_status st;

	if ((st = index_kind_upsert(idx, ref->kind, &upsert, err)))
		return st;

	sqlite3_bind_text(idx->problem_delete, 1, path, -1, SQLITE_STATIC);
	if (index_step_done(idx->problem_delete) != SQLITE_DONE)
		return index_fail(idx, err, path);
	s = idx->record_upsert;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, ref->kind);
	sqlite3_bind_text(s, 3, ref->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, blob->hex, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, body, (int)len, SQLITE_STATIC);
	rc = index_step_done(s);
	if (rc != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(idx->db) & 0xff) == SQLITE_CONSTRAINT)
			return cairn_fail(err, CAIRN_EEXISTS,
					  "%s: another %s has the id '%s' in another case; ids are "
					  "unique ignoring case: rename one of them", path, def->name,
					  ref->id);
		return index_fail(idx, err, path);
	}
	s = upsert;
	sqlite3_bind_text(s, col++, ref->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, col++, path, -1, SQLITE_STATIC);
	if (ref->kind == CAIRN_KIND_EVALUATION) {
		size_t n = strcspn(ref->id, "/");
		memcpy(tool, ref->id, n);
		tool[n] = '\0';
		sqlite3_bind_text(s, col++, tool, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, col++, ref->id[n] ? ref->id + n + 1 : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, col++, extra ? extra->answered : 0);
		sqlite3_bind_int64(s, col++, extra ? extra->missing : 0);
	}
	for (size_t i = 0; i < def->nfields; i++)
		if (def->fields[i].indexed)
			index_bind_field(s, col++, &def->fields[i], cairn_record_get(rec, def->fields[i].name));
	rc = index_step_done(s);
	if (rc != SQLITE_DONE) {
		st = index_fail(idx, err, path);
		if (st == CAIRN_EINPUT)
			cairn_fail(err, CAIRN_EINPUT, "%s: %s/%s breaks a rule of the index (%s)",
				   path, def->name, ref->id, sqlite3_errmsg(idx->db));
		return st;
	}
	return CAIRN_OK;
}

cairn_status cairn_index_put_problem(cairn_index *idx, const char *path, const cairn_oid *blob,
				     const char *message, cairn_error *err)
{
	sqlite3_bind_text(idx->problem_put, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(idx->problem_put, 2, blob->hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(idx->problem_put, 3, message, -1, SQLITE_STATIC);
	if (index_step_done(idx->problem_put) != SQLITE_DONE)
		return index_fail(idx, err, path);
	return CAIRN_OK;
}

cairn_status cairn_index_remove(cairn_index *idx, const char *path, cairn_error *err)
{
	int rc, kind = -1;

	sqlite3_bind_text(idx->record_kind, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(idx->record_kind);
	if (rc == SQLITE_ROW)
		kind = sqlite3_column_int(idx->record_kind, 0);
	sqlite3_reset(idx->record_kind);
	sqlite3_clear_bindings(idx->record_kind);
	if (kind >= 0 && kind < CAIRN_KIND_COUNT) {
		sqlite3_bind_text(idx->kind_delete[kind], 1, path, -1, SQLITE_STATIC);
		if (index_step_done(idx->kind_delete[kind]) != SQLITE_DONE)
			return index_fail(idx, err, path);
	}
	sqlite3_bind_text(idx->record_delete, 1, path, -1, SQLITE_STATIC);
	if (index_step_done(idx->record_delete) != SQLITE_DONE)
		return index_fail(idx, err, path);
	sqlite3_bind_text(idx->problem_delete, 1, path, -1, SQLITE_STATIC);
	if (index_step_done(idx->problem_delete) != SQLITE_DONE)
		return index_fail(idx, err, path);
	return CAIRN_OK;
}
