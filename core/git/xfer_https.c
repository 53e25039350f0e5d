/* https as groups run it (see core/git/transfer.h): which certificates
 * to trust for a server, the user name to send with the token, and what a
 * certificate the TLS library refused means.
 *
 * Debian's libgit2 1.5.1 is built on mbedTLS 2.28 and reads
 * /etc/ssl/certs/ca-certificates.crt once, when libgit2 starts; it reads
 * neither git's http.sslCAInfo nor SSL_CERT_FILE.  GIT_OPT_SET_SSL_CERT_
 * LOCATIONS replaces that store for the whole process, so it is set here,
 * just before a transfer over https, and put back for one that has no
 * setting of its own.  As with git, a CA file replaces the system's store
 * for that server: it holds the group's own authority (or a self-signed
 * server's own certificate).  That mbedTLS matches the URL's host against
 * the certificate's DNS names only, never an IP address, so a URL with an
 * address is told to use the host name.
 *
 * That store costs every command, even a save that never touches the
 * network, some 20 ms of parsing 140 certificates in git_libgit2_init.  So
 * cairn defines mbedTLS's mbedtls_x509_crt_parse_file itself: the
 * executable's definition comes first for libgit2 (and for mbedTLS's own
 * parse_path), and it parses nothing until a transfer over https asks for
 * the certificates, then hands over to mbedTLS's (dlsym RTLD_NEXT).  With
 * a libgit2 built on OpenSSL nothing calls it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* RTLD_NEXT */
#endif
#include "git/transfer.h"

#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "cairn/i18n.h"

/* What the system trusts (Debian's libgit2's GIT_DEFAULT_CERT_LOCATION). */
#define SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/* ---- the store, read only for https ---- */

struct mbedtls_x509_crt;
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

static bool tls_wanted;         /* a transfer over https has begun */

/* Defined by late_init.c when libgit2 is linked in: mbedTLS's part of
 * libgit2 is starting, at the first call of a transfer, which sets the
 * certificates itself just after. */
extern int cairn_git_tls_starting __attribute__((weak));

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	static int (*real)(struct mbedtls_x509_crt *, const char *);

	if (!tls_wanted || (&cairn_git_tls_starting && cairn_git_tls_starting))
		return 0;       /* libgit2 starting: an empty store, for now */
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	return real ? real(chain, path) : -1;
}

static const char *level_name(git_config_level_t level)
{
	switch (level) {
	case GIT_CONFIG_LEVEL_LOCAL:
	case GIT_CONFIG_LEVEL_APP:
		return _("the workbook's git config");
	case GIT_CONFIG_LEVEL_GLOBAL:
	case GIT_CONFIG_LEVEL_XDG:
		return _("your global git config");
	default:
		return _("the system's git config");
	}
}

/* The value of http.<url>.NAME for the longest <url> the remote's URL
 * starts with, else of http.NAME (as git matches them, without its
 * wildcards); "" when neither is set.  from: where it was found. */
