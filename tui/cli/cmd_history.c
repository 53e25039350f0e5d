/* cairn log, diff and blame: a workbook's history, field by field.
 * Long output goes through the pager (tui/cli/pager.c); colours only when
 * standard output is a terminal and NO_COLOR is unset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/blame.h"
#include "cairn/date.h"
#include "cairn/history.h"
#include "cairn/kinds.h"
#include "cairn/layout.h"
#include "cairn/textdiff.h"
#include "cli.h"

enum paint { P_OFF, P_COMMIT, P_DEL, P_ADD, P_FLAG, P_DIM, P_HEAD };

typedef struct out {
	cli *c;
	bool color;
	size_t shown;
} out;

static void paint(const out *o, enum paint p)
{
	static const char *const codes[] = { "\033[m", "\033[33m", "\033[31m", "\033[32m",
					     "\033[1;31m", "\033[2m", "\033[1m" };
	if (o->color)
		fputs(codes[p], stdout);
}

static bool wants_color(const cli *c)
{
	const char *no = getenv("NO_COLOR");
	return c->out_tty && !(no && *no);
}

/* ---- one record's change, field by field ---- */

static void print_line(cairn_diff_op op, const char *line, size_t len, void *ctx)
{
	out *o = ctx;
	char *copy = strndup(line, len);

	paint(o, op == CAIRN_DIFF_DEL ? P_DEL : op == CAIRN_DIFF_ADD ? P_ADD : P_OFF);
	fputs(op == CAIRN_DIFF_DEL ? "    - " : op == CAIRN_DIFF_ADD ? "    + " : "      ", stdout);
	cli_put(o->c, stdout, copy ? copy : "", false);
	paint(o, P_OFF);
	fputc('\n', stdout);
	free(copy);
}

typedef struct field_ctx {
	out *o;
	const cairn_record *label_from;
} field_ctx;

static void show_field(const char *key, const char *a, const char *b, void *ctx)
{
	field_ctx *f = ctx;
	out *o = f->o;
	char label[400];
	cairn_error err;

	cairn_wb_field_label(o->c->wb, f->label_from, key, label, sizeof label);
	fputs("  ", stdout);
	cli_put(o->c, stdout, label, false);
	fputc('\n', stdout);
	if ((a && strchr(a, '\n')) || (b && strchr(b, '\n'))) {
		/* Long text: its lines, changed ones marked. */
		if (cairn_text_diff(a ? a : "", b ? b : "", print_line, o, &err) != CAIRN_OK)
			cli_error(o->c, &err);
		return;
	}
	if (a)
		print_line(CAIRN_DIFF_DEL, a, strlen(a), o);
	if (b)
		print_line(CAIRN_DIFF_ADD, b, strlen(b), o);
}

static cairn_status show_record(const char *path, const char *name, const cairn_record *before,
				const cairn_record *after, void *ctx, cairn_error *err)
{
	out *o = ctx;
	field_ctx f = { o, after ? after : before };

	(void)path;
	(void)err;
	paint(o, P_HEAD);
	cli_put(o->c, stdout, name, false);
	paint(o, P_OFF);
	fputs(!before ? _("  (added)\n") : !after ? _("  (removed)\n") : "\n", stdout);
	cairn_record_each_change(before, after, show_field, &f);
	o->shown++;
	return CAIRN_OK;
}

/* ---- cairn log ---- */

typedef struct log_ctx {
	out o;
	const char *path;       /* the record's file, or NULL for the timeline */
	bool oneline;           /* one line per commit, nothing else */
} log_ctx;

static cairn_status flag_line(const char *why, void *ctx, cairn_error *err)
{
	log_ctx *l = ctx;

	(void)err;
	paint(&l->o, P_FLAG);
	fputs(_("    ! authorship: "), stdout);
	cli_put(l->o.c, stdout, why, false);
	paint(&l->o, P_OFF);
	fputc('\n', stdout);
	return CAIRN_OK;
}

