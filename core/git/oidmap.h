/* A map from git object id to a number (core/git/oidmap.c): which entry of a
 * pack holds an object, which commits passed the allow-list. */
#ifndef CAIRN_OIDMAP_H
#define CAIRN_OIDMAP_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

typedef struct oidmap {
	struct oidmap_slot *slot;
	size_t cap, n;
} oidmap;

#define OIDMAP_INIT { NULL, 0, 0 }

/* Set id's number (again replaces it); false when out of memory. */
bool oidmap_put(oidmap *m, const git_oid *id, size_t value);
/* Whether id is there, and its number in *value (value may be NULL). */
bool oidmap_get(const oidmap *m, const git_oid *id, size_t *value);
void oidmap_done(oidmap *m);

#endif
