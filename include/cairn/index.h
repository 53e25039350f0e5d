/* cairn: the SQLite index beside the workbook.
 *
 * A cache of the records, never committed, rebuilt from git whenever it is
 * missing, stale, damaged or of an older schema.  It holds each record's
 * text (so reads need no git), a typed table per kind with its constraints
 * and foreign keys (so queries and the first screen are fast), the records
 * that could not be read with the reason, the commit it reflects, and the
 * journal of a save in progress.
 *
 * It runs in rollback-journal mode (TRUNCATE) with synchronous=FULL: WAL
 * does not work on a home folder on NFS.  Writers use BEGIN IMMEDIATE and
 * a busy timeout.  All SQL of cairn lives in core/index/.
 */
#ifndef CAIRN_INDEX_H
#define CAIRN_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cairn/error.h"
#include "cairn/layout.h"
#include "cairn/oid.h"
#include "cairn/record.h"

#define CAIRN_INDEX_SCHEMA 1

typedef struct cairn_index cairn_index;

/* Open or create the index at path.  *rebuild is set when it was created,
 * or found damaged or of another schema and emptied: the caller then
 * fills it from the records. */
cairn_status cairn_index_open(const char *path, cairn_index **out, bool *rebuild,
			      cairn_error *err);
void cairn_index_close(cairn_index *idx);

/* Write transactions (BEGIN IMMEDIATE, retried while another process
 * writes, up to the busy timeout). */
cairn_status cairn_index_begin(cairn_index *idx, cairn_error *err);
cairn_status cairn_index_commit(cairn_index *idx, cairn_error *err);
void cairn_index_rollback(cairn_index *idx);

/* Bulk loading: foreign keys are not enforced while loading (records may
 * arrive in any order); cairn_index_bulk_end moves every record whose
 * references do not resolve to the problems, with the reason. */
cairn_status cairn_index_bulk_begin(cairn_index *idx, bool fast, cairn_error *err);
cairn_status cairn_index_bulk_end(cairn_index *idx, size_t *moved, cairn_error *err);

/* meta: "head" (the commit the index reflects), "verified" (time of the
 * last loose-object check). value "" when absent. */
cairn_status cairn_index_meta_get(cairn_index *idx, const char *key, char *value, size_t n,
				  cairn_error *err);
cairn_status cairn_index_meta_set(cairn_index *idx, const char *key, const char *value,
				  cairn_error *err);

/* Forget every record (before a rebuild). */
cairn_status cairn_index_clear(cairn_index *idx, cairn_error *err);

typedef struct cairn_index_extra {
	long answered;          /* evaluations: questions answered */
	long missing;           /* evaluations: required questions unanswered */
} cairn_index_extra;

/* Store a parsed record (replacing whatever path held). */
cairn_status cairn_index_put(cairn_index *idx, const cairn_ref *ref, const char *path,
			     const cairn_oid *blob, const char *body, size_t len,
			     const cairn_record *rec, const cairn_index_extra *extra,
			     cairn_error *err);
/* Store a file that could not be read as a record, with the reason. */
cairn_status cairn_index_put_problem(cairn_index *idx, const char *path, const cairn_oid *blob,
				     const char *message, cairn_error *err);
/* Forget path, as a record or a problem. */
cairn_status cairn_index_remove(cairn_index *idx, const char *path, cairn_error *err);

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

/* ---- the save journal ---- */

typedef struct cairn_pending_file {
	char *path;
	char *data;             /* NULL: the save deletes the file */
	size_t len;
	cairn_oid base_blob;    /* what HEAD held at path before ("" if nothing) */
} cairn_pending_file;

typedef struct cairn_pending {
	long long id;
	cairn_oid base;         /* the commit the save started from */
	char *message;
	char *author_name;
	char *author_email;
	long long when;
	cairn_pending_file *files;
	size_t nfiles;
} cairn_pending;

/* Note a save before its commit is made (one transaction of its own). */
cairn_status cairn_index_pending_add(cairn_index *idx, const cairn_pending *p, long long *id,
				     cairn_error *err);
/* The oldest unfinished save, if any (*found). */
cairn_status cairn_index_pending_load(cairn_index *idx, cairn_pending *p, bool *found,
				      cairn_error *err);
/* Inside the caller's transaction. */
cairn_status cairn_index_pending_clear(cairn_index *idx, long long id, cairn_error *err);
void cairn_pending_done(cairn_pending *p);

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

/* Add a commit newer than every commit held, with the files it changed. */
cairn_status cairn_index_history_add(cairn_index *idx, const cairn_history_row *c,
				     const char *const *paths, size_t n, cairn_error *err);
/* Forget every commit (before the history is read again from git). */
cairn_status cairn_index_history_clear(cairn_index *idx, cairn_error *err);

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
