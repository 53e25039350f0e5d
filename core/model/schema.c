/* The group's own schema: list records read, checked and made the kinds'
 * choices and fields (see include/cairn/schema.h and cairn-workbook(5)).
 * Above kinds.c: it fills kinds.c's table with the lists' choices and
 * counts, and answers every cairn_kind_def_of() with the kinds as the
 * active schema makes them. */
#include "cairn/schema.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/i18n.h"
#include "cairn/kinds.h"
#include "cairn/template.h"
#include "cairn/utf8.h"
#include "model/value.h"

/* ---- one list ---- */

static int cmp_key(const void *a, const void *b)
{
	const cairn_choice *x = a, *y = b;
	return strcmp(x->key, y->key);
}

void cairn_list_done(cairn_list *l)
{
	for (size_t i = 0; l->choices && i < l->nchoices; i++) {
		cairn_choice *c = &l->choices[i];
		free(c->key);
		free(c->label);
		free(c->count);
		for (size_t j = 0; j < c->nlabels; j++) {
			free(c->label_lang[j]);
			free(c->label_text[j]);
		}
		free(c->label_lang);
		free(c->label_text);
	}
	free(l->choices);
	free((void *)l->keys);
	free(l->id);
	free(l->title);
	memset(l, 0, sizeof *l);
}

