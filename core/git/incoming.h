/* cairn: what arrives from a remote is untrusted (core/git/incoming.c).
 *
 * Every commit in from..to, and in each every tree that differs from
 * from's, is read from its raw bytes and held to an allow-list before
 * anything of it is written: plain files and folders only, names of safe
 * characters, no .git in any spelling, no two names that are one file on
 * macOS or Windows, files under 100 MiB.  What a file holds is never
 * refused (a record that does not parse is listed by the workbook, a file
 * outside cairn's folders is carried).  Sync checks before it
 * fast-forwards or merges; clone before it checks anything out.
 */
#ifndef CAIRN_INCOMING_H
#define CAIRN_INCOMING_H

#include "cairn/error.h"
#include "cairn/gitstore.h"

/* from "" checks the whole history of to.  CAIRN_EINPUT names the commit,
 * the path (sanitised) and the reason; remote names the source in it. */
cairn_status cairn_git_check_incoming(cairn_git *git, const char *remote, const cairn_oid *from,
				      const cairn_oid *to, cairn_error *err);

/* The same for a push a shared repository receives (cairn guard), from
 * the branch's tip to the pushed one: the repository's HEAD plays no part
 * (a bare repository's may name another branch, or none). */
cairn_status cairn_git_check_pushed(cairn_git *git, const char *ref, const cairn_oid *from,
				    const cairn_oid *to, cairn_error *err);

#endif
