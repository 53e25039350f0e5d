/* Whole records: the checks a record passes as it would be saved, its
 * canonical field order and how far an evaluation is answered (see
 * include/cairn/kinds.h).  Above kinds.c and template.c: a record is
 * checked field by field against its kind, and an evaluation's answers
 * and a template's questions against the template. */
#include "cairn/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/schema.h"
#include "cairn/template.h"

/* ---- whole records ---- */

static bool evaluation_on_version(const cairn_record *rec, const cairn_template *tpl)
{
	const char *v = cairn_record_get(rec, "template_version");
	return !v || !*v || atoi(v) == tpl->version;
}

static cairn_status validate(cairn_kind kind, const char *id, const cairn_record *rec,
			     const cairn_template *tpl, bool read, cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(kind);
	cairn_status st;

	for (size_t i = 0; i < def->nfields; i++) {
		const cairn_field_def *f = &def->fields[i];
		const char *v = cairn_record_get(rec, f->name);
		/* Read, a value of a list's field need not be listed: a list
		 * merged or committed without the choice leaves it kept, and
		 * `cairn check` flags it (cairn_record_validate). */
		if (read && f->listed && f->type == CAIRN_F_ENUM)
			continue;
		if (!v || !*v) {
			if (f->required)
				return cairn_fail(err, CAIRN_EINPUT,
						  "%s/%s: %s: is required; set it with %s=VALUE",
						  def->name, id, f->name, f->name);
			continue;
		}
		st = cairn_value_check(f, v, err);
		if (st != CAIRN_OK)
			return cairn_error_prefix(err, "%s/%s", def->name, id);
	}
	if (kind == CAIRN_KIND_TEMPLATE) {
		cairn_template t;
		st = cairn_template_from_record(id, rec, &t, err);
		if (st == CAIRN_OK)
			cairn_template_done(&t);
		return st;
	}
	if (kind == CAIRN_KIND_FORM) {
		cairn_template t;
		st = cairn_form_from_record(id, rec, &t, err);
		if (st == CAIRN_OK)
			cairn_template_done(&t);
		return st;
	}
	if (kind == CAIRN_KIND_LIST) {
		cairn_list l;
		st = cairn_list_from_record(id, rec, &l, err);
		cairn_list_done(&l);
		return st;
	}
	if (kind == CAIRN_KIND_TARGET && !read) {
		const cairn_list *groups = cairn_schema_list(CAIRN_LIST_INCLUSION);
		if (!cairn_list_choice(groups, id)) {
			cairn_buf b = CAIRN_BUF_INIT;
			for (size_t g = 0; groups && g < groups->nchoices && g < 12; g++)
				cairn_buf_printf(&b, "%s%s", g ? ", " : "", groups->choices[g].key);
			st = cairn_fail(err, CAIRN_EINPUT,
					"target/%s: a target is named after an inclusion group (%s%s); "
					"add the group to the list %s first", id,
					b.len ? cairn_buf_str(&b) : "none yet",
					groups && groups->nchoices > 12 ? ", ..." : "",
					CAIRN_LIST_INCLUSION);
			cairn_buf_done(&b);
			return st;
		}
	}
	/* Answers given on an older version of the template stay as they were
	 * given: they are checked against the version they answered, not
	 * against today's questions. */
	if (kind == CAIRN_KIND_EVALUATION && tpl && evaluation_on_version(rec, tpl)) {
		for (size_t i = 0; i < rec->nfields; i++) {
			const char *k = rec->fields[i].key;
			const cairn_question *q;
			char *norm = NULL;
			if (strncmp(k, "answer.", 7))
				continue;
			q = cairn_template_question(tpl, k + 7);
			if (!q)
				return cairn_fail(err, CAIRN_EINPUT,
						  "evaluation/%s: %s: template %s has no question '%s'",
						  id, k, tpl->id, k + 7);
			st = cairn_answer_normalize(q, rec->fields[i].value, "yyyy-mm-dd", &norm, err);
			if (st == CAIRN_OK && strcmp(norm, rec->fields[i].value) &&
			    q->type != CAIRN_Q_TEXT)
				st = cairn_fail(err, CAIRN_EINPUT,
						"%s: '%s' is not in its stored form; write '%s'", k,
						rec->fields[i].value, norm);
			free(norm);
			if (st == CAIRN_OK)
				st = cairn_answer_check_constraint(tpl, rec, q, NULL, err);
			if (st != CAIRN_OK)
				return cairn_error_prefix(err, "evaluation/%s", id);
		}
	}
	return CAIRN_OK;
}

