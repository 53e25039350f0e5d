/* known_hosts as OpenSSH reads it: plain names, [host]:port, patterns and
 * negations, @revoked and @cert-authority, a key written by cairn read
 * back, and the fingerprint format.  (Hashed names are checked against
 * ssh-keygen -H in tests/cli/ssh.sh.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/knownhosts.h"
#include "tap.h"

static char dir[] = "/tmp/cairn-kh.XXXXXX";

/* A fake but well-formed key blob: string type, then 32 bytes. */
static size_t blob(const char *type, unsigned char seed, unsigned char *out)
{
	size_t n = strlen(type), len = 0;
	out[len++] = 0; out[len++] = 0; out[len++] = 0; out[len++] = (unsigned char)n;
	memcpy(out + len, type, n);
	len += n;
	out[len++] = 0; out[len++] = 0; out[len++] = 0; out[len++] = 32;
	for (int i = 0; i < 32; i++)
		out[len++] = (unsigned char)(seed * 7 + i);
	return len;
}

/* The base64 field cairn writes for a blob (read back from a scratch file). */
static void base64_of(const unsigned char *key, size_t len, char *out, size_t n)
{
	char path[256], line[1024], *sp;
	cairn_error err;
	FILE *f;

	snprintf(path, sizeof path, "%s/scratch", dir);
	unlink(path);
	cairn_known_host_add(path, "x", 22, "t", key, len, &err);
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof line, f)) {
		out[0] = '\0';
	} else {
		line[strcspn(line, "\n")] = '\0';
		sp = strrchr(line, ' ');
		snprintf(out, n, "%s", sp ? sp + 1 : "");
	}
	if (f)
		fclose(f);
}

static cairn_host_status check(const char *file, const char *host, int port,
			       const unsigned char *key, size_t len, cairn_host_check *hc)
{
	cairn_error err;
	if (cairn_known_host_check(file, host, port, key, len, hc, &err) != CAIRN_OK) {
		printf("# %s\n", err.msg);
		return (cairn_host_status)-1;
	}
	return hc->status;
}

