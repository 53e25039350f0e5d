/* A workbook through its C API (include/cairn/workbook.h): creating one,
 * saving edits as commits, refused edits that leave no trace, the index
 * catching up with commits made by plain git, a record file broken by
 * hand, and the index rebuilt from the records.
 *
 * git's command-line tool is the witness for what landed in the
 * repository: commit subjects, authors, file contents, a clean status. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/workbook.h"
#include "index/index.h"
#include "tap.h"

static char base[256], wbdir[PATH_MAX], root[PATH_MAX];
static cairn_config cfg;

/* ---- helpers ---- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* A command's output without its trailing newlines (a static buffer). */
static const char *out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *out(const char *fmt, ...)
{
	static char buf[65536];
	char cmd[8192];
	va_list ap;
	size_t n;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	if (!(p = popen(cmd, "r")))
		return buf;
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

/* text with line breaks shown as \n, for a one-line TAP description. */
static const char *esc(const char *text)
{
	static char bufs[4][2048];
	static int next;
	char *b = bufs[next++ % 4];
	size_t n = 0;

	for (; text && *text && n + 3 < sizeof bufs[0]; text++) {
		if (*text == '\n') {
			b[n++] = '\\';
			b[n++] = 'n';
		} else {
			b[n++] = *text;
		}
	}
	b[n] = '\0';
	return b;
}


static bool has(const char *text, const char *part)
{
	return text && strstr(text, part) != NULL;
}

/* The whole of a file under the workbook ("" when missing; a new string). */
static char *slurp(const char *rel)
{
	char path[PATH_MAX];
	cairn_buf b = CAIRN_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	pathf(path, sizeof path, "%s/%s", root, rel);
	if ((f = fopen(path, "rb"))) {
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			cairn_buf_add(&b, chunk, n);
		fclose(f);
	}
	cairn_buf_adds(&b, "");
	return cairn_buf_detach(&b, NULL);
}

static bool write_file(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	bool done;

	pathf(path, sizeof path, "%s/%s", root, rel);
	if (!(f = fopen(path, "wb")))
		return false;
	done = fputs(text, f) >= 0;
	return fclose(f) == 0 && done;
}

/* Where a record lives (a static buffer per call site: copy it). */
static const char *record_path(const char *name)
{
	static char buf[4][CAIRN_PATH_MAX];
	static int next;
	char *b = buf[next++ % 4];
	cairn_ref ref;

	if (cairn_ref_parse(name, &ref, NULL) != CAIRN_OK || ref.kind == CAIRN_KIND_NONE)
		return "(bad name)";
	cairn_ref_path(&ref, b, CAIRN_PATH_MAX);
	return b;
}

static char head_buf[64];

static const char *head(void)
{
	pathf(head_buf, sizeof head_buf, "%s", out("git -C '%s' rev-parse HEAD", root));
	return head_buf;
}

/* One edit of one record: kv holds key, value, key, value... */
static cairn_status save(cairn_wb *wb, cairn_edit_op op, const char *name,
			 const char *const *kv, size_t npairs, cairn_save_result *res,
			 cairn_error *err)
{
	const char *keys[16], *values[16];
	cairn_edit e;
	cairn_status st;

	memset(&e, 0, sizeof e);
	if ((st = cairn_ref_parse(name, &e.ref, err)))
		return st;
	for (size_t i = 0; i < npairs && i < 16; i++) {
		keys[i] = kv[2 * i];
		values[i] = kv[2 * i + 1];
	}
	e.op = op;
	e.keys = keys;
	e.values = values;
	e.n = npairs;
	return cairn_wb_save(wb, &e, 1, NULL, res, err);
}

#define KV(...) ((const char *const[]){ __VA_ARGS__ })
#define NPAIRS(...) (sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *) / 2)
/* SAVE(wb, op, "kind/id", &res, &err, "key", "value", ...) */
#define SAVE(wb, op, name, res, err, ...) \
	save((wb), (op), (name), KV(__VA_ARGS__), NPAIRS(__VA_ARGS__), (res), (err))

/* A record's field as the index holds it (a static buffer; "" if none). */
static const char *field(cairn_wb *wb, const char *name, const char *key)
{
	static char buf[1024];
	cairn_index_hit hit;
	cairn_record rec;
	cairn_error err;
	const char *v;

	buf[0] = '\0';
	if (cairn_wb_resolve(wb, name, &hit, &err) != CAIRN_OK) {
		pathf(buf, sizeof buf, "(%s)", err.msg);
		return buf;
	}
	if (cairn_wb_read(wb, &hit, &rec, &err) != CAIRN_OK) {
		pathf(buf, sizeof buf, "(%s)", err.msg);
		return buf;
	}
	v = cairn_record_get(&rec, key);
	pathf(buf, sizeof buf, "%s", v ? v : "");
	cairn_record_done(&rec);
	return buf;
}

static char warnings[8192];

static void collect_warning(const char *msg, void *ctx)
{
	size_t n = strlen(warnings);
	pathf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

static cairn_wb *open_wb(void)
{
	cairn_wb *wb = NULL;
	cairn_error err;
	cairn_status st;

	warnings[0] = '\0';
	st = cairn_wb_open(root, &cfg, collect_warning, NULL, &wb, &err);
	if (!ok(st == CAIRN_OK, "open the workbook %s", st ? err.msg : "")) {
		tap_done();
		exit(1);
	}
	return wb;
}

/* Everything the index knows, as text: every record (kind, id, path,
 * body) and every problem, in a fixed order. */
static cairn_status snap_record(const cairn_ref *ref, const char *path, const char *body,
				size_t len, void *ctx, cairn_error *err)
{
	cairn_buf *b = ctx;
	char name[CAIRN_REF_ID_MAX + 32];

	cairn_ref_format(ref, name, sizeof name);
	cairn_buf_printf(b, "== %s %s\n", name, path);
	cairn_buf_add(b, body, len);
	return CAIRN_OK;
}

static cairn_status snap_problem(const char *path, const char *message, void *ctx,
				 cairn_error *err)
{
	cairn_buf_printf(ctx, "!! %s: %s\n", path, message);
	return CAIRN_OK;
}

static char *snapshot(cairn_wb *wb)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_error err;
	long n;

	if (cairn_index_each(cairn_wb_index(wb), CAIRN_KIND_NONE, NULL, 0, snap_record, &b, &err)
	    != CAIRN_OK ||
	    cairn_index_problems(cairn_wb_index(wb), snap_problem, &b, &n, &err) != CAIRN_OK)
		cairn_buf_printf(&b, "(error: %s)", err.msg);
	cairn_buf_adds(&b, "");
	return cairn_buf_detach(&b, NULL);
}

static bool git_clean(void)
{
	return !*out("git -C '%s' status --porcelain", root);
}

static bool no_pending_save(cairn_wb *wb)
{
	cairn_pending p;
	cairn_error err;
	bool found = true;

	if (cairn_index_pending_load(cairn_wb_index(wb), &p, &found, &err) != CAIRN_OK)
		return false;
	if (found)
		cairn_pending_done(&p);
	return !found;
}

/* ---- set-up ---- */

static void setup_env(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];
	cairn_error err;
	FILE *f;

	pathf(base, sizeof base, "%s/cairn-test-wb-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		exit(99);
	}
	/* As tests/cli/lib.sh: a private HOME, cairn config and git identity,
	 * set before libgit2 starts (it reads HOME once). */
	pathf(path, sizeof path, "%s/home", base);
	mkdir(path, 0700);
	setenv("HOME", path, 1);
	pathf(path, sizeof path, "%s/home/.config", base);
	setenv("XDG_CONFIG_HOME", path, 1);
	pathf(path, sizeof path, "%s/cairn-config", base);
	if ((f = fopen(path, "w"))) {
		fputs("[user]\nname = Test Person\nemail = test@example.org\n", f);
		fclose(f);
	}
	setenv("CAIRN_CONFIG", path, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("TZ", "UTC", 1);
	unsetenv("CAIRN_TODAY");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");
	tzset();
	sh("git config --global user.name 'Git Person' && "
	   "git config --global user.email git@example.org && "
	   "git config --global init.defaultBranch main");
	if (cairn_config_load(&cfg, NULL, NULL, &err) != CAIRN_OK) {
		printf("Bail out! config: %s\n", err.msg);
		exit(99);
	}
	pathf(wbdir, sizeof wbdir, "%s/wb", base);
}

/* ---- tests ---- */

static void test_init(void)
{
	cairn_date none = { 0, 0, 0 };
	cairn_error err = { 0 };
	cairn_status st;
	char sub[PATH_MAX], found[PATH_MAX];
	char *text;

	is_str(cfg.user_name, "Test Person", "the config names the user");
	st = cairn_wb_init(wbdir, "Test Book", none, false, &cfg, &err);
	if (!ok(st == CAIRN_OK, "init %s", st ? err.msg : "")) {
		tap_done();
		exit(1);
	}
	if (!realpath(wbdir, root))
		pathf(root, sizeof root, "%s", wbdir);
	is_str(out("git -C '%s' log --format='%%an <%%ae>|%%s'", root),
	       "Test Person <test@example.org>|Start the workbook",
	       "one first commit, by the configured user");
	is_str(out("git -C '%s' ls-tree -r --name-only HEAD | paste -sd' '", root),
	       ".gitignore cairn.ini", "it holds .gitignore and cairn.ini");
	text = slurp("cairn.ini");
	ok(has(text, "[workbook]\nname = Test Book\nschema = 1\n"), "cairn.ini: %s", esc(text));
	free(text);
	text = slurp(".gitignore");
	ok(has(text, "/.cairn/"), "the index folder is ignored by git");
	free(text);
	pathf(sub, sizeof sub, "%s/milestones", root);
	ok(access(sub, F_OK) == 0, "the record folders are made");
	ok(git_clean(), "git status is clean");
	is_int(cairn_wb_init(wbdir, "Again", none, false, &cfg, &err), CAIRN_EEXISTS,
	       "a second init in the same folder is refused");
	ok(has(err.msg, "already a git repository"), "message: %s", err.msg);

	ok(cairn_wb_find(sub, found, sizeof found, &err) == CAIRN_OK, "find from a record folder");
	is_str(found, root, "finds the top");
	is_int(cairn_wb_find(base, found, sizeof found, &err), CAIRN_ENOTFOUND,
	       "no workbook above the temporary folder");
	ok(has(err.msg, "is not in a cairn workbook"), "message: %s", err.msg);
}

static const char m4_added[] =
	"title: Evaluation of existing tools\n"
	"deadline: 2016-04-15\n"
	"result: Webinar\n"
	"owner: maria\n"
	"status: planned\n";

static void test_add(cairn_wb *wb)
{
	cairn_save_result res;
	cairn_error err = { 0 };
	cairn_status st;
	char *text, before[64];

	is_str(cairn_wb_name(wb), "Test Book", "the workbook's name");
	is_str(cairn_wb_date_format(wb), "dd/mm/yyyy", "the default date format");
	ok(!cairn_wb_has_clock(wb), "a real workbook has no clock");

	st = SAVE(wb, CAIRN_EDIT_ADD, "person/maria", &res, &err, "name", "Maria Rossi",
		  "email", "maria@example.org", "category", "City-Network", "role", "key-person");
	ok(st == CAIRN_OK, "add person/maria %s", st ? err.msg : "");
	ok(strlen(res.commit.hex) == 40, "a commit");
	is_str(res.commit.hex, head(), "HEAD is that commit");
	is_str(res.message, "Add person maria: Maria Rossi\n", "the message names the record");
	is_int(res.records, 1, "one record changed");
	cairn_save_result_done(&res);
	text = slurp(record_path("person/maria"));
	is_str(text, "name: Maria Rossi\nemail: maria@example.org\ncategory: city-network\n"
	       "role: key-person\n", "the person's file: a choice in its stored case");
	free(text);

	/* The milestone's date in the display format; its status defaults. */
	pathf(before, sizeof before, "%s", head());
	st = SAVE(wb, CAIRN_EDIT_ADD, "milestone/M4", &res, &err,
		  "title", "Evaluation of existing tools", "deadline", "15/04/2016",
		  "owner", "MARIA", "result", "Webinar");
	ok(st == CAIRN_OK, "add milestone/M4 %s", st ? err.msg : "");
	is_str(out("git -C '%s' rev-parse HEAD~1", root), before, "on top of the last commit");
	is_str(out("git -C '%s' log -1 --format='%%an <%%ae>|%%s'", root),
	       "Test Person <test@example.org>|Add milestone M4: Evaluation of existing tools",
	       "author and subject");
	cairn_save_result_done(&res);
	is_str(out("git -C '%s' ls-tree -r --name-only HEAD milestones", root),
	       record_path("milestone/M4"), "the record sits at its sharded path");
	text = slurp(record_path("milestone/M4"));
	is_str(text, m4_added, "the file: fixed field order, ISO date, the owner's own id, "
	       "default status");
	is_str(out("git -C '%s' show HEAD:%s", root, record_path("milestone/M4")),
	       "title: Evaluation of existing tools\ndeadline: 2016-04-15\nresult: Webinar\n"
	       "owner: maria\nstatus: planned", "the commit holds the same");
	free(text);
	is_str(field(wb, "M4", "deadline"), "2016-04-15", "the index has it, by bare id");
	ok(git_clean(), "git status is clean after saves");

	st = SAVE(wb, CAIRN_EDIT_ADD, "milestone/m4", &res, &err, "title", "Again");
	is_int(st, CAIRN_EEXISTS, "adding M4 again (other case) is refused");
	ok(has(err.msg, "milestone/M4 already exists"), "message: %s", err.msg);
	cairn_save_result_done(&res);
}

static void test_set(cairn_wb *wb)
{
	const char *m4 = record_path("milestone/M4");
	cairn_save_result res;
	cairn_error err = { 0 };
	cairn_status st;
	char *text, before[64];
	cairn_edit two[2];
	const char *k1[] = { "status" }, *v1[] = { "done" };
	const char *k2[] = { "title", "assignee" }, *v2[] = { "Invite speakers", "maria" };

	pathf(before, sizeof before, "%s", head());
	st = SAVE(wb, CAIRN_EDIT_SET, "milestone/M4", &res, &err, "deadline", "30/04/2016");
	ok(st == CAIRN_OK, "set M4 deadline %s", st ? err.msg : "");
	is_str(res.message, "M4: deadline 2016-04-15 -> 2016-04-30\n",
	       "the message names record, field, old and new value");
	is_str(out("git -C '%s' log -1 --format=%%s", root), "M4: deadline 2016-04-15 -> 2016-04-30",
	       "as git shows it");
	is_str(out("git -C '%s' rev-parse HEAD~1", root), before, "one new commit");
	is_str(out("git -C '%s' diff --name-only HEAD~1 HEAD", root), m4, "touching M4 only");
	is_str(out("git -C '%s' diff -U0 HEAD~1 HEAD | grep '^[-+][a-z]' | paste -sd'|'", root),
	       "-deadline: 2016-04-15|+deadline: 2016-04-30", "a one-line change");
	cairn_save_result_done(&res);
	text = slurp(m4);
	ok(has(text, "deadline: 2016-04-30\n") && !has(text, "2016-04-15"), "the file follows");
	free(text);
	is_str(field(wb, "milestone/M4", "deadline"), "2016-04-30", "and the index");

	/* The same value again: nothing to commit. */
	pathf(before, sizeof before, "%s", head());
	st = SAVE(wb, CAIRN_EDIT_SET, "milestone/M4", &res, &err, "deadline", "2016-04-30");
	ok(st == CAIRN_OK && res.commit.hex[0] == '\0' && res.records == 0,
	   "setting the same value saves nothing");
	is_str(head(), before, "HEAD stays");
	cairn_save_result_done(&res);

	/* Two fields: both in the message, in the record's field order. */
	st = SAVE(wb, CAIRN_EDIT_SET, "milestone/M4", &res, &err, "status", "Active",
		  "result", "Report");
	ok(st == CAIRN_OK, "set two fields %s", st ? err.msg : "");
	is_str(res.message, "M4: result Webinar -> Report, status planned -> active\n",
	       "both named");
	cairn_save_result_done(&res);
	st = SAVE(wb, CAIRN_EDIT_SET, "milestone/M4", &res, &err, "result", "");
	ok(st == CAIRN_OK, "clear a field %s", st ? err.msg : "");
	is_str(res.message, "M4: result cleared\n", "the message says it is cleared");
	cairn_save_result_done(&res);
	text = slurp(m4);
	is_str(text, "title: Evaluation of existing tools\ndeadline: 2016-04-30\nowner: maria\n"
	       "status: active\n", "and the field is gone from the file");
	free(text);

	/* Two records in one save: one commit. */
	memset(two, 0, sizeof two);
	two[0].op = CAIRN_EDIT_SET;
	cairn_ref_parse("milestone/M4", &two[0].ref, NULL);
	two[0].keys = k1;
	two[0].values = v1;
	two[0].n = 1;
	two[1].op = CAIRN_EDIT_ADD;
	cairn_ref_parse("task/T1", &two[1].ref, NULL);
	two[1].keys = k2;
	two[1].values = v2;
	two[1].n = 2;
	pathf(before, sizeof before, "%s", head());
	st = cairn_wb_save(wb, two, 2, NULL, &res, &err);
	ok(st == CAIRN_OK, "save two records at once %s", st ? err.msg : "");
	is_str(res.message, "Change 2 records\n\nmilestone/M4: status active -> done\n"
	       "Add task T1: Invite speakers\n", "a message listing both");
	is_str(out("git -C '%s' rev-parse HEAD~1", root), before, "as one commit");
	is_int(atoi(out("git -C '%s' diff --name-only HEAD~1 HEAD | wc -l", root)), 2,
	       "of two files");
	cairn_save_result_done(&res);

	/* A message given by the caller leads; the changes follow. */
	st = cairn_wb_save(wb, two, 1, "Reopen M4", &res, &err);
	ok(st == CAIRN_OK, "nothing to change with a message %s", st ? err.msg : "");
	ok(res.commit.hex[0] == '\0', "still no commit (M4 is done already)");
	cairn_save_result_done(&res);
	v1[0] = "active";
	st = cairn_wb_save(wb, two, 1, "Reopen M4", &res, &err);
	ok(st == CAIRN_OK, "reopen M4 with a message %s", st ? err.msg : "");
	is_str(res.message, "Reopen M4\n\nmilestone/M4: status done -> active\n",
	       "a given message, then the change");
	is_str(out("git -C '%s' log -1 --format=%%B", root),
	       "Reopen M4\n\nmilestone/M4: status done -> active", "as git shows it");
	cairn_save_result_done(&res);
	ok(git_clean(), "git status is clean");
}

/* A save that must be refused: same HEAD, same file, same index after,
 * no save left in the journal, and a message holding want. */
static void refused(cairn_wb *wb, cairn_status code, const cairn_edit *edits, size_t n,
		    const char *what, const char *want)
{
	const char *m4 = record_path("milestone/M4");
	char before[64], *file_before, *file_after, *index_before, *index_after;
	cairn_save_result res;
	cairn_error err = { 0 };
	cairn_status st;

	pathf(before, sizeof before, "%s", head());
	file_before = slurp(m4);
	index_before = snapshot(wb);
	st = cairn_wb_save(wb, edits, n, NULL, &res, &err);
	is_int(st, code, "%s: refused", what);
	ok(has(err.msg, want), "%s: message: %s", what, err.msg);
	is_str(head(), before, "%s: no commit", what);
	file_after = slurp(m4);
	ok(!strcmp(file_before, file_after), "%s: the file is unchanged", what);
	index_after = snapshot(wb);
	ok(!strcmp(index_before, index_after), "%s: the index is unchanged", what);
	ok(no_pending_save(wb), "%s: no save left in the journal", what);
	ok(res.message == NULL && res.commit.hex[0] == '\0', "%s: no result", what);
	free(file_before);
	free(file_after);
	free(index_before);
	free(index_after);
	cairn_save_result_done(&res);
}

static void test_refused(cairn_wb *wb)
{
	const char *k[2], *v[2];
	const char *k2[] = { "title", "assignee" }, *v2[] = { "Speakers", "ghost" };
	cairn_edit e[2];

	memset(e, 0, sizeof e);
	e[0].op = CAIRN_EDIT_SET;
	cairn_ref_parse("milestone/M4", &e[0].ref, NULL);
	e[0].keys = k;
	e[0].values = v;
	e[0].n = 1;

	k[0] = "dedline";
	v[0] = "01/01/2016";
	refused(wb, CAIRN_EINPUT, e, 1, "unknown field",
		"milestone/M4: milestone has no field 'dedline'; its fields are: title, "
		"description, deadline, result, owner, status, done, note");
	k[0] = "deadline";
	v[0] = "31/02/2016";
	refused(wb, CAIRN_EINPUT, e, 1, "impossible date",
		"milestone/M4: deadline: 31/02/2016 is not a date: February 2016 has 29 days; "
		"did you mean 29/02/2016 or 01/03/2016?");
	k[0] = "owner";
	v[0] = "ghost";
	refused(wb, CAIRN_EINPUT, e, 1, "missing person",
		"milestone/M4: owner: there is no person/ghost in this workbook");
	k[0] = "status";
	v[0] = "finished";
	refused(wb, CAIRN_EINPUT, e, 1, "bad choice",
		"milestone/M4: status: 'finished' is not one of: planned, active, done, dropped");
	k[0] = "title";
	v[0] = "";
	refused(wb, CAIRN_EINPUT, e, 1, "clearing a required field",
		"milestone/M4: title: is required");

	/* All or nothing: a good edit beside a bad one is not saved either. */
	k[0] = "deadline";
	v[0] = "01/05/2016";
	e[1].op = CAIRN_EDIT_ADD;
	cairn_ref_parse("task/T2", &e[1].ref, NULL);
	e[1].keys = k2;
	e[1].values = v2;
	e[1].n = 2;
	refused(wb, CAIRN_EINPUT, e, 2, "a good edit with a bad one",
		"task/T2: assignee: there is no person/ghost");
	is_str(field(wb, "milestone/M4", "deadline"), "2016-04-30", "M4 keeps its deadline");

	/* Removing a person still named. */
	e[0].op = CAIRN_EDIT_REMOVE;
	cairn_ref_parse("person/maria", &e[0].ref, NULL);
	e[0].n = 0;
	refused(wb, CAIRN_EINPUT, e, 1, "removing a named person",
		"person/maria is still named by 2 records: milestone/M4 (owner), task/T1 (assignee)");

	/* A record file edited by hand and not committed is not overwritten. */
	e[0].op = CAIRN_EDIT_SET;
	cairn_ref_parse("milestone/M4", &e[0].ref, NULL);
	e[0].n = 1;
	k[0] = "status";
	v[0] = "done";
	{
		char *text = slurp(record_path("milestone/M4"));
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_adds(&b, text);
		cairn_buf_adds(&b, "note: typed by hand\n");
		write_file(record_path("milestone/M4"), cairn_buf_str(&b));
		refused(wb, CAIRN_ECONFLICT, e, 1, "a save over a hand edit",
			"was edited by hand and not committed; saving now would lose that edit");
		write_file(record_path("milestone/M4"), text);
		cairn_buf_done(&b);
		free(text);
	}
	ok(git_clean(), "git status is clean after the refusals");
}

static const char m4_by_git[] =
	"title: Evaluation of tools (edited with git)\n"
	"deadline: 2016-04-30\n"
	"owner: maria\n"
	"status: done\n";

typedef struct rows {
	char text[1024];
} rows;

static cairn_status add_row(const char *const *values, void *ctx, cairn_error *err)
{
	rows *r = ctx;
	size_t n = strlen(r->text);
	pathf(r->text + n, sizeof r->text - n, "%s%s=%s", n ? "," : "", values[0], values[1]);
	return CAIRN_OK;
}

static cairn_status add_id(const cairn_ref *ref, const char *path, const char *body,
			   size_t len, void *ctx, cairn_error *err)
{
	rows *r = ctx;
	size_t n = strlen(r->text);
	pathf(r->text + n, sizeof r->text - n, "%s%s", n ? "," : "", ref->id);
	return CAIRN_OK;
}

/* Commits made with plain git while cairn is closed, then while open. */
static void test_outside_commit(void)
{
	static const char *const person_cols[] = { "id", "name" };
	cairn_filter done = { "status", "done", CAIRN_OP_EQ };
	cairn_save_result res;
	cairn_error err = { 0 };
	cairn_index_hit hit;
	char jo[CAIRN_PATH_MAX], indexed[64], outside[64];
	cairn_wb *wb;
	cairn_status st;
	rows r;

	/* Edit M4, remove T1, add person/jo: all by hand, one git commit. */
	pathf(jo, sizeof jo, "%s", record_path("person/jo"));
	ok(write_file(record_path("milestone/M4"), m4_by_git), "edit M4 by hand");
	ok(sh("mkdir -p '%s/%.10s'", root, jo) == 0 &&
	   write_file(jo, "name: Jo\ncategory: industry\nrole: reviewer\n"), "write person/jo");
	is_int(sh("cd '%s' && git rm -q '%s' && git add '%s' && "
		  "git commit -qam 'edit with plain git'", root, record_path("task/T1"), jo), 0,
	       "git commit outside cairn");

	wb = open_wb();
	cairn_index_meta_get(cairn_wb_index(wb), "head", indexed, sizeof indexed, &err);
	is_str(indexed, head(), "the index caught up with HEAD on open");
	is_str(field(wb, "milestone/M4", "title"), "Evaluation of tools (edited with git)",
	       "the edited record reads as committed");
	memset(&r, 0, sizeof r);
	st = cairn_index_each(cairn_wb_index(wb), CAIRN_KIND_MILESTONE, &done, 1, add_id, &r, &err);
	ok(st == CAIRN_OK, "query milestones by status %s", st ? err.msg : "");
	is_str(r.text, "M4", "the typed columns follow: M4 is done");
	is_int(cairn_wb_resolve(wb, "task/T1", &hit, &err), CAIRN_ENOTFOUND,
	       "the task removed with git is gone");
	ok(has(err.msg, "there is no task/T1 in this workbook"), "message: %s", err.msg);
	memset(&r, 0, sizeof r);
	st = cairn_index_rows(cairn_wb_index(wb), CAIRN_KIND_PERSON, person_cols, 2, NULL, 0, "id",
			      0, add_row, &r, &err);
	is_str(r.text, "jo=Jo,maria=Maria Rossi", "the person added with git is listed");
	ok(git_clean(), "git status is clean");
	/* Reads as one read transaction: the same rows; none nests in it. */
	{
		bool tx = cairn_index_read_begin(cairn_wb_index(wb));
		ok(tx, "a run of reads begins");
		ok(!cairn_index_read_begin(cairn_wb_index(wb)), "a second does not begin inside it");
		memset(&r, 0, sizeof r);
		st = cairn_index_rows(cairn_wb_index(wb), CAIRN_KIND_PERSON, person_cols, 2, NULL, 0,
				      "id", 0, add_row, &r, &err);
		is_str(r.text, "jo=Jo,maria=Maria Rossi", "the rows read inside it are the same");
		cairn_index_read_end(cairn_wb_index(wb), tx);
	}

	/* While cairn has the workbook open, a git commit lands; the next
	 * save catches up first and builds on it, never over it. */
	ok(write_file(jo, "name: Jo Bloggs\ncategory: industry\nrole: reviewer\n") &&
	   sh("git -C '%s' commit -qam 'rename jo'", root) == 0, "a git commit while open");
	pathf(outside, sizeof outside, "%s", head());
	st = SAVE(wb, CAIRN_EDIT_SET, "milestone/M4", &res, &err, "owner", "jo");
	ok(st == CAIRN_OK, "a save after it %s", st ? err.msg : "");
	is_str(out("git -C '%s' rev-parse HEAD~1", root), outside, "builds on the git commit");
	is_str(out("git -C '%s' log -2 --format=%%s | paste -sd'|'", root),
	       "M4: owner maria -> jo|rename jo", "both commits are there");
	cairn_save_result_done(&res);
	is_str(field(wb, "person/jo", "name"), "Jo Bloggs", "and the index has the git edit");
	ok(git_clean(), "git status is clean");
	cairn_wb_close(wb);
}

static cairn_status count_problem(const char *path, const char *message, void *ctx,
				  cairn_error *err)
{
	cairn_buf_printf(ctx, "%s\n", message);
	return CAIRN_OK;
}

static void report_line(const char *msg, void *ctx)
{
	cairn_buf_printf(ctx, "%s\n", msg);
}

static void test_parse_error(void)
{
	static const char broken[] = "title: Map of needs\nstatus: active\ntitle: twice\n";
	char m3[CAIRN_PATH_MAX], want[CAIRN_PATH_MAX + 64];
	cairn_buf probs = CAIRN_BUF_INIT, found = CAIRN_BUF_INIT;
	cairn_save_result res;
	cairn_error err = { 0 };
	cairn_index_hit hit;
	cairn_wb *wb;
	cairn_status st;
	long n = 0, problems = 0;
	char *text, before[64];

	wb = open_wb();
	st = SAVE(wb, CAIRN_EDIT_ADD, "milestone/M3", &res, &err, "title", "Map of needs");
	ok(st == CAIRN_OK, "add M3 %s", st ? err.msg : "");
	cairn_save_result_done(&res);
	cairn_wb_close(wb);

	/* A duplicate key on line 3, committed with git. */
	pathf(m3, sizeof m3, "%s", record_path("milestone/M3"));
	ok(write_file(m3, broken) && sh("git -C '%s' commit -qam 'broken by hand'", root) == 0,
	   "break M3 by hand and commit it with git");
	wb = open_wb();
	st = cairn_index_problems(cairn_wb_index(wb), count_problem, &probs, &n, &err);
	is_int(n, 1, "one file could not be read");
	pathf(want, sizeof want, "%s:3: duplicate key 'title' (first at line 1)", m3);
	ok(has(cairn_buf_str(&probs), want), "reported with file and line: %s",
	   esc(cairn_buf_str(&probs)));
	is_int(cairn_wb_resolve(wb, "milestone/M3", &hit, &err), CAIRN_ENOTFOUND,
	       "M3 is not a record while broken");
	is_str(field(wb, "milestone/M4", "title"), "Evaluation of tools (edited with git)",
	       "the rest opens: M4");
	is_str(field(wb, "person/maria", "name"), "Maria Rossi", "the rest opens: maria");
	text = slurp(m3);
	is_str(text, broken, "the broken file is left as it is");
	free(text);
	ok(cairn_wb_check(wb, report_line, &found, &problems, &err) == CAIRN_OK && problems == 1,
	   "check finds one problem (%ld)", problems);
	ok(has(cairn_buf_str(&found), want), "naming file and line: %s",
	   esc(cairn_buf_str(&found)));

	/* Replacing the broken record through cairn.  Its file is committed
	 * (git status is clean), so it is not an uncommitted hand edit: the
	 * save goes ahead (the broken text stays in git's history). */
	pathf(before, sizeof before, "%s", head());
	st = SAVE(wb, CAIRN_EDIT_ADD, "milestone/M3", &res, &err, "title", "Map of needs");
	ok(st == CAIRN_OK, "replacing a broken, committed record is not refused as a hand edit: %s",
	   st ? err.msg : "saved");
	text = slurp(m3);
	ok(st == CAIRN_OK ? strcmp(head(), before) != 0 && !strcmp(text, "title: Map of needs\n"
								    "status: planned\n")
			  : !strcmp(head(), before) && !strcmp(text, broken),
	   "either saved, or nothing changed");
	free(text);
	cairn_save_result_done(&res);
	cairn_wb_close(wb);

	/* Mended with git, it comes back. */
	ok(write_file(m3, "title: Map of needs\nstatus: active\n") &&
	   sh("git -C '%s' commit -qam 'mend M3'", root) == 0, "mend M3 with git");
	wb = open_wb();
	cairn_index_problems(cairn_wb_index(wb), NULL, NULL, &n, &err);
	is_int(n, 0, "no problem left");
	is_str(field(wb, "milestone/M3", "status"), "active", "M3 reads again");
	cairn_wb_close(wb);
	cairn_buf_done(&probs);
	cairn_buf_done(&found);
}

static void test_rebuild(void)
{
	char path[PATH_MAX + 32], *before, *after;
	cairn_error err = { 0 };
	cairn_wb *wb;
	cairn_status st;
	FILE *f;

	/* Leave one problem in (M3, which no record names), so that it must
	 * come back too. */
	ok(write_file(record_path("milestone/M3"), "title: Map\nstatus: done\nstatus: active\n") &&
	   sh("git -C '%s' commit -qam 'break M3'", root) == 0, "break M3 with git");
	wb = open_wb();
	before = snapshot(wb);
	ok(has(before, "== milestone/M4 ") && has(before, "== person/jo ") &&
	   has(before, "!! milestones/") && has(before, ":3: duplicate key 'status'"),
	   "the index holds records and a problem");
	cairn_wb_close(wb);

	is_int(sh("rm -rf '%s/.cairn'", root), 0, "delete the .cairn folder");
	wb = open_wb();
	after = snapshot(wb);
	is_str(after, before, "rebuilt from the records: the same records and problems");
	pathf(path, sizeof path, "%s/.cairn/index.sqlite", root);
	ok(access(path, F_OK) == 0, "the index is there again");
	is_str(field(wb, "M4", "owner"), "jo", "and answers queries");
	free(after);
	cairn_wb_close(wb);

	/* A damaged index file: the same. */
	if ((f = fopen(path, "w"))) {
		fputs("garbage, not a database\n", f);
		fclose(f);
	}
	wb = open_wb();
	after = snapshot(wb);
	is_str(after, before, "a damaged index is rebuilt with the same data");
	free(after);

	/* And on request. */
	warnings[0] = '\0';
	st = cairn_wb_rebuild(wb, &err);
	ok(st == CAIRN_OK, "cairn_wb_rebuild %s", st ? err.msg : "");
	ok(has(warnings, "rebuilding the index of"), "it says so: %s", esc(warnings));
	after = snapshot(wb);
	is_str(after, before, "the same data again");
	free(after);
	cairn_wb_close(wb);
	ok(git_clean(), "git status stays clean");
	is_int(sh("git -C '%s' fsck --full >/dev/null 2>&1", root), 0, "git fsck is clean");
	free(before);
}

static void check_line(const char *msg, void *ctx)
{
	cairn_buf *b = ctx;
	cairn_buf_printf(b, "%s\n", msg);
}

/* A form's rules (required, when, constraint) at a save, never at a load;
 * cairn_wb_check lists a record that breaks them; a record a form's
 * reference names is not removed. */
static void test_form_rules(cairn_wb *wb)
{
	cairn_save_result res;
	cairn_error err;
	cairn_buf listed = CAIRN_BUF_INIT;
	long problems = 0;
	const char *k[2] = { "city", "funded" }, *v[2] = { "Ghent", "yes" };
	cairn_edit e[1];

	memset(&res, 0, sizeof res);
	ok(SAVE(wb, CAIRN_EDIT_ADD, "form/pilot", &res, &err, "questions", "funded\nbudget\nmentor",
		"q.funded.type", "yesno", "q.funded.prompt", "Funded", "q.budget.type", "number",
		"q.budget.prompt", "Budget", "q.budget.required", "yes", "q.budget.when",
		"${funded} = 'yes'", "q.budget.constraint", ". <= 5000", "q.mentor.type", "reference",
		"q.mentor.kind", "person", "q.mentor.prompt", "Mentor") == CAIRN_OK,
	   "a pilots' form with logic: %s", err.msg);
	cairn_save_result_done(&res);
	memset(e, 0, sizeof e);
	e[0].op = CAIRN_EDIT_ADD;
	cairn_ref_parse("pilot/ghent", &e[0].ref, NULL);
	e[0].keys = k;
	e[0].values = v;
	e[0].n = 2;
	refused(wb, CAIRN_EINPUT, e, 1, "a field its when requires",
		"pilot/ghent: budget: is required when ${funded} = 'yes'; set it with budget=VALUE");
	memset(&res, 0, sizeof res);
	ok(SAVE(wb, CAIRN_EDIT_ADD, "pilot/ghent", &res, &err, "city", "Ghent", "status", "testing",
		"funded", "yes", "budget", "1200", "mentor", "maria") == CAIRN_OK,
	   "given, the pilot is saved: %s", err.msg);
	cairn_save_result_done(&res);
	e[0].op = CAIRN_EDIT_SET;
	k[0] = "budget";
	v[0] = "9000";
	e[0].n = 1;
	refused(wb, CAIRN_EINPUT, e, 1, "a value against its constraint",
		"pilot/ghent: budget: '9000' does not meet the question's condition (. <= 5000)");
	e[0].op = CAIRN_EDIT_REMOVE;
	cairn_ref_parse("person/maria", &e[0].ref, NULL);
	e[0].n = 0;
	refused(wb, CAIRN_EINPUT, e, 1, "removing a person a form's reference names",
		"person/maria is still named by 3 records: milestone/M4 (owner), task/T1 "
		"(assignee), pilot/ghent (mentor)");
	ok(cairn_wb_check(wb, check_line, &listed, &problems, &err) == CAIRN_OK && problems == 0,
	   "check: nothing broken (%ld)", problems);
	/* A hand edit committed by plain git (as a peer's would arrive). */
	{
		char *text = slurp(record_path("pilot/ghent"));
		char *at = text ? strstr(text, "budget: 1200") : NULL;
		if (at)
			memcpy(at, "budget: 7777", 12);
		write_file(record_path("pilot/ghent"), text ? text : "");
		free(text);
		sh("cd '%s' && git -c user.name=Peer -c user.email=peer@example.org commit -qam peer",
		   wbdir);
	}
	cairn_wb_close(wb);
	wb = open_wb();
	is_str(field(wb, "pilot/ghent", "budget"), "7777", "a record breaking its form is read");
	ok(cairn_wb_check(wb, check_line, &listed, &problems, &err) == CAIRN_OK && problems == 1 &&
	   has(cairn_buf_str(&listed), "pilot/ghent: budget: '7777' does not meet"),
	   "and listed by check: %s", cairn_buf_str(&listed));
	cairn_buf_done(&listed);
	memset(&res, 0, sizeof res);
	ok(SAVE(wb, CAIRN_EDIT_SET, "pilot/ghent", &res, &err, "budget", "1200") == CAIRN_OK,
	   "set right with a save: %s", err.msg);
	cairn_save_result_done(&res);
	cairn_wb_close(wb);
}

int main(void)
{
	cairn_wb *wb;

	alarm(300);
	setup_env();
	test_init();
	wb = open_wb();
	test_add(wb);
	test_set(wb);
	test_refused(wb);
	test_form_rules(wb);
	test_outside_commit();
	test_parse_error();
	test_rebuild();
	cairn_config_done(&cfg);
	if (!getenv("KEEP_TMP") && sh("rm -rf '%s'", base) != 0)
		tap_diag("could not remove %s", base);
	return tap_done();
}
