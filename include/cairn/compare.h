/* cairn: evaluations side by side (core/workbook/compare.c).
 *
 * For one template, every evaluation that passes a filter as a row and
 * every question as a column, with a summary per question across the
 * rows: how many were asked and answered, counts per choice, and the mean,
 * spread and range of scales, numbers and percentages.  The leaders'
 * webinar picks good practices from it.  The command line prints it
 * (`cairn compare`), the terminal interface shows it, and the numbers
 * never depend on the order of the records. */
#ifndef CAIRN_COMPARE_H
#define CAIRN_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/template.h"
#include "cairn/workbook.h"

typedef struct cairn_compare_filter {
	const char *status;     /* NULL: validated only; "all": every status */
	const char *tool_kind;  /* NULL: any */
	const char *mark;       /* NULL, "good-practice" or "success-story" */
} cairn_compare_filter;

typedef struct cairn_compare_row {
	char *id;               /* TOOL/EVALUATOR */
	char *tool, *tool_name, *tool_kind, *evaluator, *status;
	bool good_practice, success_story;
	/* One per question of the template, in its order: the stored answer,
	 * "" when unanswered, NULL when the question is not asked (its
	 * `when` does not hold). */
	char **answers;
} cairn_compare_row;

typedef struct cairn_compare_summary {
	size_t asked, answered;
	/* single and multiple: one count per choice; yesno: yes, no. */
	size_t *counts;
	size_t ncounts;
	/* scale, number, percent: over the answers that today's question
	 * takes (numbers, on its scale or within its range); an answer given
	 * on an older version of the template may not be one. */
	bool numeric;
	size_t numbers;             /* how many answers the numbers are over */
	double mean, sd, min, max;  /* sd: the population standard deviation */
} cairn_compare_summary;

typedef struct cairn_comparison {
	cairn_template tpl;
	cairn_compare_row *rows;        /* by id */
	size_t nrows;
	cairn_compare_summary *summary; /* tpl.nquestions */
} cairn_comparison;

/* Compare the evaluations of template tid that pass f (NULL: validated
 * only) into out, released with cairn_comparison_done (also after a
 * failure).  An unknown template, status, kind or mark is refused with
 * the values that exist. */
cairn_status cairn_compare(cairn_wb *wb, const char *tid, const cairn_compare_filter *f,
			   cairn_comparison *out, cairn_error *err);
void cairn_comparison_done(cairn_comparison *c);

#endif
