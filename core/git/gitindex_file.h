/* Internal to core/gitindex*.c: a change to one entry of git's index, and
 * the writer that applies changes to the index file directly. */
#ifndef CAIRN_GITINDEX_FILE_H
#define CAIRN_GITINDEX_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "cairn/error.h"

typedef enum ix_what { IX_KEEP, IX_DROP, IX_PUT } ix_what;

/* What is known of one path before git's index is read: HEAD's blob and
 * the work tree's.  ix_resolve then decides, from the entry the index
 * holds, what becomes of it. */
typedef struct ix_change {
	const char *path;
	bool tracked;                   /* HEAD has the file */
	unsigned char head[20];         /* its blob */
	bool on_disk;                   /* the work tree has a regular file */
	unsigned char tree[20];         /* its blob id (never written as an object) */
	struct stat sb;
	ix_what what;                   /* set by ix_resolve */
	bool with_stat;                 /* IX_PUT: sb goes into the entry */
} ix_change;

/* The entry only ever names HEAD's blob, which is in the object store: an
 * entry naming the work tree's bytes would tell git a file is staged whose
 * blob does not exist.  What a person staged with `git add` (the entry is
 * the work tree's content, not HEAD's) is kept.  The file's stat data goes
 * in only when the work tree holds exactly HEAD's bytes, so that git
 * re-reads any other file.  cur: the entry's blob, NULL when none. */
void ix_resolve(ix_change *c, const unsigned char *cur);

/* Read the index at index_path, resolve and apply changes, and write
 * the result to out_path (a file of cairn's own), with
 * entries younger than the old index smudged as git does.  *handled is
 * false, and nothing is written, when the index uses a feature this writer
 * does not (version 4, split index, sparse index, conflicts at a changed
 * path): the caller then goes through libgit2. */
cairn_status ix_file_apply(const char *index_path, const char *out_path, ix_change *changes,
			   size_t n, bool *handled, cairn_error *err);

#endif
