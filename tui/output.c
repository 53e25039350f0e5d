/* Printing for the command line: every string from data passes the one
 * sanitiser before it reaches a terminal, errors go to stderr as
 * "cairn: ...", and JSON is written escaped so that it is safe on a
 * terminal and lossless in a pipe. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/csv.h"
#include "cairn/compare.h"
#include "cairn/date.h"
#include "cairn/json.h"
#include "cairn/query.h"
#include "cairn/sanitize.h"
#include "session.h"

void cli_put(cli *c, FILE *f, const char *text, bool multiline)
{
	char *safe = cairn_sanitize(text, strlen(text),
				    c->san | (multiline ? CAIRN_SAN_MULTILINE : 0));
	if (safe) {
		fputs(safe, f);
		free(safe);
	}
}

void cli_put_document(cli *c, const char *data, size_t len)
{
	cairn_buf lf = CAIRN_BUF_INIT;
	char *safe;

	if (!c->out_tty) {
		fwrite(data, 1, len, stdout);
		return;
	}
	/* A terminal shows lines: CR LF as LF, every other control byte (an
	 * OSC 52 that would set the clipboard, say) made visible. */
	for (size_t i = 0; i < len; i++)
		if (!(data[i] == '\r' && i + 1 < len && data[i + 1] == '\n'))
			cairn_buf_addc(&lf, data[i]);
	safe = cairn_sanitize(lf.data ? lf.data : "", lf.len,
			      c->san | CAIRN_SAN_MULTILINE | CAIRN_SAN_TABS);
	if (safe)
		fputs(safe, stdout);
	free(safe);
	cairn_buf_done(&lf);
}

void cli_printf(cli *c, FILE *f, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.oom)
		return;
	cli_put(c, f, cairn_buf_str(&b), true);
	cairn_buf_done(&b);
}

/* "cairn: " and the message on stderr.  A message whose line feeds are
 * its own (a server's lines under cairn's) shows as lines, each
 * sanitised, the ones after the first indented so that no text from a
 * server can start a line that looks like cairn's own; any other line
 * feed came from data and shows escaped, on the one line. */
static int put_failure(cli *c, int code, const char *msg, bool lines)
{
	fflush(stdout);
	fputs("cairn: ", stderr);
	for (const char *line = msg;;) {
		size_t len = lines ? strcspn(line, "\n") : strlen(line);
		char *one = strndup(line, len);
		cli_put(c, stderr, one ? one : "", false);
		free(one);
		fputc('\n', stderr);
		if (!line[len])
			break;
		line += len + 1;
		fputs("  ", stderr);
	}
	return code;
}

int cli_fail(cli *c, int code, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	put_failure(c, code, cairn_buf_str(&b), false);
	cairn_buf_done(&b);
	return code;
}

int cli_error(cli *c, const cairn_error *err)
{
	return put_failure(c, cairn_status_exit_code(err->code), err->msg, err->lines);
}

void cli_warn(const char *message, void *ctx)
{
	cli *c = ctx;
	fflush(stdout);
	fputs("cairn: ", stderr);
	cli_put(c, stderr, message, false);
	fputc('\n', stderr);
}

void cli_cell(cli *c, FILE *f, const char *text, size_t cols)
{
	/* A cut is marked, with an ellipsis where the terminal shows one. */
	bool ascii = c->san & CAIRN_SAN_ASCII;
	const char *mark = ascii ? "..." : "\u2026";
	size_t mw = ascii ? 3 : 1;
	char *cut = NULL;
	size_t w;

	if (cols > mw && cairn_display_width(text, c->san) > cols) {
		cut = cairn_sanitize_cols(text, cols - mw, c->san);
		if (!cut)
			return;
		w = cairn_display_width(cut, c->san) + mw;
		fputs(cut, f);
		fputs(mark, f);
	} else {
		if (!(cut = cairn_sanitize_cols(text, cols, c->san)))
			return;
		w = cairn_display_width(cut, c->san);
		fputs(cut, f);
	}
	for (; w < cols; w++)
		fputc(' ', f);
	free(cut);
}

void cli_date(cli *c, const char *iso, char *buf, size_t n)
{
	cairn_date d;

	if (!*iso || cairn_date_parse_iso(iso, &d, NULL) != CAIRN_OK) {
		snprintf(buf, n, "%s", iso);
		return;
	}
	cairn_date_show(d, c->wb ? cairn_wb_date_format(c->wb) : NULL, buf, n);
}

/* JSON strings for a terminal: every non-ASCII character as \uXXXX, so no
 * bidi override or invisible character reaches it raw; in a pipe, UTF-8
 * as it is. */
void cli_json_string(cli *c, cairn_buf *b, const char *s)
{
	if (!c->out_tty) {
		cairn_json_add_string(b, s);
		return;
	}
	cairn_buf tmp = CAIRN_BUF_INIT;
	cairn_json_add_string(&tmp, s);
	for (const unsigned char *p = (const unsigned char *)cairn_buf_str(&tmp); *p;) {
		unsigned cp;
		int len;
		if (*p < 0x80) {
			cairn_buf_addc(b, (char)*p++);
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			len = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			len = 3;
		} else {
			cp = *p & 0x07;
			len = 4;
		}
		for (int i = 1; i < len && p[i]; i++)
			cp = (cp << 6) | (p[i] & 0x3f);
		p += len;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			cairn_buf_printf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			cairn_buf_printf(b, "\\u%04x", cp);
		}
	}
	cairn_buf_done(&tmp);
}

