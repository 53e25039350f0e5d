/* cairn: the workbook's git repository, through libgit2.
 *
 * Everything cairn asks of git goes through here; no other module includes
 * git2.h.  Commits are built from memory: blobs and the trees on the
 * changed paths only (git_tree_create_updated), never through the git
 * index, so that a commit's cost does not grow with the workbook.  The
 * branch ref is moved with a compare-and-swap and is the one commit point.
 * Object writes are fsynced (GIT_OPT_ENABLE_FSYNC_GITDIR), but while
 * cairn_git_fsync_writes(false) (a save, which flushes the filesystem
 * itself at the two moments durability needs: see core/workbook/save.c).
 */
#ifndef CAIRN_GITSTORE_H
#define CAIRN_GITSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cairn/error.h"
#include "cairn/oid.h"

typedef struct cairn_git cairn_git;

typedef struct cairn_git_author {
	const char *name;
	const char *email;
	long long when;         /* seconds since the epoch; 0: now */
	int tz_minutes;         /* offset from UTC */
} cairn_git_author;

/* One file of a commit: data NULL deletes path. */
typedef struct cairn_git_change {
	const char *path;       /* "milestones/4c/M4", '/'-separated */
	const char *data;
	size_t len;
} cairn_git_change;

/* Create a repository in dir (made if missing) with branch "main" checked
 * out and no commit yet; sets core.protectHFS and core.protectNTFS. */
cairn_status cairn_git_init(const char *dir, cairn_git **out, cairn_error *err);
/* Open the repository whose work tree is dir (no upward search). */
cairn_status cairn_git_open(const char *dir, cairn_git **out, cairn_error *err);
void cairn_git_close(cairn_git *git);
/* A bare repository (a shared one, for cairn guard): read only. */
cairn_status cairn_git_open_bare(const char *dir, cairn_git **out, cairn_error *err);
/* Read objects also from $GIT_OBJECT_DIRECTORY and
 * $GIT_ALTERNATE_OBJECT_DIRECTORIES, as git's hooks are given them (a
 * push's objects wait there, in quarantine, while pre-receive runs). */
cairn_status cairn_git_use_env_objects(cairn_git *git, cairn_error *err);
const char *cairn_git_workdir(const cairn_git *git);   /* with a trailing '/' */
const char *cairn_git_gitdir(const cairn_git *git);    /* with a trailing '/' */
/* Where the objects, refs and config are: the gitdir, but in a linked
 * `git worktree`, whose own git folder holds only HEAD, the index and a
 * merge's state (with a trailing '/'). */
const char *cairn_git_commondir(const cairn_git *git);
/* Whether libgit2 fsyncs each object, ref and reflog it writes (on from
 * cairn_git_lib_init).  Whoever turns it off flushes (cairn_fs_sync)
 * before anything depends on what was written, and turns it on again. */
void cairn_git_fsync_writes(cairn_git *git, bool on);

/* A shallow clone (`git clone --depth`): the commits whose parents are
 * not here, listed in git's `shallow` file.  Walks of the history stop
 * there and show them as where the history held here starts; a sync
 * fetches the rest (cairn_git_unshallow). */
bool cairn_git_is_shallow(cairn_git *git);
/* How many boundary commits; 0 when the clone is complete. */
size_t cairn_git_shallow_count(cairn_git *git);
/* Read git's shallow file again (after it changed). */
void cairn_git_forget_shallow(cairn_git *git);

/* The commit the current branch points at; head->hex is "" when the branch
 * has no commit yet. */
cairn_status cairn_git_head(cairn_git *git, cairn_oid *head, cairn_error *err);

/* Commit `changes` on top of `parent` ("" for the first commit) and move the
 * current branch from parent to the new commit only if it still points at
 * parent: CAIRN_EMOVED when someone else moved it first (re-read and
 * retry), CAIRN_EBUSY when the ref is locked (a lock file younger than
 * stale_lock_seconds; an older one is removed and the update retried).
 * author->when 0 means now.  The new commit is stored in *out. */
cairn_status cairn_git_commit(cairn_git *git, const cairn_oid *parent,
			      const cairn_git_change *changes, size_t nchanges,
			      const cairn_git_author *author, const char *message,
			      cairn_oid *out, cairn_error *err);

