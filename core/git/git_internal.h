/* Private to core/git*.c: the libgit2 repository behind a cairn_git, for
 * the modules that need libgit2 calls of their own (core/git/remote.c),
 * and the handle itself with the helpers that repo.c, refs.c, commit.c,
 * tree.c and status.c share. */
#ifndef CAIRN_GIT_INTERNAL_H
#define CAIRN_GIT_INTERNAL_H

#include <git2.h>
#include <sys/stat.h>

#include "git/remote.h"
#include "cairn/gitstore.h"
#include "git/oidmap.h"
#include "git/pack.h"

#define MODE_TREE 0040000u
#define MODE_TYPE 0170000u
#define MODE_REG  0100000u

/* The repository is opened on first use: starting libgit2 costs about
 * 4 ms here (Debian's build loads the system's CA certificates into mbedTLS
 * at init), a third of what `cairn status` needs on a 100,000-record
 * workbook, which reads only HEAD and the index.  cairn_git_head reads a
 * plain HEAD and branch ref without libgit2; anything else opens it. */
#define CAIRN_GIT_RECENT_TREES 64

struct cairn_git {
	git_repository *repo;   /* NULL until cairn_git_need_repo */
	char *dir;              /* as given to cairn_git_open */
	char *workdir;          /* with a trailing '/' */
	char *gitdir;           /* with a trailing '/' */
	char *commondir;        /* objects, refs, config: gitdir but in a
				 * linked worktree, whose gitdir holds only
				 * HEAD, the index and the merge state */
	oidmap checked;         /* commits that passed the allow-list */
	oidmap trees_ok;        /* trees whose entries a diff checked (tree.c) */
	oidmap shallow;         /* a shallow clone's boundary commits (log.c) */
	size_t nshallow;
	bool shallow_read;
	/* The tree of the commit last read by path (tree.c): the commit of an
	 * import names every record in its message (megabytes), too big for
	 * libgit2's cache, and was read again and hashed for every path. */
	git_oid last_commit;
	git_tree *last_tree;
	/* During a walk of history (log.c), the trees its diffs read last
	 * (tree.c): a commit's diff reads its parent's trees, which the next
	 * commit's diff reads again as its own; libgit2 caches no tree
	 * meanwhile (each walk's trees were all kept, 180 MB on a history of
	 * 5,000 commits of a 100k-record workbook, and filling that memory
	 * was a fifth of building the history index). */
	struct cairn_git_recent {
		git_oid id;
		git_tree *tree;
	} recent[CAIRN_GIT_RECENT_TREES];
	size_t recent_next;
	bool recent_on;
	struct cairn_git_walk_cache *walk_cache;        /* log_diff.c, during a walk */
	/* A push over ssh is on (cairn_git_push_first): the check of the
	 * commits going out writes, as it reads each object, the pack the
	 * push sends (incoming.c), kept here for xfer_ssh_push. */
	bool pack_outgoing;
	gitpack *outgoing;
};

/* ---- repo.c ---- */

/* Fail with libgit2's own explanation appended, when it left one:
 * "MSG (libgit2: WHY)".  The one such wrapper of core/git/. */
