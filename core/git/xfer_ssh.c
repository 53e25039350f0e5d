/* ssh as people configure it (see core/git/transfer.h): the URL's host
 * looked up in ~/.ssh/config (core/git/sshconfig.c) and the URL libgit2
 * connects to rewritten with its HostName, Port and User; whether a key
 * file needs a passphrase before it is offered; and a sync's push on the
 * ssh channel libgit2 opened (its login, host key and callbacks as ever),
 * of a pack cairn writes, in git's receive-pack protocol: libgit2 1.5.1's
 * pack builder walks every tree of the commit the server has, and packs
 * no thinner for it.
 */
#include "git/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

bool xfer_is_ssh(const char *url)
{
	return !strncmp(url, "ssh://", 6) || !strncmp(url, "ssh+git://", 10) ||
	       !strncmp(url, "git+ssh://", 10) ||
	       (!strstr(url, "://") && !xfer_local_folder(url));
}

/* ---- a push connection's own channel ----
 *
 * libgit2's ssh subtransport, wrapped: each of its streams (the one
 * channel a push uses) is kept in the creds while it is open, and the
 * start of what it reads (the receive-pack's advertisement, whose first
 * line names the server's capabilities) noted. */

typedef struct wrapped_stream {
	git_smart_subtransport_stream parent;
	git_smart_subtransport_stream *inner;
	creds *c;
} wrapped_stream;

typedef struct wrapped_sub {
	git_smart_subtransport parent;
	git_smart_subtransport *inner;
	wrapped_stream *stream;
	creds *c;
} wrapped_sub;

static int stream_read(git_smart_subtransport_stream *s, char *buf, size_t len, size_t *got)
{
	wrapped_stream *w = (wrapped_stream *)s;
	creds *c = w->c;
	int rc = w->inner->read(w->inner, buf, len, got);

	if (rc == 0 && c->ssh_adv_len < sizeof c->ssh_adv) {
		size_t k = sizeof c->ssh_adv - c->ssh_adv_len;
		if (k > *got)
			k = *got;
		memcpy(c->ssh_adv + c->ssh_adv_len, buf, k);
		c->ssh_adv_len += k;
	}
	return rc;
}

static int stream_write(git_smart_subtransport_stream *s, const char *buf, size_t len)
{
	wrapped_stream *w = (wrapped_stream *)s;
	return w->inner->write(w->inner, buf, len);
}

static void stream_free(git_smart_subtransport_stream *s)
{
	wrapped_stream *w = (wrapped_stream *)s;
	wrapped_sub *sub = (wrapped_sub *)s->subtransport;

	if (sub->stream == w)
		sub->stream = NULL;
	if (w->c->ssh_stream == s)
		w->c->ssh_stream = NULL;
	w->inner->free(w->inner);
	free(w);
}

static int sub_action(git_smart_subtransport_stream **out, git_smart_subtransport *t,
		      const char *url, git_smart_service_t action)
{
	wrapped_sub *sub = (wrapped_sub *)t;
	git_smart_subtransport_stream *inner = NULL;
	wrapped_stream *w;
	int rc;

	*out = NULL;
	if ((rc = sub->inner->action(&inner, sub->inner, url, action)) < 0)
		return rc;
	if (sub->stream && sub->stream->inner == inner) {
		*out = &sub->stream->parent;    /* the channel open already */
		return 0;
	}
	if (!(w = calloc(1, sizeof *w))) {
		inner->free(inner);
		git_error_set_oom();
		return -1;
	}
	w->parent.subtransport = t;
	w->parent.read = stream_read;
	w->parent.write = stream_write;
	w->parent.free = stream_free;
	w->inner = inner;
	w->c = sub->c;
	sub->stream = w;
	sub->c->ssh_adv_len = 0;
	sub->c->ssh_stream = &w->parent;
	*out = &w->parent;
	return 0;
}

static int sub_close(git_smart_subtransport *t)
{
	wrapped_sub *sub = (wrapped_sub *)t;
	return sub->inner->close(sub->inner);
}

