/* cairn export (csv, json, ics) and cairn agenda: the workbook for the
 * programs people already use, spreadsheets, calendars, scripts, cron. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/date.h"
#include "cairn/derive.h"
#include "cairn/history.h"
#include "cli.h"

/* ---- CSV (RFC 4180: CRLF, quotes doubled, UTF-8) ---- */

typedef struct csv_ctx {
	cairn_kind kind;
	char **keys;            /* the columns: the kind's fields, then others seen */
	size_t nkeys;
	cairn_record *recs;
	cairn_ref *refs;
	size_t n;
	cairn_status st;
} csv_ctx;

static void add_key(csv_ctx *x, const char *key)
{
	char **grown;
	for (size_t i = 0; i < x->nkeys; i++)
		if (!strcmp(x->keys[i], key))
			return;
	grown = realloc(x->keys, (x->nkeys + 1) * sizeof *grown);
	if (!grown || !(grown[x->nkeys] = strdup(key))) {
		if (grown)
			x->keys = grown;
		x->st = CAIRN_ENOMEM;
		return;
	}
	x->keys = grown;
	x->nkeys++;
}

static cairn_status collect_record(const cairn_ref *ref, const char *path, const char *body,
				   size_t len, void *ctx, cairn_error *err)
{
	csv_ctx *x = ctx;
	cairn_record *grown = realloc(x->recs, (x->n + 1) * sizeof *grown);
	cairn_ref *grown_refs;

	if (!grown)
		return cairn_fail(err, CAIRN_ENOMEM, "out of memory");
	x->recs = grown;
	if (!(grown_refs = realloc(x->refs, (x->n + 1) * sizeof *grown_refs)))
		return cairn_fail(err, CAIRN_ENOMEM, "out of memory");
	x->refs = grown_refs;
	if (cairn_record_parse(&x->recs[x->n], body, len, path, err) != CAIRN_OK)
		return err->code;
	x->refs[x->n] = *ref;
	for (size_t i = 0; i < x->recs[x->n].nfields; i++)
		add_key(x, x->recs[x->n].fields[i].key);
	x->n++;
	return x->st;
}

static int export_csv(cli *c, cairn_kind kind)
{
	const cairn_kind_def *def = cairn_kind_def_of(kind);
	csv_ctx x = { .kind = kind };
	cairn_buf out = CAIRN_BUF_INIT;
	cairn_error err;
	int rc = EXIT_DONE;

	/* The kind's own fields first, in their order, so that every export
	 * of a kind has the same first columns. */
	for (size_t i = 0; i < def->nfields; i++)
		add_key(&x, def->fields[i].name);
	if (cairn_index_each(cairn_wb_index(c->wb), kind, NULL, 0, collect_record, &x, &err) !=
	    CAIRN_OK) {
		rc = cli_error(c, &err);
		goto done;
	}
	cairn_buf_adds(&out, "id");
	for (size_t k = 0; k < x.nkeys; k++) {
		cairn_buf_add(&out, ",", 1);
		cli_csv_cell(&out, x.keys[k]);
	}
	cairn_buf_adds(&out, "\r\n");
	for (size_t r = 0; r < x.n; r++) {
		cli_csv_cell(&out, x.refs[r].id);
		for (size_t k = 0; k < x.nkeys; k++) {
			const char *v = cairn_record_get(&x.recs[r], x.keys[k]);
			cairn_buf_add(&out, ",", 1);
			cli_csv_cell(&out, v ? v : "");
		}
		cairn_buf_adds(&out, "\r\n");
	}
	if (out.oom)
		rc = cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
	else
		cli_put_document(c, out.data, out.len);
done:
	for (size_t r = 0; r < x.n; r++)
		cairn_record_done(&x.recs[r]);
	for (size_t k = 0; k < x.nkeys; k++)
		free(x.keys[k]);
	free(x.recs);
	free(x.refs);
	free(x.keys);
	cairn_buf_done(&out);
	return rc;
}

/* ---- iCalendar (RFC 5545) ---- */

