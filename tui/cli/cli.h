/* cairn's command line: the verbs, and what they share.
 *
 * Each verb is one row of the table in tui/cli/cli.c (name, function, usage,
 * summary, help); `cairn --help`, `cairn VERB --help` and the man page's
 * list of verbs all read that table. */
#ifndef CAIRN_TUI_CLI_H
#define CAIRN_TUI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "session.h"

typedef int (*verb_fn)(cli *c, int argc, char **argv);

/* What a verb opens: no workbook (init, clone, help), one to look at
 * (never a file changed, not even to take over a plain git merge), or one
 * it may write. */
enum verb_opens { OPENS_NOTHING, OPENS_TO_LOOK, OPENS_TO_WRITE };

struct verb {
	const char *name;
	verb_fn run;
	enum verb_opens opens;
	const char *usage;              /* after "cairn VERB " */
	const char *summary;            /* one line for `cairn --help` */
	const char *help;               /* the rest of `cairn VERB --help` */
};

const struct verb *cli_verbs(size_t *n);

/* ---- paging (tui/cli/pager.c) ---- */

/* Send standard output through the pager when it is a terminal; true
 * when a pager runs.  cli_pager_end waits for it. */
bool cli_pager_start(cli *c);
void cli_pager_end(cli *c);

/* ---- shared argument handling (tui/cli/cli.c) ---- */

/* Split "field=value" arguments; 0 or an exit code after printing why. */
int cli_field_args(cli *c, int argc, char **argv, const char ***keys, const char ***values,
		   size_t *n);
/* Does argv hold --help / -h?  Prints the verb's help when it does. */
bool cli_wants_help(cli *c, int argc, char **argv);
int cli_usage(cli *c);
/* The running verb's usage line from the table ("usage: cairn VERB
 * USAGE", translated) on stderr, as cli_fail writes; returns EXIT_USAGE. */
int cli_verb_usage(cli *c);
/* "'NAME' is not a kind: KINDS", the one wording; returns code. */
int cli_not_a_kind(cli *c, int code, const char *name);

/* ---- the verbs ---- */
int cmd_init(cli *c, int argc, char **argv);
int cmd_log(cli *c, int argc, char **argv);
int cmd_diff(cli *c, int argc, char **argv);
int cmd_blame(cli *c, int argc, char **argv);
int cmd_demo(cli *c, int argc, char **argv);
int cmd_guard(cli *c, int argc, char **argv);
int cmd_add(cli *c, int argc, char **argv);
int cmd_set(cli *c, int argc, char **argv);
int cmd_rm(cli *c, int argc, char **argv);
int cmd_import(cli *c, int argc, char **argv);
int cmd_commit(cli *c, int argc, char **argv);
int cmd_show(cli *c, int argc, char **argv);
int cmd_ls(cli *c, int argc, char **argv);
int cmd_status(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);
int cmd_help(cli *c, int argc, char **argv);
int cmd_export(cli *c, int argc, char **argv);
int cmd_agenda(cli *c, int argc, char **argv);
int cmd_report(cli *c, int argc, char **argv);
int cmd_remote(cli *c, int argc, char **argv);
int cmd_clone(cli *c, int argc, char **argv);
int cmd_sync(cli *c, int argc, char **argv);
int cmd_doctor(cli *c, int argc, char **argv);
/* An ssh key's passphrase, asked on the terminal (cairn_net.passphrase). */
char *cli_passphrase(const char *key, void *ctx);
int cmd_conflicts(cli *c, int argc, char **argv);
int cmd_resolve(cli *c, int argc, char **argv);
int cmd_merge_file(cli *c, int argc, char **argv);
int cmd_import_csv(cli *c, int argc, char **argv);
/* The evaluation workflow (tui/cli/cmd_workflow.c). */
int cmd_submit(cli *c, int argc, char **argv);
int cmd_validate(cli *c, int argc, char **argv);
int cmd_return(cli *c, int argc, char **argv);
int cmd_mark(cli *c, int argc, char **argv);
int cmd_reassign(cli *c, int argc, char **argv);
int cmd_distribute(cli *c, int argc, char **argv);
int cmd_template(cli *c, int argc, char **argv);
int cmd_progress(cli *c, int argc, char **argv);
/* Evaluations side by side (tui/cli/cmd_compare.c). */
int cmd_compare(cli *c, int argc, char **argv);
/* The path of this program, for git's merge driver (tui/cli/cmd_sync.c). */
void cli_register_merge_driver(cli *c);
/* git's pre-commit hook (tui/cli/cmd_hook.c), installed with this
 * program's path; only_if_missing: only where there is no hook file yet. */
int cmd_hook(cli *c, int argc, char **argv);
void cli_install_git_hook(cli *c, bool only_if_missing);

/* Import JSON text as one commit (import, demo). */
int cli_import_json(cli *c, const char *data, size_t len, const char *name, const char *message,
		    bool quiet);
/* Print a workbook's status (used by status and demo). */
int cli_print_status(cli *c);
/* Open c->dir (or the workbook around the current folder) into c->wb. */
int cli_open_workbook(cli *c);

#endif
