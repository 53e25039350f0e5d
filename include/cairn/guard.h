/* cairn: the rules at the shared repository (core/workbook/guard.c).
 *
 * `cairn guard` runs as a bare repository's pre-receive hook: for each
 * branch a push moves, every commit it brings (a merge for what is its
 * own: a value no parent holds, or a side's change it drops) is checked against the rules of include/cairn/roles.h
 * for the pusher, as the branch's persons and cairn.ini say before the
 * push, after the allow-list a peer's sync holds it to (git/incoming.h).
 * The pusher is the server's user (GL_USER for gitolite, REMOTE_USER for
 * https, when the hook runs as the repository's owner; else the Unix
 * user), mapped to the person whose `login` field is theirs.
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
