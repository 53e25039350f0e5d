/* The rules at the save (include/cairn/roles.h): who the user is, as the
 * person whose e-mail matches [user] email, and whether a workbook whose
 * cairn.ini says `[rules] mode = enforced` lets them make each change of
 * a save.  Asked by save.c for every record before anything is written,
 * and by resolve.c for a conflict's field; the refusal names who may and
 * what to do instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/buf.h"
#include "cairn/roles.h"
#include "workbook/wb_internal.h"

bool wb_rules_on(const cairn_wb *wb)
{
	return wb->settings.rules_enforced;
}

cairn_status wb_rules_begin(cairn_wb *wb, const cairn_identity *who, wb_rules *r,
			    cairn_error *err)
{
	static const char *const cols[] = { "id", "role", "email" };
	cairn_status st;

	memset(r, 0, sizeof *r);
	r->on = wb_rules_on(wb);
	r->step = wb->rules_step;
	if (!r->on)
		return CAIRN_OK;
	if ((st = cairn_ruleset_parse(wb->settings.rule_lines, &r->local, err)))
		return cairn_error_prefix(err, "%s", "the workbook's own rules cannot be read (mend "
					  "cairn.ini with an editor and git commit)");
	snprintf(r->email, sizeof r->email, "%s", who && who->email ? who->email : "");
	if ((st = wb_table_load(wb, &r->persons, CAIRN_KIND_PERSON, cols, 3, err)))
		return st;
	for (size_t i = 0; *r->email && i < r->persons.nrows; i++) {
		char **row = &r->persons.cells[i * 3];
		if (strcasecmp(row[2], r->email))
			continue;
		snprintf(r->me, sizeof r->me, "%s", row[0]);
		snprintf(r->role, sizeof r->role, "%s", row[1]);
		break;
	}
	return CAIRN_OK;
}

void wb_rules_done(wb_rules *r)
{
	wb_table_done(&r->persons);
	cairn_ruleset_done(&r->local);
}

/* "anna, bob" (the first few leaders), or "none yet". */
static void leaders(const wb_rules *r, cairn_buf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < r->persons.nrows && n < 4; i++)
		if (!strcmp(r->persons.cells[i * 3 + 1], "leader"))
			cairn_buf_printf(b, "%s%s", n++ ? ", " : "", r->persons.cells[i * 3]);
	if (!n)
		cairn_buf_adds(b, "none yet");
}

static cairn_status same_email(const wb_rules *r, const char *id, const cairn_record *base,
			       const cairn_record *rec, cairn_error *err)
{
	const char *mail = cairn_record_get(rec, "email");

	if (!mail || !*mail || (base && !strcasecmp(mail, cairn_record_get(base, "email") ?
						    cairn_record_get(base, "email") : "")))
		return CAIRN_OK;
	for (size_t i = 0; i < r->persons.nrows; i++) {
		char **row = &r->persons.cells[i * 3];
		if (strcasecmp(row[0], id) && !strcasecmp(row[2], mail))
			return cairn_fail(err, CAIRN_EINPUT,
					  "person/%s: email: %s is person/%s's e-mail, and an e-mail "
					  "says who is who: one e-mail names one person (give "
					  "person/%s an e-mail of its own)", id, mail, row[0], id);
	}
	return CAIRN_OK;
}

/* audit: said of a commit's author in `cairn log`, not to the user. */
static cairn_status refuse(const wb_rules *r, cairn_kind kind, const char *id,
			   const cairn_rule *rule, const char *field, bool audit, cairn_error *err)
{
	const char *kname = cairn_kind_def_of(kind)->name;
	bool whole = field[0] == '+' || field[0] == '-';
	cairn_buf who = CAIRN_BUF_INIT, lead = CAIRN_BUF_INIT;
	cairn_status st;

	leaders(r, &lead);
	if (audit) {
		if (*r->me)
			cairn_rule_describe(rule, &who);
		st = *r->me ? cairn_fail(err, CAIRN_EINPUT, "%s/%s: %s%sonly %s may %s; %s is %s (%s)",
					 kname, id, whole ? "" : field, whole ? "" : ": ",
					 cairn_buf_str(&who), field[0] == '+' ? "add it"
					 : field[0] == '-' ? "remove it" : "change it", r->email,
					 r->me, *r->role ? r->role : "no role")
			    : cairn_fail(err, CAIRN_EINPUT, "%s/%s: %s is no person of the workbook, "
					 "whose rules let only its members change it", kname, id,
					 *r->email ? r->email : "an author without an e-mail");
	} else if (!*r->me) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s/%s: this workbook's rules let only its members change it, and "
				"your e-mail (%s, [user] email) matches no person: you may read it; "
				"ask a leader (%s) to add you (cairn add person/ID name=... email=%s "
				"category=... role=key-person)", kname, id, *r->email ? r->email : "unset",
				cairn_buf_str(&lead), *r->email ? r->email : "YOUR-EMAIL");
	} else {
		cairn_rule_describe(rule, &who);
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s/%s: %s%sonly %s may %s; you are %s (%s): %s (leaders: %s)",
				kname, id, whole ? "" : field, whole ? "" : ": ", cairn_buf_str(&who),
				field[0] == '+' ? "add it" : field[0] == '-' ? "remove it" : "change it",
				r->me, *r->role ? r->role : "no role", rule->instead,
				cairn_buf_str(&lead));
	}
	cairn_buf_done(&who);
	cairn_buf_done(&lead);
	return st;
}

