/* cairn: where records live in the workbook repository, and how they are
 * named on the command line.
 *
 *   KIND/ID               milestone/M4  ->  milestones/XX/M4
 *   evaluation/TOOL/WHO   evaluation/fixmystreet/maria
 *                         ->  evaluations/XX/fixmystreet/maria
 *
 * XX is two hex digits, the low byte of the FNV-1a hash of the lower-cased
 * ID (of TOOL for evaluations), so no folder grows past a few hundred
 * entries: a commit rewrites every tree on the changed path, and a flat
 * folder of 10,000 records would make every commit slower.
 */
#ifndef CAIRN_LAYOUT_H
#define CAIRN_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/kinds.h"

#define CAIRN_ID_MAX 64
/* An evaluation's id is TOOL/EVALUATOR. */
#define CAIRN_REF_ID_MAX (2 * CAIRN_ID_MAX + 1)
#define CAIRN_PATH_MAX 256

typedef struct cairn_ref {
	cairn_kind kind;
	char id[CAIRN_REF_ID_MAX + 1];
} cairn_ref;

/* An id part: 1-64 of [A-Za-z0-9._-], starting with a letter or digit. */
bool cairn_id_part_valid(const char *id);
/* A whole id for kind (TOOL/EVALUATOR for evaluations). */
cairn_status cairn_id_check(cairn_kind kind, const char *id, cairn_error *err);

/* Parse "KIND/ID"; a text without a known kind in front gives kind
 * CAIRN_KIND_NONE and the whole text as id (a bare id, for the workbook to
 * look up). */
cairn_status cairn_ref_parse(const char *text, cairn_ref *out, cairn_error *err);
/* "milestone/M4" into buf. */
void cairn_ref_format(const cairn_ref *ref, char *buf, size_t n);

/* The record's path in the repository. */
void cairn_ref_path(const cairn_ref *ref, char *buf, size_t n);
/* The reverse: which record a repository path holds.  CAIRN_EINPUT (with
 * the reason) for a path that is not a record's: outside the record
 * folders, a wrong shard, a bad id.  Files cairn itself keeps at the top
 * (cairn.ini, .gitignore) are reported as kind CAIRN_KIND_NONE with OK. */
cairn_status cairn_path_ref(const char *path, cairn_ref *out, cairn_error *err);

/* The path's first folder is a kind's (milestones/, tasks/...): cairn's
 * own ground, where every file is a record or a problem to list.  Any other
 * file (docs/plan.md, "Meeting notes.txt") is the group's, carried by git
 * and left alone by cairn.  "milestones" alone (the folder) counts. */
bool cairn_path_in_record_folders(const char *path);

unsigned cairn_shard_of(const char *id);

#endif