static bool key_valid(const char *k, size_t n)
{
	if (!n || n > 64 || !isalnum((unsigned char)k[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_' && k[i] != '-')
			return false;
	return true;
}

/* The choice of key among sorted[0..n) (a copy sorted by key), or NULL. */
static cairn_choice *find_sorted(cairn_choice **sorted, size_t n, const char *key, size_t klen)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(sorted[mid]->key, key, klen);
		if (!c && sorted[mid]->key[klen])
			c = 1;
		if (!c)
			return sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_ptr_key(const void *a, const void *b)
{
	return cmp_key(*(cairn_choice *const *)a, *(cairn_choice *const *)b);
}

static cairn_status read_choices(const char *id, const char *text, cairn_list *l, bool strict,
				 cairn_error *err)
{
	size_t n = 0;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		n += len > 0;
		p += len + (p[len] == '\n');
	}
	/* A save is held to the limit; a list that came from a peer past it
	 * is still read (up to fifty times as many), so that the records
	 * that use its choices do not stop reading with it. */
	if (n > (size_t)CAIRN_LIST_MAX_CHOICES * (strict ? 1 : 50))
		return cairn_fail(err, CAIRN_EINPUT,
				  "list/%s: choices: %zu choices; a list holds at most %d", id, n,
				  CAIRN_LIST_MAX_CHOICES);
	l->choices = calloc(n ? n : 1, sizeof *l->choices);
	l->keys = calloc(n + 1, sizeof *l->keys);
	if (!l->choices || !l->keys)
		return cairn_oom(err);
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (len) {
			cairn_choice *c = &l->choices[l->nchoices];
			if (!key_valid(p, len) && !strict) {
				/* From a peer: the line is no choice, the rest stand. */
				p += len + (p[len] == '\n');
				continue;
			}
			if (!key_valid(p, len))
				return cairn_fail(err, CAIRN_EINPUT,
						  "list/%s: choices: '%.*s' is not a choice key: 1-64 "
						  "letters, digits, '_' or '-', one per line", id,
						  (int)(len > 80 ? 80 : len), p);
			if (!(c->key = strndup(p, len)))
				return cairn_oom(err);
			c->seats = -1;
			l->keys[l->nchoices++] = c->key;
		}
		p += len + (p[len] == '\n');
	}
	return CAIRN_OK;
}

static cairn_status set_part(const char *id, const char *k, cairn_choice *c, const char *part,
			     const char *v, bool strict, cairn_error *err)
{
	char **slot = NULL;

	if (!strcmp(part, "label")) {
		slot = &c->label;
	} else if (!strncmp(part, "label.", 6) && lang_valid(part + 6)) {
		char **lg = realloc(c->label_lang, (c->nlabels + 1) * sizeof *lg);
		char **tx = lg ? realloc(c->label_text, (c->nlabels + 1) * sizeof *tx) : NULL;
		if (lg)
			c->label_lang = lg;
		if (!tx)
			return cairn_oom(err);
		c->label_text = tx;
		lg[c->nlabels] = strdup(part + 6);
		tx[c->nlabels] = strdup(v);
		c->nlabels++;
		return lg[c->nlabels - 1] && tx[c->nlabels - 1] ? CAIRN_OK : cairn_oom(err);
	} else if (!strcmp(part, "seats")) {
		char *end;
		errno = 0;
		c->seats = strtol(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end || errno || c->seats > 100000)
			return cairn_fail(err, CAIRN_EINPUT,
					  "list/%s: %s: '%s' is not a number of seats (0 or more)", id,
					  k, v);
		return CAIRN_OK;
	} else if (!strcmp(part, "count")) {
		if (!key_valid(v, strlen(v)))
			return cairn_fail(err, CAIRN_EINPUT,
					  "list/%s: %s: '%s' is not a field name of a pilot", id, k, v);
		slot = &c->count;
	} else if (strict) {
		return cairn_fail(err, CAIRN_EINPUT,
				  "list/%s: %s: a choice has only label, label.LANG (such as label.fr), "
				  "seats and count", id, k);
	} else {
		/* Written by a newer cairn: kept in the record, not read. */
		return CAIRN_OK;
	}
	if (strchr(v, '\n'))
		return cairn_fail(err, CAIRN_EINPUT, "list/%s: %s: one line only", id, k);
	free(*slot);
	*slot = strdup(v);
	return *slot ? CAIRN_OK : cairn_oom(err);
}

/* What a list of id may be: "inclusion", or KIND.FIELD where FIELD is a
 * choice field the group describes, a choice field of cairn's own (*fixed:
 * it, whose keys the list may only relabel), or not a field of KIND at
 * all (the group's own choice field). */
static cairn_status id_allowed(const char *id, const cairn_field_def **fixed, cairn_error *err)
{
	const char *dot = strchr(id, '.');
	char kname[32];
	cairn_kind k;
	const cairn_field_def *f;

	*fixed = NULL;
	if (!strcmp(id, CAIRN_LIST_INCLUSION))
		return CAIRN_OK;
	if (!dot || (size_t)(dot - id) >= sizeof kname || !key_valid(dot + 1, strlen(dot + 1)))
		goto bad;
	memcpy(kname, id, (size_t)(dot - id));
	kname[dot - id] = '\0';
	if ((k = cairn_kind_by_name(kname)) == CAIRN_KIND_NONE || k == CAIRN_KIND_LIST)
		goto bad;
	f = kinds_builtin_field(k, dot + 1);
	if (!f && k == CAIRN_KIND_PILOT)
		f = cairn_kind_field(k, dot + 1);
	if (f && !f->listed && f->type == CAIRN_F_ENUM && f->choices) {
		*fixed = f;
		return CAIRN_OK;
	}
	if (f && !f->listed)
		return cairn_fail(err, CAIRN_EINPUT,
				  "list/%s: %s is a %s field of cairn's own: a list may give the "
				  "choices of a choice field (such as person.category), relabel "
				  "cairn's own (such as milestone.status), or add a choice field of "
				  "its own under another name", id, dot + 1, cairn_ftype_name(f->type));
	if (kinds_builtin_def(k)->dynamic_prefix &&
	    !strncmp(dot + 1, kinds_builtin_def(k)->dynamic_prefix,
		     strlen(kinds_builtin_def(k)->dynamic_prefix) - 1))
		goto bad;
	return CAIRN_OK;
bad:
	return cairn_fail(err, CAIRN_EINPUT,
			  "list/%s: a list is named KIND.FIELD (such as person.category or "
			  "pilot.network) or %s", id, CAIRN_LIST_INCLUSION);
}

static const cairn_list *own_list(const cairn_schema *s, const char *id);
static const cairn_schema *active_schema;

/* A list saved for a field the kind's form already adds is refused, as a
 * form's field a list adds is: no value would be both. */
static cairn_status not_form_field(const char *id, cairn_error *err)
{
	const char *dot = strchr(id, '.');
	char kname[32];
	const cairn_template *form;

	if (!dot || (size_t)(dot - id) >= sizeof kname)
		return CAIRN_OK;
	memcpy(kname, id, (size_t)(dot - id));
	kname[dot - id] = '\0';
	form = cairn_schema_form(cairn_kind_by_name(kname));
	if (form && cairn_template_question(form, dot + 1))
		return cairn_fail(err, CAIRN_EINPUT,
				  "list/%s: %s is a field of form/%s; name the list's field otherwise, "
				  "or take it out of the form first", id, dot + 1, kname);
	return CAIRN_OK;
}

/* A list of a field of cairn's own (fixed): its keys are exactly cairn's
 * (checked when it is saved), and a choice without a label of its own,
 * or with cairn's own as it is, has cairn's, translated. */
static cairn_status fixed_keys(const char *id, const cairn_field_def *fixed, cairn_list *l,
			       bool strict, cairn_error *err)
{
	const cairn_list *own = builtin_list(id);

	for (size_t i = 0; strict && i < l->nchoices; i++) {
		size_t j = 0;
		while (fixed->choices[j] && strcmp(fixed->choices[j], l->choices[i].key))
			j++;
		if (!fixed->choices[j])
			return cairn_fail(err, CAIRN_EINPUT,
					  "list/%s: choices: '%s' is not one of cairn's keys; the keys of "
					  "%s are cairn's own (a list of it may only relabel them)", id,
					  l->choices[i].key, id);
	}
	for (size_t j = 0; strict && fixed->choices[j]; j++)
		if (!cairn_list_choice(l, fixed->choices[j]))
			return cairn_fail(err, CAIRN_EINPUT,
					  "list/%s: choices: '%s' is missing; the keys of %s are cairn's "
					  "own and each stays listed (a list of it may only relabel them)",
					  id, fixed->choices[j], id);
	for (size_t i = 0; i < l->nchoices; i++) {
		cairn_choice *c = &l->choices[i];
		const cairn_choice *b = cairn_list_choice(own, c->key);
		if (strict && (c->seats >= 0 || c->count))
			return cairn_fail(err, CAIRN_EINPUT,
					  "list/%s: c.%s: a choice of cairn's own has only label and "
					  "label.LANG (such as label.fr)", id, c->key);
		if (!b || !b->label || (c->label && strcmp(c->label, b->label)))
			continue;
		if (!c->label && !(c->label = strdup(b->label)))
			return cairn_oom(err);
		c->translated = true;
	}
	return CAIRN_OK;
}

static cairn_status list_read(const char *id, const cairn_record *rec, cairn_list *out,
			     bool strict, cairn_error *err)
{
	const char *v;
	cairn_choice **sorted = NULL;
	const cairn_field_def *fixed;
	cairn_status st;

	memset(out, 0, sizeof *out);
	if ((st = id_allowed(id, &fixed, err)) || (strict && (st = not_form_field(id, err))))
		return st;
	if (!(out->id = strdup(id)))
		return cairn_oom(err);
	if ((v = cairn_record_get(rec, "title")) && *v && !(out->title = strdup(v)))
		return cairn_oom(err);
	if ((st = read_choices(id, (v = cairn_record_get(rec, "choices")) ? v : "", out, strict,
				err)))
		return st;
	if (!(sorted = malloc((out->nchoices ? out->nchoices : 1) * sizeof *sorted)))
		return cairn_oom(err);
	for (size_t i = 0; i < out->nchoices; i++)
		sorted[i] = &out->choices[i];
	qsort(sorted, out->nchoices, sizeof *sorted, cmp_ptr_key);
	/* From a peer, a choice listed twice is read once, where it first
	 * comes: its parts then go to that one. */
	for (size_t i = 0, j; !strict && i < out->nchoices; i = j + 1) {
		cairn_choice *first = sorted[i];
		for (j = i; j + 1 < out->nchoices && !strcmp(sorted[j + 1]->key, first->key); j++)
			if (sorted[j + 1] < first)
				first = sorted[j + 1];
		for (size_t k = i; j > i && k <= j; k++)
			if (sorted[k] != first) {
				free(sorted[k]->key);
				sorted[k]->key = NULL;
			}
	}
	if (!strict) {
		size_t w = 0;
		for (size_t i = 0; i < out->nchoices; i++)
			if (out->choices[i].key) {
				out->choices[w] = out->choices[i];
				out->keys[w] = out->choices[w].key;
				w++;
			}
		out->keys[w] = NULL;
		out->nchoices = w;
		for (size_t i = 0; i < w; i++)
			sorted[i] = &out->choices[i];
		qsort(sorted, w, sizeof *sorted, cmp_ptr_key);
	}
	for (size_t i = 1; strict && i < out->nchoices; i++)
		if (!strcmp(sorted[i]->key, sorted[i - 1]->key)) {
			st = cairn_fail(err, CAIRN_EINPUT,
					"list/%s: choices: '%s' is listed twice; list each choice once",
					id, sorted[i]->key);
			goto done;
		}
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *k = rec->fields[i].key, *dot;
		cairn_choice *c;
		if (strncmp(k, "c.", 2))
			continue;
		if (!(dot = strchr(k + 2, '.'))) {
			st = cairn_fail(err, CAIRN_EINPUT,
					"list/%s: %s: write c.CHOICE.label, c.CHOICE.seats or "
					"c.CHOICE.count", id, k);
			goto done;
		}
		/* The parts of a choice no longer listed stay as they were
		 * written (a schema change drops no value), and are not read;
		 * listed again, the choice has them back. */
		c = find_sorted(sorted, out->nchoices, k + 2, (size_t)(dot - k - 2));
		if (!c)
			continue;
		if ((st = set_part(id, k, c, dot + 1, rec->fields[i].value, strict, err)))
			goto done;
	}
	/* An inclusion group is counted on a field of its own: not on a
	 * pilot's city or its participants, and not on a list's field. */
	for (size_t i = 0; strict && st == CAIRN_OK && !strcmp(id, CAIRN_LIST_INCLUSION) &&
	     i < out->nchoices; i++) {
		const char *count = cairn_choice_count(&out->choices[i]);
		const cairn_field_def *f = kinds_builtin_field(CAIRN_KIND_PILOT, count);
		const cairn_template *form = cairn_schema_form(CAIRN_KIND_PILOT);
		char lid[CAIRN_KEY_MAX];
		if (f)
			st = cairn_fail(err, CAIRN_EINPUT,
					"list/%s: %s: %s is a pilot field of cairn's own (%s); a group "
					"is counted on a field of its own: set c.%s.count=NAME", id,
					out->choices[i].key, count, cairn_ftype_name(f->type),
					out->choices[i].key);
		/* Nor on a field of the pilots' form or of a list of the
		 * group's own: no value would be both. */
		snprintf(lid, sizeof lid, "pilot.%s", count);
		if (!f && ((form && cairn_template_question(form, count)) ||
			   own_list(active_schema, lid)))
			st = cairn_fail(err, CAIRN_EINPUT,
					"list/%s: %s: %s is a field of %s/%s; a group is counted on a "
					"field of its own: set c.%s.count=NAME", id,
					out->choices[i].key, count, form && cairn_template_question(form, count)
					? "form" : "list", form && cairn_template_question(form, count)
					? "pilot" : lid, out->choices[i].key);
	}
	if (strict && st == CAIRN_OK && !out->nchoices)
		st = cairn_fail(err, CAIRN_EINPUT,
				"list/%s: choices: a list needs at least one choice, one key per line",
				id);
	if (st == CAIRN_OK && fixed)
		st = fixed_keys(id, fixed, out, strict, err);
done:
	free(sorted);
	return st;
}