cairn_status cairn_git_fail(cairn_error *err, cairn_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cairn_git_hex_of(cairn_oid *out, const git_oid *id);
/* A caller's id, which must be 40 hex digits. */
cairn_status cairn_git_parse_oid(git_oid *out, const cairn_oid *in, const char *what,
				 cairn_error *err);
/* A plain relative path, as cairn commits them. */
cairn_status cairn_git_check_path(const char *path, cairn_error *err);
char *cairn_git_dup_str(const char *s);
/* Open g's repository now if it is not yet. */
cairn_status cairn_git_need_repo(cairn_git *g, cairn_error *err);

/* ---- log_diff.c, for log.c ---- */

/* The raw trees a walk read last, and its object database. */
struct cairn_git_walk_cache *cairn_git_walk_cache_new(git_repository *repo);
void cairn_git_walk_cache_free(struct cairn_git_walk_cache *c);
/* What cairn_git_diff finds between two trees (NULL: none), read in
 * place: 0, or -1 out of memory, or 1 when a tree is not plain and
 * cairn_git_diff must say why. */
int cairn_git_walk_diff(struct cairn_git_walk_cache *c, const git_oid *old_tree,
			const git_oid *new_tree, cairn_git_delta **out, size_t *n);

/* ---- log.c ---- */

/* id is a boundary commit of a shallow clone (its parents are not here). */
bool cairn_git_is_shallow_commit(cairn_git *git, const git_oid *id);
/* In a shallow clone: whether target is from or one of its ancestors
 * within the history held (*found); libgit2's status. */
int cairn_git_shallow_reaches(cairn_git *git, const git_oid *from, const git_oid *target,
			      bool *found);

/* ---- refs.c ---- */

/* The branch HEAD names ("refs/heads/main"): a new string. */
cairn_status cairn_git_head_branch(cairn_git *g, char **name, cairn_error *err);
/* Compare-and-swap: move branch to id only if it is still at parent. */
cairn_status cairn_git_move_branch_cas(cairn_git *g, const char *branch, const git_oid *id,
				       const git_oid *parent, const char *message,
				       cairn_error *err);
/* Remove path if it is a lock file older than a few seconds. */
bool cairn_git_remove_stale_lock(const char *path);
/* A lock on ref left by a dead cairn (see cairn_git_note_ref) or stale by
 * age is removed; true when ref is not locked any more. */
bool cairn_git_clear_dead_lock(cairn_git *g, const char *ref);
/* Note, before a fetch, the ref it may lock; forget the note after. */
void cairn_git_note_ref(cairn_git *g, const char *ref);
void cairn_git_forget_ref_note(cairn_git *g);
/* The same for a push to a shared folder's repository (gitdir ends in
 * '/'): the id it is about to write, noted before the branch moves there;
 * a lock on it that a dead cairn of this machine left is cleared. */
void cairn_git_note_push(const char *gitdir, const git_oid *id);
void cairn_git_forget_push_note(const char *gitdir);
bool cairn_git_clear_dead_push_lock(const char *gitdir, const char *lock);

/* ---- remote.c, for transfer.c ---- */

/* The branch HEAD is on, short ("main"). */
bool cairn_git_branch_short(git_repository *repo, char *out, size_t n);
/* refs/remotes/REMOTE/BRANCH for the branch HEAD is on. */
bool cairn_git_tracking_ref(git_repository *repo, const char *remote, char *out, size_t n);

/* git_libgit2_init with cairn's options (objects fsynced, large trees
 * cached); each call is paired with git_libgit2_shutdown. */
cairn_status cairn_git_lib_init(cairn_error *err);
/* libgit2's cache of trees as cairn_git_lib_init sets it (on), or none
 * (off: a history walk keeps the few it needs, tree.c). */
void cairn_git_cache_trees(bool on);
/* A walk's recent trees (tree.c): kept from now on, or dropped. */
void cairn_git_recent_trees(cairn_git *git, bool on);

/* The repository, opened on first use; NULL after filling err. */
git_repository *cairn_git_repository(cairn_git *git, cairn_error *err);

/* A walk of repo that yields parents before their children. */
int cairn_git_walk_oldest_first(git_revwalk **walk, git_repository *repo);
/* Every commit walk yields, in its order, into *ids (the caller frees it,
 * also after a failure); libgit2's status. */
int cairn_git_walk_ids(git_revwalk *walk, git_oid **ids, size_t *n);

/* The commits that passed the allow-list (core/git/incoming.c) through this
 * handle: a commit the fetch checked is not read again by the merge. */
bool cairn_git_was_checked(const cairn_git *git, const git_oid *commit);
bool cairn_git_mark_checked(cairn_git *git, const git_oid *commit); /* false: no memory */

/* Hold the commits ids[0..n) of src (parents first) to the allow-list of
 * core/git/incoming.c, each tree against its parents' trees; with a pack,
 * every object their parents do not hold goes in.  progress (may be NULL)
 * hears of each commit.  (Names both sides of a merge added are compared
 * by cairn_git_check_incoming, on the trees being merged.) */
cairn_status cairn_git_check_commits(cairn_git *git, const char *remote, git_repository *src,
				     const git_oid *ids, size_t n, gitpack *pack,
				     cairn_progress_fn progress, void *ctx, cairn_error *err);
/* The same walk over our own commits ids[0..n) (parents first) on their
 * way to a folder: every object the parents do not hold goes into pack,
 * nothing is held to the allow-list. */
cairn_status cairn_git_pack_commits(cairn_git *git, const char *remote, const git_oid *ids,
				    size_t n, gitpack *pack, cairn_progress_fn progress, void *ctx,
				    cairn_error *err);

/* ---- gitindex.c, for precommit.c ---- */

/* An entry's stat data from the work tree's file. */
void cairn_git_entry_from_stat(git_index_entry *e, const struct stat *sb);
/* Smudge the entries of idx that the index file at index_path vouched
 * for only racily, as git does when it writes an index. */
cairn_status cairn_git_keep_racy_entries_racy(git_index *idx, const char *index_path,
					       cairn_error *err);

#endif
