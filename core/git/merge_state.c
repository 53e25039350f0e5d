/* A merge plain git left half done (see core/git/merge_state.h). */
#include "git/merge_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "git/git_internal.h"

static cairn_status add_path(char ***v, size_t *n, const char *path, cairn_error *err)
{
	char **grown;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], path))
			return CAIRN_OK;
	if (!(grown = realloc(*v, (*n + 1) * sizeof *grown)) || !(grown[*n] = strdup(path))) {
		if (grown)
			*v = grown;
		return cairn_oom(err);
	}
	*v = grown;
	(*n)++;
	return CAIRN_OK;
}

cairn_status cairn_git_merge_state(cairn_git *git, cairn_oid *merging, char ***conflicted,
				   size_t *n, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_reference *mh = NULL;
	git_index *index = NULL;
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;
	cairn_status st = CAIRN_OK;

	merging->hex[0] = '\0';
	*conflicted = NULL;
	*n = 0;
	if (!repo)
		return err->code;
	if (git_repository_state(repo) != GIT_REPOSITORY_STATE_MERGE)
		return CAIRN_OK;
	if (git_reference_lookup(&mh, repo, "MERGE_HEAD") == 0 && git_reference_target(mh))
		git_oid_tostr(merging->hex, sizeof merging->hex, git_reference_target(mh));
	git_reference_free(mh);
	if (git_repository_index(&index, repo) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read git's index");
	if (git_index_has_conflicts(index) && git_index_conflict_iterator_new(&it, index) == 0) {
		while (st == CAIRN_OK && git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours ? ours : theirs ? theirs : anc;
			if (e)
				st = add_path(conflicted, n, e->path, err);
		}
		git_index_conflict_iterator_free(it);
	}
	git_index_free(index);
	return st;
}

cairn_status cairn_git_merge_abandon(cairn_git *git, const char *const *paths, size_t n,
				     cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_object *head = NULL;
	git_strarray spec = { (char **)paths, n };
	cairn_status st = CAIRN_OK;

	if (!repo)
		return err->code;
	if (git_revparse_single(&head, repo, "HEAD") != 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read HEAD");
	/* `git reset -- PATHS`: conflict stages go, HEAD's entries come back. */
	if (n && git_reset_default(repo, head, &spec) != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "cannot put git's index back as HEAD has it");
	if (st == CAIRN_OK && git_repository_state_cleanup(repo) != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "cannot end git's merge (MERGE_HEAD)");
	git_object_free(head);
	return st;
}

/* The paths git's index holds in conflict, whatever stopped there, and
 * which git command that was (*op: "merge", "cherry-pick", "revert",
 * "rebase", "am"; NULL for one that leaves no state, such as `git stash
 * pop`), so that cairn names git's own way on, never a hand edit. */
cairn_status cairn_git_unmerged(cairn_git *git, char ***paths, size_t *n, const char **op,
				cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_index *index = NULL;
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;
	cairn_status st = CAIRN_OK;

	*paths = NULL;
	*n = 0;
	*op = NULL;
	if (!repo)
		return err->code;
	switch (git_repository_state(repo)) {
	case GIT_REPOSITORY_STATE_MERGE: *op = "merge"; break;
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE: *op = "revert"; break;
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE: *op = "cherry-pick"; break;
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE: *op = "rebase"; break;
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE: *op = "am"; break;
	default: break;
	}
	if (git_repository_index(&index, repo) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read git's index");
	/* The index on disk, not a copy libgit2 read before git stopped. */
	(void)git_index_read(index, 0);
	if (git_index_has_conflicts(index) && git_index_conflict_iterator_new(&it, index) == 0) {
		while (st == CAIRN_OK && git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours ? ours : theirs ? theirs : anc;
			if (e)
				st = add_path(paths, n, e->path, err);
		}
		git_index_conflict_iterator_free(it);
	}
	git_index_free(index);
	return st;
}

static bool git_file(const cairn_git *git, const char *name)
{
	char path[4096];

	return (size_t)snprintf(path, sizeof path, "%s%s", cairn_git_gitdir(git), name) < sizeof path &&
	       access(path, F_OK) == 0;
}

const char *cairn_git_stopped_op(const cairn_git *git)
{
	char path[4096], word[16] = "";
	FILE *f;

	if (git_file(git, "rebase-merge"))
		return "rebase";
	if (git_file(git, "rebase-apply"))
		return git_file(git, "rebase-apply/applying") ? "am" : "rebase";
	if (git_file(git, "CHERRY_PICK_HEAD"))
		return "cherry-pick";
	if (git_file(git, "REVERT_HEAD"))
		return "revert";
	/* A sequence of picks or reverts between two of its steps. */
	if (!git_file(git, "sequencer/todo"))
		return NULL;
	snprintf(path, sizeof path, "%ssequencer/todo", cairn_git_gitdir(git));
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%15s", word) != 1)
			word[0] = '\0';
		fclose(f);
	}
	return !strcmp(word, "revert") ? "revert" : "cherry-pick";
}
