/* ssh as people configure it (see core/git/transfer.h): the URL's host
 * looked up in ~/.ssh/config (core/git/sshconfig.c) and the URL libgit2
 * connects to rewritten with its HostName, Port and User; and whether a
 * key file needs a passphrase before it is offered.
 */
#include "git/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"

/* user, host, port and path of an ssh URL ("ssh://[user@]host[:port]/path"
 * or scp's "[user@]host:path"); false for anything else. */
static bool split(const char *url, char *user, char *host, int *port, char *path, size_t n)
{
	const char *p, *at, *end, *colon;
	bool scp = false;

	*user = *host = *path = '\0';
	*port = 0;
	if (!strncmp(url, "ssh://", 6))
		p = url + 6;
	else if (!strncmp(url, "ssh+git://", 10) || !strncmp(url, "git+ssh://", 10))
		p = url + 10;
	else if (!strstr(url, "://") && (colon = strchr(url, ':')) &&
		 (!strchr(url, '/') || colon < strchr(url, '/')) && colon > url)
		p = url, scp = true;
	else
		return false;
	end = scp ? strchr(p, ':') : p + strcspn(p, "/");
	if ((at = memchr(p, '@', (size_t)(end - p)))) {
		snprintf(user, n, "%.*s", (int)(at - p), p);
		p = at + 1;
	}
	if (*p == '[')
		return false;           /* an IPv6 literal: no alias to look up */
	colon = scp ? NULL : memchr(p, ':', (size_t)(end - p));
	snprintf(host, n, "%.*s", (int)((colon ? colon : end) - p), p);
	if (colon)
		*port = atoi(colon + 1);
	/* scp's path is the home's unless it starts with '/'. */
	if (scp)
		snprintf(path, n, "%s%s", end[1] == '/' ? "" : "/~/", end + 1);
	else
		snprintf(path, n, "%s", end);
	return host[0] != '\0';
}

cairn_status xfer_resolve(creds *c, cairn_error *err)
{
	char user[256], host[256], path[1024], cfg[4096];
	const char *home = getenv("HOME");
	int port;
	cairn_buf b = CAIRN_BUF_INIT;

	if (!split(c->url, user, host, &port, path, sizeof user) || !home)
		return CAIRN_OK;
	snprintf(cfg, sizeof cfg, "%s/.ssh/config", home);
	ssh_config_read(cfg, host, user, &c->ssh);
	if (c->ssh.unsupported[0])
		return cairn_fail(err, CAIRN_EINPUT, _("ssh to %s: %s is set for this host, which cairn "
				  "cannot follow (its libssh2 opens the connection itself): reach "
				  "the server directly, or sync from a machine that can; nothing "
				  "was fetched or pushed"), host, c->ssh.unsupported);
	if (!c->ssh.hostname[0] && !c->ssh.port && !strcmp(c->ssh.user, user))
		return CAIRN_OK;        /* the URL as it is */
	if (!strncmp(path, "/~/", 3) && strstr(c->url, "://") == NULL) {
		/* scp's path relative to the home stays relative, as git sends
		 * it ("git-upload-pack 'citizen-city'"): gitolite refuses
		 * "~/citizen-city".  libgit2 reads a port in scp's form
		 * "[user@host:port]:path". */
		bool bracket = port || c->ssh.port;
		cairn_buf_printf(&b, "%s%s%s%s", bracket ? "[" : "", c->ssh.user,
				 c->ssh.user[0] ? "@" : "", c->ssh.hostname[0] ? c->ssh.hostname : host);
		if (bracket)
			cairn_buf_printf(&b, ":%d]", port ? port : c->ssh.port);
		cairn_buf_printf(&b, ":%s", path + 3);
	} else {
		cairn_buf_printf(&b, "ssh://%s%s%s", c->ssh.user, c->ssh.user[0] ? "@" : "",
				 c->ssh.hostname[0] ? c->ssh.hostname : host);
		if (port || c->ssh.port)
			cairn_buf_printf(&b, ":%d", port ? port : c->ssh.port);
		cairn_buf_adds(&b, path);
	}
	if (b.oom) {
		cairn_buf_done(&b);
		return cairn_oom(err);
	}
	snprintf(c->url, sizeof c->url, "%s", cairn_buf_str(&b));
	cairn_buf_done(&b);
	return CAIRN_OK;
}

static int b64(int ch)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *at = ch ? strchr(set, ch) : NULL;
	return at ? (int)(at - set) : -1;
}

bool xfer_key_encrypted(const char *path)
{
	char line[512], raw[96];
	unsigned acc = 0;
	int bits = 0, got = 0;
	bool openssh = false, body = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof line, f) && got < (int)sizeof raw) {
		if (strstr(line, "ENCRYPTED")) {        /* PEM: Proc-Type 4,ENCRYPTED */
			fclose(f);
			return true;
		}
		if (strstr(line, "BEGIN OPENSSH PRIVATE KEY")) {
			openssh = body = true;
			continue;
		}
		for (char *p = line; body && *p && got < (int)sizeof raw; p++) {
			int v = b64(*p);
			if (v < 0)
				continue;
			acc = (acc << 6) | (unsigned)v;
			if ((bits += 6) >= 8) {
				bits -= 8;
				raw[got++] = (char)((acc >> bits) & 0xff);
			}
		}
	}
	fclose(f);
	/* "openssh-key-v1\0", then the cipher's name as an SSH string. */
	if (!openssh || got < 15 + 4 + 4 || memcmp(raw, "openssh-key-v1", 15))
		return false;
	return !(raw[18] == 4 && !memcmp(raw + 19, "none", 4));
}
