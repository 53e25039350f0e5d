/* cairn: the rules at the shared repository (core/workbook/guard.c,
 * guard_first.c).
 *
 * `cairn guard` runs as a bare repository's pre-receive hook: for each
 * branch a push moves, every commit it brings (a merge for what is its
 * own: a value no parent holds, or a side's change it drops) is checked,
 * after the allow-list a peer's sync holds it to (git/incoming.h),
 * against the rules of include/cairn/roles.h for its author (the person
 * whose e-mail it carries; else the pusher), as the branch's persons and
 * cairn.ini say before the push.  A pusher pushes commits in their own
 * name; only a leader relays others' (a pusher who may not relay answers
 * for all they push).  The pusher is the server's user (GL_USER for
 * gitolite, REMOTE_USER for https, when the hook runs as the repository's
 * owner; else the Unix user), mapped to the person whose `login` field is
 * theirs.  The first push into an empty repository founds the workbook:
 * its first commit must be cairn init's, its pusher that first leader,
 * and each later commit is judged at its parent.
 */
#ifndef CAIRN_GUARD_H
#define CAIRN_GUARD_H

#include "cairn/error.h"

/* May pusher move ref from old_hex to new_hex (40 hex; all zeros: none)
 * in the bare repository gitdir?  CAIRN_OK, or CAIRN_EINPUT with a
 * message naming the commit, the record, the field and the rule. */
cairn_status cairn_guard_push(const char *gitdir, const char *pusher, const char *old_hex,
			      const char *new_hex, const char *ref, cairn_error *err);

/* Make gitdir's hooks/pre-receive run `cairn guard` (program: this cairn,
 * by absolute path).  An existing hook of another program is refused. */
cairn_status cairn_guard_install(const char *gitdir, const char *program, cairn_error *err);

#endif
