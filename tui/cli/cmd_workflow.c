/* The verbs of the evaluation workflow: submit, validate, return, mark,
 * reassign, distribute, template copy, progress.  The rules (who may do what, and
 * when) are the core's (include/cairn/workflow.h); these only read the
 * arguments and say what happened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/query.h"
#include "cairn/workflow.h"
#include "cli.h"

static int report(cli *c, cairn_status st, cairn_save_result *res, cairn_error *err)
{
	if (st != CAIRN_OK) {
		cairn_save_result_done(res);
		return cli_error(c, err);
	}
	if (!res->commit.hex[0]) {
		printf("nothing to change\n");
	} else {
		size_t n = strcspn(res->message, "\n");
		printf("saved %.12s  ", res->commit.hex);
		cli_printf(c, stdout, "%.*s\n", (int)n, res->message);
	}
	cairn_save_result_done(res);
	return EXIT_DONE;
}

/* "--comment TEXT" or "--comment=TEXT" among argv[from..argc); the rest
 * must be exactly one record name. */
static int eval_args(cli *c, int argc, char **argv, const char **name, const char **comment)
{
	*name = NULL;
	if (comment)
		*comment = NULL;
	for (int i = 1; i < argc; i++) {
		if (comment && !strcmp(argv[i], "--comment") && i + 1 < argc)
			*comment = argv[++i];
		else if (comment && !strncmp(argv[i], "--comment=", 10))
			*comment = argv[i] + 10;
		else if (argv[i][0] == '-' || *name)
			return cli_verb_usage(c);
		else
			*name = argv[i];
	}
	if (!*name)
		return cli_verb_usage(c);
	return EXIT_DONE;
}

int cmd_submit(cli *c, int argc, char **argv)
{
	cairn_save_result res;
	cairn_error err;
	const char *name;
	int rc;

	if ((rc = eval_args(c, argc, argv, &name, NULL)))
		return rc;
	return report(c, cairn_wb_submit(c->wb, name, NULL, 0, &res, &err), &res, &err);
}

int cmd_validate(cli *c, int argc, char **argv)
{
	cairn_save_result res;
	cairn_error err;
	const char *name, *comment;
	int rc;

	if ((rc = eval_args(c, argc, argv, &name, &comment)))
		return rc;
	return report(c, cairn_wb_validate(c->wb, name, comment, &res, &err), &res, &err);
}

int cmd_return(cli *c, int argc, char **argv)
{
	cairn_save_result res;
	cairn_error err;
	const char *name, *comment;
	int rc;

	if ((rc = eval_args(c, argc, argv, &name, &comment)))
		return rc;
	return report(c, cairn_wb_return(c->wb, name, comment, &res, &err), &res, &err);
}

int cmd_mark(cli *c, int argc, char **argv)
{
	cairn_save_result res;
	cairn_error err;
	const char *name = NULL, *what = NULL;
	bool on = true;
	cairn_mark mark;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--off"))
			on = false;
		else if (argv[i][0] == '-' || (name && what))
			return cli_verb_usage(c);
		else if (!name)
			name = argv[i];
		else
			what = argv[i];
	}
	if (!name || !what)
		return cli_verb_usage(c);
	if (!strcmp(what, "good-practice"))
		mark = CAIRN_MARK_GOOD_PRACTICE;
	else if (!strcmp(what, "success-story"))
		mark = CAIRN_MARK_SUCCESS_STORY;
	else
		return cli_fail(c, EXIT_USAGE, "'%s' is not a mark: write good-practice or "
				"success-story", what);
	return report(c, cairn_wb_mark(c->wb, name, mark, on, &res, &err), &res, &err);
}

int cmd_reassign(cli *c, int argc, char **argv)
{
	cairn_save_result res;
	cairn_error err;

	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
		return cli_verb_usage(c);
	return report(c, cairn_wb_reassign(c->wb, argv[1], argv[2], &res, &err), &res, &err);
}

int cmd_distribute(cli *c, int argc, char **argv)
{
	cairn_distribution d;
	cairn_save_result res;
	cairn_error err;
	const char *tpl = NULL;
	bool dry_run = false;
	size_t planned = 0;
	cairn_status st;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry_run = true;
		else if (!strcmp(argv[i], "--template") && i + 1 < argc)
			tpl = argv[++i];
		else
			return cli_verb_usage(c);
	}
	st = cairn_wb_distribute(c->wb, tpl, dry_run, &d, &res, &err);
	if (st != CAIRN_OK) {
		cairn_distribution_done(&d);
		cairn_save_result_done(&res);
		return cli_error(c, &err);
	}
	for (size_t i = 0; i < d.n; i++) {
		const cairn_assignment *a = &d.v[i];
		if (*a->evaluator) {
			planned++;
			cli_printf(c, stdout, "%s%s/%s  validator %s\n", dry_run ? "would add " : "added ",
				   a->tool, a->evaluator, *a->validator ? a->validator
				   : "(none: any leader or reviewer)");
		} else {
			cli_printf(c, stdout, "not assigned: %s: %s\n", a->tool, a->why);
		}
	}
	if (!d.n)
		cli_printf(c, stdout, "every tool has an evaluation on template %s\n", d.template_id);
	else if (dry_run)
		printf("%zu evaluation%s planned; nothing saved (run without --dry-run)\n", planned,
		       planned == 1 ? "" : "s");
	cairn_distribution_done(&d);
	if (!dry_run && res.commit.hex[0])
		printf("saved %.12s\n", res.commit.hex);
	cairn_save_result_done(&res);
	return EXIT_DONE;
}

