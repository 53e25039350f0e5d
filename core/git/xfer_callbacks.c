/* What one fetch, push or clone knows and has tried (see
 * core/git/transfer.h): its watchdog, and libgit2's callbacks:
 * credentials, each way once; the server's host key; progress; the
 * server's own lines; a ref's refusal.
 */
#include "git/transfer.h"

#include <errno.h>
#include <signal.h>
#include <pwd.h>
#include <stdarg.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cairn/i18n.h"
#include "cairn/knownhosts.h"

static const cairn_net no_net;

cairn_status xfer_creds_init(creds *c, const cairn_net *net, git_repository *repo, const char *url,
			     cairn_error *err)
{
	cairn_status st;

	memset(c, 0, sizeof *c);
	c->net = net ? net : &no_net;
	snprintf(c->url, sizeof c->url, "%s", url ? url : "");
	if ((st = xfer_resolve(c, err)))
		return st;
	return xfer_https_setup(c, repo, err);
}

static void tried(creds *c, const char *what)
{
	size_t used = strlen(c->tried);
	snprintf(c->tried + used, sizeof c->tried - used, "%s%s", used ? ", " : "", what);
}

/* ---- every wait bounded ----
 *
 * libgit2 1.5.1 has no network timeouts (GIT_OPT_SET_SERVER_TIMEOUT came in
 * 1.7), and a server that accepts a connection and never answers would
 * hold sync or clone forever.  So a timer runs while a network operation
 * does: CAIRN_CONNECT_TIMEOUT seconds for the server's first sign of life
 * (a callback: TLS or host key checked, a login asked for, a message or
 * objects), then CAIRN_IDLE_TIMEOUT seconds between two.  SIGALRM is
 * caught without SA_RESTART, so the blocking connect, recv or send under
 * libgit2, libssh2 or mbedTLS fails with EINTR; once expired the timer
 * fires every second, so a wait begun after that is cut too, and every
 * callback asks libgit2 to stop.  libssh2 polls again after EINTR, so an
 * expired timer also shuts down the TCP sockets the operation opened (those
 * not open when it began): its poll then wakes and its read fails. */

#define WATCH_FDS 1024

static volatile sig_atomic_t net_expired;
static struct sigaction saved_alarm;
static int watches;             /* the creds watched now (a push kept open, a fetch) */
static unsigned char open_before[WATCH_FDS / 8];

/* Only async-signal-safe calls: on_alarm uses it. */
static bool tcp_socket(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss, tl;
	int type;

	tl = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_STREAM)
		return false;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return false;
	return ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
}

static void on_alarm(int sig)
{
	int saved = errno;

	(void)sig;
	net_expired = 1;
	for (int fd = 0; fd < WATCH_FDS; fd++)
		if (!(open_before[fd / 8] & (1u << (fd % 8))) && tcp_socket(fd))
			shutdown(fd, SHUT_RDWR);
	errno = saved;
}

static int env_seconds(const char *name, int fallback)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return fallback;
	errno = 0;
	n = strtol(v, &end, 10);
	/* A value that is not a whole number of seconds keeps the default
	 * rather than disabling the bound. */
	if (errno || *end || n < 1 || n > 86400)
		return fallback;
	return (int)n;
}

static void arm(int seconds)
{
	struct itimerval t = { { 1, 0 }, { seconds, 0 } };

	setitimer(ITIMER_REAL, &t, NULL);
}

void xfer_watch_start(creds *c)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: the blocked call must return */
	c->connect_s = env_seconds("CAIRN_CONNECT_TIMEOUT", 30);
	c->idle_s = env_seconds("CAIRN_IDLE_TIMEOUT", 120);
	c->answered = false;
	net_expired = 0;
	memset(open_before, 0, sizeof open_before);
	for (int fd = 0; fd < WATCH_FDS; fd++)
		if (tcp_socket(fd))
			open_before[fd / 8] |= (unsigned char)(1u << (fd % 8));
	if (sigaction(SIGALRM, &sa, watches ? NULL : &saved_alarm) != 0)
		return;
	watches++;
	c->watched = true;
	arm(c->connect_s);
}

void xfer_watch_pause(creds *c)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	if (c->watched)
		setitimer(ITIMER_REAL, &off, NULL);
}

void xfer_watch_keep(creds *c)
{
	memset(c->own_fds, 0, sizeof c->own_fds);
	for (int fd = 0; fd < WATCH_FDS; fd++)
		if (!(open_before[fd / 8] & (1u << (fd % 8))) && tcp_socket(fd))
			c->own_fds[fd / 8] |= (unsigned char)(1u << (fd % 8));
}