void cli_json_record(cli *c, FILE *f, const cairn_ref *ref, const cairn_record *rec,
		     const char *derived_json)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_adds(&b, "{\"kind\": ");
	cli_json_string(c, &b, cairn_kind_def_of(ref->kind)->name);
	cairn_buf_adds(&b, ", \"id\": ");
	cli_json_string(c, &b, ref->id);
	cairn_buf_adds(&b, ", \"fields\": {");
	for (size_t i = 0; i < rec->nfields; i++) {
		cairn_buf_adds(&b, i ? ", " : "");
		cli_json_string(c, &b, rec->fields[i].key);
		cairn_buf_adds(&b, ": ");
		cli_json_string(c, &b, rec->fields[i].value);
	}
	cairn_buf_adds(&b, "}");
	if (derived_json)
		cairn_buf_printf(&b, ", \"derived\": %s", derived_json);
	cairn_buf_adds(&b, "}");
	fwrite(cairn_buf_str(&b), 1, b.len, f);
	cairn_buf_done(&b);
}

char *cli_read_stream(FILE *f, size_t *len)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		cairn_buf_add(&b, chunk, n);
	if (ferror(f) || b.oom) {
		cairn_buf_done(&b);
		return NULL;
	}
	return cairn_buf_detach(&b, len);
}

char *cli_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;

	if (!f)
		return NULL;
	data = cli_read_stream(f, len);
	fclose(f);
	return data;
}

/* RFC 4180: CRLF, quotes doubled, UTF-8; a cell is quoted when it holds
 * the separator, a quote, a line break or an edge space, and also ; and
 * TAB, which LibreOffice's import splits on by default, so one value
 * stays one cell.  A value a spreadsheet would run as a formula goes behind
 * an apostrophe (cairn_csv_needs_mark), which `cairn import csv` takes off. */
void cli_csv_cell(cairn_buf *out, const char *v)
{
	bool quote = strpbrk(v, ",;\t\"\r\n") != NULL || (*v == ' ' || (*v && v[strlen(v) - 1] == ' '));
	bool mark = cairn_csv_needs_mark(v);

	if (!quote) {
		if (mark)
			cairn_buf_add(out, "'", 1);
		cairn_buf_adds(out, v);
		return;
	}
	cairn_buf_add(out, "\"", 1);
	if (mark)
		cairn_buf_add(out, "'", 1);
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			cairn_buf_add(out, "\"", 1);
		/* Line breaks inside a cell are CRLF too, as spreadsheets write them. */
		if (*p == '\n')
			cairn_buf_add(out, "\r", 1);
		cairn_buf_add(out, p, 1);
	}
	cairn_buf_add(out, "\"", 1);
}

/* A number with at most `decimals` decimals and no trailing 0, written by
 * hand: printf's would follow LC_NUMERIC ("3,67"), which JSON and CSV
 * readers do not take. */
void cli_decimal(char *buf, size_t n, double v, int decimals)
{
	long long scale = 1, whole, frac;
	char digits[16];
	int nd = 0;

	if (decimals > 9)
		decimals = 9;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	frac = llround(fabs(v) * (double)scale);
	whole = frac / scale;
	frac %= scale;
	/* The decimals, most significant first, without the trailing 0s. */
	for (long long d = scale / 10; d > 0 && frac; d /= 10) {
		digits[nd++] = (char)('0' + frac / d);
		frac %= d;
	}
	digits[nd] = '\0';
	snprintf(buf, n, "%s%lld%s%s", v < 0 && (whole || nd) ? "-" : "", whole, nd ? "." : "",
		 digits);
}

void cli_number_summary(cairn_buf *b, const cairn_compare_summary *s)
{
	char mean[32], sd[32], lo[32], hi[32];

	cli_decimal(mean, sizeof mean, s->mean, 2);
	cli_decimal(sd, sizeof sd, s->sd, 2);
	cli_decimal(lo, sizeof lo, s->min, 2);
	cli_decimal(hi, sizeof hi, s->max, 2);
	cairn_buf_printf(b, _("mean %s, spread %s, from %s to %s"), mean, sd, lo, hi);
	/* Answers of an older version that today's question refuses. */
	if (s->numbers < s->answered)
		cairn_buf_printf(b, P_(", over %zu of them", ", over %zu of them", s->numbers),
				 s->numbers);
}

static cairn_status take_name(const char *const *values, void *ctx, cairn_error *err)
{
	cli_persons *p = ctx;
	char **v = realloc(p->v, (p->n + 2) * sizeof *v);

	if (!v)
		return cairn_oom(err);
	p->v = v;
	v[p->n] = strdup(values[0]);
	v[p->n + 1] = strdup(values[1]);
	p->n += 2;
	return v[p->n - 2] && v[p->n - 1] ? CAIRN_OK : cairn_oom(err);
}

cairn_status cli_persons_load(cli *c, cli_persons *p, cairn_error *err)
{
	static const char *const pcols[] = { "id", "name" };

	return cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_PERSON, pcols, 2, NULL, 0, "id",
				0, take_name, p, err);
}

const char *cli_id_and_name(const char *id, const char *name, char *buf, size_t n)
{
	if (!name || !*name || !strcmp(name, id))
		return id;
	snprintf(buf, n, "%s (%s)", id, name);
	return buf;
}

const char *cli_person_label(const cli_persons *p, const char *id, char *buf, size_t n)
{
	for (size_t k = 0; *id && k < p->n; k += 2)
		if (!strcmp(p->v[k], id))
			return cli_id_and_name(id, p->v[k + 1], buf, n);
	return id;
}

void cli_persons_done(cli_persons *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}
