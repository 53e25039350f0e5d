/* cairn: SHA-1, for the one file cairn writes in git's own format that
 * libgit2 cannot write fast enough: git's index (see core/git/gitindex.c).
 * Not for security: git names its index's checksum SHA-1, so SHA-1 it is. */
#ifndef CAIRN_SHA1_H
#define CAIRN_SHA1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cairn_sha1 {
	uint32_t h[5];
	uint64_t length;        /* bytes so far */
	unsigned char block[64];
	size_t used;            /* bytes waiting in block */
} cairn_sha1;

void cairn_sha1_init(cairn_sha1 *s);
void cairn_sha1_update(cairn_sha1 *s, const void *data, size_t len);
void cairn_sha1_final(cairn_sha1 *s, unsigned char digest[20]);

/* Use the processor's SHA instructions when it has them (the default) or
 * not (tests compare both); true when they are in use. */
bool cairn_sha1_accelerated(bool use);

/* The id git gives an object: the SHA-1 of "TYPE LEN\0" and the bytes
 * (type "blob", "tree", "commit" or "tag"). */
void cairn_sha1_object(const char *type, const void *data, size_t len, unsigned char id[20]);
/* Its 40 lowercase hex digits and a NUL. */
void cairn_sha1_hex(const unsigned char id[20], char hex[41]);

#endif
