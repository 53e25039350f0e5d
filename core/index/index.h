/* cairn: the SQLite index beside the workbook, the side that writes it
 * (private to core/: what the faces read is in include/cairn/query.h).
 *
 * A cache of the records, never committed, rebuilt from git whenever it is
 * missing, stale, damaged or of an older schema.  It holds each record's
 * text (so reads need no git), a typed table per kind with its constraints
 * and foreign keys (so queries and the first screen are fast), the records
 * that could not be read with the reason and the commit it reflects.  The
 * journal of a save in progress is a file beside it (.cairn/saving).
 *
 * It runs in rollback-journal mode (TRUNCATE) with synchronous=NORMAL (a
 * power cut may undo its last transactions, which git still holds; see
 * schema.c): WAL
 * does not work on a home folder on NFS.  Writers use BEGIN IMMEDIATE and
 * a busy timeout.  All SQL of cairn lives in core/index/.
 */
#ifndef CAIRN_INDEX_INDEX_H
#define CAIRN_INDEX_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cairn/error.h"
#include "cairn/layout.h"
#include "cairn/oid.h"
#include "cairn/query.h"
#include "cairn/record.h"

#define CAIRN_INDEX_SCHEMA 1

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
/* fast is suspend and not durable: a rebuild.  suspend: the counts by
 * status and the secondary indexes are made once at the end, from the
 * loaded tables, rather than row by row (for a load of many rows).
 * durable: synchronous stays as it is (NORMAL, see schema.c), else it is
 * OFF until cairn_index_bulk_end. */
cairn_status cairn_index_bulk_begin_with(cairn_index *idx, bool suspend, bool durable,
					 cairn_error *err);
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

/* Note a save before its commit is made: the file .cairn/saving beside
 * the index, written without fsync (the save's first flush makes it
 * durable before the branch moves; see tx.c). */
cairn_status cairn_index_pending_add(cairn_index *idx, const cairn_pending *p, long long *id,
				     cairn_error *err);
/* The unfinished save, if any (*found); a torn journal is none. */
cairn_status cairn_index_pending_load(cairn_index *idx, cairn_pending *p, bool *found,
				      cairn_error *err);
/* Removes the journal (without fsync), whether or not a transaction is
 * under way. */
cairn_status cairn_index_pending_clear(cairn_index *idx, long long id, cairn_error *err);
void cairn_pending_done(cairn_pending *p);

/* ---- history (core/index/history.c; reading it: cairn/query.h) ---- */

/* Add a commit newer than every commit held, with the files it changed. */
cairn_status cairn_index_history_add(cairn_index *idx, const cairn_history_row *c,
				     const char *const *paths, size_t n, cairn_error *err);
/* Forget every commit (before the history is read again from git). */
cairn_status cairn_index_history_clear(cairn_index *idx, cairn_error *err);
/* Whether the history's transactions wait for the disk (they do, as
 * every write: synchronous NORMAL, schema.c); off for a build of the
 * whole history, which can be redone from git, as a rebuild of the
 * records is (tx.c).  Outside a transaction. */
cairn_status cairn_index_history_durable(cairn_index *idx, bool on, cairn_error *err);

#endif
