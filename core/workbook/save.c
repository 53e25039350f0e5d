/* Saving edits as one commit (see cairn_wb_save in include/cairn/workbook.h).
 *
 * Under the workbook lock: bring the index to HEAD, turn each edit into the
 * record's new text (checking every value, reference and rule), note the
 * save in the journal, commit from memory with a compare-and-swap of the
 * branch, rewrite the files, update the index and clear the journal.  When
 * the branch moved under us (a plain git commit), everything is re-read
 * and redone on the new HEAD: nobody's commit is overwritten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/merge.h"
#include "cairn/fs.h"
#include "cairn/schema.h"
#include "model/rules.h"
#include "workbook/wb_internal.h"

#define SAVE_ATTEMPTS 20

typedef struct planned {
	cairn_ref ref;                  /* canonical id */
	char path[CAIRN_PATH_MAX];
	cairn_edit_op op;
	bool exists;                    /* HEAD has the record */
	cairn_oid base_blob;
	cairn_record base;              /* what HEAD holds (empty when new) */
	cairn_record rec;               /* what the save writes */
	char *data;                     /* rec written, NULL for a removal */
	size_t len;
	bool unchanged;
	bool from_work_tree;            /* the edit is the work-tree file (cairn commit) */
} planned;

typedef struct plan {
	cairn_wb *wb;
	planned *v;
	size_t n;
	const cairn_identity *who;      /* who saves: named when a validation is undone */
	/* v by kind and id in any case (index + 1; 0 is free), so that an
	 * import of 100,000 records finds each reference at once. */
	size_t *slots;
	size_t nslots;                  /* a power of two, over twice the edits */
} plan;

static cairn_status plan_init(plan *p, cairn_wb *wb, size_t n, const cairn_identity *who,
			      cairn_error *err)
{
	memset(p, 0, sizeof *p);
	p->wb = wb;
	p->who = who;
	p->nslots = 16;
	while (p->nslots < 2 * n + 2)
		p->nslots *= 2;
	p->v = calloc(n ? n : 1, sizeof *p->v);
	p->slots = calloc(p->nslots, sizeof *p->slots);
	return p->v && p->slots ? CAIRN_OK : cairn_oom(err);
}

static void plan_free(plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		cairn_record_done(&p->v[i].base);
		cairn_record_done(&p->v[i].rec);
		free(p->v[i].data);
	}
	free(p->v);
	free(p->slots);
	p->v = NULL;
	p->slots = NULL;
	p->n = 0;
}

/* The slot of kind/id (compared as strcasecmp does, in ASCII): its own,
 * or the free one where it would go. */
static size_t *plan_slot(plan *p, cairn_kind kind, const char *id)
{
	size_t h = 2166136261u ^ (size_t)kind, i;

	for (const char *c = id; *c; c++) {
		unsigned char ch = (unsigned char)*c;
		h = (h ^ (ch >= 'A' && ch <= 'Z' ? ch + 32u : ch)) * 16777619u;
	}
	for (i = h & (p->nslots - 1); p->slots[i]; i = (i + 1) & (p->nslots - 1)) {
		const planned *q = &p->v[p->slots[i] - 1];
		if (q->ref.kind == kind && !strcasecmp(q->ref.id, id))
			break;
	}
	return &p->slots[i];
}

static planned *plan_find(plan *p, cairn_kind kind, const char *id)
{
	size_t *slot = plan_slot(p, kind, id);
	return *slot ? &p->v[*slot - 1] : NULL;
}

/* Does a record of kind with this id exist once the save is done?  Gives
 * its id as stored. */
static cairn_status ref_target(plan *p, cairn_kind kind, const char *id, bool *exists,
			       char *canonical, size_t n, cairn_error *err)
{
	planned *q = plan_find(p, kind, id);
	cairn_ref ref = { kind, "" };
	cairn_index_hit hit;
	cairn_status st;

	if (q) {
		*exists = q->op != CAIRN_EDIT_REMOVE;
		snprintf(canonical, n, "%s", q->ref.id);
		return CAIRN_OK;
	}
	if (strlen(id) >= sizeof ref.id) {
		*exists = false;
		return CAIRN_OK;
	}
	strcpy(ref.id, id);
	if ((st = cairn_index_find(p->wb->idx, &ref, &hit, exists, err)))
		return st;
	if (*exists)
		snprintf(canonical, n, "%s", hit.ref.id);
	return CAIRN_OK;
}

