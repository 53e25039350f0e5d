/* SHA-1: the FIPS 180 test vectors, git's object ids (checked against
 * libgit2's own hashing), and the accelerated and portable code agreeing on
 * every length around the block boundaries, and on runs of many blocks
 * (hashed in one call, the state kept in registers) from unaligned
 * addresses and split at every point around a block boundary. */
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/sha1.h"
#include "tap.h"

static void digest_hex(const void *data, size_t len, char hex[41])
{
	cairn_sha1 s;
	unsigned char d[20];
	cairn_sha1_init(&s);
	cairn_sha1_update(&s, data, len);
	cairn_sha1_final(&s, d);
	cairn_sha1_hex(d, hex);
}

static void vectors(const char *which)
{
	char hex[41], *million = malloc(1000000);
	cairn_sha1 s;
	unsigned char d[20];

	digest_hex("abc", 3, hex);
	is_str(hex, "a9993e364706816aba3e25717850c26c9cd0d89d", "%s: abc", which);
	digest_hex("", 0, hex);
	is_str(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "%s: the empty string", which);
	/* Nothing, with no buffer (an empty list's): no read (UBSan checks). */
	digest_hex(NULL, 0, hex);
	is_str(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "%s: nothing, given no buffer", which);
	digest_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	is_str(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "%s: 448 bits", which);
	memset(million, 'a', 1000000);
	/* Fed in odd pieces, to cross every buffering path. */
	cairn_sha1_init(&s);
	for (size_t off = 0, step = 1; off < 1000000; off += step, step = step * 7 % 997 + 1)
		cairn_sha1_update(&s, million + off, off + step > 1000000 ? 1000000 - off : step);
	cairn_sha1_final(&s, d);
	cairn_sha1_hex(d, hex);
	is_str(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "%s: a million a's, in pieces", which);
	free(million);
}

/* The digest of len bytes at p, given in two pieces split at cut. */
static void split_hex(const unsigned char *p, size_t len, size_t cut, char hex[41])
{
	cairn_sha1 s;
	unsigned char d[20];
	cairn_sha1_init(&s);
	cairn_sha1_update(&s, p, cut);
	cairn_sha1_update(&s, p + cut, len - cut);
	cairn_sha1_final(&s, d);
	cairn_sha1_hex(d, hex);
}

/* Runs of about a thousand blocks: every length from 64 KB - 70 to
 * 64 KB + 70, from addresses 0 to 3 bytes past an aligned one, and split
 * at every point from 60 to 200 bytes in. */
static void many_blocks(void)
{
	enum { BIG = 65536 + 80 };
	unsigned char *big = malloc(BIG + 8);
	char fast[41], slow[41];
	int differ = 0, split_differ = 0, wrong_ids = 0;

	for (size_t i = 0; i < BIG + 8; i++)
		big[i] = (unsigned char)rand();
	for (size_t len = 65536 - 70; len <= 65536 + 70; len++)
		for (size_t at = 0; at < 4; at++) {
			unsigned char id[20];
			git_oid want;
			cairn_sha1_accelerated(true);
			digest_hex(big + at, len, fast);
			cairn_sha1_accelerated(false);
			digest_hex(big + at, len, slow);
			differ += strcmp(fast, slow) != 0;
			cairn_sha1_accelerated(true);
			cairn_sha1_object("blob", big + at, len, id);
			git_odb_hash(&want, big + at, len, GIT_OBJECT_BLOB);
			wrong_ids += memcmp(id, want.id, 20) != 0;
		}
	cairn_sha1_accelerated(false);
	digest_hex(big + 1, 65536 + 33, slow);
	cairn_sha1_accelerated(true);
	for (size_t cut = 60; cut <= 200; cut++) {
		split_hex(big + 1, 65536 + 33, cut, fast);
		split_differ += strcmp(fast, slow) != 0;
	}
	is_int(differ, 0, "accelerated and portable agree on runs of about a thousand blocks, "
	       "aligned or not");
	is_int(wrong_ids, 0, "and those runs' blob ids equal libgit2's");
	is_int(split_differ, 0, "a run split at any point around the first blocks hashes the same");
	free(big);
}

int main(void)
{
	unsigned char buf[1200];
	char fast[41], slow[41];
	bool accelerated = cairn_sha1_accelerated(true);
	int differ = 0, wrong_ids = 0;

	git_libgit2_init();
	tap_diag("the processor's SHA instructions are %s", accelerated ? "used" : "absent");
	vectors(accelerated ? "accelerated" : "portable");
	cairn_sha1_accelerated(false);
	vectors("portable");
	srand(42);
	for (size_t len = 0; len < sizeof buf; len++) {
		unsigned char id[20];
		git_oid want;
		buf[len] = (unsigned char)rand();
		cairn_sha1_accelerated(true);
		digest_hex(buf, len, fast);
		cairn_sha1_accelerated(false);
		digest_hex(buf, len, slow);
		differ += strcmp(fast, slow) != 0;
		cairn_sha1_object("blob", buf, len, id);
		git_odb_hash(&want, buf, len, GIT_OBJECT_BLOB);
		wrong_ids += memcmp(id, want.id, 20) != 0;
	}
	is_int(differ, 0, "accelerated and portable agree on every length from 0 to 1199");
	is_int(wrong_ids, 0, "blob ids equal libgit2's for every length");
	many_blocks();
	git_libgit2_shutdown();
	return tap_done();
}
