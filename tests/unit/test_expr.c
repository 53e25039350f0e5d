/* Questionnaire logic through the C API: the expression language
 * (cairn/expr.h) parsed, refused with the position of the error, and
 * evaluated over answers; then a template's `when` and `constraint`
 * (cairn/template.h): relevance in one pass, a follow-up of a skipped
 * question skipped too, required only when relevant, a constraint with
 * its own message in two languages, and the checks made when a template
 * is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/expr.h"
#include "cairn/kinds.h"
#include "cairn/record.h"
#include "cairn/template.h"
#include "tap.h"

typedef struct answers {
	const char *keys[8], *values[8];
} answers;

static const char *look(void *ctx, const char *key)
{
	const answers *a = ctx;

	for (int i = 0; i < 8 && a->keys[i]; i++)
		if (!strcmp(a->keys[i], key))
			return a->values[i];
	return NULL;
}

/* 1 true, 0 false, -1 refused at parse time. */
static int holds(const char *text, const answers *a, const char *self)
{
	cairn_expr *e;
	cairn_error err = { 0 };
	int r;

	if (cairn_expr_parse(text, &e, NULL, &err) != CAIRN_OK)
		return -1;
	r = cairn_expr_holds(e, look, (void *)a, self);
	cairn_expr_free(e);
	return r;
}

static void test_language(void)
{
	answers a = { { "measures", "kinds", "score", "users", "empty", NULL },
		      { "yes", "webinar\nworkshop", "4", "250", "", NULL } };

	is_int(holds("${measures} = 'yes'", &a, NULL), 1, "a yes/no answer compares as text");
	is_int(holds("${measures}", &a, NULL), 1, "an answer alone is true when given");
	is_int(holds("${nosuch}", &a, NULL), 0, "an unanswered question alone is false");
	is_int(holds("${score} >= 4 and ${score} < 5", &a, NULL), 1, "numbers compare as numbers");
	is_int(holds("${users} > 99", &a, NULL), 1, "250 > 99 as numbers, not as text");
	is_int(holds("${score} * 2 + 1 = 9", &a, NULL), 1, "arithmetic, * before +");
	is_int(holds("(${score} + 1) * 2 = 10", &a, NULL), 1, "parentheses group");
	is_int(holds("-${score} < 0", &a, NULL), 1, "unary minus");
	is_int(holds("${score} / 0 = 1 or ${score} / 0 < 1 or ${score} / 0 > 1", &a, NULL), 0,
	       "division by zero has no value: it is not equal, less or more");
	is_int(holds("${score} / 0 != 1", &a, NULL), 1, "... but it is not equal to 1");
	is_int(holds("selected(${kinds}, 'workshop')", &a, NULL), 1, "selected finds a choice");
	is_int(holds("selected(${kinds}, 'work')", &a, NULL), 0, "selected matches whole choices");
	is_int(holds("count(${kinds}) = 2", &a, NULL), 1, "count of a multiple choice");
	is_int(holds("count(${nosuch}) = 0", &a, NULL), 1, "count of no answer is 0");
	is_int(holds("answered(${empty}) or answered(${nosuch})", &a, NULL), 0,
	       "an empty answer is not an answer");
	is_int(holds("${empty} = ''", &a, NULL), 1, "unanswered equals ''");
	is_int(holds("${nosuch} < 3 or ${nosuch} > 3", &a, NULL), 0,
	       "unanswered is neither less nor more");
	is_int(holds("not ${measures} = 'no'", &a, NULL), 1, "not binds looser than =");
	is_int(holds("not not true", &a, NULL), 1, "not not");
	is_int(holds(". >= 0 and . <= 100", &a, "42"), 1, "'.' reads the answer being checked");
	is_int(holds(". <= 100", &a, "142"), 0, "... and refuses one out of range");
	is_int(holds("true and false or true", &a, NULL), 1, "and before or");
	is_int(holds("\"a\" < 'b'", &a, NULL), 1, "texts in either quotes compare as text");
}

/* Numbers a peer's template can reach that are not numbers: a product
 * past the largest double is infinite, and infinity minus infinity is
 * NaN, which compared equal to everything. */
