/* Fetch, push and clone (see core/git/remote.h and transfer.h): the
 * three operations, built on the callbacks (xfer_callbacks.c), the
 * folder's own way (xfer_folder.c) and the one classifier of failures
 * (xfer_fail.c).  Apart from remote.c, which it calls for the branch and
 * its tracking ref, because talking to another repository is its own
 * trade.
 */
#include "git/transfer.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cairn/fs.h"
#include "cairn/i18n.h"
#include "git/incoming.h"

/* The remote as configured, connected to where ~/.ssh/config says its
 * host is (HostName, Port, User): the URL kept is the one typed. */
static cairn_status instance(git_remote *r, creds *c, const cairn_net *net, cairn_error *err)
{
	cairn_status st = xfer_creds_init(c, net, git_remote_owner(r), git_remote_url(r), err);

	if (st == CAIRN_OK && strcmp(c->url, git_remote_url(r)) &&
	    git_remote_set_instance_url(r, c->url) != 0)
		st = cairn_git_fail(err, CAIRN_EIO, _("cannot connect to %s"), c->url);
	return st;
}

/* git_clone's origin, the same way. */
static int clone_remote(git_remote **out, git_repository *repo, const char *name,
			const char *url, void *payload)
{
	creds *c = payload;
	int rc = git_remote_create(out, repo, name, url);

	if (rc == 0 && strcmp(c->url, url))
		rc = git_remote_set_instance_url(*out, c->url);
	return rc;
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

	snprintf(lock, sizeof lock, "%s%s.lock", cairn_git_commondir(git), tracking);
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
	if ((st = instance(r, &c, net, err)))
		goto done;
	if (tracked)
		cairn_git_note_ref(git, ref);
	if (tracked && (folder = xfer_local_folder(git_remote_url(r))) &&
	    ((st = xfer_fetch_from_folder(git, repo, remote, folder, ref, net, &from_folder, err)) ||
	     from_folder))
		goto fetched;
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	xfer_callbacks(&opts.callbacks, &c);
	xfer_watch_start(&c);
	if (git_remote_fetch(r, NULL, &opts, "fetch") != 0) {
		xfer_watch_pause(&c);
		st = xfer_fail(err, &c, _("cannot fetch from"), remote);
		xfer_watch_stop(&c);
		goto done;
	}
	xfer_watch_stop(&c);
fetched:
	if (st == CAIRN_OK && tracked && git_reference_name_to_id(&id, repo, ref) == 0)
		git_oid_tostr(theirs->hex, sizeof theirs->hex, &id);
done:
	if (tracked)
		cairn_git_forget_ref_note(git);
	git_remote_free(r);
	return st;
}

/* libgit2's pack builder takes and frees a zlib stream and a 1 MiB buffer
 * for each object it writes: glibc hands that memory back to the kernel
 * each time and the next object faults it in again, a third of the time
 * of a push of 1,000 commits.  So during a push the heap is kept (it is
 * freed, not returned, until the push ends), then glibc's defaults are
 * back: the peak is the same, and the memory goes back after it. */
static void heap_kept(bool on)
{
	mallopt(M_MMAP_THRESHOLD, on ? 32 << 20 : 128 << 10);
	mallopt(M_TOP_PAD, on ? 16 << 20 : 128 << 10);
	mallopt(M_TRIM_THRESHOLD, on ? 512 << 20 : 128 << 10);
	if (!on)
		malloc_trim(0);
}

/* ---- a push connection opened first ---- */

struct cairn_git_pushconn {
	cairn_git *git;
	git_remote *r;
	creds c;
	/* The server refused the push's connection (a member who may read
	 * and not write): the fetch and the merge run, and the push says
	 * this refusal instead of asking the server again. */
	bool refused;
	cairn_error refusal;
};

void cairn_git_push_close(cairn_git_pushconn *conn)
{
	if (!conn)
		return;
	if (conn->git) {
		conn->git->pack_outgoing = false;
		gitpack_free(conn->git->outgoing);
		conn->git->outgoing = NULL;
	}
	xfer_watch_stop(&conn->c);
	git_remote_disconnect(conn->r);
	git_remote_free(conn->r);
	free(conn);
}