/* TEXT escaped (backslash, semicolon, comma, newline). */
static void ics_text(cairn_buf *b, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == ';' || *p == ',')
			cairn_buf_add(b, "\\", 1);
		if (*p == '\n') {
			cairn_buf_adds(b, "\\n");
			continue;
		}
		if (*p == '\r')
			continue;
		cairn_buf_add(b, p, 1);
	}
}

/* One content line, folded at 75 octets (never inside a UTF-8 sequence). */
static void ics_line(cairn_buf *out, const char *line)
{
	size_t len = strlen(line), at = 0, room = 75;

	while (len - at > room) {
		size_t cut = at + room;
		while (cut > at && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		cairn_buf_add(out, line + at, cut - at);
		cairn_buf_adds(out, "\r\n ");
		at = cut;
		room = 74;      /* the leading space counts */
	}
	cairn_buf_add(out, line + at, len - at);
	cairn_buf_adds(out, "\r\n");
}

typedef struct ics_ctx {
	cli *c;
	cairn_buf *out;
	const char *identity;
	const char *stamp;      /* when the record never changed in the history */
} ics_ctx;

/* "YYYYMMDDTHHMMSSZ" of a time in seconds since the epoch, in UTC. */
static void ics_utc(long long t, char *buf, size_t n)
{
	long long days = t / 86400, secs = t % 86400;
	cairn_date d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	d = cairn_date_from_days((long)days);
	snprintf(buf, n, "%04d%02d%02dT%02d%02d%02dZ", d.y, d.m, d.d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
}

static cairn_status ics_event(const char *const *v, void *ctx, cairn_error *err, const char *kind,
			      const char *what)
{
	ics_ctx *x = ctx;
	cairn_buf line = CAIRN_BUF_INIT;
	char day[9], next[9];
	cairn_date d;

	(void)err;
	/* v: id, date, title, status */
	if (!*v[1] || cairn_date_parse_iso(v[1], &d, err) != CAIRN_OK)
		return CAIRN_OK;
	snprintf(day, sizeof day, "%04d%02d%02d", d.y, d.m, d.d);
	d = cairn_date_from_days(cairn_date_to_days(d) + 1);
	snprintf(next, sizeof next, "%04d%02d%02d", d.y, d.m, d.d);
	ics_line(x->out, "BEGIN:VEVENT");
	/* The same record gives the same UID in every export and every clone,
	 * so a subscribed calendar updates the event instead of adding one. */
	cairn_buf_printf(&line, "UID:%s-%s@%s.cairn", kind, v[0], x->identity);
	ics_line(x->out, cairn_buf_str(&line));
	cairn_buf_reset(&line);
	{
		/* The record's own revision: SEQUENCE rises with each commit
		 * that changed it (a moved deadline among them), and DTSTAMP
		 * and LAST-MODIFIED are the newest one's time, so a calendar
		 * takes the new date and two exports of one history agree. */
		char name[CAIRN_REF_ID_MAX + 32], path[CAIRN_PATH_MAX], stamp[32];
		size_t revs = 0;
		long long last = 0;
		cairn_error ignored;
		snprintf(name, sizeof name, "%s/%s", kind, v[0]);
		if (cairn_wb_history_path(x->c->wb, name, path, sizeof path, &ignored) != CAIRN_OK ||
		    cairn_wb_revisions(x->c->wb, path, &revs, &last, &ignored) != CAIRN_OK)
			revs = 0;
		if (revs)
			ics_utc(last, stamp, sizeof stamp);
		else
			snprintf(stamp, sizeof stamp, "%s", x->stamp);
		cairn_buf_printf(&line, "DTSTAMP:%s", stamp);
		ics_line(x->out, cairn_buf_str(&line));
		cairn_buf_reset(&line);
		if (revs) {
			cairn_buf_printf(&line, "LAST-MODIFIED:%s", stamp);
			ics_line(x->out, cairn_buf_str(&line));
			cairn_buf_reset(&line);
		}
		cairn_buf_printf(&line, "SEQUENCE:%zu", revs ? revs - 1 : 0);
		ics_line(x->out, cairn_buf_str(&line));
		cairn_buf_reset(&line);
	}
	cairn_buf_printf(&line, "DTSTART;VALUE=DATE:%s", day);
	ics_line(x->out, cairn_buf_str(&line));
	cairn_buf_reset(&line);
	cairn_buf_printf(&line, "DTEND;VALUE=DATE:%s", next);
	ics_line(x->out, cairn_buf_str(&line));
	cairn_buf_reset(&line);
	cairn_buf_adds(&line, "SUMMARY:");
	ics_text(&line, v[0]);
	cairn_buf_adds(&line, " ");
	ics_text(&line, what);
	cairn_buf_adds(&line, ": ");
	ics_text(&line, v[2]);
	ics_line(x->out, cairn_buf_str(&line));
	cairn_buf_reset(&line);
	cairn_buf_adds(&line, "CATEGORIES:");
	ics_text(&line, kind);
	ics_line(x->out, cairn_buf_str(&line));
	if (!strcmp(v[3], "done") || !strcmp(v[3], "dropped"))
		ics_line(x->out, !strcmp(v[3], "done") ? "STATUS:CONFIRMED" : "STATUS:CANCELLED");
	ics_line(x->out, "END:VEVENT");
	cairn_buf_done(&line);
	return CAIRN_OK;
}

static cairn_status milestone_event(const char *const *v, void *ctx, cairn_error *err)
{
	return ics_event(v, ctx, err, "milestone", "deadline");
}

static cairn_status task_event(const char *const *v, void *ctx, cairn_error *err)
{
	return ics_event(v, ctx, err, "task", "due");
}

static int export_ics(cli *c)
{
	static const char *const mcols[] = { "id", "deadline", "title", "status" };
	static const char *const tcols[] = { "id", "due", "title", "status" };
	cairn_buf out = CAIRN_BUF_INIT, line = CAIRN_BUF_INIT;
	char identity[64], stamp[32], iso[11];
	cairn_date today = cairn_wb_today(c->wb);
	ics_ctx x = { c, &out, identity, stamp };
	cairn_error err;
	int rc = EXIT_DONE;

	if (cairn_wb_identity(c->wb, identity, sizeof identity, &err) != CAIRN_OK ||
	    cairn_wb_history_catch_up(c->wb, &err) != CAIRN_OK)
		return cli_error(c, &err);
	cairn_date_iso(today, iso, sizeof iso);
	/* DTSTAMP for a record the history does not hold (a reader behind
	 * HEAD): the workbook's today, so the export is still reproducible. */
	snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT000000Z", iso, iso + 5, iso + 8);
	ics_line(&out, "BEGIN:VCALENDAR");
	ics_line(&out, "VERSION:2.0");
	ics_line(&out, "PRODID:-//cairn//cairn " PACKAGE_VERSION "//EN");
	ics_line(&out, "CALSCALE:GREGORIAN");
	cairn_buf_adds(&line, "X-WR-CALNAME:");
	ics_text(&line, cairn_wb_name(c->wb));
	ics_line(&out, cairn_buf_str(&line));
	if (cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_MILESTONE, mcols, 4, NULL, 0, "id", 0,
			     milestone_event, &x, &err) != CAIRN_OK ||
	    cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_TASK, tcols, 4, NULL, 0, "id", 0,
			     task_event, &x, &err) != CAIRN_OK) {
		rc = cli_error(c, &err);
		goto done;
	}
	ics_line(&out, "END:VCALENDAR");
	if (out.oom)
		rc = cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
	else
		cli_put_document(c, out.data, out.len);
done:
	cairn_buf_done(&out);
	cairn_buf_done(&line);
	return rc;
}

