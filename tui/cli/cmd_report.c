/* cairn report [--html]: the guidelines deliverable, from the core's
 * report (include/cairn/report.h) through one outline into Markdown or
 * HTML (tui/cli/report_fmt.h).  Nothing here reads the clock or the locale:
 * numbers are formatted by hand, so the same workbook gives the same bytes
 * in every locale and on every day.  Only the language of the messages
 * (LANGUAGE, LC_MESSAGES) changes the words, and the decimal sign through
 * the translation of the percentage formats. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/utf8.h"
#include "cairn/report.h"
#include "cli.h"
#include "i18n.h"
#include "report_fmt.h"

#define TITLE N_("Guidelines for future design, implementation and monitoring")

/* ---- text from data ---- */

char *report_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_adds(&b, "");
	while (*p) {
		uint32_t cp = 0;
		size_t n = cairn_utf8_next(p, (size_t)(end - p), &cp);
		if (!n) {
			cairn_utf8_put(&b, 0xFFFD);
			p++;
			continue;
		}
		if (cp == '\t')
			cp = ' ';
		/* Controls would act on a terminal showing the Markdown, and bidi
		 * overrides can make a page say what the record does not. */
		else if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp < 0xA0) ||
			 (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
			 cp == 0x2028 || cp == 0x2029 || cp == 0x061C || cp == 0x200E || cp == 0x200F)
			cp = 0xFFFD;
		cairn_utf8_put(&b, cp);
		p += n;
	}
	return cairn_buf_detach(&b, NULL);
}

/* ---- the outline ---- */

typedef struct outline {
	const report_ops *ops;
	cairn_buf *o;
	char **kept;            /* cleaned strings, freed at the end */
	size_t nkept;
	bool oom;
} outline;

/* Text from data, cleaned; owned by the outline.  "" when out of memory. */
static const char *C(outline *w, const char *s)
{
	char *clean = report_clean(s), **grown;

	if (!clean || !(grown = realloc(w->kept, (w->nkept + 1) * sizeof *grown))) {
		free(clean);
		w->oom = true;
		return "";
	}
	w->kept = grown;
	return w->kept[w->nkept++] = clean;
}

/* printf into a kept string (its arguments already cleaned). */
static const char *F(outline *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *F(outline *w, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char **grown;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.oom || !(grown = realloc(w->kept, (w->nkept + 1) * sizeof *grown))) {
		cairn_buf_done(&b);
		w->oom = true;
		return "";
	}
	w->kept = grown;
	return w->kept[w->nkept++] = cairn_buf_detach(&b, NULL);
}

/* A percentage with one decimal, by hand: printf's decimal point follows
 * the locale. */
static const char *percent(outline *w, double v, bool trim)
{
	long tenths = (long)(v * 10 + 0.5);

	/* TRANSLATORS: a whole percentage in the report, e.g. 40%. */
	if (trim && tenths % 10 == 0)
		return F(w, _("%ld%%"), tenths / 10);
	/* TRANSLATORS: a percentage with one decimal in the report: the whole
	 * part, the decimal sign, the tenths (48.3%). */
	return F(w, _("%ld.%ld%%"), tenths / 10, tenths % 10);
}

/* A kind of tool's heading: its label in the workbook's list tool.kind
 * (cairn's own list when the workbook has none), or NULL. */
static const char *kind_heading(outline *w, const char *kind)
{
	const cairn_choice *c = cairn_list_choice(cairn_schema_list("tool.kind"), kind);
	return c && c->label ? C(w, cairn_choice_label(c, i18n_languages())) : NULL;
}

/* A status by its label in the reader's language (cairn's, or the
 * workbook's list of the same id), as the terminal interface shows it. */
static const char *status_label(cairn_kind kind, const char *status)
{
	return cairn_field_value_label(cairn_kind_field(kind, "status"), status,
				       i18n_languages());
}

