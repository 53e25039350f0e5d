/* Private to core/git/: what the files of a fetch, push or clone share.
 *
 *   xfer_callbacks.c  what one network operation knows and has tried,
 *                     its watchdog, and libgit2's callbacks (credentials,
 *                     host key, progress, the server's lines, refusals)
 *   xfer_https.c      https: the certificates trusted, the user name sent
 *                     with a token, a refused certificate in words
 *   xfer_fail.c       the one place a failed transfer is classified and
 *                     put into words (a race, a refusal, a dropped link...)
 *   xfer_folder.c     fetch from and push to a folder, without libgit2's
 *                     local transport, and the folder's hooks
 *   xfer_ssh.c        ~/.ssh/config applied to the URL; a sync's push over
 *                     ssh on libgit2's own channel, of a pack cairn writes
 *                     (git's receive-pack protocol, its report read back)
 *   shared.c          core.sharedRepository: the one place that applies
 *                     a shared repository's permissions
 *   transfer.c        cairn_git_fetch, cairn_git_push, cairn_git_clone
 */
#ifndef CAIRN_GIT_TRANSFER_H
#define CAIRN_GIT_TRANSFER_H

#include <stdbool.h>
#include <git2.h>
#include <git2/sys/transport.h>

#include "cairn/error.h"
#include "cairn/net.h"
#include "git/git_internal.h"
#include "git/sshconfig.h"

#define XFER_SAID_LINES 8       /* the server's last lines kept for a refusal */

typedef struct creds {
	const cairn_net *net;
	char url[1024];         /* as libgit2 connects: ~/.ssh/config applied */
	ssh_host ssh;           /* what ~/.ssh/config says of its host */
	int next_id;            /* the next of ssh.identity to offer */
	char needs_pass[1024];  /* a key skipped: it needs a passphrase none gave */
	char with_pass[1024];   /* a key offered with the passphrase given */
	bool tried_agent;
	int next_key;
	char tried[512];
	bool rejected;          /* a ref's update came back with a status */
	char refusal[512];      /* "refs/heads/main: pre-receive hook declined" */
	char denied[4096];      /* a folder we may not write (a refusal too) */
	char hostmsg[1024];     /* why a host key was refused */
	char hostkey[128];      /* the key it showed and we knew: "TYPE SHA256:..." */
	bool gave_up;           /* every way to log in was refused */
	char sideband[1024];    /* the server's line being received */
	char said[XFER_SAID_LINES][1024];       /* its last whole lines (a guard's refusal is long) */
	int nsaid;              /* lines received in all (said is a ring) */
	char elsewhere[512];    /* a redirect's server, refused a token */
	bool watched;           /* the watchdog below is armed */
	bool answered;          /* the server has shown a sign of life */
	int connect_s, idle_s;  /* its two limits, in seconds */
	unsigned char own_fds[128];     /* a kept connection's sockets (xfer_watch_keep) */
	/* https (xfer_https.c) */
	char user[256];         /* the user name sent with a token */
	char user_from[200];    /* where it came from: "the URL", "[sync] username"... */
	char ca_file[1024];     /* the certificates trusted for it; "" the system's */
	char ca_from[200];      /* "http.sslCAInfo (your global git config)" */
	char ca_dir[1024];
	char ca_dir_from[200];
	char no_verify_from[200];       /* http.sslVerify=false was set there (not obeyed) */
	bool bad_cert;          /* the TLS library refused the server's certificate */
	/* ssh: a push connection's own channel (xfer_ssh.c) */
	git_smart_subtransport_definition ssh_def;
	git_smart_subtransport_stream *ssh_stream;      /* while it is open */
	char ssh_adv[4096];     /* the start of the receive-pack's advertisement */
	size_t ssh_adv_len;
} creds;

/* ---- xfer_callbacks.c ---- */
/* For url (the remote's, as configured); fails when ~/.ssh/config asks
 * for what cairn cannot do (ProxyJump), or a certificate file set for an
 * https URL cannot be read.  c->url is then the URL to give libgit2
 * (git_remote_set_instance_url when it differs).  repo: whose git config
 * to read (NULL: the global one, for a clone). */
cairn_status xfer_creds_init(creds *c, const cairn_net *net, git_repository *repo, const char *url,
			     cairn_error *err);
