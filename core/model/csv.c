/* CSV, strictly (see include/cairn/csv.h). */
#include "cairn/csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/record.h"

static bool plain_number(const char *v)
{
	bool digits = false, point = false;

	for (v++; *v; v++) {
		if (*v >= '0' && *v <= '9')
			digits = true;
		else if ((*v == '.' || *v == ',') && digits && !point)
			point = true, digits = false;
		else
			return false;
	}
	return digits;
}

bool cairn_csv_needs_mark(const char *value)
{
	while (*value == '\'')
		value++;
	while (*value == '\t' || *value == '\r')
		value++;
	switch (*value) {
	case '=':
	case '@':
		return true;
	case '+':
	case '-':
		return !plain_number(value);
	default:
		return false;
	}
}

static cairn_status add_cell(cairn_csv_row *row, cairn_buf *cell, cairn_error *err)
{
	char **grown = realloc(row->cells, (row->n + 1) * sizeof *grown);
	const char *v = cairn_buf_str(cell);

	if (!grown || cell->oom)
		return cairn_oom(err);
	row->cells = grown;
	if (v[0] == '\'' && cairn_csv_needs_mark(v + 1))
		v++;    /* the mark an export put there */
	if (!(grown[row->n] = strdup(v)))
		return cairn_oom(err);
	row->n++;
	cairn_buf_reset(cell);
	return CAIRN_OK;
}

static cairn_status add_row(cairn_csv *csv, cairn_csv_row *row, cairn_error *err)
{
	cairn_csv_row *grown;

	/* A blank line is no row. */
	if (row->n == 1 && !row->cells[0][0]) {
		free(row->cells[0]);
		free(row->cells);
		memset(row, 0, sizeof *row);
		return CAIRN_OK;
	}
	if (!(grown = realloc(csv->rows, (csv->n + 1) * sizeof *grown)))
		return cairn_oom(err);
	csv->rows = grown;
	grown[csv->n++] = *row;
	memset(row, 0, sizeof *row);
	return CAIRN_OK;
}

static char find_separator(const char *p, const char *end)
{
	size_t commas = 0, semicolons = 0;
	bool quoted = false;

	for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted)
			commas += *p == ',', semicolons += *p == ';';
	}
	return semicolons > commas ? ';' : ',';
}

cairn_status cairn_csv_parse(const char *data, size_t len, const char *name, cairn_csv *out,
			     cairn_error *err)
{
	const char *p = data, *end = data + len, *line_start;
	cairn_buf cell = CAIRN_BUF_INIT;
	cairn_csv_row row = { NULL, 0, 1 };
	cairn_status st = CAIRN_OK;
	int line = 1;
	bool cell_start = true;

	memset(out, 0, sizeof *out);
	if (memchr(data, '\0', len))
		return cairn_fail(err, CAIRN_EINPUT, "%s: holds a NUL byte: is it a CSV file?", name);
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;         /* the byte-order mark spreadsheets write */
	out->separator = find_separator(p, end);
	line_start = p;
	row.line = 1;
	while (p < end && st == CAIRN_OK) {
		int column = (int)(p - line_start) + 1;
		if (*p == '"' && cell_start) {
			int open_line = line, open_col = column;
			p++;
			for (;;) {
				if (p >= end) {
					st = cairn_fail(err, CAIRN_EINPUT, "%s:%d:%d: this quoted cell is never "
							"closed: add the closing '\"'", name, open_line,
							open_col);
					break;
				}
				if (*p == '"' && p + 1 < end && p[1] == '"') {
					cairn_buf_addc(&cell, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					if (*p == '\n') {
						line++;
						line_start = p + 1;
					}
					/* A line break inside a cell is stored as LF. */
					if (!(*p == '\r' && p + 1 < end && p[1] == '\n'))
						cairn_buf_addc(&cell, *p);
					p++;
				}
			}
			if (st != CAIRN_OK)
				break;
			if (p < end && *p != out->separator && *p != '\n' && *p != '\r') {
				st = cairn_fail(err, CAIRN_EINPUT, "%s:%d:%d: text after a closing quote: "
						"quote the whole cell", name, line, (int)(p - line_start) + 1);
				break;
			}
			cell_start = false;
			continue;
		}
		cell_start = *p == out->separator || *p == '\n' || *p == '\r';
		if (*p == out->separator) {
			st = add_cell(&row, &cell, err);
			p++;
		} else if (*p == '\n' || *p == '\r') {
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			p++;
			if ((st = add_cell(&row, &cell, err)) == CAIRN_OK)
				st = add_row(out, &row, err);
			line++;
			line_start = p;
			row.line = line;
		} else {
			if (*p == '"') {
				st = cairn_fail(err, CAIRN_EINPUT, "%s:%d:%d: a quote inside an unquoted cell: "
						"quote the whole cell and double the quote", name, line,
						column);
				break;
			}
			cairn_buf_addc(&cell, *p++);
		}
	}
	if (st == CAIRN_OK && (cell.len || row.n)) {
		if ((st = add_cell(&row, &cell, err)) == CAIRN_OK)
			st = add_row(out, &row, err);
	}
	/* Every cell is UTF-8 text a record can hold. */
	for (size_t r = 0; r < out->n && st == CAIRN_OK; r++)
		for (size_t c = 0; c < out->rows[r].n && st == CAIRN_OK; c++) {
			const char *problem = cairn_record_value_problem(out->rows[r].cells[c]);
			if (problem)
				st = cairn_fail(err, CAIRN_EINPUT, "%s:%d: cell %zu %s", name,
						out->rows[r].line, c + 1, problem);
		}
	cairn_buf_done(&cell);
	for (size_t i = 0; i < row.n; i++)
		free(row.cells[i]);
	free(row.cells);
	if (st != CAIRN_OK)
		cairn_csv_done(out);
	return st;
}

void cairn_csv_done(cairn_csv *csv)
{
	for (size_t r = 0; r < csv->n; r++) {
		for (size_t c = 0; c < csv->rows[r].n; c++)
			free(csv->rows[r].cells[c]);
		free(csv->rows[r].cells);
	}
	free(csv->rows);
	memset(csv, 0, sizeof *csv);
}