/* Every branch the server shows that a fetch would take is where our copy
 * of it is: the fetch would bring nothing.  Our own branch among them. */
static bool nothing_to_fetch(git_repository *repo, git_remote *r, const char *branch)
{
	const git_remote_head **heads;
	size_t n, nspecs = git_remote_refspec_count(r);
	char mine[300];
	bool ours = false;

	snprintf(mine, sizeof mine, "refs/heads/%s", branch);
	if (git_remote_ls(&heads, &n, r) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(heads[i]->name, "refs/heads/", 11))
			continue;
		/* Each fetch refspec that takes it has our copy where it is
		 * (a branch none takes is not fetched either). */
		for (size_t j = 0; j < nspecs; j++) {
			const git_refspec *spec = git_remote_get_refspec(r, j);
			git_buf local = { NULL, 0, 0 };
			git_oid id;
			bool held;
			if (git_refspec_direction(spec) != GIT_DIRECTION_FETCH ||
			    !git_refspec_src_matches(spec, heads[i]->name))
				continue;
			held = git_refspec_transform(&local, spec, heads[i]->name) == 0 &&
			       git_reference_name_to_id(&id, repo, local.ptr) == 0 &&
			       git_oid_equal(&id, &heads[i]->oid);
			git_buf_dispose(&local);
			if (!held)
				return false;
			ours = ours || !strcmp(heads[i]->name, mine);
		}
	}
	return ours;
}

cairn_status cairn_git_push_first(cairn_git *git, const char *remote, const cairn_net *net,
				  cairn_oid *theirs, cairn_git_pushconn **out, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_remote_callbacks cb;
	cairn_git_pushconn *conn;
	char branch[256], ref[600];
	git_oid id;
	cairn_status st;
	int rc;

	*out = NULL;
	theirs->hex[0] = '\0';
	if (!repo)
		return err->code;
	if (!cairn_git_branch_short(repo, branch, sizeof branch) ||
	    !cairn_git_tracking_ref(repo, remote, ref, sizeof ref) ||
	    git_reference_name_to_id(&id, repo, ref) != 0)
		return CAIRN_OK;
	if (!(conn = calloc(1, sizeof *conn)))
		return cairn_oom(err);
	if (git_remote_lookup(&conn->r, repo, remote) != 0 ||
	    xfer_local_folder(git_remote_url(conn->r))) {
		git_remote_free(conn->r);
		free(conn);
		return CAIRN_OK;        /* the fetch says what is wrong; a folder has its own way */
	}
	if ((st = instance(conn->r, &conn->c, net, err))) {
		git_remote_free(conn->r);
		free(conn);
		return st;
	}
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	xfer_callbacks(&cb, &conn->c);
	xfer_ssh_keep_channel(&cb, &conn->c);
	xfer_watch_start(&conn->c);
	rc = git_remote_connect(conn->r, GIT_DIRECTION_PUSH, &cb, NULL, NULL);
	xfer_watch_pause(&conn->c);
	if (rc != 0) {
		/* What a fetch would meet too (no answer, a host key refused,
		 * no way to log in) is said as the fetch says it, without
		 * asking or waiting again; anything else (a server that lets
		 * us read and not write) is the fetch's and the push's to
		 * meet as before. */
		if (xfer_timed_out(&conn->c) || conn->c.hostmsg[0] || conn->c.gave_up) {
			st = xfer_fail(err, &conn->c, _("cannot fetch from"), remote);
		} else if (xfer_is_refusal(&conn->c)) {
			(void)xfer_fail(&conn->refusal, &conn->c, _("cannot push to"), remote);
			conn->refused = true;
			xfer_watch_stop(&conn->c);
			*out = conn;
			return CAIRN_OK;
		}
		cairn_git_push_close(conn);
		return st;
	}
	xfer_watch_keep(&conn->c);
	if (conn->c.ssh_stream) {
		conn->git = git;
		git->pack_outgoing = true;
	}
	/* Kept either way: when they moved, the push goes on it after the
	 * fetch and the merge (its old value is the tip shown now, so a
	 * push of someone else's since is refused as a race, as always). */
	if (nothing_to_fetch(repo, conn->r, branch))
		git_oid_tostr(theirs->hex, sizeof theirs->hex, &id);
	*out = conn;
	return CAIRN_OK;
}