static void url_setting(git_config *cfg, const char *section, const char *url, const char *name,
			char *out, size_t n, char *from, size_t fn)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t best = 0, sl = strlen(section), nl = strlen(name);
	int best_level = -1;
	char plain[160], bare[1024];
	const char *at;

	out[0] = '\0';
	/* git matches the URL without its user name. */
	if ((at = strstr(url, "://")) != NULL) {
		const char *auth = at + 3, *stop = auth + strcspn(auth, "/?#"), *user_end = NULL;
		for (const char *q = auth; q < stop; q++)
			if (*q == '@')
				user_end = q;
		snprintf(bare, sizeof bare, "%.*s%s", (int)(auth - url), url, user_end ? user_end + 1 : auth);
		url = bare;
	}
	if (git_config_iterator_new(&it, cfg) == 0) {
		while (git_config_next(&e, it) == 0) {
			size_t kl = strlen(e->name), ul;
			const char *u;
			if (kl <= sl + nl + 2 || strncasecmp(e->name, section, sl) || e->name[sl] != '.' ||
			    e->name[kl - nl - 1] != '.' || strcasecmp(e->name + kl - nl, name))
				continue;
			u = e->name + sl + 1;
			ul = kl - nl - 1 - (sl + 1);
			/* "https://host/" matches "https://host/x.git", and so
			 * does "https://host"; neither "https://host:8443/...". */
			while (ul && u[ul - 1] == '/')
				ul--;
			/* The longest match wins; of two alike, the nearer file
			 * (the workbook's over the global one), as in git. */
			if (ul < best || (ul == best && (int)e->level <= best_level) || strncmp(url, u, ul) ||
			    (url[ul] && url[ul] != '/'))
				continue;
			best = ul;
			best_level = (int)e->level;
			snprintf(out, n, "%s", e->value ? e->value : "");
			snprintf(from, fn, "%s.%.*s.%s (%s)", section, (int)ul, u, name, level_name(e->level));
		}
		git_config_iterator_free(it);
	}
	if (best)
		return;
	snprintf(plain, sizeof plain, "%s.%s", section, name);
	if (git_config_get_entry(&e, cfg, plain) == 0) {
		snprintf(out, n, "%s", e->value ? e->value : "");
		snprintf(from, fn, "%s (%s)", plain, level_name(e->level));
		git_config_entry_free(e);
	}
}

/* A path as git reads a pathname setting: "~/" is the home folder. */
static void expand(char *path, size_t n)
{
	const char *home = getenv("HOME");
	char tmp[1024];

	if (path[0] == '~' && path[1] == '/' && home && *home) {
		snprintf(tmp, sizeof tmp, "%s%s", home, path + 1);
		snprintf(path, n, "%s", tmp);
	}
}

static bool from_env(const char *name, char *out, size_t n, char *from, size_t fn)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return false;
	snprintf(out, n, "%s", v);
	snprintf(from, fn, "$%s", name);
	return true;
}

/* The user name in "https://NAME@host/...", unescaped enough to be sent. */
static bool url_user(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://"), *end, *at = NULL;
	size_t k = 0;

	if (!p)
		return false;
	p += 3;
	end = p + strcspn(p, "/?#");
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (!at || at == p)
		return false;
	for (const char *q = p; q < at && *q != ':' && k + 1 < n; q++) {
		unsigned hi, lo;
		if (*q == '%' && q + 2 < at && sscanf(q + 1, "%1x%1x", &hi, &lo) == 2) {
			out[k++] = (char)(hi * 16 + lo);
			q += 2;
		} else {
			out[k++] = *q;
		}
	}
	out[k] = '\0';
	return k > 0;
}

static cairn_status trust(creds *c, cairn_error *err)
{
	const char *file = c->ca_file[0] ? c->ca_file : NULL, *dir = c->ca_dir[0] ? c->ca_dir : NULL;
	struct stat sb;

	tls_wanted = true;
	if (!file && !dir) {
		/* The system's store, which libgit2 was kept from reading at
		 * start (or a previous transfer replaced). */
		if (stat(SYSTEM_CA_FILE, &sb) == 0)
			git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, SYSTEM_CA_FILE, NULL);
		else if (stat("/etc/ssl/certs", &sb) == 0)
			git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, NULL, "/etc/ssl/certs");
		return CAIRN_OK;
	}
	if (file && (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode) || access(file, R_OK) != 0)) {
		int e = errno;
		bool folder = stat(file, &sb) == 0 && S_ISDIR(sb.st_mode);
		return cairn_fail(err, CAIRN_EINPUT, _("cannot read the certificate file %s (set by %s): "
				  "%s; give the file of the group's certificate authority (PEM)"),
				  file, c->ca_from, folder ? _("it is a folder") : strerror(e));
	}
	if (dir && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
		return cairn_fail(err, CAIRN_EINPUT, _("cannot read the certificate folder %s (set by "
				  "%s): it is not a folder"), dir, c->ca_dir_from);
	if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir) != 0) {
		const git_error *e = git_error_last();
		return cairn_fail(err, CAIRN_EINPUT, _("cannot read the certificates in %s (set by %s): "
				  "%s; it should hold certificates in PEM form (-----BEGIN "
				  "CERTIFICATE-----)"), file ? file : dir, file ? c->ca_from : c->ca_dir_from,
				  e && e->message ? e->message : "?");
	}
	return CAIRN_OK;
}

