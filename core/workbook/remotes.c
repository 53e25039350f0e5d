/* A workbook's remotes, for `cairn remote` (see include/cairn/sync.h).
 *
 * The faces never hold the git repository: they name the workbook, and
 * these hand its repository to core/git/remote.c, which reads and writes
 * the repository's own config ([remote "NAME"] url = ...), as git does.
 * Nothing else is kept about a remote, so there is nothing more to do
 * here; the file exists so that tui/ needs no git header. */
#include "cairn/sync.h"

#include "workbook/wb_internal.h"

cairn_status cairn_wb_remotes(cairn_wb *wb, cairn_remote_fn fn, void *ctx, cairn_error *err)
{
	return cairn_git_remotes(wb->git, fn, ctx, err);
}

cairn_status cairn_wb_remote_add(cairn_wb *wb, const char *name, const char *url,
				 cairn_error *err)
{
	return cairn_git_remote_add(wb->git, name, url, err);
}

cairn_status cairn_wb_remote_remove(cairn_wb *wb, const char *name, cairn_error *err)
{
	return cairn_git_remote_remove(wb->git, name, err);
}
