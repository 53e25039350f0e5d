/* Fetch, push and clone (see core/git/remote.h): credentials, each
 * way once, the server's host key, progress, and every incoming commit
 * held to the allow-list (incoming.c) before a ref moves.  Apart from
 * remote.c, which it calls for the branch and its tracking ref, because
 * talking to another repository is its own trade.
 */
#include "git/remote.h"

#include <errno.h>
#include <ftw.h>
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
#include <time.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"
#include "git/incoming.h"
#include "cairn/knownhosts.h"
#include "git/git_internal.h"

/* ---- what one network operation knows and has tried ---- */

typedef struct creds {
	const cairn_net *net;
	char url[1024];
	bool tried_agent;
	int next_key;
	char tried[512];
	bool rejected;
	char refusal[512];
	char hostmsg[1024];     /* why a host key was refused */
	bool gave_up;           /* every way to log in was refused */
	char sideband[512];     /* the server's line being received */
	char elsewhere[512];    /* a redirect's server, refused a token */
	bool watched;           /* the watchdog below is armed */
	bool answered;          /* the server has shown a sign of life */
	int connect_s, idle_s;  /* its two limits, in seconds */
} creds;

static const cairn_net no_net;

static void creds_init(creds *c, const cairn_net *net, const char *url)
{
	memset(c, 0, sizeof *c);
	c->net = net ? net : &no_net;
	snprintf(c->url, sizeof c->url, "%s", url ? url : "");
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

static void watch_start(creds *c)
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
	if (sigaction(SIGALRM, &sa, &saved_alarm) != 0)
		return;
	c->watched = true;
	arm(c->connect_s);
}

static void watch_pause(creds *c)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	if (c->watched)
		setitimer(ITIMER_REAL, &off, NULL);
}

static void watch_stop(creds *c)
{
	if (!c->watched)
		return;
	watch_pause(c);
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

static bool timed_out(const creds *c)
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
		 * for the next way: offer the agent only when there is one. */
		if (!c->tried_agent && sock && *sock) {
			c->tried_agent = true;
			tried(c, "the ssh agent");
			return git_credential_ssh_key_from_agent(out, user);
		}
		while (home && c->next_key < 3) {
			char priv[1024], pub[1040];
			struct stat sb;
			snprintf(priv, sizeof priv, "%s/.ssh/%s", home, key_names[c->next_key++]);
			snprintf(pub, sizeof pub, "%s.pub", priv);
			if (stat(priv, &sb) != 0)
				continue;
			tried(c, priv);
			return git_credential_ssh_key_new(out, user, stat(pub, &sb) == 0 ? pub : NULL,
							  priv, NULL);
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
			tried(c, getenv("CAIRN_TOKEN") && *getenv("CAIRN_TOKEN") ? "a token ($CAIRN_TOKEN)"
										   : "a token ([sync] token)");
			return git_credential_userpass_plaintext_new(out, user && *user ? user : "cairn",
								     token);
		}
	}
	c->gave_up = true;
	git_error_set_str(GIT_ERROR_NET, "the server refused every way to log in");
	return GIT_EUSER;       /* stop: libgit2 would ask again for ever */
}

/* ---- the server's key ---- */

/* The port of an ssh:// URL; 22 for scp-style "user@host:path". */
static int url_port(const char *url)
{
	const char *p = strstr(url, "://"), *end;

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
	int port = url_port(c->url);
	char fp[64], type[40] = "", name[300], path[4096];
	cairn_host_check hc;
	cairn_error err;
	bool yes;

	if (alive(c))
		return -1;
	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return GIT_PASSTHROUGH;         /* https: the TLS library's verdict */
	if (valid)
		return 0;
	cairn_host_name(host, port, name, sizeof name);
	if (!(hk->type & GIT_CERT_SSH_SHA256) || !(hk->type & GIT_CERT_SSH_RAW))
		return refuse_host(c, _("ssh: %s sent a host key cairn cannot check; nothing was "
				   "fetched or pushed"), name);
	raw = (const unsigned char *)hk->hostkey;
	rawlen = hk->hostkey_len;
	cairn_host_fingerprint(hk->hash_sha256, fp);
	cairn_host_key_type(raw, rawlen, type, sizeof type);
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
		watch_pause(c);
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
 * LF, passed on as they are; the display sanitises them. */
static int sideband(const char *text, int len, void *payload)
{
	creds *c = payload;
	size_t room;

	if (alive(c))
		return -1;
	if (!c->net->remote_says || len <= 0)
		return 0;
	for (int i = 0; i < len; i++) {
		size_t used = strlen(c->sideband);
		if (text[i] == '\n' || text[i] == '\r') {
			if (used)
				c->net->remote_says(c->sideband, text[i] == '\r', c->net->ctx);
			c->sideband[0] = '\0';
			continue;
		}
		room = sizeof c->sideband - used - 1;
		if (room) {
			c->sideband[used] = text[i] ? text[i] : ' ';
			c->sideband[used + 1] = '\0';
		}
	}
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
	}
	return 0;
}