void xfer_watch_resume(creds *c)
{
	if (!c->watched)
		return;
	/* Another transfer's watch may have taken the list of sockets
	 * open before: ours are the ones to cut again. */
	memset(open_before, 0, sizeof open_before);
	for (int fd = 0; fd < WATCH_FDS; fd++)
		if (!(c->own_fds[fd / 8] & (1u << (fd % 8))) && tcp_socket(fd))
			open_before[fd / 8] |= (unsigned char)(1u << (fd % 8));
	net_expired = 0;
	arm(c->idle_s);
}

void xfer_watch_stop(creds *c)
{
	if (!c->watched)
		return;
	xfer_watch_pause(c);
	if (--watches == 0)
		sigaction(SIGALRM, &saved_alarm, NULL);
	c->watched = false;
}

/* Each callback: 0 to go on (and the idle time starts again), or -1 when
 * the time ran out, which makes libgit2 stop. */
static int alive(creds *c)
{
	if (!c->watched)
		return 0;
	if (net_expired)
		return -1;
	c->answered = true;
	arm(c->idle_s);
	return 0;
}

bool xfer_timed_out(const creds *c)
{
	return c->watched && net_expired;
}

/* ---- credentials: each way once ---- */

static const char *const key_names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };

/* The login name ssh would use when the URL names none. */
static const char *local_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u = getenv("USER");
	return pw && pw->pw_name ? pw->pw_name : u && *u ? u : "git";
}

/* "scheme://host:port" of a URL, lower case, the port spelled out: a
 * token goes only to the origin of the URL it was configured for. */
static void origin_of(const char *url, char *out, size_t n)
{
	const char *sep = strstr(url, "://"), *host, *end, *from, *colon = NULL;
	int k;

	if (!sep) {
		snprintf(out, n, "%s", url);
		return;
	}
	host = sep + 3;
	end = host + strcspn(host, "/?#");
	for (const char *at = host; at < end; at++)
		if (*at == '@')
			host = at + 1;
	/* The port's colon comes after an IPv6 literal's ']'. */
	from = *host == '[' ? memchr(host, ']', (size_t)(end - host)) : host;
	for (const char *q = from ? from : end; q < end; q++)
		if (*q == ':')
			colon = q;
	k = snprintf(out, n, "%.*s://%.*s%s", (int)(sep - url), url, (int)(end - host), host,
		     colon ? "" : !strncmp(url, "https:", 6) ? ":443" :
		     !strncmp(url, "http:", 5) ? ":80" : ":22");
	for (int i = 0; i < k && (size_t)i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

static bool same_origin(const char *a, const char *b)
{
	char x[512], y[512];
	origin_of(a, x, sizeof x);
	origin_of(b, y, sizeof y);
	return !strcmp(x, y);
}

/* Whether path is one of the IdentityFile lines (offered already). */
static bool configured(const creds *c, const char *path)
{
	for (int i = 0; i < c->ssh.nidentity; i++)
		if (!strcmp(c->ssh.identity[i], path))
			return true;
	return false;
}

/* Offer the key file priv: libgit2's answer, or 1 when it cannot be
 * offered (missing, or it needs a passphrase nobody gave). */
static int offer_key(creds *c, git_credential **out, const char *user, const char *priv)
{
	char pub[1040], *pass = NULL;
	struct stat sb;
	int rc;

	if (stat(priv, &sb) != 0)
		return 1;
	snprintf(pub, sizeof pub, "%s.pub", priv);
	if (xfer_key_encrypted(priv)) {
		if (c->net->passphrase) {
			/* A person types: no timer meanwhile. */
			xfer_watch_pause(c);
			pass = c->net->passphrase(priv, c->net->ctx);
			if (c->watched)
				arm(c->idle_s);
		}
		if (!pass) {
			if (!c->needs_pass[0])
				snprintf(c->needs_pass, sizeof c->needs_pass, "%s", priv);
			return 1;
		}
		snprintf(c->with_pass, sizeof c->with_pass, "%s", priv);
	}
	tried(c, priv);
	rc = git_credential_ssh_key_new(out, user, stat(pub, &sb) == 0 ? pub : NULL, priv, pass);
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		free(pass);
	}
	return rc;
}

static int credentials(git_credential **out, const char *url, const char *user, unsigned allowed,
		       void *payload)
{
	creds *c = payload;
	const char *home = getenv("HOME"), *sock = getenv("SSH_AUTH_SOCK");

	if (alive(c))
		return -1;

	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (!user || !*user)
			user = local_user();
		/* Without an agent libgit2 fails outright instead of asking
		 * for the next way: offer the agent only when there is one.
		 * IdentitiesOnly: the files ~/.ssh/config names, nothing else. */
		if (!c->ssh.identities_only && !c->tried_agent && sock && *sock) {
			c->tried_agent = true;
			tried(c, "the ssh agent");
			return git_credential_ssh_key_from_agent(out, user);
		}
		while (c->next_id < c->ssh.nidentity) {
			int rc = offer_key(c, out, user, c->ssh.identity[c->next_id++]);
			if (rc != 1)
				return rc;
		}
		while (!c->ssh.identities_only && home && c->next_key < 3) {
			char priv[1024];
			int rc;
			snprintf(priv, sizeof priv, "%s/.ssh/%s", home, key_names[c->next_key++]);
			if (configured(c, priv))
				continue;
			if ((rc = offer_key(c, out, user, priv)) != 1)
				return rc;
		}
	}
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		const char *token = getenv("CAIRN_TOKEN");
		if (!token || !*token)
			token = c->net->token;
		if (token && *token && url && c->url[0] && !same_origin(url, c->url)) {
			/* A redirect to another server: it gets no token. */
			snprintf(c->elsewhere, sizeof c->elsewhere, "%s", url);
			c->gave_up = true;
			git_error_set_str(GIT_ERROR_NET, "a redirect to another server asked for the token");
			return GIT_EUSER;
		}
		if (token && *token && !strstr(c->tried, "a token")) {
			char what[600];
			/* The user name is the URL's (libgit2 passes it as user),
			 * else the one configured, else the login name: never a
			 * made-up one, which htpasswd and LDAP refuse. */
			if (user && *user && strcmp(user, c->user)) {
				snprintf(c->user, sizeof c->user, "%s", user);
				snprintf(c->user_from, sizeof c->user_from, "%s", _("the URL"));
			}
			snprintf(what, sizeof what, "%s for the user name %s (%s)",
				 getenv("CAIRN_TOKEN") && *getenv("CAIRN_TOKEN") ? "a token ($CAIRN_TOKEN)"
										 : "a token ([sync] token)",
				 c->user, c->user_from);
			tried(c, what);
			return git_credential_userpass_plaintext_new(out, c->user, token);
		}
	}
	c->gave_up = true;
	git_error_set_str(GIT_ERROR_NET, "the server refused every way to log in");
	return GIT_EUSER;       /* stop: libgit2 would ask again for ever */
}

