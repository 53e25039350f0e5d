/* cairn: reading the SQLite index beside the workbook (the read side;
 * what changes it is private to core/index/, in core/index/index.h).
 *
 * A cache of the records, never committed, rebuilt from git whenever it is
 * missing, stale, damaged or of an older schema: each record's text (so
 * reads need no git), a typed table per kind (so queries and the first
 * screen are fast), and the records that could not be read with the
 * reason.  All SQL of cairn lives in core/index/; the faces read the index
 * through cairn_wb_index(). */
#ifndef CAIRN_QUERY_H
#define CAIRN_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cairn/error.h"
#include "cairn/layout.h"
#include "cairn/oid.h"
#include "cairn/record.h"

typedef struct cairn_index cairn_index;

/* ---- lookups ---- */

typedef struct cairn_index_hit {
	cairn_ref ref;                  /* the id as stored (its case) */
	char path[CAIRN_PATH_MAX];
	cairn_oid blob;
} cairn_index_hit;

/* A record by kind and id, ignoring case; *found false when absent. */
cairn_status cairn_index_find(cairn_index *idx, const cairn_ref *ref, cairn_index_hit *hit,
			      bool *found, cairn_error *err);
/* Records of any kind with this id; at most max filled, *n counts all. */
cairn_status cairn_index_find_id(cairn_index *idx, const char *id, cairn_index_hit *hits,
				 size_t max, size_t *n, cairn_error *err);
/* A record's text (a new buffer the caller frees). */
cairn_status cairn_index_body(cairn_index *idx, const char *path, char **body, size_t *len,
			      cairn_error *err);
/* Records whose reference fields name ref. */
typedef cairn_status (*cairn_index_referrer_fn)(const cairn_ref *from, const char *field,
						void *ctx, cairn_error *err);
cairn_status cairn_index_referrers(cairn_index *idx, const cairn_ref *ref,
				   cairn_index_referrer_fn fn, void *ctx, cairn_error *err);

/* ---- queries ---- */

typedef enum cairn_filter_op {
	CAIRN_OP_EQ = 0,        /* equal ("" matches an empty field) */
	CAIRN_OP_NE,            /* not equal (an empty field is not equal) */
	CAIRN_OP_LT,            /* less than (empty fields never match) */
	CAIRN_OP_LE,
	CAIRN_OP_GT,
	CAIRN_OP_GE,
} cairn_filter_op;

typedef struct cairn_filter {
	const char *field;      /* an indexed field of the kind, or "id" */
	const char *value;      /* stored form */
	cairn_filter_op op;     /* CAIRN_OP_EQ when left out */
} cairn_filter;

typedef cairn_status (*cairn_index_record_fn)(const cairn_ref *ref, const char *path,
					      const char *body, size_t len, void *ctx,
					      cairn_error *err);
/* Every record of kind (CAIRN_KIND_NONE: all kinds, in kind order) whose
 * fields match all filters, in id order. */
cairn_status cairn_index_each(cairn_index *idx, cairn_kind kind, const cairn_filter *filters,
			      size_t nfilters, cairn_index_record_fn fn, void *ctx,
			      cairn_error *err);

/* Many reads in a row as one read transaction: the index is locked and
 * checked for others' changes once instead of at every query (some 13 us
 * each).  Only around reads: a save inside it could not begin its own.
 * Returns whether it began (not inside another transaction); pass that
 * to cairn_index_read_end.  A writer elsewhere waits for its end. */
bool cairn_index_read_begin(cairn_index *idx);
void cairn_index_read_end(cairn_index *idx, bool begun);

/* Selected columns of a kind's table: columns are indexed fields, "id",
 * and for evaluations "tool", "evaluator", "answered", "missing".  Rows
 * ordered by order_by (a column; NULLs last), at most limit (0: all).
 * values[i] is "" for NULL. */
typedef cairn_status (*cairn_index_row_fn)(const char *const *values, void *ctx,
					   cairn_error *err);
cairn_status cairn_index_rows(cairn_index *idx, cairn_kind kind, const char *const *columns,
			      size_t ncolumns, const cairn_filter *filters, size_t nfilters,
			      const char *order_by, size_t limit, cairn_index_row_fn fn, void *ctx,
			      cairn_error *err);
/* Records of kind counted by the value of one column. */
typedef cairn_status (*cairn_index_count_fn)(const char *value, long count, void *ctx,
					     cairn_error *err);
cairn_status cairn_index_count_by(cairn_index *idx, cairn_kind kind, const char *column,
				  cairn_index_count_fn fn, void *ctx, cairn_error *err);
cairn_status cairn_index_count(cairn_index *idx, cairn_kind kind, long *n, cairn_error *err);
/* Records of kind matching all filters. */
cairn_status cairn_index_count_where(cairn_index *idx, cairn_kind kind, const cairn_filter *filters,
				     size_t nfilters, long *n, cairn_error *err);
/* Evaluations counted by status for each value of column ("evaluator" or
 * "tool"), kept up to date by the index itself (so this is fast at any
 * size): the rows with the most open work (assigned, draft, returned)
 * first, at most limit (0: all).  *more: how many values were left out. */
typedef cairn_status (*cairn_index_tally_fn)(const char *value, const long *by_status,
					     void *ctx, cairn_error *err);
cairn_status cairn_index_tally(cairn_index *idx, const char *column, size_t limit,
			       cairn_index_tally_fn fn, void *ctx, long *more, cairn_error *err);

/* Files that could not be read. */
typedef cairn_status (*cairn_index_problem_fn)(const char *path, const char *message,
					       void *ctx, cairn_error *err);
cairn_status cairn_index_problems(cairn_index *idx, cairn_index_problem_fn fn, void *ctx,
				  long *n, cairn_error *err);

/* ---- history (core/index/history.c) ---- */

/* One commit as the history keeps it. */
typedef struct cairn_history_row {
	long long seq;                  /* order: larger is newer */
	const char *id;                 /* 40 hex */
	long long time;
	int tz_minutes;
	const char *author_name, *author_email, *summary;
	const char *parents;            /* ids separated by spaces */
	const char *path;               /* the file, when asked by path */
} cairn_history_row;

typedef cairn_status (*cairn_history_fn)(const cairn_history_row *r, void *ctx,
					 cairn_error *err);
/* Commits newest first: those that changed path (NULL: every commit;
 * a path ending in '/' is a folder), by author (NULL: anyone); at most
 * limit (0: all). */
cairn_status cairn_index_history(cairn_index *idx, const char *path, const char *author_email,
				 size_t limit, cairn_history_fn fn, void *ctx, cairn_error *err);
/* The files one commit changed (row.path set, other fields as held). */
cairn_status cairn_index_history_files(cairn_index *idx, const char *id, cairn_history_fn fn,
				       void *ctx, cairn_error *err);

#endif
