/* The evaluation workflow: who may submit, return, validate and mark an
 * evaluation, the distribution of tools among key persons, template
 * copies and versions, and the rule that a validation holds only for the
 * answers it saw (see include/cairn/workflow.h).  Every step is an
 * ordinary save, so it is committed with the user's identity and shared
 * by sync like any other edit. */
#include "cairn/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/blame.h"
#include "cairn/buf.h"
#include "cairn/date.h"
#include "cairn/sha1.h"
#include "workbook/wb_internal.h"

/* ---- who is who ---- */

typedef struct one_row {
	char v[3][CAIRN_ID_MAX * 4];
	bool found;
} one_row;

static cairn_status take_row(const char *const *values, void *ctx, cairn_error *err)
{
	one_row *r = ctx;
	(void)err;
	for (int i = 0; i < 3; i++)
		snprintf(r->v[i], sizeof r->v[i], "%s", values[i]);
	r->found = true;
	return CAIRN_OK;
}

cairn_status cairn_wb_me(cairn_wb *wb, char *id, size_t n, cairn_error *err)
{
	static const char *const cols[] = { "id", "role", "email" };
	cairn_identity who = { 0 };
	one_row r = { .found = false };
	cairn_filter f = { "email", NULL, CAIRN_OP_EQ };
	cairn_status st;

	id[0] = '\0';
	if ((st = wb_identity(wb, &who, err)))
		return st;
	f.value = who.email;
	if (who.email && *who.email)
		st = cairn_index_rows(wb->idx, CAIRN_KIND_PERSON, cols, 3, &f, 1, "id", 1, take_row,
				      &r, err);
	if (st == CAIRN_OK && r.found)
		snprintf(id, n, "%s", r.v[0]);
	wb_identity_done(&who);
	return st;
}

/* A person's role ("" when there is no such person). */
static cairn_status role_of(cairn_wb *wb, const char *id, char *role, size_t n, cairn_error *err)
{
	static const char *const cols[] = { "id", "role", "organisation" };
	cairn_filter f = { "id", id, CAIRN_OP_EQ };
	one_row r = { .found = false };
	cairn_status st = cairn_index_rows(wb->idx, CAIRN_KIND_PERSON, cols, 3, &f, 1, NULL, 1,
					   take_row, &r, err);
	snprintf(role, n, "%.20s", r.found ? r.v[1] : "");
	return st;
}

static cairn_status need_me(cairn_wb *wb, char *me, size_t n, char *role, size_t rn,
			    cairn_error *err)
{
	cairn_status st = cairn_wb_me(wb, me, n, err);
	if (st != CAIRN_OK)
		return st;
	if (!*me)
		return cairn_fail(err, CAIRN_EINPUT,
				  "cairn does not know which person you are: set email under [user] "
				  "in your configuration to the email of your person record (cairn "
				  "set person/ID email=...)");
	return role_of(wb, me, role, rn, err);
}

/* ---- one evaluation ---- */

typedef struct eval_ctx {
	cairn_ref ref;
	cairn_record rec;
	char evaluator[CAIRN_ID_MAX + 1];
	const char *status;             /* in rec */
	const char *validator;          /* in rec, NULL when unset */
	char me[CAIRN_ID_MAX + 1];
	char role[32];
} eval_ctx;

static cairn_status eval_load(cairn_wb *wb, const char *name, eval_ctx *e, cairn_error *err)
{
	cairn_index_hit hit;
	cairn_status st;
	const char *slash;

	memset(e, 0, sizeof *e);
	cairn_record_init(&e->rec);
	if ((st = cairn_wb_resolve(wb, name, &hit, err)))
		return st;
	if (hit.ref.kind != CAIRN_KIND_EVALUATION)
		return cairn_fail(err, CAIRN_EINPUT, "%s is not an evaluation; name one as "
				  "evaluation/TOOL/PERSON (cairn ls evaluation)", name);
	if ((st = cairn_wb_read(wb, &hit, &e->rec, err)))
		return st;
	e->ref = hit.ref;
	slash = strchr(e->ref.id, '/');
	snprintf(e->evaluator, sizeof e->evaluator, "%s", slash ? slash + 1 : "");
	e->status = cairn_record_get(&e->rec, "status");
	if (!e->status)
		e->status = "";
	e->validator = cairn_record_get(&e->rec, "validator");
	if (e->validator && !*e->validator)
		e->validator = NULL;
	return need_me(wb, e->me, sizeof e->me, e->role, sizeof e->role, err);
}

