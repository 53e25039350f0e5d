/* cairn: OpenSSH's known_hosts, read and appended the way ssh does.
 *
 * libgit2 1.5.1 checks an SSH server's key against ~/.ssh/known_hosts by
 * itself, but answers only "valid" or "not": it cannot tell a host never
 * seen from a host whose key changed, and those call for opposite answers
 * (ask the user; refuse, always).  So cairn reads the file again here:
 * plain and hashed (|1|salt|hash) host names, "[host]:port" for ports
 * other than 22, patterns with * and ?, negations (!pattern), and the
 * @revoked marker.  @cert-authority lines are skipped (libssh2 cannot use
 * certificates).
 */
#ifndef CAIRN_KNOWNHOSTS_H
#define CAIRN_KNOWNHOSTS_H

#include <stddef.h>

#include "cairn/error.h"

typedef enum cairn_host_status {
	CAIRN_HOST_UNKNOWN,     /* no line names this host */
	CAIRN_HOST_MATCH,       /* a line holds this very key */
	CAIRN_HOST_CHANGED,     /* lines name the host, none with this key */
	CAIRN_HOST_REVOKED      /* an @revoked line holds this key */
} cairn_host_status;

typedef struct cairn_host_check {
	cairn_host_status status;
	int line;               /* the first line naming the host (0: none) */
	char first_type[40];    /* its key type ("ssh-rsa"), "" when none */
} cairn_host_check;

/* How known_hosts names host at port: "host" for 22, else "[host]:port". */
void cairn_host_name(const char *host, int port, char *out, size_t n);

/* Look the server's key (type "ssh-ed25519", ...; key its raw blob) up in
 * the file at path (a missing file knows no host). */
cairn_status cairn_known_host_check(const char *path, const char *host, int port,
				    const unsigned char *key, size_t keylen,
				    cairn_host_check *out, cairn_error *err);

/* Append "NAME TYPE BASE64" (the folder is made 0700 and the file 0600
 * when they are new). */
cairn_status cairn_known_host_add(const char *path, const char *host, int port, const char *type,
				  const unsigned char *key, size_t keylen, cairn_error *err);

/* "SHA256:..." as ssh prints it (base64, no padding) from a digest. */
void cairn_host_fingerprint(const unsigned char sha256[32], char out[64]);

/* The key type an SSH key blob names in its first field ("" if none). */
void cairn_host_key_type(const unsigned char *key, size_t keylen, char *out, size_t n);

/* ~/.ssh/known_hosts ($HOME's, as libgit2 reads it) into out. */
cairn_status cairn_known_hosts_path(char *out, size_t n, cairn_error *err);

#endif
