/* Changing the SQLite index as a whole (see core/index/index.h):
 * write transactions, the bulk load of a rebuild, the meta values, and the
 * save journal (a save noted before its commit, so that a crash between
 * the two is finished at the next open).  What changes one record at a
 * time is in records.c. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/kinds.h"
#include "index/index_internal.h"

/* ---- transactions ---- */

cairn_status cairn_index_begin(cairn_index *idx, cairn_error *err)
{
	/* The busy handler covers BEGIN IMMEDIATE; a read never upgrades. */
	if (sqlite3_exec(idx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return index_fail(idx, err, "starting a change");
	return CAIRN_OK;
}

cairn_status cairn_index_commit(cairn_index *idx, cairn_error *err)
{
	if (sqlite3_exec(idx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		cairn_status st = index_fail(idx, err, "saving a change");
		sqlite3_exec(idx->db, "ROLLBACK", NULL, NULL, NULL);
		return st;
	}
	return CAIRN_OK;
}

void cairn_index_rollback(cairn_index *idx)
{
	if (!sqlite3_get_autocommit(idx->db))
		sqlite3_exec(idx->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Drop the tally triggers (suspend), or count afresh and put them back;
 * inside the caller's transaction, so a rollback restores them. */
static cairn_status tally_suspend(cairn_index *idx, bool suspend, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	cairn_status st;

	if (!suspend)
		cairn_buf_adds(&sql, "DELETE FROM tally; DELETE FROM tally_sum;");
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const char *t = cairn_kind_def_of((cairn_kind)k)->name;
		if (!cairn_kind_field((cairn_kind)k, "status"))
			continue;
		if (suspend) {
			cairn_buf_printf(&sql, "DROP TRIGGER \"%s_tally_insert\"; DROP TRIGGER "
					 "\"%s_tally_delete\"; DROP TRIGGER \"%s_tally_update\";", t, t, t);
		} else {
			for (size_t g = 0; g < index_tally_ngroups(t); g++)
				cairn_buf_printf(&sql, "INSERT INTO tally SELECT '%s', %s, %s%s%s,"
						 " coalesce(status, ''), count(*) FROM \"%s\" GROUP BY 3, 4;",
						 t, index_tally_groups[g][0], g ? "coalesce(" : "",
						 g ? index_tally_groups[g][1] : "''", g ? ", '')" : "", t);
			index_tally_triggers(&sql, t);
		}
	}
	st = sql.oom ? cairn_oom(err) : index_exec(idx, cairn_buf_str(&sql), err);
	cairn_buf_done(&sql);
	return st;
}

/* Drop the secondary indexes of the kinds' tables, keeping their CREATE
 * statements (suspend), or create them again; inside the caller's
 * transaction. */
static cairn_status indexes_suspend(cairn_index *idx, bool suspend, cairn_error *err)
{
	cairn_buf drop = CAIRN_BUF_INIT, create = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	cairn_status st = CAIRN_OK;

	if (!suspend) {
		if (idx->dropped_indexes)
			st = index_exec(idx, idx->dropped_indexes, err);
		free(idx->dropped_indexes);
		idx->dropped_indexes = NULL;
		return st;
	}
	if (sqlite3_prepare_v2(idx->db, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
			       " AND sql IS NOT NULL AND tbl_name NOT IN ('tally', 'tally_sum',"
			       " 'records', 'problems', 'meta', 'pending', 'pending_file')", -1, &s,
			       NULL) != SQLITE_OK)
		return index_fail(idx, err, "rebuilding");
	while (sqlite3_step(s) == SQLITE_ROW) {
		cairn_buf_printf(&drop, "DROP INDEX \"%s\";", sqlite3_column_text(s, 0));
		cairn_buf_printf(&create, "%s;", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (drop.oom || create.oom)
		st = cairn_oom(err);
	else if (drop.len)
		st = index_exec(idx, cairn_buf_str(&drop), err);
	cairn_buf_done(&drop);
	free(idx->dropped_indexes);
	idx->dropped_indexes = st == CAIRN_OK ? cairn_buf_detach(&create, NULL) : NULL;
	cairn_buf_done(&create);
	return st;
}

cairn_status cairn_index_bulk_begin(cairn_index *idx, bool fast, cairn_error *err)
{
	return cairn_index_bulk_begin_with(idx, fast, !fast, err);
}

cairn_status cairn_index_bulk_begin_with(cairn_index *idx, bool suspend, bool durable,
					 cairn_error *err)
{
	cairn_status st;

	/* foreign_keys cannot change inside a transaction. */
	if ((st = index_exec(idx, "PRAGMA foreign_keys=OFF", err)))
		return st;
	idx->bulk_fast = suspend;
	idx->bulk_sync_off = !durable;
	/* A rebuild can be redone from git, so it need not wait for the disk. */
	if (!durable && (st = index_exec(idx, "PRAGMA synchronous=OFF", err)))
		return st;
	if ((st = cairn_index_begin(idx, err)) || !suspend)
		return st;
	/* A rebuild counts by status once at the end rather than row by row
	 * through the triggers (a sixth of its time at 100,000 records), and
	 * builds the secondary indexes once from the loaded tables rather than
	 * entry by entry. */
	if ((st = tally_suspend(idx, true, err)))
		return st;
	return indexes_suspend(idx, true, err);
}

static void text_or_empty(cairn_buf *b, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	cairn_buf_adds(b, t ? (const char *)t : "");
}

/* Whether the record kind/id is there but among the problems (a template
 * a peer broke): its evaluations wait for it to be mended, and must not
 * be told to name another. */
static bool parent_unreadable(cairn_index *idx, const char *kind, const char *id)
{
	cairn_ref ref = { cairn_kind_by_name(kind), "" };
	char path[CAIRN_PATH_MAX];
	sqlite3_stmt *s = NULL;
	bool found = false;

	if (!id || ref.kind == CAIRN_KIND_NONE || strlen(id) >= sizeof ref.id)
		return false;
	strcpy(ref.id, id);
	cairn_ref_path(&ref, path, sizeof path);
	if (sqlite3_prepare_v2(idx->db, "SELECT 1 FROM problems WHERE path = ?", -1, &s, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return found;
}

/* Move one row that breaks a foreign key from its kind's table to the
 * problems, naming the field and the missing record. */
static cairn_status move_violation(cairn_index *idx, const char *table, sqlite3_int64 rowid,
				   const char *parent, int fkid, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT, msg = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	char path[CAIRN_PATH_MAX] = "", column[64] = "";
	cairn_status st = CAIRN_OK;

	cairn_buf_printf(&sql, "PRAGMA foreign_key_list(\"%s\")", table);
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "checking references");
		goto done;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		if (sqlite3_column_int(s, 0) == fkid)
			snprintf(column, sizeof column, "%s", sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	cairn_buf_reset(&sql);
	cairn_buf_printf(&sql, "SELECT id, path, \"%s\" FROM \"%s\" WHERE rowid = ?", column, table);
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "checking references");
		goto done;
	}
	sqlite3_bind_int64(s, 1, rowid);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(path, sizeof path, "%s", sqlite3_column_text(s, 1));
		cairn_buf_printf(&msg, "%s/", table);
		text_or_empty(&msg, s, 0);
		cairn_buf_printf(&msg, ": %s: '", column);
		text_or_empty(&msg, s, 2);
		if (parent_unreadable(idx, parent, (const char *)sqlite3_column_text(s, 2)))
			cairn_buf_printf(&msg, "' is a %s whose file could not be read (cairn check "
					 "says why): mend that one, and this record comes back",
					 parent);
		else
			cairn_buf_printf(&msg, "' is not a %s in this workbook; set %s to one that "
					 "is (cairn ls %s), or add it", parent, column, parent);
	}
	sqlite3_finalize(s);
	if (!*path)
		goto done;
	{
		cairn_oid blob = { "" };
		sqlite3_stmt *b = NULL;
		if (sqlite3_prepare_v2(idx->db, "SELECT blob FROM records WHERE path = ?", -1, &b,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_text(b, 1, path, -1, SQLITE_STATIC);
			if (sqlite3_step(b) == SQLITE_ROW)
				snprintf(blob.hex, sizeof blob.hex, "%s", sqlite3_column_text(b, 0));
		}
		sqlite3_finalize(b);
		st = cairn_index_remove(idx, path, err);
		if (st == CAIRN_OK)
			st = cairn_index_put_problem(idx, path, &blob, cairn_buf_str(&msg), err);
	}
done:
	cairn_buf_done(&sql);
	cairn_buf_done(&msg);
	return st;
}

cairn_status cairn_index_bulk_end(cairn_index *idx, size_t *moved, cairn_error *err)
{
	cairn_status st = CAIRN_OK;
	bool again = true;

	*moved = 0;
	if (idx->bulk_fast && idx->dropped_indexes) {
		if (sqlite3_get_autocommit(idx->db)) {
			free(idx->dropped_indexes);     /* rolled back: never dropped */
			idx->dropped_indexes = NULL;
		} else {
			st = indexes_suspend(idx, false, err);
		}
	}
	/* Moving a parent to the problems can orphan its children: repeat
	 * until nothing refers to a missing record. */
	while (again && st == CAIRN_OK) {
		sqlite3_stmt *s = NULL;
		again = false;
		if (sqlite3_prepare_v2(idx->db, "PRAGMA foreign_key_check", -1, &s, NULL) !=
		    SQLITE_OK) {
			st = index_fail(idx, err, "checking references");
			break;
		}
		/* Collect first: changing tables under a running pragma is undefined. */
		struct violation { char table[32]; char parent[32]; sqlite3_int64 rowid; int fkid; } *v = NULL;
		size_t n = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			struct violation *grown = realloc(v, (n + 1) * sizeof *v);
			if (!grown)
				break;
			v = grown;
			snprintf(v[n].table, sizeof v[n].table, "%s", sqlite3_column_text(s, 0));
			v[n].rowid = sqlite3_column_int64(s, 1);
			snprintf(v[n].parent, sizeof v[n].parent, "%s", sqlite3_column_text(s, 2));
			v[n].fkid = sqlite3_column_int(s, 3);
			n++;
		}
		sqlite3_finalize(s);
		for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
			if (!strcmp(v[i].table, "pending_file"))
				continue;
			st = move_violation(idx, v[i].table, v[i].rowid, v[i].parent, v[i].fkid, err);
			(*moved)++;
			again = true;
		}
		free(v);
	}
	if (st == CAIRN_OK && idx->bulk_fast)
		st = tally_suspend(idx, false, err);
	if (st != CAIRN_OK) {
		cairn_index_rollback(idx);
	} else {
		st = cairn_index_commit(idx, err);
	}
	sqlite3_exec(idx->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	if (idx->bulk_sync_off)
		sqlite3_exec(idx->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	idx->bulk_fast = idx->bulk_sync_off = false;
	return st;
}

/* ---- meta ---- */

cairn_status cairn_index_meta_get(cairn_index *idx, const char *key, char *value, size_t n,
				  cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	value[0] = '\0';
	if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key = ?", -1, &s, NULL) !=
	    SQLITE_OK)
		return index_fail(idx, err, "reading");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(value, n, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return index_fail(idx, err, "reading");
	return CAIRN_OK;
}

cairn_status cairn_index_meta_set(cairn_index *idx, const char *key, const char *value,
				  cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(idx->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1,
			       &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "writing");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CAIRN_OK : index_fail(idx, err, "writing");
}

cairn_status cairn_index_clear(cairn_index *idx, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	cairn_status st;

	cairn_buf_adds(&sql, "DELETE FROM records; DELETE FROM problems;");
	for (int k = CAIRN_KIND_COUNT - 1; k >= 0; k--)
		cairn_buf_printf(&sql, "DELETE FROM \"%s\";", cairn_kind_def_of((cairn_kind)k)->name);
	cairn_buf_adds(&sql, "DELETE FROM tally; DELETE FROM tally_sum;");
	st = index_exec(idx, cairn_buf_str(&sql), err);
	cairn_buf_done(&sql);
	return st;
}

/* ---- the save journal ---- */

cairn_status cairn_index_pending_add(cairn_index *idx, const cairn_pending *p, long long *id,
				     cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	cairn_status st;

	if ((st = cairn_index_begin(idx, err)))
		return st;
	if (sqlite3_prepare_v2(idx->db, "INSERT INTO pending(base, message, author_name,"
			       " author_email, at) VALUES(?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(s, 1, p->base.hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p->message, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p->author_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, p->author_email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, p->when);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	*id = sqlite3_last_insert_rowid(idx->db);
	if (sqlite3_prepare_v2(idx->db, "INSERT INTO pending_file(pending, path, data, base_blob)"
			       " VALUES(?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < p->nfiles; i++) {
		const cairn_pending_file *f = &p->files[i];
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_text(s, 2, f->path, -1, SQLITE_STATIC);
		if (f->data)
			sqlite3_bind_blob(s, 3, f->data, (int)f->len, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, 3);
		sqlite3_bind_text(s, 4, f->base_blob.hex, -1, SQLITE_STATIC);
		if (index_step_done(s) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(s);
	return cairn_index_commit(idx, err);
fail:
	st = index_fail(idx, err, "noting a save");
	sqlite3_finalize(s);
	cairn_index_rollback(idx);
	return st;
}

static char *column_dup(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return strdup(t ? (const char *)t : "");
}

void cairn_pending_done(cairn_pending *p)
{
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].data);
	}
	free(p->files);
	free(p->message);
	free(p->author_name);
	free(p->author_email);
	memset(p, 0, sizeof *p);
}

cairn_status cairn_index_pending_load(cairn_index *idx, cairn_pending *p, bool *found,
				      cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(p, 0, sizeof *p);
	*found = false;
	if (sqlite3_prepare_v2(idx->db, "SELECT id, base, message, author_name, author_email, at"
			       " FROM pending ORDER BY id LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "reading the save journal");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found = true;
		p->id = sqlite3_column_int64(s, 0);
		snprintf(p->base.hex, sizeof p->base.hex, "%s", sqlite3_column_text(s, 1));
		p->message = column_dup(s, 2);
		p->author_name = column_dup(s, 3);
		p->author_email = column_dup(s, 4);
		p->when = sqlite3_column_int64(s, 5);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? CAIRN_OK : index_fail(idx, err, "reading the save journal");
	if (sqlite3_prepare_v2(idx->db, "SELECT path, data, base_blob FROM pending_file"
			       " WHERE pending = ? ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "reading the save journal");
	sqlite3_bind_int64(s, 1, p->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cairn_pending_file *grown = realloc(p->files, (p->nfiles + 1) * sizeof *grown);
		cairn_pending_file *f;
		if (!grown)
			break;
		p->files = grown;
		f = &p->files[p->nfiles++];
		memset(f, 0, sizeof *f);
		f->path = column_dup(s, 0);
		if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
			f->len = (size_t)sqlite3_column_bytes(s, 1);
			f->data = malloc(f->len + 1);
			if (f->data) {
				if (f->len)
					memcpy(f->data, sqlite3_column_blob(s, 1), f->len);
				f->data[f->len] = '\0';
			}
		}
		snprintf(f->base_blob.hex, sizeof f->base_blob.hex, "%s", sqlite3_column_text(s, 2));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		cairn_pending_done(p);
		*found = false;
		return cairn_fail(err, CAIRN_ENOMEM, "reading the save journal: out of memory");
	}
	return CAIRN_OK;
}

cairn_status cairn_index_pending_clear(cairn_index *idx, long long id, cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(idx->db, "DELETE FROM pending_file WHERE pending = ?;", -1, &s,
			       NULL) != SQLITE_OK)
		return index_fail(idx, err, "clearing the save journal");
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE ||
	    sqlite3_prepare_v2(idx->db, "DELETE FROM pending WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "clearing the save journal");
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CAIRN_OK : index_fail(idx, err, "clearing the save journal");
}