static void today_iso(cairn_wb *wb, char *buf, size_t n)
{
	cairn_date_iso(cairn_wb_today(wb), buf, n);
}

/* comments with one more line "DATE WHO: TEXT" (a new string, or NULL). */
static char *comments_plus(const cairn_record *rec, const char *line)
{
	const char *old = cairn_record_get(rec, "comments");
	cairn_buf b = CAIRN_BUF_INIT;

	if (old && *old)
		cairn_buf_printf(&b, "%s\n", old);
	cairn_buf_adds(&b, line);
	return cairn_buf_detach(&b, NULL);
}

/* Saved with a subject that says the step ("TOOL/PERSON: status draft ->
 * submitted"); the body lists every field changed, as for any save. */
static cairn_status save_step(cairn_wb *wb, const eval_ctx *e, const char *step,
			      const char *const *keys, const char *const *values, size_t n,
			      cairn_save_result *res, cairn_error *err)
{
	cairn_edit edit = { CAIRN_EDIT_SET, e->ref, keys, values, n, false, false };
	char message[CAIRN_REF_ID_MAX + 128];

	if (!strcmp(keys[0], "status"))
		snprintf(message, sizeof message, "%s: status %s -> %s", e->ref.id, e->status,
			 values[0]);
	else
		snprintf(message, sizeof message, "%s: %s", e->ref.id, step);
	return cairn_wb_save(wb, &edit, 1, message, res, err);
}

cairn_status cairn_wb_submit(cairn_wb *wb, const char *name, char *first_missing, size_t n,
			     cairn_save_result *res, cairn_error *err)
{
	eval_ctx e;
	cairn_template tpl;
	size_t answered, missing;
	const char *first = NULL, *tid;
	const char *keys[1] = { "status" }, *values[1] = { "submitted" };
	cairn_status st;

	memset(res, 0, sizeof *res);
	if (first_missing && n)
		first_missing[0] = '\0';
	if ((st = eval_load(wb, name, &e, err)))
		goto done;
	if (strcasecmp(e.me, e.evaluator) && strcmp(e.role, "leader")) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s: only its evaluator, %s, or a leader submits it; you are "
				"%s (%s)", e.ref.id, e.evaluator, e.me, e.role);
		goto done;
	}
	if (strcmp(e.status, "assigned") && strcmp(e.status, "draft") &&
	    strcmp(e.status, "returned")) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s is %s: only an assigned, draft or returned evaluation is "
				"submitted%s", e.ref.id, e.status,
				!strcmp(e.status, "validated") ? "; a validator may return it first" : "");
		goto done;
	}
	tid = cairn_record_get(&e.rec, "template");
	if ((st = cairn_wb_template(wb, tid ? tid : "", &tpl, err))) {
		cairn_error_prefix(err, "evaluation/%s: its template cannot be read", e.ref.id);
		goto done;
	}
	cairn_evaluation_progress(&e.rec, &tpl, &answered, &missing, &first);
	if (missing) {
		if (first_missing && n)
			snprintf(first_missing, n, "%s", first);
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s: %zu required answer%s missing (the first: answer.%s); "
				"answer with cairn set evaluation/%s answer.%s=...", e.ref.id, missing,
				missing == 1 ? " is" : "s are", first, e.ref.id, first);
	}
	cairn_template_done(&tpl);
	if (st == CAIRN_OK)
		st = save_step(wb, &e, NULL, keys, values, 1, res, err);
done:
	cairn_record_done(&e.rec);
	return st;
}

/* May the user validate or return this evaluation?  The validator named
 * on it, or any leader or reviewer when none is; never its evaluator. */
