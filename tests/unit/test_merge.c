/* The three-way merge of records: per field, long text line by line,
 * multiple choice as a set, and the record-level cases that must never
 * lose an edit (add/add, delete/modify). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/merge.h"
#include "tap.h"

/* A record from "key", "value", ... NULL. */
static cairn_record rec(const char *key, ...)
{
	cairn_record r;
	cairn_error err;
	va_list ap;

	cairn_record_init(&r);
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		cairn_record_set(&r, k, v, &err);
	}
	va_end(ap);
	return r;
}

static const char *get(const cairn_merge_result *m, const char *key)
{
	return cairn_record_get(&m->merged, key);
}

static void lines_merge(void)
{
	char *out = NULL;
	cairn_error err;

	ok(cairn_merge_lines("a\nb\nc\nd", "A\nb\nc\nd", "a\nb\nc\nD", &out, &err) == CAIRN_OK,
	   "changes to different lines merge");
	is_str(out, "A\nb\nc\nD", "both changes are in");
	free(out);
	ok(cairn_merge_lines("a\nb\nc", "a\nB\nc", "a\nb\nc\nd", &out, &err) == CAIRN_OK,
	   "a change and an addition at the end merge");
	is_str(out, "a\nB\nc\nd", "in order");
	free(out);
	ok(cairn_merge_lines("a\nb\nc", "a\nX\nc", "a\nY\nc", &out, &err) == CAIRN_ECONFLICT,
	   "the same line changed differently is a conflict");
	ok(strstr(err.msg, "line 2") != NULL, "naming the line: %s", err.msg);
	ok(cairn_merge_lines("a\nb", "a\nb\nc", "a\nb\nd", &out, &err) == CAIRN_ECONFLICT,
	   "two additions at the same place are a conflict (which comes first?)");
	ok(cairn_merge_lines("a\nb\nc", "a\nX\nc", "a\nX\nc", &out, &err) == CAIRN_OK,
	   "the same change on both sides is no conflict");
	is_str(out, "a\nX\nc", "and is made once");
	free(out);
	ok(cairn_merge_lines("a\nb\nc\nd\ne", "a\nc\nd\ne", "a\nb\nc\nd\nE\nf", &out, &err) == CAIRN_OK,
	   "a removal on one side and changes further on the other merge");
	is_str(out, "a\nc\nd\nE\nf", "with both");
	free(out);
	ok(cairn_merge_lines("", "x", "y", &out, &err) == CAIRN_ECONFLICT,
	   "two texts written from nothing are a conflict");
}

static void fields(void)
{
	cairn_record b = rec("title", "Map", "deadline", "2016-02-29", "status", "active", NULL);
	cairn_record o = rec("title", "Map of needs", "deadline", "2016-02-29", "status", "active", NULL);
	cairn_record t = rec("title", "Map", "deadline", "2016-03-15", "status", "done", NULL);
	cairn_merge_result m;
	cairn_error err;

	ok(cairn_merge_record(CAIRN_KIND_MILESTONE, &b, &o, &t, NULL, &m, &err) == CAIRN_OK,
	   "fields changed on different sides");
	is_int(m.outcome, CAIRN_MERGED, "merged");
	is_int(m.nconflicts, 0, "without conflicts");
	is_str(get(&m, "title"), "Map of needs", "ours where only we changed");
	is_str(get(&m, "deadline"), "2016-03-15", "theirs where only they changed");
	is_str(get(&m, "status"), "done", "and another of theirs");
	cairn_merge_result_done(&m);
	cairn_record_done(&t);

	t = rec("title", "Map (final)", "deadline", "2016-02-29", "status", "active", NULL);
	ok(cairn_merge_record(CAIRN_KIND_MILESTONE, &b, &o, &t, NULL, &m, &err) == CAIRN_OK,
	   "the same field changed on both sides");
	is_int(m.nconflicts, 1, "is one conflict");
	is_str(m.nconflicts ? m.conflicts[0].key : "", "title", "on that field");
	is_str(m.nconflicts ? m.conflicts[0].base : "", "Map", "keeping the base");
	is_str(m.nconflicts ? m.conflicts[0].ours : "", "Map of needs", "ours");
	is_str(m.nconflicts ? m.conflicts[0].theirs : "", "Map (final)", "and theirs: nothing is lost");
	is_str(get(&m, "title"), "Map of needs", "ours stays until it is resolved");
	cairn_merge_result_done(&m);
	cairn_record_done(&t);

	/* A field cleared on one side and untouched on the other is cleared. */
	t = rec("title", "Map", "status", "active", NULL);
	ok(cairn_merge_record(CAIRN_KIND_MILESTONE, &b, &o, &t, NULL, &m, &err) == CAIRN_OK &&
	   !get(&m, "deadline") && m.nconflicts == 0, "a field removed by one side is removed");
	cairn_merge_result_done(&m);
	cairn_record_done(&t);

	/* Long text changed on both sides in different lines. */
	cairn_record_done(&b);
	cairn_record_done(&o);
	b = rec("title", "M", "status", "active", "description", "one\ntwo\nthree", NULL);
	o = rec("title", "M", "status", "active", "description", "ONE\ntwo\nthree", NULL);
	t = rec("title", "M", "status", "active", "description", "one\ntwo\nTHREE", NULL);
	ok(cairn_merge_record(CAIRN_KIND_MILESTONE, &b, &o, &t, NULL, &m, &err) == CAIRN_OK &&
	   m.nconflicts == 0, "long text changed in different lines");
	is_str(get(&m, "description"), "ONE\ntwo\nTHREE", "merges line by line");
	cairn_merge_result_done(&m);
	/* A field a newer cairn wrote is merged like any other, never dropped. */
	cairn_record_set(&o, "x-future", "kept", &err);
	ok(cairn_merge_record(CAIRN_KIND_MILESTONE, &b, &o, &t, NULL, &m, &err) == CAIRN_OK,
	   "an unknown field");
	is_str(get(&m, "x-future"), "kept", "is kept");
	cairn_merge_result_done(&m);
	cairn_record_done(&b);
	cairn_record_done(&o);
	cairn_record_done(&t);
}

