/* cairn: what a fetch, push or clone tells and asks of the person
 * waiting (core/git/remote.c calls these): progress, an SSH host key never
 * seen, the server's own words.  The faces fill one cairn_net; sync.h
 * takes it as cairn_sync_opts. */
#ifndef CAIRN_NET_H
#define CAIRN_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"

/* One remote of a workbook, as a listing hears it. */
typedef cairn_status (*cairn_remote_fn)(const char *name, const char *url, void *ctx,
					cairn_error *err);

/* stage names what is counted: "receiving objects", "resolving deltas",
 * "sending objects", or "reading commits" (fetching from a folder); done
 * of total of them, bytes so far.  Called often: a display throttles. */
typedef void (*cairn_progress_fn)(const char *stage, size_t done, size_t total, size_t bytes,
				  void *ctx);

/* An SSH host never seen: true accepts its key (and remembers it).
 * name is as known_hosts writes it ("[host]:port"). */
typedef bool (*cairn_hostkey_fn)(const char *name, const char *type, const char *fingerprint,
				 void *ctx);

/* What `cairn doctor` finds about a remote, one finding at a time: a
 * problem with how to mend it (fix), or a plain observation (fix NULL).
 * Paths and names may come from the remote: sanitise before display. */
typedef void (*cairn_doctor_fn)(bool problem, const char *finding, const char *fix, void *ctx);

/* What a fetch, push or clone tells and asks; every field may be NULL. */
typedef struct cairn_net {
	cairn_progress_fn progress;
	cairn_hostkey_fn accept_host;
	const char *fingerprint;        /* "SHA256:...": accept that unknown host key */
	const char *token;              /* https password or token ($CAIRN_TOKEN wins) */
	void *ctx;
	/* What the server says ("remote: ..." in git), one line at a time:
	 * untrusted text, to be sanitised before display.  transient: a
	 * progress line the next one replaces (it ended in CR). */
	void (*remote_says)(const char *line, bool transient, void *ctx);
	/* An ssh key file that needs its passphrase (no agent holds it): a
	 * new string the core wipes and frees, or NULL (no terminal to ask
	 * on, or the person declined).  The face asks, never the core; it
	 * may keep the answer for the rest of the sync. */
	char *(*passphrase)(const char *key, void *ctx);
	/* https: the user name sent with the token when the URL names none
	 * ([sync] username), and a file of certificates to trust ([sync]
	 * ca_file) when git's http.sslCAInfo does not name one. */
	const char *username;
	const char *ca_file;
} cairn_net;

#endif
