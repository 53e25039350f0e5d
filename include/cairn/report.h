/* cairn: the guidelines report (the M5 deliverable, "Guidelines for
 * future design, implementation and monitoring"), as data.
 *
 * The core gathers what the report says -- milestones, validated
 * evaluations with their answers under the template's prompts, pilots'
 * inclusion shares against the targets -- and the command line formats it
 * (Markdown or HTML, tui/report_*.c).  Everything comes in a fixed order
 * and nothing depends on today's clock, so the same workbook always gives
 * the same report.  Strings are the records' own text, unescaped.
 */
#ifndef CAIRN_REPORT_H
#define CAIRN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/compare.h"
#include "cairn/derive.h"
#include "cairn/inclusion.h"
#include "cairn/error.h"
#include "cairn/kinds.h"
#include "cairn/workbook.h"

typedef struct cairn_report_milestone {
	char *id, *title, *deadline, *status, *done, *result;   /* "" when unset */
} cairn_report_milestone;

typedef struct cairn_report_answer {
	char *prompt;           /* the template's question, or the key when the
				   template no longer asks it */
	cairn_qtype type;       /* CAIRN_Q_TEXT when the template does not know it */
	char *value;            /* stored form: a multiple choice is one per line */
} cairn_report_answer;

typedef struct cairn_report_evaluation {
	char *tool, *tool_name, *tool_kind;     /* tool_kind "" when unset */
	char *evaluator, *evaluator_name;       /* names fall back to the id */
	char *validator, *validator_name;
	char *template_title;
	char *comments;
	bool good_practice, success_story;
	cairn_report_answer *answers;           /* in the template's order */
	size_t nanswers;
} cairn_report_evaluation;

typedef struct cairn_report_pilot {
	char *id, *city, *country, *status, *topic, *results;
	long participants;                      /* -1: not reported */
	cairn_share *shares;                    /* targets.n, from cairn_pilot_inclusion */
} cairn_report_pilot;

typedef struct cairn_report {
	char *name;                     /* the workbook's */
	char as_of[11];                 /* ISO: the demo's clock, else HEAD's date */
	bool as_of_clock;               /* as_of is the workbook's own clock */
	char commit[41];                /* HEAD ("" before the first commit) */
	cairn_report_milestone *milestones;     /* by deadline (none last), then id */
	size_t nmilestones;
	cairn_report_evaluation *evaluations;   /* validated only: by tool kind (in
						   the kind's choice order, unknown
						   last), tool, evaluator */
	size_t nevaluations;
	/* Each template's validated evaluations side by side, for the
	 * templates that have any, by template id. */
	cairn_comparison *comparisons;
	size_t ncomparisons;
	cairn_report_pilot *pilots;     /* every pilot, by id */
	size_t npilots;
	cairn_targets targets;         /* from cairn_wb_targets */
} cairn_report;

/* Gather the report of wb into r (released with cairn_report_done, also
 * after a failure).  langs: the reader's languages ("fr:en", as for
 * cairn_question_prompt; NULL for the templates' own words), for the
 * questions' prompts. */
cairn_status cairn_report_load(cairn_wb *wb, cairn_report *r, const char *langs,
			       cairn_error *err);
void cairn_report_done(cairn_report *r);

/* The tool kinds the report groups evaluations by, NULL-ended (the tool
 * kind field's choices). */
const char *const *cairn_report_tool_kinds(void);

#endif
