/* A save's commit and what follows it (wb_commit_files, in
 * workbook/wb_internal.h): the files are flushed with the journal, the
 * branch moves by a compare-and-swap, git's index and cairn's follow, and
 * a save whose branch did not move takes its files back.  save.c plans the
 * records; this is the one way they reach the history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/fs.h"
#include "workbook/wb_internal.h"

/* A save of this many records or more loads the index as a rebuild does
 * (index_saved). */
#define BULK_AT 2000

/* The index takes the saved files and the commit they are in, and the
 * journal forgets the save, in one transaction.  bulk: with every
 * reference of the workbook checked after loading (see index.h). */
static cairn_status index_saved(cairn_wb *wb, const cairn_git_change *changes, size_t n,
				const cairn_oid *commit, const cairn_history_row *hist,
				long long pending_id, bool published, bool bulk, cairn_error *err)
{
	wb_loader *l = wb_loader_new(wb);
	size_t moved;
	cairn_status st;

	if (!l)
		return cairn_oom(err);
	/* Many rows: loaded as a rebuild loads them, the counts and secondary
	 * indexes made once at the end (and the references checked then). */
	if (n >= BULK_AT)
		bulk = true;
	st = bulk ? cairn_index_bulk_begin_with(wb->idx, n >= BULK_AT, true, err)
		  : cairn_index_begin(wb->idx, err);
	/* Evaluations last: their progress is counted against templates that
	 * the same save may bring. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
			bool evaluation = !strncmp(changes[i].path, "evaluations/", 12);
			if (evaluation != (pass == 1))
				continue;
			if (!changes[i].data) {
				st = cairn_index_remove(wb->idx, changes[i].path, err);
				if (st == CAIRN_OK && (!strncmp(changes[i].path, "lists/", 6) ||
						       !strncmp(changes[i].path, "forms/", 6)))
					st = wb_schema_load(wb, err);
			} else {
				cairn_oid blob;
				st = cairn_git_hash_blob(changes[i].data, changes[i].len, &blob, err);
				if (st == CAIRN_OK)
					st = wb_loader_put(l, changes[i].path, 0100644, &blob, err);
			}
		}
	wb_loader_free(l);
	/* A template or other record mended by a save (a hand edit committed)
	 * brings back the records held among the problems for it. */
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		if (changes[i].data && strncmp(changes[i].path, "evaluations/", 12)) {
			st = wb_retry_all_problems(wb, commit, err);
			break;
		}
	if (st == CAIRN_OK)
		st = cairn_index_meta_set(wb->idx, "head", commit->hex, err);
	/* git's index holds the commit: in the same transaction, each of
	 * which costs five fdatasyncs. */
	if (st == CAIRN_OK && published)
		st = cairn_index_meta_set(wb->idx, "gitindex", commit->hex, err);
	/* The history takes the commit when it held its parent; else it
	 * catches up from git when next read (core/workbook/history.c). */
	if (st == CAIRN_OK && hist) {
		char held[64] = "";
		if (cairn_index_meta_get(wb->idx, "history", held, sizeof held, NULL) == CAIRN_OK &&
		    held[0] && !strcmp(held, hist->parents)) {
			const char **paths = calloc(n ? n : 1, sizeof *paths);
			if (!paths)
				st = cairn_oom(err);
			for (size_t i = 0; paths && i < n; i++)
				paths[i] = changes[i].path;
			if (st == CAIRN_OK)
				st = cairn_index_history_add(wb->idx, hist, paths, n, err);
			if (st == CAIRN_OK)
				st = cairn_index_meta_set(wb->idx, "history", commit->hex, err);
			free(paths);
		}
	}
	if (st == CAIRN_OK && pending_id)
		st = cairn_index_pending_clear(wb->idx, pending_id, err);
	if (st != CAIRN_OK) {
		cairn_index_rollback(wb->idx);
		if (bulk)
			cairn_index_bulk_end(wb->idx, &moved, NULL);
		return st;
	}
	return bulk ? cairn_index_bulk_end(wb->idx, &moved, err) : cairn_index_commit(wb->idx, err);
}

/* The branch did not move: the files, and git's index if it took them,
 * go back to what HEAD holds now (a plain git commit may have taken the
 * save's files meanwhile: then HEAD has them, and so they stay). */
static void take_back(cairn_wb *wb, const cairn_git_change *changes, size_t n,
		      cairn_git_index_lock *ilock, bool published)
{
	cairn_oid head;
	cairn_error ignore;
	const char **paths;

	if (cairn_git_head(wb->git, &head, &ignore) != CAIRN_OK)
		return;
	for (size_t i = 0; i < n; i++)
		(void)wb_checkout_path(wb, &head, changes[i].path, &ignore);
	if (!published || !(paths = calloc(n ? n : 1, sizeof *paths)))
		return;
	for (size_t i = 0; i < n; i++)
		paths[i] = changes[i].path;
	(void)cairn_git_write_index_locked(ilock, wb->git, &head, paths, n, &ignore);
	free(paths);
}

/* One flush of what a save wrote (see wb_commit_files): the work tree,
 * the git folder and the common one, each filesystem once. */
static cairn_status flush(cairn_wb *wb, cairn_error *err)
{
	const char *paths[] = { wb->root, cairn_git_gitdir(wb->git),
				cairn_git_commondir(wb->git) };
	return cairn_fs_sync_each(paths, 3, err);
}