void xfer_callbacks(git_remote_callbacks *cb, creds *c);
/* The watchdog (CAIRN_CONNECT_TIMEOUT, CAIRN_IDLE_TIMEOUT). */
void xfer_watch_start(creds *c);
void xfer_watch_pause(creds *c);
/* A connection kept open while other transfers run (a push opened before
 * the fetch): keep notes its sockets, those opened since xfer_watch_start;
 * resume arms the watch again, for the idle time, over those sockets. */
void xfer_watch_keep(creds *c);
void xfer_watch_resume(creds *c);
void xfer_watch_stop(creds *c);
bool xfer_timed_out(const creds *c);
/* Text the server sends (sideband, or a folder hook's output): cut into
 * lines for net->remote_says, the whole lines kept for a refusal. */
void xfer_server_text(creds *c, const char *text, size_t len);
/* The port of an ssh:// URL; 22 for scp-style "user@host:path". */
int xfer_url_port(const char *url);

/* ---- xfer_ssh.c ---- */
/* c->url rewritten with ~/.ssh/config's HostName, Port and User for its
 * host, c->ssh filled. */
cairn_status xfer_resolve(creds *c, cairn_error *err);
/* Whether the private key file at path is encrypted (needs a passphrase). */
bool xfer_key_encrypted(const char *path);
/* Whether libgit2 connects to url over ssh. */
bool xfer_is_ssh(const char *url);
/* The push connection cb opens (git_remote_connect, GIT_DIRECTION_PUSH)
 * keeps its ssh channel in c, for xfer_ssh_push: libgit2's own ssh under
 * it (the login, the host key, the callbacks as ever). */
void xfer_ssh_keep_channel(git_remote_callbacks *cb, creds *c);
/* The push of branch on that channel, of a pack cairn writes (only the
 * commits the server's refs do not reach, and of each only what its
 * parents lack; libgit2 1.5.1's pack builder walks every tree of the
 * commit they have), and the server's answers as libgit2 gives them: rc
 * as git_remote_upload's (GIT_ENONFASTFORWARD: they moved), a refused
 * ref through c->rejected, the server's lines through c.  *done is false
 * when there is no channel, or the server lacks what this push needs:
 * git_remote_upload then. */
cairn_status xfer_ssh_push(cairn_git *git, git_remote *r, creds *c, const char *remote,
			   const char *branch, bool *done, int *rc, cairn_error *err);

/* ---- xfer_https.c ---- */
/* For an http(s) URL: c->user (the URL's, [sync] username, git's
 * credential.username, else the login name) and, for https, the
 * certificates to trust (GIT_SSL_CAINFO, http.sslCAInfo, [sync] ca_file,
 * SSL_CERT_FILE; the CAPath ones too) given to libgit2. */
cairn_status xfer_https_setup(creds *c, git_repository *repo, cairn_error *err);
/* The server's certificate was refused (msg: the TLS library's words). */
cairn_status xfer_https_refused(cairn_error *err, const creds *c, const char *what,
				const char *remote, const char *msg);

/* ---- xfer_fail.c ---- */
/* A push's refs came back with c->refusal: whether it is only a race
 * (someone pushed first: fetch, merge, push again). */
bool xfer_is_race(const char *status);
/* The server refused us (its words, a denied reference), rather than
 * dropped or never answered: asking again meets the same refusal. */
bool xfer_is_refusal(const creds *c);
/* Why a fetch, push or clone failed, in words: the one place.  what is
 * "cannot fetch from" (and so on), remote the remote or URL. */
cairn_status xfer_fail(cairn_error *err, const creds *c, const char *what, const char *remote);

/* ---- xfer_folder.c ---- */
/* The folder of a remote that is one ("/srv/x.git", "../x", "file://..."),
 * or NULL for a network URL (ssh://, https://, user@host:path). */
const char *xfer_local_folder(const char *url);
cairn_status xfer_fetch_from_folder(cairn_git *git, git_repository *repo, const char *remote,
				    const char *folder, const char *tracking,
				    const cairn_net *net, bool *done, cairn_error *err);
cairn_status xfer_push_to_folder(cairn_git *git, git_repository *repo, const char *folder,
				 const char *remote, const char *branch, creds *c,
				 bool *rejected, cairn_error *err);

#endif
