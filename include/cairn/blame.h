/* cairn: who set a field (core/git/blame.c).
 *
 * For each question (a record file and one of its fields, or "" for the
 * file as a whole), the newest commit reachable from `from` that gave the
 * field the value it has at `from`: it differs there from every parent.
 * One walk answers every question, and stops when all are answered.
 * Serves `cairn blame`, and the authors and dates kept with each side of
 * a sync conflict.
 */
#ifndef CAIRN_BLAME_H
#define CAIRN_BLAME_H

#include <stddef.h>

#include "cairn/error.h"
#include "cairn/gitstore.h"

typedef struct cairn_blame {
	const char *path;               /* asked: "milestones/4c/M4" */
	const char *field;              /* asked: a key, or "" for the file */
	/* answered (commit.hex "" when the walk found no such commit): */
	cairn_oid commit;
	char *name, *email;             /* the author, as git holds it */
	long long when;
	int tz_minutes;
	char *summary;                  /* the message's first line */
} cairn_blame;

/* Answer q[0..n) from the commits reachable from `from` and not from
 * `hide` (NULL: the whole history). */
cairn_status cairn_git_blame(cairn_git *git, const cairn_oid *from, const cairn_oid *hide,
			     cairn_blame *q, size_t n, cairn_error *err);
/* The same, looking only at the given commits, newest first: those that
 * changed the files asked about (as the history index lists them). */
cairn_status cairn_git_blame_in(cairn_git *git, const cairn_oid *from, const cairn_oid *commits,
				size_t ncommits, cairn_blame *q, size_t n, cairn_error *err);
void cairn_blame_done(cairn_blame *q, size_t n);

/* "Name <email>, 2026-11-30 14:05 +0100" for messages ("" when unknown). */
void cairn_blame_who_when(const cairn_blame *b, char *out, size_t n);

#endif