static void sub_free(git_smart_subtransport *t)
{
	wrapped_sub *sub = (wrapped_sub *)t;
	sub->inner->free(sub->inner);
	free(sub);
}

static int new_sub(git_smart_subtransport **out, git_transport *owner, void *payload)
{
	wrapped_sub *sub = calloc(1, sizeof *sub);
	int rc;

	if (!sub) {
		git_error_set_oom();
		return -1;
	}
	if ((rc = git_smart_subtransport_ssh(&sub->inner, owner, NULL)) < 0) {
		free(sub);
		return rc;
	}
	sub->parent.action = sub_action;
	sub->parent.close = sub_close;
	sub->parent.free = sub_free;
	sub->c = payload;
	*out = &sub->parent;
	return 0;
}

static int new_transport(git_transport **out, git_remote *owner, void *payload)
{
	creds *c = payload;

	c->ssh_def = (git_smart_subtransport_definition){ new_sub, 0, c };
	return git_transport_smart(out, owner, &c->ssh_def);
}

void xfer_ssh_keep_channel(git_remote_callbacks *cb, creds *c)
{
	if (xfer_is_ssh(c->url))
		cb->transport = new_transport;
}

/* ---- the push on that channel: git's receive-pack protocol ---- */

/* Whether the advertisement's first line names capability cap. */
static bool advertised(const creds *c, const char *cap)
{
	const char *nul = memchr(c->ssh_adv, '\0', c->ssh_adv_len), *end, *p;
	size_t n = strlen(cap);

	if (!nul)
		return false;
	end = memchr(nul, '\n', c->ssh_adv_len - (size_t)(nul - c->ssh_adv));
	if (!end)
		return false;
	for (p = nul + 1; p < end;) {
		size_t k = strcspn(p, " \n");
		if (k == n && !memcmp(p, cap, n))
			return true;
		p += k + 1;
	}
	return false;
}

/* The commits of ours the server's branches do not reach, parents first. */
static int commits_to_send(git_repository *repo, git_remote *r, const git_oid *ours, git_oid **ids,
			   size_t *n)
{
	const git_remote_head **heads;
	size_t nh = 0;
	git_revwalk *walk = NULL;
	git_odb *odb = NULL;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = git_remote_ls(&heads, &nh, r)) || (rc = git_repository_odb(&odb, repo)) ||
	    (rc = cairn_git_walk_oldest_first(&walk, repo)) || (rc = git_revwalk_push(walk, ours)))
		goto done;
	for (size_t i = 0; i < nh; i++) {
		size_t size;
		git_object_t type;
		if (!strncmp(heads[i]->name, "refs/heads/", 11) &&
		    git_odb_read_header(&size, &type, odb, &heads[i]->oid) == 0 &&
		    type == GIT_OBJECT_COMMIT && (rc = git_revwalk_hide(walk, &heads[i]->oid)))
			goto done;
	}
	rc = cairn_git_walk_ids(walk, ids, n);
done:
	git_revwalk_free(walk);
	git_odb_free(odb);
	return rc;
}

/* Reading the server's pkt-lines. */
typedef struct reader {
	git_smart_subtransport_stream *s;
	char buf[2 * 65536];
	size_t off, len;
} reader;

/* Enough bytes for want in r->buf from r->off; -1 (the error set) when
 * the server hung up or the channel failed. */
static int fill(reader *r, size_t want)
{
	if (r->off + want > sizeof r->buf) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	while (r->len - r->off < want) {
		size_t got = 0;
		int rc = r->s->read(r->s, r->buf + r->len, sizeof r->buf - r->len, &got);
		if (rc < 0)
			return -1;
		if (!got) {
			git_error_set_str(GIT_ERROR_NET, "early EOF");
			return -1;
		}
		r->len += got;
	}
	return 0;
}