/* One line for each change the rules would have refused its author. */
static cairn_status audit_line(log_ctx *l, const cairn_history_row *commit, const char *path)
{
	cairn_error err;
	return cairn_wb_audit_each(l->o.c->wb, commit, path, flag_line, l, &err);
}

typedef struct files_ctx {
	log_ctx *l;
	const cairn_history_row *commit;
	char kinds[256];
	size_t n;
} files_ctx;

static cairn_status on_file(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	files_ctx *f = ctx;
	cairn_ref ref;
	cairn_error ignored;

	(void)err;
	f->n++;
	if (cairn_path_ref(r->path, &ref, &ignored) == CAIRN_OK && ref.kind != CAIRN_KIND_NONE) {
		const char *kind = cairn_kind_def_of(ref.kind)->name;
		if (!strstr(f->kinds, kind) && strlen(f->kinds) + strlen(kind) + 2 < sizeof f->kinds) {
			strcat(f->kinds, f->kinds[0] ? "," : "");
			strcat(f->kinds, kind);
		}
		/* An open workbook audits evaluations only; an enforced one, all. */
		return audit_line(f->l, f->commit, r->path);
	}
	return CAIRN_OK;
}

static cairn_status on_commit(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	log_ctx *l = ctx;
	char when[64];
	cairn_status st = CAIRN_OK;

	cairn_time_text(r->time, r->tz_minutes, when, sizeof when);
	if (l->oneline) {
		/* As git log --oneline, with the date and author. */
		paint(&l->o, P_COMMIT);
		printf("%.12s", r->id);
		paint(&l->o, P_OFF);
		printf(" %.16s ", when);
		cli_put(l->o.c, stdout, r->author_name, false);
		fputs("  ", stdout);
		cli_put(l->o.c, stdout, r->summary, false);
		fputc('\n', stdout);
		l->o.shown++;
		return CAIRN_OK;
	}
	paint(&l->o, P_COMMIT);
	printf("%.12s", r->id);
	paint(&l->o, P_OFF);
	printf("  %s  ", when);
	cli_put(l->o.c, stdout, r->author_name, false);
	fputs(" <", stdout);
	cli_put(l->o.c, stdout, r->author_email, false);
	fputs(">\n    ", stdout);
	l->o.shown++;
	cli_put(l->o.c, stdout, r->summary, false);
	fputc('\n', stdout);
	if (!l->path) {
		/* The timeline: what kinds of record it touched. */
		files_ctx f = { l, r, "", 0 };
		if ((st = cairn_wb_history_files(l->o.c->wb, r->id, on_file, &f, err)))
			return st;
		paint(&l->o, P_DIM);
		fputs("    ", stdout);
		if (f.kinds[0])
			printf(P_("%zu file: %s", "%zu files: %s", f.n), f.n, f.kinds);
		else
			printf(P_("%zu file", "%zu files", f.n), f.n);
		fputc('\n', stdout);
		paint(&l->o, P_OFF);
	} else {
		cairn_oid id, parent = { "" };
		snprintf(id.hex, sizeof id.hex, "%s", r->id);
		snprintf(parent.hex, sizeof parent.hex, "%.40s", r->parents);
		if ((st = audit_line(l, r, l->path)))
			return st;
		st = cairn_wb_diff(l->o.c->wb, &parent, &id, l->path, show_record, &l->o, err);
	}
	fputc('\n', stdout);
	return st;
}

/* log and blame in a shallow clone: what is shown stops where the
 * history held here does, and the way to the rest. */
static void shallow_note(cli *c)
{
	size_t n;

	if (cairn_wb_shallow(c->wb, &n))
		fprintf(stderr, P_("cairn: this workbook is a shallow clone: its history stops at "
				   "%zu commit whose parents are not here, so older changes are not "
				   "shown (a value set before it is credited to it); `git fetch "
				   "--unshallow` fetches the rest, and so does `cairn sync`\n",
				   "cairn: this workbook is a shallow clone: its history stops at "
				   "%zu commits whose parents are not here, so older changes are not "
				   "shown (a value set before them is credited to them); `git fetch "
				   "--unshallow` fetches the rest, and so does `cairn sync`\n", n), n);
}