cairn_status cairn_list_from_record(const char *id, const cairn_record *rec, cairn_list *out,
				    cairn_error *err)
{
	return list_read(id, rec, out, false, err);
}

cairn_status cairn_list_check_new(const char *id, const cairn_record *rec, cairn_error *err)
{
	cairn_list l;
	cairn_status st = list_read(id, rec, &l, true, err);
	cairn_list_done(&l);
	return st;
}

const cairn_choice *cairn_list_choice(const cairn_list *l, const char *key)
{
	for (size_t i = 0; l && i < l->nchoices; i++)
		if (!strcmp(l->choices[i].key, key))
			return &l->choices[i];
	return NULL;
}

const char *cairn_choice_label(const cairn_choice *c, const char *langs)
{
	/* Each tag of langs in turn: the same tag, then the same language
	 * ("fr-be" takes "fr"), as a template's labels are picked. */
	for (const char *t = langs ? langs : ""; *t;) {
		size_t len = strcspn(t, ":"), primary = strcspn(t, "-:");
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < c->nlabels; i++) {
				size_t n = pass ? primary : len;
				const char *lg = c->label_lang[i];
				if (strncmp(lg, t, n))
					continue;
				if (!lg[n] || (pass && lg[n] == '-'))
					return c->label_text[i];
			}
		t += len;
		if (*t == ':')
			t++;
	}
	if (c->label && *c->label)
		return c->translated ? _(c->label) : c->label;
	return c->key;
}