/* The next pkt-line: 1 and its data, 0 for a flush, -1 on a failure. */
static int next_pkt(reader *r, const char **data, size_t *len)
{
	unsigned v = 0;

	if (fill(r, 4) < 0)
		return -1;
	for (int i = 0; i < 4; i++) {
		char ch = r->buf[r->off + (size_t)i];
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (d < 0) {
			git_error_set_str(GIT_ERROR_NET, "invalid packet line from the server");
			return -1;
		}
		v = v << 4 | (unsigned)d;
	}
	if (v == 0) {
		r->off += 4;
		return 0;
	}
	if (v < 4 || fill(r, v) < 0) {
		if (v < 4)
			git_error_set_str(GIT_ERROR_NET, "invalid packet line from the server");
		return -1;
	}
	*data = r->buf + r->off + 4;
	*len = v - 4;
	r->off += v;
	return 1;
}

/* The report inside band 1: "unpack ok", then "ok REF" or "ng REF WHY"
 * per ref (each a pkt-line), as libgit2 hands them on: a pack the server
 * could not unpack is that failure, whatever it says of the refs. */
static int read_report(const char *report, size_t len, const git_remote_callbacks *cb)
{
	bool unpacked = false;

	for (int pass = 0; pass < 2; pass++) {
		const char *p = report;
		size_t n = len;
		while (n >= 4) {
			char hex[5], line[1024];
			unsigned long v;
			memcpy(hex, p, 4);
			hex[4] = '\0';
			v = strtoul(hex, NULL, 16);
			if (v == 0)
				break;
			if (v < 4 || v > n) {
				git_error_set_str(GIT_ERROR_NET, "report-status: protocol error");
				return -1;
			}
			snprintf(line, sizeof line, "%.*s", (int)(v - 4), p + 4);
			line[strcspn(line, "\n")] = '\0';
			if (!pass && !strncmp(line, "unpack ", 7)) {
				unpacked = !strcmp(line + 7, "ok");
			} else if (pass && !strncmp(line, "ok ", 3)) {
				cb->push_update_reference(line + 3, NULL, cb->payload);
			} else if (pass && !strncmp(line, "ng ", 3)) {
				char *why = strchr(line + 3, ' ');
				if (why)
					*why++ = '\0';
				cb->push_update_reference(line + 3, why ? why : "", cb->payload);
			}
			p += v;
			n -= v;
		}
		if (!unpacked) {
			git_error_set_str(GIT_ERROR_NET,
					  "unpacking the sent packfile failed on the remote");
			return -1;
		}
	}
	return 0;
}

/* The command, the pack, then the server's answer, demultiplexed: band
 * 1 the report, 2 its lines (hooks, gitolite), 3 a fatal error. */
static int send_and_hear(git_smart_subtransport_stream *s, const char *old, const char *new,
			 const char *name, int fd, uint64_t size, const git_remote_callbacks *cb)
{
	char cmd[1024], chunk[65536];
	cairn_buf report = CAIRN_BUF_INIT;
	reader *r;
	int n, rc = -1;

	n = snprintf(cmd + 4, sizeof cmd - 4, "%s %s %s%c report-status side-band-64k ofs-delta "
		     "agent=cairn\n", old, new, name, '\0');
	if (n < 0 || (size_t)n + 8 >= sizeof cmd)
		return -1;
	snprintf(chunk, 5, "%04x", (unsigned)n + 4);
	memcpy(cmd, chunk, 4);
	memcpy(cmd + 4 + n, "0000", 4);
	if (s->write(s, cmd, (size_t)n + 8) < 0)
		return -1;
	while (size) {
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got <= 0) {
			git_error_set(GIT_ERROR_OS, "cannot read the pack to send");
			return -1;
		}
		if (s->write(s, chunk, (size_t)got) < 0)
			return -1;
		size -= (uint64_t)got;
	}
	if (!(r = calloc(1, sizeof *r))) {
		git_error_set_oom();
		return -1;
	}
	r->s = s;
	for (;;) {
		const char *d;
		size_t len;
		int got = next_pkt(r, &d, &len);
		if (got < 0)
			goto done;
		if (got == 0)
			break;
		if (!len)
			continue;
		if (d[0] == 1) {
			cairn_buf_add(&report, d + 1, len - 1);
		} else if (d[0] == 2) {
			if (cb->sideband_progress(d + 1, (int)(len - 1), cb->payload) < 0) {
				git_error_set_str(GIT_ERROR_NET, "the push was stopped");
				goto done;
			}
		} else if (d[0] == 3) {
			git_error_set(GIT_ERROR_NET, "report-status: Error reported: %.*s",
				      (int)(len - 1), d + 1);
			goto done;
		}
	}
	if (report.oom)
		git_error_set_oom();
	else
		rc = read_report(report.data ? report.data : "", report.len, cb);