int cmd_template(cli *c, int argc, char **argv)
{
	cairn_save_result res;
	cairn_error err;
	const char *title = NULL;

	if (argc < 4 || strcmp(argv[1], "copy") || argc > 5)
		return cli_verb_usage(c);
	if (argc == 5) {
		if (strncmp(argv[4], "title=", 6))
			return cli_fail(c, EXIT_USAGE, "'%s' is not title=TITLE", argv[4]);
		title = argv[4] + 6;
	}
	return report(c, cairn_wb_template_copy(c->wb, argv[2], argv[3], title, &res, &err), &res,
		      &err);
}

/* progress: the evaluations' counts by person (as "id (Name)", with the
 * open tasks each one is assigned) and by tool. */
typedef struct progress_ctx {
	cli *c;
	bool by_person;
	cli_persons persons;
	char **open;            /* the assignee of each open task */
	size_t nopen;
	bool *seen;             /* open[i]'s person has a row already */
} progress_ctx;

static cairn_status take_task(const char *const *v, void *ctx, cairn_error *err)
{
	progress_ctx *p = ctx;
	char **open;

	if (!*v[0] || !strcmp(v[1], "done") || !strcmp(v[1], "dropped"))
		return CAIRN_OK;
	if (!(open = realloc(p->open, (p->nopen + 1) * sizeof *open)))
		return cairn_oom(err);
	p->open = open;
	if (!(open[p->nopen] = strdup(v[0])))
		return cairn_oom(err);
	p->nopen++;
	return CAIRN_OK;
}

static long open_tasks(progress_ctx *p, const char *id)
{
	long n = 0;
	for (size_t i = 0; i < p->nopen; i++)
		if (!strcmp(p->open[i], id)) {
			p->seen[i] = true;
			n++;
		}
	return n;
}

static cairn_status progress_row(const char *value, const long *n, void *ctx, cairn_error *e)
{
	progress_ctx *p = ctx;
	char who[300];
	(void)e;
	if (!p->by_person) {
		cli_cell(p->c, stdout, value, 28);
		printf(" %8ld %6ld %9ld %8ld %9ld\n", n[0], n[1], n[2], n[3], n[4]);
		return CAIRN_OK;
	}
	cli_cell(p->c, stdout, cli_person_label(&p->persons, value, who, sizeof who), 28);
	printf(" %8ld %6ld %9ld %8ld %9ld %5ld\n", n[0], n[1], n[2], n[3], n[4],
	       open_tasks(p, value));
	return CAIRN_OK;
}

int cmd_progress(cli *c, int argc, char **argv)
{
	static const char *const columns[] = { "evaluator", "tool" };
	static const char *const titles[] = { "PERSON", "TOOL" };
	static const char *const tcols[] = { "assignee", "status" };
	static const long none[5] = { 0 };
	progress_ctx p = { c, false, { NULL, 0 }, NULL, 0, NULL };
	cairn_error err;
	cairn_status st;
	long more;
	(void)argv;

	if (argc > 1)
		return cli_verb_usage(c);
	st = cli_persons_load(c, &p.persons, &err);
	if (st == CAIRN_OK)
		st = cairn_index_rows(cairn_wb_index(c->wb), CAIRN_KIND_TASK, tcols, 2, NULL, 0,
				      "id", 0, take_task, &p, &err);
	if (st == CAIRN_OK && p.nopen && !(p.seen = calloc(p.nopen, sizeof *p.seen)))
		st = cairn_oom(&err);
	/* The dashboard's counts (the index keeps them): most open work first. */
	for (int i = 0; st == CAIRN_OK && i < 2; i++) {
		printf("%s%-28s %8s %6s %9s %8s %9s%s\n", i ? "\n" : "", titles[i], "ASSIGNED",
		       "DRAFT", "SUBMITTED", "RETURNED", "VALIDATED", i ? "" : " TASKS");
		p.by_person = i == 0;
		st = cairn_index_tally(cairn_wb_index(c->wb), columns[i], 0, progress_row, &p,
				       &more, &err);
		/* Then those with open tasks and no evaluation. */
		for (size_t k = 0; st == CAIRN_OK && i == 0 && k < p.nopen; k++)
			if (!p.seen[k])
				st = progress_row(p.open[k], none, &p, &err);
	}
	cli_persons_done(&p.persons);
	for (size_t k = 0; k < p.nopen; k++)
		free(p.open[k]);
	free(p.open);
	free(p.seen);
	return st == CAIRN_OK ? EXIT_DONE : cli_error(c, &err);
}