static void answers(void)
{
	char *choices[] = { "As user", "As participant", "As co-creator" };
	cairn_question qs[2] = {
		{ .key = "engagement", .prompt = "Engagement?", .type = CAIRN_Q_MULTIPLE,
		  .choices = choices, .nchoices = 3, .required = true },
		{ .key = "methods", .prompt = "Methods?", .type = CAIRN_Q_LONGTEXT },
	};
	cairn_template tpl = { "m4", "M4", 1, qs, 2 };
	cairn_record b = rec("template", "m4", "status", "draft", "answer.engagement", "As user\nAs participant", NULL);
	cairn_record o = rec("template", "m4", "status", "draft", "answer.engagement", "As user\nAs participant\nAs co-creator", NULL);
	cairn_record t = rec("template", "m4", "status", "draft", "answer.engagement", "As participant", NULL);
	cairn_merge_result m;
	cairn_error err;

	ok(cairn_merge_record(CAIRN_KIND_EVALUATION, &b, &o, &t, &tpl, &m, &err) == CAIRN_OK &&
	   m.nconflicts == 0, "a multiple choice changed on both sides");
	is_str(get(&m, "answer.engagement"), "As participant\nAs co-creator",
	       "merges as a set: our addition and their removal both hold");
	cairn_merge_result_done(&m);
	/* Without the template, the same answer is a plain conflict. */
	ok(cairn_merge_record(CAIRN_KIND_EVALUATION, &b, &o, &t, NULL, &m, &err) == CAIRN_OK &&
	   m.nconflicts == 1, "without its template it is a conflict, not a guess");
	cairn_merge_result_done(&m);
	cairn_record_done(&b);
	cairn_record_done(&o);
	cairn_record_done(&t);
}

static void whole_records(void)
{
	cairn_record b = rec("title", "T", "status", "planned", NULL);
	cairn_record changed = rec("title", "T2", "status", "planned", NULL);
	cairn_record other = rec("title", "T3", "status", "active", NULL);
	cairn_merge_result m;
	cairn_error err;

	ok(cairn_merge_record(CAIRN_KIND_TASK, NULL, NULL, &b, NULL, &m, &err) == CAIRN_OK &&
	   m.outcome == CAIRN_MERGED && !strcmp(get(&m, "title"), "T"), "added on their side: taken");
	cairn_merge_result_done(&m);
	ok(cairn_merge_record(CAIRN_KIND_TASK, &b, NULL, &b, NULL, &m, &err) == CAIRN_OK &&
	   m.outcome == CAIRN_MERGED_DELETED, "deleted by us, untouched by them: deleted");
	cairn_merge_result_done(&m);
	ok(cairn_merge_record(CAIRN_KIND_TASK, &b, NULL, &changed, NULL, &m, &err) == CAIRN_OK &&
	   m.outcome == CAIRN_DELETE_MODIFY && m.deleted_by_us, "deleted by us, changed by them: a conflict");
	is_str(get(&m, "title"), "T2", "their change is kept, never silently deleted");
	cairn_merge_result_done(&m);
	ok(cairn_merge_record(CAIRN_KIND_TASK, &b, &changed, NULL, NULL, &m, &err) == CAIRN_OK &&
	   m.outcome == CAIRN_DELETE_MODIFY && !m.deleted_by_us,
	   "changed by us, deleted by them: a conflict, never a silent resurrection");
	cairn_merge_result_done(&m);
	ok(cairn_merge_record(CAIRN_KIND_TASK, NULL, &changed, &other, NULL, &m, &err) == CAIRN_OK &&
	   m.outcome == CAIRN_ADD_ADD, "added on both sides, differently: a conflict");
	is_int(m.nconflicts, 2, "with each differing field listed");
	cairn_merge_result_done(&m);
	ok(cairn_merge_record(CAIRN_KIND_TASK, NULL, &changed, &changed, NULL, &m, &err) == CAIRN_OK &&
	   m.outcome == CAIRN_MERGED && m.nconflicts == 0, "added on both sides, the same: no conflict");
	cairn_merge_result_done(&m);
	ok(cairn_merge_record(CAIRN_KIND_TASK, &b, NULL, NULL, NULL, &m, &err) == CAIRN_OK &&
	   m.outcome == CAIRN_MERGED_DELETED, "deleted on both sides: deleted");
	cairn_merge_result_done(&m);
	cairn_record_done(&b);
	cairn_record_done(&changed);
	cairn_record_done(&other);
}

int main(void)
{
	lines_merge();
	fields();
	answers();
	whole_records();
	return tap_done();
}
