/* The actions that change or look beyond what is shown: saving a field
 * and its undo, the check for record files edited by hand (in a child
 * process), a sync with its progress and host-key questions, and the
 * history of the selection.  Apart from the loop, which only dispatches
 * to them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/sync.h"
#include "cairn/workflow.h"
#include "tui.h"
#include "app_internal.h"

bool app_save_field(app *a, const cairn_ref *ref, const char *key, const char *value)
{
	const char *keys[1] = { key }, *values[1] = { value };
	cairn_edit e = { CAIRN_EDIT_SET, *ref, keys, values, 1, false, false };
	cairn_save_result res;
	cairn_error err;
	cairn_record before;
	cairn_index_hit hit;
	char *old = NULL;

	memset(&res, 0, sizeof res);
	cairn_record_init(&before);
	{
		char name[CAIRN_PATH_MAX];
		cairn_ref_format(ref, name, sizeof name);
		if (cairn_wb_resolve(a->wb, name, &hit, &err) == CAIRN_OK &&
		    cairn_wb_read(a->wb, &hit, &before, &err) == CAIRN_OK) {
			const char *v = cairn_record_get(&before, key);
			old = strdup(v ? v : "");
		}
	}
	cairn_record_done(&before);
	if (cairn_wb_save(a->wb, &e, 1, NULL, &res, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		free(old);
		return false;
	}
	if (res.commit.hex[0]) {
		app_message(a, false, _("saved %.12s  %s"), res.commit.hex, res.message ? res.message : "");
		free(a->undo_key);
		free(a->undo_value);
		a->undo_ref = *ref;
		a->undo_key = strdup(key);
		a->undo_value = old;    /* stored form: saved back as is */
		a->undo_ready = a->undo_key && a->undo_value;
		old = NULL;
	} else {
		app_message(a, false, "%s", _("nothing changed"));
	}
	free(old);
	cairn_save_result_done(&res);
	app_rebuild(a);
	return true;
}

void undo(app *a)
{
	cairn_ref ref;
	char *key, *value;

	if (!a->undo_ready) {
		app_message(a, true, "%s", _("nothing to undo: no edit was saved from this screen yet"));
		return;
	}
	ref = a->undo_ref;
	key = a->undo_key;
	value = a->undo_value;
	a->undo_key = a->undo_value = NULL;
	a->undo_ready = false;
	/* The undo is itself an edit, so `u` again redoes. */
	app_save_field(a, &ref, key, value);
	free(key);
	free(value);
}

/* Record files changed by hand and not committed.  Finding them means
 * comparing every file with git (a tenth of a second and tens of MiB at
 * 100,000 records), so a child process does it while the screen is in use
 * and writes "COUNT PATH" to a pipe that the main loop reads. */
