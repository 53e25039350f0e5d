/* The table of verbs, their help, and argument handling they share.
 * Summaries and help are marked N_() and translated where printed; names
 * and usage lines are what people type, so they stay as they are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/sync.h"
#include "cli.h"
#include "screen/tui.h"

static const struct verb verbs[] = {
	{ "init", cmd_init, OPENS_NOTHING, "[--name NAME] [--open] [DIR]",
	  N_("make a new, empty workbook"),
	  N_("Makes DIR (default: the current folder) a workbook: a git repository with the\n"
	  "record folders, the settings file cairn.ini and a first commit. The SQLite\n"
	  "index lives in DIR/.cairn/ and is never committed. Its rules hold (who may\n"
	  "change what, see cairn(1), RULES) and you are its first leader: a person\n"
	  "with your configured name and e-mail. --open makes a workbook without rules.\n") },
	{ "demo", cmd_demo, OPENS_NOTHING, "[--plan PLAN] [DIR]",
	  N_("make a workbook filled with a demo plan"),
	  N_("Makes a workbook in DIR (default: a new temporary folder) filled with a plan\n"
	  "of the shared data (demo/PLAN.ini and demo/PLAN.json). The default,\n"
	  "citizen-city, is the EIP-SCC Citizen City plan: milestones M1-M5, the\n"
	  "key-person seats, the M4 evaluation template, example tools, ten pilot slots,\n"
	  "the inclusion targets and evaluations in each status, its clock pinned to\n"
	  "20/03/2016, during M4. --plan PLAN makes another: cairn(1) names them.\n"
	  "On a terminal it opens the workbook, and once you quit says where it is and\n"
	  "how to open it again; otherwise it prints the workbook's path and its status.\n") },
	{ "add", cmd_add, OPENS_TO_WRITE, "KIND ID [FIELD=VALUE...]",
	  N_("add a record"),
	  N_("Adds a record and commits it. KIND is one of: person, target, tool, template,\n"
	  "milestone, task, pilot, evaluation. An evaluation's ID is TOOL/EVALUATOR.\n"
	  "Dates are typed as dd/mm/yyyy (or the configured format) or ISO yyyy-mm-dd.\n"
	  "Example: cairn add task T1 title='Invite speakers' milestone=M2 due=15/01/2016\n") },
	{ "set", cmd_set, OPENS_TO_WRITE, "RECORD FIELD=VALUE...",
	  N_("change fields of a record"),
	  N_("Changes fields and commits the change with a message naming each field's old\n"
	  "and new value. FIELD= with nothing after '=' clears the field. RECORD is\n"
	  "KIND/ID, or a bare ID when no other kind uses it.\n"
	  "Answers of an evaluation are fields answer.KEY, checked against the template;\n"
	  "the first answers make an assigned evaluation a draft.\n"
	  "Example: cairn set milestone/M4 deadline=30/04/2016 status=active\n") },
	{ "rm", cmd_rm, OPENS_TO_WRITE, "RECORD",
	  N_("remove a record"),
	  N_("Removes a record and commits the removal. Refused while other records name it\n"
	  "(a task's assignee, an evaluation's tool): change those first.\n") },
	{ "show", cmd_show, OPENS_TO_LOOK, "RECORD [--json]",
	  N_("show one record with its derived values"),
	  N_("Shows every field of a record, with what cairn computes from it: days to a\n"
	  "deadline, an evaluation's progress, a pilot's shares against the targets.\n") },
	{ "ls", cmd_ls, OPENS_TO_LOOK, "[KIND] [FIELD=VALUE...] [--json|--names]",
	  N_("list records"),
	  N_("Lists the records of KIND (all kinds when omitted) whose fields equal the\n"
	  "values given. --json writes what `cairn import json` reads; --names writes\n"
	  "KIND/ID, one per line (for scripts and shell completion).\n") },
	{ "status", cmd_status, OPENS_TO_LOOK, "",
	  N_("the workbook in a few lines"),
	  N_("Milestones with days left, evaluations by status, pilots, and anything that\n"
	  "needs attention.\n") },
	{ "submit", cmd_submit, OPENS_TO_WRITE, "EVALUATION",
	  N_("submit an evaluation for validation"),
	  N_("Submits an evaluation (TOOL/PERSON) once every required question is answered.\n"
	  "Only its evaluator or a leader submits, and only an assigned, draft or\n"
	  "returned evaluation. You are the person whose email is [user] email.\n") },
	{ "validate", cmd_validate, OPENS_TO_WRITE, "EVALUATION [--comment TEXT]",
	  N_("validate a submitted evaluation"),
	  N_("Validates a submitted evaluation. Only its validator may (or, when none is\n"
	  "set, a leader or a reviewer), never its evaluator. The validation holds for\n"
	  "the answers it saw: when an answer changes after it, here or by sync, the\n"
	  "evaluation goes back to submitted and its comments say which, by whom, when.\n") },
	{ "return", cmd_return, OPENS_TO_WRITE, "EVALUATION --comment TEXT",
	  N_("return an evaluation to its evaluator with a comment"),
	  N_("Returns a submitted (or validated) evaluation to its evaluator; the comment,\n"
	  "which says what to change, is added to its comments. Who may: as validate.\n") },
	{ "mark", cmd_mark, OPENS_TO_WRITE, "EVALUATION good-practice|success-story [--off]",
	  N_("mark a validated evaluation as a good practice or a success story"),
	  N_("Leaders only. Marks a validated evaluation (fields good_practice and\n"
	  "success_story); --off takes the mark away.\n") },
	{ "reassign", cmd_reassign, OPENS_TO_WRITE, "EVALUATION PERSON",
	  N_("give an evaluation nobody has started to another evaluator"),
	  N_("Moves an assigned evaluation (TOOL/PERSON) to TOOL/NEW-PERSON in one commit,\n"
	  "as r does in the terminal interface. Refused once it holds answers, which\n"
	  "stay its evaluator's: cairn set gives an assigned evaluation its first answer\n"
	  "and makes it a draft. The new evaluator may not be its validator.\n") },
	{ "distribute", cmd_distribute, OPENS_TO_WRITE, "[--template ID] [--dry-run]",
	  N_("give the tools nobody evaluates yet to the key persons"),
	  N_("Adds one evaluation for each tool without one on the template (the only\n"
	  "template, or --template ID): its evaluator is the key person with the least\n"
	  "open work (assigned, draft, returned) who may evaluate it, its validator\n"
	  "another such key person with the least to validate. A person may not evaluate\n"
	  "a tool whose origin is their organisation, nor one whose `excluded` field\n"
	  "names them. Existing evaluations are never touched; change the plan by hand\n"
	  "with cairn add evaluation TOOL/PERSON, or r in the terminal interface.\n"
	  "Leaders only; --dry-run shows the plan to anyone and saves nothing.\n") },
	{ "template", cmd_template, OPENS_TO_WRITE, "copy TEMPLATE NEWID [title=TITLE]",
	  N_("copy a template under a new id"),
	  N_("Makes template NEWID with the questions of TEMPLATE, at version 1. A change to\n"
	  "a template's questions raises its version by itself; evaluations keep the\n"
	  "version their answers were given on.\n") },
	{ "progress", cmd_progress, OPENS_TO_LOOK, "",
	  N_("evaluations by status, per person and per tool"),
	  N_("For each evaluator and each tool, how many evaluations are assigned, draft,\n"
	  "submitted, returned and validated, most open work first.\n") },
	{ "compare", cmd_compare, OPENS_TO_LOOK,
	  "TEMPLATE [--status STATUS | --all] [--kind KIND] [--mark MARK] [--json | --csv]",
	  N_("a template's evaluations side by side, with a summary per question"),
	  N_("Every evaluation of TEMPLATE with every answer, question by question, and\n"
	  "under each question a summary across the evaluations: how many were asked\n"
	  "and answered, how many chose each choice, and the mean, spread (standard\n"
	  "deviation) and range of scales, numbers and percentages. Validated\n"
	  "evaluations only, unless --status names another status or --all takes\n"
	  "every one; --kind keeps the tools of one kind, --mark the good-practice or\n"
	  "success-story ones. A question its template's `when` does not ask is shown\n"
	  "as not asked and left out of the counts. --json and --csv write one row per\n"
	  "evaluation and one column per question, for a script or a spreadsheet.\n") },
	{ "import", cmd_import, OPENS_TO_WRITE, "json FILE|- | csv KIND FILE|- [--skip-bad]",
	  N_("add or replace records from JSON or a spreadsheet, as one commit"),
	  N_("json: reads exactly what `cairn ls --json` writes (an array of {kind, id,\n"
	  "fields} objects, values in their stored form); each record given replaces\n"
	  "the record of the same name. csv KIND: a first line naming the columns (id,\n"
	  "then fields of KIND), then one record per row, values as you would type them\n"
	  "(dates as dd/mm/yyyy or ISO); an empty cell leaves a field as it is. Every\n"
	  "bad row is reported by line and column and nothing is saved unless every row\n"
	  "is valid; --skip-bad saves the good rows and lists the others.\n") },
	{ "commit", cmd_commit, OPENS_TO_WRITE, "[-m MESSAGE]",
	  N_("commit record files edited by hand"),
	  N_("Checks and commits record files changed in the work tree without cairn (in an\n"
	  "editor, say), each parsed and validated like any other save.\n") },
	{ "check", cmd_check, OPENS_TO_LOOK, "[--rebuild]",
	  N_("check the workbook: objects, records, index, hand edits"),
	  N_("Reads every loose git object, compares the index with the records, lists\n"
	  "records that could not be read and files edited by hand. --rebuild throws the\n"
	  "index away and builds it again from the records. Exits 1 when it finds\n"
	  "something.\n") },
	{ "clone", cmd_clone, OPENS_NOTHING, "[--accept-host-key SHA256:...] URL [DIR]",
	  N_("make a workbook of your own from a shared one"),
	  N_("Clones the shared repository at URL (a path, file://, ssh://, user@host:path\n"
	  "or https://) into DIR (default: named after the URL) and builds its index.\n"
	  "SSH logs in with the ssh agent, then the IdentityFile lines of ~/.ssh/config\n"
	  "(whose Host aliases, HostName, Port and User are followed; ProxyJump is not),\n"
	  "then ~/.ssh/id_ed25519, id_ecdsa, id_rsa, asking on the terminal for a key's\n"
	  "passphrase; the server's key must be in ~/.ssh/known_hosts. A host never seen is shown with its\n"
	  "SHA-256 fingerprint and refused unless you accept it (on a terminal you are\n"
	  "asked; --accept-host-key names the fingerprint to accept); a changed key is\n"
	  "always refused. https takes a token from $CAIRN_TOKEN or [sync] token, sent\n"
	  "with the URL's user name, else [sync] username or git's credential.username,\n"
	  "else your login name; the server's certificate is checked against\n"
	  "http.sslCAInfo or [sync] ca_file when set (the group's own CA).\n") },
	{ "remote", cmd_remote, OPENS_TO_WRITE, "[list] | add NAME URL | remove NAME",
	  N_("the shared repositories this workbook syncs with"),
	  N_("Lists, adds or removes remotes, as git remote does.\n") },
	{ "sync", cmd_sync, OPENS_TO_WRITE, "[--dry-run] [-u] [--accept-host-key SHA256:...] [REMOTE]",
	  N_("fetch, merge field by field, push"),
	  N_("Fetches the remote (the branch's upstream, origin, or the only one), merges\n"
	  "every record changed on both sides field by field from the common ancestor,\n"
	  "commits the merge with both parents and pushes; if someone pushed first it\n"
	  "fetches and merges again. A field changed on both sides to different values is\n"
	  "a conflict: nothing is pushed, `cairn conflicts` lists them and `cairn\n"
	  "resolve` settles them. --dry-run fetches and tells what would come in, go out\n"
	  "and clash, and changes nothing. Exits 4 while conflicts wait. SSH host keys\n"
	  "and logins are checked as for clone. REMOTE syncs with that remote this once;\n"
	  "-u also makes it the default (the branch's upstream), as `git push -u` does.\n") },
	{ "doctor", cmd_doctor, OPENS_TO_LOOK, "[REMOTE]",
	  N_("what is wrong with a remote, and how to mend it"),
	  N_("Looks at the remote (the one sync would use, or REMOTE) from your account and\n"
	  "says what is wrong and what to run. A folder: its owner, group and modes\n"
	  "against core.sharedRepository, files others can read or the group cannot,\n"
	  "whether you may write, and whether your account trusts it (safe.directory).\n"
	  "Over ssh or https: it connects for a push, as sync does, and names the host\n"
	  "key, the keys offered, the login, and the server's git refusing (dubious\n"
	  "ownership, with where to set safe.directory). First, whether git's pre-commit\n"
	  "hook runs `cairn hook pre-commit` here (core.hooksPath or a hook of your own\n"
	  "may keep it from running). Changes nothing. Exits 1 when it finds a problem.\n") },
	{ "conflicts", cmd_conflicts, OPENS_TO_LOOK, "[--json]",
	  N_("the conflicts a sync left, with both values"),
	  N_("Each conflict: the record, the field, and its value at the common ancestor, on\n"
	  "our side and on theirs, each with who set it and when. --json prints them as a\n"
	  "JSON array for scripts. Exits 4 when there are any.\n") },
	{ "resolve", cmd_resolve, OPENS_TO_WRITE, "RECORD [FIELD] --ours|--theirs|--value TEXT",
	  N_("settle a conflict"),
	  N_("Chooses our value, theirs, or a new one for a field in conflict (a whole\n"
	  "record added or removed on one side takes --ours or --theirs). The next\n"
	  "`cairn sync` merges and pushes.\n") },
	{ "merge-file", cmd_merge_file, OPENS_NOTHING, "BASE OURS THEIRS PATH",
	  N_("git's merge driver for record files"),
	  N_("Run by git, not by people: cairn init, demo and clone register it in the\n"
	  "repository's config and .git/info/attributes, so that a plain `git pull`\n"
	  "merges records field by field. Writes the merge into OURS; exits 1 when a\n"
	  "field changed on both sides (ours is kept and git reports a conflict).\n") },
	{ "hook", cmd_hook, OPENS_NOTHING, "pre-commit",
	  N_("git's pre-commit hook: a record a plain git left old in git's index, put back"),
	  N_("Run by git, not by people: cairn init, demo and clone (and a verb that saves\n"
	  "or the terminal interface, where there is no hook yet) install\n"
	  ".git/hooks/pre-commit, which runs it. A plain git commit that ran beside a\n"
	  "cairn save can leave git's index with a record's older text; before git\n"
	  "commits, this puts the saved version back and names the record. Only a\n"
	  "record whose work tree file holds the saved text, and whose entry is one of\n"
	  "its recent older versions, is touched; `git commit --no-verify` commits it\n"
	  "anyway. Never stops a commit.\n") },
	{ "export", cmd_export, OPENS_TO_LOOK, "csv KIND | json | ics",
	  N_("write records for a spreadsheet, a script or a calendar"),
	  N_("csv KIND: one row per record of KIND, one column per field (RFC 4180, UTF-8,\n"
	  "CRLF), values in their stored form (ISO dates). json: every record, as\n"
	  "`cairn ls --json` writes them. ics: an iCalendar file (RFC 5545) with each\n"
	  "milestone's deadline and each task's due date as an all-day event; each\n"
	  "record keeps one UID, so a subscribed calendar updates instead of duplicating.\n") },
	{ "agenda", cmd_agenda, OPENS_TO_LOOK, "[--days N]",
	  N_("what is overdue and what is due soon, for cron and mail"),
	  N_("Lists milestones and tasks that are overdue or due in the next N days\n"
	  "(default 14), in plain text. Exits 5 when something is overdue, 0 otherwise.\n") },
	{ "report", cmd_report, OPENS_TO_LOOK, "[--html]",
	  N_("the guidelines deliverable, as Markdown or one HTML page"),
	  N_("Writes \"Guidelines for future design, implementation and monitoring\" on\n"
	  "standard output: milestone status; validated evaluations by kind of tool, each\n"
	  "answer under its question; good practices and success stories; each pilot's\n"
	  "inclusion shares against the targets (met or short) and its results. Markdown\n"
	  "by default; --html writes one standalone page (styles inline, no scripts, no\n"
	  "network) that prints well. Dates are ISO and none is today's: the same\n"
	  "workbook always gives the same bytes.\n") },
	{ "log", cmd_log, OPENS_TO_LOOK, "[--oneline] [-n N] [--author PATTERN [-i] [-E]] [RECORD | KIND]",
	  N_("the history: every commit, or a record's, field by field"),
	  N_("Without RECORD, the workbook's timeline: each commit with its author, date,\n"
	  "message and the kinds of record it touched (KIND alone: only those of that\n"
	  "kind; --author: one person's). With RECORD, the commits that changed it, each\n"
	  "with its changed fields as old and new value (long text as changed lines).\n"
	  "A change its author (matched to persons by email) was not allowed to make\n"
	  "is flagged with `! authorship`: by the rules in an enforced workbook, else a\n"
	  "change to an evaluation by neither its evaluator, its validator nor a\n"
	  "leader. Paged through $CAIRN_PAGER, [display] pager or $PAGER (less -R\n"
	  "by default) on a terminal, coloured only there. --oneline: one line per\n"
	  "commit (id, date, author, message). --author PATTERN, as git's: the commits\n"
	  "whose author \"Name <email>\" matches the regular expression PATTERN (-i:\n"
	  "ignoring case, -E: extended), such as --author maria or --author '@city\\.'.\n") },
	{ "diff", cmd_diff, OPENS_TO_LOOK, "[REV[..REV]] [RECORD]",
	  N_("what changed between two versions, field by field"),
	  N_("REV..REV compares two commits (git's names: ids, HEAD~2, origin/main); one\n"
	  "REV compares it with HEAD; none shows what the last commit changed. Each\n"
	  "record that differs is shown with its changed fields, old (-) and new (+);\n"
	  "an evaluation's answers are named by their question. RECORD limits it to one.\n") },
	{ "blame", cmd_blame, OPENS_TO_LOOK, "RECORD",
	  N_("who last set each field, when, in which commit"),
	  N_("For each field or answer of RECORD: its value, and the commit that last set\n"
	  "it, with author and date; long text line by line, each line with the commit,\n"
	  "date and author that wrote it.\n") },
	{ "guard", cmd_guard, OPENS_NOTHING, "[install BARE-REPO | REF OLD NEW]",
	  N_("the workbook's rules at the shared repository (a pre-receive hook)"),
	  N_("Run by git as a shared bare repository's pre-receive hook: refuses a push\n"
	  "whose commits break the workbook's rules for the pusher (GL_USER for\n"
	  "gitolite, REMOTE_USER for https, else the Unix user), mapped to the person\n"
	  "whose login field is theirs; the message names the commit, the record, the\n"
	  "field and the rule. `cairn guard install BARE-REPO` sets the hook up.\n") },
	{ "help", cmd_help, OPENS_NOTHING, "[VERB | keys]",
	  N_("show help"),
	  N_("Shows the list of verbs, or one verb's help; `cairn help keys` lists the\n"
	  "terminal interface's actions and their default keys.\n") },
};

const struct verb *cli_verbs(size_t *n)
{
	*n = sizeof verbs / sizeof verbs[0];
	return verbs;
}

static void verb_help(const struct verb *v)
{
	printf(_("usage: cairn [-C DIR] %s %s\n\n%s\n%s"), v->name, v->usage, _(v->summary),
	       _(v->help));
}

int cmd_help(cli *c, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "keys")) {
		keys_init(NULL, NULL, NULL);
		printf("%-12s %-16s %s\n", _("ACTION"), _("KEYS"), _("WHAT IT DOES"));
		for (int a = 1; a < ACT_COUNT; a++) {
			char keys[64];
			keys_describe((tui_action)a, keys, sizeof keys);
			printf("%-12s %-16s %s\n", keys_action_name((tui_action)a), keys,
			       keys_action_help((tui_action)a));
		}
		return EXIT_DONE;
	}
	if (argc > 1) {
		for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
			if (!strcmp(argv[1], verbs[i].name)) {
				verb_help(&verbs[i]);
				return EXIT_DONE;
			}
		return cli_fail(c, EXIT_USAGE, _("'%s' is not a cairn verb"), argv[1]);
	}
	printf("%s", _("usage: cairn [-C DIR] VERB [ARGS...]\n\n"
	       "cairn keeps a working group's initiative -- milestones, tasks, persons, tools,\n"
	       "evaluation templates and evaluations, city pilots and inclusion targets -- in a\n"
	       "workbook: a git repository of small text records with a SQLite index.\n\n"
	       "verbs:\n"));
	{
		/* One column for the summaries, after the longest verb. */
		int w = 0;
		for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
			if ((int)strlen(verbs[i].name) > w)
				w = (int)strlen(verbs[i].name);
		for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
			printf("  %-*s  %s\n", w, verbs[i].name, _(verbs[i].summary));
	}
	printf("%s", _("\noptions:\n  -C DIR     work in the workbook at DIR\n"
	       "  --help     this help; cairn VERB --help for one verb\n"
	       "  --version  print the version\n\n"
	       "exit codes: 0 done, 1 refused input, 2 usage, 3 workbook or system trouble,\n"
	       "4 a conflict that needs you, 5 something is overdue (agenda), 6 the remote\n"
	       "refused a push.\n"
	       "See cairn(1) and cairn-workbook(5).\n"));
	return EXIT_DONE;
}