/* ---- the server's key ---- */

/* The port of an ssh:// URL; 22 for scp-style "user@host:path", and the
 * one in "[user@host:port]:path". */
int xfer_url_port(const char *url)
{
	const char *p = strstr(url, "://"), *end;

	if (!p && url[0] == '[' && (end = strchr(url, ']')) != NULL) {
		for (const char *q = end; q > url; q--)
			if (q[-1] == ':')
				return atoi(q) > 0 ? atoi(q) : 22;
		return 22;
	}
	if (!p)
		return 22;
	p += 3;
	end = strchr(p, '/');
	if (!end)
		end = p + strlen(p);
	if (memchr(p, '@', (size_t)(end - p)))
		p = (const char *)memchr(p, '@', (size_t)(end - p)) + 1;
	if (*p == '[' && (p = memchr(p, ']', (size_t)(end - p))) == NULL)
		return 22;
	for (const char *q = end; q > p; q--)
		if (q[-1] == ':')
			return atoi(q) > 0 ? atoi(q) : 22;
	return 22;
}

static int refuse_host(creds *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->hostmsg, sizeof c->hostmsg, fmt, ap);
	va_end(ap);
	git_error_set_str(GIT_ERROR_SSH, c->hostmsg);
	return GIT_ECERTIFICATE;
}

