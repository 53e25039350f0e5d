/* Private to core/index*.c: the index's connection and statements, and
 * the helpers its files share.  Still the only place SQL is spoken. */
#ifndef CAIRN_INDEX_INTERNAL_H
#define CAIRN_INDEX_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "cairn/index.h"

struct cairn_index {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *record_upsert;
	sqlite3_stmt *kind_upsert[CAIRN_KIND_COUNT];
	sqlite3_stmt *kind_delete[CAIRN_KIND_COUNT];
	sqlite3_stmt *record_delete;
	sqlite3_stmt *record_kind;
	sqlite3_stmt *problem_put;
	sqlite3_stmt *problem_delete;
	bool bulk_fast;
	char *dropped_indexes;  /* a rebuild's: CREATE statements to run at its end */
};

/* Fails err with the database's own message (CAIRN_EBUSY, ECORRUPT...). */
cairn_status index_fail(cairn_index *idx, cairn_error *err, const char *what);
/* A statement kept for the connection's life. */
cairn_status index_prepare(cairn_index *idx, const char *sql, sqlite3_stmt **st,
			   cairn_error *err);

#endif