/* The first commit (first parents back from HEAD); "" before any. */
cairn_status cairn_git_root(cairn_git *git, cairn_oid *root, cairn_error *err);

/* Commits on the branch and not on its upstream (*ahead), and the other
 * way round; *has_upstream false when the branch has none yet. */
cairn_status cairn_git_unshared(cairn_git *git, bool *has_upstream, size_t *ahead,
				size_t *behind, cairn_error *err);
/* The same against our copy of remote's branch of that name, whatever the
 * upstream is; *has_tracking false when we hold none. */
cairn_status cairn_git_unshared_with(cairn_git *git, const char *remote, bool *has_tracking,
				     size_t *ahead, size_t *behind, cairn_error *err);

/* The commit object alone, as cairn_git_commit_merge would make it (second
 * NULL or "" for one parent), without moving any branch: a save publishes
 * git's index for it first, then moves the branch (cairn_git_move_branch). */
cairn_status cairn_git_make_commit(cairn_git *git, const cairn_oid *parent,
				   const cairn_oid *second, const cairn_git_change *changes,
				   size_t nchanges, const cairn_git_author *author,
				   const char *message, cairn_oid *out, cairn_error *err);

/* A commit with two parents (a merge): parent is the branch's, second the
 * merged one; the branch moves from parent as cairn_git_commit does. */
cairn_status cairn_git_commit_merge(cairn_git *git, const cairn_oid *parent,
				    const cairn_oid *second, const cairn_git_change *changes,
				    size_t nchanges, const cairn_git_author *author,
				    const char *message, cairn_oid *out, cairn_error *err);
/* Move the branch from one commit to another (compare-and-swap; from NULL:
 * the branch must not exist yet). */
cairn_status cairn_git_move_branch(cairn_git *git, const cairn_oid *from, const cairn_oid *to,
				   const char *message, cairn_error *err);
/* fsync the branch HEAD names (its loose ref file, which a move writes)
 * and its folder: the branch moved with cairn_git_fsync_writes(false)
 * made durable with two calls, its reflogs left to the kernel (as git's
 * default core.fsync leaves them). */
cairn_status cairn_git_sync_branch(cairn_git *git, cairn_error *err);
/* The common ancestor of two commits; "" when they have none. */
cairn_status cairn_git_merge_base(cairn_git *git, const cairn_oid *a, const cairn_oid *b,
				  cairn_oid *base, cairn_error *err);

/* The blob at path in commit: *data is a new buffer the caller frees
 * (NUL-terminated, len excludes the NUL); blob receives its id.
 * CAIRN_ENOTFOUND when the commit has no such file. */
cairn_status cairn_git_read_path(cairn_git *git, const cairn_oid *commit, const char *path,
				 char **data, size_t *len, cairn_oid *blob, cairn_error *err);
/* The blob with this id, as above. */
cairn_status cairn_git_read_blob(cairn_git *git, const cairn_oid *blob, char **data,
				 size_t *len, cairn_error *err);
/* The id git gives these bytes as a blob (nothing is written). */
cairn_status cairn_git_hash_blob(const char *data, size_t len, cairn_oid *out, cairn_error *err);

/* Every file of commit's tree, depth first in tree order.  mode is the raw
 * mode from the tree (0100644 for a regular file; anything else is for the
 * caller to refuse).  Return non-OK from the callback to stop. */
typedef cairn_status (*cairn_git_file_fn)(const char *path, unsigned mode,
					  const cairn_oid *blob, void *ctx, cairn_error *err);
cairn_status cairn_git_each_file(cairn_git *git, const cairn_oid *commit,
				 cairn_git_file_fn fn, void *ctx, cairn_error *err);

/* Files that differ between two commits (old "" means the empty tree). */
typedef struct cairn_git_delta {
	char *path;             /* owned */
	cairn_oid old_blob;     /* "" when added */
	cairn_oid new_blob;     /* "" when deleted */
	unsigned new_mode;      /* raw mode, 0 when deleted */
} cairn_git_delta;
cairn_status cairn_git_diff(cairn_git *git, const cairn_oid *old_commit,
			    const cairn_oid *new_commit, cairn_git_delta **out, size_t *n,
			    cairn_error *err);
void cairn_git_deltas_free(cairn_git_delta *d, size_t n);

/* Is `ancestor` reachable from `commit` (or equal)? */
cairn_status cairn_git_is_ancestor(cairn_git *git, const cairn_oid *ancestor,
				   const cairn_oid *commit, bool *yes, cairn_error *err);

