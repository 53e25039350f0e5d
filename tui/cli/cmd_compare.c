/* cairn compare TEMPLATE: evaluations side by side, from the core's
 * comparison (include/cairn/compare.h).  --json and --csv give one row
 * per evaluation and one column per question, for a script or a
 * spreadsheet; the text shows one question at a time, each evaluation's
 * answer on its own line and the summary under it, so that it reads on an
 * 80-column terminal whatever the number of questions. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/compare.h"
#include "cairn/json.h"
#include "cli.h"
#include "i18n.h"

enum compare_format { AS_TEXT, AS_JSON, AS_CSV };

static const char *choice_label(const cairn_question *q, size_t i, const char *langs)
{
	if (q->type == CAIRN_Q_YESNO)
		return i == 0 ? _("yes") : _("no");
	return cairn_question_choice(q, i, langs);
}

static void text_summary(cli *c, const cairn_question *q, const cairn_compare_summary *s,
			 const char *langs)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_printf(&b, "    = ");
	cairn_buf_printf(&b, _("%zu of %zu answered"), s->answered, s->asked);
	/* One choice a line, its count first: the counts line up. */
	for (size_t i = 0; i < s->ncounts; i++)
		cairn_buf_printf(&b, "\n      %4zu  %s", s->counts[i], choice_label(q, i, langs));
	if (s->numeric) {
		cairn_buf_adds(&b, "; ");
		cli_number_summary(&b, s);
	}
	cairn_buf_adds(&b, "\n");
	cli_put(c, stdout, cairn_buf_str(&b), true);
	cairn_buf_done(&b);
}

static void print_text(cli *c, const cairn_comparison *cmp, const char *status)
{
	const char *langs = i18n_languages();
	size_t width = 0;

	for (size_t r = 0; r < cmp->nrows; r++)
		if (strlen(cmp->rows[r].id) > width)
			width = strlen(cmp->rows[r].id);
	cli_printf(c, stdout, P_("%s (version %d): %zu evaluation (%s)\n",
				 "%s (version %d): %zu evaluations (%s)\n", cmp->nrows),
		   *cmp->tpl.title ? cmp->tpl.title : cmp->tpl.id, cmp->tpl.version, cmp->nrows,
		   status);
	for (size_t q = 0; q < cmp->tpl.nquestions; q++) {
		const cairn_question *qn = &cmp->tpl.questions[q];
		cli_printf(c, stdout, "\n%2zu  %s  [%s]\n", q + 1, cairn_question_prompt(qn, langs),
			   _(cairn_qtype_label(qn->type)));
		for (size_t r = 0; r < cmp->nrows; r++) {
			const char *v = cmp->rows[r].answers[q];
			char *shown = v && *v ? cairn_answer_shown(qn, v, langs) : NULL;
			fputs("    ", stdout);
			cli_cell(c, stdout, cmp->rows[r].id, width + 2);
			if (!v)
				cli_printf(c, stdout, "%s\n", _("(not asked)"));
			else if (!*v)
				cli_printf(c, stdout, "%s\n", _("(not answered)"));
			else {
				/* Lines of a long answer stay under its first. */
				for (char *p = shown ? shown : (char *)v, *nl;; p = nl + 1) {
					nl = strchr(p, '\n');
					if (nl)
						*nl = '\0';
					cli_put(c, stdout, p, false);
					fputc('\n', stdout);
					if (!nl)
						break;
					printf("    %*s", (int)width + 2, "");
				}
			}
			free(shown);
		}
		text_summary(c, qn, &cmp->summary[q], langs);
	}
}