int cli_usage(cli *c)
{
	fprintf(stderr, "%s", _("usage: cairn [-C DIR] VERB [ARGS...]   (cairn --help lists the verbs)\n"));
	return EXIT_USAGE;
}

int cli_verb_usage(cli *c)
{
	const struct verb *v = c->verb;

	if (!*v->usage)
		return cli_fail(c, EXIT_USAGE, _("usage: cairn %s"), v->name);
	return cli_fail(c, EXIT_USAGE, _("usage: cairn %s %s"), v->name, v->usage);
}

int cli_not_a_kind(cli *c, int code, const char *name)
{
	return cli_fail(c, code, _("'%s' is not a kind: %s"), name, cairn_kind_names());
}

bool cli_wants_help(cli *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			verb_help(c->verb);
			return true;
		}
	}
	return false;
}

int cli_field_args(cli *c, int argc, char **argv, const char ***keys, const char ***values,
		   size_t *n)
{
	*keys = calloc((size_t)argc + 1, sizeof **keys);
	*values = calloc((size_t)argc + 1, sizeof **values);
	*n = 0;
	if (!*keys || !*values)
		return cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			free(*keys);
			free(*values);
			*keys = *values = NULL;
			return cli_fail(c, EXIT_USAGE,
					_("'%s' is not FIELD=VALUE (cairn %s --help)"), argv[i],
					c->verb->name);
		}
		*eq = '\0';
		(*keys)[*n] = argv[i];
		(*values)[*n] = eq + 1;
		(*n)++;
	}
	return EXIT_DONE;
}