static void summary(outline *w, const cairn_report *r)
{
	long good = 0, stories = 0, reporting = 0;

	for (size_t i = 0; i < r->nevaluations; i++) {
		good += r->evaluations[i].good_practice;
		stories += r->evaluations[i].success_story;
	}
	for (size_t i = 0; i < r->npilots; i++)
		reporting += r->pilots[i].participants > 0;
	/* TRANSLATORS: the report's summary, from the five counts below:
	 * "3 milestones; 2 validated evaluations, of which 1 good practice and
	 * 0 success stories; 1 of 10 pilots reporting participants." */
	w->ops->text(w->o, F(w, _("%s; %s, of which %s and %s; %s reporting participants."),
			     F(w, P_("%zu milestone", "%zu milestones", r->nmilestones),
			       r->nmilestones),
			     F(w, P_("%zu validated evaluation", "%zu validated evaluations",
				     r->nevaluations), r->nevaluations),
			     F(w, P_("%ld good practice", "%ld good practices", good), good),
			     F(w, P_("%ld success story", "%ld success stories", stories), stories),
			     F(w, P_("%ld of %zu pilot", "%ld of %zu pilots", r->npilots), reporting,
			       r->npilots)));
}

static void milestones(outline *w, const cairn_report *r)
{
	const char *const head[] = { _("Milestone"), _("Title"), _("Deadline"), _("Status"),
				     _("Done on"), _("Result") };

	w->ops->heading(w->o, 2, "milestones", _("Milestone status"));
	if (!r->nmilestones) {
		w->ops->note(w->o, _("No milestones yet."));
		return;
	}
	w->ops->table_begin(w->o, head, "nlnnnl", 6);
	for (size_t i = 0; i < r->nmilestones; i++) {
		const cairn_report_milestone *m = &r->milestones[i];
		report_cell row[6] = {
			{ C(w, m->id), 0 }, { C(w, m->title), 0 }, { C(w, m->deadline), 0 },
			{ C(w, status_label(CAIRN_KIND_MILESTONE, m->status)), 0 }, { C(w, m->done), 0 }, { C(w, m->result), 0 },
		};
		w->ops->table_row(w->o, row, "nlnnnl", 6);
	}
	w->ops->table_end(w->o);
}

static const char *person(outline *w, const char *name, const char *id)
{
	if (!*id)
		return "";
	if (!strcmp(name, id))
		return C(w, id);
	return F(w, "%s (%s)", C(w, name), C(w, id));
}

/* An answer as a reader takes it: a multiple choice as a list, a
 * percentage with its sign, a scale with its range. */
static void answer(outline *w, const cairn_report_answer *a)
{
	const char *v = C(w, a->value);

	if (a->type == CAIRN_Q_PERCENT)
		/* TRANSLATORS: a percentage answered in an evaluation (the number
		 * as typed), e.g. 40%. */
		v = F(w, _("%s%%"), v);
	else if (a->type == CAIRN_Q_SCALE)
		v = F(w, _("%s (on a scale of 1 to 5)"), v);
	w->ops->answer(w->o, C(w, a->prompt), v, a->type == CAIRN_Q_MULTIPLE && strchr(v, '\n'));
}

static void evaluation(outline *w, const cairn_report_evaluation *e)
{
	const char *labels[6], *values[6];
	size_t n = 0;

	w->ops->heading(w->o, 4, NULL, F(w, _("%s, evaluated by %s"), C(w, e->tool_name),
					 C(w, e->evaluator_name)));
	labels[n] = _("Tool"), values[n++] = F(w, "%s (%s)", C(w, e->tool_name), C(w, e->tool));
	labels[n] = _("Evaluator"), values[n++] = person(w, e->evaluator_name, e->evaluator);
	if (*e->validator)
		labels[n] = _("Validated by"),
		values[n++] = person(w, e->validator_name, e->validator);
	labels[n] = _("Template"), values[n++] = C(w, e->template_title);
	if (e->good_practice || e->success_story)
		labels[n] = _("Marked as"), values[n++] = e->good_practice && e->success_story
			? _("good practice, success story") : e->good_practice ? _("good practice")
			: _("success story");
	if (*e->comments)
		labels[n] = _("Reviewer's comments"), values[n++] = C(w, e->comments);
	w->ops->fields(w->o, labels, values, n);
	if (!e->nanswers)
		w->ops->note(w->o, _("No answers."));
	for (size_t a = 0; a < e->nanswers; a++)
		answer(w, &e->answers[a]);
}