/* ---- JSON: every record, as `ls --json` writes them ---- */

typedef struct json_ctx {
	cli *c;
	size_t n;
} json_ctx;

static cairn_status json_record(const cairn_ref *ref, const char *path, const char *body,
				size_t len, void *ctx, cairn_error *err)
{
	json_ctx *x = ctx;
	cairn_record rec;

	if (cairn_record_parse(&rec, body, len, path, err) != CAIRN_OK)
		return err->code;
	printf("%s\n  ", x->n++ ? "," : "");
	cli_json_record(x->c, stdout, ref, &rec, NULL);
	cairn_record_done(&rec);
	return CAIRN_OK;
}

static int export_json(cli *c)
{
	json_ctx x = { c, 0 };
	cairn_error err;

	printf("[");
	if (cairn_index_each(cairn_wb_index(c->wb), CAIRN_KIND_NONE, NULL, 0, json_record, &x, &err) !=
	    CAIRN_OK)
		return cli_error(c, &err);
	printf("\n]\n");
	return EXIT_DONE;
}

int cmd_export(cli *c, int argc, char **argv)
{
	cairn_kind kind;

	if (argc < 2)
		return cli_fail(c, EXIT_USAGE, _("export what? cairn export csv KIND | json | ics"));
	if (!strcmp(argv[1], "json") && argc == 2)
		return export_json(c);
	if (!strcmp(argv[1], "ics") && argc == 2)
		return export_ics(c);
	if (!strcmp(argv[1], "csv") && argc == 3) {
		if ((kind = cairn_kind_by_name(argv[2])) == CAIRN_KIND_NONE)
			return cli_not_a_kind(c, EXIT_USAGE, argv[2]);
		return export_csv(c, kind);
	}
	return cli_verb_usage(c);
}

