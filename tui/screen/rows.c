/* Rows of a kind's table, held for a view to lay out; a person's name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/schema.h"
#include "i18n.h"
#include "tui.h"

static cairn_status take_row(const char *const *values, void *ctx, cairn_error *err)
{
	rowset *r = ctx;
	char **grown = realloc(r->cells, (r->nrows + 1) * r->ncols * sizeof *grown);

	if (!grown)
		return cairn_fail(err, CAIRN_ENOMEM, "out of memory");
	r->cells = grown;
	for (size_t i = 0; i < r->ncols; i++) {
		char **cell = &r->cells[r->nrows * r->ncols + i];
		if (!(*cell = strdup(values[i] ? values[i] : ""))) {
			for (size_t k = 0; k < i; k++)
				free(r->cells[r->nrows * r->ncols + k]);
			return cairn_fail(err, CAIRN_ENOMEM, "out of memory");
		}
	}
	r->nrows++;
	return CAIRN_OK;
}

bool rows_load(app *a, rowset *r, cairn_kind kind, const char *const *cols, size_t ncols,
	       const cairn_filter *filters, size_t nfilters, const char *order_by)
{
	return rows_load_limit(a, r, kind, cols, ncols, filters, nfilters, order_by, 0);
}

bool rows_load_limit(app *a, rowset *r, cairn_kind kind, const char *const *cols, size_t ncols,
		     const cairn_filter *filters, size_t nfilters, const char *order_by,
		     size_t limit)
{
	cairn_error err;

	memset(r, 0, sizeof *r);
	r->ncols = ncols;
	if (cairn_index_rows(cairn_wb_index(a->wb), kind, cols, ncols, filters, nfilters, order_by,
			     limit, take_row, r, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		return false;
	}
	return true;
}

bool targets_load(app *a, cairn_targets *t)
{
	cairn_error err;

	if (cairn_wb_targets(a->wb, t, &err) != CAIRN_OK) {
		cairn_targets_done(t);
		app_message(a, true, "%s", err.msg);
		return false;
	}
	return true;
}

const char *rows_get(const rowset *r, size_t row, size_t col)
{
	return row < r->nrows && col < r->ncols ? r->cells[row * r->ncols + col] : "";
}

void rows_done(rowset *r)
{
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	memset(r, 0, sizeof *r);
}

const char *choice_shown(cairn_kind kind, const char *field, const char *value)
{
	const cairn_field_def *f = cairn_kind_field(kind, field);

	if (!f || f->listed || f->type != CAIRN_F_ENUM)
		return value;
	return cairn_field_value_label(f, value, i18n_languages());
}

const char *person_name(app *a, const char *id, char *buf, size_t n)
{
	static const char *const cols[] = { "name" };
	const cairn_filter f = { "id", id, CAIRN_OP_EQ };
	cairn_error err;
	rowset r;

	snprintf(buf, n, "%s", id ? id : "");
	if (!id || !*id)
		return buf;
	memset(&r, 0, sizeof r);
	r.ncols = 1;
	if (cairn_index_rows(cairn_wb_index(a->wb), CAIRN_KIND_PERSON, cols, 1, &f, 1, NULL, 1,
			     take_row, &r, &err) == CAIRN_OK && r.nrows && *rows_get(&r, 0, 0))
		snprintf(buf, n, "%s", rows_get(&r, 0, 0));
	rows_done(&r);
	return buf;
}

void task_lines(app *a, lines *out, bool alert, const char *target, int id_w, const char *id,
		const char *date, const char *when, const char *title, const char *who)
{
	enum line_style st = alert ? LS_ALERT : LS_TEXT;
	char when_w[128], who_w[300], cut[1024];
	int head_w = 2 + id_w + 1 + 10 + 1 + 13 + 1, room = a->cols - 2 - head_w;

	text_pad(when, 13, when_w, sizeof when_w);
	/* Who in a column of 12 as the tables show it, "id (Name)" cut. */
	who_w[0] = '\0';
	if (who) {
		char c[300];
		text_pad(text_cut(who, 12, a->ascii, c, sizeof c), 12, who_w, sizeof who_w - 2);
		strcat(who_w, "  ");
	}
	if (room - text_width(who_w) >= 20) {
		text_cut(title, room - text_width(who_w), a->ascii, cut, sizeof cut);
		lines_add(out, st, target, "  %-*s %-10s %s %s%s", id_w, id, date, when_w, who_w, cut);
		return;
	}
	/* Too narrow for a title one can read after them: who and the title
	 * on a line of their own below. */
	lines_add(out, st, target, "  %-*s %-10s %s", id_w, id, date, when_w);
	room = a->cols - 2 - 4 - text_width(who_w);
	text_cut(title, room, a->ascii, cut, sizeof cut);
	lines_add(out, st, NULL, "    %s%s", who_w, cut);
}