/* A merge plain git stopped on record files is taken over by a verb that
 * may write; one that only looks never changes a file, and says what a
 * save would do.  (A stopped rebase detaches HEAD: opening says what to
 * do.) */
static void git_under_way(cli *c)
{
	cairn_error err;

	/* A stopped cherry-pick, revert, rebase or am: a verb that saves
	 * refuses, naming it; one that looks says so and goes on. */
	if (c->verb && c->verb->opens == OPENS_TO_LOOK && cairn_wb_git_stopped(c->wb, &err))
		cli_printf(c, stderr, "cairn: %s\n", err.msg);
	if (!cairn_wb_git_merge_waiting(c->wb))
		return;
	if (c->verb && c->verb->opens == OPENS_TO_LOOK) {
		char why[CAIRN_ERROR_MAX];
		bool none = false;
		/* Say what a verb that saves would do, found without changing
		 * anything: take the merge over, or leave it to git, and why. */
		if (cairn_wb_git_merge_blocker(c->wb, why, sizeof why, &none, &err) != CAIRN_OK)
			snprintf(why, sizeof why, "%s", err.msg);
		if (none)
			fprintf(stderr, "cairn: %s\n", _("a plain git merge is under way with no "
				"record file in conflict: finish it with git (`git add`, `git "
				"commit`) or cancel it with `git merge --abort`; this shows the "
				"files as they are"));
		else if (!*why)
			fprintf(stderr, "cairn: %s\n", _("a plain git merge is under way: `cairn "
				"commit` (or any verb that saves) takes over its record files, `git "
				"merge --abort` cancels it; this shows the files as they are"));
		else
			cli_printf(c, stderr, _("cairn: a plain git merge is under way and cairn "
					       "leaves it to git, because %s: finish it with git "
					       "(edit the files, `git add` them, `git commit`), or "
					       "cancel it with `git merge --abort`; this shows the "
					       "files as they are\n"), why);
	} else if (cairn_wb_take_over_git_merge(c->wb, &err) != CAIRN_OK)
		cli_printf(c, stderr, _("cairn: a plain git merge is under way and cairn could not "
				       "take it over: %s (finish it with git, or `git merge "
				       "--abort`)\n"), err.msg);
}

int cli_open_workbook(cli *c)
{
	char root[4096];
	cairn_error err;

	/* No workbook where one is looked for is the workbook's trouble (3),
	 * for every verb, not input the user could correct in the verb. */
	if (cairn_wb_find(c->dir ? c->dir : ".", root, sizeof root, &err) != CAIRN_OK)
		return cli_fail(c, EXIT_TROUBLE, "%s", err.msg);
	if (cairn_wb_open(root, &c->cfg, cli_warn, c, &c->wb, &err) != CAIRN_OK)
		return cli_error(c, &err);
	git_under_way(c);
	/* An older workbook gets git's pre-commit hook from a verb that
	 * saves or the terminal interface (a verb that looks changes
	 * nothing). */
	if (!c->verb || c->verb->opens == OPENS_TO_WRITE)
		cli_install_git_hook(c, true);
	return EXIT_DONE;
}