cairn_status cairn_record_validate(cairn_kind kind, const char *id, const cairn_record *rec,
				   const cairn_template *tpl, cairn_error *err)
{
	return validate(kind, id, rec, tpl, false, err);
}

cairn_status cairn_record_validate_read(cairn_kind kind, const char *id, const cairn_record *rec,
					const cairn_template *tpl, cairn_error *err)
{
	return validate(kind, id, rec, tpl, true, err);
}

/* Whether base breaks q's rules with the value rec has: the rule was
 * broken before this save. */
static bool broken_before(const cairn_template *form, const cairn_record *rec,
			  const cairn_record *base, const bool *relb, const cairn_question *q)
{
	const char *now = cairn_record_get(rec, q->key), *was = cairn_record_get(base, q->key);
	cairn_error why;

	if (strcmp(now ? now : "", was ? was : ""))
		return false;
	return cairn_answer_check_in(form, base, "", relb, q, NULL, &why) != CAIRN_OK;
}

cairn_status cairn_record_check_form(cairn_kind kind, const char *id, const cairn_record *rec,
				     const cairn_record *base, const char *langs,
				     cairn_error *err)
{
	const cairn_template *form = cairn_schema_form(kind);
	size_t n = form ? form->nquestions : 0;
	bool *rel, *relb;
	cairn_status st = CAIRN_OK;

	if (!n)
		return CAIRN_OK;
	rel = malloc(n * sizeof *rel);
	relb = malloc(n * sizeof *relb);
	if (!rel || !relb) {
		free(rel);
		free(relb);
		return cairn_oom(err);
	}
	cairn_template_relevance_in(form, rec, "", rel);
	if (base)
		cairn_template_relevance_in(form, base, "", relb);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		const cairn_question *q = &form->questions[i];
		st = cairn_answer_check_in(form, rec, "", rel, q, langs, err);
		if (st != CAIRN_OK && base && broken_before(form, rec, base, relb, q))
			st = CAIRN_OK;
	}
	free(rel);
	free(relb);
	return st == CAIRN_OK ? st
			      : cairn_error_prefix(err, "%s/%s", cairn_kind_def_of(kind)->name, id);
}

/* A field's place is its place in the kind's field table, the one place
 * a field is declared. */
static size_t field_rank(const char *key, const void *ctx)
{
	const cairn_kind_def *def = ctx;

	for (size_t i = 0; i < def->nfields; i++)
		if (!strcmp(def->fields[i].name, key))
			return i;
	return (size_t)-1;
}

void cairn_record_canonical(cairn_kind kind, cairn_record *rec)
{
	cairn_record_sort_by(rec, field_rank, cairn_kind_def_of(kind));
}

void cairn_evaluation_progress(const cairn_record *rec, const cairn_template *tpl,
			       size_t *answered, size_t *missing_required,
			       const char **first_missing)
{
	char key[CAIRN_KEY_MAX + 16];
	bool *rel = malloc((tpl->nquestions ? tpl->nquestions : 1) * sizeof *rel);

	*answered = *missing_required = 0;
	if (first_missing)
		*first_missing = NULL;
	if (rel)
		cairn_template_relevance(tpl, rec, rel);
	/* A question its `when` skips is neither answered nor missing. */
	for (size_t i = 0; i < tpl->nquestions; i++) {
		const cairn_question *q = &tpl->questions[i];
		const char *v;
		if (rel && !rel[i])
			continue;
		snprintf(key, sizeof key, "answer.%s", q->key);
		v = cairn_record_get(rec, key);
		if (v && *v) {
			(*answered)++;
		} else if (q->required) {
			if (first_missing && !*first_missing)
				*first_missing = q->key;
			(*missing_required)++;
		}
	}
	free(rel);
}

size_t cairn_evaluation_asked(const cairn_record *rec, const cairn_template *tpl)
{
	bool *rel = malloc((tpl->nquestions ? tpl->nquestions : 1) * sizeof *rel);
	size_t n = 0;

	if (!rel)
		return tpl->nquestions;
	cairn_template_relevance(tpl, rec, rel);
	for (size_t i = 0; i < tpl->nquestions; i++)
		n += rel[i];
	free(rel);
	return n;
}