/* The template an evaluation names, from this save or the index. */
static cairn_status plan_template(plan *p, const char *id, cairn_template *tpl,
				  cairn_error *err)
{
	planned *q = plan_find(p, CAIRN_KIND_TEMPLATE, id);

	if (q && q->op != CAIRN_EDIT_REMOVE)
		return cairn_template_from_record(q->ref.id, &q->rec, tpl, err);
	if (q)
		return cairn_fail(err, CAIRN_EINPUT, "template/%s is removed by this same change", id);
	return cairn_wb_template(p->wb, id, tpl, err);
}

static cairn_status unknown_field(cairn_wb *wb, cairn_kind kind, const char *key,
				  cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(kind);
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_ref form = { CAIRN_KIND_FORM, "" };
	char rel[CAIRN_PATH_MAX], *full;
	struct stat sb;

	for (size_t i = 0; i < def->nfields; i++)
		cairn_buf_printf(&b, "%s%s", i ? ", " : "", def->fields[i].name);
	if (def->dynamic_prefix)
		cairn_buf_printf(&b, ", %sKEY", def->dynamic_prefix);
	/* The kind's form is in the work tree but was not read (a newer
	 * cairn's part, a field of cairn's own): its fields are not the
	 * kind's, and the member must learn why rather than guess. */
	snprintf(form.id, sizeof form.id, "%s", def->name);
	cairn_ref_path(&form, rel, sizeof rel);
	full = cairn_schema_form(kind) ? NULL : wb_path_join(wb->root, rel);
	if (full && stat(full, &sb) == 0)
		cairn_buf_printf(&b, " (form/%s is in the workbook but could not be read, so its "
				 "fields are not; `cairn check` says why)", def->name);
	free(full);
	cairn_fail(err, CAIRN_EINPUT, "%s has no field '%s'; its fields are: %s", def->name, key,
		   cairn_buf_str(&b));
	cairn_buf_done(&b);
	return CAIRN_EINPUT;
}

/* Set one field of q->rec from what the user typed. */
static cairn_status apply_field(plan *p, planned *q, const cairn_edit *e, const char *key,
				const char *value, cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(q->ref.kind);
	const cairn_field_def *f = cairn_kind_field(q->ref.kind, key);
	const char *fmt = e->stored_form ? "yyyy-mm-dd" : cairn_wb_date_format(p->wb);
	char *norm = NULL;
	cairn_status st;

	if (!*value && !e->stored_form) {
		if (f && f->required)
			return cairn_fail(err, CAIRN_EINPUT, "%s: is required and may not be empty",
					  key);
		cairn_record_unset(&q->rec, key);
		return CAIRN_OK;
	}
	if (f) {
		st = e->stored_form ? cairn_value_check(f, value, err)
				    : cairn_value_normalize(f, value, fmt, &norm, err);
		if (st != CAIRN_OK)
			return st;
	} else if (def->dynamic_prefix && !strncmp(key, def->dynamic_prefix,
						    strlen(def->dynamic_prefix))) {
		/* Answers are checked against the template once all fields are
		 * in (the template may be set by this same edit). */
	} else if (!e->stored_form) {
		return unknown_field(p->wb, q->ref.kind, key, err);
	} else if (!cairn_record_key_valid(key)) {
		return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a field name", key);
	}
	st = cairn_record_set(&q->rec, key, norm ? norm : value, err);
	free(norm);
	return st;
}

