/* A template's evaluations side by side in the terminal interface (c on a
 * template, on an evaluation, or on a line naming either): each question
 * with every evaluation's answer on a line of its own and, under it, the
 * summary across them, from the core's comparison (include/cairn/compare.h),
 * the same numbers as `cairn compare`.  Validated evaluations first; c
 * again takes every status.  Enter opens the evaluation of the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/compare.h"
#include "cairn/kinds.h"
#include "i18n.h"
#include "tui.h"

typedef struct compare_state {
	char tid[CAIRN_REF_ID_MAX + 1];
	bool all;               /* every status, not only validated */
} compare_state;

/* The first line of an answer as the reader sees it, with a mark when
 * more lines follow. */
static void first_line(const cairn_question *q, const char *v, const char *langs, char *buf,
		       size_t n)
{
	char *shown = cairn_answer_shown(q, v, langs);
	const char *text = shown ? shown : v;
	size_t len = strcspn(text, "\n");

	if (q->type == CAIRN_Q_MULTIPLE && shown) {
		/* A multiple choice reads best on one line, comma-separated. */
		size_t at = 0;
		for (const char *p = shown; *p && at + 3 < n; p++) {
			if (*p == '\n') {
				buf[at++] = ',';
				buf[at++] = ' ';
			} else {
				buf[at++] = *p;
			}
		}
		buf[at] = '\0';
	} else {
		snprintf(buf, n, "%.*s%s", (int)len, text, text[len] ? " ..." : "");
	}
	free(shown);
}

static void summary_lines(lines *out, const cairn_question *q, const cairn_compare_summary *s,
			  const char *langs)
{
	cairn_buf nums = CAIRN_BUF_INIT;

	if (s->numeric) {
		cairn_buf_adds(&nums, "; ");
		cli_number_summary(&nums, s);
	}
	lines_add(out, LS_DIM, NULL, _("      = %zu of %zu answered%s"), s->answered, s->asked,
		  cairn_buf_str(&nums));
	cairn_buf_done(&nums);
	/* One choice a line, its count first: they line up on a narrow screen. */
	for (size_t i = 0; i < s->ncounts; i++)
		lines_add(out, LS_DIM, NULL, "      %4zu  %s", s->counts[i],
			  q->type == CAIRN_Q_YESNO ? (i ? _("no") : _("yes"))
						   : cairn_question_choice(q, i, langs));
}

static void compare_build(app *a, void *state, lines *out)
{
	compare_state *s = state;
	cairn_compare_filter f = { s->all ? "all" : NULL, NULL, NULL };
	const char *langs = i18n_languages();
	cairn_comparison c;
	cairn_error err;
	size_t width = 0;

	if (cairn_compare(a->wb, s->tid, &f, &c, &err) != CAIRN_OK) {
		lines_add(out, LS_ALERT, NULL, "%s", err.msg);
		cairn_comparison_done(&c);
		return;
	}
	lines_add_heading(out, LS_SECTION, a->cols - 5,
		  P_("%s (version %d): %zu evaluation, %s", "%s (version %d): %zu evaluations, %s",
		     c.nrows), *c.tpl.title ? c.tpl.title : c.tpl.id, c.tpl.version, c.nrows,
		  s->all ? _("every status (c: validated)") : _("validated (c: every status)"));
	for (size_t r = 0; r < c.nrows; r++)
		if (strlen(c.rows[r].id) > width)
			width = strlen(c.rows[r].id);
	for (size_t q = 0; q < c.tpl.nquestions; q++) {
		const cairn_question *qn = &c.tpl.questions[q];
		lines_add(out, LS_TEXT, NULL, "%s", "");
		char num[32], head[1024];
		/* The question whole, wrapped under its number. */
		snprintf(num, sizeof num, "%2zu  ", q + 1);
		snprintf(head, sizeof head, "%s [%s]", cairn_question_prompt(qn, langs),
			 _(cairn_qtype_label(qn->type)));
		lines_add_wrapped(out, LS_HEAD, a->cols - 7, num, "    ", head);
		for (size_t r = 0; r < c.nrows; r++) {
			const char *v = c.rows[r].answers[q];
			char target[CAIRN_REF_ID_MAX + 16], shown[400];
			snprintf(target, sizeof target, "evaluation/%s", c.rows[r].id);
			if (!v)
				snprintf(shown, sizeof shown, "%s", _("(not asked)"));
			else if (!*v)
				snprintf(shown, sizeof shown, "%s", _("(not answered)"));
			else
				first_line(qn, v, langs, shown, sizeof shown);
			lines_add(out, v && *v ? LS_TEXT : LS_DIM, target, "    %-*s  %s", (int)width,
				  c.rows[r].id, shown);
		}
		summary_lines(out, qn, &c.summary[q], langs);
	}
	cairn_comparison_done(&c);
}

static bool compare_act(app *a, void *state, tui_action act)
{
	compare_state *s = state;
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);

	if (act == ACT_COMPARE) {
		s->all = !s->all;
		app_rebuild(a);
		return true;
	}
	if (act != ACT_ENTER)
		return false;
	if (sel && sel->target)
		app_push(a, &record_view, sel->target, strlen(sel->target) + 1, sel->target);
	return true;
}

const view_ops compare_view = {
	.name = "compare",
	.state_size = sizeof(compare_state),
	.build = compare_build,
	.act = compare_act,
};

void compare_of_selection(app *a)
{
	const view *v = &a->stack[a->depth - 1];
	const line *sel = lines_selected(&v->lines);
	const char *name = v->ops == &record_view ? v->state : sel ? sel->target : NULL;
	compare_state s = { "", false };
	char title[200];
	cairn_index_hit hit;
	cairn_record rec;
	cairn_error err;

	/* A template names itself; an evaluation its template. */
	if (name && !strncmp(name, "template/", 9)) {
		snprintf(s.tid, sizeof s.tid, "%.*s", (int)strcspn(name + 9, " "), name + 9);
	} else if (name && !strncmp(name, "evaluation/", 11) &&
		   cairn_wb_resolve(a->wb, name, &hit, &err) == CAIRN_OK &&
		   cairn_wb_read(a->wb, &hit, &rec, &err) == CAIRN_OK) {
		const char *t = cairn_record_get(&rec, "template");
		snprintf(s.tid, sizeof s.tid, "%s", t ? t : "");
		cairn_record_done(&rec);
	}
	if (!s.tid[0]) {
		app_message(a, true, "%s", _("select a template or an evaluation to compare its "
					     "evaluations side by side"));
		return;
	}
	snprintf(title, sizeof title, _("Side by side: template/%s"), s.tid);
	app_push(a, &compare_view, &s, sizeof s, title);
}