const char *cairn_field_value_label(const cairn_field_def *f, const char *value,
				    const char *langs)
{
	const cairn_choice *c;

	if (!f || !value || f->type != CAIRN_F_ENUM || !f->list)
		return value;
	c = cairn_list_choice(f->list, value);
	/* A peer's list of cairn's own field that lost a key: cairn's label. */
	if (!c && !f->listed && !f->list->builtin)
		c = cairn_list_choice(builtin_list(f->list->id), value);
	return c ? cairn_choice_label(c, langs) : value;
}

/* A letter's small form, for the letters a label is most often typed in
 * (ASCII and Latin-1's accented capitals: "À venir" is "à venir"). */
static uint32_t fold(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
		return cp + 0x20;
	return cp;
}

/* a and b the same text but for the case of their letters. */
static bool same_label(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	while (na && nb) {
		uint32_t x, y;
		size_t la = cairn_utf8_next((const unsigned char *)a, na, &x);
		size_t lb = cairn_utf8_next((const unsigned char *)b, nb, &y);
		if (!la || !lb)
			return false;
		if (fold(x) != fold(y))
			return false;
		a += la, na -= la;
		b += lb, nb -= lb;
	}
	return !na && !nb;
}

const char *cairn_field_choice_of(const cairn_field_def *f, const char *text)
{
	const cairn_list *l = f ? f->list : NULL;

	for (size_t i = 0; l && i < l->nchoices; i++)
		if (!strcasecmp(text, l->choices[i].key))
			return l->choices[i].key;
	/* A label in any language names the same choice: the key is stored. */
	for (size_t i = 0; l && i < l->nchoices; i++) {
		const cairn_choice *c = &l->choices[i];
		if (c->label && *c->label &&
		    (same_label(text, c->label) || (c->translated && same_label(text, _(c->label)))))
			return c->key;
		for (size_t j = 0; j < c->nlabels; j++)
			if (*c->label_text[j] && same_label(text, c->label_text[j]))
				return c->key;
	}
	/* A group's list of cairn's own field: cairn's labels still name
	 * its choices (the keys are the same). */
	if (l && !f->listed && !l->builtin && builtin_list(l->id) && builtin_list(l->id) != l) {
		cairn_field_def own = *f;
		own.list = builtin_list(l->id);
		return cairn_field_choice_of(&own, text);
	}
	return NULL;
}