static void print_json(cli *c, const cairn_comparison *cmp)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_adds(&b, "{\"template\": ");
	cli_json_string(c, &b, cmp->tpl.id);
	cairn_buf_printf(&b, ", \"version\": %d, \"questions\": [", cmp->tpl.version);
	for (size_t q = 0; q < cmp->tpl.nquestions; q++) {
		const cairn_question *qn = &cmp->tpl.questions[q];
		const cairn_compare_summary *s = &cmp->summary[q];
		cairn_buf_adds(&b, q ? ",\n  {\"key\": " : "\n  {\"key\": ");
		cli_json_string(c, &b, qn->key);
		cairn_buf_printf(&b, ", \"type\": \"%s\", \"asked\": %zu, \"answered\": %zu",
				 cairn_qtype_name(qn->type), s->asked, s->answered);
		if (s->ncounts) {
			cairn_buf_adds(&b, ", \"counts\": {");
			for (size_t i = 0; i < s->ncounts; i++) {
				if (i)
					cairn_buf_adds(&b, ", ");
				cli_json_string(c, &b, qn->type == CAIRN_Q_YESNO ? (i ? "no" : "yes")
										 : qn->choices[i]);
				cairn_buf_printf(&b, ": %zu", s->counts[i]);
			}
			cairn_buf_adds(&b, "}");
		}
		if (s->numeric) {
			char mean[48], sd[48], lo[48], hi[48];
			cli_decimal(mean, sizeof mean, s->mean, 6);
			cli_decimal(sd, sizeof sd, s->sd, 6);
			cli_decimal(lo, sizeof lo, s->min, 6);
			cli_decimal(hi, sizeof hi, s->max, 6);
			cairn_buf_printf(&b, ", \"numbers\": %zu, \"mean\": %s, \"sd\": %s, "
					 "\"min\": %s, \"max\": %s", s->numbers, mean, sd, lo, hi);
		}
		cairn_buf_adds(&b, "}");
	}
	cairn_buf_adds(&b, "],\n \"evaluations\": [");
	for (size_t r = 0; r < cmp->nrows; r++) {
		const cairn_compare_row *row = &cmp->rows[r];
		cairn_buf_adds(&b, r ? ",\n  {\"id\": " : "\n  {\"id\": ");
		cli_json_string(c, &b, row->id);
		cairn_buf_adds(&b, ", \"tool\": ");
		cli_json_string(c, &b, row->tool);
		cairn_buf_adds(&b, ", \"kind\": ");
		cli_json_string(c, &b, row->tool_kind);
		cairn_buf_adds(&b, ", \"evaluator\": ");
		cli_json_string(c, &b, row->evaluator);
		cairn_buf_adds(&b, ", \"status\": ");
		cli_json_string(c, &b, row->status);
		cairn_buf_printf(&b, ", \"good_practice\": %s, \"success_story\": %s, \"answers\": {",
				 row->good_practice ? "true" : "false",
				 row->success_story ? "true" : "false");
		/* A question not asked is left out; an unanswered one is "". */
		for (size_t q = 0, n = 0; q < cmp->tpl.nquestions; q++) {
			if (!row->answers[q])
				continue;
			if (n++)
				cairn_buf_adds(&b, ", ");
			cli_json_string(c, &b, cmp->tpl.questions[q].key);
			cairn_buf_adds(&b, ": ");
			cli_json_string(c, &b, row->answers[q]);
		}
		cairn_buf_adds(&b, "}}");
	}
	cairn_buf_adds(&b, "]}\n");
	fwrite(b.data, 1, b.len, stdout);
	cairn_buf_done(&b);
}

static void print_csv(cli *c, const cairn_comparison *cmp)
{
	static const char *const head[] = { "evaluation", "tool", "kind", "evaluator", "status",
					    "good_practice", "success_story" };
	cairn_buf b = CAIRN_BUF_INIT;

	for (size_t i = 0; i < sizeof head / sizeof *head; i++)
		cairn_buf_printf(&b, "%s%s", i ? "," : "", head[i]);
	for (size_t q = 0; q < cmp->tpl.nquestions; q++) {
		cairn_buf_adds(&b, ",answer.");
		cairn_buf_adds(&b, cmp->tpl.questions[q].key);
	}
	cairn_buf_adds(&b, "\r\n");
	for (size_t r = 0; r < cmp->nrows; r++) {
		const cairn_compare_row *row = &cmp->rows[r];
		const char *cells[] = { row->id, row->tool, row->tool_kind, row->evaluator,
					row->status, row->good_practice ? "yes" : "no",
					row->success_story ? "yes" : "no" };
		for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
			if (i)
				cairn_buf_adds(&b, ",");
			cli_csv_cell(&b, cells[i]);
		}
		for (size_t q = 0; q < cmp->tpl.nquestions; q++) {
			cairn_buf_adds(&b, ",");
			cli_csv_cell(&b, row->answers[q] ? row->answers[q] : "");
		}
		cairn_buf_adds(&b, "\r\n");
	}
	cli_put_document(c, b.data ? b.data : "", b.len);
	cairn_buf_done(&b);
}

int cmd_compare(cli *c, int argc, char **argv)
{
	cairn_compare_filter f = { 0 };
	enum compare_format format = AS_TEXT;
	const char *tid = NULL;
	cairn_comparison cmp;
	cairn_error err;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json"))
			format = AS_JSON;
		else if (!strcmp(a, "--csv"))
			format = AS_CSV;
		else if (!strcmp(a, "--all"))
			f.status = "all";
		else if (!strncmp(a, "--status=", 9))
			f.status = a + 9;
		else if (!strncmp(a, "--kind=", 7))
			f.tool_kind = a + 7;
		else if (!strncmp(a, "--mark=", 7))
			f.mark = a + 7;
		else if ((!strcmp(a, "--status") || !strcmp(a, "--kind") || !strcmp(a, "--mark")) &&
			 i + 1 < argc) {
			const char **slot = a[2] == 's' ? &f.status : a[2] == 'k' ? &f.tool_kind
										  : &f.mark;
			*slot = argv[++i];
		} else if (*a != '-' && !tid)
			tid = !strncmp(a, "template/", 9) ? a + 9 : a;
		else
			return cli_verb_usage(c);
	}
	if (!tid)
		return cli_verb_usage(c);
	if (cairn_compare(c->wb, tid, &f, &cmp, &err) != CAIRN_OK) {
		cairn_comparison_done(&cmp);
		return cli_error(c, &err);
	}
	if (format == AS_JSON)
		print_json(c, &cmp);
	else if (format == AS_CSV)
		print_csv(c, &cmp);
	else
		print_text(c, &cmp, !f.status ? _("validated") : !strcmp(f.status, "all")
				     ? _("every status") : f.status);
	cairn_comparison_done(&cmp);
	return EXIT_DONE;
}
