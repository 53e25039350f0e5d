/* The history index: which commits changed which record files (see
 * core/index/index.h).  Written by every save and brought up to date
 * from git after a sync or a plain git pull (core/workbook/history.c). */
#include <stdio.h>
#include <string.h>

#include "index/index_internal.h"

/* The rows of changes one statement adds: a commit that adds every
 * file of a 100k-record workbook (its first) is 100,000 rows, and a
 * statement each was most of writing the history index. */
#define HISTORY_ROWS 32

static int prepare_many(cairn_index *idx)
{
	char sql[64 + HISTORY_ROWS * 16];
	size_t used = (size_t)snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO changes(path, seq)"
				       " VALUES");

	for (int i = 0; i < HISTORY_ROWS; i++)
		used += (size_t)snprintf(sql + used, sizeof sql - used, "%s(?%d, ?1)", i ? ", " : "",
					 i + 2);
	return index_prepare(idx, sql, &idx->history_changes, NULL) == CAIRN_OK;
}

cairn_status cairn_index_history_add(cairn_index *idx, const cairn_history_row *c,
				     const char *const *paths, size_t n, cairn_error *err)
{
	sqlite3_stmt *ins, *chg, *many;
	sqlite3_int64 seq;
	size_t i = 0;
	cairn_status st = CAIRN_OK;

	/* Kept for the connection's life: a first build adds thousands of
	 * commits, and preparing these twice for each was a sixth of it. */
	if ((!idx->history_commit &&
	     index_prepare(idx, "INSERT INTO commits(seq, id, time, tz, author_name,"
			   " author_email, summary, parents) VALUES((SELECT coalesce(max(seq), 0)"
			   " + 1 FROM commits), ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
			   &idx->history_commit, NULL) != CAIRN_OK) ||
	    (!idx->history_change &&
	     index_prepare(idx, "INSERT OR IGNORE INTO changes(path, seq) VALUES(?2, ?1)",
			   &idx->history_change, NULL) != CAIRN_OK) ||
	    (n >= HISTORY_ROWS && !idx->history_changes && !prepare_many(idx)))
		return index_fail(idx, err, "preparing the history");
	ins = idx->history_commit;
	chg = idx->history_change;
	many = idx->history_changes;
	sqlite3_bind_text(ins, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, c->time);
	sqlite3_bind_int(ins, 3, c->tz_minutes);
	sqlite3_bind_text(ins, 4, c->author_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 5, c->author_email, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, c->summary, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 7, c->parents, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		st = index_fail(idx, err, "adding to the history");
		goto done;
	}
	if (!sqlite3_changes(idx->db))
		goto done;      /* held already */
	seq = sqlite3_last_insert_rowid(idx->db);
	for (; n - i >= HISTORY_ROWS && st == CAIRN_OK; i += HISTORY_ROWS) {
		sqlite3_bind_int64(many, 1, seq);
		for (int k = 0; k < HISTORY_ROWS; k++)
			sqlite3_bind_text(many, k + 2, paths[i + (size_t)k], -1, SQLITE_STATIC);
		if (sqlite3_step(many) != SQLITE_DONE)
			st = index_fail(idx, err, "adding to the history");
		sqlite3_reset(many);
	}
	for (; i < n && st == CAIRN_OK; i++) {
		sqlite3_bind_int64(chg, 1, seq);
		sqlite3_bind_text(chg, 2, paths[i], -1, SQLITE_STATIC);
		if (sqlite3_step(chg) != SQLITE_DONE)
			st = index_fail(idx, err, "adding to the history");
		sqlite3_reset(chg);
	}
done:
	sqlite3_reset(ins);
	sqlite3_clear_bindings(ins);
	sqlite3_clear_bindings(chg);
	if (many)
		sqlite3_clear_bindings(many);
	return st;
}

cairn_status cairn_index_history_clear(cairn_index *idx, cairn_error *err)
{
	if (sqlite3_exec(idx->db, "DELETE FROM changes; DELETE FROM commits;"
			 " DELETE FROM meta WHERE key = 'history'", NULL, NULL, NULL) != SQLITE_OK)
		return index_fail(idx, err, "clearing the history");
	return CAIRN_OK;
}

