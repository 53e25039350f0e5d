/* The SQLite index (see include/cairn/index.h).  The only file of cairn
 * that speaks SQL.  The kinds' tables are generated from the model's table
 * in core/model/kinds.c, so a field added there is a column here. */
#include "cairn/index.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/kinds.h"
#include "index/index_internal.h"

#define BUSY_TIMEOUT_MS 10000


/* References are checked when a transaction commits, not row by row: a
 * save may replace a person and the tasks that name it in any order, and
 * SQLite then checks only the rows that changed instead of every table. */
#define DEFERRED " DEFERRABLE INITIALLY DEFERRED"

/* Records counted by status, kept by triggers: the first screen counts
 * tens of thousands of evaluations and tasks, and reading a handful of
 * rows is what keeps it fast from a cold disk.  Evaluations are also
 * counted per evaluator and per tool (field, value); the plain count has
 * field and value "". */
static const char *const tally_groups[][2] = {
	{ "''", "''" },
	{ "'evaluator'", "evaluator" },
	{ "'tool'", "tool" },
};

static size_t tally_ngroups(const char *table)
{
	return strcmp(table, "evaluation") ? 1 : 3;
}

/* The value a trigger records for group g, from row NEW or OLD. */
static void tally_value(char *out, size_t n, size_t g, const char *row)
{
	if (g == 0)
		snprintf(out, n, "''");
	else
		snprintf(out, n, "coalesce(%s.%s, '')", row, tally_groups[g][1]);
}

static void tally_triggers(cairn_buf *b, const char *table)
{
	size_t ng = tally_ngroups(table);
	char v_new[64], v_old[64];

	cairn_buf_printf(b, "CREATE TRIGGER \"%s_tally_insert\" AFTER INSERT ON \"%s\" BEGIN",
			 table, table);
	for (size_t g = 0; g < ng; g++) {
		tally_value(v_new, sizeof v_new, g, "NEW");
		cairn_buf_printf(b, " INSERT INTO tally VALUES('%s', %s, %s, coalesce(NEW.status, ''), 1)"
				 " ON CONFLICT DO UPDATE SET n = n + 1;", table, tally_groups[g][0], v_new);
	}
	cairn_buf_printf(b, " END;\nCREATE TRIGGER \"%s_tally_delete\" AFTER DELETE ON \"%s\" BEGIN",
			 table, table);
	for (size_t g = 0; g < ng; g++) {
		tally_value(v_old, sizeof v_old, g, "OLD");
		cairn_buf_printf(b, " UPDATE tally SET n = n - 1 WHERE kind = '%s' AND field = %s AND"
				 " value = %s AND status = coalesce(OLD.status, '');", table,
				 tally_groups[g][0], v_old);
	}
	cairn_buf_printf(b, " END;\nCREATE TRIGGER \"%s_tally_update\" AFTER UPDATE OF status%s ON"
			 " \"%s\" BEGIN", table, ng > 1 ? ", evaluator, tool" : "", table);
	for (size_t g = 0; g < ng; g++) {
		tally_value(v_old, sizeof v_old, g, "OLD");
		tally_value(v_new, sizeof v_new, g, "NEW");
		cairn_buf_printf(b, " UPDATE tally SET n = n - 1 WHERE kind = '%s' AND field = %s AND"
				 " value = %s AND status = coalesce(OLD.status, '');"
				 " INSERT INTO tally VALUES('%s', %s, %s, coalesce(NEW.status, ''), 1)"
				 " ON CONFLICT DO UPDATE SET n = n + 1;", table, tally_groups[g][0], v_old,
				 table, tally_groups[g][0], v_new);
	}
	cairn_buf_adds(b, " END;\n");
}

cairn_status index_fail(cairn_index *idx, cairn_error *err, const char *what)
{
	int code = sqlite3_extended_errcode(idx->db);
	cairn_status st = CAIRN_EIO;

	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		st = CAIRN_EBUSY;
	else if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
		st = CAIRN_ECORRUPT;
	else if ((code & 0xff) == SQLITE_CONSTRAINT)
		st = CAIRN_EINPUT;
	return cairn_fail(err, st, "index %s: %s: %s%s", idx->path, what, sqlite3_errmsg(idx->db),
			  st == CAIRN_ECORRUPT ? " (delete the file: cairn rebuilds it from the records)"
					       : "");
}