/* Answers typed by a user take their stored form from the template. */
static cairn_status normalize_answers(plan *p, planned *q, const cairn_edit *e,
				      const cairn_template *tpl, cairn_error *err)
{
	for (size_t i = 0; i < e->n; i++) {
		const cairn_question *question;
		const char *v;
		char *norm = NULL;
		cairn_status st;
		if (strncmp(e->keys[i], "answer.", 7))
			continue;
		v = cairn_record_get(&q->rec, e->keys[i]);
		if (!v)
			continue;
		question = cairn_template_question(tpl, e->keys[i] + 7);
		if (!question)
			return cairn_fail(err, CAIRN_EINPUT, "%s: template %s has no question '%s'",
					  e->keys[i], tpl->id, e->keys[i] + 7);
		st = cairn_answer_normalize(question, v, cairn_wb_date_format(p->wb), &norm, err);
		if (st == CAIRN_OK && !*norm)
			cairn_record_unset(&q->rec, e->keys[i]);
		else if (st == CAIRN_OK)
			st = cairn_record_set(&q->rec, e->keys[i], norm, err);
		free(norm);
		if (st != CAIRN_OK)
			return st;
	}
	/* What is typed now meets today's constraints, also on an evaluation
	 * begun on an older version (whose stored answers are not checked). */
	for (size_t i = 0; i < e->n; i++) {
		const cairn_question *question;
		if (strncmp(e->keys[i], "answer.", 7) ||
		    !(question = cairn_template_question(tpl, e->keys[i] + 7)))
			continue;
		if (cairn_answer_check_constraint(tpl, &q->rec, question, NULL, err) != CAIRN_OK)
			return CAIRN_EINPUT;
	}
	return CAIRN_OK;
}

/* New records get the first value of each required choice ("planned",
 * "assigned", "candidate"), and evaluations their template's version. */
static void fill_defaults(planned *q)
{
	const cairn_kind_def *def = cairn_kind_def_of(q->ref.kind);

	for (size_t i = 0; i < def->nfields; i++) {
		const cairn_field_def *f = &def->fields[i];
		if (f->type == CAIRN_F_ENUM && f->required && f->choices && f->choices[0] &&
		    !cairn_record_get(&q->rec, f->name))
			cairn_record_set(&q->rec, f->name, f->choices[0], NULL);
	}
}

static cairn_status check_references(plan *p, planned *q, cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(q->ref.kind);
	char canonical[CAIRN_REF_ID_MAX + 1];
	bool exists;
	cairn_status st;

	if (q->ref.kind == CAIRN_KIND_EVALUATION) {
		char tool[CAIRN_REF_ID_MAX + 1];
		size_t n = strcspn(q->ref.id, "/");
		memcpy(tool, q->ref.id, n);
		tool[n] = '\0';
		if ((st = ref_target(p, CAIRN_KIND_TOOL, tool, &exists, canonical, sizeof canonical,
				     err)))
			return st;
		if (!exists)
			return cairn_fail(err, CAIRN_EINPUT,
					  "evaluation/%s: there is no tool/%s: add it first "
					  "(cairn add tool %s name=... kind=...)", q->ref.id, tool, tool);
		if ((st = ref_target(p, CAIRN_KIND_PERSON, q->ref.id + n + 1, &exists, canonical,
				     sizeof canonical, err)))
			return st;
		if (!exists)
			return cairn_fail(err, CAIRN_EINPUT,
					  "evaluation/%s: there is no person/%s to evaluate it",
					  q->ref.id, q->ref.id + n + 1);
	}
	for (size_t i = 0; i < def->nfields; i++) {
		const cairn_field_def *f = &def->fields[i];
		const char *v = cairn_record_get(&q->rec, f->name);
		if (f->type != CAIRN_F_REF || !v || !*v)
			continue;
		if ((st = ref_target(p, f->ref, v, &exists, canonical, sizeof canonical, err)))
			return st;
		if (!exists)
			return cairn_fail(err, CAIRN_EINPUT,
					  "%s/%s: %s: there is no %s/%s in this workbook (cairn ls %s)",
					  def->name, q->ref.id, f->name, cairn_kind_def_of(f->ref)->name,
					  v, cairn_kind_def_of(f->ref)->name);
		if (strcmp(canonical, v) && (st = cairn_record_set(&q->rec, f->name, canonical, err)))
			return st;
	}
	if (q->ref.kind == CAIRN_KIND_EVALUATION) {
		const char *validator = cairn_record_get(&q->rec, "validator");
		const char *evaluator = strchr(q->ref.id, '/') + 1;
		if (validator && !strcasecmp(validator, evaluator))
			return cairn_fail(err, CAIRN_EINPUT,
					  "evaluation/%s: validator: the evaluator cannot validate "
					  "their own evaluation; name another person", q->ref.id);
	}
	return CAIRN_OK;
}