const char *cairn_choice_count(const cairn_choice *c)
{
	return c->count && *c->count ? c->count : c->key;
}

/* ---- the schema ---- */

struct cairn_schema {
	cairn_list *lists;
	size_t nlists;
	cairn_template forms[CAIRN_KIND_COUNT];        /* a kind's extra fields */
	cairn_kind *form_refs[CAIRN_KIND_COUNT];       /* per question: a reference's kind */
	bool has_form[CAIRN_KIND_COUNT];
	cairn_kind_def kinds[CAIRN_KIND_COUNT];
	cairn_field_def *fields[CAIRN_KIND_COUNT];
};

static const cairn_list *own_list(const cairn_schema *s, const char *id)
{
	for (size_t i = 0; s && i < s->nlists; i++)
		if (!strcmp(s->lists[i].id, id))
			return &s->lists[i];
	return NULL;
}

/* The workbook's list of id, else cairn's own. */
static const cairn_list *list_of(const cairn_schema *s, const char *id)
{
	const cairn_list *l = own_list(s, id);
	return l ? l : builtin_list(id);
}

static const char *list_kind_field(const cairn_list *l, cairn_kind k)
{
	const char *name = kinds_builtin_def(k)->name, *dot = strchr(l->id, '.');
	size_t n = strlen(name);
	return dot && (size_t)(dot - l->id) == n && !strncmp(l->id, name, n) ? dot + 1 : NULL;
}

/* The kind of value a question's answer is, as a field: how it merges,
 * is edited and exported (its check is the question's). */
static cairn_ftype form_ftype(cairn_qtype t)
{
	switch (t) {
	case CAIRN_Q_LONGTEXT:
	case CAIRN_Q_MULTIPLE:
		return CAIRN_F_LONGTEXT;
	case CAIRN_Q_YESNO:
		return CAIRN_F_YESNO;
	case CAIRN_Q_SINGLE:
		return CAIRN_F_ENUM;
	case CAIRN_Q_PERCENT:
		return CAIRN_F_PERCENT;
	case CAIRN_Q_DATE:
		return CAIRN_F_DATE;
	default:
		return CAIRN_F_TEXT;
	}
}

/* Each kind's fields as the lists make them: a listed field takes its
 * list's choices, a list of a field of the group's own is a choice field
 * more, and each inclusion group's count is a count of every pilot, in
 * the list's order after participants (where a record has them). */
static cairn_status build_kinds(cairn_schema *s, cairn_error *err)
{
	const cairn_list *incl = list_of(s, CAIRN_LIST_INCLUSION);
	size_t nincl = incl ? incl->nchoices : 0;

	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_kind_def *b = kinds_builtin_def((cairn_kind)k);
		size_t cap = b->nfields + s->nlists + (k == CAIRN_KIND_PILOT ? nincl : 0) +
			     (s->has_form[k] ? s->forms[k].nquestions : 0), n = 0;
		cairn_field_def *f = calloc(cap ? cap : 1, sizeof *f);
		if (!f)
			return cairn_oom(err);
		for (size_t i = 0; i < b->nfields; i++) {
			char id[CAIRN_KEY_MAX];
			const cairn_list *l = NULL;
			f[n] = b->fields[i];
			snprintf(id, sizeof id, "%s.%s", b->name, f[n].name);
			if (f[n].type == CAIRN_F_ENUM && (l = list_of(s, id)))
				f[n].list = l;
			if (f[n].listed && l)
				f[n].choices = l->keys;
			n++;
			if (k != CAIRN_KIND_PILOT || strcmp(b->fields[i].name, "participants"))
				continue;
			for (size_t g = 0; g < nincl; g++) {
				const char *count = cairn_choice_count(&incl->choices[g]);
				bool have = !!kinds_builtin_field((cairn_kind)k, count);
				for (size_t j = 0; j < n && !have; j++)
					have = !strcmp(f[j].name, count);
				if (!have)
					f[n++] = (cairn_field_def){ count,
						cairn_choice_label(&incl->choices[g], NULL), CAIRN_F_COUNT,
						NULL, CAIRN_KIND_NONE, false, false, false, NULL, NULL };
			}
		}
		for (size_t i = 0; i < s->nlists; i++) {
			const char *name = list_kind_field(&s->lists[i], (cairn_kind)k);
			bool have = false;
			for (size_t j = 0; name && j < n && !have; j++)
				have = !strcmp(f[j].name, name);
			if (!name || have)
				continue;
			f[n++] = (cairn_field_def){ name, s->lists[i].title ? s->lists[i].title : name,
						    CAIRN_F_ENUM, s->lists[i].keys, CAIRN_KIND_NONE,
						    false, false, true, NULL, &s->lists[i] };
		}
		for (size_t i = 0; s->has_form[k] && i < s->forms[k].nquestions; i++) {
			const cairn_question *q = &s->forms[k].questions[i];
			bool have = false;
			for (size_t j = 0; j < n && !have; j++)
				have = !strcmp(f[j].name, q->key);
			cairn_kind ref = s->form_refs[k] ? s->form_refs[k][i] : CAIRN_KIND_NONE;
			if (have)
				continue;
			/* A reference is checked as cairn's own are: its shape, and
			 * that the record it names exists when it is saved. */
			if (ref != CAIRN_KIND_NONE)
				f[n++] = (cairn_field_def){ q->key, q->prompt ? q->prompt : q->key,
					CAIRN_F_REF, NULL, ref, false, false, false, NULL, NULL };
			else
				f[n++] = (cairn_field_def){ q->key, q->prompt ? q->prompt : q->key,
					form_ftype(q->type),
					q->type == CAIRN_Q_SINGLE ? (const char *const *)q->choices : NULL,
					CAIRN_KIND_NONE, false, false, false, q, NULL };
		}
		free(s->fields[k]);
		s->fields[k] = f;
		s->kinds[k].fields = f;
		s->kinds[k].nfields = n;
	}
	return CAIRN_OK;
}

