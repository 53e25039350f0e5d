/* cairn report: one outline (tui/cli/cmd_report.c), two renderings.
 *
 * The outline walks the report and calls a table of block operations;
 * tui/cli/report_md.c writes them as Markdown, tui/cli/report_html.c as one
 * standalone HTML page.  So both carry the same content, and each escapes
 * text from data for its own format.  Every string handed to an operation
 * has passed report_clean. */
#ifndef CAIRN_TUI_REPORT_FMT_H
#define CAIRN_TUI_REPORT_FMT_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/buf.h"

typedef enum report_mark {
	REPORT_PLAIN = 0,
	REPORT_MET,             /* a share that meets its target */
	REPORT_SHORT,           /* a share below its target */
	REPORT_UNKNOWN,         /* nothing reported */
} report_mark;

typedef struct report_cell {
	const char *text;
	report_mark mark;
} report_cell;

typedef struct report_ops {
	/* The document's head: its title, the workbook's name, a line on the
	 * state it speaks for. */
	void (*begin)(cairn_buf *o, const char *title, const char *name, const char *state);
	void (*end)(cairn_buf *o);
	/* level 2-4; anchor a fixed name (never data) or NULL. */
	void (*heading)(cairn_buf *o, int level, const char *anchor, const char *text);
	/* A paragraph; line breaks in text are kept. */
	void (*text)(cairn_buf *o, const char *text);
	/* A quiet line: "nothing yet". */
	void (*note)(cairn_buf *o, const char *text);
	/* Labelled values ("Validator: ..."); values may span lines. */
	void (*fields)(cairn_buf *o, const char *const *labels, const char *const *values, size_t n);
	void (*items)(cairn_buf *o, const char *const *items, size_t n);
	/* A question and its answer: as a list when items, else text with its
	 * line breaks. */
	void (*answer)(cairn_buf *o, const char *prompt, const char *value, bool items);
	/* align: per column, the same for the head and rows: 'l' left, 'n' left
	 * and never wrapped (ids, dates), 'r' right (numbers). */
	void (*table_begin)(cairn_buf *o, const char *const *head, const char *align, size_t n);
	void (*table_row)(cairn_buf *o, const report_cell *cells, const char *align, size_t n);
	void (*table_end)(cairn_buf *o);
} report_ops;

extern const report_ops report_md_ops;
extern const report_ops report_html_ops;

/* Text from data made safe for any document, the same in every locale:
 * invalid UTF-8, control characters (but LF) and bidirectional overrides
 * become U+FFFD, a TAB a space.  A new string the caller frees, or NULL
 * when out of memory. */
char *report_clean(const char *s);

#endif
