/* A git pack and its index, written by cairn (core/git/pack.c).
 *
 * Fetching from a folder, libgit2 builds a pack on the other side with a
 * delta search over every object (a window of ten, hardcoded), writes it
 * and then indexes it again, inflating and hashing everything twice.  The
 * objects arrive here already read (the allow-list reads each one) and with
 * the object each replaced at its path, so the delta is at hand: the
 * common head and tail of the two versions.  Entries are stored, not
 * compressed (zlib's "stored" blocks): most are deltas of a few dozen
 * bytes, and the rest are trees of object ids, which do not compress. */
#ifndef CAIRN_GITPACK_H
#define CAIRN_GITPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "cairn/error.h"

typedef struct gitpack gitpack;

/* A pack to be written into gitdir's objects/pack: its entries go to a
 * temporary file there as they come (git's tmp_pack_ name, which git gc
 * clears should a crash leave one). */
cairn_status gitpack_new(gitpack **out, const char *gitdir, cairn_error *err);
void gitpack_free(gitpack *p);

/* Whether id is in the pack already. */
bool gitpack_has(const gitpack *p, const git_oid *id);

/* Add an object once (again is a no-op).  path says where it sits in the
 * tree ("" for a commit) and base is the object it replaced there, or
 * NULL: when base went into this pack at the same path, and is of the
 * same type, the object is written as a delta of it (chains stay under
 * ten deep, for readers).  A NULL path: never a delta, nor a base. */
cairn_status gitpack_add(gitpack *p, git_object_t type, const git_oid *id, const void *data,
			 size_t len, const char *path, const git_oid *base, cairn_error *err);

size_t gitpack_objects(const gitpack *p);
size_t gitpack_bytes(const gitpack *p);

/* Finish the pack as pack-SHA.pack and then write its .idx, each fsynced
 * and renamed into place (nothing when the pack is empty).  The pack is
 * spent after, whatever the outcome: only gitpack_free is left. */
cairn_status gitpack_write(gitpack *p, cairn_error *err);

/* Finish the pack to send it rather than keep it (a push over the
 * network): the count and the checksum written, no index, nothing
 * fsynced; *fd reads it from its start, *size bytes.  An empty pack is
 * one too (the header and the checksum).  Only gitpack_free is left,
 * which removes the file. */
cairn_status gitpack_finish_to_send(gitpack *p, int *fd, uint64_t *size, cairn_error *err);

#endif
