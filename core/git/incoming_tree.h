/* A git tree object read byte by byte, for core/git/incoming.c.  Private to
 * core/.
 *
 * libgit2's tree parser sorts nothing away but normalises modes (a raw
 * 120755 reads back as 100755 through git_tree_entry_filemode(), yet is
 * checked out as a link) and accepts duplicates and unsorted entries; a
 * remote can hand us any of those.  So the check reads the object's bytes
 * and keeps every entry exactly as written. */
#ifndef CAIRN_INCOMING_TREE_H
#define CAIRN_INCOMING_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#define INCOMING_MODE_MAX 8     /* "100644" and a little more, then refused */

typedef struct raw_entry {
	const char *name;               /* NUL-terminated, inside the object's bytes */
	char mode[INCOMING_MODE_MAX];   /* as written: "100644", "40000", "0100644"... */
	unsigned long mode_value;       /* its value, as git reads it */
	git_oid id;
} raw_entry;

/* The reason given when an allocation failed: not the remote's doing. */
extern const char raw_tree_no_memory[];

/* Split a tree object's bytes into entries, in the order written: *out is a
 * new array the caller frees (NULL when the tree is empty).  NULL on
 * success, else why the bytes are no tree (or raw_tree_no_memory). */
const char *raw_tree_parse(const unsigned char *data, size_t len, raw_entry **out, size_t *n);

/* The entry is a folder: its mode is exactly "40000". */
bool raw_entry_is_folder(const raw_entry *e);

/* Its mode's value is a folder's, however spelled (git sorts it so). */
bool raw_entry_sorts_as_folder(const raw_entry *e);

/* git's order of names in a tree: a folder's name sorts as if it ended in
 * '/'.  Negative, zero or positive, like strcmp. */
int raw_name_order(const char *a, bool a_folder, const char *b, bool b_folder);

/* Entries must be in git's order without repeats, and no two names may be
 * one file on a system that ignores case (macOS, Windows): NULL when so,
 * else the reason, with *bad the entry to name and *other (may be NULL)
 * the entry it clashes with (or raw_tree_no_memory).  Names are ASCII
 * here (checked before), so folding case is all the folding there is. */
const char *raw_tree_order_problem(const raw_entry *e, size_t n, size_t *bad, size_t *other);

#endif