static cairn_status may_validate(const eval_ctx *e, const char *what, cairn_error *err)
{
	if (!strcasecmp(e->me, e->evaluator) && e->validator)
		return cairn_fail(err, CAIRN_EINPUT,
				  "evaluation/%s: only its validator (%s) may %s it, never its "
				  "evaluator", e->ref.id, e->validator, what);
	if (!strcasecmp(e->me, e->evaluator))
		return cairn_fail(err, CAIRN_EINPUT,
				  "evaluation/%s: only a leader or a reviewer may %s it, never its "
				  "evaluator", e->ref.id, what);
	if (e->validator && strcasecmp(e->me, e->validator))
		return cairn_fail(err, CAIRN_EINPUT,
				  "evaluation/%s: only its validator (%s) may %s it; you are %s (a "
				  "leader may name another: cairn set evaluation/%s validator=ID)",
				  e->ref.id, e->validator, what, e->me, e->ref.id);
	if (!e->validator && strcmp(e->role, "leader") && strcmp(e->role, "reviewer"))
		return cairn_fail(err, CAIRN_EINPUT,
				  "evaluation/%s has no validator: only a leader or a reviewer may %s "
				  "it; you are %s (%s)", e->ref.id, what, e->me, e->role);
	return CAIRN_OK;
}

cairn_status cairn_wb_validate(cairn_wb *wb, const char *name, const char *comment,
			       cairn_save_result *res, cairn_error *err)
{
	eval_ctx e;
	char fp[41], date[16], *comments = NULL;
	const char *keys[3] = { "status", "validated_answers", "comments" };
	const char *values[3] = { "validated", fp, NULL };
	cairn_status st;

	memset(res, 0, sizeof *res);
	if ((st = eval_load(wb, name, &e, err)) || (st = may_validate(&e, "validate", err)))
		goto done;
	if (strcmp(e.status, "submitted")) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s is %s: only a submitted evaluation is validated%s",
				e.ref.id, e.status, !strcmp(e.status, "validated") ? " (it already is)"
				: "; its evaluator submits it first");
		goto done;
	}
	/* What the validation saw: if the answers change before the save
	 * lands, the save's own check sends it back to submitted. */
	cairn_answers_fingerprint(&e.rec, fp);
	if (comment && *comment) {
		cairn_buf line = CAIRN_BUF_INIT;
		today_iso(wb, date, sizeof date);
		cairn_buf_printf(&line, "%s %s: %s", date, e.me, comment);
		comments = comments_plus(&e.rec, cairn_buf_str(&line));
		cairn_buf_done(&line);
		if (!comments) {
			st = cairn_oom(err);
			goto done;
		}
		values[2] = comments;
	}
	st = save_step(wb, &e, NULL, keys, values, comments ? 3 : 2, res, err);
done:
	free(comments);
	cairn_record_done(&e.rec);
	return st;
}

static cairn_status may_return(const eval_ctx *e, cairn_error *err)
{
	cairn_status st = may_validate(e, "return", err);
	if (st == CAIRN_OK && strcmp(e->status, "submitted") && strcmp(e->status, "validated"))
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s is %s: only a submitted or validated evaluation is "
				"returned", e->ref.id, e->status);
	return st;
}

cairn_status cairn_wb_may_return(cairn_wb *wb, const char *name, cairn_error *err)
{
	eval_ctx e;
	cairn_status st = eval_load(wb, name, &e, err);
	if (st == CAIRN_OK)
		st = may_return(&e, err);
	cairn_record_done(&e.rec);
	return st;
}

cairn_status cairn_wb_return(cairn_wb *wb, const char *name, const char *comment,
			     cairn_save_result *res, cairn_error *err)
{
	eval_ctx e;
	char date[16], *comments = NULL;
	const char *keys[2] = { "status", "comments" }, *values[2] = { "returned", NULL };
	cairn_buf line = CAIRN_BUF_INIT;
	cairn_status st;

	memset(res, 0, sizeof *res);
	if ((st = eval_load(wb, name, &e, err)) || (st = may_return(&e, err)))
		goto done;
	if (!comment || !*comment) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s: say what to change: a returned evaluation needs a "
				"comment for its evaluator", e.ref.id);
		goto done;
	}
	today_iso(wb, date, sizeof date);
	cairn_buf_printf(&line, "%s %s: %s", date, e.me, comment);
	if (!(comments = comments_plus(&e.rec, cairn_buf_str(&line)))) {
		st = cairn_oom(err);
		goto done;
	}
	values[1] = comments;
	st = save_step(wb, &e, NULL, keys, values, 2, res, err);
done:
	cairn_buf_done(&line);
	free(comments);
	cairn_record_done(&e.rec);
	return st;
}

