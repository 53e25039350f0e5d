/* Why a fetch, push or clone failed (see core/git/transfer.h): the one
 * place that tells a race from a refusal, a refusal from a dropped
 * connection, and says what to do about each.
 */
#include "git/transfer.h"

#include <stdio.h>
#include <string.h>

#include "cairn/i18n.h"
#include "cairn/knownhosts.h"

/* The host part of an ssh URL, for messages about its known_hosts line. */
static void url_host(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://"), *end;

	p = p ? p + 3 : url;
	end = p + strcspn(p, p == url ? ":" : ":/");
	if (memchr(p, '@', (size_t)(end - p)))
		p = (const char *)memchr(p, '@', (size_t)(end - p)) + 1;
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

static bool only_rsa_tried(const creds *c)
{
	return strstr(c->tried, "id_rsa") && !strstr(c->tried, "id_ed25519") &&
	       !strstr(c->tried, "id_ecdsa") && !strstr(c->tried, "agent");
}

cairn_status xfer_fail(cairn_error *err, const creds *c, const char *what,
				 const char *remote)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "";

	if (xfer_timed_out(c) && !c->answered)
		return cairn_fail(err, CAIRN_EIO, _("%s %s: no answer from %s in %d s: the server "
				  "may be down or the address wrong; nothing here was changed or "
				  "lost: sync again later, or wait longer with "
				  "CAIRN_CONNECT_TIMEOUT=SECONDS"), what, remote, c->url, c->connect_s);
	if (xfer_timed_out(c))
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s stopped answering for %d s; nothing "
				  "here was changed or lost: sync again later, or wait longer with "
				  "CAIRN_IDLE_TIMEOUT=SECONDS"), what, remote, c->url, c->idle_s);
	if (c->hostmsg[0])
		return cairn_fail(err, CAIRN_EIO, "%s %s: %s", what, remote, c->hostmsg);
	if (c->elsewhere[0]) {
		return cairn_fail(err, CAIRN_EIO, _("%s %s: the server sent cairn to another server "
				  "(%s), which asks for the token; cairn sends a token only to the "
				  "server of the URL it was set for: if you trust that one, make it "
				  "the remote's URL"), what, remote, c->elsewhere);
	}
	if (strstr(msg, "exchange encryption keys") || strstr(msg, "key exchange")) {
		char path[4096], host[256];
		cairn_host_check hc;
		cairn_error ignored;
		url_host(c->url, host, sizeof host);
		if (cairn_known_hosts_path(path, sizeof path, &ignored) == CAIRN_OK &&
		    cairn_known_host_check(path, host, xfer_url_port(c->url), NULL, 0, &hc,
					   &ignored) == CAIRN_OK &&
		    !strcmp(hc.first_type, "ssh-rsa"))
			return cairn_fail(err, CAIRN_EIO, _("%s %s: %s (%s line %d lists an ssh-rsa key "
					  "first for this host, and Debian's libgit2 1.5.1 then asks "
					  "the server for ssh-rsa only, which OpenSSH 8.8 and later "
					  "refuse: move the host's ed25519 line above it, or delete "
					  "the ssh-rsa line, and sync again)"), what,
					  remote, msg, path, hc.line);
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s (the SSH key exchange failed: the "
				  "server offers no key type this libssh2 knows?)"), what, remote, msg);
	}
	if (c->gave_up && !strncmp(c->url, "http", 4))
		return c->tried[0]
			? cairn_fail(err, CAIRN_EIO, _("%s %s: the server refused %s: check it, and that "
				     "it may read and write this repository"), what, remote, c->tried)
			: cairn_fail(err, CAIRN_EIO, _("%s %s: the server asks for a password or token: "
				     "set $CAIRN_TOKEN, or token under [sync] in your configuration "
				     "(cairn-config(5))"), what, remote);
	if (c->gave_up && !c->tried[0])
		return cairn_fail(err, CAIRN_EIO, _("%s %s: no SSH key to log in with: cairn offers the "
				  "ssh agent ($SSH_AUTH_SOCK), then ~/.ssh/id_ed25519, id_ecdsa and "
				  "id_rsa; make one with `ssh-keygen -t ed25519` and add its .pub to "
				  "the server's authorized_keys"), what, remote);
	if (c->gave_up && only_rsa_tried(c))
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s (tried %s: an RSA key cannot log in to "
				  "OpenSSH 8.8 and later through Debian's libssh2 1.10, which signs "
				  "with SHA-1 only: make an ed25519 key with `ssh-keygen -t ed25519` "
				  "and add its .pub to the server)"), what, remote, msg, c->tried);
	if (c->gave_up)
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s (tried %s; is its public key in the "
				  "server's authorized_keys?  Keys of type ed25519 or ecdsa work with "
				  "every OpenSSH server, RSA keys do not with OpenSSH 8.8 and later)"),
				  what, remote, msg, c->tried);
	if (strstr(msg, "safe.directory") || strstr(msg, "owner"))
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s (the repository belongs to another "
				  "user: if you trust it, `git config --global --add "
				  "safe.directory` with its path)"), what, remote, msg);
	if (e && (e->klass == GIT_ERROR_SSH || e->klass == GIT_ERROR_NET ||
		  e->klass == GIT_ERROR_OS))
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s (the connection failed or was cut; "
				  "nothing here was changed or lost: sync again when the server can "
				  "be reached)"), what, remote, msg);
	return cairn_fail(err, CAIRN_EIO, "%s %s: %s", what, remote, msg);
}

/* ---- fetch, push, clone ---- */