cairn_status wb_rules_check(const wb_rules *r, cairn_kind kind, const char *id,
			    const cairn_record *base, const cairn_record *rec, cairn_error *err)
{
	const char *field = NULL;
	cairn_actor a = { r->me, r->role, &r->local };
	const cairn_rule *rule;
	cairn_status st;

	if (!r->on)
		return CAIRN_OK;
	if (kind == CAIRN_KIND_PERSON && rec && (st = same_email(r, id, base, rec, err)))
		return st;
	if (!(rule = cairn_rules_first_refusal(&a, kind, id, base, rec, r->step, &field)))
		return CAIRN_OK;
	return refuse(r, kind, id, rule, field, false, err);
}

cairn_status wb_rules_check_field(const wb_rules *r, cairn_kind kind, const char *id,
				  const cairn_record *base, const char *field, cairn_error *err)
{
	cairn_actor a = { r->me, r->role, &r->local };
	const cairn_rule *rule = cairn_rule_for(&r->local, kind, field);

	if (!r->on || cairn_rule_allows(rule, &a, kind, id, base, r->step))
		return CAIRN_OK;
	return refuse(r, kind, id, rule, field, false, err);
}

typedef struct audit_ctx {
	const wb_rules *r;
	cairn_kind kind;
	const char *id;
	wb_audit_fn fn;
	void *ctx;
	cairn_status st;
	cairn_error *err;
} audit_ctx;

static bool audit_one(const cairn_rule *rule, const char *field, void *ctx)
{
	audit_ctx *a = ctx;
	cairn_error why;

	refuse(a->r, a->kind, a->id, rule, field, true, &why);
	a->st = a->fn(why.msg, a->ctx, a->err);
	/* One who is no person is told once, not for each field. */
	return a->st == CAIRN_OK && *a->r->me;
}

cairn_status wb_rules_audit(const wb_rules *r, cairn_kind kind, const char *id,
			    const cairn_record *before, const cairn_record *after,
			    wb_audit_fn fn, void *ctx, cairn_error *err)
{
	cairn_actor a = { r->me, r->role, &r->local };
	audit_ctx c = { r, kind, id, fn, ctx, CAIRN_OK, err };
	cairn_error why;

	if (kind == CAIRN_KIND_PERSON && after && *r->me &&
	    same_email(r, id, before, after, &why) != CAIRN_OK &&
	    (c.st = fn(why.msg, ctx, err)) != CAIRN_OK)
		return c.st;
	cairn_rules_each_refusal_after(&a, kind, id, before, after, audit_one, &c);
	return c.st;
}

cairn_status cairn_wb_field_permits(cairn_wb *wb, cairn_kind kind, const char *id,
				    const cairn_record *rec, const char *const *fields, size_t n,
				    cairn_field_permit *out, cairn_error *err)
{
	cairn_identity who = { 0 };
	wb_rules r;
	cairn_status st;

	for (size_t i = 0; i < n; i++) {
		out[i].may = true;
		out[i].who[0] = '\0';
	}
	if (!wb_rules_on(wb))
		return CAIRN_OK;
	if ((st = wb_identity(wb, &who, err)) == CAIRN_OK &&
	    (st = wb_rules_begin(wb, &who, &r, err)) == CAIRN_OK) {
		cairn_actor a = { r.me, r.role, &r.local };
		for (size_t i = 0; i < n; i++) {
			const cairn_rule *rule = cairn_rule_for(&r.local, kind, fields[i]);
			cairn_buf b = CAIRN_BUF_INIT;
			if (cairn_rule_allows(rule, &a, kind, id, rec, r.step))
				continue;
			out[i].may = false;
			cairn_rule_describe(rule, &b);
			snprintf(out[i].who, sizeof out[i].who, "%s", cairn_buf_str(&b));
			cairn_buf_done(&b);
		}
		wb_rules_done(&r);
	}
	wb_identity_done(&who);
	return st;
}

cairn_status cairn_wb_check_field(cairn_wb *wb, cairn_kind kind, const char *id,
				  const cairn_record *rec, const char *field, cairn_error *err)
{
	cairn_identity who = { 0 };
	wb_rules r;
	cairn_status st;

	if (!wb_rules_on(wb))
		return CAIRN_OK;
	if ((st = wb_identity(wb, &who, err)) == CAIRN_OK &&
	    (st = wb_rules_begin(wb, &who, &r, err)) == CAIRN_OK) {
		st = wb_rules_check_field(&r, kind, id, rec, field, err);
		wb_rules_done(&r);
	}
	wb_identity_done(&who);
	return st;
}
