/* cairn report as Markdown (CommonMark with GitHub's tables).
 *
 * Text from data is escaped so that it reads as the words it is, never as
 * markup: every character CommonMark or a table could take for syntax gets
 * a backslash (any ASCII punctuation may carry one), and what only matters
 * at the start of a line (a list's "-" or "1.", a heading's underline) is
 * escaped there.  Every block ends with a blank line. */
#include <stdbool.h>
#include <string.h>

#include "cairn/i18n.h"
#include "report_fmt.h"

/* One line of text, escaped; cut from the rest by the caller. */
static void md_line(cairn_buf *o, const char *s, size_t len)
{
	size_t i = 0, start, digits = 0;

	/* Four leading spaces would make a code block, trailing two a break. */
	while (i < len && s[i] == ' ')
		i++;
	while (len > i && s[len - 1] == ' ')
		len--;
	start = i;
	if (i < len && strchr("-+=", s[i]))
		cairn_buf_addc(o, '\\');
	while (i + digits < len && s[i + digits] >= '0' && s[i + digits] <= '9')
		digits++;
	for (; i < len; i++) {
		/* "1. " or "1)" ending a line would open an ordered list. */
		if (strchr("\\`*_[]<>|&#~", s[i]) ||
		    (digits && i == start + digits && (s[i] == '.' || s[i] == ')') &&
		     (i + 1 == len || s[i + 1] == ' ')))
			cairn_buf_addc(o, '\\');
		cairn_buf_addc(o, s[i]);
	}
}

/* Text over several lines: lines joined by `join`; an empty line starts a
 * new paragraph when paragraphs, else is dropped (inside a list item). */
static void md_lines(cairn_buf *o, const char *s, const char *join, bool paragraphs)
{
	bool first = true, gap = false;

	while (*s) {
		size_t n = strcspn(s, "\n");
		size_t lead = 0;
		while (lead < n && s[lead] == ' ')
			lead++;
		if (lead == n) {
			gap = true;
		} else {
			if (!first)
				cairn_buf_adds(o, gap && paragraphs ? "\n\n" : join);
			md_line(o, s, n);
			first = false;
			gap = false;
		}
		s += n + (s[n] == '\n');
	}
}

static void md_begin(cairn_buf *o, const char *title, const char *name, const char *state)
{
	cairn_buf_adds(o, "# ");
	md_line(o, title, strlen(title));
	cairn_buf_adds(o, "\n\n**");
	md_line(o, name, strlen(name));
	cairn_buf_adds(o, "**\n\n");
	md_line(o, state, strlen(state));
	cairn_buf_adds(o, "\n\n");
}

static void md_end(cairn_buf *o)
{
	/* One newline at the end, not the last block's blank line. */
	while (o->len >= 2 && o->data[o->len - 1] == '\n' && o->data[o->len - 2] == '\n')
		o->data[--o->len] = '\0';
}

static void md_heading(cairn_buf *o, int level, const char *anchor, const char *text)
{
	(void)anchor;   /* Markdown renderers make their own from the text */
	for (int i = 0; i < level; i++)
		cairn_buf_addc(o, '#');
	cairn_buf_addc(o, ' ');
	md_lines(o, text, " ", false);
	cairn_buf_adds(o, "\n\n");
}

static void md_text(cairn_buf *o, const char *text)
{
	md_lines(o, text, "\\\n", true);
	cairn_buf_adds(o, "\n\n");
}

static void md_note(cairn_buf *o, const char *text)
{
	cairn_buf_addc(o, '_');
	md_lines(o, text, " ", false);
	cairn_buf_adds(o, "_\n\n");
}

static void md_fields(cairn_buf *o, const char *const *labels, const char *const *values,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cairn_buf label = CAIRN_BUF_INIT;
		/* TRANSLATORS: a label before its value in the Markdown report
		 * ("Tool: ..."); French puts a space before the colon. */
		cairn_buf_printf(&label, _("%s:"), labels[i]);
		cairn_buf_adds(o, "- **");
		md_line(o, cairn_buf_str(&label), label.len);
		cairn_buf_adds(o, "** ");
		cairn_buf_done(&label);
		/* A long value continues the item: a hard break, then indented. */
		md_lines(o, values[i], "\\\n  ", false);
		cairn_buf_addc(o, '\n');
	}
	if (n)
		cairn_buf_addc(o, '\n');
}

static void md_items(cairn_buf *o, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cairn_buf_adds(o, "- ");
		md_lines(o, items[i], "\\\n  ", false);
		cairn_buf_addc(o, '\n');
	}
	if (n)
		cairn_buf_addc(o, '\n');
}

static void md_answer(cairn_buf *o, const char *prompt, const char *value, bool items)
{
	cairn_buf_adds(o, "**");
	md_lines(o, prompt, " ", false);
	cairn_buf_adds(o, "**\n\n");
	if (!items) {
		md_text(o, value);
		return;
	}
	for (const char *s = value; *s;) {
		size_t n = strcspn(s, "\n");
		if (n) {
			cairn_buf_adds(o, "- ");
			md_line(o, s, n);
			cairn_buf_addc(o, '\n');
		}
		s += n + (s[n] == '\n');
	}
	cairn_buf_addc(o, '\n');
}

static void md_row(cairn_buf *o, const char *const *cells, size_t n)
{
	cairn_buf_addc(o, '|');
	for (size_t i = 0; i < n; i++) {
		cairn_buf_addc(o, ' ');
		md_lines(o, cells[i], " ", false);     /* a cell is one line */
		cairn_buf_adds(o, " |");
	}
	cairn_buf_addc(o, '\n');
}

static void md_table_begin(cairn_buf *o, const char *const *head, const char *align, size_t n)
{
	md_row(o, head, n);
	cairn_buf_addc(o, '|');
	for (size_t i = 0; i < n; i++)
		cairn_buf_adds(o, align[i] == 'r' ? " ---: |" : " --- |");
	cairn_buf_addc(o, '\n');
}

static void md_table_row(cairn_buf *o, const report_cell *cells, const char *align, size_t n)
{
	(void)align;    /* the delimiter row under the head aligns the column */
	cairn_buf_addc(o, '|');
	for (size_t i = 0; i < n; i++) {
		cairn_buf_addc(o, ' ');
		/* The mark is in the words ("met", "short"); Markdown has no colour. */
		md_lines(o, cells[i].text, " ", false);
		cairn_buf_adds(o, " |");
	}
	cairn_buf_addc(o, '\n');
}

static void md_table_end(cairn_buf *o)
{
	cairn_buf_addc(o, '\n');
}

const report_ops report_md_ops = {
	.begin = md_begin,
	.end = md_end,
	.heading = md_heading,
	.text = md_text,
	.note = md_note,
	.fields = md_fields,
	.items = md_items,
	.answer = md_answer,
	.table_begin = md_table_begin,
	.table_row = md_table_row,
	.table_end = md_table_end,
};
