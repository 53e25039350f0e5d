/* cairn: a workbook's history, record by record (core/workbook/history.c).
 *
 * Which commits changed which record is kept in the index (a table of
 * commits and the files each changed), written by every save and brought
 * up to date from git, by walking only the commits it has not seen, when
 * history is read after a sync or a plain `git pull`.  Reading a record's
 * history is then an index read: libgit2's revision walk has no path
 * filter, and comparing trees along the walk costs seconds on a large
 * workbook.
 */
#ifndef CAIRN_HISTORY_H
#define CAIRN_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/blame.h"
#include "cairn/error.h"
#include "cairn/query.h"
#include "cairn/record.h"
#include "cairn/workbook.h"

/* Bring the history up to HEAD. */
cairn_status cairn_wb_history_catch_up(cairn_wb *wb, cairn_error *err);
/* A shallow clone: the history held here stops at *boundaries commits
 * whose parents are not here (log and blame show what is held). */
bool cairn_wb_shallow(cairn_wb *wb, size_t *boundaries);

/* A field's name for people: an evaluation's answer key with its
 * question's prompt, "answer.impact (How strong is the impact?)", from the
 * template rec names; any other key as it is. */
void cairn_wb_field_label(cairn_wb *wb, const cairn_record *rec, const char *key, char *buf,
			  size_t n);

/* The file whose history record names: a record of the workbook by any
 * name cairn_wb_resolve takes, or a removed one by its "kind/id".  A name
 * that is neither, or that several records share, fails with resolve's
 * message (CAIRN_ENOTFOUND, CAIRN_EINPUT). */
cairn_status cairn_wb_history_path(cairn_wb *wb, const char *name, char *path, size_t n,
				   cairn_error *err);

/* Whose commits, as git log --author takes them: a regular expression
 * (basic unless extended) matched against "Name <email>". */
typedef struct cairn_author_pattern {
	const char *pattern;            /* NULL: anyone */
	bool extended;                  /* -E */
	bool ignore_case;               /* -i */
} cairn_author_pattern;

/* Commits newest first that changed record (any name cairn_wb_history_path
 * takes; NULL: any; a kind name alone: any record of that kind), by an
 * author matching author (NULL: anyone), at most limit (0: all).  Catches
 * up first.  A bad pattern is CAIRN_EINPUT. */
cairn_status cairn_wb_history(cairn_wb *wb, const char *record, const cairn_author_pattern *author,
			      size_t limit, cairn_history_fn fn, void *ctx, cairn_error *err);

/* How many commits changed the file at path, and the time of the newest
 * (seconds since the epoch; 0 and 0 for none): a record's revision, the
 * same in every clone that holds the same history.  As the history held
 * it when last brought up to date (cairn_wb_history_catch_up, once for
 * many records). */
cairn_status cairn_wb_revisions(cairn_wb *wb, const char *path, size_t *count, long long *last,
				cairn_error *err);

/* Blame of a long-text field line by line: each line of its value at
 * HEAD with the commit that wrote that line (commit.hex "" when the
 * history does not hold it).  Freed with cairn_blame_lines_done. */
typedef struct cairn_blame_line {
	char *text;
	cairn_oid commit;
	char *name, *email;
	long long when;
	int tz_minutes;
} cairn_blame_line;

typedef struct cairn_blame_lines {
	cairn_blame_line *lines;
	size_t n;
} cairn_blame_lines;

cairn_status cairn_wb_blame_lines(cairn_wb *wb, const char *path, const char *field,
				  cairn_blame_lines *out, cairn_error *err);
void cairn_blame_lines_done(cairn_blame_lines *b);

/* The record files one commit changed (row->path each), as the history
 * held them when last brought up to date (cairn_wb_history does). */
cairn_status cairn_wb_history_files(cairn_wb *wb, const char *commit, cairn_history_fn fn,
				    void *ctx, cairn_error *err);

/* A revision as git names it ("HEAD~2", "origin/main", an id) to its id. */
cairn_status cairn_wb_revision(cairn_wb *wb, const char *rev, cairn_oid *out, cairn_error *err);

/* One record that differs between two commits: either side NULL when the
 * record is absent there.  name is "kind/id". */
typedef cairn_status (*cairn_record_diff_fn)(const char *path, const char *name,
					     const cairn_record *before,
					     const cairn_record *after, void *ctx,
					     cairn_error *err);
/* The records that differ from `from` ("" : nothing) to `to`, in path
 * order, only the one at path when path is given. */
cairn_status cairn_wb_diff(cairn_wb *wb, const cairn_oid *from, const cairn_oid *to,
			   const char *path, cairn_record_diff_fn fn, void *ctx, cairn_error *err);

/* Who last set each field of a record (q[i].path the record's file; see
 * blame.h), from the commits the history index lists for it. */
cairn_status cairn_wb_blame(cairn_wb *wb, cairn_blame *q, size_t n, cairn_error *err);

/* Authorship audit of commit's change to the record at path: in an
 * enforced workbook, each change the rules (include/cairn/roles.h) would
 * have refused to its author (by email, as a person of the workbook now),
 * field by field, each answer on its own: fn(why, ctx, err) for every
 * one, why naming the record, the field and who may.  A merge is not
 * flagged.  In an open workbook: one flag when its author is neither the
 * evaluator, nor the validator, nor a leader, for a change to an
 * evaluation. */
typedef cairn_status (*cairn_audit_fn)(const char *why, void *ctx, cairn_error *err);
cairn_status cairn_wb_audit_each(cairn_wb *wb, const cairn_history_row *commit, const char *path,
				 cairn_audit_fn fn, void *ctx, cairn_error *err);
/* The same, told as one line (a list of commits): *flagged when any, and
 * *why the first, "(and N more changes)" after it. */
cairn_status cairn_wb_audit(cairn_wb *wb, const cairn_history_row *commit, const char *path,
			    bool *flagged, char *why, size_t n, cairn_error *err);

#endif