cairn_status xfer_https_setup(creds *c, git_repository *repo, cairn_error *err)
{
	git_config *cfg = NULL;
	char v[16], from[200];
	const char *url = c->url;
	bool https = !strncmp(url, "https://", 8);
	cairn_status st;

	if (strncmp(url, "http://", 7) && !https)
		return CAIRN_OK;
	if (repo ? git_repository_config_snapshot(&cfg, repo) : git_config_open_default(&cfg))
		cfg = NULL;     /* no git config: the environment and cairn's own */

	/* The user name: the URL's, cairn's, git's, else the login name. */
	if (url_user(url, c->user, sizeof c->user)) {
		snprintf(c->user_from, sizeof c->user_from, "%s", _("the URL"));
	} else if (c->net->username && *c->net->username) {
		snprintf(c->user, sizeof c->user, "%s", c->net->username);
		snprintf(c->user_from, sizeof c->user_from, "[sync] username");
	} else if (cfg && (url_setting(cfg, "credential", url, "username", c->user, sizeof c->user,
				       c->user_from, sizeof c->user_from), c->user[0])) {
		/* found */
	} else {
		struct passwd *pw = getpwuid(getuid());
		const char *u = getenv("USER");
		snprintf(c->user, sizeof c->user, "%s", pw && pw->pw_name ? pw->pw_name : u ? u : "");
		snprintf(c->user_from, sizeof c->user_from, "%s", _("your login name"));
	}

	if (https) {
		/* Whose certificates: git's order (its variables first), then
		 * cairn's own setting; OpenSSL's variables only stand in for
		 * the system's store when none of those is set (a file, else a
		 * folder: both would read the same store twice). */
		if (!from_env("GIT_SSL_CAINFO", c->ca_file, sizeof c->ca_file, c->ca_from, sizeof c->ca_from)) {
			if (cfg)
				url_setting(cfg, "http", url, "sslCAInfo", c->ca_file, sizeof c->ca_file,
					    c->ca_from, sizeof c->ca_from);
			if (!c->ca_file[0] && c->net->ca_file && *c->net->ca_file) {
				snprintf(c->ca_file, sizeof c->ca_file, "%s", c->net->ca_file);
				snprintf(c->ca_from, sizeof c->ca_from, "[sync] ca_file");
			}
		}
		if (!from_env("GIT_SSL_CAPATH", c->ca_dir, sizeof c->ca_dir, c->ca_dir_from,
			      sizeof c->ca_dir_from) && cfg)
			url_setting(cfg, "http", url, "sslCAPath", c->ca_dir, sizeof c->ca_dir,
				    c->ca_dir_from, sizeof c->ca_dir_from);
		if (!c->ca_file[0] && !c->ca_dir[0] &&
		    !from_env("SSL_CERT_FILE", c->ca_file, sizeof c->ca_file, c->ca_from, sizeof c->ca_from))
			from_env("SSL_CERT_DIR", c->ca_dir, sizeof c->ca_dir, c->ca_dir_from,
				 sizeof c->ca_dir_from);
		expand(c->ca_file, sizeof c->ca_file);
		expand(c->ca_dir, sizeof c->ca_dir);
		/* http.sslVerify=false is not obeyed (see xfer_https_refused). */
		if (getenv("GIT_SSL_NO_VERIFY") && *getenv("GIT_SSL_NO_VERIFY")) {
			snprintf(c->no_verify_from, sizeof c->no_verify_from, "$GIT_SSL_NO_VERIFY");
		} else if (cfg) {
			url_setting(cfg, "http", url, "sslVerify", v, sizeof v, from, sizeof from);
			if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
			    !strcmp(v, "0"))
				snprintf(c->no_verify_from, sizeof c->no_verify_from, "%s", from);
		}
	}
	git_config_free(cfg);
	if (https && (st = trust(c, err)))
		return st;
	return CAIRN_OK;
}

