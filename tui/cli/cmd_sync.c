/* cairn remote, clone, sync, conflicts, resolve: sharing a workbook. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/json.h"
#include "cairn/sanitize.h"
#include "cairn/sync.h"
#include "cli.h"

/* Objects and bytes on one line of stderr, redrawn in place on a terminal
 * when the bar moves (not for each of thousands of objects: a slow link
 * would carry every redraw). */
static void progress(const char *stage, size_t done, size_t total, size_t bytes, void *ctx)
{
	static const char *last_stage;
	static int last_fill = -1;
	cli *c = ctx;
	int width = 24, fill = total ? (int)(done * (size_t)width / total) : 0;

	if (!c->err_tty || (stage == last_stage && fill == last_fill && done != total))
		return;
	last_stage = stage;
	last_fill = fill;
	fprintf(stderr, "\r%-17s [", _(stage));
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %zu/%zu, %zu KiB ", done, total, bytes / 1024);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* An SSH host never seen: ask on the terminal (never when there is none:
 * then --accept-host-key FINGERPRINT is the way). */
static bool ask_host(const char *name, const char *type, const char *fingerprint, void *ctx)
{
	cli *c = ctx;
	char answer[16];

	if (!c->err_tty || !isatty(STDIN_FILENO))
		return false;
	/* Name and type come from the server: sanitised before they go into
	 * the sentence. */
	{
		char *safe_name = cairn_sanitize(name, strlen(name), c->san);
		char *safe_type = cairn_sanitize(type, strlen(type), c->san);
		fputs("\r", stderr);
		fprintf(stderr, _("The host %s is not in ~/.ssh/known_hosts.\nIts %s key fingerprint "
				  "is %s.\nAccept it and remember it? (yes/no) "),
			safe_name ? safe_name : "?", safe_type ? safe_type : "?", fingerprint);
		free(safe_name);
		free(safe_type);
	}
	fflush(stderr);
	if (!fgets(answer, sizeof answer, stdin))
		return false;
	answer[strcspn(answer, "\n")] = '\0';
	/* "yes" in English or in the user's language ("oui"). */
	return !strcmp(answer, "yes") || !strcmp(answer, "y") || !strcmp(answer, _("yes"));
}

/* A key's passphrase, asked on the terminal without echo, once per run
 * (a sync fetches and pushes: two logins); NULL without a terminal. */
char *cli_passphrase(const char *key, void *ctx)
{
	static char asked_for[1024], answer[512];
	static bool have;
	cli *c = ctx;
	struct termios was, quiet;
	char *safe;

	if (have && !strcmp(asked_for, key))
		return strdup(answer);
	if (!isatty(STDIN_FILENO) || !c->err_tty)
		return NULL;
	safe = cairn_sanitize(key, strlen(key), c->san);
	fputs("\r", stderr);
	fprintf(stderr, _("Passphrase for %s: "), safe ? safe : "?");
	free(safe);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &was) != 0)
		return NULL;
	quiet = was;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	have = fgets(answer, sizeof answer, stdin) != NULL;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &was);
	if (!have)
		return NULL;
	answer[strcspn(answer, "\n")] = '\0';
	snprintf(asked_for, sizeof asked_for, "%s", key);
	return strdup(answer);
}

/* --accept-host-key FINGERPRINT (or =FINGERPRINT); 1 when argv[i] was it,
 * 2 when it took the next argument too, -1 when the value is missing. */
static int host_key_option(int argc, char **argv, int i, const char **fingerprint)
{
	static const char opt[] = "--accept-host-key";
	size_t n = sizeof opt - 1;

	if (strncmp(argv[i], opt, n))
		return 0;
	if (argv[i][n] == '=') {
		*fingerprint = argv[i] + n + 1;
		return 1;
	}
	if (argv[i][n] || i + 1 >= argc)
		return -1;
	*fingerprint = argv[i + 1];
	return 2;
}

/* The server's messages, as git shows them: "remote: ..." on stderr,
 * sanitised (a hook's text is the server's, not ours to trust). */
