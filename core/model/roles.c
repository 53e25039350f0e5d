/* Who may change what: the one rule table (see include/cairn/roles.h).
 * Pure functions of records; the workbook (core/workbook/permit.c) finds
 * who the user is and asks here before a save writes anything. */
#include "cairn/roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define L CAIRN_MAY_LEADER
#define K CAIRN_MAY_KEY_PERSON
#define R CAIRN_MAY_REVIEWER
#define EVALUATOR CAIRN_MAY_EVALUATOR
#define VALIDATOR CAIRN_MAY_VALIDATOR
#define OWNER CAIRN_MAY_OWNER
#define ASSIGNEE CAIRN_MAY_ASSIGNEE
#define SELF CAIRN_MAY_SELF
#define STEP CAIRN_MAY_STEP
#define P(k) CAIRN_KIND_##k

/* The defaults for a working group.  First match wins: a kind's own
 * fields, then its "*".  A reviewer reads and comments. */
static const cairn_rule rule_table[] = {
	{ P(LIST), "+", L, NULL, "ask a leader to add the list" },
	{ P(LIST), "-", L, NULL, "ask a leader to remove the list" },
	{ P(LIST), "*", L, NULL, "ask a leader to change the group's lists" },
	{ P(FORM), "+", L, NULL, "ask a leader to add the fields" },
	{ P(FORM), "-", L, NULL, "ask a leader to remove the fields" },
	{ P(FORM), "*", L, NULL, "ask a leader to change the group's fields" },
	{ P(PERSON), "+", L, NULL, "ask a leader to add the person" },
	{ P(PERSON), "-", L, NULL, "ask a leader to remove the person" },
	{ P(PERSON), "role", L, NULL, "ask a leader to change a role" },
	{ P(PERSON), "email", L, NULL, "ask a leader to change an e-mail (it says who is who)" },
	{ P(PERSON), "login", L, NULL, "ask a leader to change a login (it says who pushes)" },
	{ P(PERSON), "category", L, NULL, "ask a leader to change it" },
	{ P(PERSON), "*", L | SELF, NULL, "a member changes their own name and organisation" },
	{ P(TARGET), "*", L, NULL, "ask a leader to change the targets" },
	{ P(TOOL), "*", L | K, NULL, "ask a leader or a key person" },
	{ P(TEMPLATE), "*", L, NULL, "ask a leader to change the template" },
	{ P(MILESTONE), "+", L, NULL, "ask a leader to add the milestone" },
	{ P(MILESTONE), "-", L, NULL, "ask a leader to remove the milestone" },
	{ P(MILESTONE), "deadline", L, NULL, "ask a leader to move the deadline" },
	{ P(MILESTONE), "owner", L, NULL, "ask a leader to name another owner" },
	{ P(MILESTONE), "*", L | OWNER, NULL, "ask its owner or a leader" },
	{ P(TASK), "+", L, NULL, "ask a leader to add the task" },
	{ P(TASK), "-", L, NULL, "ask a leader to remove the task" },
	{ P(TASK), "assignee", L, NULL, "ask a leader to assign the task" },
	{ P(TASK), "milestone", L, NULL, "ask a leader to move the task" },
	{ P(TASK), "*", L | ASSIGNEE, NULL, "ask its assignee or a leader" },
	{ P(PILOT), "*", L | K, NULL, "ask a leader or a key person" },
	{ P(EVALUATION), "+", L, NULL, "a leader distributes evaluations (cairn distribute)" },
	{ P(EVALUATION), "-", L, NULL, "ask a leader to remove the evaluation" },
	{ P(EVALUATION), "status", STEP, NULL,
	  "use the workflow: cairn submit, cairn validate or cairn return" },
	{ P(EVALUATION), "validated_answers", STEP, NULL, "cairn validate records it" },
	{ P(EVALUATION), "good_practice", STEP, NULL, "a leader marks it: cairn mark" },
	{ P(EVALUATION), "success_story", STEP, NULL, "a leader marks it: cairn mark" },
	{ P(EVALUATION), "answer.*", EVALUATOR, "assigned draft returned",
	  "comment instead (cairn validate or cairn return with a comment), or ask a leader "
	  "to return it to its evaluator" },
	{ P(EVALUATION), "comments", L | R | VALIDATOR | STEP, NULL,
	  "ask a leader, a reviewer or its validator" },
	{ P(EVALUATION), "*", L, NULL, "ask a leader" },
};