static void init_callbacks(git_remote_callbacks *cb, creds *c)
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

static cairn_status network_fail(cairn_error *err, const creds *c, const char *what,
				 const char *remote)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "";

	if (timed_out(c) && !c->answered)
		return cairn_fail(err, CAIRN_EIO, _("%s %s: no answer from %s in %d s: the server "
				  "may be down or the address wrong; nothing here was changed or "
				  "lost: sync again later, or wait longer with "
				  "CAIRN_CONNECT_TIMEOUT=SECONDS"), what, remote, c->url, c->connect_s);
	if (timed_out(c))
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
		    cairn_known_host_check(path, host, url_port(c->url), NULL, 0, &hc,
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

/* The folder of a remote that is one ("/srv/x.git", "../x", "file://..."),
 * or NULL for a network URL (ssh://, https://, user@host:path). */
static const char *local_folder(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	if (!strncmp(url, "file://", 7))
		return url + 7;
	if (strstr(url, "://") || (colon && (!slash || colon < slash)))
		return NULL;
	return url;
}

/* The commits of src from tip that dest lacks, parents first: the walk
 * stops at dest's HEAD and at dest_ref (what we fetched before, or their
 * branch), where src has those too.  Fetching, dest is ours; pushing,
 * theirs.  Only what a ref reaches is whole, as git has it: a commit
 * object dest holds elsewhere (an interrupted plain `git fetch` writes
 * commits before their trees) is sent again, not trusted. */
static int commits_lacking(git_repository *src, git_repository *dest, const git_oid *tip,
			   const char *dest_ref, git_oid **ids, size_t *n)
{
	git_odb *theirs = NULL;
	git_revwalk *walk = NULL;
	git_oid id;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = git_repository_odb(&theirs, src)) ||
	    (rc = cairn_git_walk_oldest_first(&walk, src)) || (rc = git_revwalk_push(walk, tip)))
		goto done;
	if (git_reference_name_to_id(&id, dest, "HEAD") == 0 && git_odb_exists(theirs, &id))
		git_revwalk_hide(walk, &id);
	if (git_reference_name_to_id(&id, dest, dest_ref) == 0 && git_odb_exists(theirs, &id))
		git_revwalk_hide(walk, &id);
	rc = cairn_git_walk_ids(walk, ids, n);
done:
	git_revwalk_free(walk);
	git_odb_free(theirs);
	return rc;
}

/* A fetch from a folder without libgit2's transport, which packs the
 * objects there with a delta search over them all and then indexes the
 * pack again here: the commits we lack are read from the folder's own
 * repository, held to the allow-list as they are read (core/git/incoming.c),
 * and written here as one pack (core/git/pack.c); then the tracking branch
 * moves.  Nothing of a refused fetch is written.  *done is false when the
 * folder is no repository cairn can open: libgit2 then tries, and
 * explains. */