typedef struct referrer_ctx {
	plan *p;
	cairn_buf names;
	size_t n;
} referrer_ctx;

static cairn_status note_referrer(const cairn_ref *from, const char *field, void *ctx,
				  cairn_error *err)
{
	referrer_ctx *r = ctx;
	planned *q = plan_find(r->p, from->kind, from->id);
	char name[CAIRN_REF_ID_MAX + 32];

	if (q && q->op == CAIRN_EDIT_REMOVE)
		return CAIRN_OK;
	if (q && strcmp(field, "tool") && strcmp(field, "evaluator")) {
		/* Changed in this save: does the new version still name it? */
		const char *v = cairn_record_get(&q->rec, field);
		if (!v || strcasecmp(v, from->id) != 0)
			return CAIRN_OK;
	}
	if (r->n++ < 5) {
		cairn_ref_format(from, name, sizeof name);
		cairn_buf_printf(&r->names, "%s%s (%s)", r->n > 1 ? ", " : "", name, field);
	}
	return CAIRN_OK;
}

static cairn_status check_removal(plan *p, planned *q, cairn_error *err)
{
	referrer_ctx r = { p, CAIRN_BUF_INIT, 0 };
	cairn_status st = cairn_index_referrers(p->wb->idx, &q->ref, note_referrer, &r, err);

	if (st == CAIRN_OK && r.n)
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s/%s is still named by %zu record%s: %s%s; change or remove those "
				"first", cairn_kind_def_of(q->ref.kind)->name, q->ref.id, r.n,
				r.n == 1 ? "" : "s", cairn_buf_str(&r.names), r.n > 5 ? ", ..." : "");
	cairn_buf_done(&r.names);
	return st;
}

/* Refuse to overwrite a record file someone edited by hand and did not
 * commit: that edit would be lost. */
static cairn_status check_work_tree(plan *p, planned *q, cairn_error *err)
{
	cairn_oid blob;
	cairn_status st = wb_work_blob(p->wb, q->path, CAIRN_RECORD_MAX + 1, &blob, err);

	/* A missing file is restored, nothing is lost. */
	if (st != CAIRN_OK || !blob.hex[0] || q->from_work_tree ||
	    !strcmp(blob.hex, q->base_blob.hex))
		return st;
	if (!q->base_blob.hex[0]) {
		/* Not in the index as a record, but perhaps committed: a file
		 * that could not be read (a problem) is in git's history, so
		 * replacing it loses nothing. */
		cairn_oid head, committed;
		if (cairn_git_head(p->wb->git, &head, err) == CAIRN_OK &&
		    wb_blob_at(p->wb, &head, q->path, &committed, err) == CAIRN_OK &&
		    !strcmp(committed.hex, blob.hex))
			return CAIRN_OK;
	}
	if (q->data && q->op != CAIRN_EDIT_REMOVE) {
		cairn_oid want;
		if ((st = cairn_git_hash_blob(q->data, q->len, &want, err)))
			return st;
		if (!strcmp(want.hex, blob.hex))
			return CAIRN_OK;
	}
	return cairn_fail(err, CAIRN_ECONFLICT,
			  "%s was %s by hand and not committed; saving now would lose that edit: "
			  "run `cairn commit` to save it first, or `git checkout -- %s` to drop it",
			  q->path, q->base_blob.hex[0] ? "edited" : "created", q->path);
}