#undef L
#undef K
#undef R
#undef P

static const cairn_rule *rule_in(const cairn_rule *rows, size_t nrows, cairn_kind kind,
				 const char *field)
{
	const cairn_rule *any = NULL;
	for (size_t i = 0; i < nrows; i++) {
		const cairn_rule *r = &rows[i];
		size_t n = strlen(r->field);
		if (r->kind != kind)
			continue;
		if (!strcmp(r->field, field))
			return r;
		if (n > 1 && r->field[n - 1] == '*' && !strncmp(r->field, field, n - 1))
			return r;
		if (!strcmp(r->field, "*") && field[0] != '+' && field[0] != '-')
			any = any ? any : r;
	}
	return any;
}

const cairn_rule *cairn_rule_for(const cairn_ruleset *local, cairn_kind kind, const char *field)
{
	const cairn_rule *r = local ? rule_in(local->rows, local->n, kind, field) : NULL;
	return r ? r : rule_in(rule_table, sizeof rule_table / sizeof rule_table[0], kind, field);
}

/* ---- a workbook's own rows ---- */

static const struct { const char *word; unsigned bit; } who_words[] = {
	{ "leader", CAIRN_MAY_LEADER }, { "key-person", CAIRN_MAY_KEY_PERSON },
	{ "reviewer", CAIRN_MAY_REVIEWER }, { "evaluator", CAIRN_MAY_EVALUATOR },
	{ "validator", CAIRN_MAY_VALIDATOR }, { "owner", CAIRN_MAY_OWNER },
	{ "assignee", CAIRN_MAY_ASSIGNEE }, { "self", CAIRN_MAY_SELF },
	{ "step", CAIRN_MAY_STEP }, { "nobody", 0 },
};

static cairn_status bad_rule(const char *key, const char *what, cairn_error *err)
{
	return cairn_fail(err, CAIRN_EINPUT, "cairn.ini: [rules] %s: %s", key, what);
}

/* One line "KIND.FIELD=WHO ..." into r (its strings allocated). */
static cairn_status parse_row(const char *line, size_t len, cairn_rule *r, cairn_error *err)
{
	char key[128], who[256], *field, *dot;
	const char *eq = memchr(line, '=', len);
	const cairn_rule *def;
	cairn_kind kind = CAIRN_KIND_NONE;

	if (!eq || (size_t)(eq - line) >= sizeof key || len - (size_t)(eq - line) > sizeof who)
		return bad_rule("?", "a rule is KIND.FIELD = WHO", err);
	snprintf(key, sizeof key, "%.*s", (int)(eq - line), line);
	snprintf(who, sizeof who, "%.*s", (int)(len - (size_t)(eq - line) - 1), eq + 1);
	if (!(dot = strchr(key, '.')))
		return bad_rule(key, "a rule is KIND.FIELD = WHO, such as task.title = leader assignee", err);
	*dot = '\0';
	field = dot + 1;
	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		if (!strcmp(key, cairn_kind_def_of((cairn_kind)k)->name))
			kind = (cairn_kind)k;
	*dot = '.';
	if (kind == CAIRN_KIND_NONE)
		return bad_rule(key, "the part before the dot is no kind (person, milestone, task, "
				"evaluation, ...)", err);
	if (!strcmp(field, "add"))
		field = "+";
	else if (!strcmp(field, "remove"))
		field = "-";
	else if (strcmp(field, "*") && !cairn_record_key_valid(field) &&
		 !(strlen(field) > 1 && field[strlen(field) - 1] == '*'))
		return bad_rule(key, "the part after the dot is no field name (or add, remove, *)", err);
	memset(r, 0, sizeof *r);
	r->kind = kind;
	for (char *w = strtok(who, " \t,"); w; w = strtok(NULL, " \t,")) {
		size_t i = 0;
		while (i < sizeof who_words / sizeof who_words[0] && strcmp(who_words[i].word, w))
			i++;
		if (i == sizeof who_words / sizeof who_words[0])
			return bad_rule(key, "who may is some of leader, key-person, reviewer, evaluator, "
					"validator, owner, assignee, self, step (or nobody)", err);
		r->may |= who_words[i].bit;
	}
	def = rule_in(rule_table, sizeof rule_table / sizeof rule_table[0], kind, field);
	r->while_status = def ? def->while_status : NULL;
	if (!(r->field = strdup(field)))
		return cairn_oom(err);
	{
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_printf(&b, "this workbook's cairn.ini says so ([rules] %s); ask a leader", key);
		r->instead = cairn_buf_detach(&b, NULL);
	}
	return r->instead ? CAIRN_OK : cairn_oom(err);
}

