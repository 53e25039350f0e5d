/* The SQLite index (see core/index/index.h): its connection and its
 * schema.  core/index/ is the only folder of cairn that speaks SQL.  The
 * kinds' tables are generated from the model's table in core/model/kinds.c,
 * so a field added there is a column here.  Opening and closing live here
 * with the schema they check and create, and so do the helpers every file
 * of the folder shares (index_fail, index_exec, index_prepare, the tally
 * triggers a rebuild drops and puts back). */
#include "index/index.h"

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
const char *const index_tally_groups[][2] = {
	{ "''", "''" },
	{ "'evaluator'", "evaluator" },
	{ "'tool'", "tool" },
};

size_t index_tally_ngroups(const char *table)
{
	return strcmp(table, "evaluation") ? 1 : 3;
}

/* The value a trigger records for group g, from row NEW or OLD. */
static void tally_value(char *out, size_t n, size_t g, const char *row)
{
	if (g == 0)
		snprintf(out, n, "''");
	else
		snprintf(out, n, "coalesce(%s.%s, '')", row, index_tally_groups[g][1]);
}

void index_tally_triggers(cairn_buf *b, const char *table)
{
	size_t ng = index_tally_ngroups(table);
	char v_new[64], v_old[64];

	cairn_buf_printf(b, "CREATE TRIGGER \"%s_tally_insert\" AFTER INSERT ON \"%s\" BEGIN",
			 table, table);
	for (size_t g = 0; g < ng; g++) {
		tally_value(v_new, sizeof v_new, g, "NEW");
		cairn_buf_printf(b, " INSERT INTO tally VALUES('%s', %s, %s, coalesce(NEW.status, ''), 1)"
				 " ON CONFLICT DO UPDATE SET n = n + 1;", table, index_tally_groups[g][0], v_new);
	}
	cairn_buf_printf(b, " END;\nCREATE TRIGGER \"%s_tally_delete\" AFTER DELETE ON \"%s\" BEGIN",
			 table, table);
	for (size_t g = 0; g < ng; g++) {
		tally_value(v_old, sizeof v_old, g, "OLD");
		cairn_buf_printf(b, " UPDATE tally SET n = n - 1 WHERE kind = '%s' AND field = %s AND"
				 " value = %s AND status = coalesce(OLD.status, '');", table,
				 index_tally_groups[g][0], v_old);
	}
	cairn_buf_printf(b, " END;\nCREATE TRIGGER \"%s_tally_update\" AFTER UPDATE OF status%s ON"
			 " \"%s\" BEGIN", table, ng > 1 ? ", evaluator, tool" : "", table);
	for (size_t g = 0; g < ng; g++) {
		tally_value(v_old, sizeof v_old, g, "OLD");
		tally_value(v_new, sizeof v_new, g, "NEW");
		cairn_buf_printf(b, " UPDATE tally SET n = n - 1 WHERE kind = '%s' AND field = %s AND"
				 " value = %s AND status = coalesce(OLD.status, '');"
				 " INSERT INTO tally VALUES('%s', %s, %s, coalesce(NEW.status, ''), 1)"
				 " ON CONFLICT DO UPDATE SET n = n + 1;", table, index_tally_groups[g][0], v_old,
				 table, index_tally_groups[g][0], v_new);
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

cairn_status index_exec(cairn_index *idx, const char *sql, cairn_error *err)
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
		/* cairn's own fields, whatever the workbook's lists: the
		 * index's columns do not change with the group's schema. */
		const cairn_kind_def *def = cairn_kind_builtin_def_of((cairn_kind)k);
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
			if (f->type == CAIRN_F_ENUM && !f->listed) {
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
			index_tally_triggers(b, def->name);
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
	    (st = index_prepare(idx, "SELECT kind, id, path, blob FROM records"
			  " WHERE kind = ? AND id = ? COLLATE NOCASE", &idx->record_find, err)) ||
	    (st = index_prepare(idx, "INSERT OR REPLACE INTO problems(path, blob, message) VALUES(?,?,?)",
			  &idx->problem_put, err)) ||
	    (st = index_prepare(idx, "DELETE FROM problems WHERE path = ?", &idx->problem_delete, err)))
		return st;
	/* Every kind's table is there (its DELETE prepares); its upsert,
	 * long to prepare, waits for the first write (index_kind_upsert). */
	for (int k = 0; k < CAIRN_KIND_COUNT && st == CAIRN_OK; k++) {
		cairn_buf_reset(&b);
		cairn_buf_printf(&b, "DELETE FROM \"%s\" WHERE path = ?",
				 cairn_kind_builtin_def_of((cairn_kind)k)->name);
		st = index_prepare(idx, cairn_buf_str(&b), &idx->kind_delete[k], err);
	}
	cairn_buf_done(&b);
	return st;
}

cairn_status index_kind_upsert(cairn_index *idx, cairn_kind k, sqlite3_stmt **out,
			       cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_builtin_def_of(k);
	cairn_buf b = CAIRN_BUF_INIT;
	size_t ncols = 2;
	cairn_status st;

	if ((*out = idx->kind_upsert[k]))
		return CAIRN_OK;
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
	cairn_buf_done(&b);
	*out = idx->kind_upsert[k];
	return st;
}

static void finalize_all(cairn_index *idx)
{
	sqlite3_finalize(idx->record_upsert);
	sqlite3_finalize(idx->record_delete);
	sqlite3_finalize(idx->record_kind);
	sqlite3_finalize(idx->record_find);
	sqlite3_finalize(idx->problem_put);
	sqlite3_finalize(idx->problem_delete);
	sqlite3_finalize(idx->history_commit);
	sqlite3_finalize(idx->history_change);
	sqlite3_finalize(idx->history_changes);
	idx->history_commit = idx->history_change = idx->history_changes = NULL;
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		sqlite3_finalize(idx->kind_upsert[k]);
		sqlite3_finalize(idx->kind_delete[k]);
		idx->kind_upsert[k] = idx->kind_delete[k] = NULL;
	}
	/* Prepared again after a rebuilt schema: never finalized twice. */
	idx->record_upsert = idx->record_delete = idx->record_kind = idx->record_find = NULL;
	idx->problem_put = idx->problem_delete = NULL;
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
	if ((st = index_exec(idx, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE", err)))
		return st;
	if (sqlite3_prepare_v2(idx->db,
			       "SELECT type, name FROM sqlite_schema WHERE type IN ('table','view')"
			       " AND name NOT LIKE 'sqlite_%'", -1, &s, NULL) == SQLITE_OK) {
		cairn_buf drop = CAIRN_BUF_INIT;
		while (sqlite3_step(s) == SQLITE_ROW)
			cairn_buf_printf(&drop, "DROP %s \"%s\";", sqlite3_column_text(s, 0),
					 sqlite3_column_text(s, 1));
		sqlite3_finalize(s);
		if (drop.len && (st = index_exec(idx, cairn_buf_str(&drop), err))) {
			cairn_buf_done(&drop);
			goto fail;
		}
		cairn_buf_done(&drop);
	}
	if ((st = index_exec(idx, sql, err)))
		goto fail;
	snprintf(value, sizeof value, "INSERT INTO meta VALUES('schema', '%d:%lx')",
		 CAIRN_INDEX_SCHEMA, hash);
	if ((st = index_exec(idx, value, err)) || (st = index_exec(idx, "COMMIT; PRAGMA foreign_keys=ON", err)))
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
	/* Rollback journal, not WAL: a home folder on NFS must stay safe.
	 * synchronous=NORMAL: three fdatasyncs a transaction instead of five
	 * (the journal's header and its truncation are not waited for).  A
	 * power cut may then undo the last transactions, never leave half of
	 * one: the index is a cache that catches up with git, what a save
	 * commits is durable in git before it returns (objects, branch and
	 * work-tree file are fsynced), and a save's journal entry undone by a
	 * power cut before its commit leaves its file in the work tree as a
	 * hand edit, which cairn commit saves. */
	return index_exec(idx, "PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=NORMAL;"
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
	if (st == CAIRN_OK && (st = prepare_all(idx, err)) != CAIRN_OK && st != CAIRN_ENOMEM &&
	    st != CAIRN_EBUSY) {
		/* A table gone (dropped by hand, a damaged schema page) leaves
		 * the schema's mark in place: the statements tell.  Built again
		 * like any damaged cache. */
		finalize_all(idx);
		*rebuild = true;
		st = create_schema(idx, cairn_buf_str(&sql), hash, err);
		if (st == CAIRN_OK)
			st = prepare_all(idx, err);
	}
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