cairn_status cairn_wb_mark(cairn_wb *wb, const char *name, cairn_mark what, bool on,
			   cairn_save_result *res, cairn_error *err)
{
	const char *field = what == CAIRN_MARK_GOOD_PRACTICE ? "good_practice" : "success_story";
	const char *label = what == CAIRN_MARK_GOOD_PRACTICE ? "a good practice" : "a success story";
	const char *keys[1] = { field }, *values[1] = { on ? "yes" : "" };
	eval_ctx e;
	cairn_status st;

	memset(res, 0, sizeof *res);
	if ((st = eval_load(wb, name, &e, err)))
		goto done;
	if (strcmp(e.role, "leader")) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s: only a leader marks %s; you are %s (%s)", e.ref.id,
				label, e.me, e.role);
		goto done;
	}
	if (on && strcmp(e.status, "validated")) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"evaluation/%s is %s: only a validated evaluation is marked as %s; its "
				"validator validates it first", e.ref.id, e.status, label);
		goto done;
	}
	st = save_step(wb, &e, on ? (what == CAIRN_MARK_GOOD_PRACTICE ? "marked a good practice"
								   : "marked a success story")
				  : (what == CAIRN_MARK_GOOD_PRACTICE ? "no longer a good practice"
								   : "no longer a success story"),
		       keys, values, 1, res, err);
done:
	cairn_record_done(&e.rec);
	return st;
}

/* ---- templates ---- */

cairn_status cairn_wb_template_copy(cairn_wb *wb, const char *from, const char *new_id,
				    const char *title, cairn_save_result *res, cairn_error *err)
{
	cairn_ref src = { CAIRN_KIND_TEMPLATE, "" };
	cairn_index_hit hit;
	cairn_record rec;
	const char **keys = NULL, **values = NULL;
	char *copy_title = NULL, message[2 * CAIRN_REF_ID_MAX + 64];
	size_t n = 0;
	bool found;
	cairn_status st;

	memset(res, 0, sizeof *res);
	cairn_record_init(&rec);
	if (strlen(from) >= sizeof src.id || !cairn_id_part_valid(from))
		return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a template id (cairn ls template)",
				  from);
	strcpy(src.id, from);
	if ((st = cairn_index_find(wb->idx, &src, &hit, &found, err)))
		return st;
	if (!found)
		return cairn_fail(err, CAIRN_ENOTFOUND,
				  "there is no template/%s in this workbook (cairn ls template)", from);
	if ((st = cairn_wb_read(wb, &hit, &rec, err)))
		return st;
	keys = calloc(rec.nfields + 2, sizeof *keys);
	values = calloc(rec.nfields + 2, sizeof *values);
	if (!title) {
		const char *old = cairn_record_get(&rec, "title");
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_printf(&b, "%s (copy)", old && *old ? old : from);
		title = copy_title = cairn_buf_detach(&b, NULL);
	}
	if (!keys || !values || !title) {
		st = cairn_oom(err);
		goto done;
	}
	/* The questions as they are; a new template starts at version 1. */
	for (size_t i = 0; i < rec.nfields; i++) {
		const char *k = rec.fields[i].key;
		if (!strcmp(k, "title") || !strcmp(k, "version"))
			continue;
		keys[n] = k;
		values[n++] = rec.fields[i].value;
	}
	keys[n] = "title";
	values[n++] = title;
	keys[n] = "version";
	values[n++] = "1";
	{
		cairn_edit e = { CAIRN_EDIT_ADD, { CAIRN_KIND_TEMPLATE, "" }, keys, values, n, true,
				 false };
		if (strlen(new_id) >= sizeof e.ref.id) {
			st = cairn_fail(err, CAIRN_EINPUT, "'%s' is too long for an id", new_id);
			goto done;
		}
		strcpy(e.ref.id, new_id);
		snprintf(message, sizeof message, "Copy template %s as %s", hit.ref.id, new_id);
		st = cairn_wb_save(wb, &e, 1, message, res, err);
	}
done:
	free(keys);
	free(values);
	free(copy_title);
	cairn_record_done(&rec);
	return st;
}