cairn_status cairn_ruleset_parse(const char *lines, cairn_ruleset *rs, cairn_error *err)
{
	size_t cap = 0;

	rs->rows = NULL;
	rs->n = 0;
	for (const char *p = lines ? lines : ""; *p;) {
		size_t len = strcspn(p, "\n");
		cairn_status st;
		if (len) {
			if (rs->n == cap) {
				cairn_rule *grown = realloc(rs->rows, (cap = cap ? cap * 2 : 8) * sizeof *grown);
				if (!grown) {
					cairn_ruleset_done(rs);
					return cairn_oom(err);
				}
				rs->rows = grown;
			}
			if ((st = parse_row(p, len, &rs->rows[rs->n], err))) {
				cairn_ruleset_done(rs);
				return st;
			}
			rs->n++;
		}
		p += len + (p[len] == '\n');
	}
	return CAIRN_OK;
}

void cairn_ruleset_done(cairn_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free((char *)rs->rows[i].field);
		free((char *)rs->rows[i].instead);
	}
	free(rs->rows);
	rs->rows = NULL;
	rs->n = 0;
}

static bool same_id(const char *a, const char *b)
{
	return a && b && *a && *b && !strcasecmp(a, b);
}

static bool status_is_one_of(const char *status, const char *list)
{
	size_t n = status ? strlen(status) : 0;
	for (const char *p = list; n && *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && !strncmp(p, status, n))
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}

bool cairn_rule_allows(const cairn_rule *r, const cairn_actor *a, cairn_kind kind,
		       const char *id, const cairn_record *base, bool step)
{
	const char *role = a->role ? a->role : "";
	unsigned m;

	if (!r)
		return true;
	m = r->may;
	if (step && (m & STEP))
		return true;
	if (!a->id || !*a->id)
		return false;
	if (((m & CAIRN_MAY_LEADER) && !strcmp(role, "leader")) ||
	    ((m & CAIRN_MAY_KEY_PERSON) && !strcmp(role, "key-person")) ||
	    ((m & CAIRN_MAY_REVIEWER) && !strcmp(role, "reviewer")))
		return true;
	if (r->while_status && !status_is_one_of(base ? cairn_record_get(base, "status") : NULL,
						 r->while_status))
		return false;
	if ((m & SELF) && kind == CAIRN_KIND_PERSON && same_id(id, a->id))
		return true;
	if ((m & EVALUATOR) && kind == CAIRN_KIND_EVALUATION && strchr(id, '/') &&
	    same_id(strchr(id, '/') + 1, a->id))
		return true;
	if (!base)
		return false;
	return ((m & VALIDATOR) && same_id(cairn_record_get(base, "validator"), a->id)) ||
	       ((m & OWNER) && same_id(cairn_record_get(base, "owner"), a->id)) ||
	       ((m & ASSIGNEE) && same_id(cairn_record_get(base, "assignee"), a->id));
}