/* Bring git's index in step with HEAD for these paths only, taking stat
 * data from the work tree, so that `git status` is clean.  Loads and
 * writes the index once. */
cairn_status cairn_git_sync_index(cairn_git *git, const char *const *paths, size_t n,
				  cairn_error *err);
/* git's own lock on its index, held by a save from before it makes its
 * commit until the branch has moved.  git's index takes the saved files
 * before the branch moves: `git commit` reads HEAD, then the index, and
 * only then takes this lock, so a git that sees the new HEAD also sees
 * the new index and never commits the old files on top of the save.
 * core/git/gitindex.c. */
typedef struct cairn_git_index_lock {
	char *path;             /* .git/index.lock */
	char *index;            /* .git/index */
	char *scratch;          /* where the new index is written first */
	char *owner;            /* "cairn PID", linked to path to take the lock */
	bool held;
} cairn_git_index_lock;
/* Take the lock (one left by a killed cairn is removed; git's own never
 * is); waits at most timeout_ms for git to finish, then CAIRN_EBUSY. */
cairn_status cairn_git_lock_index(const cairn_git *git, int timeout_ms, cairn_git_index_lock *lock,
				  cairn_error *err);
/* Write git's index with these files as commit head holds them (a file
 * head lacks is removed from it; what a person staged is kept); the lock
 * stays held (cairn_git_unlock_index releases it). */
cairn_status cairn_git_write_index_locked(cairn_git_index_lock *lock, cairn_git *git,
					  const cairn_oid *head, const char *const *paths, size_t n,
					  cairn_error *err);
/* Release it. */
void cairn_git_unlock_index(cairn_git_index_lock *lock);

/* libgit2 keeps no object once read, for the rest of the process: for a
 * child that reads a whole tree once and exits (its memory is the goal). */
void cairn_git_cache_off(void);
/* Files whose work tree content differs from HEAD (git status, untracked
 * files included, ignored ones not): paths is a new array of new strings. */
/* The same, looking at these paths only (a stat each). */
cairn_status cairn_git_changed_files_in(cairn_git *git, const char *const *only, size_t nonly,
					char ***paths, size_t *n, cairn_error *err);
cairn_status cairn_git_changed_files(cairn_git *git, char ***paths, size_t *n,
				     cairn_error *err);
void cairn_git_paths_free(char **paths, size_t n);
/* The text git would store for the work tree's file at path holding
 * data[0..len): git's clean filters applied as its settings and attributes
 * ask (core.autocrlf, core.eol, `text` and `eol` in .gitattributes), so a
 * work tree of CRLF line ends reads as the LF records the commits hold.
 * *out is a new buffer, NUL-terminated as cairn_fs_read's (the caller
 * frees it), data copied when nothing applies. */
cairn_status cairn_git_clean_text(cairn_git *git, const char *path, const char *data, size_t len,
				  char **out, size_t *outlen, cairn_error *err);

/* Pack loose objects when there are more than about `threshold` of them
 * (estimated as git's gc.auto does, from one fan-out folder); *packed says
 * whether it did.  Loose objects that made it into the pack are removed. */
cairn_status cairn_git_maybe_pack(cairn_git *git, size_t threshold, bool *packed,
				  cairn_error *err);

/* Inflate every loose object modified at or after `since` (0: all) and check
 * its header and length, without libgit2 (Debian's libgit2 1.5.1 loops for
 * ever on a truncated loose object).  CAIRN_ECORRUPT names the first bad
 * object file and says what to do; *checked counts the objects read. */
cairn_status cairn_git_verify_loose(cairn_git *git, time_t since, size_t *checked,
				    cairn_error *err);
/* Check one loose object the same way and, when data is not NULL, that it
 * holds exactly these len bytes (the read-back check of a commit).  *loose
 * is false, and the result CAIRN_OK, when id is not stored loose. */
cairn_status cairn_git_verify_object(cairn_git *git, const cairn_oid *id, const char *data,
				     size_t len, bool *loose, cairn_error *err);

/* user.name and user.email from git's configuration (repository, global,
 * system), or NULL: new strings the caller frees. */
cairn_status cairn_git_config_identity(cairn_git *git, char **name, char **email,
				       cairn_error *err);

#endif