int main(void)
{
	unsigned char k1[128], k2[128], k3[128];
	size_t n1 = blob("ssh-ed25519", 1, k1), n2 = blob("ssh-ed25519", 2, k2);
	size_t n3 = blob("ssh-rsa", 3, k3);
	char b1[256], b2[256], b3[256], file[256], fp[64], type[40];
	cairn_host_check hc;
	cairn_error err;
	unsigned char digest[32];
	FILE *f;
	struct stat sb;

	if (!mkdtemp(dir))
		return 1;
	base64_of(k1, n1, b1, sizeof b1);
	base64_of(k2, n2, b2, sizeof b2);
	base64_of(k3, n3, b3, sizeof b3);
	snprintf(file, sizeof file, "%s/known_hosts", dir);

	is_int(check(file, "h.example.org", 22, k1, n1, &hc), CAIRN_HOST_UNKNOWN,
	       "a missing file knows no host");

	ok(cairn_known_host_add(file, "h.example.org", 22, "ssh-ed25519", k1, n1, &err) == CAIRN_OK,
	   "add a host on port 22");
	ok(cairn_known_host_add(file, "Other.Example.org", 2222, "ssh-ed25519", k2, n2, &err) ==
	   CAIRN_OK, "add a host on port 2222");
	ok(stat(file, &sb) == 0 && (sb.st_mode & 077) == 0, "the file is made private");
	is_int(check(file, "h.example.org", 22, k1, n1, &hc), CAIRN_HOST_MATCH, "its key matches");
	is_int(hc.line, 1, "on line 1");
	is_str(hc.first_type, "ssh-ed25519", "the first type for the host");
	is_int(check(file, "h.example.org", 22, k2, n2, &hc), CAIRN_HOST_CHANGED,
	       "another key for the same host is a change");
	is_int(check(file, "h.example.org", 2222, k1, n1, &hc), CAIRN_HOST_UNKNOWN,
	       "the same host on another port is another host (as OpenSSH)");
	is_int(check(file, "other.example.org", 2222, k2, n2, &hc), CAIRN_HOST_MATCH,
	       "[host]:port, names compared without case");
	is_int(check(file, "other.example.org", 22, k2, n2, &hc), CAIRN_HOST_UNKNOWN,
	       "a [host]:port line does not name port 22");

	f = fopen(file, "w");
	fprintf(f, "# a comment\n\n"
		   "*.example.org,!bad.example.org ssh-ed25519 %s\n"
		   "@cert-authority *.corp ssh-ed25519 %s\n"
		   "@revoked rev.example.net ssh-ed25519 %s\n"
		   "rev.example.net ssh-ed25519 %s\n"
		   "rsa.example.net ssh-rsa %s\n"
		   "rsa.example.net ssh-ed25519 %s\n"
		   "w?.example.net ssh-ed25519 %s\n"
		   "broken.example.net ssh-ed25519 @@@not-base64@@@\n"
		   "short.example.net\n"
		   "nl.example.net ssh-ed25519 %s",
		b1, b2, b2, b2, b3, b1, b1, b2);
	fclose(f);
	is_int(check(file, "a.example.org", 22, k1, n1, &hc), CAIRN_HOST_MATCH, "a * pattern");
	is_int(hc.line, 3, "comments and blank lines are counted as lines");
	is_int(check(file, "bad.example.org", 22, k1, n1, &hc), CAIRN_HOST_UNKNOWN,
	       "a negated pattern excludes the host");
	is_int(check(file, "x.corp", 22, k2, n2, &hc), CAIRN_HOST_UNKNOWN,
	       "@cert-authority lines are not host keys");
	is_int(check(file, "rev.example.net", 22, k2, n2, &hc), CAIRN_HOST_REVOKED,
	       "@revoked wins over a line that lists the same key");
	is_int(check(file, "rsa.example.net", 22, k1, n1, &hc), CAIRN_HOST_MATCH,
	       "the second line of a host can match");
	is_str(hc.first_type, "ssh-rsa", "while the first line's type is reported (libgit2 1.5.1's trap)");
	is_int(check(file, "w1.example.net", 22, k1, n1, &hc), CAIRN_HOST_MATCH, "a ? pattern");
	is_int(check(file, "w12.example.net", 22, k1, n1, &hc), CAIRN_HOST_UNKNOWN,
	       "? is one character");
	is_int(check(file, "broken.example.net", 22, k1, n1, &hc), CAIRN_HOST_CHANGED,
	       "a line that cannot be decoded names the host but never matches");
	is_int(check(file, "short.example.net", 22, k1, n1, &hc), CAIRN_HOST_UNKNOWN,
	       "a line without a key is skipped");
	is_int(check(file, "nl.example.net", 22, k2, n2, &hc), CAIRN_HOST_MATCH,
	       "the last line needs no newline");
	ok(cairn_known_host_add(file, "new.example.net", 22, "ssh-ed25519", k1, n1, &err) == CAIRN_OK,
	   "add after a last line without a newline");
	is_int(check(file, "nl.example.net", 22, k2, n2, &hc), CAIRN_HOST_MATCH,
	       "the old last line is intact");
	is_int(check(file, "new.example.net", 22, k1, n1, &hc), CAIRN_HOST_MATCH,
	       "and the new one is its own line");

	memset(digest, 0, sizeof digest);
	cairn_host_fingerprint(digest, fp);
	is_str(fp, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	       "fingerprint: base64 without padding, as ssh-keygen -l");
	cairn_host_key_type(k3, n3, type, sizeof type);
	is_str(type, "ssh-rsa", "the key type read from a blob");
	cairn_host_key_type(k3, 3, type, sizeof type);
	is_str(type, "", "a cut blob has no type");
	{
		char name[64];
		cairn_host_name("Host", 22, name, sizeof name);
		is_str(name, "host", "port 22: the bare name");
		cairn_host_name("Host", 2022, name, sizeof name);
		is_str(name, "[host]:2022", "another port: [host]:port");
	}
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# cannot remove %s\n", dir);
	}
	return tap_done();
}