static cairn_status plan_edit(plan *p, const cairn_edit *e, cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(e->ref.kind);
	cairn_index_hit hit;
	bool found;
	planned *q;
	cairn_status st;

	if (!def)
		return cairn_fail(err, CAIRN_EINPUT, "'%s' needs a kind: write KIND/ID", e->ref.id);
	if ((st = cairn_id_check(e->ref.kind, e->ref.id, err)))
		return st;
	if (plan_find(p, e->ref.kind, e->ref.id))
		return cairn_fail(err, CAIRN_EINPUT, "%s/%s appears twice in one change", def->name,
				  e->ref.id);
	*plan_slot(p, e->ref.kind, e->ref.id) = p->n + 1;
	q = &p->v[p->n++];
	memset(q, 0, sizeof *q);
	cairn_record_init(&q->base);
	cairn_record_init(&q->rec);
	q->op = e->op;
	q->ref = e->ref;
	q->from_work_tree = e->from_work_tree;
	if ((st = cairn_index_find(p->wb->idx, &e->ref, &hit, &found, err)))
		return st;
	q->exists = found;
	if (found) {
		q->ref = hit.ref;
		q->base_blob = hit.blob;
		snprintf(q->path, sizeof q->path, "%s", hit.path);
		if ((st = wb_read_checked(p->wb, &hit, &q->base, &q->base_blob, err)))
			return st;
	} else {
		cairn_ref_path(&q->ref, q->path, sizeof q->path);
	}
	if (e->op == CAIRN_EDIT_ADD && found)
		return cairn_fail(err, CAIRN_EEXISTS, "%s/%s already exists; change it with cairn set",
				  def->name, hit.ref.id);
	if ((e->op == CAIRN_EDIT_SET || e->op == CAIRN_EDIT_REMOVE) && !found)
		return cairn_fail(err, CAIRN_ENOTFOUND,
				  "there is no %s/%s in this workbook (cairn ls %s lists them)",
				  def->name, e->ref.id, def->name);
	if (e->op == CAIRN_EDIT_REMOVE)
		return CAIRN_OK;
	if (e->op == CAIRN_EDIT_SET && (st = cairn_record_copy(&q->rec, &q->base, err)))
		return st;
	for (size_t i = 0; i < e->n; i++) {
		if ((st = apply_field(p, q, e, e->keys[i], e->values[i], err)))
			return cairn_error_prefix(err, "%s/%s", def->name, q->ref.id);
	}
	if (e->op == CAIRN_EDIT_ADD)
		fill_defaults(q);
	return CAIRN_OK;
}

/* Does the edit give this field itself? */
static bool edit_sets(const cairn_edit *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->keys[i], key))
			return true;
	return false;
}

/* Second pass, once every record of the save is known: templates,
 * references, whole-record rules, and the bytes to write. */

/* A list as this save makes it, checked as a new one is, but for the parts
 * of a choice a newer cairn wrote (c.K.colour): kept as they came (as base
 * has them), not read, and refused only when this save types them. */
