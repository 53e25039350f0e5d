/* A few columns of every record of a kind, held in memory for lookups by
 * id while a larger read runs (the report's and the comparison's tool
 * names and kinds, person names).  Read through the index's queries,
 * never its SQL; see wb_internal.h. */
#include <stdlib.h>
#include <string.h>

#include "wb_internal.h"

static cairn_status table_row(const char *const *v, void *ctx, cairn_error *err)
{
	wb_table *t = ctx;
	char **grown = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *grown);

	if (!grown)
		return cairn_oom(err);
	t->cells = grown;
	for (size_t c = 0; c < t->ncols; c++)
		if (!(t->cells[t->nrows * t->ncols + c] = strdup(v[c] ? v[c] : "")))
			t->oom = true;
	t->nrows++;
	return t->oom ? cairn_oom(err) : CAIRN_OK;
}

cairn_status wb_table_load(cairn_wb *wb, wb_table *t, cairn_kind kind,
			   const char *const *cols, size_t ncols, cairn_error *err)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	return cairn_index_rows(cairn_wb_index(wb), kind, cols, ncols, NULL, 0, "id", 0, table_row,
				t, err);
}

const char *wb_table_get(const wb_table *t, const char *id, size_t col)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (t->cells[r * t->ncols] && !strcmp(t->cells[r * t->ncols], id))
			return t->cells[r * t->ncols + col];
	return NULL;
}

void wb_table_done(wb_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}