static bool same_value(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Does any field starting with prefix (or named exactly, prefix without
 * a dot) differ between a and b? */
static bool fields_differ(const cairn_record *a, const cairn_record *b, const char *prefix)
{
	size_t plen = strlen(prefix);
	for (int side = 0; side < 2; side++) {
		const cairn_record *x = side ? b : a, *y = side ? a : b;
		for (size_t i = 0; i < x->nfields; i++)
			if (!strncmp(x->fields[i].key, prefix, plen) &&
			    !same_value(x->fields[i].value, cairn_record_get(y, x->fields[i].key)))
				return true;
	}
	return false;
}

bool cairn_template_settle(const cairn_record *base, cairn_record *rec)
{
	const char *bv = cairn_record_get(base, "version"), *rv = cairn_record_get(rec, "version");
	long was = bv ? atol(bv) : 1, now = rv ? atol(rv) : 1;
	char v[24];

	if (!same_value(cairn_record_get(base, "questions"), cairn_record_get(rec, "questions")) ||
	    fields_differ(base, rec, "q.")) {
		if (now > was)
			return false;   /* raised by hand with the change */
		snprintf(v, sizeof v, "%ld", was + 1);
		return cairn_record_set(rec, "version", v, NULL) == CAIRN_OK;
	}
	return false;
}

/* ---- the validation reset ---- */

static int key_order(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cairn_answers_fingerprint(const cairn_record *rec, char hex[41])
{
	const char **keys = calloc(rec->nfields ? rec->nfields : 1, sizeof *keys);
	size_t n = 0;
	unsigned char digest[20];
	cairn_sha1 s;

	cairn_sha1_init(&s);
	for (size_t i = 0; keys && i < rec->nfields; i++)
		if (!strncmp(rec->fields[i].key, "answer.", 7))
			keys[n++] = rec->fields[i].key;
	if (keys) {
		qsort(keys, n, sizeof *keys, key_order);
		for (size_t i = 0; i < n; i++) {
			const char *v = cairn_record_get(rec, keys[i]);
			cairn_sha1_update(&s, keys[i], strlen(keys[i]) + 1);
			cairn_sha1_update(&s, v, strlen(v) + 1);
		}
	}
	free(keys);
	cairn_sha1_final(&s, digest);
	cairn_sha1_hex(digest, hex);
}

/* The answers that differ between seen and rec, as "answer.a, answer.b". */
static void changed_answers(const cairn_record *seen, const cairn_record *rec, cairn_buf *out)
{
	const char **keys = calloc(seen->nfields + rec->nfields + 1, sizeof *keys);
	size_t n = 0;

	if (!keys)
		return;
	for (int side = 0; side < 2; side++) {
		const cairn_record *x = side ? rec : seen, *y = side ? seen : rec;
		for (size_t i = 0; i < x->nfields; i++) {
			const char *k = x->fields[i].key;
			bool listed = false;
			if (strncmp(k, "answer.", 7) ||
			    same_value(x->fields[i].value, cairn_record_get(y, k)))
				continue;
			for (size_t j = 0; j < n; j++)
				listed = listed || !strcmp(keys[j], k);
			if (!listed)
				keys[n++] = k;
		}
	}
	qsort(keys, n, sizeof *keys, key_order);
	for (size_t i = 0; i < n; i++)
		cairn_buf_printf(out, "%s%s", i ? ", " : "", keys[i]);
	free(keys);
}

cairn_status cairn_evaluation_settle(cairn_record *rec, const cairn_record *seen,
				     const char *who, const char *when, bool *reset,
				     cairn_error *err)
{
	const char *status = cairn_record_get(rec, "status");
	const char *saw = cairn_record_get(rec, "validated_answers");
	cairn_buf line = CAIRN_BUF_INIT;
	char now[41], *comments = NULL;
	cairn_status st;

	if (reset)
		*reset = false;
	if (!saw)
		return CAIRN_OK;
	if (!status || strcmp(status, "validated")) {
		/* A fingerprint only means something on a validated evaluation. */
		cairn_record_unset(rec, "validated_answers");
		return CAIRN_OK;
	}
	cairn_answers_fingerprint(rec, now);
	if (!strcmp(now, saw))
		return CAIRN_OK;
	cairn_buf_adds(&line, "answers changed after validation: ");
	{
		size_t before = line.len;
		if (seen)
			changed_answers(seen, rec, &line);
		if (line.len == before)
			cairn_buf_adds(&line, "some answers");
	}
	if (who && *who)
		cairn_buf_printf(&line, " by %s", who);
	if (when && *when)
		cairn_buf_printf(&line, " on %s", when);
	comments = comments_plus(rec, cairn_buf_str(&line));
	cairn_buf_done(&line);
	if (!comments)
		return cairn_oom(err);
	st = cairn_record_set(rec, "comments", comments, err);
	free(comments);
	if (st == CAIRN_OK)
		st = cairn_record_set(rec, "status", "submitted", err);
	cairn_record_unset(rec, "validated_answers");
	if (st == CAIRN_OK && reset)
		*reset = true;
	return st;
}

/* Do rec's answers match the fingerprint fp? */
static bool saw_these(const cairn_record *rec, const char *fp)
{
	char hex[41];
	if (!rec)
		return false;
	cairn_answers_fingerprint(rec, hex);
	return !strcmp(hex, fp);
}

cairn_status cairn_wb_settle_merged(cairn_wb *wb, const char *path, const cairn_oid *ours,
				    const cairn_oid *theirs, const cairn_record *ro,
				    const cairn_record *rt, cairn_record *merged, cairn_error *err)
{
	const char *fp = cairn_record_get(merged, "validated_answers");
	const char *status = cairn_record_get(merged, "status");
	const cairn_record *seen;
	const cairn_oid *changer;
	cairn_buf keys = CAIRN_BUF_INIT;
	char who[256] = "", when[16] = "";
	cairn_ref ref;
	cairn_error ignore;
	cairn_status st;

	if (cairn_path_ref(path, &ref, &ignore) != CAIRN_OK || ref.kind != CAIRN_KIND_EVALUATION ||
	    !fp || !status || strcmp(status, "validated") || saw_these(merged, fp))
		return cairn_evaluation_settle(merged, NULL, NULL, NULL, NULL, err);
	/* The side whose answers the validation saw; the other changed them. */
	if (saw_these(ro, fp) || !saw_these(rt, fp)) {
		seen = ro;
		changer = theirs;
	} else {
		seen = rt;
		changer = ours;
	}
	if (seen)
		changed_answers(seen, merged, &keys);
	if (keys.len) {
		char field[CAIRN_KEY_MAX + 1];
		cairn_blame b;
		snprintf(field, sizeof field, "%.*s", (int)strcspn(cairn_buf_str(&keys), ","),
			 cairn_buf_str(&keys));
		memset(&b, 0, sizeof b);
		b.path = path;
		b.field = field;
		if (cairn_git_blame(wb->git, changer, NULL, &b, 1, &ignore) == CAIRN_OK &&
		    b.commit.hex[0]) {
			snprintf(who, sizeof who, "%s", b.name ? b.name : "");
			cairn_date_iso(cairn_date_from_days((long)(b.when / 86400)), when, sizeof when);
		}
		cairn_blame_done(&b, 1);
	}
	cairn_buf_done(&keys);
	st = cairn_evaluation_settle(merged, seen, *who ? who : "another member (by sync)",
				     when, NULL, err);
	return st;
}

/* ---- distribution ---- */

typedef struct person_load {
	char id[CAIRN_ID_MAX + 1];
	char organisation[256];
	long open;              /* evaluations to do */
	long to_validate;       /* evaluations to validate */
} person_load;

typedef struct tool_info {
	char id[CAIRN_ID_MAX + 1];
	char origin[256];
	char *excluded;         /* the field as written, or NULL */
	bool evaluated;         /* has an evaluation on the template */
} tool_info;

typedef struct dist_state {
	person_load *people;
	size_t npeople;
	tool_info *tools;
	size_t ntools;
	const char *template_id;
	char only_template[CAIRN_ID_MAX + 1];
	size_t ntemplates;
} dist_state;

static cairn_status add_person(const char *const *values, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	person_load *grown;

	if (strcmp(values[1], "key-person"))
		return CAIRN_OK;
	grown = realloc(d->people, (d->npeople + 1) * sizeof *grown);
	if (!grown)
		return cairn_oom(err);
	d->people = grown;
	memset(&grown[d->npeople], 0, sizeof *grown);
	snprintf(grown[d->npeople].id, sizeof grown->id, "%s", values[0]);
	snprintf(grown[d->npeople].organisation, sizeof grown->organisation, "%s", values[2]);
	d->npeople++;
	return CAIRN_OK;
}

static cairn_status add_tool(const cairn_ref *ref, const char *path, const char *body,
			     size_t len, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	tool_info *grown, *t;
	cairn_record rec;
	const char *v;
	cairn_status st;

	if ((st = cairn_record_parse(&rec, body, len, path, err)))
		return st;
	grown = realloc(d->tools, (d->ntools + 1) * sizeof *grown);
	if (!grown) {
		cairn_record_done(&rec);
		return cairn_oom(err);
	}
	d->tools = grown;
	t = &grown[d->ntools++];
	memset(t, 0, sizeof *t);
	snprintf(t->id, sizeof t->id, "%.64s", ref->id);
	v = cairn_record_get(&rec, "origin");
	snprintf(t->origin, sizeof t->origin, "%s", v ? v : "");
	v = cairn_record_get(&rec, "excluded");
	t->excluded = v && *v ? strdup(v) : NULL;
	cairn_record_done(&rec);
	return CAIRN_OK;
}

static person_load *person_find(dist_state *d, const char *id)
{
	for (size_t i = 0; i < d->npeople; i++)
		if (!strcasecmp(d->people[i].id, id))
			return &d->people[i];
	return NULL;
}

static cairn_status note_evaluation(const char *const *values, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	const char *tool = values[0], *evaluator = values[1], *validator = values[2];
	const char *status = values[3], *tpl = values[4];
	person_load *p;
	(void)err;

	if (!strcasecmp(tpl, d->template_id))
		for (size_t i = 0; i < d->ntools; i++)
			if (!strcasecmp(d->tools[i].id, tool))
				d->tools[i].evaluated = true;
	if ((p = person_find(d, evaluator)) && (!strcmp(status, "assigned") ||
	    !strcmp(status, "draft") || !strcmp(status, "returned")))
		p->open++;
	if (*validator && (p = person_find(d, validator)) && strcmp(status, "validated"))
		p->to_validate++;
	return CAIRN_OK;
}

static cairn_status count_template(const char *const *values, void *ctx, cairn_error *err)
{
	dist_state *d = ctx;
	(void)err;
	if (!d->ntemplates++)
		snprintf(d->only_template, sizeof d->only_template, "%s", values[0]);
	return CAIRN_OK;
}

/* Trimmed, case-blind equality of two free texts. */
static bool same_text(const char *a, const char *b)
{
	size_t la, lb;
	while (*a == ' ')
		a++;
	while (*b == ' ')
		b++;
	la = strlen(a);
	lb = strlen(b);
	while (la && a[la - 1] == ' ')
		la--;
	while (lb && b[lb - 1] == ' ')
		lb--;
	return la && la == lb && !strncasecmp(a, b, la);
}

/* The tool's `excluded` field names id (ids separated by lines, commas or
 * spaces)? */
static bool excluded(const tool_info *t, const char *id)
{
	size_t len = strlen(id);
	for (const char *p = t->excluded; p && *p;) {
		size_t n;
		p += strspn(p, " ,\n\t");
		n = strcspn(p, " ,\n\t");
		if (n == len && !strncasecmp(p, id, n))
			return true;
		p += n;
	}
	return false;
}

static bool may_evaluate(const tool_info *t, const person_load *p)
{
	return !same_text(t->origin, p->organisation) && !excluded(t, p->id);
}

static void plan_tool(dist_state *d, const tool_info *t, cairn_assignment *a)
{
	person_load *best = NULL, *checker = NULL;

	memset(a, 0, sizeof *a);
	snprintf(a->tool, sizeof a->tool, "%s", t->id);
	for (size_t i = 0; i < d->npeople; i++)
		if (may_evaluate(t, &d->people[i]) && (!best || d->people[i].open < best->open))
			best = &d->people[i];
	if (!best) {
		snprintf(a->why, sizeof a->why, "%s",
			 d->npeople ? "no key person may evaluate it (its origin is their "
				      "organisation, or it excludes them)"
				    : "there are no key persons (persons with role key-person)");
		return;
	}
	best->open++;
	snprintf(a->evaluator, sizeof a->evaluator, "%s", best->id);
	for (size_t i = 0; i < d->npeople; i++)
		if (&d->people[i] != best && may_evaluate(t, &d->people[i]) &&
		    (!checker || d->people[i].to_validate < checker->to_validate))
			checker = &d->people[i];
	if (checker) {
		checker->to_validate++;
		snprintf(a->validator, sizeof a->validator, "%s", checker->id);
	}
}

static cairn_status save_distribution(cairn_wb *wb, const cairn_distribution *out,
				      cairn_save_result *res, cairn_error *err)
{
	cairn_edit *edits = calloc(out->n ? out->n : 1, sizeof *edits);
	const char *(*kv)[6] = calloc(out->n ? out->n : 1, sizeof *kv);
	size_t n = 0;
	char message[128];
	cairn_status st = CAIRN_OK;

	if (!edits || !kv) {
		free(edits);
		free(kv);
		return cairn_oom(err);
	}
	for (size_t i = 0; i < out->n; i++) {
		const cairn_assignment *a = &out->v[i];
		cairn_edit *e = &edits[n];
		if (!*a->evaluator)
			continue;
		kv[n][0] = "template";
		kv[n][1] = "validator";
		kv[n][2] = out->template_id;
		kv[n][3] = a->validator;
		e->op = CAIRN_EDIT_ADD;
		e->ref.kind = CAIRN_KIND_EVALUATION;
		snprintf(e->ref.id, sizeof e->ref.id, "%s/%s", a->tool, a->evaluator);
		e->keys = &kv[n][0];
		e->values = &kv[n][2];
		e->n = *a->validator ? 2 : 1;
		n++;
	}
	snprintf(message, sizeof message, "Distribute %zu tool%s among the key persons", n,
		 n == 1 ? "" : "s");
	if (n)
		st = cairn_wb_save(wb, edits, n, message, res, err);
	free(edits);
	free(kv);
	return st;
}

cairn_status cairn_wb_distribute(cairn_wb *wb, const char *tpl, bool dry_run,
				 cairn_distribution *out, cairn_save_result *res, cairn_error *err)
{
	static const char *const pcols[] = { "id", "role", "organisation" };
	static const char *const ecols[] = { "tool", "evaluator", "validator", "status", "template" };
	static const char *const tcols[] = { "id" };
	dist_state d = { 0 };
	char me[CAIRN_ID_MAX + 1], role[32];
	cairn_status st;

	memset(out, 0, sizeof *out);
	memset(res, 0, sizeof *res);
	if (!dry_run) {
		if ((st = need_me(wb, me, sizeof me, role, sizeof role, err)))
			return st;
		if (strcmp(role, "leader"))
			return cairn_fail(err, CAIRN_EINPUT,
					  "only a leader distributes the tools; you are %s (%s). "
					  "--dry-run shows the plan, and anyone may add an evaluation "
					  "by hand: cairn add evaluation TOOL/PERSON template=ID", me, role);
	}
	if ((st = cairn_index_rows(wb->idx, CAIRN_KIND_TEMPLATE, tcols, 1, NULL, 0, "id", 0,
				   count_template, &d, err)))
		goto done;
	if (!tpl) {
		if (d.ntemplates != 1) {
			st = d.ntemplates
				? cairn_fail(err, CAIRN_EINPUT, "this workbook has %zu templates: name "
					     "the one to use (--template ID; cairn ls template)",
					     d.ntemplates)
				: cairn_fail(err, CAIRN_EINPUT, "this workbook has no template yet: "
					     "add one (cairn add template ID title=...)");
			goto done;
		}
		tpl = d.only_template;
	} else {
		cairn_template t;
		if ((st = cairn_wb_template(wb, tpl, &t, err)))
			goto done;
		snprintf(d.only_template, sizeof d.only_template, "%s", t.id);
		cairn_template_done(&t);
		tpl = d.only_template;
	}
	d.template_id = tpl;
	snprintf(out->template_id, sizeof out->template_id, "%s", tpl);
	if ((st = cairn_index_rows(wb->idx, CAIRN_KIND_PERSON, pcols, 3, NULL, 0, "id", 0,
				   add_person, &d, err)) ||
	    (st = cairn_index_each(wb->idx, CAIRN_KIND_TOOL, NULL, 0, add_tool, &d, err)) ||
	    (st = cairn_index_rows(wb->idx, CAIRN_KIND_EVALUATION, ecols, 5, NULL, 0, "id", 0,
				   note_evaluation, &d, err)))
		goto done;
	out->v = calloc(d.ntools ? d.ntools : 1, sizeof *out->v);
	if (!out->v) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < d.ntools; i++)
		if (!d.tools[i].evaluated)
			plan_tool(&d, &d.tools[i], &out->v[out->n++]);
	if (!dry_run)
		st = save_distribution(wb, out, res, err);
done:
	for (size_t i = 0; i < d.ntools; i++)
		free(d.tools[i].excluded);
	free(d.tools);
	free(d.people);
	return st;
}

void cairn_distribution_done(cairn_distribution *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}