static int certificate_check(git_cert *cert, int valid, const char *host, void *payload)
{
	creds *c = payload;
	const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
	const unsigned char *raw = NULL;
	size_t rawlen = 0;
	int port = xfer_url_port(c->url);
	char fp[64], type[40] = "", name[300], path[4096];
	cairn_host_check hc;
	cairn_error err;
	bool yes;

	if (alive(c))
		return -1;
	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) {
		/* https: the TLS library's verdict, never overruled (not even
		 * by http.sslVerify=false: the token would go to whoever
		 * answers); xfer_https_refused says what to do. */
		if (!valid)
			c->bad_cert = true;
		return GIT_PASSTHROUGH;
	}
	cairn_host_name(host, port, name, sizeof name);
	if (!(hk->type & GIT_CERT_SSH_SHA256) || !(hk->type & GIT_CERT_SSH_RAW))
		return valid ? 0 : refuse_host(c, _("ssh: %s sent a host key cairn cannot check; nothing was "
				   "fetched or pushed"), name);
	raw = (const unsigned char *)hk->hostkey;
	rawlen = hk->hostkey_len;
	cairn_host_fingerprint(hk->hash_sha256, fp);
	cairn_host_key_type(raw, rawlen, type, sizeof type);
	snprintf(c->hostkey, sizeof c->hostkey, "%s %s", type, fp);
	if (valid)
		return 0;
	if (cairn_known_hosts_path(path, sizeof path, &err) != CAIRN_OK ||
	    cairn_known_host_check(path, host, port, raw, rawlen, &hc, &err) != CAIRN_OK)
		return refuse_host(c, _("ssh: cannot check the key of %s: %s"), name, err.msg);
	switch (hc.status) {
	case CAIRN_HOST_MATCH:
		return 0;
	case CAIRN_HOST_REVOKED:
		return refuse_host(c, _("ssh: the key of %s (%s %s) is marked @revoked in %s: refused"),
				   name, type, fp, path);
	case CAIRN_HOST_CHANGED:
		return refuse_host(c, _("ssh: the key of %s has CHANGED: %s line %d holds another key "
				   "for it, and the server now shows %s %s.  Someone may be "
				   "intercepting the connection, or the server was reinstalled: "
				   "nothing was fetched or pushed.  If its administrator confirms the "
				   "new key, remove the old one with `ssh-keygen -R '%s'` and sync again"),
				   name, path, hc.line, type, fp, name);
	case CAIRN_HOST_UNKNOWN:
		break;
	}
	yes = c->net->fingerprint && !strcmp(c->net->fingerprint, fp);
	if (!yes && c->net->accept_host) {
		/* A person answers: no timer while they think. */
		xfer_watch_pause(c);
		yes = c->net->accept_host(name, type, fp, c->net->ctx);
		if (c->watched)
			arm(c->idle_s);
	}
	if (yes) {
		if (cairn_known_host_add(path, host, port, type, raw, rawlen, &err) != CAIRN_OK)
			return refuse_host(c, "ssh: %s", err.msg);
		return 0;
	}
	return refuse_host(c, _("ssh: %s is not in %s; the server shows the %s key %s.  If that is "
			   "its key (ask its administrator, who sees it with `ssh-keygen -lf` on "
			   "the server's key), accept it once with --accept-host-key %s; nothing "
			   "was fetched or pushed"), name, path, type, fp, fp);
}

/* ---- progress ---- */

static int transfer_progress(const git_indexer_progress *p, void *payload)
{
	creds *c = payload;
	if (alive(c))
		return -1;
	if (c->net->progress)
		c->net->progress(p->received_objects < p->total_objects ? N_("receiving objects")
								       : N_("resolving deltas"),
				 p->received_objects < p->total_objects ? p->received_objects
								       : p->indexed_deltas,
				 p->received_objects < p->total_objects ? p->total_objects
								       : p->total_deltas,
				 p->received_bytes, c->net->ctx);
	return 0;
}

static int push_progress(unsigned current, unsigned total, size_t bytes, void *payload)
{
	creds *c = payload;
	if (alive(c))
		return -1;
	if (c->net->progress)
		c->net->progress(N_("sending objects"), current, total, bytes, c->net->ctx);
	return 0;
}

/* The server's own messages (hooks, progress): whole lines, cut at CR or
 * LF, passed on as they are (the display sanitises them); the last whole
 * ones kept, for the message of a refusal. */
void xfer_server_text(creds *c, const char *text, size_t len)
{
	size_t room;

	for (size_t i = 0; i < len; i++) {
		size_t used = strlen(c->sideband);
		if (text[i] == '\n' || text[i] == '\r') {
			if (used && c->net->remote_says)
				c->net->remote_says(c->sideband, text[i] == '\r', c->net->ctx);
			if (used && text[i] == '\n')
				snprintf(c->said[c->nsaid++ % XFER_SAID_LINES], sizeof c->said[0],
					 "%.*s", (int)sizeof c->said[0] - 1, c->sideband);
			c->sideband[0] = '\0';
			continue;
		}
		room = sizeof c->sideband - used - 1;
		if (room) {
			c->sideband[used] = text[i] ? text[i] : ' ';
			c->sideband[used + 1] = '\0';
		}
	}
}

static int sideband(const char *text, int len, void *payload)
{
	creds *c = payload;

	if (alive(c))
		return -1;
	if (len > 0)
		xfer_server_text(c, text, (size_t)len);
	return 0;
}

/* A server that refuses an update says so only here. */
static int push_update(const char *ref, const char *status, void *payload)
{
	creds *c = payload;
	(void)alive(c);         /* the push is done: only the time restarts */
	if (status) {
		c->rejected = true;
		snprintf(c->refusal, sizeof c->refusal, "%s: %s", ref, status);
		/* One line: the refusal sits inside cairn's own first line. */
		for (char *p = c->refusal; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	return 0;
}

void xfer_callbacks(git_remote_callbacks *cb, creds *c)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = credentials;
	cb->certificate_check = certificate_check;
	cb->transfer_progress = transfer_progress;
	cb->push_transfer_progress = push_progress;
	cb->push_update_reference = push_update;
	cb->sideband_progress = sideband;
	cb->payload = c;
}

