/* cairn: remotes, fetch, push and clone through libgit2 (core/git/remote.c).
 * Private to core/git/ and core/workbook/: the faces reach remotes through
 * include/cairn/sync.h.
 *
 * The credentials callback offers the ssh agent once and each key in
 * ~/.ssh once (ed25519, ecdsa, rsa), then gives up with a message naming
 * what was tried: libgit2 would otherwise call it again after every
 * failure, for ever.  A push the server refuses is reported however
 * libgit2 says it (a non-fast-forward error, or only through the
 * push_update_reference callback while git_remote_push returns 0).
 *
 * An SSH server's key is checked against ~/.ssh/known_hosts: a known key
 * goes on; a host never seen is shown with its SHA-256 fingerprint and
 * refused unless the user accepts it (net->accept_host asks, or
 * net->fingerprint names the key to accept), and is then remembered; a
 * changed or revoked key is always refused. */
#ifndef CAIRN_GIT_REMOTE_H
#define CAIRN_GIT_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/gitstore.h"
#include "cairn/net.h"

cairn_status cairn_git_remote_add(cairn_git *git, const char *name, const char *url,
				  cairn_error *err);
cairn_status cairn_git_remote_remove(cairn_git *git, const char *name, cairn_error *err);
cairn_status cairn_git_remotes(cairn_git *git, cairn_remote_fn fn, void *ctx, cairn_error *err);
/* The remote to sync with: name if given, else the branch's upstream
 * remote, else "origin", else the only one; *out "" when there is none. */
cairn_status cairn_git_default_remote(cairn_git *git, const char *name, char *out, size_t n,
				      cairn_error *err);

/* Fetch the remote's branches; *theirs is its commit of our branch ("" when
 * it has none yet), *before what we held of it until now. */
cairn_status cairn_git_fetch(cairn_git *git, const char *remote, const cairn_net *net,
			     cairn_oid *before, cairn_oid *theirs, cairn_error *err);
/* Our copy of the remote's branch points at `to` again ("" removes it):
 * a fetched commit that was refused is not left where a plain `git
 * checkout origin/main` would write it. */
cairn_status cairn_git_set_tracking(cairn_git *git, const char *remote, const cairn_oid *to,
				    cairn_error *err);
/* A network remote connected to for a push before anything is fetched
 * (*out, for cairn_git_push; NULL for a folder, no copy of their branch
 * yet, or no connection): when every branch it shows is where our copies
 * of them are (a fetch would bring nothing), *theirs is its commit of our
 * branch; else "" (they moved: fetch, merge, then push on it).  Fails only for
 * what the fetch would fail on too (no answer, a host key refused, no way
 * to log in), in the fetch's words, so that nothing is asked twice. */
typedef struct cairn_git_pushconn cairn_git_pushconn;
cairn_status cairn_git_push_first(cairn_git *git, const char *remote, const cairn_net *net,
				  cairn_oid *theirs, cairn_git_pushconn **out, cairn_error *err);
void cairn_git_push_close(cairn_git_pushconn *conn);
/* Push our branch (on conn when given: cairn_git_push_first's, which the
 * caller still closes); *rejected when someone pushed first (fetch, merge
 * and push again).  Sets the branch's upstream on success when it has
 * none yet (the first sync); cairn_git_set_upstream changes it (`sync -u`). */
cairn_status cairn_git_push(cairn_git *git, const char *remote, const cairn_net *net,
			    cairn_git_pushconn *conn, bool *rejected, cairn_error *err);
/* A shallow clone made whole from remote (core/git/unshallow.c): the
 * branch's full history fetched, held to the allow-list and added, and
 * git's shallow file removed; *commits is how many commits came. */
cairn_status cairn_git_unshallow(cairn_git *git, const char *remote, const cairn_net *net,
				 size_t *commits, cairn_error *err);
/* Make remote the branch's upstream, as `git push -u` does. */
cairn_status cairn_git_set_upstream(cairn_git *git, const char *remote, cairn_error *err);
/* Clone url into dir (a new folder) with its branch checked out. */
cairn_status cairn_git_clone(const char *url, const char *dir, const cairn_net *net,
			     cairn_error *err);

/* What is wrong with the remote, seen from this account, and how to mend
 * it (core/git/doctor.c): each finding to fn; *problems counts the
 * problems.  A network remote is connected to for a push (net as for a
 * sync: nothing is accepted that a sync would not accept). */
cairn_status cairn_git_doctor(cairn_git *git, const char *remote, const cairn_net *net,
			      cairn_doctor_fn fn, void *ctx, int *problems, cairn_error *err);

/* Make plain git merge record files field by field too: cairn's merge
 * driver ("PROGRAM merge-file %O %A %B %P") in the repository's own config,
 * and the record folders given to it in .git/info/attributes (never in a
 * tracked file). */
cairn_status cairn_git_register_merge_driver(cairn_git *git, const char *program,
					     const char *const *folders, size_t nfolders,
					     cairn_error *err);

#endif