static void evaluations(outline *w, const cairn_report *r)
{
	const char *const *kinds = cairn_report_tool_kinds();
	size_t nkinds = 0, i = 0;

	while (kinds[nkinds])
		nkinds++;
	w->ops->heading(w->o, 2, "evaluations", _("Validated evaluations by kind of tool"));
	/* The core sorts by kind in this order, unknown kinds last: one pass. */
	for (size_t k = 0; k <= nkinds; k++) {
		size_t first = i;
		while (i < r->nevaluations &&
		       (k == nkinds || !strcmp(r->evaluations[i].tool_kind, kinds[k]))) {
			if (i == first)
				w->ops->heading(w->o, 3, NULL, k < nkinds ? kind_heading(w, kinds[k]) ?
						kind_heading(w, kinds[k]) : C(w, kinds[k]) : _("Tools of no known kind"));
			evaluation(w, &r->evaluations[i++]);
		}
		if (i == first && k < nkinds) {
			w->ops->heading(w->o, 3, NULL, kind_heading(w, kinds[k]) ? kind_heading(w, kinds[k])
					: C(w, kinds[k]));
			w->ops->note(w->o, _("No validated evaluation of this kind yet."));
		}
	}
}

static void marked(outline *w, const cairn_report *r, bool stories)
{
	const char **items = calloc(r->nevaluations + 1, sizeof *items);
	size_t n = 0;

	if (!items) {
		w->oom = true;
		return;
	}
	for (size_t i = 0; i < r->nevaluations; i++) {
		const cairn_report_evaluation *e = &r->evaluations[i];
		if (stories ? !e->success_story : !e->good_practice)
			continue;
		const char *kind = *e->tool_kind ? C(w, e->tool_kind) : _("no kind");
		items[n++] = *e->validator
			? F(w, _("%s (%s): evaluated by %s, validated by %s"), C(w, e->tool_name),
			    kind, C(w, e->evaluator_name), C(w, e->validator_name))
			: F(w, _("%s (%s): evaluated by %s"), C(w, e->tool_name), kind,
			    C(w, e->evaluator_name));
	}
	w->ops->heading(w->o, 3, stories ? "success-stories" : "good-practices",
			stories ? _("Success stories") : _("Good practices"));
	if (n)
		w->ops->items(w->o, items, n);
	else
		w->ops->note(w->o, stories ? _("No validated evaluation is marked as a success story yet.")
			     : _("No validated evaluation is marked as a good practice yet."));
	free(items);
}

static void targets(outline *w, const cairn_report *r)
{
	const char *const head[] = { _("Group"), _("Minimum share"), _("Target") };
	bool any = false;

	for (size_t g = 0; g < r->targets.n; g++) {
		const cairn_target *t = &r->targets.group[g];
		if (!t->has)
			continue;
		if (!any)
			w->ops->table_begin(w->o, head, "nrl", 3);
		any = true;
		report_cell row[3] = {
			{ C(w, cairn_target_name(&r->targets, g, i18n_languages())), 0 },
			{ percent(w, t->minimum, true), 0 },
			{ C(w, t->label), 0 },
		};
		w->ops->table_row(w->o, row, "nrl", 3);
	}
	if (any)
		w->ops->table_end(w->o);
	else
		w->ops->note(w->o, _("No inclusion targets are set."));
}