done:
	free(r);
	cairn_buf_done(&report);
	return rc;
}

cairn_status xfer_ssh_push(cairn_git *git, git_remote *r, creds *c, const char *remote,
			   const char *branch, bool *done, int *rc, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	const git_remote_head **heads;
	git_remote_callbacks cb;
	char name[300], old[GIT_OID_HEXSZ + 1], new[GIT_OID_HEXSZ + 1];
	git_oid ours, theirs, base, *ids = NULL;
	gitpack *pack = NULL;
	size_t nh = 0, n = 0;
	uint64_t size = 0;
	int fd;
	cairn_status st = CAIRN_OK;

	*done = false;
	*rc = 0;
	if (!repo)
		return err->code;
	if (!c->ssh_stream || !advertised(c, "report-status") || !advertised(c, "side-band-64k") ||
	    !advertised(c, "ofs-delta") || git_remote_ls(&heads, &nh, r) != 0)
		return CAIRN_OK;
	*done = true;
	snprintf(name, sizeof name, "refs/heads/%s", branch);
	if (git_reference_name_to_id(&ours, repo, name) != 0)
		return cairn_fail(err, CAIRN_EINPUT, _("branch %s has no commit to push"), branch);
	memset(&theirs, 0, sizeof theirs);
	for (size_t i = 0; i < nh; i++)
		if (!strcmp(heads[i]->name, name))
			theirs = heads[i]->oid;
	if (git_oid_equal(&theirs, &ours))
		return CAIRN_OK;        /* they have it */
	/* As libgit2's push: a branch that moved to what we lack, or off
	 * our history, is theirs to keep (fetch, merge, push again). */
	if (!git_oid_is_zero(&theirs) &&
	    (git_merge_base(&base, repo, &ours, &theirs) != 0 || !git_oid_equal(&base, &theirs))) {
		git_error_set_str(GIT_ERROR_REFERENCE, "cannot push non-fastforwardable reference");
		*rc = GIT_ENONFASTFORWARD;
		return CAIRN_OK;
	}
	if (commits_to_send(repo, r, &ours, &ids, &n) != 0)
		return cairn_git_fail(err, CAIRN_EIO, _("cannot push to %s: our history cannot be read"),
				      remote);
	/* The check of what goes out wrote it as it read the objects, if
	 * it holds every commit the server lacks. */
	if (git->outgoing) {
		bool all = true;
		for (size_t i = 0; i < n && all; i++)
			all = gitpack_has(git->outgoing, &ids[i]);
		if (all) {
			pack = git->outgoing;
			git->outgoing = NULL;
		}
	}
	if ((!pack && ((st = gitpack_new(&pack, cairn_git_commondir(git), err)) ||
		       (st = cairn_git_pack_commits(git, remote, ids, n, pack, c->net->progress,
						    c->net->ctx, err)))) ||
	    (st = gitpack_finish_to_send(pack, &fd, &size, err)))
		goto out;
	git_oid_tostr(old, sizeof old, &theirs);
	git_oid_tostr(new, sizeof new, &ours);
	xfer_callbacks(&cb, c);
	*rc = send_and_hear(c->ssh_stream, old, new, name, fd, size, &cb);
out:
	gitpack_free(pack);
	free(ids);
	return st;
}