cairn_status wb_list_check_kept(const char *id, const cairn_record *rec, const cairn_record *base,
				cairn_error *err)
{
	cairn_record checked;
	cairn_status st = cairn_record_copy(&checked, rec, err);

	if (st != CAIRN_OK)
		return st;
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *k = rec->fields[i].key, *part = strchr(k + 2, '.');
		const char *was = base ? cairn_record_get(base, k) : NULL;
		if (strncmp(k, "c.", 2) || !part || !was || strcmp(was, rec->fields[i].value))
			continue;
		part++;
		if (strcmp(part, "label") && strncmp(part, "label.", 6) && strcmp(part, "seats") &&
		    strcmp(part, "count"))
			cairn_record_unset(&checked, k);
	}
	st = cairn_list_check_new(id, &checked, err);
	cairn_record_done(&checked);
	return st;
}
static cairn_status finish_edit(plan *p, planned *q, const cairn_edit *e, cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(q->ref.kind);
	cairn_template tpl;
	bool have_tpl = false;
	cairn_status st = CAIRN_OK;

	if (q->op == CAIRN_EDIT_REMOVE) {
		q->unchanged = false;
		st = check_removal(p, q, err);
		if (st == CAIRN_OK && q->ref.kind == CAIRN_KIND_LIST)
			st = wb_schema_check_change(p->wb, q->ref.id, NULL, err);
		return st;
	}
	if (q->ref.kind == CAIRN_KIND_EVALUATION) {
		const char *tid = cairn_record_get(&q->rec, "template");
		if (tid && *tid) {
			if ((st = plan_template(p, tid, &tpl, err)))
				return cairn_error_prefix(err, "evaluation/%s: template", q->ref.id);
			have_tpl = true;
			if (!e->stored_form)
				st = normalize_answers(p, q, e, &tpl, err);
			if (st == CAIRN_OK && !cairn_record_get(&q->rec, "template_version")) {
				char v[16];
				snprintf(v, sizeof v, "%d", tpl.version);
				st = cairn_record_set(&q->rec, "template_version", v, err);
			}
			if (st != CAIRN_OK)
				st = cairn_error_prefix(err, "evaluation/%s", q->ref.id);
		}
	}
	/* The workflow's rules that hold for every save (core/model/rules.c): a
	 * validation holds only for the answers it saw; an assigned
	 * evaluation given answers is a draft; a template whose questions
	 * change gets a new version. */
	if (st == CAIRN_OK && q->ref.kind == CAIRN_KIND_EVALUATION) {
		char today[16];
		cairn_date_iso(cairn_wb_today(p->wb), today, sizeof today);
		st = cairn_evaluation_settle(&q->rec, q->exists ? &q->base : NULL, p->who->name,
					     today, NULL, err);
	}
	if (st == CAIRN_OK && q->ref.kind == CAIRN_KIND_EVALUATION && q->exists &&
	    q->op == CAIRN_EDIT_SET && !edit_sets(e, "status"))
		cairn_evaluation_start(&q->base, &q->rec);
	if (st == CAIRN_OK && q->ref.kind == CAIRN_KIND_TEMPLATE && q->exists)
		cairn_template_settle(&q->base, &q->rec);
	if (st == CAIRN_OK)
		st = cairn_record_validate(q->ref.kind, q->ref.id, &q->rec, have_tpl ? &tpl : NULL,
					   err);
	/* The form's rules (required, when, constraint) hold for what is
	 * saved here, not for what a load or a merge reads. */
	if (st == CAIRN_OK)
		st = cairn_record_check_form(q->ref.kind, q->ref.id, &q->rec,
					     q->exists ? &q->base : NULL, NULL, err);
	if (st == CAIRN_OK)
		st = check_references(p, q, err);
	if (st == CAIRN_OK && q->ref.kind == CAIRN_KIND_FORM)
		st = cairn_form_check_new(q->ref.id, &q->rec, err);
	if (st == CAIRN_OK && q->ref.kind == CAIRN_KIND_LIST &&
	    (st = wb_list_check_kept(q->ref.id, &q->rec, q->exists ? &q->base : NULL,
					  err)) == CAIRN_OK)
		st = wb_schema_check_change(p->wb, q->ref.id, &q->rec, err);
	if (have_tpl)
		cairn_template_done(&tpl);
	if (st != CAIRN_OK)
		return st;
	cairn_record_canonical(q->ref.kind, &q->rec);
	if ((st = cairn_record_write(&q->rec, &q->data, &q->len, err)))
		return cairn_error_prefix(err, "%s/%s", def->name, q->ref.id);
	q->unchanged = q->exists && cairn_record_equal(&q->rec, &q->base);
	return CAIRN_OK;
}

/* ---- the commit message ---- */

static void describe_record(cairn_buf *b, const planned *q, bool full_name)
{
	const cairn_kind_def *def = cairn_kind_def_of(q->ref.kind);
	const char *title = NULL;

	if (q->op == CAIRN_EDIT_REMOVE) {
		cairn_buf_printf(b, "Remove %s %s", def->name, q->ref.id);
		return;
	}
	if (!q->exists) {
		title = cairn_record_get(&q->rec, def->fields[0].name);
		cairn_buf_printf(b, "Add %s %s", def->name, q->ref.id);
		if (title && *title && q->ref.kind != CAIRN_KIND_EVALUATION) {
			cairn_buf_adds(b, ": ");
			cairn_describe_value(b, title);
		}
		return;
	}
	if (full_name)
		cairn_buf_printf(b, "%s/", def->name);
	cairn_buf_printf(b, "%s: ", q->ref.id);
	cairn_record_describe_changes(&q->base, &q->rec, b);
}

