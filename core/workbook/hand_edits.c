/* Record files edited by hand (an editor, plain git), committed as a save
 * of their stored form: `cairn commit` and the terminal interface's offer.
 * Each file goes through cairn_wb_save like any edit, so it is checked,
 * indexed and journalled the same way; a file gone from the work tree is
 * a removal only when the member commits it on purpose. */
#include <stdlib.h>
#include <string.h>

#include "cairn/layout.h"
#include "cairn/record.h"
#include "workbook/wb_internal.h"

cairn_status cairn_wb_commit_hand_edits(cairn_wb *wb, const char *message,
					cairn_save_result *res, cairn_error *err)
{
	char **paths = NULL;
	size_t n = 0, nedits = 0;
	cairn_edit *edits = NULL;
	cairn_record *recs = NULL;
	cairn_status st;

	memset(res, 0, sizeof *res);
	if ((st = cairn_wb_git_stopped(wb, err)) || (st = wb_lock(wb, err)))
		return st;
	if ((st = cairn_wb_hand_edits(wb, &paths, &n, err)) || !n)
		goto done;
	edits = calloc(n, sizeof *edits);
	recs = calloc(n, sizeof *recs);
	if (!edits || !recs) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		cairn_edit *e = &edits[nedits];
		char *data = NULL;
		size_t len;
		if (!strcmp(paths[i], CAIRN_SETTINGS_FILE))
			continue;
		if ((st = cairn_path_ref(paths[i], &e->ref, err)))
			break;
		st = wb_read_work(wb, paths[i], CAIRN_RECORD_MAX, &data, &len, err);
		if (st == CAIRN_ENOTFOUND) {
			e->op = CAIRN_EDIT_REMOVE;
			e->from_work_tree = true;
			st = CAIRN_OK;
			nedits++;
			continue;
		}
		if (st == CAIRN_OK)
			st = cairn_record_parse(&recs[nedits], data, len, paths[i], err);
		free(data);
		if (st != CAIRN_OK)
			break;
		e->op = CAIRN_EDIT_PUT;
		e->stored_form = true;
		e->from_work_tree = true;
		e->n = recs[nedits].nfields;
		e->keys = calloc(e->n ? e->n : 1, sizeof(char *));
		e->values = calloc(e->n ? e->n : 1, sizeof(char *));
		if (!e->keys || !e->values) {
			st = cairn_oom(err);
			nedits++;
			break;
		}
		for (size_t f = 0; f < e->n; f++) {
			((const char **)e->keys)[f] = recs[nedits].fields[f].key;
			((const char **)e->values)[f] = recs[nedits].fields[f].value;
		}
		nedits++;
	}
	if (st == CAIRN_OK)
		st = cairn_wb_save(wb, edits, nedits, message ? message : "Commit edits made by hand",
				   res, err);
done:
	for (size_t i = 0; i < nedits; i++) {
		free((void *)edits[i].keys);
		free((void *)edits[i].values);
		cairn_record_done(&recs[i]);
	}
	free(edits);
	free(recs);
	cairn_git_paths_free(paths, n);
	wb_unlock(wb);
	return st;
}