int cmd_log(cli *c, int argc, char **argv)
{
	const char *record = NULL;
	cairn_author_pattern author = { NULL, false, false };
	char path[CAIRN_PATH_MAX];
	size_t limit = 0;
	log_ctx l;
	cairn_error err;
	cairn_status st;
	bool paged;

	memset(&l, 0, sizeof l);
	for (int i = 1; i < argc; i++) {
		/* --author as git's: a pattern over "Name <email>". */
		if (!strcmp(argv[i], "--author") && i + 1 < argc)
			author.pattern = argv[++i];
		else if (!strncmp(argv[i], "--author=", 9))
			author.pattern = argv[i] + 9;
		else if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "--regexp-ignore-case"))
			author.ignore_case = true;
		else if (!strcmp(argv[i], "-E") || !strcmp(argv[i], "--extended-regexp"))
			author.extended = true;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			limit = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--oneline"))
			l.oneline = true;
		else if (argv[i][0] != '-' && !record)
			record = argv[i];
		else
			return cli_verb_usage(c);
	}
	if (record && cairn_kind_by_name(record) == CAIRN_KIND_NONE) {
		if (cairn_wb_history_path(c->wb, record, path, sizeof path, &err) != CAIRN_OK)
			return cli_error(c, &err);
		l.path = path;
	}
	l.o.c = c;
	l.o.color = wants_color(c);
	paged = cli_pager_start(c);
	st = cairn_wb_history(c->wb, record, &author, limit, on_commit, &l, &err);
	if (st == CAIRN_OK && !l.o.shown && record)
		printf(_("no commit changed %s\n"), record);
	if (paged)
		cli_pager_end(c);
	else
		fflush(stdout);
	shallow_note(c);
	return st == CAIRN_OK ? EXIT_DONE : cli_error(c, &err);
}

/* ---- cairn diff ---- */

int cmd_diff(cli *c, int argc, char **argv)
{
	const char *rev = NULL, *record = NULL;
	cairn_oid from = { "" }, to = { "" };
	char path[CAIRN_PATH_MAX];
	const char *only = NULL;
	cairn_error err;
	cairn_status st;
	out o = { c, wants_color(c), 0 };
	bool paged;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			return cli_verb_usage(c);
		/* A revision names a commit; anything else is a record. */
		if (!rev && !record && (strstr(argv[i], "..") ||
					cairn_wb_revision(c->wb, argv[i], &from, &err) == CAIRN_OK))
			rev = argv[i];
		else if (!record)
			record = argv[i];
		else
			return cli_verb_usage(c);
	}
	if (record) {
		st = cairn_wb_history_path(c->wb, record, path, sizeof path, &err);
		/* A lone word that is neither: say both were tried. */
		if (st == CAIRN_ENOTFOUND && !rev && !strchr(record, '/'))
			return cli_fail(c, EXIT_REFUSED, _("'%s' is neither a commit (HEAD~1, origin/main, "
					"a commit id) nor a record of this workbook (cairn ls "
					"lists them)"), record);
		if (st != CAIRN_OK)
			return cli_error(c, &err);
		only = path;
	}
	if (rev && strstr(rev, "..")) {
		char left[256];
		const char *dots = strstr(rev, "..");
		snprintf(left, sizeof left, "%.*s", (int)(dots - rev), rev);
		if ((st = cairn_wb_revision(c->wb, *left ? left : "HEAD", &from, &err)) ||
		    (st = cairn_wb_revision(c->wb, dots[2] ? dots + 2 : "HEAD", &to, &err)))
			return cli_error(c, &err);
	} else if (rev) {
		if ((st = cairn_wb_revision(c->wb, "HEAD", &to, &err)))
			return cli_error(c, &err);
	} else {
		/* No revision: what the last commit changed. */
		if ((st = cairn_wb_revision(c->wb, "HEAD", &to, &err)))
			return cli_error(c, &err);
		if (cairn_wb_revision(c->wb, "HEAD~1", &from, &err) != CAIRN_OK)
			from.hex[0] = '\0';
	}
	paged = cli_pager_start(c);
	st = cairn_wb_diff(c->wb, &from, &to, only, show_record, &o, &err);
	if (st == CAIRN_OK && !o.shown)
		printf("%s\n", _("no differences"));
	if (paged)
		cli_pager_end(c);
	else
		fflush(stdout);
	return st == CAIRN_OK ? EXIT_DONE : cli_error(c, &err);
}