static void test_hostile_numbers(void)
{
	answers a = { { "score", NULL }, { "4", NULL } };
	char big[512], huge[2048];
	const char *x = "9999999999999999999999999999999999999999999999999999999999999";

	snprintf(big, sizeof big, "%s*%s*%s*%s*%s*%s", x, x, x, x, x, x);
	snprintf(huge, sizeof huge, "(%s - %s) = 5", big, big);
	is_int(holds(huge, &a, NULL), 0, "infinity minus infinity is not 5");
	snprintf(huge, sizeof huge, "(%s - %s) != 5", big, big);
	is_int(holds(huge, &a, NULL), 1, "... and is not equal to 5");
	snprintf(huge, sizeof huge, "%s / (%s - %s)", big, big, big);
	is_int(holds(huge, &a, NULL), 0, "a NaN is not true");
	snprintf(huge, sizeof huge, "%s > 1 or %s < 1 or %s = 1", big, big, big);
	is_int(holds(huge, &a, NULL), 0, "a product past the largest number has no value");
	is_int(holds("-0 = 0", &a, NULL), 1, "-0 is 0");
	is_int(holds(". = 0", &a, "-0"), 1, "an answer -0 is 0");
	is_int(holds(". * 1 > 0", &a, "1e999"), 0, "an answer 1e999 is not a number");
	is_int(holds(". = 'inf'", &a, "inf"), 1, "an answer inf is text");
}

static void refused(const char *text, size_t want_at, const char *want_words)
{
	cairn_expr *e = NULL;
	cairn_error err = { 0 };
	size_t at = 0;
	cairn_status st = cairn_expr_parse(text, &e, &at, &err);

	ok(st == CAIRN_EINPUT && !e, "'%s' is refused", text);
	if (want_at)
		is_int((int)at, (int)want_at, "'%s': the error is at character %zu", text, want_at);
	ok(strstr(err.msg, want_words) != NULL, "'%s': the message says '%s' (%s)", text,
	   want_words, err.msg);
	cairn_expr_free(e);
}

