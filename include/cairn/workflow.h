/* cairn: the evaluation workflow (core/workbook/workflow.c).
 *
 * The M4 process of the Citizen City plan, one set of rules for the
 * command line and the terminal interface:
 *
 *   assigned -> draft -> submitted -> validated
 *                  ^         |
 *                  +- returned (with comments)
 *
 * - the evaluator (or a leader) submits, once every required answer is
 *   given;
 * - the validator returns (with a comment) or validates: the evaluation's
 *   `validator`, or any leader or reviewer when none is set; never the
 *   evaluator;
 * - a validation holds for the answers it saw: it stores their fingerprint
 *   in `validated_answers`, and when the answers change after it (here, or
 *   arriving by sync) the evaluation goes back to submitted and its
 *   comments say which answers changed, by whom and when;
 * - leaders mark validated evaluations as good practices and success
 *   stories;
 * - tools nobody evaluates yet are distributed among the key persons,
 *   balanced by their open work (see cairn_wb_distribute for the rule of
 *   who may not evaluate what);
 * - a template is copied under a new id at version 1; a change to a
 *   template's questions raises its version, and evaluations keep the
 *   version their answers were given on.
 *
 * The user is the person whose email is the user's (config [user] email,
 * else git's user.email).  Every refusal is CAIRN_EINPUT with a message
 * saying who may do it and what to do instead.
 */
#ifndef CAIRN_WORKFLOW_H
#define CAIRN_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/layout.h"
#include "cairn/record.h"
#include "cairn/workbook.h"

/* The user's person id into id ("" when no person has the user's email). */
cairn_status cairn_wb_me(cairn_wb *wb, char *id, size_t n, cairn_error *err);

/* ---- the steps (each saved as one commit; res as for cairn_wb_save) ---- */

/* Submit evaluation `name` ("evaluation/TOOL/PERSON" or "TOOL/PERSON").
 * When required answers are missing, first_missing (n bytes, may be NULL)
 * receives the first one's question key. */
cairn_status cairn_wb_submit(cairn_wb *wb, const char *name, char *first_missing, size_t n,
			     cairn_save_result *res, cairn_error *err);
/* Validate a submitted evaluation; comment (NULL or "" for none) is added
 * to its comments. */
cairn_status cairn_wb_validate(cairn_wb *wb, const char *name, const char *comment,
			       cairn_save_result *res, cairn_error *err);
/* Return a submitted (or validated) evaluation to its evaluator; the
 * comment is required. */
cairn_status cairn_wb_return(cairn_wb *wb, const char *name, const char *comment,
			     cairn_save_result *res, cairn_error *err);
/* Would the user be allowed to return it now?  (So that the terminal
 * interface asks for the comment only when it would be taken.) */
cairn_status cairn_wb_may_return(cairn_wb *wb, const char *name, cairn_error *err);

/* Give an evaluation nobody has started (assigned, no answers) to person
 * `to`, as one commit that moves the record (its path names the
 * evaluator).  Refused, naming them, when it holds answers: those are its
 * evaluator's and are never handed to another. */
cairn_status cairn_wb_reassign(cairn_wb *wb, const char *name, const char *to,
			       cairn_save_result *res, cairn_error *err);
/* The rule alone, for a face that has the record (ref, rec) in hand; to
 * NULL or "": whether it could go to anyone. */
cairn_status cairn_wb_reassign_check(const cairn_ref *ref, const cairn_record *rec,
				     const char *to, cairn_error *err);

typedef enum cairn_mark {
	CAIRN_MARK_GOOD_PRACTICE,       /* field good_practice */
	CAIRN_MARK_SUCCESS_STORY,       /* field success_story */
} cairn_mark;

/* Leaders only; marking on needs a validated evaluation. */
cairn_status cairn_wb_mark(cairn_wb *wb, const char *name, cairn_mark what, bool on,
			   cairn_save_result *res, cairn_error *err);

/* ---- distribution ---- */

typedef struct cairn_assignment {
	char tool[CAIRN_ID_MAX + 1];
	char evaluator[CAIRN_ID_MAX + 1];       /* "" when nobody may evaluate it */
	char validator[CAIRN_ID_MAX + 1];       /* "" when nobody may validate it */
	char why[160];                          /* when evaluator is "": the reason */
} cairn_assignment;

typedef struct cairn_distribution {
	char template_id[CAIRN_ID_MAX + 1];
	cairn_assignment *v;
	size_t n;
} cairn_distribution;

/* Give every tool that has no evaluation on the template (tpl NULL: the
 * workbook's only template) to a key person, one evaluation each:
 *
 * - a person may not evaluate (nor validate) a tool whose `origin` is
 *   their `organisation` (compared ignoring case and surrounding spaces),
 *   nor a tool whose `excluded` field lists their id;
 * - among those who may, the one with the least open work (evaluations
 *   assigned, draft or returned, counting the ones planned so far) gets
 *   it; ties go to the id first in order;
 * - the validator is, among the other key persons who may, the one with
 *   the fewest evaluations to validate;
 * - existing evaluations are never touched.
 *
 * Leaders only, unless dry_run (which saves nothing).  d receives the
 * plan either way (cairn_distribution_done frees it). */
cairn_status cairn_wb_distribute(cairn_wb *wb, const char *tpl, bool dry_run,
				 cairn_distribution *d, cairn_save_result *res, cairn_error *err);
void cairn_distribution_done(cairn_distribution *d);

/* ---- templates ---- */

/* A new template new_id with from's questions at version 1, titled title
 * (NULL: "FROM-TITLE (copy)"). */
cairn_status cairn_wb_template_copy(cairn_wb *wb, const char *from, const char *new_id,
				    const char *title, cairn_save_result *res, cairn_error *err);

/* The rules every save obeys (cairn_template_settle, cairn_answers_fingerprint,
 * cairn_evaluation_settle) are in core/model/rules.h. */

/* cairn_evaluation_settle, for a record merged by sync (core/workbook/sync.c, merge_one) from
 * ours and theirs (either may be NULL): the answers are compared with the
 * side the validation saw, and the change is credited to the author of
 * the other side's commit that set it (from git's history). */
cairn_status cairn_wb_settle_merged(cairn_wb *wb, const char *path, const cairn_oid *ours,
				    const cairn_oid *theirs, const cairn_record *ro,
				    const cairn_record *rt, cairn_record *merged, cairn_error *err);

#endif