/* ---- cairn blame ---- */

/* A long text line by line: each line under its field with the commit,
 * date and author that wrote it, as git blame shows a file. */
static cairn_status blame_by_line(cli *c, const out *o, const char *path, const char *field,
				  cairn_error *err)
{
	cairn_blame_lines b;
	char when[64];
	cairn_status st = cairn_wb_blame_lines(c->wb, path, field, &b, err);

	if (st != CAIRN_OK)
		return st;
	for (size_t i = 0; i < b.n; i++) {
		const cairn_blame_line *l = &b.lines[i];
		fputs("    ", stdout);
		if (l->commit.hex[0]) {
			cairn_time_text(l->when, l->tz_minutes, when, sizeof when);
			paint(o, P_COMMIT);
			printf("%.12s", l->commit.hex);
			paint(o, P_OFF);
			printf("  %.16s  ", when);
			cli_cell(c, stdout, l->name ? l->name : "", 18);
		} else {
			cli_cell(c, stdout, _("(before the history)"), 50);
		}
		fputs("  ", stdout);
		cli_put(c, stdout, l->text, false);
		fputc('\n', stdout);
	}
	cairn_blame_lines_done(&b);
	return CAIRN_OK;
}

int cmd_blame(cli *c, int argc, char **argv)
{
	cairn_index_hit hit;
	cairn_record rec;
	cairn_blame *q;
	cairn_error err;
	cairn_status st;
	out o = { c, wants_color(c), 0 };

	if (argc != 2)
		return cli_verb_usage(c);
	if (cairn_wb_resolve(c->wb, argv[1], &hit, &err) != CAIRN_OK ||
	    cairn_wb_read(c->wb, &hit, &rec, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if (!(q = calloc(rec.nfields ? rec.nfields : 1, sizeof *q))) {
		cairn_record_done(&rec);
		return cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
	}
	for (size_t i = 0; i < rec.nfields; i++) {
		q[i].path = hit.path;
		q[i].field = rec.fields[i].key;
	}
	st = cairn_wb_blame(c->wb, q, rec.nfields, &err);
	for (size_t i = 0; st == CAIRN_OK && i < rec.nfields; i++) {
		char label[400], when[64];
		const char *v = rec.fields[i].value;
		size_t n = strcspn(v, "\n");
		char *first = strndup(v, n);
		cairn_wb_field_label(c->wb, &rec, q[i].field, label, sizeof label);
		if (v[n]) {
			/* Long text: by line, not by field. */
			free(first);
			cli_put(c, stdout, label, false);
			fputc('\n', stdout);
			st = blame_by_line(c, &o, hit.path, q[i].field, &err);
			continue;
		}
		cli_cell(c, stdout, label, 28);
		fputs(" ", stdout);
		cli_cell(c, stdout, first ? first : "", 28);
		free(first);
		if (q[i].commit.hex[0]) {
			cairn_time_text(q[i].when, q[i].tz_minutes, when, sizeof when);
			fputs("  ", stdout);
			paint(&o, P_COMMIT);
			printf("%.12s", q[i].commit.hex);
			paint(&o, P_OFF);
			printf("  %.16s  ", when);
			cli_put(c, stdout, q[i].name, false);
			fputs(" <", stdout);
			cli_put(c, stdout, q[i].email, false);
			fputs(">", stdout);
		} else {
			fputs(_("  (before the history)"), stdout);
		}
		fputc('\n', stdout);
	}
	cairn_blame_done(q, rec.nfields);
	free(q);
	cairn_record_done(&rec);
	shallow_note(c);
	return st == CAIRN_OK ? EXIT_DONE : cli_error(c, &err);
}
