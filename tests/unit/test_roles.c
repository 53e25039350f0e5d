/* The rule table and a workbook's own rules (include/cairn/roles.h): the
 * defaults by role and relation, [rules] lines read from cairn.ini into
 * rows that come first, tighter or looser, and bad lines refused with the
 * setting named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/config.h"
#include "cairn/roles.h"
#include "tap.h"

static cairn_record task_of(const char *assignee)
{
	cairn_record r;
	cairn_error err;
	cairn_record_init(&r);
	cairn_record_set(&r, "title", "Interviews", &err);
	cairn_record_set(&r, "assignee", assignee, &err);
	return r;
}

typedef struct told {
	char fields[256];
	size_t n;
} told;

static bool tell(const cairn_rule *rule, const char *field, void *ctx)
{
	told *t = ctx;
	size_t len = strlen(t->fields);
	(void)rule;
	snprintf(t->fields + len, sizeof t->fields - len, "%s%s", len ? " " : "", field);
	t->n++;
	return true;
}

static bool may(const cairn_actor *a, cairn_kind kind, const char *id, const cairn_record *base,
		const char *field)
{
	return cairn_rule_allows(cairn_rule_for(a->local, kind, field), a, kind, id, base, false);
}

int main(void)
{
	cairn_settings s = { 0 };
	cairn_ruleset rs = { NULL, 0 };
	cairn_error err;
	cairn_record t2 = task_of("maria");
	cairn_actor maria = { "maria", "key-person", NULL }, lead = { "anna", "leader", NULL };
	cairn_buf b = CAIRN_BUF_INIT;
	char *text;

	/* The defaults. */
	ok(may(&maria, CAIRN_KIND_TASK, "T2", &t2, "notes"), "the assignee changes a task's notes");
	ok(!may(&maria, CAIRN_KIND_TASK, "T2", &t2, "assignee"), "not whom it is assigned to");
	ok(!may(&maria, CAIRN_KIND_TASK, "T2", &t2, "+"), "nor adds a task");
	ok(may(&lead, CAIRN_KIND_TASK, "T2", &t2, "assignee"), "a leader does");
	ok(!may(&maria, CAIRN_KIND_MILESTONE, "M4", NULL, "deadline"), "a key person moves no deadline");

	/* A commit, field by field: a validator who rewrote two answers and
	 * the title by hand is told each, in the record's order. */
	{
		cairn_record before, after;
		cairn_actor bwg = { "bwg-2", "key-person", NULL }, eip = { "eip-1", "key-person", NULL },
			    city = { "city-1", "key-person", NULL };
		const char *field = NULL;
		told t = { "", 0 };
		cairn_record_init(&before);
		cairn_record_set(&before, "validator", "bwg-2", &err);
		cairn_record_set(&before, "status", "submitted", &err);
		cairn_record_set(&before, "answer.leader", "The city", &err);
		cairn_record_set(&before, "answer.measures", "no", &err);
		cairn_record_copy(&after, &before, &err);
		cairn_record_set(&after, "answer.leader", "Mine", &err);
		cairn_record_set(&after, "answer.measures", "yes", &err);
		cairn_record_set(&after, "comments", "Better", &err);
		is_int((int)cairn_rules_each_refusal_after(&bwg, CAIRN_KIND_EVALUATION, "fixmystreet/eip-1",
							   &before, &after, tell, &t), 2,
		       "each refused change is told: two answers (its comment is the validator's)");
		is_str(t.fields, "answer.leader answer.measures", "naming each answer");
		ok(cairn_rules_first_refusal_after(&bwg, CAIRN_KIND_EVALUATION, "fixmystreet/eip-1",
						   &before, &after, &field) && !strcmp(field, "answer.leader"),
		   "the first is what the guard and the save refuse");
		t.fields[0] = '\0';
		t.n = 0;
		cairn_record_set(&after, "status", "validated", &err);
		is_int((int)cairn_rules_each_refusal_after(&eip, CAIRN_KIND_EVALUATION, "fixmystreet/eip-1",
							   &before, &after, tell, &t), 3,
		       "its evaluator, once submitted: both answers and the status (she never "
		       "validates her own; the comment line is a step's)");
		is_str(t.fields, "answer.leader answer.measures status", "naming each");
		t.fields[0] = '\0';
		t.n = 0;
		is_int((int)cairn_rules_each_refusal_after(&city, CAIRN_KIND_EVALUATION, "fixmystreet/eip-1",
							   &before, &after, tell, &t), 4,
		       "a member no step lets act: the answers, then the status and the comment");
		is_str(t.fields, "answer.leader answer.measures status comments",
		       "in the record's order, the steps' fields last");
		cairn_record_done(&before);
		cairn_record_done(&after);
	}

	/* A workbook's own, from cairn.ini. */
	ok(cairn_settings_parse("[workbook]\nname = g\nschema = 1\n[rules]\nmode = enforced\n"
				"task.* = leader\nmilestone.deadline = leader, owner\n"
				"evaluation.answer.* = evaluator leader\n", "cairn.ini", &s, NULL, NULL,
				&err) == CAIRN_OK, "cairn.ini with rules of its own reads");
	ok(s.rules_enforced, "mode is still read");
	is_str(s.rule_lines, "task.*=leader\nmilestone.deadline=leader, owner\n"
			     "evaluation.answer.*=evaluator leader\n", "the other [rules] lines are kept");
	text = cairn_settings_text(&s);
	ok(text && strstr(text, "mode = enforced\ntask.* = leader\nmilestone.deadline = leader, owner\n"),
	   "and written back as they were");
	free(text);
	ok(cairn_ruleset_parse(s.rule_lines, &rs, &err) == CAIRN_OK, "they parse into rows");
	is_int((int)rs.n, 3, "three rows");
	maria.local = lead.local = &rs;
	ok(!may(&maria, CAIRN_KIND_TASK, "T2", &t2, "notes"), "tighter: the assignee no longer changes the task");
	ok(may(&lead, CAIRN_KIND_TASK, "T2", &t2, "notes"), "a leader still does");
	ok(!may(&maria, CAIRN_KIND_TASK, "T2", &t2, "+"), "adding a task is still the default's (a leader's)");
	{
		cairn_record m5;
		cairn_record_init(&m5);
		cairn_record_set(&m5, "owner", "maria", &err);
		ok(may(&maria, CAIRN_KIND_MILESTONE, "M5", &m5, "deadline"), "looser: the owner moves the deadline");
		ok(!may(&maria, CAIRN_KIND_MILESTONE, "M4", NULL, "deadline"), "of their own milestone only");
		cairn_record_done(&m5);
	}
	cairn_rule_describe(cairn_rule_for(&rs, CAIRN_KIND_EVALUATION, "answer.q1"), &b);
	is_str(cairn_buf_str(&b), "a leader or its evaluator while it is assigned, draft or returned",
	       "a relation keeps the default's while its status is");
	cairn_buf_done(&b);
	ok(strstr(cairn_rule_for(&rs, CAIRN_KIND_TASK, "notes")->instead, "[rules] task.*") != NULL,
	   "the refusal's what-to-do names the setting");
	cairn_ruleset_done(&rs);
	cairn_settings_done(&s);

	/* Bad lines. */
	ok(cairn_ruleset_parse("task.title=boss\n", &rs, &err) == CAIRN_EINPUT &&
	   strstr(err.msg, "cairn.ini: [rules] task.title: who may is some of leader") != NULL,
	   "an unknown who is refused, naming the setting");
	ok(cairn_ruleset_parse("gadget.title=leader\n", &rs, &err) == CAIRN_EINPUT &&
	   strstr(err.msg, "is no kind") != NULL, "so is an unknown kind");
	ok(cairn_ruleset_parse("task.=leader\n", &rs, &err) == CAIRN_EINPUT, "and an empty field");
	ok(cairn_ruleset_parse("task.add=nobody\ntask.remove=leader\n", &rs, &err) == CAIRN_OK &&
	   rs.n == 2 && !strcmp(rs.rows[0].field, "+") && rs.rows[0].may == 0,
	   "add, remove and nobody");
	cairn_ruleset_done(&rs);
	ok(cairn_settings_parse("[workbook]\nname = g\nschema = 1\n[rules]\nmode = open\ncolour = red\n",
				"cairn.ini", &s, NULL, NULL, &err) == CAIRN_OK && s.rule_lines == NULL,
	   "a [rules] setting without a dot is no rule (a newer cairn's, warned about)");
	cairn_settings_done(&s);
	cairn_record_done(&t2);
	return tap_done();
}