cairn_status cairn_git_push(cairn_git *git, const char *remote, const cairn_net *net,
			    cairn_git_pushconn *conn, bool *rejected, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_push_options opts;
	git_remote *r = NULL;
	creds own, *c = conn ? &conn->c : &own;
	char branch[256], spec[600], key[300], merge[300];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	cairn_status st = CAIRN_OK;
	int rc;

	*rejected = false;
	if (!repo)
		return err->code;
	if (conn && conn->refused) {
		*err = conn->refusal;
		return err->code;
	}
	if (!cairn_git_branch_short(repo, branch, sizeof branch))
		return cairn_fail(err, CAIRN_EINPUT, _("HEAD is not on a branch: run `git checkout main`"));
	if (conn)
		r = conn->r;
	else if (git_remote_lookup(&r, repo, remote) != 0)
		return cairn_fail(err, CAIRN_ENOTFOUND, _("there is no remote '%s'"), remote);
	else if ((st = instance(r, c, net, err))) {
		git_remote_free(r);
		return st;
	}
	snprintf(spec, sizeof spec, "refs/heads/%s:refs/heads/%s", branch, branch);
	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	xfer_callbacks(&opts.callbacks, c);
	/* The pack's deltas are searched on every processor (libgit2's
	 * default is one thread). */
	opts.pb_parallelism = 0;
	if (conn) {
		bool sent = false;
		/* On the connection cairn_git_push_first opened: over ssh, a
		 * pack of cairn's own (xfer_ssh.c); else what git_remote_push
		 * does, without connecting again. */
		xfer_watch_resume(c);
		rc = 0;
		st = xfer_ssh_push(git, r, c, remote, branch, &sent, &rc, err);
		heap_kept(true);
		if (st == CAIRN_OK && !sent) {
			rc = git_remote_upload(r, &refspecs, &opts);
			if (rc == 0)
				rc = git_remote_update_tips(r, &opts.callbacks, 0, 0, NULL);
		}
		heap_kept(false);
		git_remote_disconnect(r);
		xfer_watch_pause(c);
	} else if (xfer_local_folder(git_remote_url(r))) {
		st = xfer_push_to_folder(git, repo, xfer_local_folder(git_remote_url(r)), remote, branch, c,
				    rejected, err);
		rc = 0;
	} else {
		xfer_watch_start(c);
		heap_kept(true);
		rc = git_remote_push(r, &refspecs, &opts);
		heap_kept(false);
		xfer_watch_pause(c);
	}
	if (st != CAIRN_OK) {
		/* said */
	} else if (rc == GIT_ENONFASTFORWARD || (rc == 0 && c->rejected && xfer_is_race(c->refusal))) {
		*rejected = true;
	} else if (rc == 0 && c->rejected) {
		st = xfer_fail(err, c, _("cannot push to"), remote);   /* a refusal */
	} else if (rc != 0) {
		const git_error *e = git_error_last();
		/* Some transports report a stale push only as a message. */
		if (e && e->message && (strstr(e->message, "non-fast-forward") ||
					strstr(e->message, "fetch first")))
			*rejected = true;
		else
			st = xfer_fail(err, c, _("cannot push to"), remote);
	}
	xfer_watch_stop(c);
	if (st == CAIRN_OK && !*rejected) {
		git_config *cfg = NULL;
		git_buf up = { NULL, 0, 0 };
		/* The upstream, as `git push -u` sets it, when the branch has
		 * none (the first sync): plain git and cairn's count of unshared
		 * edits both read it.  Another remote's sync leaves it alone. */
		snprintf(key, sizeof key, "branch.%s.remote", branch);
		if (git_repository_config(&cfg, repo) == 0 &&
		    git_config_get_string_buf(&up, cfg, key) == GIT_ENOTFOUND) {
			snprintf(key, sizeof key, "branch.%s.remote", branch);
			git_config_set_string(cfg, key, remote);
			snprintf(key, sizeof key, "branch.%s.merge", branch);
			snprintf(merge, sizeof merge, "refs/heads/%s", branch);
			git_config_set_string(cfg, key, merge);
		}
		git_buf_dispose(&up);
		git_config_free(cfg);
		/* Our copy of their branch is ours now. */
		{
			git_oid id;
			git_reference *ref = NULL;
			char tracking[600];
			snprintf(tracking, sizeof tracking, "refs/remotes/%s/%s", remote, branch);
			snprintf(spec, sizeof spec, "refs/heads/%s", branch);
			/* Noted as a fetch notes it: killed while the ref is
			 * locked, this cairn's lock is cleared by the next sync
			 * at once instead of blocking it as someone's fetch. */
			cairn_git_note_ref(git, tracking);
			if (git_reference_name_to_id(&id, repo, spec) == 0)
				git_reference_create(&ref, repo, tracking, &id, 1, "push");
			git_reference_free(ref);
			cairn_git_forget_ref_note(git);
		}
	}
	if (!conn)
		git_remote_free(r);
	return st;
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

	if (xfer_local_folder(url) && stat(xfer_local_folder(url), &sb) != 0)
		return cairn_fail(err, CAIRN_ENOTFOUND, _("cannot clone %s: there is no such folder "
				  "here; check the path, or name a server's as user@server:PATH or "
				  "ssh://user@server/PATH"), url);
	if ((st = cairn_git_lib_init(err)))
		return st;
	if ((st = xfer_creds_init(&c, net, NULL, url, err))) {
		git_libgit2_shutdown();
		return st;
	}
	git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
	xfer_callbacks(&opts.fetch_opts.callbacks, &c);
	opts.remote_cb = clone_remote;
	opts.remote_cb_payload = &c;
	/* Nothing is written to the work tree before the history is checked. */
	opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
	if (!xfer_local_folder(url))
		xfer_watch_start(&c);
	rc = git_clone(&repo, url, dir, &opts);
	xfer_watch_pause(&c);
	if (rc != 0) {
		st = xfer_fail(err, &c, _("cannot clone"), url);
	} else if (git_repository_head_unborn(repo) == 1) {
		/* A bare repository made with `git init --bare` may name a
		 * default branch ("master") that was never pushed, while the
		 * workbook's is main: take main. */
		git_reference *remote_main = NULL, *local = NULL, *any = NULL;
		git_reference_iterator *it = NULL;
		git_object *target = NULL;
		bool empty = git_reference_iterator_glob_new(&it, repo, "refs/remotes/origin/*") == 0 &&
			     git_reference_next(&any, it) == GIT_ITEROVER;
		git_reference_free(any);
		git_reference_iterator_free(it);
		if (empty)
			st = cairn_fail(err, CAIRN_EINPUT, _("%s is an empty repository: there is no "
					"workbook to clone yet. The first member fills it from a "
					"workbook of theirs (`cairn init DIR` or `cairn demo DIR`, then "
					"`cairn -C DIR remote add origin %s` and `cairn -C DIR sync`); "
					"then clone again"), url, url);
		else if (git_reference_lookup(&remote_main, repo, "refs/remotes/origin/main") != 0 ||
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
	xfer_watch_stop(&c);
	git_repository_free(repo);
	if (st == CAIRN_OK)
		st = check_then_checkout(url, dir, err);
	if (st != CAIRN_OK && rc == 0) {
		/* Refused, empty, or no branch to work on: what the clone made
		 * goes, as if it never happened, so that a retry starts clean.
		 * (When git_clone itself fails, libgit2 has removed what it
		 * made, and a folder it refused as not empty is not ours.) */
		cairn_fs_remove_tree(dir);
		if (existed)
			mkdir(dir, 0755);
	}
	git_libgit2_shutdown();
	return st;
}