void cairn_rule_describe(const cairn_rule *r, cairn_buf *out)
{
	static const struct { unsigned bit; const char *say; } names[] = {
		{ CAIRN_MAY_LEADER, "a leader" }, { CAIRN_MAY_KEY_PERSON, "a key person" },
		{ CAIRN_MAY_REVIEWER, "a reviewer" }, { EVALUATOR, "its evaluator" },
		{ VALIDATOR, "its validator" }, { OWNER, "its owner" },
		{ ASSIGNEE, "its assignee" }, { SELF, "the person themself" },
		{ STEP, "the workflow's steps" },
	};
	bool first = true;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(r->may & names[i].bit))
			continue;
		cairn_buf_printf(out, "%s%s", first ? "" : " or ", names[i].say);
		first = false;
	}
	if (r->while_status) {
		cairn_buf_adds(out, " while it is ");
		for (const char *p = r->while_status; *p;) {
			size_t w = strcspn(p, " ");
			cairn_buf_printf(out, "%.*s", (int)w, p);
			p += w;
			p += strspn(p, " ");
			if (*p)
				cairn_buf_adds(out, strchr(p, ' ') ? ", " : " or ");
		}
	}
}

static bool differs(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

static const cairn_rule *check_one(const cairn_actor *a, cairn_kind kind, const char *id,
				   const cairn_record *base, const char *key, bool step)
{
	const cairn_rule *r = cairn_rule_for(a->local, kind, key);
	return cairn_rule_allows(r, a, kind, id, base, step) ? NULL : r;
}

/* Each change from base to rec the rules refuse to a, in the record's
 * field order (then the fields removed), to fn until it says stop. */
static size_t each_refusal(const cairn_actor *a, cairn_kind kind, const char *id,
			   const cairn_record *base, const cairn_record *rec, bool step,
			   cairn_refusal_fn fn, void *ctx, bool *stopped)
{
	const cairn_rule *r;
	size_t n = 0;

	*stopped = false;
	if (!base || !rec) {
		const char *whole = base ? "-" : "+";
		if (!(r = check_one(a, kind, id, base, whole, step)))
			return 0;
		*stopped = !fn(r, whole, ctx);
		return 1;
	}
	for (size_t i = 0; i < rec->nfields && !*stopped; i++) {
		const char *k = rec->fields[i].key;
		if (!differs(rec->fields[i].value, cairn_record_get(base, k)) ||
		    !(r = check_one(a, kind, id, base, k, step)))
			continue;
		n++;
		*stopped = !fn(r, k, ctx);
	}
	for (size_t i = 0; i < base->nfields && !*stopped; i++) {
		const char *k = base->fields[i].key;
		if (cairn_record_get(rec, k) || !*base->fields[i].value ||
		    !(r = check_one(a, kind, id, base, k, step)))
			continue;
		n++;
		*stopped = !fn(r, k, ctx);
	}
	return n;
}

typedef struct first_ctx {
	const cairn_rule *rule;
	const char *field;
} first_ctx;

static bool keep_first(const cairn_rule *rule, const char *field, void *ctx)
{
	first_ctx *f = ctx;
	f->rule = rule;
	f->field = field;
	return false;
}

const cairn_rule *cairn_rules_first_refusal(const cairn_actor *a, cairn_kind kind,
					    const char *id, const cairn_record *base,
					    const cairn_record *rec, bool step,
					    const char **field)
{
	first_ctx f = { NULL, NULL };
	bool stopped;

	*field = base ? "-" : "+";
	each_refusal(a, kind, id, base, rec, step, keep_first, &f, &stopped);
	if (f.rule)
		*field = f.field;
	return f.rule;
}

/* The fields only the workflow's steps change, changed as a step would:
 * the evaluator (or a leader) submits and starts, its validator (else a
 * leader or a reviewer; never its evaluator) validates and returns, a
 * leader marks, and one a step lets act only adds lines to the comments.
 * A leader passes; a validator also takes a validation back (validated
 * -> submitted, as when its answers changed). */
typedef struct step_who {
	bool leader, evaluator, validator, actor;
} step_who;

static step_who step_who_of(const cairn_actor *a, const char *id, const cairn_record *base)
{
	const char *slash = strchr(id, '/');
	const char *validator = base ? cairn_record_get(base, "validator") : NULL;
	const char *role = a->role ? a->role : "";
	step_who w = { false, false, false, false };

	if (!a->id || !*a->id)
		return w;
	w.leader = !strcmp(role, "leader");
	w.evaluator = slash && !strcasecmp(slash + 1, a->id);
	w.validator = !w.evaluator && (validator && *validator ? same_id(validator, a->id)
				       : !strcmp(role, "reviewer"));
	w.actor = w.leader || w.evaluator || w.validator || !strcmp(role, "reviewer");
	return w;
}

static bool status_step_allowed(const step_who *w, const char *was, const char *now)
{
	was = was ? was : "";
	now = now ? now : "";
	if (!strcmp(now, "submitted") && status_is_one_of(was, "assigned draft returned"))
		return w->evaluator;
	if (!strcmp(now, "draft") && !strcmp(was, "assigned"))
		return w->evaluator;
	if (!strcmp(now, "validated") && !strcmp(was, "submitted"))
		return w->validator;
	if (!strcmp(now, "returned") && status_is_one_of(was, "submitted validated"))
		return w->validator;
	if (!strcmp(was, "validated") && !strcmp(now, "submitted"))
		return w->validator;
	return false;
}

static bool step_change_allowed(const cairn_actor *a, const char *id, const cairn_record *before,
				const cairn_record *after, const char *key)
{
	step_who w = step_who_of(a, id, before);
	const char *was = cairn_record_get(before, key), *now = cairn_record_get(after, key);
	const char *s0 = cairn_record_get(before, "status"), *s1 = cairn_record_get(after, "status");
	size_t n = was ? strlen(was) : 0;

	if (w.leader)
		return true;
	if (!strcmp(key, "status"))
		return status_step_allowed(&w, was, now);
	if (!strcmp(key, "validated_answers"))
		/* Recorded by the validation; dropped when it no longer holds. */
		return differs(s0, s1) && status_step_allowed(&w, s0, s1) &&
		       (!now || !strcmp(s1 ? s1 : "", "validated"));
	if (!strcmp(key, "comments"))
		return w.actor && now && (!n || (!strncmp(now, was, n) && now[n] == '\n'));
	return false;   /* good_practice, success_story: a leader's mark */
}

/* A field the steps change (the first pass let it by as a step's),
 * changed as no step of this author's would. */
static bool step_field_refused(const cairn_actor *a, cairn_kind kind, const char *id,
			       const cairn_record *before, const cairn_record *after,
			       const char *key, const cairn_rule **rule)
{
	*rule = cairn_rule_for(a->local, kind, key);
	return *rule && ((*rule)->may & STEP) &&
	       differs(cairn_record_get(before, key), cairn_record_get(after, key)) &&
	       !cairn_rule_allows(*rule, a, kind, id, before, false) &&
	       !step_change_allowed(a, id, before, after, key);
}

size_t cairn_rules_each_refusal_after(const cairn_actor *a, cairn_kind kind, const char *id,
				      const cairn_record *before, const cairn_record *after,
				      cairn_refusal_fn fn, void *ctx)
{
	const cairn_rule *r;
	bool stopped;
	size_t n = each_refusal(a, kind, id, before, after, true, fn, ctx, &stopped);

	if (stopped || !before || !after)
		return n;
	for (size_t i = 0; i < after->nfields && !stopped; i++) {
		const char *k = after->fields[i].key;
		if (!step_field_refused(a, kind, id, before, after, k, &r))
			continue;
		n++;
		stopped = !fn(r, k, ctx);
	}
	for (size_t i = 0; i < before->nfields && !stopped; i++) {
		const char *k = before->fields[i].key;
		if (cairn_record_get(after, k) ||
		    !step_field_refused(a, kind, id, before, after, k, &r))
			continue;
		n++;
		stopped = !fn(r, k, ctx);
	}
	return n;
}

const cairn_rule *cairn_rules_first_refusal_after(const cairn_actor *a, cairn_kind kind,
						  const char *id, const cairn_record *before,
						  const cairn_record *after, const char **field)
{
	first_ctx f = { NULL, NULL };

	*field = before ? "-" : "+";
	cairn_rules_each_refusal_after(a, kind, id, before, after, keep_first, &f);
	if (f.rule)
		*field = f.field;
	return f.rule;
}
