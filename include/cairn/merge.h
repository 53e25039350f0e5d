/* cairn: the three-way merge of one record, field by field, from the
 * common ancestor (what sync does for every record both sides changed).
 *
 * No side ever wins by clock or by order: a field changed on one side
 * takes that side; the same field changed on both sides to different
 * values is a conflict, except that long text changed in different lines
 * merges line by line and a multiple-choice answer merges as a set (an
 * option added on one side and another removed on the other both hold).
 * A record added on both sides with different content, or deleted on one
 * side and changed on the other, is a conflict of the whole record: never
 * a silent delete, never a silent resurrection.
 */
#ifndef CAIRN_MERGE_H
#define CAIRN_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/kinds.h"
#include "cairn/record.h"

typedef struct cairn_field_conflict {
	char *key;
	char *base;             /* NULL: the field was not there */
	char *ours;
	char *theirs;
} cairn_field_conflict;

typedef enum cairn_record_outcome {
	CAIRN_MERGED,           /* merged holds the record (perhaps with field conflicts) */
	CAIRN_MERGED_DELETED,   /* the record is gone on the merged side */
	CAIRN_ADD_ADD,          /* added on both sides, differently: merged is ours */
	CAIRN_DELETE_MODIFY,    /* one side deleted it, the other changed it */
} cairn_record_outcome;

typedef struct cairn_merge_result {
	cairn_record_outcome outcome;
	cairn_record merged;            /* conflicting fields hold our value */
	cairn_field_conflict *conflicts;
	size_t nconflicts;
	bool deleted_by_us;             /* CAIRN_DELETE_MODIFY: which side deleted */
} cairn_merge_result;

/* Merge one record of kind.  base, ours or theirs NULL: absent on that
 * side.  tpl (may be NULL) tells which answers are long text and which
 * are multiple choice, for an evaluation.  res is initialised by the call
 * and released with cairn_merge_result_done. */
cairn_status cairn_merge_record(cairn_kind kind, const cairn_record *base, const cairn_record *ours,
				const cairn_record *theirs, const cairn_template *tpl,
				cairn_merge_result *res, cairn_error *err);
void cairn_merge_result_done(cairn_merge_result *res);

/* Line by line: *out (a new string) when the changes of ours and theirs
 * against base touch different lines, else CAIRN_ECONFLICT. */
cairn_status cairn_merge_lines(const char *base, const char *ours, const char *theirs, char **out,
			       cairn_error *err);

/* What changed from one version of a record to the next, as commit
 * messages and `cairn sync --dry-run` say it: "deadline 2016-04-15 ->
 * 2016-04-30, notes changed, owner cleared" (long values cut). */
void cairn_record_describe_changes(const cairn_record *before, const cairn_record *after,
				   cairn_buf *out);
/* A value on one line, cut to a readable length. */
void cairn_describe_value(cairn_buf *out, const char *value);

#endif
