/* cairn report --html: one standalone page.
 *
 * The styles are inline and nothing is fetched: no scripts, fonts, images
 * or links out, so the page reads the same offline, in a mail, or printed.
 * Every character from data is escaped (& < > " '); line breaks in long
 * text are kept by `white-space: pre-line`, not by markup made from data.
 * The colours of the title band, the table heads and the grid are the ones
 * tests/cli/report.sh looks for in a screenshot: change both together. */
#include <stdbool.h>
#include <string.h>

#include "cairn/i18n.h"
#include "report_fmt.h"

/* The first n bytes of s, escaped. */
static void esc_n(cairn_buf *o, const char *s, size_t n)
{
	for (; n--; s++) {
		switch (*s) {
		case '&': cairn_buf_adds(o, "&amp;"); break;
		case '<': cairn_buf_adds(o, "&lt;"); break;
		case '>': cairn_buf_adds(o, "&gt;"); break;
		case '"': cairn_buf_adds(o, "&quot;"); break;
		case '\'': cairn_buf_adds(o, "&#39;"); break;
		default: cairn_buf_addc(o, *s);
		}
	}
}

static void esc(cairn_buf *o, const char *s)
{
	esc_n(o, s, strlen(s));
}

static const char style[] =
	"body{margin:0;background:#fff;color:#1b1f24;"
	"font:16px/1.55 \"Noto Serif\",\"DejaVu Serif\",Georgia,\"Times New Roman\",serif}\n"
	"h1,h2,h3,h4,table,dl{font-family:\"Noto Sans\",\"DejaVu Sans\",\"Helvetica Neue\","
	"Arial,sans-serif}\n"
	".band{background:#1d3557;color:#fff;padding:2rem 0 1.5rem}\n"
	".wrap,main{max-width:72rem;margin:0 auto;padding:0 2rem}\n"
	".band h1{font-size:2rem;line-height:1.2;font-weight:700;margin:0 0 .6rem}\n"
	".band .name{font-size:1.3rem;margin:0}\n"
	".band .state{margin:.3rem 0 0;color:#d5deea;font-size:.9rem}\n"
	"main{padding-top:1.5rem;padding-bottom:3rem}\n"
	"h2{font-size:1.45rem;margin:2.5rem 0 1rem;padding:.35rem .75rem;background:#e4ecf5;"
	"border-left:6px solid #1d3557;color:#1d3557}\n"
	"h3{font-size:1.2rem;margin:2rem 0 .75rem;color:#1d3557;"
	"border-bottom:2px solid #c5d3e3;padding-bottom:.2rem}\n"
	"h4{font-size:1.05rem;margin:1.75rem 0 .5rem}\n"
	"p{margin:0 0 1rem}\n"
	".text,.a,dd{white-space:pre-line}\n"
	".note{color:#5f6b7a;font-style:italic}\n"
	".scroll{overflow-x:auto;margin:0 0 1.5rem}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem;line-height:1.4}\n"
	"th,td{border:1px solid #8a9bb0;padding:.45rem .6rem;text-align:left;vertical-align:top}\n"
	"th{background:#34568b;color:#fff;font-weight:600}\n"
	"tbody tr:nth-child(even) td{background:#f3f6fa}\n"
	".r{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.r,td.n{white-space:nowrap}\n"
	"tbody tr td.met{background:#dcefdc;color:#14532d}\n"
	"tbody tr td.short{background:#f9dedb;color:#7f1d1d;font-weight:600}\n"
	"td.unknown{color:#5f6b7a;font-style:italic}\n"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;"
	"margin:0 0 1rem;font-size:.95rem}\n"
	"dt{font-weight:600;color:#374151}\n"
	"dd{margin:0}\n"
	".qa{margin:0 0 .9rem;padding-left:.9rem;border-left:3px solid #c5d3e3;"
	"break-inside:avoid}\n"
	".q{font-weight:600;margin:0}\n"
	".a{margin:.15rem 0 0}\n"
	".qa ul{margin:.15rem 0 0;padding-left:1.25rem}\n"
	"@media print{body{font-size:11pt}"
	".band,th,h2,td.met,td.short{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	".wrap,main{max-width:none;padding:0 1cm}h2,h3,h4{break-after:avoid}"
	"tr{break-inside:avoid}thead{display:table-header-group}.scroll{overflow:visible}}\n";