/* Pilot, city, status, then the numbers: participants and each group. */
static void pilot_row(outline *w, const cairn_report *r, const cairn_report_pilot *p,
		      report_cell *row, const char *align)
{
	row[0] = (report_cell){ C(w, p->id), 0 };
	row[1] = (report_cell){ C(w, p->city), 0 };
	row[2] = (report_cell){ C(w, status_label(CAIRN_KIND_PILOT, p->status)), 0 };
	row[3] = (report_cell){ F(w, "%ld", p->participants), 0 };
	for (size_t g = 0; g < r->targets.n; g++) {
		const cairn_share *s = &p->shares[g];
		report_cell *c = &row[4 + g];
		if (!s->known)
			*c = (report_cell){ _("not reported"), REPORT_UNKNOWN };
		else if (!s->has_target)
			*c = (report_cell){ percent(w, s->percent, false), REPORT_PLAIN };
		else
			*c = (report_cell){ F(w, "%s %s", percent(w, s->percent, false),
					      s->met ? _("met") : _("short")),
					    s->met ? REPORT_MET : REPORT_SHORT };
	}
	w->ops->table_row(w->o, row, align, 4 + r->targets.n);
}

static void pilots(outline *w, const cairn_report *r)
{
	size_t ncols = 4 + r->targets.n;
	const char **head = calloc(ncols, sizeof *head);
	report_cell *row = calloc(ncols, sizeof *row);
	char *align = malloc(ncols + 1);
	const char **waiting = calloc(r->npilots + 1, sizeof *waiting);
	size_t nwaiting = 0, nreporting = 0;

	if (!waiting || !head || !row || !align) {
		w->oom = true;
		free(waiting), free(head), free(row), free(align);
		return;
	}
	head[0] = _("Pilot"), head[1] = _("City"), head[2] = _("Status");
	head[3] = _("Participants");
	memset(align, 'r', ncols);
	memcpy(align, "nlnr", 4);
	align[ncols] = '\0';
	w->ops->heading(w->o, 2, "pilots", _("Pilot results against the inclusion targets"));
	w->ops->heading(w->o, 3, "targets", _("Targets"));
	targets(w, r);
	w->ops->heading(w->o, 3, "shares", _("Inclusion shares"));
	for (size_t g = 0; g < r->targets.n; g++) {
		const char *name = C(w, cairn_target_name(&r->targets, g, i18n_languages()));
		head[4 + g] = r->targets.group[g].has
			? F(w, _("%s (min. %s)"), name, percent(w, r->targets.group[g].minimum, true))
			: name;
	}
	for (size_t i = 0; i < r->npilots; i++) {
		const cairn_report_pilot *p = &r->pilots[i];
		if (p->participants <= 0) {
			waiting[nwaiting++] = F(w, "%s (%s)", C(w, p->id), C(w, p->city));
			continue;
		}
		if (!nreporting++)
			w->ops->table_begin(w->o, head, align, ncols);
		pilot_row(w, r, p, row, align);
	}
	if (nreporting)
		w->ops->table_end(w->o);
	else
		w->ops->note(w->o, _("No pilot has reported participants yet."));
	if (nwaiting) {
		w->ops->text(w->o, _("Pilots that have not reported participants yet:"));
		w->ops->items(w->o, waiting, nwaiting);
	}
	free(waiting), free(head), free(row), free(align);
	w->ops->heading(w->o, 3, "results", _("Results reported by the pilots"));
	nreporting = 0;
	for (size_t i = 0; i < r->npilots; i++) {
		const cairn_report_pilot *p = &r->pilots[i];
		if (!*p->results)
			continue;
		nreporting++;
		w->ops->answer(w->o, F(w, "%s (%s)", C(w, p->city), C(w, p->id)), C(w, p->results),
			       false);
	}
	if (!nreporting)
		w->ops->note(w->o, _("No pilot has reported results yet."));
}

