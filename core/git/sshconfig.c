/* ~/.ssh/config as OpenSSH reads it (see core/git/sshconfig.h): only the
 * options cairn can honour through libssh2, and the names of those it
 * cannot.  The rules are ssh_config(5)'s: keywords are case-insensitive
 * and take their argument after spaces or one '='; "Host" starts a block
 * that applies when one of its patterns matches the host given on the
 * command line (here: in the URL) and none of its negated ones does; what
 * comes before the first Host applies to all; the first value obtained
 * wins.
 */
#include "git/sshconfig.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

bool ssh_pattern_match(const char *p, const char *s)
{
	for (; *p; p++, s++) {
		if (*p == '*') {
			while (p[1] == '*')
				p++;
			if (!p[1])
				return true;
			for (; *s; s++)
				if (ssh_pattern_match(p + 1, s))
					return true;
			return false;
		}
		if (!*s)
			return false;
		if (*p != '?' && tolower((unsigned char)*p) != tolower((unsigned char)*s))
			return false;
	}
	return !*s;
}

/* A Host line's patterns (comma or space separated) against host. */
static bool host_matches(char *patterns, const char *host)
{
	bool yes = false;

	for (char *tok = strtok(patterns, " \t,"); tok; tok = strtok(NULL, " \t,")) {
		if (*tok == '!') {
			if (ssh_pattern_match(tok + 1, host))
				return false;       /* a negation wins over every match */
		} else if (ssh_pattern_match(tok, host)) {
			yes = true;
		}
	}
	return yes;
}

/* ~ and the tokens of ssh_config(5) that cairn knows: %h the host to
 * connect to, %u the local user, %r the remote user, %d the home, %%. */
static void expand(const char *in, char *out, size_t n, const ssh_host *h, const char *host,
		   const char *local)
{
	const char *home = getenv("HOME");
	size_t used = 0;

	if (!home)
		home = "";
	out[0] = '\0';
	if (in[0] == '~' && in[1] == '/') {
		used = (size_t)snprintf(out, n, "%s", home);
		in++;
	}
	for (; *in && used + 1 < n; in++) {
		const char *add = NULL;
		char one[2] = { *in, 0 };
		if (*in == '%' && in[1]) {
			in++;
			add = *in == 'h' ? (h->hostname[0] ? h->hostname : host)
			    : *in == 'u' ? local
			    : *in == 'r' ? (h->user[0] ? h->user : local)
			    : *in == 'd' ? home
			    : *in == '%' ? "%" : NULL;
			if (!add) {
				one[0] = '%';
				add = one;
				in--;
			}
		} else {
			add = one;
		}
		used += (size_t)snprintf(out + used, n - used, "%s", add);
		if (used >= n)
			used = n - 1;
	}
}

static void note(char *where, size_t n, const char *what, int line)
{
	if (!where[0])
		snprintf(where, n, "%s (~/.ssh/config line %d)", what, line);
}

void ssh_config_read(const char *path, const char *host, const char *url_user, ssh_host *out)
{
	char line[2048], ids[SSH_MAX_IDENTITIES][1024];
	struct passwd *pw = getpwuid(getuid());
	const char *local = pw && pw->pw_name ? pw->pw_name : "";
	bool active = true, only_set = false;
	int nids = 0, lineno = 0;
	FILE *f;

	memset(out, 0, sizeof *out);
	if (url_user && *url_user)
		snprintf(out->user, sizeof out->user, "%s", url_user);
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		char *key = line, *arg, *end;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		while (isspace((unsigned char)*key))
			key++;
		if (!*key || *key == '#')
			continue;
		arg = key + strcspn(key, " \t=");
		if (*arg) {
			*arg++ = '\0';
			while (isspace((unsigned char)*arg))
				arg++;
			if (*arg == '=')
				for (arg++; isspace((unsigned char)*arg); arg++)
					;
		}
		end = arg + strlen(arg);
		while (end > arg && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*arg == '"' && end > arg + 1 && end[-1] == '"') {
			end[-1] = '\0';
			arg++;
		}
		if (!strcasecmp(key, "Host")) {
			active = host_matches(arg, host);
			continue;
		}
		if (!strcasecmp(key, "Match")) {
			/* Its conditions (exec, canonical...) are not ours to
			 * evaluate: the block is skipped, and said to be. */
			active = false;
			note(out->skipped, sizeof out->skipped, "a Match block", lineno);
			continue;
		}
		if (!active)
			continue;
		if (!strcasecmp(key, "Include")) {
			note(out->skipped, sizeof out->skipped, "Include", lineno);
		} else if (!strcasecmp(key, "HostName") && !out->hostname[0]) {
			expand(arg, out->hostname, sizeof out->hostname, out, host, local);
		} else if (!strcasecmp(key, "Port") && !out->port) {
			out->port = atoi(arg) > 0 && atoi(arg) < 65536 ? atoi(arg) : 0;
		} else if (!strcasecmp(key, "User") && !out->user[0]) {
			snprintf(out->user, sizeof out->user, "%s", arg);
		} else if (!strcasecmp(key, "IdentityFile") && nids < SSH_MAX_IDENTITIES) {
			snprintf(ids[nids++], sizeof ids[0], "%s", arg);
		} else if (!strcasecmp(key, "IdentitiesOnly") && !only_set) {
			only_set = true;
			out->identities_only = !strcasecmp(arg, "yes");
		} else if ((!strcasecmp(key, "ProxyJump") || !strcasecmp(key, "ProxyCommand")) &&
			   strcasecmp(arg, "none")) {
			note(out->unsupported, sizeof out->unsupported,
			     !strcasecmp(key, "ProxyJump") ? "ProxyJump" : "ProxyCommand", lineno);
		}
	}
	fclose(f);
	/* Tokens are expanded once every value is known, as ssh does. */
	for (int i = 0; i < nids; i++)
		expand(ids[i], out->identity[out->nidentity++], sizeof out->identity[0], out, host,
		       local);
}
