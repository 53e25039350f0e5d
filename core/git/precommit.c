/* git's pre-commit hook (see core/git/precommit.h): the entries a plain
 * git command beside a save left old in git's index, put back; and the
 * hook file that runs it. */
#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"
#include "git/git_internal.h"
#include "git/precommit.h"

/* How far back an entry's blob counts as an older version of its path:
 * its last changes on the first-parent history, within so many commits.
 * A git beside a save left the version of a moment ago; a blob from
 * further back is more likely something a person staged. */
#define VERSIONS_BACK 50
#define COMMITS_BACK 1000
#define LOCK_WAIT_MS 5000

/* The line that makes hooks/pre-commit cairn's own: a file without it is
 * never written over. */
#define HOOK_MARK "# cairn's own pre-commit hook"
#define HOOK_CALL "hook pre-commit"

typedef struct stale {
	char *path;
	bool in_head, in_index;
	git_oid head, index;
	git_filemode_t mode;
	struct stat sb;                 /* the work tree's file, when in_head */
	bool older;                     /* the index holds an older version */
	bool done;                      /* no need to look further back */
	bool prev_present;              /* the path in the commit looked at last */
	git_oid prev;
	int versions;
} stale;

static bool same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (realpath(a, ra) && realpath(b, rb))
		return !strcmp(ra, rb);
	return !strcmp(a, b);
}

static bool exists_in(const cairn_git *git, const char *name)
{
	cairn_buf b = CAIRN_BUF_INIT;
	struct stat sb;
	bool yes;

	cairn_buf_printf(&b, "%s%s", cairn_git_gitdir(git), name);
	yes = !b.oom && lstat(cairn_buf_str(&b), &sb) == 0;
	cairn_buf_done(&b);
	return yes;
}

/* The entries that differ from HEAD's while the work tree agrees with
 * HEAD, into *out (new). */
