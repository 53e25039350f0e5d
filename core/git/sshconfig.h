/* ~/.ssh/config, read with OpenSSH's rules (core/git/sshconfig.c), for
 * the options that say where and as whom cairn connects: HostName, Port,
 * User, IdentityFile, IdentitiesOnly.  Host blocks are matched in order
 * (patterns with * and ?, negations with !); the first value obtained
 * for an option wins, except IdentityFile, which adds every one, in
 * order.  Match blocks and Include are skipped and named; ProxyJump and
 * ProxyCommand cannot be honoured by libssh2 and are named too, so that a
 * sync can say why it cannot go the way ssh would. */
#ifndef CAIRN_GIT_SSHCONFIG_H
#define CAIRN_GIT_SSHCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define SSH_MAX_IDENTITIES 8

typedef struct ssh_host {
	char hostname[256];     /* "" when not set */
	int port;               /* 0 when not set */
	char user[128];
	char identity[SSH_MAX_IDENTITIES][1024];        /* ~ and %h %u %r %d expanded */
	int nidentity;
	bool identities_only;
	char unsupported[300];  /* "ProxyJump (~/.ssh/config line 7)" */
	char skipped[300];      /* "a Match block (line 3)" */
} ssh_host;

/* What the file at path says for host (as typed in the URL) and the
 * URL's user (NULL or "" when none).  A missing file says nothing. */
void ssh_config_read(const char *path, const char *host, const char *url_user, ssh_host *out);

/* OpenSSH's host pattern: * and ?, case-insensitive.  Exposed for the
 * unit tests. */
bool ssh_pattern_match(const char *pattern, const char *host);

#endif
