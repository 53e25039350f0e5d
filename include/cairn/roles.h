/* cairn: who may change what (core/model/roles.c).
 *
 * One table, written once, says for each kind and field who may change
 * it: by role (a leader, a key person, a reviewer) and by relation to the
 * record (the evaluator of this evaluation, its validator, the owner of
 * this milestone, the assignee of this task, the person themself), and
 * which fields only the workflow's steps (submit, validate, return, mark)
 * change.  The first row that matches a kind and a field decides.
 *
 * A workbook obeys it when its cairn.ini says `[rules] mode = enforced`
 * (what `cairn init` writes); an open workbook (the demo, a workbook made
 * before the rules) lets everyone change everything.  The save path of
 * the workbook asks it before anything is written, so every verb and the
 * terminal interface meet the same refusal; `cairn log` asks it too.
 */
#ifndef CAIRN_ROLES_H
#define CAIRN_ROLES_H

#include <stdbool.h>

#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/kinds.h"
#include "cairn/record.h"

/* Who may: a set of these. */
enum {
	CAIRN_MAY_LEADER = 1 << 0,
	CAIRN_MAY_KEY_PERSON = 1 << 1,
	CAIRN_MAY_REVIEWER = 1 << 2,
	CAIRN_MAY_EVALUATOR = 1 << 3,   /* evaluation/TOOL/PERSON: PERSON */
	CAIRN_MAY_VALIDATOR = 1 << 4,   /* the evaluation's validator */
	CAIRN_MAY_OWNER = 1 << 5,       /* the milestone's owner */
	CAIRN_MAY_ASSIGNEE = 1 << 6,    /* the task's assignee */
	CAIRN_MAY_SELF = 1 << 7,        /* the person record of the user */
	CAIRN_MAY_STEP = 1 << 8,        /* a workflow step (cairn submit, ...) */
};

typedef struct cairn_rule {
	cairn_kind kind;
	/* A field name, "answer.*" (a prefix), "*" (any other field), "+"
	 * (adding a record) or "-" (removing one). */
	const char *field;
	unsigned may;
	/* The relations (evaluator, validator, ...) hold only while the
	 * record's status is one of these ("assigned draft returned");
	 * NULL: always. */
	const char *while_status;
	const char *instead;            /* what to do instead, for the refusal */
} cairn_rule;

/* A workbook's own rows, from its cairn.ini's [rules] section: a line
 * `KIND.FIELD = WHO...` (FIELD a field, "answer.*", "*", "add" or
 * "remove"; WHO among leader, key-person, reviewer, evaluator, validator,
 * owner, assignee, self, step, or "nobody") replaces who may for that
 * field, tighter or looser than the default.  Its rows come before the
 * table's, the first that matches deciding; a relation keeps the
 * default's "while its status is" for the field. */
typedef struct cairn_ruleset {
	cairn_rule *rows;
	size_t n;
} cairn_ruleset;

/* Parse lines "KIND.FIELD=WHO ...\n" (cairn_settings.rule_lines; NULL:
 * none) into rs.  CAIRN_EINPUT names the setting and what may be said. */
cairn_status cairn_ruleset_parse(const char *lines, cairn_ruleset *rs, cairn_error *err);
void cairn_ruleset_done(cairn_ruleset *rs);

/* The user as the rules see them: their person id ("" when they match no
 * person), its role, and the workbook's own rows (NULL: the defaults). */
typedef struct cairn_actor {
	const char *id;
	const char *role;
	const cairn_ruleset *local;
} cairn_actor;

/* The row that decides field (or "+" / "-") of kind: the workbook's own
 * (local, may be NULL) first, then the defaults. */
const cairn_rule *cairn_rule_for(const cairn_ruleset *local, cairn_kind kind, const char *field);

/* May a change it, on the record of kind and id as it was before (base;
 * NULL when new)?  step: the save is a workflow step. */
bool cairn_rule_allows(const cairn_rule *r, const cairn_actor *a, cairn_kind kind,
		       const char *id, const cairn_record *base, bool step);

/* "a leader, or its evaluator while it is assigned, draft or returned". */
void cairn_rule_describe(const cairn_rule *r, cairn_buf *out);

/* The first change from base to rec (either NULL: added, removed) the
 * rules refuse to a: NULL when they allow all.  *field receives the field
 * at fault ("+" or "-" for the record itself). */
const cairn_rule *cairn_rules_first_refusal(const cairn_actor *a, cairn_kind kind,
					    const char *id, const cairn_record *base,
					    const cairn_record *rec, bool step,
					    const char **field);

/* The same, for a change already made (a commit, in `cairn log` and
 * `cairn guard`): whether a workflow step made it cannot be told, so the
 * fields the steps change count as a step's when a is one a step lets act
 * (a leader, a reviewer, the evaluator or the validator). */
/* Every change of a commit the rules refuse to a, judged as
 * cairn_rules_first_refusal_after judges the first, field by field (each
 * answer.* on its own): fn(rule, field, ctx) for each, "+" or "-" for the
 * record itself, until it returns false.  The number told.  `cairn log`
 * flags each; `cairn guard` and the save refuse at the first. */
typedef bool (*cairn_refusal_fn)(const cairn_rule *rule, const char *field, void *ctx);
size_t cairn_rules_each_refusal_after(const cairn_actor *a, cairn_kind kind, const char *id,
				      const cairn_record *before, const cairn_record *after,
				      cairn_refusal_fn fn, void *ctx);

const cairn_rule *cairn_rules_first_refusal_after(const cairn_actor *a, cairn_kind kind,
						  const char *id, const cairn_record *before,
						  const cairn_record *after, const char **field);

#endif