static void test_errors(void)
{
	char big[CAIRN_EXPR_MAX_LEN + 10], deep[200];

	refused("${a} = ", 8, "ends where a value was expected");
	refused("${a} == 1", 7, "expected a value");
	refused("${a = 1", 1, "without its '}'");
	refused("${A} = 1", 3, "lower-case");
	refused("${a} = 'yes", 8, "closing quote");
	refused("selected(${a})", 14, "selected(${q}, 'choice')");
	refused("selected(${a}, yes)", 16, "in quotes");
	refused("system('rm -rf /')", 1, "unknown word");
	refused("(${a} = 1", 10, "expected ')'");
	refused("${a} = 1 ${b}", 10, "expected 'and', 'or'");
	refused("12abc", 1, "not a number");
	/* Positions count characters, not bytes: é is one character. */
	refused("'caf\xc3\xa9' = 'x", 10, "closing quote");
	refused("'\xc3\xa9t\xc3\xa9' = 'x' and ~", 17, "expected a value");
	memset(big, ' ', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refused(big, 0, "longer than");
	memset(deep, '(', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	refused(deep, 0, "nested too deeply");
	{
		cairn_expr *e;
		cairn_error err = { 0 };
		ok(cairn_expr_parse("${b} = 1 and selected(${a}, 'x') or ${b} > .", &e, NULL,
				    &err) == CAIRN_OK, "a mixed expression parses");
		is_int((int)cairn_expr_nrefs(e), 2, "its questions are listed once each");
		is_str(cairn_expr_ref(e, 0), "b", "in order of first use");
		ok(cairn_expr_reads_self(e), "and it reads '.'");
		cairn_expr_free(e);
	}
}

static cairn_record *record(const char *text)
{
	cairn_record *rec = malloc(sizeof *rec);
	cairn_error err = { 0 };

	if (rec && cairn_record_parse(rec, text, strlen(text), "test", &err) != CAIRN_OK) {
		printf("# %s\n", err.msg);
		free(rec);
		rec = NULL;
	}
	return rec;
}

static void cairn_record_free(cairn_record *rec)
{
	if (rec)
		cairn_record_done(rec);
	free(rec);
}

static const char m4[] =
	"title: M4\n"
	"version: 1\n"
	"questions:\n"
	" measures\n"
	" which\n"
	" detail\n"
	" share\n"
	"q.measures.prompt: Are accompanying measures implemented?\n"
	"q.measures.type: yesno\n"
	"q.measures.required: yes\n"
	"q.which.prompt: Which accompanying measures?\n"
	"q.which.type: multiple\n"
	"q.which.choices:\n"
	" webinar\n"
	" workshop\n"
	" other\n"
	"q.which.required: yes\n"
	"q.which.when: ${measures} = 'yes'\n"
	"q.detail.prompt: Describe the other measure\n"
	"q.detail.type: text\n"
	"q.detail.required: yes\n"
	"q.detail.when: selected(${which}, 'other')\n"
	"q.share.prompt: Share of citizens reached\n"
	"q.share.type: number\n"
	"q.share.constraint: . <= 100 and . >= 0\n"
	"q.share.constraint-message: a share is between 0 and 100\n"
	"q.share.constraint-message.fr: une part est entre 0 et 100\n";

static void test_template(void)
{
	cairn_record *tr = record(m4), *ev;
	cairn_template tpl;
	cairn_error err = { 0 };
	bool rel[4];
	size_t answered, missing;
	const char *first;

	if (!ok(tr && cairn_template_from_record("m4", tr, &tpl, &err) == CAIRN_OK,
		"a template with when and constraint reads (%s)", err.msg))
		return;
	ev = record("template: m4\nanswer.measures: no\nanswer.which: other\n"
		    "answer.detail: a stale answer\n");
	cairn_template_relevance(&tpl, ev, rel);
	ok(rel[0] && !rel[1] && !rel[2] && rel[3],
	   "measures=no skips which, and detail (its follow-up) with it");
	cairn_evaluation_progress(ev, &tpl, &answered, &missing, &first);
	is_int((int)missing, 0, "a skipped required question is not missing");
	is_int((int)answered, 1, "a skipped question's stale answer is not counted");
	cairn_record_free(ev);

	ev = record("template: m4\nanswer.measures: yes\n");
	cairn_evaluation_progress(ev, &tpl, &answered, &missing, &first);
	ok(missing == 1 && first && !strcmp(first, "which"),
	   "measures=yes makes which required (first missing: %s)", first ? first : "-");
	ok(!cairn_question_relevant(&tpl, ev, &tpl.questions[2]), "detail stays skipped");
	cairn_record_free(ev);

	ev = record("template: m4\nstatus: draft\nanswer.measures: yes\nanswer.which: other\n"
		    "answer.share: 140\n");
	ok(cairn_question_relevant(&tpl, ev, &tpl.questions[2]), "which=other asks for detail");
	ok(cairn_answer_check_constraint(&tpl, ev, &tpl.questions[3], NULL, &err) == CAIRN_EINPUT &&
	   strstr(err.msg, "answer.share: a share is between 0 and 100"),
	   "140 breaks the constraint, with its own message (%s)", err.msg);
	ok(cairn_answer_check_constraint(&tpl, ev, &tpl.questions[3], "fr", &err) == CAIRN_EINPUT &&
	   strstr(err.msg, "une part est entre 0 et 100"), "in French for a French reader");
	ok(cairn_record_validate(CAIRN_KIND_EVALUATION, "e1", ev, &tpl, &err) == CAIRN_EINPUT &&
	   strstr(err.msg, "evaluation/e1: answer.share"), "a save of it is refused (%s)", err.msg);
	cairn_record_free(ev);
	ev = record("template: m4\nstatus: draft\nanswer.measures: yes\nanswer.share: 40\n");
	ok(cairn_record_validate(CAIRN_KIND_EVALUATION, "e1", ev, &tpl, &err) == CAIRN_OK,
	   "40 is accepted (%s)", err.msg);
	cairn_record_free(ev);
	cairn_template_done(&tpl);
	cairn_record_free(tr);
}

static void template_refused(const char *extra, const char *want)
{
	char text[4096];
	cairn_record *tr;
	cairn_template tpl;
	cairn_error err = { 0 };

	snprintf(text, sizeof text, "%s%s", m4, extra);
	tr = record(text);
	ok(tr && cairn_template_from_record("m4", tr, &tpl, &err) == CAIRN_EINPUT &&
	   strstr(err.msg, want), "'%s' is refused: %s", extra, err.msg);
	cairn_record_free(tr);
}

static void test_template_checks(void)
{
	template_refused("q.measures.when: ${share} > 1\n", "comes after this question");
	template_refused("q.measures.when: ${measures} = 'yes'\n", "comes at this question");
	template_refused("q.measures.when: . = 'yes'\n", "only a constraint reads");
	template_refused("q.measures.when: ${nosuch} = 1\n", "not a question of this template");
	template_refused("q.measures.when: ${x\n", "template/m4: q.measures.when: at character 1");
	template_refused("q.measures.constraint-message: why\n", "no q.measures.constraint");
	template_refused("q.measures.colour: red\n", "when, constraint");
	/* A choice that is not one of the question's would never be selected. */
	template_refused("q.share.when: selected(${which}, 'webinars')\n",
			 "q.share.when: 'webinars' is not a choice of which (webinar, workshop, "
			 "other)");
	template_refused("q.share.when: selected(${measures}, 'maybe')\n",
			 "'maybe' is not a choice of measures (yes, no)");
}

int main(void)
{
	test_language();
	test_hostile_numbers();
	test_errors();
	test_template();
	test_template_checks();
	return tap_done();
}