static char *make_message(const plan *p, const char *given)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t changed = 0;
	const planned *only = NULL;

	for (size_t i = 0; i < p->n; i++)
		if (!p->v[i].unchanged) {
			changed++;
			only = &p->v[i];
		}
	if (given) {
		cairn_buf_adds(&b, given);
	} else if (changed == 1) {
		describe_record(&b, only, false);
	} else {
		cairn_buf_printf(&b, "Change %zu records", changed);
	}
	if (changed > 1 || given) {
		cairn_buf_adds(&b, "\n");
		for (size_t i = 0; i < p->n; i++) {
			if (p->v[i].unchanged)
				continue;
			cairn_buf_adds(&b, "\n");
			describe_record(&b, &p->v[i], true);
		}
	}
	cairn_buf_adds(&b, "\n");
	return cairn_buf_detach(&b, NULL);
}

/* ---- committing ---- */

static int change_order(const void *a, const void *b)
{
	const cairn_git_change *x = a, *y = b;
	return strcmp(x->path, y->path);
}

/* A save that will not be committed forgets its journal entry. */
static void forget_pending(cairn_wb *wb, long long pending_id)
{
	/* The journal is a file of its own (.cairn/saving): no transaction. */
	if (pending_id)
		(void)cairn_index_pending_clear(wb->idx, pending_id, NULL);
}

/* A refusal (not a failure of the machine) is the edit's own fault. */
static cairn_status plan_lists(plan *p, size_t n, cairn_error *err)
{
	cairn_ref *refs = calloc(n, sizeof *refs);
	const cairn_record **recs = calloc(n, sizeof *recs);
	cairn_status st = refs && recs ? CAIRN_OK : cairn_oom(err);

	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		refs[i] = p->v[i].ref;
		recs[i] = p->v[i].op == CAIRN_EDIT_REMOVE ? NULL : &p->v[i].rec;
	}
	if (st == CAIRN_OK)
		st = wb_schema_provisional(p->wb, refs, recs, n, err);
	free(refs);
	free(recs);
	return st;
}

static void edit_at_fault(cairn_save_result *res, cairn_status st, size_t i)
{
	if (st == CAIRN_EINPUT || st == CAIRN_ENOTFOUND || st == CAIRN_EEXISTS)
		res->failed = i + 1;
}