static cairn_status candidates(cairn_git *git, git_repository *repo, git_tree *head,
			       git_index *idx, const char *const *folders, size_t nfolders,
			       stale **out, size_t *n, cairn_error *err)
{
	git_diff_options o;
	git_diff *diff = NULL;
	stale *v = NULL;
	size_t nd, k = 0;

	*out = NULL;
	*n = 0;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.pathspec.strings = (char **)folders;
	o.pathspec.count = nfolders;
	if (git_diff_tree_to_index(&diff, repo, head, idx, &o) < 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot compare git's index with HEAD");
	nd = git_diff_num_deltas(diff);
	if (nd && !(v = calloc(nd, sizeof *v))) {
		git_diff_free(diff);
		return cairn_oom(err);
	}
	for (size_t i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		stale *s = &v[k];
		cairn_buf full = CAIRN_BUF_INIT;
		struct stat sb;
		git_oid w;
		bool agrees;

		if (d->status != GIT_DELTA_MODIFIED && d->status != GIT_DELTA_ADDED &&
		    d->status != GIT_DELTA_DELETED)
			continue;
		s->in_head = d->status != GIT_DELTA_ADDED;
		s->in_index = d->status != GIT_DELTA_DELETED;
		git_oid_cpy(&s->head, &d->old_file.id);
		git_oid_cpy(&s->index, &d->new_file.id);
		s->mode = (git_filemode_t)d->old_file.mode;
		cairn_buf_printf(&full, "%s%s", cairn_git_workdir(git),
				 s->in_head ? d->old_file.path : d->new_file.path);
		if (full.oom)
			agrees = false;
		else if (s->in_head)
			/* hashed as git adds it (core.autocrlf, eol attributes) */
			agrees = lstat(cairn_buf_str(&full), &s->sb) == 0 && S_ISREG(s->sb.st_mode) &&
				 git_repository_hashfile(&w, repo, d->old_file.path, GIT_OBJECT_BLOB,
							 NULL) == 0 &&
				 git_oid_equal(&w, &s->head);
		else
			agrees = lstat(cairn_buf_str(&full), &sb) != 0 && errno == ENOENT;
		cairn_buf_done(&full);
		if (!agrees)
			continue;
		if (!(s->path = strdup(s->in_head ? d->old_file.path : d->new_file.path))) {
			for (size_t j = 0; j < k; j++)
				free(v[j].path);
			free(v);
			git_diff_free(diff);
			return cairn_oom(err);
		}
		s->prev_present = s->in_head;
		git_oid_cpy(&s->prev, &s->head);
		k++;
	}
	git_diff_free(diff);
	*out = v;
	*n = k;
	return CAIRN_OK;
}

/* Which of them hold a version their path had on the way to HEAD: walk
 * the first parents, noting each path's changes. */
static void find_older(git_commit *head, stale *v, size_t n)
{
	git_commit *c = head, *p = NULL;
	size_t open = n;

	for (int walked = 0; open && walked < COMMITS_BACK; walked++, c = p) {
		git_tree *t = NULL;
		if (git_commit_parentcount(c) == 0 || git_commit_parent(&p, c, 0) < 0)
			break;          /* the first commit, or a shallow clone's edge */
		if (git_commit_tree(&t, p) < 0) {
			git_commit_free(p);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			stale *s = &v[i];
			git_tree_entry *e = NULL;
			bool present;
			if (s->done)
				continue;
			present = git_tree_entry_bypath(&e, t, s->path) == 0;
			if (present != s->prev_present ||
			    (present && !git_oid_equal(git_tree_entry_id(e), &s->prev))) {
				s->versions++;
				if (s->in_index ? present && git_oid_equal(git_tree_entry_id(e), &s->index)
						: !present)
					s->older = true;
				if (s->older || s->versions >= VERSIONS_BACK) {
					s->done = true;
					open--;
				}
				s->prev_present = present;
				if (present)
					git_oid_cpy(&s->prev, git_tree_entry_id(e));
			}
			git_tree_entry_free(e);
		}
		git_tree_free(t);
		if (c != head)
			git_commit_free(c);
	}
	if (c != head)
		git_commit_free(c);
}

static cairn_status copy_whole(const char *from, const char *to, cairn_error *err)
{
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
	char chunk[65536];
	size_t got;
	bool ok = in && out;

	while (ok && (got = fread(chunk, 1, sizeof chunk, in)) > 0)
		ok = fwrite(chunk, 1, got, out) == got;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		ok = false;
	return ok ? CAIRN_OK : cairn_fail(err, CAIRN_EIO, "cannot copy %s to %s: %s", from, to,
					  strerror(errno));
}

/* Put HEAD's entries back into the index file target, through scratch:
 * libgit2 writes a standalone index through "<path>.lock", which is git's
 * lock when the path is git's index. */
static cairn_status put_back(const char *target, const char *scratch, stale *v, size_t n,
			     cairn_error *err)
{
	cairn_buf scratch_lock = CAIRN_BUF_INIT;
	git_index *w = NULL;
	cairn_status st = CAIRN_OK;

	cairn_buf_printf(&scratch_lock, "%s.lock", scratch);
	if (scratch_lock.oom)
		return cairn_oom(err);
	unlink(cairn_buf_str(&scratch_lock));
	unlink(scratch);
	if (link(target, scratch) != 0 && (st = copy_whole(target, scratch, err)))
		goto done;
	if (git_index_open(&w, scratch) < 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "cannot read git's index %s", target);
		goto done;
	}
	if ((st = cairn_git_keep_racy_entries_racy(w, target, err)))
		goto done;
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		git_index_entry e;
		if (!v[i].older)
			continue;
		if (!v[i].in_head) {
			if (git_index_remove(w, v[i].path, 0) < 0)
				st = cairn_git_fail(err, CAIRN_EIO, "cannot update git's index at %s",
						    v[i].path);
			continue;
		}
		memset(&e, 0, sizeof e);
		cairn_git_entry_from_stat(&e, &v[i].sb);
		e.mode = v[i].mode ? v[i].mode : GIT_FILEMODE_BLOB;
		e.path = v[i].path;
		git_oid_cpy(&e.id, &v[i].head);
		if (git_index_add(w, &e) < 0)
			st = cairn_git_fail(err, CAIRN_EIO, "cannot update git's index at %s",
					    v[i].path);
	}
	if (st == CAIRN_OK && git_index_write(w) < 0)
		st = cairn_git_fail(err, CAIRN_EIO, "cannot write git's index");
	if (st == CAIRN_OK && rename(scratch, target) != 0)
		st = cairn_fail(err, CAIRN_EIO, "cannot put git's index %s in place: %s", target,
				strerror(errno));
done:
	git_index_free(w);
	unlink(scratch);
	cairn_buf_done(&scratch_lock);
	return st;
}