void start_hand_edit_check(app *a)
{
	int fds[2];
	pid_t pid;

	a->check_fd = -1;
	if (pipe(fds) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		char **paths = NULL, **gone = NULL, report[CAIRN_PATH_MAX + 48];
		size_t n = 0, ngone = 0;
		cairn_error err;
		int len;
		close(fds[0]);
		if (cairn_wb_hand_edits_alone(a->wb, &paths, &n, &gone, &ngone, &err) == CAIRN_OK) {
			len = snprintf(report, sizeof report, "%zu %zu %s", n, ngone,
				       n ? paths[0] : ngone ? gone[0] : "");
			if (write(fds[1], report, (size_t)len) < 0)
				_exit(1);
		}
		_exit(0);       /* nothing of the parent's (SQLite, curses) is touched */
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return;
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	a->check_fd = fds[0];
	a->check_pid = pid;
}

void finish_hand_edit_check(app *a)
{
	char report[CAIRN_PATH_MAX + 48];
	ssize_t got;
	size_t n = 0, ngone = 0;

	if (a->check_fd < 0)
		return;
	got = read(a->check_fd, report, sizeof report - 1);
	if (got < 0 && errno == EAGAIN)
		return;                 /* still looking */
	if (got > 0) {
		char *path;
		report[got] = '\0';
		n = strtoul(report, &path, 10);
		ngone = strtoul(path, &path, 10);
		if (!n && ngone)
			app_message(a, true,
				    P_("%zu record file is missing from the work tree (%s%s): "
				       "`git checkout -- FILE` brings it back; nothing was committed",
				       "%zu record files are missing from the work tree (%s%s): "
				       "`git checkout -- FILE` brings them back; nothing was committed",
				       ngone),
				    ngone, path + 1, ngone > 1 ? ", ..." : "");
		else if (n)
			app_message(a, true,
				    P_("%zu record file changed by hand and not committed (%s%s): "
				       "run :commit to save it",
				       "%zu record files changed by hand and not committed (%s%s): "
				       "run :commit to save them", n),
				    n, path + 1, n > 1 ? ", ..." : "");
	}
	close(a->check_fd);
	a->check_fd = -1;
	waitpid(a->check_pid, NULL, 0);
}

/* Progress on the message line while a sync fetches or pushes, redrawn
 * at each whole percent (over a slow link every redraw is carried). */
static void sync_progress(const char *stage, size_t done, size_t total, size_t bytes, void *ctx)
{
	static const char *last_stage;
	static size_t last_percent = (size_t)-1;
	app *a = ctx;
	size_t percent = total ? done * 100 / total : 0;

	if (stage == last_stage && percent == last_percent && done != total)
		return;
	last_stage = stage;
	last_percent = percent;
	app_message(a, false, "%s: %zu/%zu, %zu KiB", _(stage), done, total, bytes / 1024);
	draw(a);
}

/* The server's last message on the message line (drawn sanitised). */
static void sync_remote_says(const char *text, bool transient, void *ctx)
{
	app *a = ctx;
	(void)transient;
	app_message(a, false, _("remote: %s"), text);
	draw(a);
}

/* An SSH host never seen: its fingerprint on the message line, and a
 * question; only "yes" (or its translation) accepts. */
static bool sync_accept_host(const char *name, const char *type, const char *fingerprint,
			     void *ctx)
{
	app *a = ctx;
	char *answer;
	bool yes;

	snprintf(a->prompt_context, sizeof a->prompt_context,
		 _("%s %s, unknown host %s"), fingerprint, type, name);
	answer = app_prompt(a, _("Accept this host key? (yes/no)"), "");
	a->prompt_context[0] = '\0';
	/* "yes" in English or in the user's language ("oui"). */
	yes = answer && (!strcmp(answer, "yes") || !strcmp(answer, "y") ||
			 !strcmp(answer, _("yes")));
	free(answer);
	app_message(a, false, "%s", yes ? _("host key accepted, syncing...") : _("host key refused"));
	draw(a);
	return yes;
}

bool sync_now(app *a)
{
	cairn_sync_options o = { NULL, false, sync_progress, NULL, a, sync_accept_host, NULL,
				 a->c->cfg.sync_token, sync_remote_says,
				 NULL /* a key's passphrase: an agent, or the command line */,
				 NULL, NULL, false };
	cairn_sync_report r;
	cairn_error err;
	cairn_status st;

	o.username = a->c->cfg.sync_username;
	o.ca_file = a->c->cfg.sync_ca_file;
	app_message(a, false, "%s", _("syncing..."));
	draw(a);
	st = cairn_wb_sync(a->wb, &o, &r, &err);
	if (st == CAIRN_OK)
		app_message(a, false,
			    P_("synced with %s: %zu record in, %zu merged, %s",
			       "synced with %s: %zu records in, %zu merged, %s", r.incoming),
			    r.remote, r.incoming, r.merged,
			    r.pushed ? _("pushed") : _("nothing to push"));
	else
		app_message(a, true, "%s", err.msg);
	app_rebuild(a);
	if (st == CAIRN_ECONFLICT)
		app_push(a, &conflicts_view, NULL, 0, _("Conflicts"));
	return st == CAIRN_OK;
}

/* d: the plan first (a dry run: who would get which tool, with which
 * validator, and the tools nobody may take), then, on yes, the
 * distribution itself; the core says who may. */
void distribute(app *a)
{
	cairn_distribution d;
	cairn_save_result res;
	cairn_error err;
	cairn_buf plan = CAIRN_BUF_INIT;
	size_t planned = 0;
	char question[160], *answer;
	bool yes;

	memset(&res, 0, sizeof res);
	if (cairn_wb_distribute(a->wb, NULL, true, &d, &res, &err) != CAIRN_OK) {
		app_message(a, true, "%s", err.msg);
		cairn_distribution_done(&d);
		cairn_save_result_done(&res);
		return;
	}
	cairn_save_result_done(&res);
	for (size_t i = 0; i < d.n; i++) {
		const cairn_assignment *s = &d.v[i];
		if (*s->evaluator) {
			planned++;
			cairn_buf_printf(&plan, _("%s to %s, validator %s"), s->tool, s->evaluator,
					 *s->validator ? s->validator : _("(none: a leader or reviewer)"));
		} else {
			cairn_buf_printf(&plan, _("%s: nobody (%s)"), s->tool, s->why);
		}
		cairn_buf_adds(&plan, "\n");
	}
	if (!planned) {
		if (d.n)
			app_message(a, true, "%s", cairn_buf_str(&plan));
		else
			app_message(a, false, _("every tool has an evaluation on template %s"),
				    d.template_id);
		cairn_buf_done(&plan);
		cairn_distribution_done(&d);
		return;
	}
	snprintf(a->prompt_context, sizeof a->prompt_context, "%s", cairn_buf_str(&plan));
	cairn_buf_done(&plan);
	cairn_distribution_done(&d);
	snprintf(question, sizeof question,
		 P_("add this %zu evaluation? (yes/no)", "add these %zu evaluations? (yes/no)", planned),
		 planned);
	answer = app_prompt(a, question, "");
	a->prompt_context[0] = '\0';
	yes = answer && (!strcmp(answer, "yes") || !strcmp(answer, "y") || !strcmp(answer, _("yes")));
	free(answer);
	if (!yes) {
		app_message(a, false, "%s", _("nothing distributed"));
		return;
	}
	memset(&res, 0, sizeof res);
	if (cairn_wb_distribute(a->wb, NULL, false, &d, &res, &err) != CAIRN_OK)
		app_message(a, true, "%s", err.msg);
	else
		app_message(a, false, _("saved %.12s  %s"), res.commit.hex,
			    res.message ? res.message : "");
	cairn_distribution_done(&d);
	cairn_save_result_done(&res);
	app_rebuild(a);
}

/* H: the history of the record shown, or of the one selected. */
void history_of_selection(app *a)
{
	view *v = top(a);
	const line *sel = lines_selected(&v->lines);
	const char *name = NULL;
	char title[200];
	cairn_ref ref;
	cairn_error err;

	if (v->ops == &record_view)
		name = v->state;        /* its state starts with "kind/id" */
	else if (sel && sel->target && cairn_ref_parse(sel->target, &ref, &err) == CAIRN_OK)
		name = sel->target;
	if (!name) {
		app_message(a, true, "%s", _("select a record to see its history (L: every commit)"));
		return;
	}
	snprintf(title, sizeof title, _("History of %s"), name);
	app_push(a, &history_view, name, strlen(name) + 1, title);
}
