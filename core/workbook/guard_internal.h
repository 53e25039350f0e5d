/* Inside cairn guard (guard.c, guard_first.c): who pushes, the persons
 * and rules a pushed commit is judged against, and the checks of one
 * commit.  Private to core/workbook/. */
#ifndef CAIRN_GUARD_INTERNAL_H
#define CAIRN_GUARD_INTERNAL_H

#include <stdbool.h>

#include "cairn/buf.h"
#include "cairn/gitstore.h"
#include "cairn/kinds.h"
#include "cairn/roles.h"
#include "git/log.h"

typedef struct guard {
	cairn_git *git;
	const char *pusher;
	char me[CAIRN_REF_ID_MAX + 1];  /* the pusher's person ("": none) */
	char role[32];                  /* its role, in the persons judged against */
	cairn_buf leaders;
	cairn_buf emails;               /* "\nemail\tid" for each person with an e-mail */
	cairn_buf logins;               /* "\nlogin\tid" for each person with a login */
	cairn_buf roles;                /* "\nid\trole" for each person with a role */
	cairn_ruleset local;            /* the workbook's own rows, as judged against */
	bool persons_touched;           /* a pushed commit changed persons/ or cairn.ini */
	/* The pusher may push commits whose author is another person: a
	 * leader (leaders relay), or the founder of a first push. */
	bool relays;
	/* A first push (guard_first.c): the persons and rules are those of
	 * each commit's parent, state_at, and the pusher stays who they are
	 * at the tip (me is not looked for again). */
	bool first;
	bool open;                      /* ... and state_at's workbook has no rules */
	cairn_oid state_at;
} guard;

typedef struct walk_ctx {
	guard *g;
	const char *ref;
	/* The commit being judged: its author's person (or, when its author's
	 * e-mail is no person's, the pusher's) and role, and whether that is
	 * another person than the pusher. */
	char aid[CAIRN_REF_ID_MAX + 1];
	char arole[32];
	bool relayed;
} walk_ctx;

#define GUARD_INIT(git_, pusher_)                                                         \
	{ git_, pusher_, "", "", CAIRN_BUF_INIT, CAIRN_BUF_INIT, CAIRN_BUF_INIT,          \
	  CAIRN_BUF_INIT, { NULL, 0 }, false, false, false, false, { "" } }

/* Empty g's persons and rules (the pusher's person too unless g->first). */
void guard_forget(guard *g);
void guard_done(guard *g);
/* The persons of commit into g (cairn_git_each_file's callback). */
cairn_status guard_person_file(const char *path, unsigned mode, const cairn_oid *blob, void *ctx,
			       cairn_error *err);
/* The role of person id, "" when none, into out. */
void guard_role_of(const guard *g, const char *id, char *out, size_t n);
/* Refuse the push at commit c, saying what. */
cairn_status guard_refuse(walk_ctx *w, const cairn_git_commit_info *c, const char *what,
			  cairn_error *err);
/* One commit, with the files it changed from its first parent (a merge:
 * none, it finds its own), as cairn_git_walk's callback. */
cairn_status guard_check_commit(const cairn_git_commit_info *c, const cairn_git_delta *changes,
				size_t n, bool *stop, void *ctx, cairn_error *err);
/* After the push: settings readable, a leader, one e-mail or login one
 * person's. */
cairn_status guard_check_tip(guard *g, const cairn_oid *tip, const char *ref, cairn_error *err);
/* A push into a branch the repository does not have yet, with no branch
 * to be judged against (the first push into an empty repository). */
cairn_status guard_first_push(guard *g, walk_ctx *w, const cairn_oid *tip, cairn_error *err);

#endif