cairn_schema *cairn_schema_new(void)
{
	cairn_schema *s = calloc(1, sizeof *s);
	cairn_error err;

	if (!s)
		return NULL;
	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		s->kinds[k] = *kinds_builtin_def((cairn_kind)k);
	if (build_kinds(s, &err) != CAIRN_OK) {
		cairn_schema_free(s);
		return NULL;
	}
	return s;
}

void cairn_schema_free(cairn_schema *s)
{
	if (!s)
		return;
	if (active_schema == s)
		active_schema = NULL;
	for (size_t i = 0; i < s->nlists; i++)
		cairn_list_done(&s->lists[i]);
	free(s->lists);
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		free(s->fields[k]);
		free(s->form_refs[k]);
		if (s->has_form[k])
			cairn_template_done(&s->forms[k]);
	}
	free(s);
}

static cairn_status form_read(const char *id, const cairn_record *rec, cairn_template *out,
			      cairn_kind **refs, bool strict, cairn_error *err);

static cairn_status add_form(cairn_schema *s, const char *id, const cairn_record *rec,
			     cairn_error *err)
{
	cairn_template t;
	cairn_kind *refs = NULL;
	cairn_status st = form_read(id, rec, &t, &refs, false, err);
	cairn_kind k = cairn_kind_by_name(id);

	if (st != CAIRN_OK)
		return st;
	if (s->has_form[k])
		cairn_template_done(&s->forms[k]);
	free(s->form_refs[k]);
	s->form_refs[k] = refs;
	s->forms[k] = t;
	s->has_form[k] = true;
	return build_kinds(s, err);
}

cairn_status cairn_schema_add(cairn_schema *s, cairn_kind kind, const char *id,
			      const cairn_record *rec, cairn_error *err)
{
	cairn_list l, *grown;
	cairn_status st;

	if (kind == CAIRN_KIND_FORM)
		return add_form(s, id, rec, err);
	st = cairn_list_from_record(id, rec, &l, err);

	if (st != CAIRN_OK) {
		cairn_list_done(&l);
		return st;
	}
	for (size_t i = 0; i < s->nlists; i++)
		if (!strcmp(s->lists[i].id, l.id)) {
			cairn_list_done(&s->lists[i]);
			s->lists[i] = l;
			return build_kinds(s, err);
		}
	if (!(grown = realloc(s->lists, (s->nlists + 1) * sizeof *grown))) {
		cairn_list_done(&l);
		return cairn_oom(err);
	}
	s->lists = grown;
	s->lists[s->nlists++] = l;
	return build_kinds(s, err);
}

void cairn_schema_use(const cairn_schema *s)
{
	active_schema = s;
}

/* The schema of no lists of the workbook's own, made once: the kinds as
 * cairn's built-in lists make them, before any workbook is open. */
static const cairn_schema *builtin_schema(void)
{
	static cairn_schema *s;
	static bool tried;

	if (!tried) {
		tried = true;
		s = cairn_schema_new();
	}
	return s;
}

const cairn_kind_def *cairn_kind_def_of(cairn_kind kind)
{
	const cairn_schema *s = active_schema ? active_schema : builtin_schema();

	if (kind < 0 || kind >= CAIRN_KIND_COUNT)
		return NULL;
	/* Out of memory at the first call: cairn's table, with no choices. */
	return s ? &s->kinds[kind] : kinds_builtin_def(kind);
}

const cairn_field_def *cairn_kind_field(cairn_kind kind, const char *name)
{
	const cairn_kind_def *def = cairn_kind_def_of(kind);
	if (!def)
		return NULL;
	for (size_t i = 0; i < def->nfields; i++)
		if (!strcmp(def->fields[i].name, name))
			return &def->fields[i];
	return NULL;
}