cairn_status cairn_git_heal_index(cairn_git *git, const char *index_file,
				  const char *const *folders, size_t nfolders,
				  cairn_git_healed_fn fn, void *ctx, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	cairn_git_index_lock lock = { 0 };
	cairn_buf main_index = CAIRN_BUF_INIT, held = CAIRN_BUF_INIT, scratch = CAIRN_BUF_INIT;
	git_commit *head = NULL;
	git_tree *tree = NULL;
	git_index *idx = NULL;
	stale *v = NULL;
	size_t n = 0;
	const char *target;
	git_oid id;
	cairn_status st = CAIRN_OK;

	if (!repo)
		return err->code;
	/* A merge's, a cherry-pick's, a revert's or a rebase's index differs
	 * from HEAD on purpose. */
	if (exists_in(git, "MERGE_HEAD") || exists_in(git, "CHERRY_PICK_HEAD") ||
	    exists_in(git, "REVERT_HEAD") || exists_in(git, "rebase-merge") ||
	    exists_in(git, "rebase-apply"))
		return CAIRN_OK;
	cairn_buf_printf(&main_index, "%sindex", cairn_git_gitdir(git));
	cairn_buf_printf(&held, "%sindex.lock", cairn_git_gitdir(git));
	if (main_index.oom || held.oom) {
		st = cairn_oom(err);
		goto done;
	}
	target = cairn_buf_str(&main_index);
	if (index_file && *index_file && !same_file(index_file, target)) {
		/* `git commit -a` builds its commit in the locked index, which
		 * it reads again after the hook and then makes git's index, as
		 * a hook's own `git add` would write it; `git commit PATHS` in
		 * a temporary index from HEAD, with nothing old in it. */
		if (!same_file(index_file, cairn_buf_str(&held)))
			goto done;
		target = cairn_buf_str(&held);
		cairn_buf_printf(&scratch, "%scairn-index.heal.%ld", cairn_git_gitdir(git),
				 (long)getpid());
	} else {
		if ((st = cairn_git_lock_index(git, LOCK_WAIT_MS, &lock, err)))
			goto done;
		cairn_buf_adds(&scratch, lock.scratch);
	}
	if (scratch.oom) {
		st = cairn_oom(err);
		goto done;
	}
	/* HEAD read under the lock: a save moves it only while it holds it. */
	if (git_reference_name_to_id(&id, repo, "HEAD") < 0)
		goto done;              /* no commit yet */
	if (git_commit_lookup(&head, repo, &id) < 0 || git_commit_tree(&tree, head) < 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "cannot read HEAD");
		goto done;
	}
	if (access(target, F_OK) != 0)
		goto done;
	if (git_index_open(&idx, target) < 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "cannot read git's index %s", target);
		goto done;
	}
	if (git_index_has_conflicts(idx))
		goto done;
	if ((st = candidates(git, repo, tree, idx, folders, nfolders, &v, &n, err)) || !n)
		goto done;
	find_older(head, v, n);
	{
		size_t older = 0;
		for (size_t i = 0; i < n; i++)
			older += v[i].older;
		if (!older || (st = put_back(target, cairn_buf_str(&scratch), v, n, err)))
			goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].older && fn)
			fn(v[i].path, ctx);
done:
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	git_index_free(idx);
	git_tree_free(tree);
	git_commit_free(head);
	if (lock.path)
		cairn_git_unlock_index(&lock);
	cairn_buf_done(&main_index);
	cairn_buf_done(&held);
	cairn_buf_done(&scratch);
	return st;
}

/* ---- the hook file ---- */