/* ---- agenda ---- */

typedef struct agenda_ctx {
	cli *c;
	cairn_date today;
	long days;
	long overdue, soon;
	const char *kind;
} agenda_ctx;

static cairn_status agenda_row(const char *const *v, void *ctx, cairn_error *err)
{
	agenda_ctx *x = ctx;
	cairn_deadline d = cairn_deadline_of(v[1], v[3], x->today);
	char date[32];

	(void)err;
	if (!d.has_deadline || !strcmp(v[3], "done") || !strcmp(v[3], "dropped") ||
	    (!d.overdue && d.days_left > x->days))
		return CAIRN_OK;
	cli_date(x->c, v[1], date, sizeof date);
	if (d.overdue) {
		/* TRANSLATORS: 15 columns wide, as "in %3ld d       " below; d is days. */
		printf(_("OVERDUE %3ld d  "), -d.days_left);
		x->overdue++;
	} else {
		/* TRANSLATORS: 15 columns wide, as "OVERDUE %3ld d  " above. */
		printf(_("in %3ld d       "), d.days_left);
		x->soon++;
	}
	printf("%-10s %-9s ", date, x->kind);
	cli_put(x->c, stdout, v[0], false);
	printf("  ");
	cli_put(x->c, stdout, v[2], false);
	if (*v[4]) {
		printf(" (");
		cli_put(x->c, stdout, v[4], false);
		printf(")");
	}
	printf("\n");
	return CAIRN_OK;
}

int cmd_agenda(cli *c, int argc, char **argv)
{
	static const char *const mcols[] = { "id", "deadline", "title", "status", "owner" };
	static const char *const tcols[] = { "id", "due", "title", "status", "assignee" };
	agenda_ctx x = { c, cairn_wb_today(c->wb), 14, 0, 0, "milestone" };
	cairn_error err;

	for (int i = 1; i < argc; i++) {
		char *end;
		if (!strcmp(argv[i], "--days") && i + 1 < argc) {
			x.days = strtol(argv[++i], &end, 10);
			if (*end || x.days < 0 || x.days > 3660)
				return cli_fail(c, EXIT_USAGE, "%s",
						_("--days takes a number of days (0-3660)"));
		} else {
			return cli_verb_usage(c);
		}
	}
	if (cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_MILESTONE, mcols, 5, NULL, 0,
			     "deadline", 0, agenda_row, &x, &err) != CAIRN_OK)
		return cli_error(c, &err);
	x.kind = "task";
	if (cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_TASK, tcols, 5, NULL, 0, "due", 0,
			     agenda_row, &x, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if (!x.overdue && !x.soon)
		/* English keeps "days" for 1 too (scripts read it); other
		 * languages count in their own way. */
		printf(P_("nothing overdue and nothing due in the next %ld days\n",
			  "nothing overdue and nothing due in the next %ld days\n", x.days), x.days);
	/* For cron: the exit status says whether anything is overdue. */
	return x.overdue ? EXIT_OVERDUE : EXIT_DONE;
}