const cairn_template *cairn_schema_form(cairn_kind kind)
{
	const cairn_schema *s = active_schema;
	return s && kind >= 0 && kind < CAIRN_KIND_COUNT && s->has_form[kind] ? &s->forms[kind]
									    : NULL;
}

size_t cairn_schema_own_lists(void)
{
	return active_schema ? active_schema->nlists : 0;
}

const cairn_list *cairn_schema_list(const char *id)
{
	return list_of(active_schema, id);
}

const cairn_list *cairn_schema_list_in(const cairn_schema *s, const char *id)
{
	return list_of(s, id);
}

const cairn_list *cairn_schema_builtin_list(const char *id)
{
	return builtin_list(id);
}

/* ---- a kind's form: the group's own typed fields ---- */

/* The template's words for a form's: "template/pilot: ..." reads
 * "form/pilot: ...", an answer's "answer.budget: ..." reads "budget: ...". */
static cairn_status reword(cairn_status st, const char *from, const char *to, cairn_error *err)
{
	size_t n = strlen(from), m = strlen(to);

	if (st != CAIRN_OK && !strncmp(err->msg, from, n) && m <= n) {
		memmove(err->msg + m, err->msg + n, strlen(err->msg + n) + 1);
		memcpy(err->msg, to, m);
	}
	return st;
}

/* rec with each reference (q.K.type: reference, q.K.kind: KIND) made a
 * text question the template reader takes, into *copy; (*kinds)[i]: the
 * kind question i of out refers to, once out is read (ref_kinds). */
static cairn_status strip_references(const char *id, const cairn_record *rec, cairn_record *copy,
				     cairn_error *err)
{
	cairn_status st = cairn_record_copy(copy, rec, err);

	for (size_t i = 0; st == CAIRN_OK && i < rec->nfields; i++) {
		const char *k = rec->fields[i].key;
		size_t len = strlen(k);
		char kind_key[CAIRN_KEY_MAX + 8];
		const char *kind;
		if (strncmp(k, "q.", 2) || len < 7 || strcmp(k + len - 5, ".type") ||
		    strcmp(rec->fields[i].value, "reference"))
			continue;
		snprintf(kind_key, sizeof kind_key, "%.*s.kind", (int)(len - 5), k);
		kind = cairn_record_get(rec, kind_key);
		if (!kind || cairn_kind_by_name(kind) == CAIRN_KIND_NONE ||
		    cairn_kind_by_name(kind) == CAIRN_KIND_LIST || cairn_kind_by_name(kind) == CAIRN_KIND_FORM)
			return cairn_fail(err, CAIRN_EINPUT,
					  "form/%s: %s: a reference names the kind of record it refers "
					  "to: %s=person, tool, pilot, ...", id, kind_key, kind_key);
		st = cairn_record_set(copy, k, "text", err);
		cairn_record_unset(copy, kind_key);
	}
	return st;
}

static cairn_status ref_kinds(const cairn_record *rec, const cairn_template *t, cairn_kind **out,
			      cairn_error *err)
{
	*out = calloc(t->nquestions ? t->nquestions : 1, sizeof **out);
	if (!*out)
		return cairn_oom(err);
	for (size_t i = 0; i < t->nquestions; i++) {
		char key[CAIRN_KEY_MAX + 16];
		const char *v;
		snprintf(key, sizeof key, "q.%s.type", t->questions[i].key);
		v = cairn_record_get(rec, key);
		(*out)[i] = CAIRN_KIND_NONE;
		if (v && !strcmp(v, "reference")) {
			snprintf(key, sizeof key, "q.%s.kind", t->questions[i].key);
			(*out)[i] = cairn_kind_by_name(cairn_record_get(rec, key));
		}
	}
	return CAIRN_OK;
}