static void html_begin(cairn_buf *o, const char *title, const char *name, const char *state)
{
	cairn_buf_adds(o, "<!DOCTYPE html>\n<html lang=\"");
	/* TRANSLATORS: the language tag of the report's HTML page (BCP 47):
	 * "fr" for French. */
	esc(o, _("en"));
	cairn_buf_adds(o, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<title>");
	esc(o, title);
	cairn_buf_adds(o, " \xe2\x80\x94 ");
	esc(o, name);
	cairn_buf_adds(o, "</title>\n<style>\n");
	cairn_buf_adds(o, style);
	cairn_buf_adds(o, "</style>\n</head>\n<body>\n<header class=\"band\"><div class=\"wrap\">\n"
		       "<h1>");
	esc(o, title);
	cairn_buf_adds(o, "</h1>\n<p class=\"name\">");
	esc(o, name);
	cairn_buf_adds(o, "</p>\n<p class=\"state\">");
	esc(o, state);
	cairn_buf_adds(o, "</p>\n</div></header>\n<main>\n");
}

static void html_end(cairn_buf *o)
{
	cairn_buf_adds(o, "</main>\n</body>\n</html>\n");
}

static void html_heading(cairn_buf *o, int level, const char *anchor, const char *text)
{
	cairn_buf_printf(o, "<h%d", level);
	if (anchor) {
		cairn_buf_adds(o, " id=\"");
		esc(o, anchor);
		cairn_buf_addc(o, '"');
	}
	cairn_buf_addc(o, '>');
	esc(o, text);
	cairn_buf_printf(o, "</h%d>\n", level);
}

static void html_para(cairn_buf *o, const char *cls, const char *text)
{
	cairn_buf_printf(o, "<p class=\"%s\">", cls);
	esc(o, text);
	cairn_buf_adds(o, "</p>\n");
}

static void html_text(cairn_buf *o, const char *text)
{
	html_para(o, "text", text);
}

static void html_note(cairn_buf *o, const char *text)
{
	html_para(o, "note", text);
}

static void html_fields(cairn_buf *o, const char *const *labels, const char *const *values,
			size_t n)
{
	if (!n)
		return;
	cairn_buf_adds(o, "<dl>\n");
	for (size_t i = 0; i < n; i++) {
		cairn_buf_adds(o, "<dt>");
		esc(o, labels[i]);
		cairn_buf_adds(o, "</dt><dd>");
		esc(o, values[i]);
		cairn_buf_adds(o, "</dd>\n");
	}
	cairn_buf_adds(o, "</dl>\n");
}

static void html_items(cairn_buf *o, const char *const *items, size_t n)
{
	cairn_buf_adds(o, "<ul>\n");
	for (size_t i = 0; i < n; i++) {
		cairn_buf_adds(o, "<li>");
		esc(o, items[i]);
		cairn_buf_adds(o, "</li>\n");
	}
	cairn_buf_adds(o, "</ul>\n");
}

static void html_answer(cairn_buf *o, const char *prompt, const char *value, bool items)
{
	cairn_buf_adds(o, "<div class=\"qa\"><p class=\"q\">");
	esc(o, prompt);
	cairn_buf_adds(o, "</p>");
	if (items) {
		cairn_buf_adds(o, "<ul>");
		for (const char *s = value; *s;) {
			size_t n = strcspn(s, "\n");
			if (n) {
				cairn_buf_adds(o, "<li>");
				esc_n(o, s, n);
				cairn_buf_adds(o, "</li>");
			}
			s += n + (s[n] == '\n');
		}
		cairn_buf_adds(o, "</ul>");
	} else {
		cairn_buf_adds(o, "<p class=\"a\">");
		esc(o, value);
		cairn_buf_adds(o, "</p>");
	}
	cairn_buf_adds(o, "</div>\n");
}

static void html_table_begin(cairn_buf *o, const char *const *head, const char *align, size_t n)
{
	cairn_buf_adds(o, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (size_t i = 0; i < n; i++) {
		cairn_buf_adds(o, align[i] == 'r' ? "<th class=\"r\">" : "<th>");
		esc(o, head[i]);
		cairn_buf_adds(o, "</th>");
	}
	cairn_buf_adds(o, "</tr></thead>\n<tbody>\n");
}

static void html_table_row(cairn_buf *o, const report_cell *cells, const char *align, size_t n)
{
	static const char *const mark_class[] = {
		[REPORT_PLAIN] = "", [REPORT_MET] = "met", [REPORT_SHORT] = "short",
		[REPORT_UNKNOWN] = "unknown",
	};

	cairn_buf_adds(o, "<tr>");
	for (size_t i = 0; i < n; i++) {
		const char *mark = mark_class[cells[i].mark];
		const char *col = align[i] == 'r' ? "r" : align[i] == 'n' ? "n" : "";
		if (*col || *mark)
			cairn_buf_printf(o, "<td class=\"%s%s%s\">", col, *col && *mark ? " " : "",
					 mark);
		else
			cairn_buf_adds(o, "<td>");
		esc(o, cells[i].text);
		cairn_buf_adds(o, "</td>");
	}
	cairn_buf_adds(o, "</tr>\n");
}

static void html_table_end(cairn_buf *o)
{
	cairn_buf_adds(o, "</tbody>\n</table></div>\n");
}

const report_ops report_html_ops = {
	.begin = html_begin,
	.end = html_end,
	.heading = html_heading,
	.text = html_text,
	.note = html_note,
	.fields = html_fields,
	.items = html_items,
	.answer = html_answer,
	.table_begin = html_table_begin,
	.table_row = html_table_row,
	.table_end = html_table_end,
};