static char *read_small(const char *path)
{
	FILE *f = fopen(path, "rb");
	cairn_buf b = CAIRN_BUF_INIT;
	char chunk[4096];
	size_t got;

	if (!f)
		return NULL;
	while (b.len < 1 << 20 && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
		cairn_buf_add(&b, chunk, got);
	fclose(f);
	return cairn_buf_detach(&b, NULL);
}

static cairn_git_hook_state state_of_file(const char *path)
{
	char *text = read_small(path);
	cairn_git_hook_state st;

	if (!text)
		return errno == ENOENT ? CAIRN_HOOK_MISSING : CAIRN_HOOK_OTHERS;
	if (strstr(text, "\n" HOOK_MARK))
		st = CAIRN_HOOK_OURS;
	else if (strstr(text, HOOK_CALL))
		st = CAIRN_HOOK_CHAINED;
	else
		st = CAIRN_HOOK_OTHERS;
	free(text);
	return st;
}

cairn_status cairn_git_hook_state_of(cairn_git *git, cairn_git_hook_state *state, char **where,
				     cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_config *cfg = NULL;
	git_buf hooks = { 0 };
	cairn_buf path = CAIRN_BUF_INIT;
	int on = 1;

	if (where)
		*where = NULL;
	if (!repo)
		return err->code;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read %sconfig", cairn_git_gitdir(git));
	if (git_config_get_bool(&on, cfg, "cairn.precommithook") == 0 && !on) {
		*state = CAIRN_HOOK_DISABLED;
	} else if (git_config_get_path(&hooks, cfg, "core.hookspath") == 0 && hooks.ptr &&
		   *hooks.ptr) {
		/* git runs hooks there, relative to the work tree's top. */
		if (hooks.ptr[0] != '/')
			cairn_buf_adds(&path, cairn_git_workdir(git));
		cairn_buf_printf(&path, "%s/pre-commit", hooks.ptr);
		*state = state_of_file(cairn_buf_str(&path)) == CAIRN_HOOK_CHAINED ?
			CAIRN_HOOK_CHAINED : CAIRN_HOOK_ELSEWHERE;
		if (*state == CAIRN_HOOK_ELSEWHERE) {
			cairn_buf_done(&path);
			cairn_buf_adds(&path, hooks.ptr);
		}
	} else {
		cairn_buf_printf(&path, "%shooks/pre-commit", cairn_git_commondir(git));
		*state = state_of_file(cairn_buf_str(&path));
	}
	git_buf_dispose(&hooks);
	git_config_free(cfg);
	if (path.oom)
		return cairn_oom(err);
	if (where)
		*where = cairn_buf_detach(&path, NULL);
	cairn_buf_done(&path);
	return CAIRN_OK;
}

cairn_status cairn_git_hook_install(cairn_git *git, const char *program,
				    cairn_git_hook_state *state, cairn_error *err)
{
	cairn_git_hook_state now;
	cairn_buf text = CAIRN_BUF_INIT, tmp = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT;
	char *path = NULL, *old = NULL;
	cairn_status st;
	FILE *f;

	if ((st = cairn_git_hook_state_of(git, &now, &path, err)))
		return st;
	if (state)
		*state = now;
	if (now != CAIRN_HOOK_MISSING && now != CAIRN_HOOK_OURS) {
		free(path);
		return CAIRN_OK;
	}
	/* The shell is given the program quoted. */
	cairn_buf_adds(&text, "#!/bin/sh\n" HOOK_MARK " (cairn(1), PLAIN GIT): it puts back in\n"
		       "# git's index a record that a git command running beside a cairn save\n"
		       "# left at its old text.  It never stops a commit.  cairn writes this\n"
		       "# file again; to keep a hook of your own here, remove this line and\n"
		       "# run `cairn " HOOK_CALL "` from your hook.\n"
		       "for cairn in '");
	for (const char *p = program; *p; p++)
		cairn_buf_adds(&text, *p == '\'' ? "'\\''" : (char[2]){ *p, 0 });
	cairn_buf_adds(&text, "' cairn; do\n"
		       "\tif command -v \"$cairn\" >/dev/null 2>&1; then\n"
		       "\t\t\"$cairn\" " HOOK_CALL "\n"
		       "\t\texit 0\n"
		       "\tfi\n"
		       "done\n"
		       "exit 0\n");
	cairn_buf_printf(&dir, "%shooks", cairn_git_commondir(git));
	cairn_buf_printf(&tmp, "%s.cairn.%ld", path, (long)getpid());
	if (text.oom || tmp.oom || dir.oom) {
		st = cairn_oom(err);
		goto done;
	}
	old = read_small(path);
	if (old && !strcmp(old, cairn_buf_str(&text)))
		goto done;
	if (mkdir(cairn_buf_str(&dir), 0755) != 0 && errno != EEXIST) {
		st = cairn_fail(err, CAIRN_EIO, "cannot make %s: %s", cairn_buf_str(&dir),
				strerror(errno));
		goto done;
	}
	if ((f = fopen(cairn_buf_str(&tmp), "w"))) {
		bool ok = fwrite(text.data, 1, text.len, f) == text.len;
		if (fclose(f) != 0 || !ok)
			f = NULL;
	}
	if (!f || chmod(cairn_buf_str(&tmp), 0755) != 0 || rename(cairn_buf_str(&tmp), path) != 0) {
		st = cairn_fail(err, CAIRN_EIO, _("cannot write git's hook %s: %s"), path,
				strerror(errno));
		unlink(cairn_buf_str(&tmp));
	}
done:
	free(old);
	free(path);
	cairn_buf_done(&text);
	cairn_buf_done(&tmp);
	cairn_buf_done(&dir);
	return st;
}
