/* Why a fetch, push or clone failed (see core/git/transfer.h): the one
 * place that tells a race from a refusal, a refusal from a dropped
 * connection, and says what to do about each.
 */
#include "git/transfer.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/buf.h"

#include "cairn/i18n.h"
#include "cairn/knownhosts.h"

/* The host part of an ssh URL, for messages about its known_hosts line. */
static void url_host(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://"), *end;

	p = p ? p + 3 : url + (url[0] == '[');  /* scp's "[user@host:port]:path" too */
	end = p + strcspn(p, p <= url + 1 ? ":]" : ":/");
	if (memchr(p, '@', (size_t)(end - p)))
		p = (const char *)memchr(p, '@', (size_t)(end - p)) + 1;
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

static bool only_rsa_tried(const creds *c)
{
	return strstr(c->tried, "id_rsa") && !strstr(c->tried, "id_ed25519") &&
	       !strstr(c->tried, "id_ecdsa") && !strstr(c->tried, "agent");
}

static bool is_dubious(const char *text)
{
	return strstr(text, "dubious ownership") != NULL;
}

static bool not_a_repository(const char *text)
{
	return strstr(text, "does not appear to be a git repository") != NULL;
}

bool xfer_is_race(const char *status)
{
	return strstr(status, "non-fast-forward") || strstr(status, "fetch first") ||
	       strstr(status, "stale info") || strstr(status, "failed to lock");
}

/* What the server's side says when it refuses rather than drops: its
 * git's words (receive-pack, a hook, gitolite, sshd's forced command). */
static bool refusing_words(const char *text)
{
	static const char *const words[] = {
		"unpack failed", "unpacking the sent packfile failed", "insufficient permission", "Permission denied",
		"permission denied", "declined", "denied", "read-only", "Read-only",
		"not allowed", "DENIED",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strstr(text, words[i]))
			return true;
	return false;
}

static bool server_said(const creds *c, bool (*test)(const char *));

bool xfer_is_refusal(const creds *c)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "";

	return c->denied[0] || (!c->gave_up && (refusing_words(msg) || server_said(c, refusing_words)));
}

static bool server_said(const creds *c, bool (*test)(const char *))
{
	for (int i = 0; i < c->nsaid && i < XFER_SAID_LINES; i++)
		if (test(c->said[i]))
			return true;
	return false;
}

/* The server's last lines, one per line under the message. */
static void add_said(cairn_buf *b, const creds *c)
{
	int first = c->nsaid > XFER_SAID_LINES ? c->nsaid - XFER_SAID_LINES : 0;

	if (!c->nsaid)
		return;
	cairn_buf_printf(b, "\n%s", _("The server said:"));
	for (int i = first; i < c->nsaid; i++)
		cairn_buf_printf(b, "\n  remote: %s", c->said[i % XFER_SAID_LINES]);
}

/* A server's message of one or more lines (libgit2 passes its stderr on
 * as it came), one per line under ours: the line feeds are the server's. */
static void add_server_text(cairn_buf *b, const char *msg)
{
	cairn_buf_printf(b, "\n%s", _("The server said:"));
	for (const char *line = msg; *line;) {
		size_t n = strcspn(line, "\n");
		if (n)
			cairn_buf_printf(b, "\n  remote: %.*s", (int)n, line);
		line += n + (line[n] == '\n');
	}
}

/* Who owns path and how, for a message: "owner maria, group staff, mode
 * 0755". */
static void describe(const char *path, char *out, size_t n)
{
	struct stat sb;
	struct passwd *pw;
	struct group *gr;
	char u[32], g[32];

	if (stat(path, &sb) != 0) {
		snprintf(out, n, "%s", _("cannot be read"));
		return;
	}
	pw = getpwuid(sb.st_uid);
	gr = getgrgid(sb.st_gid);
	snprintf(u, sizeof u, "%u", (unsigned)sb.st_uid);
	snprintf(g, sizeof g, "%u", (unsigned)sb.st_gid);
	snprintf(out, n, _("owner %s, group %s, mode %04o"), pw ? pw->pw_name : u,
		 gr ? gr->gr_name : g, (unsigned)(sb.st_mode & 07777));
}

static const char *me(void)
{
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "you";
}

/* A refusal: the server (or the folder) will not take the push, and
 * asking again will not change that.  Never retried. */
static cairn_status refused(cairn_error *err, const creds *c, const char *what,
			    const char *remote, const char *msg)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_status st;

	if (c->denied[0]) {
		char how[200];
		describe(c->denied, how, sizeof how);
		cairn_buf_printf(&b, _("%s %s: %s may not write to %s (%s): the shared "
			       "repository refuses this push"), what, remote, me(), c->denied, how);
	} else if (c->rejected) {
		cairn_buf_printf(&b, _("%s %s: the server refused the push (%s)"), what, remote,
				 c->refusal);
	} else if (strchr(msg, '\n')) {
		/* The server's own lines (gitolite's, on ssh's stderr): as lines. */
		cairn_buf_printf(&b, _("%s %s: the server refused the push"), what, remote);
		add_server_text(&b, msg);
	} else {
		cairn_buf_printf(&b, _("%s %s: the server refused the push (%s)"), what, remote, msg);
	}
	add_said(&b, c);
	cairn_buf_printf(&b, "\n%s", _("Nothing is lost here: your commits stay in this workbook, "
			 "and a later `cairn sync` pushes them.  Asking again will not help: "
			 "the branch may be protected there, or you lack write access; ask the "
			 "repository's administrator for it (`cairn doctor` says what it sees)."));
	st = b.oom ? cairn_oom(err) : cairn_fail_lines(err, CAIRN_EREFUSED, cairn_buf_str(&b));
	cairn_buf_done(&b);
	return st;
}