static cairn_status exec(cairn_index *idx, const char *sql, cairn_error *err)
{
	if (sqlite3_exec(idx->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return index_fail(idx, err, "setting up");
	return CAIRN_OK;
}

cairn_status index_prepare(cairn_index *idx, const char *sql, sqlite3_stmt **st,
			   cairn_error *err)
{
	if (sqlite3_prepare_v3(idx->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return index_fail(idx, err, "preparing a query");
	return CAIRN_OK;
}

/* ---- the schema, generated from the model ---- */

static void quote_ident(cairn_buf *b, const char *name)
{
	cairn_buf_printf(b, "\"%s\"", name);
}

static const char *column_type(const cairn_field_def *f)
{
	switch (f->type) {
	case CAIRN_F_COUNT:
	case CAIRN_F_VERSION:
		return "INTEGER";
	case CAIRN_F_PERCENT:
		return "REAL";
	default:
		return "TEXT";
	}
}

static void schema_sql(cairn_buf *b)
{
	cairn_buf_adds(b,
		"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
		"CREATE TABLE records(path TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
		" id TEXT NOT NULL, blob TEXT NOT NULL, body BLOB NOT NULL);\n"
		"CREATE UNIQUE INDEX records_kind_id ON records(kind, id COLLATE NOCASE);\n"
		"CREATE INDEX records_id ON records(id COLLATE NOCASE);\n"
		"CREATE TABLE problems(path TEXT PRIMARY KEY, blob TEXT NOT NULL,"
		" message TEXT NOT NULL);\n"
		"CREATE TABLE tally(kind TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
		" status TEXT NOT NULL, n INTEGER NOT NULL,"
		" PRIMARY KEY(kind, field, value, status)) WITHOUT ROWID;\n"
		/* Per evaluator and per tool: the open work (assigned, draft,
		 * returned) and the total, kept from the tally by its own
		 * triggers, so that "who has the most to do" is an index read. */
		"CREATE TABLE tally_sum(kind TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
		" open INTEGER NOT NULL, total INTEGER NOT NULL,"
		" PRIMARY KEY(kind, field, value)) WITHOUT ROWID;\n"
		"CREATE INDEX tally_sum_open ON tally_sum(kind, field, open DESC, value);\n"
		"CREATE TRIGGER tally_sum_insert AFTER INSERT ON tally WHEN NEW.field != '' BEGIN"
		" INSERT INTO tally_sum VALUES(NEW.kind, NEW.field, NEW.value,"
		" NEW.n * (NEW.status IN ('assigned', 'draft', 'returned')), NEW.n)"
		" ON CONFLICT DO UPDATE SET open = open + excluded.open, total = total + excluded.total;"
		" END;\n"
		"CREATE TRIGGER tally_sum_update AFTER UPDATE OF n ON tally WHEN NEW.field != '' BEGIN"
		" UPDATE tally_sum SET open = open + (NEW.n - OLD.n) *"
		" (NEW.status IN ('assigned', 'draft', 'returned')), total = total + NEW.n - OLD.n"
		" WHERE kind = NEW.kind AND field = NEW.field AND value = NEW.value; END;\n"
		"CREATE TABLE pending(id INTEGER PRIMARY KEY, base TEXT NOT NULL,"
		" message TEXT NOT NULL, author_name TEXT, author_email TEXT, at INTEGER);\n"
		"CREATE TABLE pending_file(pending INTEGER NOT NULL REFERENCES pending(id)"
		" ON DELETE CASCADE, path TEXT NOT NULL, data BLOB, base_blob TEXT NOT NULL);\n"
		/* History (core/index/history.c): each commit once, numbered
		 * oldest first, and the record files it changed, so that a
		 * record's history is an index read instead of a walk of every
		 * commit comparing trees. */
		"CREATE TABLE commits(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
		" time INTEGER NOT NULL, tz INTEGER NOT NULL, author_name TEXT NOT NULL,"
		" author_email TEXT NOT NULL, summary TEXT NOT NULL, parents TEXT NOT NULL);\n"
		"CREATE TABLE changes(path TEXT NOT NULL, seq INTEGER NOT NULL,"
		" PRIMARY KEY(path, seq)) WITHOUT ROWID;\n"
		"CREATE INDEX changes_seq ON changes(seq, path);\n"
		"CREATE INDEX commits_author ON commits(author_email, seq);\n");
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		cairn_buf_adds(b, "CREATE TABLE ");
		quote_ident(b, def->name);
		cairn_buf_adds(b, "(id TEXT PRIMARY KEY COLLATE NOCASE, path TEXT NOT NULL UNIQUE");
		if (k == CAIRN_KIND_EVALUATION)
			cairn_buf_adds(b, ", tool TEXT NOT NULL REFERENCES \"tool\"(id)" DEFERRED ","
				       " evaluator TEXT NOT NULL REFERENCES \"person\"(id)" DEFERRED ","
				       " answered INTEGER, missing INTEGER");
		for (size_t i = 0; i < def->nfields; i++) {
			const cairn_field_def *f = &def->fields[i];
			if (!f->indexed)
				continue;
			cairn_buf_adds(b, ", ");
			quote_ident(b, f->name);
			cairn_buf_printf(b, " %s", column_type(f));
			if (f->required)
				cairn_buf_adds(b, " NOT NULL");
			if (f->type == CAIRN_F_REF) {
				cairn_buf_adds(b, " REFERENCES ");
				quote_ident(b, cairn_kind_def_of(f->ref)->name);
				cairn_buf_adds(b, "(id)" DEFERRED);
			}
			if (f->type == CAIRN_F_ENUM) {
				cairn_buf_adds(b, " CHECK(");
				quote_ident(b, f->name);
				cairn_buf_adds(b, " IN (");
				for (size_t c = 0; f->choices[c]; c++)
					cairn_buf_printf(b, "%s'%s'", c ? "," : "", f->choices[c]);
				cairn_buf_adds(b, "))");
			}
			if (f->type == CAIRN_F_PERCENT) {
				cairn_buf_adds(b, " CHECK(");
				quote_ident(b, f->name);
				cairn_buf_adds(b, " BETWEEN 0 AND 100)");
			}
		}
		cairn_buf_adds(b, ");\n");
		/* Child columns of a foreign key need an index, or every change
		 * to a parent scans the child table. */
		for (size_t i = 0; i < def->nfields; i++) {
			const cairn_field_def *f = &def->fields[i];
			if (!f->indexed || (f->type != CAIRN_F_REF && f->type != CAIRN_F_DATE &&
					    strcmp(f->name, "status") && strcmp(f->name, "email")))
				continue;
			/* With the id after a date, "ORDER BY date, id LIMIT n"
			 * reads n entries: lists sorted by a date that many records
			 * share (a deadline, a due date) stop at once, even from a
			 * cold disk. */
			cairn_buf_printf(b, "CREATE INDEX \"%s_%s\" ON \"%s\"(\"%s\"%s);\n", def->name,
					 f->name, def->name, f->name,
					 f->type == CAIRN_F_DATE ? ", id" : "");
		}
		if (k == CAIRN_KIND_EVALUATION)
			cairn_buf_adds(b, "CREATE INDEX evaluation_tool ON \"evaluation\"(tool);\n"
				       "CREATE INDEX evaluation_evaluator ON \"evaluation\"(evaluator);\n");
		if (cairn_kind_field((cairn_kind)k, "status"))
			tally_triggers(b, def->name);
	}
}

static unsigned long schema_hash(const char *sql)
{
	unsigned long h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++) {
		h ^= *p;
		h = (h * 16777619u) & 0xffffffffu;
	}
	return h;
}

static cairn_status prepare_all(cairn_index *idx, cairn_error *err)
{
	cairn_status st;
	cairn_buf b = CAIRN_BUF_INIT;

	if ((st = index_prepare(idx, "INSERT INTO records(path, kind, id, blob, body) VALUES(?,?,?,?,?)"
			  " ON CONFLICT(path) DO UPDATE SET kind=excluded.kind, id=excluded.id,"
			  " blob=excluded.blob, body=excluded.body", &idx->record_upsert, err)) ||
	    (st = index_prepare(idx, "DELETE FROM records WHERE path = ?", &idx->record_delete, err)) ||
	    (st = index_prepare(idx, "SELECT kind FROM records WHERE path = ?", &idx->record_kind,
			  err)) ||
	    (st = index_prepare(idx, "INSERT OR REPLACE INTO problems(path, blob, message) VALUES(?,?,?)",
			  &idx->problem_put, err)) ||
	    (st = index_prepare(idx, "DELETE FROM problems WHERE path = ?", &idx->problem_delete, err)))
		return st;
	for (int k = 0; k < CAIRN_KIND_COUNT && st == CAIRN_OK; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		size_t ncols = 2;
		cairn_buf_reset(&b);
		cairn_buf_printf(&b, "INSERT INTO \"%s\"(id, path", def->name);
		if (k == CAIRN_KIND_EVALUATION) {
			cairn_buf_adds(&b, ", tool, evaluator, answered, missing");
			ncols += 4;
		}
		for (size_t i = 0; i < def->nfields; i++)
			if (def->fields[i].indexed) {
				cairn_buf_printf(&b, ", \"%s\"", def->fields[i].name);
				ncols++;
			}
		cairn_buf_adds(&b, ") VALUES(?");
		for (size_t i = 1; i < ncols; i++)
			cairn_buf_adds(&b, ",?");
		cairn_buf_adds(&b, ") ON CONFLICT(id) DO UPDATE SET path=excluded.path");
		if (k == CAIRN_KIND_EVALUATION)
			cairn_buf_adds(&b, ", tool=excluded.tool, evaluator=excluded.evaluator,"
				       " answered=excluded.answered, missing=excluded.missing");
		for (size_t i = 0; i < def->nfields; i++)
			if (def->fields[i].indexed)
				cairn_buf_printf(&b, ", \"%s\"=excluded.\"%s\"", def->fields[i].name,
						 def->fields[i].name);
		st = index_prepare(idx, cairn_buf_str(&b), &idx->kind_upsert[k], err);
		if (st == CAIRN_OK) {
			cairn_buf_reset(&b);
			cairn_buf_printf(&b, "DELETE FROM \"%s\" WHERE path = ?", def->name);
			st = index_prepare(idx, cairn_buf_str(&b), &idx->kind_delete[k], err);
		}
	}
	cairn_buf_done(&b);
	return st;
}

static void finalize_all(cairn_index *idx)
{
	sqlite3_finalize(idx->record_upsert);
	sqlite3_finalize(idx->record_delete);
	sqlite3_finalize(idx->record_kind);
	sqlite3_finalize(idx->problem_put);
	sqlite3_finalize(idx->problem_delete);
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		sqlite3_finalize(idx->kind_upsert[k]);
		sqlite3_finalize(idx->kind_delete[k]);
	}
}

/* The stored schema matches this cairn's?  Any failure reads as "no". */
static bool schema_current(cairn_index *idx, unsigned long hash)
{
	sqlite3_stmt *st = NULL;
	bool ok = false;
	char want[32];

	snprintf(want, sizeof want, "%d:%lx", CAIRN_INDEX_SCHEMA, hash);
	if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
	return ok;
}

static cairn_status create_schema(cairn_index *idx, const char *sql, unsigned long hash,
				  cairn_error *err)
{
	char value[64];
	cairn_status st;
	sqlite3_stmt *s = NULL;

	/* Drop whatever an older cairn left: the index is only a cache. */
	if ((st = exec(idx, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE", err)))
		return st;
	if (sqlite3_prepare_v2(idx->db,
			       "SELECT type, name FROM sqlite_schema WHERE type IN ('table','view')"
			       " AND name NOT LIKE 'sqlite_%'", -1, &s, NULL) == SQLITE_OK) {
		cairn_buf drop = CAIRN_BUF_INIT;
		while (sqlite3_step(s) == SQLITE_ROW)
			cairn_buf_printf(&drop, "DROP %s \"%s\";", sqlite3_column_text(s, 0),
					 sqlite3_column_text(s, 1));
		sqlite3_finalize(s);
		if (drop.len && (st = exec(idx, cairn_buf_str(&drop), err))) {
			cairn_buf_done(&drop);
			goto fail;
		}
		cairn_buf_done(&drop);
	}
	if ((st = exec(idx, sql, err)))
		goto fail;
	snprintf(value, sizeof value, "INSERT INTO meta VALUES('schema', '%d:%lx')",
		 CAIRN_INDEX_SCHEMA, hash);
	if ((st = exec(idx, value, err)) || (st = exec(idx, "COMMIT; PRAGMA foreign_keys=ON", err)))
		goto fail;
	return CAIRN_OK;
fail:
	sqlite3_exec(idx->db, "ROLLBACK; PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	return st;
}

static cairn_status open_db(cairn_index *idx, cairn_error *err)
{
	if (sqlite3_open_v2(idx->path, &idx->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
			    NULL) != SQLITE_OK) {
		cairn_status st = cairn_fail(err, CAIRN_EIO, "cannot open the index %s: %s",
					     idx->path, idx->db ? sqlite3_errmsg(idx->db) : "?");
		sqlite3_close(idx->db);
		idx->db = NULL;
		return st;
	}
	sqlite3_busy_timeout(idx->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(idx->db, 1);
	/* Rollback journal, not WAL: a home folder on NFS must stay safe. */
	return exec(idx, "PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=FULL;"
		    " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY", err);
}

cairn_status cairn_index_open(const char *path, cairn_index **out, bool *rebuild,
			      cairn_error *err)
{
	cairn_index *idx = calloc(1, sizeof *idx);
	cairn_buf sql = CAIRN_BUF_INIT;
	unsigned long hash;
	cairn_status st;

	*out = NULL;
	*rebuild = false;
	if (!idx || !(idx->path = strdup(path))) {
		free(idx);
		return cairn_oom(err);
	}
	schema_sql(&sql);
	if (sql.oom) {
		st = cairn_oom(err);
		goto fail;
	}
	hash = schema_hash(cairn_buf_str(&sql));
	st = open_db(idx, err);
	if (st == CAIRN_OK && !schema_current(idx, hash)) {
		*rebuild = true;
		st = create_schema(idx, cairn_buf_str(&sql), hash, err);
	}
	if (st == CAIRN_ECORRUPT || st == CAIRN_EIO) {
		/* A damaged cache is thrown away and rebuilt, never repaired. */
		char journal[4096];
		sqlite3_close(idx->db);
		idx->db = NULL;
		unlink(path);
		snprintf(journal, sizeof journal, "%s-journal", path);
		unlink(journal);
		*rebuild = true;
		st = open_db(idx, err);
		if (st == CAIRN_OK)
			st = create_schema(idx, cairn_buf_str(&sql), hash, err);
	}
	if (st == CAIRN_OK)
		st = prepare_all(idx, err);
	if (st != CAIRN_OK)
		goto fail;
	cairn_buf_done(&sql);
	*out = idx;
	return CAIRN_OK;
fail:
	cairn_buf_done(&sql);
	cairn_index_close(idx);
	return st;
}

void cairn_index_close(cairn_index *idx)
{
	if (!idx)
		return;
	finalize_all(idx);
	sqlite3_close(idx->db);
	free(idx->dropped_indexes);
	free(idx->path);
	free(idx);
}

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
			for (size_t g = 0; g < tally_ngroups(t); g++)
				cairn_buf_printf(&sql, "INSERT INTO tally SELECT '%s', %s, %s%s%s,"
						 " coalesce(status, ''), count(*) FROM \"%s\" GROUP BY 3, 4;",
						 t, tally_groups[g][0], g ? "coalesce(" : "",
						 g ? tally_groups[g][1] : "''", g ? ", '')" : "", t);
			tally_triggers(&sql, t);
		}
	}
	st = sql.oom ? cairn_oom(err) : exec(idx, cairn_buf_str(&sql), err);
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
			st = exec(idx, idx->dropped_indexes, err);
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
		st = exec(idx, cairn_buf_str(&drop), err);
	cairn_buf_done(&drop);
	free(idx->dropped_indexes);
	idx->dropped_indexes = st == CAIRN_OK ? cairn_buf_detach(&create, NULL) : NULL;
	cairn_buf_done(&create);
	return st;
}

cairn_status cairn_index_bulk_begin(cairn_index *idx, bool fast, cairn_error *err)
{
	cairn_status st;

	/* foreign_keys cannot change inside a transaction. */
	if ((st = exec(idx, "PRAGMA foreign_keys=OFF", err)))
		return st;
	idx->bulk_fast = fast;
	/* A rebuild can be redone from git, so it need not wait for the disk. */
	if (fast && (st = exec(idx, "PRAGMA synchronous=OFF", err)))
		return st;
	if ((st = cairn_index_begin(idx, err)) || !fast)
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
		cairn_buf_printf(&msg, "' is not a %s in this workbook; set %s to one that is "
				 "(cairn ls %s), or add it", parent, column, parent);
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
	if (idx->bulk_fast)
		sqlite3_exec(idx->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	idx->bulk_fast = false;
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
	st = exec(idx, cairn_buf_str(&sql), err);
	cairn_buf_done(&sql);
	return st;
}

/* ---- storing records ---- */

static int step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

static void bind_field(sqlite3_stmt *s, int col, const cairn_field_def *f, const char *v)
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
	const cairn_kind_def *def = cairn_kind_def_of(ref->kind);
	sqlite3_stmt *s = idx->kind_upsert[ref->kind];
	int col = 1, rc;
	char tool[CAIRN_REF_ID_MAX + 1];

	sqlite3_bind_text(idx->problem_delete, 1, path, -1, SQLITE_STATIC);
	if (step_done(idx->problem_delete) != SQLITE_DONE)
		return index_fail(idx, err, path);
	s = idx->record_upsert;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, ref->kind);
	sqlite3_bind_text(s, 3, ref->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, blob->hex, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, body, (int)len, SQLITE_STATIC);
	rc = step_done(s);
	if (rc != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(idx->db) & 0xff) == SQLITE_CONSTRAINT)
			return cairn_fail(err, CAIRN_EEXISTS,
					  "%s: another %s has the id '%s' in another case; ids are "
					  "unique ignoring case: rename one of them", path, def->name,
					  ref->id);
		return index_fail(idx, err, path);
	}
	s = idx->kind_upsert[ref->kind];
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
			bind_field(s, col++, &def->fields[i], cairn_record_get(rec, def->fields[i].name));
	rc = step_done(s);
	if (rc != SQLITE_DONE) {
		cairn_status st = index_fail(idx, err, path);
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
	if (step_done(idx->problem_put) != SQLITE_DONE)
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
		if (step_done(idx->kind_delete[kind]) != SQLITE_DONE)
			return index_fail(idx, err, path);
	}
	sqlite3_bind_text(idx->record_delete, 1, path, -1, SQLITE_STATIC);
	if (step_done(idx->record_delete) != SQLITE_DONE)
		return index_fail(idx, err, path);
	sqlite3_bind_text(idx->problem_delete, 1, path, -1, SQLITE_STATIC);
	if (step_done(idx->problem_delete) != SQLITE_DONE)
		return index_fail(idx, err, path);
	return CAIRN_OK;
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
	sqlite3_stmt *s = NULL;
	int rc;

	*found = false;
	if (sqlite3_prepare_v2(idx->db, "SELECT kind, id, path, blob FROM records"
			       " WHERE kind = ? AND id = ? COLLATE NOCASE", -1, &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "looking up a record");
	sqlite3_bind_int(s, 1, ref->kind);
	sqlite3_bind_text(s, 2, ref->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		hit_from_row(s, hit);
		*found = true;
	}
	sqlite3_finalize(s);
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
			cairn_buf_printf(&sql, "SELECT id FROM \"%s\" WHERE \"%s\" = ? ORDER BY id",
					 def->name, column);
			if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
				st = index_fail(idx, err, "looking up references");
				break;
			}
			sqlite3_bind_text(s, 1, ref->id, -1, SQLITE_STATIC);
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

static cairn_status where_clause(cairn_kind kind, const cairn_filter *filters, size_t n,
				 const char *alias, cairn_buf *sql, cairn_error *err)
{
	for (size_t i = 0; i < n; i++) {
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
		if (f)
			bind_field(s, (int)i + 1, f, filters[i].value);
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
		if (step_done(s) != SQLITE_DONE)
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
