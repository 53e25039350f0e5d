/* The evaluation workflow: who may submit, return, validate and mark an
 * evaluation, who is who, and template copies (see
 * include/cairn/workflow.h).  The distribution is in distribute.c, the
 * rules every save obeys in core/model/rules.c, the settling of a merged
 * record in sync.c.  Every step is an ordinary save, so it is committed
 * with the user's identity and shared by sync like any other edit. */
#include "cairn/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/blame.h"
#include "cairn/buf.h"
#include "cairn/date.h"
#include "cairn/sha1.h"
#include "model/rules.h"
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

cairn_status wb_need_me(cairn_wb *wb, char *me, size_t n, char *role, size_t rn,
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
	return wb_need_me(wb, e->me, sizeof e->me, e->role, sizeof e->role, err);
}

static void today_iso(cairn_wb *wb, char *buf, size_t n)
{
	cairn_date_iso(cairn_wb_today(wb), buf, n);
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
	cairn_status st;

	wb->rules_step = true;
	st = cairn_wb_save(wb, &edit, 1, message, res, err);
	wb->rules_step = false;
	return st;
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
		comments = cairn_comments_plus(&e.rec, cairn_buf_str(&line));
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
	if (!(comments = cairn_comments_plus(&e.rec, cairn_buf_str(&line)))) {
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

/* ---- giving an evaluation to another evaluator ---- */

cairn_status cairn_wb_reassign_check(const cairn_ref *ref, const cairn_record *rec,
				     const char *to, cairn_error *err)
{
	const char *status = cairn_record_get(rec, "status");
	const char *validator = cairn_record_get(rec, "validator");
	const char *slash = strchr(ref->id, '/');
	const char *from = slash ? slash + 1 : ref->id;
	cairn_buf answers = CAIRN_BUF_INIT;
	const char *first = NULL;
	/* to "" or NULL: the rule before anyone is named (the terminal
	 * interface asks for a person only when the move could be made). */
	const char *who = to && *to ? to : "another evaluator";
	size_t n = 0;

	if (!to)
		to = "";
	if (ref->kind != CAIRN_KIND_EVALUATION)
		return cairn_fail(err, CAIRN_EINPUT, "only an evaluation is given to another "
				  "evaluator");
	if (!status || strcmp(status, "assigned"))
		return cairn_fail(err, CAIRN_EINPUT, "evaluation/%s is %s: only one nobody has "
				  "started yet (assigned) is given to someone else", ref->id,
				  status ? status : "without a status");
	if (*to && !strcasecmp(from, to))
		return cairn_fail(err, CAIRN_EINPUT, "evaluation/%s is already %s's", ref->id, from);
	if (*to && validator && !strcasecmp(validator, to))
		return cairn_fail(err, CAIRN_EINPUT, "%s validates this evaluation and cannot also "
				  "evaluate it", to);
	/* Answers are their evaluator's word: moving the record would sign
	 * them with another name.  They stay, and the move is refused. */
	for (size_t i = 0; i < rec->nfields; i++)
		if (!strncmp(rec->fields[i].key, "answer.", 7)) {
			cairn_buf_printf(&answers, "%s%s", n++ ? ", " : "", rec->fields[i].key);
			first = first ? first : rec->fields[i].key;
		}
	if (n) {
		cairn_fail(err, CAIRN_EINPUT, "evaluation/%s holds %zu answer%s by %s (%s): they stay "
			   "%s's and are not given to %s; clear them first (cairn set evaluation/%s "
			   "%s= ...) or add another evaluation of the tool for %s", ref->id, n,
			   n == 1 ? "" : "s", from, cairn_buf_str(&answers), from, who, ref->id,
			   first, who);
		cairn_buf_done(&answers);
		return CAIRN_EINPUT;
	}
	return CAIRN_OK;
}

cairn_status cairn_wb_reassign(cairn_wb *wb, const char *name, const char *to,
			       cairn_save_result *res, cairn_error *err)
{
	cairn_index_hit hit;
	cairn_record rec;
	cairn_ref dest = { CAIRN_KIND_EVALUATION, "" };
	const char **keys = NULL, **values = NULL;
	char message[CAIRN_REF_ID_MAX * 2 + 32];
	const char *slash;
	cairn_status st;

	memset(res, 0, sizeof *res);
	cairn_record_init(&rec);
	if ((st = cairn_wb_resolve(wb, name, &hit, err)))
		return st;
	if (hit.ref.kind == CAIRN_KIND_EVALUATION && (st = cairn_wb_read(wb, &hit, &rec, err)))
		return st;
	if ((st = cairn_wb_reassign_check(&hit.ref, &rec, to, err)))
		goto done;
	slash = strchr(hit.ref.id, '/');
	if (strlen(to) + (size_t)(slash - hit.ref.id) + 2 > sizeof dest.id) {
		st = cairn_fail(err, CAIRN_EINPUT, "'%s' is too long for a person's id", to);
		goto done;
	}
	snprintf(dest.id, sizeof dest.id, "%.*s/%s", (int)(slash - hit.ref.id), hit.ref.id, to);
	keys = calloc(rec.nfields + 1, sizeof *keys);
	values = calloc(rec.nfields + 1, sizeof *values);
	if (!keys || !values) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < rec.nfields; i++) {
		keys[i] = rec.fields[i].key;
		values[i] = rec.fields[i].value;
	}
	{
		/* One commit: the record moves, since its path names the
		 * evaluator; the new one's references are checked as any add. */
		cairn_edit e[2] = {
			{ CAIRN_EDIT_REMOVE, hit.ref, NULL, NULL, 0, false, false },
			{ CAIRN_EDIT_ADD, dest, keys, values, rec.nfields, true, false },
		};
		snprintf(message, sizeof message, "%s: given to %s", hit.ref.id, to);
		st = cairn_wb_save(wb, e, 2, message, res, err);
	}
done:
	free(keys);
	free(values);
	cairn_record_done(&rec);
	return st;
}