static cairn_status fetch_from_folder(cairn_git *git, git_repository *repo, const char *remote,
				      const char *folder, const char *tracking,
				      const cairn_net *net, bool *done, cairn_error *err)
{
	git_repository *src = NULL;
	git_reference *moved = NULL;
	git_odb *have = NULL;
	git_oid tip, *ids = NULL;
	gitpack *pack = NULL;
	size_t n = 0;
	char theirs[600];
	const char *branch = tracking + strlen("refs/remotes/") + strlen(remote) + 1;
	cairn_status st = CAIRN_OK;
	int rc;

	*done = false;
	if (git_repository_open_ext(&src, folder, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		struct stat sb;
		/* libgit2 would say "unsupported URL protocol". */
		if (stat(folder, &sb) != 0 && (*done = true))
			return cairn_fail(err, CAIRN_ENOTFOUND, _("cannot fetch from %s: there is no "
					  "folder %s (`cairn remote list` shows the remotes; remove "
					  "this one and add it again with the right path)"), remote,
					  folder);
		return CAIRN_OK;
	}
	*done = true;
	snprintf(theirs, sizeof theirs, "refs/heads/%s", branch);
	if ((rc = git_reference_name_to_id(&tip, src, theirs)) == GIT_ENOTFOUND)
		goto done;      /* nothing pushed there yet */
	if (rc != 0 || commits_lacking(src, repo, &tip, tracking, &ids, &n) != 0) {
		st = cairn_git_fail(err, CAIRN_EINPUT, _("cannot fetch from %s: their branch cannot be read"),
				    remote);
		goto done;
	}
	if ((st = gitpack_new(&pack, cairn_git_gitdir(git), err)) ||
	    (st = cairn_git_check_commits(git, remote, src, ids, n, pack,
					  net ? net->progress : NULL, net ? net->ctx : NULL,
					  err)) ||
	    (st = gitpack_write(pack, err)))
		goto done;
	if (git_repository_odb(&have, repo) != 0 || git_odb_refresh(have) != 0 ||
	    git_reference_create(&moved, repo, tracking, &tip, 1, "fetch: from a folder") != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot move %s"), tracking);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (!cairn_git_mark_checked(git, &ids[i])) {
			st = cairn_oom(err);
			break;
		}
done:
	git_reference_free(moved);
	git_odb_free(have);
	gitpack_free(pack);
	free(ids);
	git_repository_free(src);
	return st;
}

/* A fetch killed while it moved the remote-tracking ref leaves that ref's
 * lock, and every later fetch would fail on it.  cairn fetches under the
 * workbook's lock, so the lock is a plain `git fetch` running now or a
 * dead process's: removed at once if a dead cairn's fetch noted that ref
 * (cairn_git_note_ref), or once it is stale by age, else named with the
 * command that removes it. */
static cairn_status clear_tracking_lock(cairn_git *git, const char *tracking, cairn_error *err)
{
	char lock[1024];

	snprintf(lock, sizeof lock, "%s%s.lock", cairn_git_gitdir(git), tracking);
	if (cairn_git_clear_dead_lock(git, tracking))
		return CAIRN_OK;
	return cairn_fail(err, CAIRN_EBUSY, _("%s is locked: a git fetch may be running there; "
			  "try again in a moment, and if no git is running, remove the lock "
			  "with: rm '%s'"), tracking, lock);
}

cairn_status cairn_git_fetch(cairn_git *git, const char *remote, const cairn_net *net,
			     cairn_oid *before, cairn_oid *theirs, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_fetch_options opts;
	git_remote *r = NULL;
	creds c;
	char ref[600];
	const char *folder;
	git_oid id;
	cairn_status st = CAIRN_OK;
	bool tracked, from_folder = false;

	theirs->hex[0] = '\0';
	before->hex[0] = '\0';
	if (!repo)
		return err->code;
	if ((tracked = cairn_git_tracking_ref(repo, remote, ref, sizeof ref)) &&
	    git_reference_name_to_id(&id, repo, ref) == 0)
		git_oid_tostr(before->hex, sizeof before->hex, &id);
	if (tracked && (st = clear_tracking_lock(git, ref, err)))
		return st;
	if (git_remote_lookup(&r, repo, remote) != 0)
		return cairn_fail(err, CAIRN_ENOTFOUND, _("there is no remote '%s' (cairn remote add "
				  "NAME URL)"), remote);
	creds_init(&c, net, git_remote_url(r));
	if (tracked)
		cairn_git_note_ref(git, ref);
	if (tracked && (folder = local_folder(git_remote_url(r))) &&
	    ((st = fetch_from_folder(git, repo, remote, folder, ref, net, &from_folder, err)) ||
	     from_folder))
		goto fetched;
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	init_callbacks(&opts.callbacks, &c);
	watch_start(&c);
	if (git_remote_fetch(r, NULL, &opts, "fetch") != 0) {
		watch_pause(&c);
		st = network_fail(err, &c, _("cannot fetch from"), remote);
		watch_stop(&c);
		goto done;
	}
	watch_stop(&c);
fetched:
	if (st == CAIRN_OK && tracked && git_reference_name_to_id(&id, repo, ref) == 0)
		git_oid_tostr(theirs->hex, sizeof theirs->hex, &id);
done:
	if (tracked)
		cairn_git_forget_ref_note(git);
	git_remote_free(r);
	return st;
}

/* libgit2's local transport checks that a push is a fast-forward against
 * the branch as it read it on connecting, then writes the branch with
 * force: two members pushing to one shared folder at the same moment
 * both "succeed", and the second push erases the first.  It also packs
 * with a delta search over every object.  So to a folder our commits go
 * as one pack written by cairn (core/git/pack.c), unreferenced until the
 * branch moves by a compare-and-swap under git's lock on it, from what we
 * last fetched; a push that loses the race leaves objects git gc
 * collects. */
static cairn_status push_to_folder(cairn_git *git, git_repository *repo, const char *folder,
				   const char *remote, const char *branch, creds *c,
				   bool *rejected, cairn_error *err)
{
	char name[300], tracking[600];
	git_repository *theirs = NULL;
	git_reference *moved = NULL;
	git_oid ours, expected, *ids = NULL;
	gitpack *pack = NULL;
	size_t n = 0;
	bool have_expected;
	cairn_status st = CAIRN_OK;
	int rc;

	snprintf(name, sizeof name, "refs/heads/%s", branch);
	snprintf(tracking, sizeof tracking, "refs/remotes/%s/%s", remote, branch);
	if (git_reference_name_to_id(&ours, repo, name) != 0)
		return cairn_fail(err, CAIRN_EINPUT, _("branch %s has no commit to push"), branch);
	have_expected = git_reference_name_to_id(&expected, repo, tracking) == 0;
	if (git_repository_open_ext(&theirs, folder, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return network_fail(err, c, _("cannot push to"), remote);
	if (commits_lacking(repo, theirs, &ours, name, &ids, &n) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot push to %s: our history cannot be read"), remote);
		goto done;
	}
	if ((st = gitpack_new(&pack, git_repository_path(theirs), err)) ||
	    (st = cairn_git_pack_commits(git, remote, ids, n, pack, c->net->progress,
					 c->net->ctx, err)) ||
	    (st = gitpack_write(pack, err)))
		goto done;
	/* Another push holds the branch's lock for a moment: wait for it
	 * (up to 2 s; a lock left by a killed process is then reported). */
	for (int tries = 0;; tries++) {
		rc = have_expected
			? git_reference_create_matching(&moved, theirs, name, &ours, 1, &expected,
							"cairn sync: push")
			: git_reference_create(&moved, theirs, name, &ours, 0, "cairn sync: push");
		git_reference_free(moved);
		moved = NULL;
		if (rc != GIT_ELOCKED || tries >= 100)
			break;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		*rejected = true;       /* someone pushed since our fetch */
	else if (rc == GIT_ELOCKED)
		st = cairn_fail(err, CAIRN_EBUSY, _("%s in the shared repository %s stays locked: if no "
				"one is pushing, a killed push left %s.lock there; remove it"), name,
				folder, name);
	else if (rc != 0)
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot move %s in the shared repository"), name);
done:
	gitpack_free(pack);
	free(ids);
	git_repository_free(theirs);
	return st;
}

cairn_status cairn_git_push(cairn_git *git, const char *remote, const cairn_net *net,
			    bool *rejected, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_push_options opts;
	git_remote *r = NULL;
	creds c;
	char branch[256], spec[600], key[300], merge[300];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	cairn_status st = CAIRN_OK;
	int rc;

	*rejected = false;
	if (!repo)
		return err->code;
	if (!cairn_git_branch_short(repo, branch, sizeof branch))
		return cairn_fail(err, CAIRN_EINPUT, _("HEAD is not on a branch: run `git checkout main`"));
	if (git_remote_lookup(&r, repo, remote) != 0)
		return cairn_fail(err, CAIRN_ENOTFOUND, _("there is no remote '%s'"), remote);
	creds_init(&c, net, git_remote_url(r));
	snprintf(spec, sizeof spec, "refs/heads/%s:refs/heads/%s", branch, branch);
	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	init_callbacks(&opts.callbacks, &c);
	if (local_folder(git_remote_url(r))) {
		st = push_to_folder(git, repo, local_folder(git_remote_url(r)), remote, branch, &c,
				    rejected, err);
		rc = 0;
	} else {
		watch_start(&c);
		rc = git_remote_push(r, &refspecs, &opts);
		watch_pause(&c);
	}
	if (st != CAIRN_OK) {
		/* said */
	} else if (rc == GIT_ENONFASTFORWARD || (rc == 0 && c.rejected)) {
		*rejected = true;
	} else if (rc != 0) {
		const git_error *e = git_error_last();
		/* Some transports report a stale push only as a message. */
		if (e && e->message && (strstr(e->message, "non-fast-forward") ||
					strstr(e->message, "fetch first")))
			*rejected = true;
		else
			st = network_fail(err, &c, _("cannot push to"), remote);
	}
	watch_stop(&c);
	if (st == CAIRN_OK && !*rejected) {
		git_config *cfg = NULL;
		/* The upstream, as `git push -u` sets it: plain git and cairn's
		 * count of unshared edits both read it. */
		if (git_repository_config(&cfg, repo) == 0) {
			snprintf(key, sizeof key, "branch.%s.remote", branch);
			git_config_set_string(cfg, key, remote);
			snprintf(key, sizeof key, "branch.%s.merge", branch);
			snprintf(merge, sizeof merge, "refs/heads/%s", branch);
			git_config_set_string(cfg, key, merge);
			git_config_free(cfg);
		}
		/* Our copy of their branch is ours now. */
		{
			git_oid id;
			git_reference *ref = NULL;
			char tracking[600];
			snprintf(tracking, sizeof tracking, "refs/remotes/%s/%s", remote, branch);
			snprintf(spec, sizeof spec, "refs/heads/%s", branch);
			if (git_reference_name_to_id(&id, repo, spec) == 0)
				git_reference_create(&ref, repo, tracking, &id, 1, "push");
			git_reference_free(ref);
		}
	}
	git_remote_free(r);
	return st;
}

/* nftw's visitor: remove what a refused clone left. */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Check out HEAD once every commit of it has passed the allow-list. */
static cairn_status check_then_checkout(const char *url, const char *dir, cairn_error *err)
{
	cairn_git *git = NULL;
	cairn_oid head, none = { "" };
	git_repository *repo;
	git_checkout_options co;
	cairn_status st;

	if ((st = cairn_git_open(dir, &git, err)))
		return st;
	if ((st = cairn_git_head(git, &head, err)) == CAIRN_OK &&
	    (st = cairn_git_check_incoming(git, url, &none, &head, err)) == CAIRN_OK &&
	    (repo = cairn_git_repository(git, err))) {
		git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
		co.checkout_strategy = GIT_CHECKOUT_FORCE;
		if (git_checkout_head(repo, &co) != 0)
			st = cairn_git_fail(err, CAIRN_EIO, _("cannot write the files of %s"), url);
	} else if (st == CAIRN_OK) {
		st = err->code;
	}
	cairn_git_close(git);
	return st;
}

cairn_status cairn_git_clone(const char *url, const char *dir, const cairn_net *net,
			     cairn_error *err)
{
	git_clone_options opts;
	git_repository *repo = NULL;
	creds c;
	cairn_status st = CAIRN_OK;
	struct stat sb;
	bool existed = stat(dir, &sb) == 0;
	int rc;

	if ((st = cairn_git_lib_init(err)))
		return st;
	creds_init(&c, net, url);
	git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
	init_callbacks(&opts.fetch_opts.callbacks, &c);
	/* Nothing is written to the work tree before the history is checked. */
	opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
	if (!local_folder(url))
		watch_start(&c);
	rc = git_clone(&repo, url, dir, &opts);
	watch_pause(&c);
	if (rc != 0) {
		st = network_fail(err, &c, _("cannot clone"), url);
	} else if (git_repository_head_unborn(repo) == 1) {
		/* A bare repository made with `git init --bare` may name a
		 * default branch ("master") that was never pushed, while the
		 * workbook's is main: take main. */
		git_reference *remote_main = NULL, *local = NULL;
		git_object *target = NULL;
		if (git_reference_lookup(&remote_main, repo, "refs/remotes/origin/main") != 0 ||
		    git_reference_peel(&target, remote_main, GIT_OBJECT_COMMIT) != 0 ||
		    git_branch_create(&local, repo, "main", (const git_commit *)target, 0) != 0 ||
		    git_branch_set_upstream(local, "origin/main") != 0 ||
		    git_repository_set_head(repo, "refs/heads/main") != 0)
			st = cairn_git_fail(err, CAIRN_EINPUT, "%s has no branch main to work on: is it a cairn "
					    "workbook? (push one to it with `cairn sync` first)", url);
		git_object_free(target);
		git_reference_free(local);
		git_reference_free(remote_main);
	}
	watch_stop(&c);
	git_repository_free(repo);
	if (st == CAIRN_OK && (st = check_then_checkout(url, dir, err)) != CAIRN_OK) {
		/* Refused: what the clone made goes, as if it never happened. */
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		if (existed)
			mkdir(dir, 0755);
	}
	git_libgit2_shutdown();
	return st;
}