cairn_status wb_commit_files(cairn_wb *wb, const cairn_oid *parent,
			     const cairn_git_change *changes, size_t n,
			     const cairn_identity *who, long long when, const char *message,
			     long long pending_id, cairn_oid *out, double *commit_ms,
			     cairn_error *err)
{
	cairn_git_author author = { who->name, who->email, when, 0 };
	cairn_git_index_lock ilock = { NULL, NULL, NULL, NULL, false };
	cairn_error why;
	struct timespec t0, t1;
	cairn_status st;
	bool published = false;
	int tries = 0;

	/* The time is fixed here, so that the history index holds the
	 * commit's own. */
	if (!author.when) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		author.when = now;
		author.tz_minutes = (int)(tm.tm_gmtoff / 60);
	}
	/* git's index lock first, as git commit takes it: see
	 * include/cairn/gitstore.h.  If git holds it for long (or a killed git
	 * left it), save anyway and bring its index in step at the end. */
	if (cairn_git_lock_index(wb->git, 2000, &ilock, &why) != CAIRN_OK)
		wb_warn(wb, "%s", why.msg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* What a save writes is flushed to disk at two moments only (six
	 * sync calls a save in all, instead of 24: two fsyncs for each object,
	 * file, ref and reflog):
	 *  1. before the branch moves, one syncfs of the filesystem (two if
	 *     .git is on another): the journal, the objects (libgit2 writes them
	 *     without fsync meanwhile) and the work-tree files.  A power cut
	 *     must never leave a branch naming an object that is not on disk,
	 *     nor a committed record whose file in the work tree is the old
	 *     one (it would read as a hand edit undoing the save).
	 *  2. after it moves: the branch (its file and folder, two fsyncs:
	 *     a syncfs here would also write out git's index, megabytes at
	 *     100,000 records, which needs no flush), so that a save that
	 *     returned survives a power cut.  The reflogs are not flushed (git
	 *     does not flush them either): a power cut may lose their last
	 *     line, never the commit.
	 * The index that follows (three fdatasyncs, SQLite's own) is a cache
	 * that catches up with HEAD.  git's index is not flushed: git
	 * rebuilds its stat data when it is stale. */
	cairn_git_fsync_writes(wb->git, false);
	/* A git gc pruning the objects' folders at the same moment can make
	 * writing an object fail once; writing it again succeeds. */
	for (int again = 0; again < 3; again++)
		if ((st = cairn_git_make_commit(wb->git, parent, NULL, changes, n, &author, message,
						out, err)) != CAIRN_EIO)
			break;
	/* Then, before the branch moves, the work tree and git's index take
	 * the files: a `git commit` that reads the new HEAD reads the new
	 * index too, and a `git commit -a` the new files. */
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		if (changes[i].data)
			st = cairn_fs_write_nosync(wb->root, changes[i].path, changes[i].data,
						   changes[i].len, err);
		else
			st = cairn_fs_remove_nosync(wb->root, changes[i].path, err);
	}
	if (st == CAIRN_OK)
		st = flush(wb, err);
	/* The paths of one save differ (cairn_git_make_commit checked): with
	 * none remembered yet, nothing to compare them with. */
	for (size_t i = 0, fresh = !wb->nsaved; i < n && st == CAIRN_OK; i++)
		(fresh ? wb_remember_new_path : wb_remember_path)(wb, changes[i].path);
	if (st == CAIRN_OK && ilock.held) {
		published = cairn_git_write_index_locked(&ilock, wb->git, out,
							 (const char *const *)wb->saved_paths,
							 wb->nsaved, &why) == CAIRN_OK;
		if (!published)
			wb_warn(wb, "%s", why.msg);   /* brought in step on close */
	}
	while (st == CAIRN_OK) {
		st = cairn_git_move_branch(wb->git, parent->hex[0] ? parent : NULL, out, message, err);
		if (st != CAIRN_EBUSY || ++tries >= 50)
			break;
		usleep(100 * 1000);
		st = CAIRN_OK;
	}
	cairn_git_fsync_writes(wb->git, true);
	/* The branch has moved: what fails now cannot take the save back. */
	if (st == CAIRN_OK && cairn_git_sync_branch(wb->git, &why) != CAIRN_OK)
		wb_warn(wb, "saved as commit %.12s, but the disk reported an error while it was "
			"flushed (%s): check the disk, then run git fsck", out->hex, why.msg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (commit_ms)
		*commit_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (st != CAIRN_OK) {
		/* Nothing was committed: nothing of it may stay, nor come back. */
		take_back(wb, changes, n, &ilock, published);
		cairn_git_unlock_index(&ilock);
		out->hex[0] = '\0';
		return st;
	}
	cairn_git_unlock_index(&ilock);
	wb->saved_any = true;
	if (published)
		wb_forget_paths(wb);
	/* The commit is durable and the branch has moved: the save is done,
	 * whatever follows.  References were checked when the save was
	 * planned, so the index follows in an ordinary transaction (SQLite
	 * checks the changed rows' references at commit).  Should that check
	 * fail all the same, load again the slow way, which moves any broken
	 * record to the problems rather than refusing what git already holds.
	 * Should that fail too, the journal still holds the save and the next
	 * run brings the index in step. */
	{
		char summary[512];
		cairn_history_row hist;
		snprintf(summary, sizeof summary, "%.*s", (int)strcspn(message, "\n"), message);
		hist = (cairn_history_row){ 0, out->hex, author.when, author.tz_minutes,
					    who->name, who->email, summary, parent->hex, NULL };
		st = index_saved(wb, changes, n, out, &hist, pending_id, published, false, &why);
		if (st != CAIRN_OK && st != CAIRN_ENOMEM)
			st = index_saved(wb, changes, n, out, &hist, pending_id, published, true,
					 &why);
		if (st != CAIRN_OK && published)
			cairn_index_meta_set(wb->idx, "gitindex", out->hex, NULL);
		if (st != CAIRN_OK)
			wb_warn(wb, "saved as commit %.12s; the index did not follow (%s) and "
				"will when cairn next runs", out->hex, why.msg);
	}
	return CAIRN_OK;
}