cairn_status cairn_index_history_durable(cairn_index *idx, bool on, cairn_error *err)
{
	if (sqlite3_exec(idx->db, on ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=OFF", NULL,
			 NULL, NULL) != SQLITE_OK)
		return index_fail(idx, err, "writing the history");
	return CAIRN_OK;
}

static cairn_status each_row(cairn_index *idx, sqlite3_stmt *s, bool with_path, cairn_history_fn fn,
			     void *ctx, cairn_error *err)
{
	cairn_status st = CAIRN_OK;
	int rc;

	while (st == CAIRN_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		cairn_history_row r;
		r.seq = sqlite3_column_int64(s, 0);
		r.id = (const char *)sqlite3_column_text(s, 1);
		r.time = sqlite3_column_int64(s, 2);
		r.tz_minutes = sqlite3_column_int(s, 3);
		r.author_name = (const char *)sqlite3_column_text(s, 4);
		r.author_email = (const char *)sqlite3_column_text(s, 5);
		r.summary = (const char *)sqlite3_column_text(s, 6);
		r.parents = (const char *)sqlite3_column_text(s, 7);
		r.path = with_path ? (const char *)sqlite3_column_text(s, 8) : NULL;
		st = fn(&r, ctx, err);
	}
	if (st == CAIRN_OK && rc != SQLITE_DONE)
		st = index_fail(idx, err, "reading the history");
	return st;
}

#define COLUMNS "c.seq, c.id, c.time, c.tz, c.author_name, c.author_email, c.summary, c.parents"

cairn_status cairn_index_history(cairn_index *idx, const char *path, const char *author_email,
				 size_t limit, cairn_history_fn fn, void *ctx, cairn_error *err)
{
	char sql[512];
	sqlite3_stmt *s = NULL;
	cairn_status st;
	bool folder = path && *path && path[strlen(path) - 1] == '/';
	int i = 1;

	if (path && !folder)
		snprintf(sql, sizeof sql, "SELECT " COLUMNS ", h.path FROM changes h JOIN commits c"
			 " ON c.seq = h.seq WHERE h.path = ?%s ORDER BY h.seq DESC LIMIT ?",
			 author_email ? " AND c.author_email = ?" : "");
	else if (folder)
		snprintf(sql, sizeof sql, "SELECT DISTINCT " COLUMNS ", NULL FROM changes h JOIN"
			 " commits c ON c.seq = h.seq WHERE h.path >= ? AND h.path < ?%s ORDER BY"
			 " c.seq DESC LIMIT ?", author_email ? " AND c.author_email = ?" : "");
	else
		snprintf(sql, sizeof sql, "SELECT " COLUMNS ", NULL FROM commits c%s ORDER BY c.seq DESC"
			 " LIMIT ?", author_email ? " WHERE c.author_email = ?" : "");
	if (sqlite3_prepare_v2(idx->db, sql, -1, &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "reading the history");
	if (path && *path) {
		sqlite3_bind_text(s, i++, path, -1, SQLITE_STATIC);
		if (folder) {
			/* Every path under the folder: from "f/" up to "f0" ('/' + 1). */
			char end[1024];
			snprintf(end, sizeof end, "%.*s0", (int)strlen(path) - 1, path);
			sqlite3_bind_text(s, i++, end, -1, SQLITE_TRANSIENT);
		}
	}
	if (author_email)
		sqlite3_bind_text(s, i++, author_email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, i, limit ? (sqlite3_int64)limit : -1);
	st = each_row(idx, s, path && !folder, fn, ctx, err);
	sqlite3_finalize(s);
	return st;
}

cairn_status cairn_index_history_files(cairn_index *idx, const char *id, cairn_history_fn fn,
				       void *ctx, cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	cairn_status st;

	if (sqlite3_prepare_v2(idx->db, "SELECT " COLUMNS ", h.path FROM commits c JOIN changes h"
			       " ON h.seq = c.seq WHERE c.id = ? ORDER BY h.path", -1, &s,
			       NULL) != SQLITE_OK)
		return index_fail(idx, err, "reading the history");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	st = each_row(idx, s, true, fn, ctx, err);
	sqlite3_finalize(s);
	return st;
}