static cairn_status save_once(cairn_wb *wb, const cairn_edit *edits, size_t n,
			      const char *message, const cairn_identity *who,
			      cairn_save_result *res, cairn_error *err)
{
	plan p;
	cairn_pending pend = { 0 };
	cairn_git_change *changes = NULL;
	char *msg = NULL;
	size_t nchanges = 0;
	cairn_oid head;
	long long pending_id = 0;
	cairn_status st;

	if ((st = plan_init(&p, wb, n, who, err))) {
		plan_free(&p);
		return st;
	}
	if ((st = wb_catch_up(wb, false, err)) || (st = cairn_git_head(wb->git, &head, err)))
		goto done;
	/* p.v[i] is planned from edits[i]: a refusal names that edit.  The
	 * lists come first (cairn_wb_save): the records after them are
	 * planned against the lists as the save leaves them. */
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		if ((st = plan_edit(&p, &edits[i], err)))
			edit_at_fault(res, st, i);
		else if (is_schema(edits[i].ref.kind) && i + 1 < n &&
			 !is_schema(edits[i + 1].ref.kind))
			st = plan_lists(&p, i + 1, err);
	}
	/* Who may change what (core/model/roles.c), on the changes as the
	 * user gave them: what the save's own rules settle after (a draft
	 * started, a validation undone) is not the user's change. */
	if (st == CAIRN_OK && wb_rules_on(wb)) {
		wb_rules rules;
		if ((st = wb_rules_begin(wb, who, &rules, err)) == CAIRN_OK)
			for (size_t i = 0; i < p.n && st == CAIRN_OK; i++) {
				planned *q = &p.v[i];
				if ((st = wb_rules_check(&rules, q->ref.kind, q->ref.id,
							 q->exists ? &q->base : NULL,
							 q->op == CAIRN_EDIT_REMOVE ? NULL : &q->rec,
							 err)))
					edit_at_fault(res, st, i);
			}
		wb_rules_done(&rules);
	}
	for (size_t i = 0; i < p.n && st == CAIRN_OK; i++)
		if ((st = finish_edit(&p, &p.v[i], &edits[i], err)))
			edit_at_fault(res, st, i);
	for (size_t i = 0; i < p.n && st == CAIRN_OK; i++)
		if (!p.v[i].unchanged && (st = check_work_tree(&p, &p.v[i], err)))
			edit_at_fault(res, st, i);
	if (st != CAIRN_OK)
		goto done;
	changes = calloc(p.n ? p.n : 1, sizeof *changes);
	pend.files = calloc(p.n ? p.n : 1, sizeof *pend.files);
	if (!changes || !pend.files) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < p.n; i++) {
		if (p.v[i].unchanged)
			continue;
		changes[nchanges] = (cairn_git_change){ p.v[i].path,
			p.v[i].op == CAIRN_EDIT_REMOVE ? NULL : p.v[i].data, p.v[i].len };
		pend.files[nchanges] = (cairn_pending_file){ p.v[i].path,
			p.v[i].op == CAIRN_EDIT_REMOVE ? NULL : p.v[i].data, p.v[i].len,
			p.v[i].base_blob };
		nchanges++;
	}
	res->records = nchanges;
	if (!nchanges)
		goto done;
	if (nchanges > 1)
		qsort(changes, nchanges, sizeof *changes, change_order);
	msg = make_message(&p, message);
	if (!msg) {
		st = cairn_oom(err);
		goto done;
	}
	pend.base = head;
	pend.message = msg;
	pend.author_name = who->name;
	pend.author_email = who->email;
	pend.when = (long long)time(NULL);
	pend.nfiles = nchanges;
	if ((st = cairn_index_pending_add(wb->idx, &pend, &pending_id, err)))
		goto done;
	st = wb_commit_files(wb, &head, changes, nchanges, who, pend.when, msg, pending_id,
			     &res->commit, &res->commit_ms, err);
	/* Not committed (on CAIRN_EMOVED, someone committed first and the
	 * caller redoes the save on the new HEAD): this attempt is forgotten,
	 * so that no later run commits what is reported as failed.  (A
	 * recovery keeps its journal when it fails: nobody was told.) */
	if (st != CAIRN_OK)
		forget_pending(wb, pending_id);
	if (st == CAIRN_OK) {
		res->message = msg;
		msg = NULL;
	}
done:
	wb_schema_settled(wb);
	free(msg);
	free(changes);
	free(pend.files);
	plan_free(&p);
	return st;
}

cairn_status cairn_wb_save(cairn_wb *wb, const cairn_edit *edits, size_t n,
			   const char *message, cairn_save_result *res, cairn_error *err)
{
	cairn_identity who = { 0 };
	cairn_edit *sorted;
	size_t *from;
	cairn_status st;

	memset(res, 0, sizeof *res);
	if ((st = wb_lists_first(edits, n, &sorted, &from, err)))
		return st;
	if ((st = cairn_wb_git_stopped(wb, err)) || (st = wb_lock(wb, err))) {
		free(sorted);
		free(from);
		return st;
	}
	st = wb_identity(wb, &who, err);
	for (int attempt = 0; st == CAIRN_OK && attempt < SAVE_ATTEMPTS; attempt++) {
		st = save_once(wb, sorted ? sorted : edits, n, message, &who, res, err);
		if (st != CAIRN_EMOVED)
			break;
		st = CAIRN_OK;
		memset(res, 0, sizeof *res);
		if (attempt == SAVE_ATTEMPTS - 1)
			st = cairn_fail(err, CAIRN_EBUSY,
					"the branch kept moving while saving (%d tries); try again",
					SAVE_ATTEMPTS);
	}
	if (from && res->failed)
		res->failed = from[res->failed - 1] + 1;
	free(sorted);
	free(from);
	wb_identity_done(&who);
	wb_unlock(wb);
	return st;
}

void cairn_save_result_done(cairn_save_result *res)
{
	free(res->message);
	memset(res, 0, sizeof *res);
}
