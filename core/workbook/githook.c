/* git's pre-commit hook in a workbook (include/cairn/githook.h): its work
 * on the record folders, its install, and what `cairn doctor` says of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cairn/buf.h"
#include "cairn/githook.h"
#include "cairn/i18n.h"
#include "cairn/layout.h"
#include "git/precommit.h"
#include "workbook/wb_internal.h"

typedef struct healed_ctx {
	cairn_healed_fn fn;
	void *ctx;
} healed_ctx;

static void healed(const char *path, void *ctx)
{
	healed_ctx *h = ctx;
	char name[CAIRN_REF_ID_MAX + 64];
	cairn_ref ref;
	cairn_error ignored;

	if (cairn_path_ref(path, &ref, &ignored) == CAIRN_OK && ref.kind != CAIRN_KIND_NONE)
		cairn_ref_format(&ref, name, sizeof name);
	else
		snprintf(name, sizeof name, "%s", path);
	if (h->fn)
		h->fn(name, path, h->ctx);
}

static void record_folders(const char **folders)
{
	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		folders[k] = cairn_kind_def_of((cairn_kind)k)->folder;
}

cairn_status cairn_wb_heal_git_index(const char *dir, const char *index_file, cairn_healed_fn fn,
				     void *ctx, cairn_error *err)
{
	const char *folders[CAIRN_KIND_COUNT];
	healed_ctx h = { fn, ctx };
	char root[4096];
	cairn_git *git = NULL;
	cairn_status st;

	if ((st = cairn_wb_find(dir, root, sizeof root, err)) ||
	    (st = cairn_git_open(root, &git, err)))
		return st;
	record_folders(folders);
	st = cairn_git_heal_index(git, index_file, folders, CAIRN_KIND_COUNT, healed, &h, err);
	cairn_git_close(git);
	return st;
}

cairn_status cairn_wb_install_git_hook(cairn_wb *wb, const char *program, bool only_if_missing,
				       cairn_error *err)
{
	cairn_buf path = CAIRN_BUF_INIT;
	struct stat sb;
	bool there;

	if (only_if_missing) {
		/* A stat, before anything reads git's config: a verb that
		 * saves pays nothing once the hook is there. */
		cairn_buf_printf(&path, "%shooks/pre-commit", cairn_git_commondir(wb->git));
		there = path.oom || lstat(cairn_buf_str(&path), &sb) == 0;
		cairn_buf_done(&path);
		if (there)
			return CAIRN_OK;
	}
	return cairn_git_hook_install(wb->git, program, NULL, err);
}

cairn_status cairn_wb_doctor_git_hook(cairn_wb *wb, void (*fn)(bool problem, const char *what,
							       const char *fix, void *ctx),
				      void *ctx, int *problems, cairn_error *err)
{
	cairn_git_hook_state state;
	char *where = NULL, what[4096 + 512];
	const char *fix = NULL;
	bool problem = false;
	cairn_status st;

	if ((st = cairn_git_hook_state_of(wb->git, &state, &where, err)))
		return st;
	switch (state) {
	case CAIRN_HOOK_OURS:
	case CAIRN_HOOK_CHAINED:
		snprintf(what, sizeof what, _("git's pre-commit hook %s runs cairn: a plain git "
			 "commit keeps what a cairn save beside it saved"), where ? where : "");
		break;
	case CAIRN_HOOK_DISABLED:
		snprintf(what, sizeof what, "%s", _("git's pre-commit hook is turned off "
			 "(cairn.preCommitHook is false): a plain git commit beside a cairn save "
			 "may commit a record's older text"));
		break;
	case CAIRN_HOOK_MISSING:
		problem = true;
		snprintf(what, sizeof what, _("git has no pre-commit hook here (%s): a plain git "
			 "commit beside a cairn save may commit a record's older text"),
			 where ? where : "");
		fix = _("any cairn verb that saves installs it (cairn commit, cairn sync)");
		break;
	case CAIRN_HOOK_OTHERS:
		problem = true;
		snprintf(what, sizeof what, _("git's pre-commit hook %s is not cairn's and does "
			 "not run it: a plain git commit beside a cairn save may commit a record's "
			 "older text"), where ? where : "");
		fix = _("add the line `cairn hook pre-commit` to that hook");
		break;
	case CAIRN_HOOK_ELSEWHERE:
		problem = true;
		snprintf(what, sizeof what, _("git takes its hooks from core.hooksPath (%s), so "
			 "cairn installed no pre-commit hook: a plain git commit beside a cairn save "
			 "may commit a record's older text"), where ? where : "");
		fix = _("run `cairn hook pre-commit` from the pre-commit hook in that folder "
			"(or `git config cairn.preCommitHook false` to be told no more)");
		break;
	}
	free(where);
	*problems += problem;
	fn(problem, what, fix, ctx);
	return CAIRN_OK;
}
