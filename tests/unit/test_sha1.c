/* SHA-1: the FIPS 180 test vectors, git's object ids (checked against
 * libgit2's own hashing), and the accelerated and portable code agreeing on
 * every length around the block boundaries. */
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
	git_libgit2_shutdown();
	return tap_done();
}