static void remote_says(const char *line, bool transient, void *ctx)
{
	cli *c = ctx;
	if (transient && !c->err_tty)
		return;         /* progress is for eyes only */
	if (c->err_tty)
		fputs("\r\033[K", stderr);
	fputs("remote: ", stderr);
	cli_put(c, stderr, line, false);
	fputc(transient ? '\r' : '\n', stderr);
	fflush(stderr);
}

static void say(const char *line, void *ctx)
{
	cli *c = ctx;
	cli_put(c, stdout, line, false);
	printf("\n");
}

static cairn_status print_remote(const char *name, const char *url, void *ctx, cairn_error *err)
{
	cli *c = ctx;
	(void)err;
	cli_put(c, stdout, name, false);
	printf("\t");
	cli_put(c, stdout, url, false);
	printf("\n");
	return CAIRN_OK;
}

int cmd_remote(cli *c, int argc, char **argv)
{
	cairn_error err;
	cairn_status st;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list")))
		st = cairn_wb_remotes(c->wb, print_remote, c, &err);
	else if (argc == 4 && !strcmp(argv[1], "add"))
		st = cairn_wb_remote_add(c->wb, argv[2], argv[3], &err);
	else if (argc == 3 && (!strcmp(argv[1], "remove") || !strcmp(argv[1], "rm")))
		st = cairn_wb_remote_remove(c->wb, argv[2], &err);
	else
		return cli_verb_usage(c);
	return st == CAIRN_OK ? EXIT_DONE : cli_error(c, &err);
}

int cmd_clone(cli *c, int argc, char **argv)
{
	const char *url = NULL, *dir = NULL;
	char guess[1024];
	cairn_error err;
	cairn_net net = { progress, ask_host, NULL, NULL, c, remote_says, cli_passphrase, NULL, NULL };
	int rc;

	net.token = c->cfg.sync_token;
	net.username = c->cfg.sync_username;
	net.ca_file = c->cfg.sync_ca_file;
	for (int i = 1; i < argc; i++) {
		int took = host_key_option(argc, argv, i, &net.fingerprint);
		if (took > 0)
			i += took - 1;
		else if (took == 0 && argv[i][0] != '-' && !url)
			url = argv[i];
		else if (took == 0 && argv[i][0] != '-' && !dir)
			dir = argv[i];
		else
			return cli_verb_usage(c);
	}
	if (!url)
		return cli_verb_usage(c);
	if (!dir) {
		/* As git does: the last part of the URL, without ".git". */
		const char *last = strrchr(url, '/') ? strrchr(url, '/') + 1 : url;
		const char *colon = strrchr(last, ':');
		size_t n;
		if (colon)
			last = colon + 1;
		n = strlen(last);
		if (n > 4 && !strcmp(last + n - 4, ".git"))
			n -= 4;
		snprintf(guess, sizeof guess, "%.*s", (int)n, last);
		dir = guess[0] ? guess : "workbook";
	}
	if (cairn_wb_clone(url, dir, &net, &err) != CAIRN_OK)
		return cli_error(c, &err);
	c->dir = dir;
	if ((rc = cli_open_workbook(c)) != EXIT_DONE)
		return rc;
	cli_register_merge_driver(c);
	cli_install_git_hook(c, false);
	printf(_("cloned %s into %s\n"), url, cairn_wb_root(c->wb));
	return cli_print_status(c);
}