/* A question's summary across the evaluations, in one cell. */
static const char *question_summary(outline *w, const cairn_question *q,
				    const cairn_compare_summary *s, const char *langs)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *out;

	for (size_t i = 0; i < s->ncounts; i++)
		cairn_buf_printf(&b, "%s%s: %zu", i ? ", " : "",
				 q->type == CAIRN_Q_YESNO ? (i ? _("no") : _("yes"))
							  : C(w, cairn_question_choice(q, i, langs)),
				 s->counts[i]);
	if (s->numeric)
		cli_number_summary(&b, s);
	out = F(w, "%s", cairn_buf_str(&b));
	cairn_buf_done(&b);
	return out;
}

/* Each template's validated evaluations side by side: per question, how
 * many answered and what they said, for the webinar that picks the good
 * practices. */
static void comparisons(outline *w, const cairn_report *r)
{
	const char *head[] = { "#", _("Question"), _("Answered"), _("Across the evaluations") };
	const char *langs = i18n_languages();

	w->ops->heading(w->o, 2, "compare", _("Evaluations side by side"));
	if (!r->ncomparisons) {
		w->ops->note(w->o, _("No evaluation has been validated yet."));
		return;
	}
	for (size_t i = 0; i < r->ncomparisons; i++) {
		const cairn_comparison *c = &r->comparisons[i];
		w->ops->heading(w->o, 3, NULL,
				F(w, P_("%s: %zu validated evaluation", "%s: %zu validated evaluations",
					c->nrows), C(w, *c->tpl.title ? c->tpl.title : c->tpl.id),
				  c->nrows));
		w->ops->table_begin(w->o, head, "rlrl", 4);
		for (size_t q = 0; q < c->tpl.nquestions; q++) {
			const cairn_question *qn = &c->tpl.questions[q];
			const cairn_compare_summary *s = &c->summary[q];
			report_cell cells[4] = {
				{ F(w, "%zu", q + 1), REPORT_PLAIN },
				{ C(w, cairn_question_prompt(qn, langs)), REPORT_PLAIN },
				{ F(w, "%zu/%zu", s->answered, s->asked), REPORT_PLAIN },
				{ question_summary(w, qn, s, langs), REPORT_PLAIN },
			};
			w->ops->table_row(w->o, cells, "rlrl", 4);
		}
		w->ops->table_end(w->o);
	}
}

static void outline_report(outline *w, const cairn_report *r)
{
	const char *state;

	if (r->as_of_clock)
		state = F(w, _("The workbook as of %s (its own clock), commit %.12s."), r->as_of,
			  r->commit);
	else if (*r->commit)
		state = F(w, _("The workbook at commit %.12s of %s."), r->commit, r->as_of);
	else
		state = _("The workbook before its first commit.");
	w->ops->begin(w->o, _(TITLE), C(w, r->name), state);
	summary(w, r);
	milestones(w, r);
	evaluations(w, r);
	w->ops->heading(w->o, 2, "practices", _("Good practices and success stories"));
	marked(w, r, false);
	marked(w, r, true);
	comparisons(w, r);
	pilots(w, r);
	w->ops->end(w->o);
}

int cmd_report(cli *c, int argc, char **argv)
{
	const report_ops *ops = &report_md_ops;
	cairn_buf out = CAIRN_BUF_INIT;
	cairn_report r;
	cairn_error err;
	outline w = { 0 };
	int rc = EXIT_DONE;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--html"))
			ops = &report_html_ops;
		else
			return cli_verb_usage(c);
	}
	if (cairn_report_load(c->wb, &r, i18n_languages(), &err) != CAIRN_OK) {
		cairn_report_done(&r);
		return cli_error(c, &err);
	}
	w.ops = ops;
	w.o = &out;
	outline_report(&w, &r);
	if (w.oom || out.oom)
		rc = cli_fail(c, EXIT_TROUBLE, "%s", _("out of memory"));
	else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout))
		rc = cli_fail(c, EXIT_TROUBLE, "%s", _("cannot write the report to standard output"));
	for (size_t i = 0; i < w.nkept; i++)
		free(w.kept[i]);
	free(w.kept);
	cairn_buf_done(&out);
	cairn_report_done(&r);
	return rc;
}
