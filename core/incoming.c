/* What arrives from a remote is untrusted: every entry their side changes
 * is checked against an allow-list before anything is written (sync.c
 * calls wb_check_incoming before a fast-forward or a merge). */
#include <stdlib.h>
#include <string.h>

#include "cairn/gitstore.h"
#include "cairn/kinds.h"
#include "cairn/layout.h"
#include "cairn/record.h"
#include "wb_internal.h"

#define INCOMING_FILE_MAX (1024u * 1024u)

/* A name of the work tree cairn will write: a record at its own path, or a
 * plain top-level file of safe ASCII (a README added with git). */
static const char *path_problem(const char *path)
{
	cairn_ref ref;
	cairn_error err;
	char canonical[CAIRN_PATH_MAX];

	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-' || *p == '/'))
			return "holds a character cairn never writes in a path (only A-Z, a-z, 0-9, "
			       "'.', '_', '-')";
	if (!strchr(path, '/')) {
		if (path[0] == '.' && strcmp(path, ".gitignore"))
			return "is a hidden file (.gitattributes, .gitmodules and the like can change "
			       "what git does)";
		return NULL;
	}
	if (cairn_path_ref(path, &ref, &err) != CAIRN_OK || ref.kind == CAIRN_KIND_NONE)
		return "is not where a record lives (KIND-FOLDER/XX/ID)";
	cairn_ref_path(&ref, canonical, sizeof canonical);
	if (strcmp(canonical, path))
		return "is not the path its record would have";
	return NULL;
}

/* Every file their side changes since from: a plain file (raw mode 100644),
 * a safe path, at most 1 MiB, and a record that parses. */
cairn_status wb_check_incoming(cairn_wb *wb, const char *remote, const cairn_oid *from,
				   const cairn_oid *to, cairn_error *err)
{
	cairn_git_delta *d = NULL;
	size_t n = 0;
	cairn_status st = cairn_git_diff(wb->git, from, to, &d, &n, err);

	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		const char *why = path_problem(d[i].path);
		char *data = NULL;
		size_t len = 0;
		cairn_record rec;
		cairn_error perr;
		if (!why && d[i].new_blob.hex[0] && d[i].new_mode != 0100644)
			why = "is not a plain file (a link, a folder link or an executable)";
		if (!why && d[i].new_blob.hex[0]) {
			if ((st = cairn_git_read_blob(wb->git, &d[i].new_blob, &data, &len, err)))
				break;
			if (len > INCOMING_FILE_MAX)
				why = "is larger than 1 MiB";
			else if (strchr(d[i].path, '/') &&
				 cairn_record_parse(&rec, data, len, d[i].path, &perr) != CAIRN_OK)
				why = "is not a record cairn can read";
			else if (strchr(d[i].path, '/'))
				cairn_record_done(&rec);
			free(data);
		}
		if (why)
			st = cairn_fail(err, CAIRN_EINPUT, "%s: commit %.12s refused: %s %s; nothing was "
					"changed here (ask who pushed it, or look with `git show %.12s`)",
					remote, to->hex, d[i].path, why, to->hex);
	}
	cairn_git_deltas_free(d, n);
	return st;
}