int cmd_sync(cli *c, int argc, char **argv)
{
	cairn_sync_options o = { NULL, false, progress, say, c, ask_host, NULL, NULL, remote_says,
				 cli_passphrase, NULL, NULL, false };
	cairn_sync_report r;
	cairn_error err;
	cairn_status st;

	o.token = c->cfg.sync_token;
	o.username = c->cfg.sync_username;
	o.ca_file = c->cfg.sync_ca_file;
	for (int i = 1; i < argc; i++) {
		int took = host_key_option(argc, argv, i, &o.fingerprint);
		if (took > 0)
			i += took - 1;
		else if (took == 0 && (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n")))
			o.dry_run = true;
		else if (took == 0 && (!strcmp(argv[i], "--set-upstream") || !strcmp(argv[i], "-u")))
			o.set_upstream = true;
		else if (took == 0 && argv[i][0] != '-' && !o.remote)
			o.remote = argv[i];
		else
			return cli_verb_usage(c);
	}
	st = cairn_wb_sync(c->wb, &o, &r, &err);
	if (st != CAIRN_OK && st != CAIRN_ECONFLICT)
		return cli_error(c, &err);
	printf(o.dry_run ? _("would sync with %s: ") : _("synced with %s: "), r.remote);
	printf(P_("%zu record in", "%zu records in", r.incoming), r.incoming);
	fputs(r.fast_forward ? _(" (fast-forward)") : "", stdout);
	printf(P_(", %zu merged from both sides", ", %zu merged from both sides", r.merged),
	       r.merged);
	printf(P_(", %zu conflict", ", %zu conflicts", r.conflicts), r.conflicts);
	printf(", %s\n", r.pushed ? _("pushed") : o.dry_run ? (r.outgoing ? _("our commits would go out")
								  : _("nothing would go out"))
	       : st == CAIRN_ECONFLICT ? _("nothing pushed") : _("nothing to push"));
	if (st == CAIRN_ECONFLICT)
		return cli_error(c, &err);
	return EXIT_DONE;
}

static void show_value(cli *c, const char *label, const char *v, const char *by)
{
	printf("    %-8s ", label);
	if (!v) {
		printf("%s\n", _("(absent)"));
	} else {
		/* Long text: every line under the first, so that none reads as
		 * the next conflict's heading. */
		for (const char *line = v;;) {
			size_t n = strcspn(line, "\n");
			char *one = strndup(line, n);
			cli_put(c, stdout, one ? one : "", false);
			free(one);
			printf("\n");
			if (!line[n])
				break;
			line += n + 1;
			printf("             ");
		}
	}
	if (by) {
		printf("             %s ", v ? _("set by") : _("removed by"));
		cli_put(c, stdout, by, false);
		printf("\n");
	}
}

static cairn_status print_conflict(const cairn_conflict *k, void *ctx, cairn_error *err)
{
	cli *c = ctx;
	(void)err;
	cli_put(c, stdout, k->record, false);
	printf("%s", *k->field ? " " : _(" (the whole record)"));
	cli_put(c, stdout, k->field, false);
	printf("%s\n", k->resolved ? _("  [resolved]") : "");
	show_value(c, _("base"), k->base, k->base_by);
	show_value(c, _("ours"), k->ours, k->ours_by);
	show_value(c, _("theirs"), k->theirs, k->theirs_by);
	if (k->resolved)
		show_value(c, _("chosen"), k->resolved, NULL);
	return CAIRN_OK;
}

static void json_member(cairn_buf *b, const char *key, const char *v, bool comma)
{
	cairn_json_add_string(b, key);
	cairn_buf_adds(b, ": ");
	if (v)
		cairn_json_add_string(b, v);
	else
		cairn_buf_adds(b, "null");
	if (comma)
		cairn_buf_adds(b, ", ");
}

/* One object per conflict, for scripts: values null when absent. */
static cairn_status json_conflict(const cairn_conflict *k, void *ctx, cairn_error *err)
{
	cairn_buf *b = ctx;
	(void)err;
	cairn_buf_adds(b, b->len > 2 ? ",\n  {" : "\n  {");
	json_member(b, "record", k->record, true);
	json_member(b, "field", k->field, true);
	json_member(b, "base", k->base, true);
	json_member(b, "base_by", k->base_by, true);
	json_member(b, "ours", k->ours, true);
	json_member(b, "ours_by", k->ours_by, true);
	json_member(b, "theirs", k->theirs, true);
	json_member(b, "theirs_by", k->theirs_by, true);
	json_member(b, "resolved", k->resolved, false);
	cairn_buf_adds(b, "}");
	return CAIRN_OK;
}

int cmd_conflicts(cli *c, int argc, char **argv)
{
	cairn_error err;
	cairn_buf json = CAIRN_BUF_INIT;
	bool as_json = argc == 2 && !strcmp(argv[1], "--json");
	size_t n = 0;

	if (argc > 2 || (argc == 2 && !as_json))
		return cli_verb_usage(c);
	if (as_json) {
		cairn_buf_adds(&json, "[");
		if (cairn_wb_conflicts(c->wb, json_conflict, &json, &n, &err) != CAIRN_OK) {
			cairn_buf_done(&json);
			return cli_error(c, &err);
		}
		cairn_buf_adds(&json, n ? "\n]\n" : "]\n");
		fputs(cairn_buf_str(&json), stdout);
		cairn_buf_done(&json);
		return n ? EXIT_CONFLICT : EXIT_DONE;
	}
	if (cairn_wb_conflicts(c->wb, print_conflict, c, &n, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if (!n)
		printf("%s\n", _("no conflicts"));
	return n ? EXIT_CONFLICT : EXIT_DONE;
}

int cmd_resolve(cli *c, int argc, char **argv)
{
	const char *record, *field = "", *choice = NULL, *value = NULL;
	cairn_error err;
	size_t left = 0;
	int i = 2;

	if (argc < 3)
		return cli_verb_usage(c);
	record = argv[1];
	if (argv[2][0] != '-') {
		field = argv[2];
		i = 3;
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--ours"))
			choice = "ours";
		else if (!strcmp(argv[i], "--theirs"))
			choice = "theirs";
		else if (!strcmp(argv[i], "--value") && i + 1 < argc) {
			choice = "value";
			value = argv[++i];
		} else
			return cli_verb_usage(c);
	}
	if (!choice)
		return cli_fail(c, EXIT_USAGE, "%s", _("say which: --ours, --theirs or --value TEXT"));
	if (cairn_wb_resolve_conflict(c->wb, record, field, choice, value, &left, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if (left)
		printf(P_("resolved; %zu conflict still waits (cairn conflicts)\n",
			  "resolved; %zu conflicts still wait (cairn conflicts)\n", left), left);
	else
		printf("%s", _("resolved; the merge is committed, and `cairn sync` pushes it\n"));
	return EXIT_DONE;
}

/* git's merge driver: cairn merge-file BASE OURS THEIRS PATH (see
 * .git/info/attributes).  The merge goes into OURS; a clash keeps our
 * value and exits 1, so that git reports the file as conflicted. */
int cmd_merge_file(cli *c, int argc, char **argv)
{
	char *b, *o, *t, *out = NULL;
	size_t bl, ol, tl, outlen = 0, conflicts = 0;
	cairn_error err;
	int rc = 1;
	FILE *f;

	if (argc != 5)
		return cli_verb_usage(c);
	b = cli_read_file(argv[1], &bl);
	o = cli_read_file(argv[2], &ol);
	t = cli_read_file(argv[3], &tl);
	if (!b || !o || !t) {
		rc = cli_fail(c, EXIT_TROUBLE, "%s", _("cannot read the versions git gave"));
	} else if (cairn_merge_texts(argv[4], b, bl, o, ol, t, tl, NULL, &out, &outlen, &conflicts,
				     &err) != CAIRN_OK) {
		/* Not a record cairn can merge: let git say it conflicts. */
		cli_error(c, &err);
		rc = 1;
	} else if (!(f = fopen(argv[2], "wb")) || fwrite(out, 1, outlen, f) != outlen ||
		   fclose(f) != 0) {
		rc = cli_fail(c, EXIT_TROUBLE, _("cannot write %s"), argv[2]);
	} else {
		if (conflicts)
			fprintf(stderr, P_("cairn: %s: %zu field changed on both sides; ours is kept: "
					   "edit the file, then git add it\n",
					   "cairn: %s: %zu fields changed on both sides; ours is kept: "
					   "edit the file, then git add it\n", conflicts), argv[4], conflicts);
		rc = conflicts ? 1 : 0;
	}
	free(b);
	free(o);
	free(t);
	free(out);
	return rc;
}

void cli_register_merge_driver(cli *c)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	cairn_error err;

	if (n <= 0)
		return;
	self[n] = '\0';
	if (cairn_wb_register_merge_driver(c->wb, self, &err) != CAIRN_OK)
		cli_warn(err.msg, c);
}
