/* Private to core/index/: the index's connection and statements, and
 * the helpers its files share.  Still the only place SQL is spoken. */
#ifndef CAIRN_INDEX_INTERNAL_H
#define CAIRN_INDEX_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "cairn/buf.h"
#include "index/index.h"
#include "cairn/kinds.h"

struct cairn_index {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *record_upsert;
	sqlite3_stmt *kind_upsert[CAIRN_KIND_COUNT];
	sqlite3_stmt *kind_delete[CAIRN_KIND_COUNT];
	sqlite3_stmt *record_delete;
	sqlite3_stmt *record_kind;
	sqlite3_stmt *record_find;      /* cairn_index_find, once per edit of a save */
	sqlite3_stmt *problem_put;
	sqlite3_stmt *problem_delete;
	sqlite3_stmt *history_commit;   /* prepared at first use (history.c) */
	sqlite3_stmt *history_change;
	sqlite3_stmt *history_changes;  /* HISTORY_ROWS of them at once */
	bool bulk_fast;                 /* counts and secondary indexes made at the end */
	bool bulk_sync_off;             /* synchronous=OFF until cairn_index_bulk_end */
	char *dropped_indexes;  /* a rebuild's: CREATE statements to run at its end */
};

/* Fails err with the database's own message (CAIRN_EBUSY, ECORRUPT...). */
cairn_status index_fail(cairn_index *idx, cairn_error *err, const char *what);
/* A statement kept for the connection's life. */
/* The upsert of kind k's table, prepared at its first use. */
cairn_status index_kind_upsert(cairn_index *idx, cairn_kind k, sqlite3_stmt **out,
			       cairn_error *err);
cairn_status index_prepare(cairn_index *idx, const char *sql, sqlite3_stmt **st,
			   cairn_error *err);
/* Runs sql (one or more statements) on the connection (schema.c). */
cairn_status index_exec(cairn_index *idx, const char *sql, cairn_error *err);

/* The tally's groups {field, value} and how many a kind's table has; the
 * triggers that keep it (schema.c; a rebuild drops them and puts them
 * back, tx.c). */
extern const char *const index_tally_groups[][2];
size_t index_tally_ngroups(const char *table);
void index_tally_triggers(cairn_buf *b, const char *table);

/* Steps a kept statement once, then resets it and clears its bindings
 * (records.c). */
int index_step_done(sqlite3_stmt *s);
/* Binds a field's stored form v as its column's type; NULL for empty
 * (records.c). */
void index_bind_field(sqlite3_stmt *s, int col, const cairn_field_def *f, const char *v);

#endif