static cairn_status form_read(const char *id, const cairn_record *rec, cairn_template *out,
			      cairn_kind **refs, bool strict, cairn_error *err)
{
	cairn_kind k = cairn_kind_by_name(id);
	cairn_record plain;
	cairn_status st;
	char *at;

	memset(out, 0, sizeof *out);
	if (refs)
		*refs = NULL;
	if (k == CAIRN_KIND_NONE || strcmp(kinds_builtin_def(k)->name, id) ||
	    k == CAIRN_KIND_LIST || k == CAIRN_KIND_FORM || k == CAIRN_KIND_TEMPLATE)
		return cairn_fail(err, CAIRN_EINPUT,
				  "form/%s: a form is named after the kind whose fields it adds: "
				  "person, target, tool, milestone, task, pilot or evaluation", id);
	cairn_record_init(&plain);
	st = strip_references(id, rec, &plain, err);
	if (st == CAIRN_OK)
		st = reword(cairn_template_from_record_of(id, &plain, kinds_builtin_def(k), out, err),
			    "template/", "form/", err);
	/* "${x} is not a question of this template": of this form. */
	if (st != CAIRN_OK && (at = strstr(err->msg, " of this template"))) {
		memmove(at + 13, at + 17, strlen(at + 17) + 1);
		memcpy(at + 9, "form", 4);
	}
	cairn_record_done(&plain);
	if (st == CAIRN_OK && refs)
		st = ref_kinds(rec, out, refs, err);
	/* Read, a form (a peer's, by plain git) naming one of cairn's own
	 * fields is not read either: its rules would hold cairn's field. */
	for (size_t i = 0; st == CAIRN_OK && i < out->nquestions; i++) {
		const char *key = out->questions[i].key;
		const cairn_field_def *f = strict ? cairn_kind_field(k, key)
						  : kinds_builtin_field(k, key);
		const char *dyn = kinds_builtin_def(k)->dynamic_prefix;
		const cairn_template *own = cairn_schema_form(k);
		/* A reference of the form itself is a field without a question. */
		if (f && !f->question &&
		    !(strict && f->type == CAIRN_F_REF && own && cairn_template_question(own, key)))
			st = cairn_fail(err, CAIRN_EINPUT,
					"form/%s: %s: %s already has a field %s (%s); name the group's "
					"own field otherwise", id, key, id, key, cairn_ftype_name(f->type));
		else if (dyn && !strncmp(key, dyn, strlen(dyn) - 1))
			st = cairn_fail(err, CAIRN_EINPUT, "form/%s: %s: %s* fields are cairn's own",
					id, key, dyn);
	}
	if (st != CAIRN_OK) {
		cairn_template_done(out);
		if (refs) {
			free(*refs);
			*refs = NULL;
		}
	}
	return st;
}

cairn_status cairn_form_from_record(const char *id, const cairn_record *rec, cairn_template *out,
				    cairn_error *err)
{
	return form_read(id, rec, out, NULL, false, err);
}

cairn_status cairn_form_check_new(const char *id, const cairn_record *rec, cairn_error *err)
{
	cairn_template t;
	cairn_status st = form_read(id, rec, &t, NULL, true, err);
	if (st == CAIRN_OK)
		cairn_template_done(&t);
	return st;
}

/* "status: 'fini' is not one of: prévu (planned), ...": each of cairn's
 * choices by its label (gettext's, or the group's default one), and its
 * key when the label is another word. */
static cairn_status refused_choice(const cairn_field_def *f, const char *typed, cairn_error *err)
{
	cairn_buf b = CAIRN_BUF_INIT;

	for (size_t i = 0; f->choices[i]; i++) {
		const char *label = cairn_field_value_label(f, f->choices[i], NULL);
		cairn_buf_printf(&b, "%s%s", i ? ", " : "", label);
		if (strcmp(label, f->choices[i]))
			cairn_buf_printf(&b, " (%s)", f->choices[i]);
	}
	cairn_fail(err, CAIRN_EINPUT, _("%s: '%s' is not one of: %s"), f->name, typed,
		   cairn_buf_str(&b));
	cairn_buf_done(&b);
	return CAIRN_EINPUT;
}

cairn_status cairn_value_normalize(const cairn_field_def *f, const char *input,
				   const char *date_fmt, char **out, cairn_error *err)
{
	if (!f->question && f->type == CAIRN_F_ENUM && f->list && input) {
		/* A choice typed by its label, in any language, as a template's
		 * choices are: its key is stored. */
		char *t = strdup(input), *end;
		const char *key;
		cairn_status st;
		if (!t)
			return cairn_oom(err);
		for (end = t + strlen(t); end > t && isspace((unsigned char)end[-1]); end--)
			*--end = '\0';
		key = cairn_field_choice_of(f, t + strspn(t, " \t"));
		st = value_normalize_plain(f, key ? key : input, date_fmt, out, err);
		/* cairn's own choices refused: by the labels one may type too. */
		if (st == CAIRN_EINPUT && !key && !f->listed && f->choices && t[strspn(t, " \t")])
			st = refused_choice(f, t + strspn(t, " \t"), err);
		free(t);
		return st;
	}
	if (!f->question)
		return value_normalize_plain(f, input, date_fmt, out, err);
	*out = NULL;
	return reword(cairn_answer_normalize(f->question, input, date_fmt, out, err), "answer.", "",
		      err);
}

cairn_status cairn_value_check(const cairn_field_def *f, const char *value, cairn_error *err)
{
	char *norm = NULL;
	cairn_status st;

	if (!f->question)
		return value_check_plain(f, value, err);
	st = cairn_value_normalize(f, value, "yyyy-mm-dd", &norm, err);
	if (st == CAIRN_OK && strcmp(norm, value) && f->question->type != CAIRN_Q_TEXT)
		st = cairn_fail(err, CAIRN_EINPUT, "%s: '%s' is not in its stored form; write '%s'",
				f->name, value, norm);
	free(norm);
	return st;
}