/* The server's git will not open the repository: it belongs to another
 * user and that member's account there does not trust it. */
static cairn_status dubious_on_server(cairn_error *err, const creds *c, const char *what,
				      const char *remote, const char *msg)
{
	const char *at = strstr(msg, "repository at '");
	char path[1024] = "PATH", host[256];
	cairn_status st;
	cairn_buf b = CAIRN_BUF_INIT;

	if (at) {
		at += strlen("repository at '");
		snprintf(path, sizeof path, "%.*s", (int)strcspn(at, "'"), at);
	}
	url_host(c->url, host, sizeof host);
	cairn_buf_printf(&b, _("%s %s: the git on %s refuses the shared repository %s: it "
		       "belongs to another user (\"dubious ownership\"), and your account on "
		       "the server does not trust it.  Log in to %s and run there, in your own "
		       "account (not on this machine): git config --global --add safe.directory "
		       "%s  (or its administrator adds that line for everyone with git config "
		       "--system).  Nothing here was changed or lost."),
		       what, remote, host, path, host, path);
	add_server_text(&b, msg);
	st = b.oom ? cairn_oom(err) : cairn_fail_lines(err, CAIRN_EIO, cairn_buf_str(&b));
	cairn_buf_done(&b);
	return st;
}

/* The server's git will not open the path: it is wrong, or the member's
 * account there may not read it. */
static cairn_status not_a_repository_there(cairn_error *err, const creds *c, const char *what,
					   const char *remote, const char *msg)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_status st;
	char host[256];

	url_host(c->url, host, sizeof host);
	cairn_buf_printf(&b, _("%s %s: the git on %s cannot open the repository: it is not at "
		       "that path, or your account there may not read it (is it in the "
		       "repository's group?); check the path with the administrator (`cairn "
		       "doctor` on the server says more).  Nothing here was changed or lost."),
		       what, remote, host);
	add_server_text(&b, msg);
	st = b.oom ? cairn_oom(err) : cairn_fail_lines(err, CAIRN_EIO, cairn_buf_str(&b));
	cairn_buf_done(&b);
	return st;
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
	if (c->bad_cert)
		return xfer_https_refused(err, c, what, remote, msg);
	if (strstr(msg, "dubious ownership") || server_said(c, is_dubious))
		return dubious_on_server(err, c, what, remote, strstr(msg, "dubious") ? msg : "");
	if (strstr(msg, "does not appear to be a git repository") ||
	    server_said(c, not_a_repository)) {
		return not_a_repository_there(err, c, what, remote, msg);
	}
	if (xfer_is_refusal(c) || (c->rejected && !xfer_is_race(c->refusal)))
		return refused(err, c, what, remote, msg);
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
				     "it may read and write this repository; if your user name there "
				     "is another, put it in the URL (https://NAME@host/...) or set it "
				     "with username under [sync] in your configuration, or git config "
				     "--global credential.username NAME"), what, remote, c->tried)
			: cairn_fail(err, CAIRN_EIO, _("%s %s: the server asks for a password or token: "
				     "set $CAIRN_TOKEN, or token under [sync] in your configuration "
				     "(cairn-config(5))"), what, remote);
	if (strstr(msg, "private key") || strstr(msg, "passphrase") || strstr(msg, "Wrong pass"))
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s could not be used: %s (the server "
				  "was offered its public key; the private key file could not be "
				  "read: %s; check it with `ssh-keygen -y -f %s`)"), what, remote,
				  c->with_pass[0] ? c->with_pass : c->tried, msg,
				  c->with_pass[0] ? _("was the passphrase right?")
						  : _("a format libssh2 cannot read?"),
				  c->with_pass[0] ? c->with_pass : "KEY");
	if (c->gave_up && c->needs_pass[0])
		return cairn_fail(err, CAIRN_EIO, _("%s %s: the key %s needs its passphrase, and "
				  "none could be asked for%s%s%s: `cairn sync` asks for it on a "
				  "terminal; or give the key to an ssh agent (eval \"$(ssh-agent)\"; "
				  "ssh-add %s)"),
				  what, remote, c->needs_pass, c->tried[0] ? _(" (tried: ") : "",
				  c->tried, c->tried[0] ? ")" : "", c->needs_pass);
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
	if (strstr(msg, "safe.directory") || strstr(msg, "owner") || strstr(msg, "not owned")) {
		const char *folder = xfer_local_folder(c->url);
		char how[200];
		describe(folder ? folder : c->url, how, sizeof how);
		return cairn_fail(err, CAIRN_EIO, _("%s %s: the repository %s belongs to another user "
				  "(%s), and git and cairn open such a repository only once your "
				  "account trusts it.  If you do, run once, as yourself on this "
				  "machine: git config --global --add safe.directory %s  (libgit2 "
				  "said: %s)"), what, remote, folder ? folder : c->url, how,
				  folder ? folder : c->url, msg);
	}
	if (e && (e->klass == GIT_ERROR_SSH || e->klass == GIT_ERROR_NET ||
		  e->klass == GIT_ERROR_OS))
		return cairn_fail(err, CAIRN_EIO, _("%s %s: %s (the connection failed or was cut; "
				  "nothing here was changed or lost: sync again when the server can "
				  "be reached)"), what, remote, msg);
	return cairn_fail(err, CAIRN_EIO, "%s %s: %s", what, remote, msg);
}

/* ---- fetch, push, clone ---- */