/* Whether the URL's host is an IP address (v4 or a [v6] literal). */
static bool host_is_address(const char *url, char *host, size_t n)
{
	const char *p = strstr(url, "://"), *end, *at;
	unsigned char buf[16];
	char h[256];

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	at = p;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q + 1;
	if (*at == '[') {
		const char *close = memchr(at, ']', (size_t)(end - at));
		snprintf(h, sizeof h, "%.*s", close ? (int)(close - at - 1) : 0, at + 1);
		snprintf(host, n, "%s", h);
		return inet_pton(AF_INET6, h, buf) == 1;
	}
	snprintf(h, sizeof h, "%.*s", (int)strcspn(at, ":/?#"), at);
	snprintf(host, n, "%s", h);
	return inet_pton(AF_INET, h, buf) == 1;
}

cairn_status xfer_https_refused(cairn_error *err, const creds *c, const char *what,
				const char *remote, const char *msg)
{
	char host[256], why[512], trusted[2600], origin[1100];
	const char *p = strstr(c->url, "://");
	size_t k = 0;

	/* mbedTLS's own words, which may run over lines. */
	for (const char *q = msg; *q && k + 3 < sizeof why; q++) {
		if (*q == '\n') {
			why[k++] = ';';
			why[k++] = ' ';
		} else if (*q != '\r') {
			why[k++] = *q;
		}
	}
	why[k] = '\0';
	if (host_is_address(c->url, host, sizeof host))
		return cairn_fail(err, CAIRN_EIO, _("%s %s: the server's certificate cannot be checked "
				  "for the address %s (%s): Debian's libgit2, through mbedTLS, "
				  "matches a certificate to a host name only, never to an IP "
				  "address.  Use the server's name in the URL, the one its "
				  "certificate was made for (add it to /etc/hosts if it has no DNS "
				  "name)%s%s%s%s%s; nothing was fetched or pushed"),
				  what, remote, host, why,
				  strstr(remote, "://") ? "" : _(": cairn remote remove "),
				  strstr(remote, "://") ? "" : remote,
				  strstr(remote, "://") ? "" : _(", then cairn remote add "),
				  strstr(remote, "://") ? "" : remote,
				  strstr(remote, "://") ? "" : " https://NAME/...");
	if (p) {
		/* "https://host:port/", without a user name */
		const char *auth = p + 3, *stop = auth + strcspn(auth, "/?#"), *at = auth;
		for (const char *q = auth; q < stop; q++)
			if (*q == '@')
				at = q + 1;
		snprintf(origin, sizeof origin, "https://%.*s/", (int)(stop - at), at);
	} else {
		snprintf(origin, sizeof origin, "%s", c->url);
	}
	if ((c->ca_file[0] && strncmp(c->ca_from, "$SSL_CERT", 9)) ||
	    (c->ca_dir[0] && strncmp(c->ca_dir_from, "$SSL_CERT", 9)))
		snprintf(trusted, sizeof trusted, _("cairn trusted only the certificates in %s (set by "
			 "%s) for it (is that the authority that signed the server's certificate, and "
			 "is the certificate made for %s?)"), c->ca_file[0] ? c->ca_file : c->ca_dir,
			 c->ca_file[0] ? c->ca_from : c->ca_dir_from, host);
	else
		snprintf(trusted, sizeof trusted, _("If the group runs its own certificate authority "
			 "(or the server's certificate is self-signed), trust that certificate for this "
			 "server, once: git config --global http.%s.sslCAInfo /path/to/ca.crt  (or "
			 "ca_file under [sync] in cairn's configuration)"), origin);
	if (c->no_verify_from[0])
		return cairn_fail(err, CAIRN_EIO, _("%s %s: the certificate of %s is not trusted (%s).  "
				  "%s.  cairn checks certificates whatever %s says: the password "
				  "or token must not go to whoever answers; nothing was fetched or "
				  "pushed"), what, remote, host, why, trusted, c->no_verify_from);
	return cairn_fail(err, CAIRN_EIO, _("%s %s: the certificate of %s is not trusted (%s).  "
			  "%s; nothing was fetched or pushed"), what, remote, host, why, trusted);
}
