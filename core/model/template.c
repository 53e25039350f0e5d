/* Templates, their questions and the answers they take, with the labels
 * of each question in other languages (see include/cairn/template.h).
 * One home for a template and its labels: reading a template reads its
 * labels too, so the two live in one file rather than calling each other
 * across two.  Above kinds.c: an answer is checked as a field value is.
 *
 * Labels per language: a template written in one language can carry the
 * same question in others: q.KEY.prompt.fr, q.KEY.help.fr, q.KEY.choices.fr
 * (one label per line, in the order of q.KEY.choices).  The choice keys stay
 * what answers store, so members reading the form in different languages
 * fill in the same evaluation and merge it field by field.  See
 * cairn-workbook(5). */
#include "cairn/template.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"
#include "cairn/kinds.h"
#include "model/value.h"

/* A label tag: a language of 2 or 3 letters, perhaps "-" and a region or
 * variant ("fr", "pt-br", "sr-latn"); record keys are lower case. */
bool lang_valid(const char *t)
{
	size_t n = 0;

	while (t[n] >= 'a' && t[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return false;
	if (!t[n])
		return true;
	if (t[n] != '-')
		return false;
	t += n + 1;
	n = 0;
	while ((t[n] >= 'a' && t[n] <= 'z') || (t[n] >= '0' && t[n] <= '9'))
		n++;
	return n >= 2 && n <= 8 && !t[n];
}

/* Lines of text as a new array of new strings (NULL on failure). */
static char **lines_of(const char *text, size_t *n)
{
	size_t count = 1, i = 0;
	char **v;

	for (const char *p = text; *p; p++)
		count += *p == '\n';
	if (!(v = calloc(count, sizeof *v)))
		return NULL;
	for (const char *p = text;; i++) {
		size_t len = strcspn(p, "\n");
		if (!(v[i] = strndup(p, len))) {
			while (i)
				free(v[--i]);
			free(v);
			return NULL;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	*n = count;
	return v;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void cairn_qlabels_free(cairn_question *q)
{
	for (size_t i = 0; i < q->nlabels; i++) {
		cairn_qlabels *l = &q->labels[i];
		free(l->lang);
		free(l->prompt);
		free(l->help);
		free(l->constraint_message);
		free_strings(l->choices, q->nchoices);
	}
	free(q->labels);
	q->labels = NULL;
	q->nlabels = 0;
}

/* The question's labels in lang, added when missing; NULL: no memory. */
static cairn_qlabels *labels_for(cairn_question *q, const char *lang)
{
	cairn_qlabels *grown;

	for (size_t i = 0; i < q->nlabels; i++)
		if (!strcmp(q->labels[i].lang, lang))
			return &q->labels[i];
	if (!(grown = realloc(q->labels, (q->nlabels + 1) * sizeof *grown)))
		return NULL;
	q->labels = grown;
	memset(&grown[q->nlabels], 0, sizeof *grown);
	if (!(grown[q->nlabels].lang = strdup(lang)))
		return NULL;
	return &q->labels[q->nlabels++];
}

static cairn_status read_choices(const char *tid, const char *k, cairn_question *q,
				 cairn_qlabels *l, const char *v, cairn_error *err)
{
	size_t n = 0;
	char **v_lines;

	if (!q->nchoices)
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: %s: only single and multiple choice questions have "
				  "choices", tid, k);
	if (!(v_lines = lines_of(v, &n)))
		return cairn_oom(err);
	if (n != q->nchoices) {
		free_strings(v_lines, n);
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: %s: %zu labels for %zu choices: give one label per "
				  "line, in the order of q.%s.choices", tid, k, n, q->nchoices, q->key);
	}
	for (size_t i = 0; i <= n; i++) {
		cairn_status st = CAIRN_OK;
		size_t again;
		if (i < n && !*v_lines[i])
			st = cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: label %zu is empty",
					tid, k, i + 1);
		else if (i == n && (again = choice_twice(v_lines, n)) != (size_t)-1)
			st = again == (size_t)-2 ? cairn_oom(err)
			     : cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: '%s' is listed twice",
					  tid, k, v_lines[again]);
		if (st != CAIRN_OK) {
			free_strings(v_lines, n);
			return st;
		}
	}
	free_strings(l->choices, q->nchoices);
	l->choices = v_lines;
	return CAIRN_OK;
}

/* Read every q.KEY.PART.LANG field of rec into the questions of tpl
 * (already read), checking each: PART is prompt, help, choices or
 * constraint-message, LANG a
 * tag such as fr or pt-br, KEY a listed question, and a choices label list
 * has one line per choice.  Called by cairn_template_from_record below. */
static cairn_status cairn_qlabels_read(const char *tid, const cairn_record *rec,
				       cairn_template *tpl, cairn_error *err)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *k = rec->fields[i].key, *v = rec->fields[i].value;
		const char *part, *lang;
		char qkey[CAIRN_KEY_MAX + 1];
		cairn_question *q = NULL;
		cairn_qlabels *l;
		size_t qlen, plen;
		char **slot;

		if (strncmp(k, "q.", 2))
			continue;
		qlen = strcspn(k + 2, ".");
		part = k + 2 + qlen;
		if (!*part || !(lang = strchr(part + 1, '.')))
			continue;       /* q.KEY.PART: not a label */
		part++;
		lang++;
		plen = (size_t)(lang - 1 - part);
		if (!((plen == 6 && !strncmp(part, "prompt", 6)) ||
		      (plen == 4 && !strncmp(part, "help", 4)) ||
		      (plen == 7 && !strncmp(part, "choices", 7)) ||
		      (plen == 18 && !strncmp(part, "constraint-message", 18))))
			return cairn_fail(err, CAIRN_EINPUT,
					  "template/%s: %s: only prompt, help, choices and "
					  "constraint-message have labels per language (q.KEY.prompt.fr)",
					  tid, k);
		if (!lang_valid(lang))
			return cairn_fail(err, CAIRN_EINPUT,
					  "template/%s: %s: '%s' is not a language tag: write it as "
					  "fr, de or pt-br", tid, k, lang);
		if (qlen < sizeof qkey) {
			memcpy(qkey, k + 2, qlen);
			qkey[qlen] = '\0';
			q = (cairn_question *)cairn_template_question(tpl, qkey);
		}
		if (!q)
			return cairn_fail(err, CAIRN_EINPUT,
					  "template/%s: %s: question '%.*s' is not listed in questions; "
					  "add it there or remove this field", tid, k, (int)qlen, k + 2);
		if (!(l = labels_for(q, lang)))
			return cairn_oom(err);
		if (plen == 7 && *part == 'c') {
			cairn_status st = read_choices(tid, k, q, l, v, err);
			if (st != CAIRN_OK)
				return st;
			continue;
		}
		slot = *part == 'p' ? &l->prompt : *part == 'h' ? &l->help : &l->constraint_message;
		free(*slot);
		if (!(*slot = strdup(v)))
			return cairn_oom(err);
	}
	return CAIRN_OK;
}

/* ---- choosing a language ---- */

/* The labels for the reader's best language that has `has`; pass 0 takes
 * the same tag, pass 1 the same language ("fr-be" reads "fr"). */
static const cairn_qlabels *best(const cairn_question *q, const char *langs,
				 bool (*has)(const cairn_qlabels *, const cairn_question *))
{
	if (!langs)
		return NULL;
	for (const char *t = langs; *t;) {
		size_t len = strcspn(t, ":"), primary = strcspn(t, "-:");
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < q->nlabels; i++) {
				const cairn_qlabels *l = &q->labels[i];
				size_t n = pass ? primary : len;
				if (!has(l, q) || strncmp(l->lang, t, n))
					continue;
				if (!l->lang[n] || (pass && l->lang[n] == '-'))
					return l;
			}
		t += len;
		if (*t == ':')
			t++;
	}
	return NULL;
}

static bool has_prompt(const cairn_qlabels *l, const cairn_question *q)
{
	(void)q;
	return l->prompt != NULL;
}

static bool has_help(const cairn_qlabels *l, const cairn_question *q)
{
	(void)q;
	return l->help != NULL;
}

static bool has_constraint_message(const cairn_qlabels *l, const cairn_question *q)
{
	(void)q;
	return l->constraint_message != NULL;
}

static bool has_choices(const cairn_qlabels *l, const cairn_question *q)
{
	(void)q;
	return l->choices != NULL;
}

const char *cairn_question_prompt(const cairn_question *q, const char *langs)
{
	const cairn_qlabels *l = best(q, langs, has_prompt);
	return l ? l->prompt : q->prompt ? q->prompt : q->key;
}

const char *cairn_question_help(const cairn_question *q, const char *langs)
{
	const cairn_qlabels *l = best(q, langs, has_help);
	return l ? l->help : q->help ? q->help : "";
}

const char *cairn_question_constraint_message(const cairn_question *q, const char *langs)
{
	const cairn_qlabels *l = best(q, langs, has_constraint_message);
	return l ? l->constraint_message : q->constraint_message ? q->constraint_message : "";
}

const char *cairn_question_choice(const cairn_question *q, size_t i, const char *langs)
{
	const cairn_qlabels *l;

	if (i >= q->nchoices)
		return "";
	l = best(q, langs, has_choices);
	return l ? l->choices[i] : q->choices[i];
}

char *cairn_answer_shown(const cairn_question *q, const char *stored, const char *langs)
{
	cairn_buf b = CAIRN_BUF_INIT;

	if (!*stored || !q->nchoices || !best(q, langs, has_choices))
		return strdup(stored);
	for (const char *p = stored;;) {
		size_t len = strcspn(p, "\n"), i;
		for (i = 0; i < q->nchoices; i++)
			if (strlen(q->choices[i]) == len && !strncmp(q->choices[i], p, len))
				break;
		if (b.len)
			cairn_buf_adds(&b, "\n");
		if (i < q->nchoices)
			cairn_buf_adds(&b, cairn_question_choice(q, i, langs));
		else
			cairn_buf_add(&b, p, len);      /* not a key (an old answer): as stored */
		if (!p[len])
			break;
		p += len + 1;
	}
	return cairn_buf_detach(&b, NULL);
}

/* ---- templates and answers ---- */

static const struct {
	const char *name, *label;
} qtype_table[] = {
#define CAIRN_QTYPE_ROW(id, name, label) { name, label },
	CAIRN_QTYPE_LIST(CAIRN_QTYPE_ROW)
#undef CAIRN_QTYPE_ROW
};

const char *cairn_qtype_name(cairn_qtype t)
{
	return (unsigned)t < CAIRN_Q_COUNT ? qtype_table[t].name : "?";
}

const char *cairn_qtype_label(cairn_qtype t)
{
	return (unsigned)t < CAIRN_Q_COUNT ? qtype_table[t].label : "?";
}

static bool qtype_by_name(const char *name, cairn_qtype *out)
{
	for (int t = 0; t < CAIRN_Q_COUNT; t++)
		if (!strcmp(name, qtype_table[t].name)) {
			*out = (cairn_qtype)t;
			return true;
		}
	return false;
}

/* Split text into lines (a new array of new strings). */
static char **split_lines(const char *text, size_t *n)
{
	char **lines = NULL;
	size_t count = 0;
	const char *p = text;

	*n = 0;
	if (!*text)
		return NULL;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char **grown = realloc(lines, (count + 1) * sizeof *lines);
		if (!grown)
			goto oom;
		lines = grown;
		lines[count] = malloc(len + 1);
		if (!lines[count])
			goto oom;
		memcpy(lines[count], p, len);
		lines[count][len] = '\0';
		count++;
		if (!nl)
			break;
		p = nl + 1;
	}
	*n = count;
	return lines;
oom:
	for (size_t i = 0; i < count; i++)
		free(lines[i]);
	free(lines);
	return NULL;
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void cairn_template_done(cairn_template *tpl)
{
	for (size_t i = 0; i < tpl->nquestions; i++) {
		cairn_question *q = &tpl->questions[i];
		free(q->key);
		free(q->prompt);
		free(q->help);
		free(q->when);
		free(q->constraint);
		free(q->constraint_message);
		cairn_expr_free(q->when_expr);
		cairn_expr_free(q->constraint_expr);
		cairn_qlabels_free(q);
		free_lines(q->choices, q->nchoices);
	}
	free(tpl->questions);
	free(tpl->id);
	free(tpl->title);
	memset(tpl, 0, sizeof *tpl);
}

static const char *qfield(const cairn_record *rec, const char *key, const char *what,
			  char *name, size_t n)
{
	snprintf(name, n, "q.%s.%s", key, what);
	return cairn_record_get(rec, name);
}

static cairn_status question_from_record(const char *tid, const cairn_record *rec,
					 const char *key, cairn_question *q, cairn_error *err)
{
	char name[CAIRN_KEY_MAX + 32];
	const char *v;

	if (!cairn_record_key_valid(key) || strchr(key, '.'))
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: questions: '%s' is not a question key: use lower-case "
				  "letters, digits, '_' or '-'", tid, key);
	q->key = strdup(key);
	v = qfield(rec, key, "prompt", name, sizeof name);
	if (!v || !*v)
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: every question needs a prompt",
				  tid, name);
	q->prompt = strdup(v);
	v = qfield(rec, key, "help", name, sizeof name);
	q->help = strdup(v ? v : "");
	v = qfield(rec, key, "type", name, sizeof name);
	if (!v || !qtype_by_name(v, &q->type))
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: %s: '%s' is not a question type; use one of: text, "
				  "longtext, yesno, single, multiple, scale, number, percent, date",
				  tid, name, v ? v : "");
	v = qfield(rec, key, "required", name, sizeof name);
	if (v && strcmp(v, "yes") && strcmp(v, "no"))
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: write yes or no", tid, name);
	q->required = v && !strcmp(v, "yes");
	v = qfield(rec, key, "choices", name, sizeof name);
	if (q->type == CAIRN_Q_SINGLE || q->type == CAIRN_Q_MULTIPLE) {
		if (!v || !*v)
			return cairn_fail(err, CAIRN_EINPUT,
					  "template/%s: %s: a %s question needs choices, one per line",
					  tid, name, cairn_qtype_label(q->type));
		q->choices = split_lines(v, &q->nchoices);
		for (size_t i = 0; i < q->nchoices; i++)
			if (!*q->choices[i])
				return cairn_fail(err, CAIRN_EINPUT,
						  "template/%s: %s: choice %zu is empty", tid, name,
						  i + 1);
		size_t again = choice_twice(q->choices, q->nchoices);
		if (again == (size_t)-2)
			return cairn_oom(err);
		if (again != (size_t)-1)
			return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: '%s' is listed twice",
					  tid, name, q->choices[again]);
	} else if (v) {
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: %s: only single and multiple choice questions have "
				  "choices", tid, name);
	}
	v = qfield(rec, key, "min", name, sizeof name);
	if (v && !(q->has_min = parse_decimal(v, &q->min)))
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: '%s' is not a number", tid,
				  name, v);
	v = qfield(rec, key, "max", name, sizeof name);
	if (v && !(q->has_max = parse_decimal(v, &q->max)))
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: '%s' is not a number", tid,
				  name, v);
	if ((q->has_min || q->has_max) && q->type != CAIRN_Q_NUMBER)
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: q.%s: only number questions have min and max", tid, key);
	if (q->has_min && q->has_max && q->min > q->max)
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: q.%s: min is above max", tid, key);
	if ((v = qfield(rec, key, "when", name, sizeof name)) && *v &&
	    (!(q->when = strdup(v)) ||
	     cairn_expr_parse(v, &q->when_expr, NULL, err) != CAIRN_OK))
		return q->when ? cairn_error_prefix(err, "template/%s: %s", tid, name) : cairn_oom(err);
	if ((v = qfield(rec, key, "constraint", name, sizeof name)) && *v &&
	    (!(q->constraint = strdup(v)) ||
	     cairn_expr_parse(v, &q->constraint_expr, NULL, err) != CAIRN_OK))
		return q->constraint ? cairn_error_prefix(err, "template/%s: %s", tid, name)
				     : cairn_oom(err);
	if ((v = qfield(rec, key, "constraint-message", name, sizeof name)) &&
	    !(q->constraint_message = strdup(v)))
		return cairn_oom(err);
	if (q->when_expr && cairn_expr_reads_self(q->when_expr))
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: q.%s.when: '.' is the answer being checked, which "
				  "only a constraint reads; name an earlier question as ${key}", tid, key);
	if (q->constraint_message && !q->constraint)
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: q.%s.constraint-message: there is no q.%s.constraint "
				  "for it to explain", tid, key, key);
	if (!q->key || !q->prompt || !q->help)
		return cairn_oom(err);
	return CAIRN_OK;
}

static const char *const question_parts[] = {
	"prompt", "type", "choices", "required", "help", "min", "max", "when", "constraint",
	"constraint-message", NULL };

/* selected(q, 'choice') names a choice of q as answers store it: a typo
 * ('webinars') would be selected by no evaluation. */
static cairn_status check_selected(const cairn_template *tpl, size_t i, const cairn_expr *e,
				   const char *part, cairn_error *err)
{
	static const char *const yesno[] = { "yes", "no" };
	const char *qkey, *choice;

	for (size_t s = 0; e && cairn_expr_selected(e, s, &qkey, &choice); s++) {
		const cairn_question *q = qkey ? cairn_template_question(tpl, qkey) : &tpl->questions[i];
		bool yn = q && q->type == CAIRN_Q_YESNO;
		const char *const *ch = yn ? yesno : q ? (const char *const *)q->choices : NULL;
		size_t n = yn ? 2 : q ? q->nchoices : 0, c = 0;
		cairn_buf list = CAIRN_BUF_INIT;
		while (c < n && strcmp(ch[c], choice))
			c++;
		if (!q || c < n)
			continue;
		for (c = 0; c < n && c < 12; c++)
			cairn_buf_printf(&list, "%s%s", c ? ", " : "", ch[c]);
		cairn_fail(err, CAIRN_EINPUT, "template/%s: q.%s.%s: '%s' is not a choice of %s (%s%s)",
			   tpl->id, tpl->questions[i].key, part, choice, q->key,
			   n ? cairn_buf_str(&list) : "it has no choices", n > 12 ? ", ..." : "");
		cairn_buf_done(&list);
		return CAIRN_EINPUT;
	}
	return CAIRN_OK;
}

/* The questions an expression of question i reads must come before it
 * (a constraint may also read its own answer): the form asks in order,
 * and relevance is then worked out in one pass without cycles. */
static cairn_status check_refs(const cairn_template *tpl, size_t i, const cairn_expr *e,
			       const char *part, const cairn_kind_def *own, cairn_error *err)
{
	const char *key = tpl->questions[i].key;
	const char *text = *part == 'w' ? tpl->questions[i].when : tpl->questions[i].constraint;

	for (size_t r = 0; e && r < cairn_expr_nrefs(e); r++) {
		const char *ref = cairn_expr_ref(e, r), *at;
		char needle[CAIRN_KEY_MAX + 4];
		size_t j, chars = 1;
		for (j = 0; j < tpl->nquestions; j++)
			if (!strcmp(tpl->questions[j].key, ref))
				break;
		if (j < tpl->nquestions && j <= i && !(j == i && *part == 'w'))
			continue;
		/* A form's record has cairn's fields before the form's. */
		for (size_t f = 0; j == tpl->nquestions && own && f < own->nfields; f++)
			if (!strcmp(own->fields[f].name, ref))
				j = tpl->nquestions + 1;
		if (j > tpl->nquestions)
			continue;
		/* Where it is, in characters as the parser counts them. */
		snprintf(needle, sizeof needle, "${%s}", ref);
		for (at = text ? strstr(text, needle) : NULL; at && text < at; text++)
			chars += ((unsigned char)*text & 0xC0) != 0x80;
		if (j == tpl->nquestions)
			return cairn_fail(err, CAIRN_EINPUT,
					  "template/%s: q.%s.%s: at character %zu: ${%s} is not a "
					  "question of this template", tpl->id, key, part, chars, ref);
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: q.%s.%s: at character %zu: ${%s} comes %s this "
				  "question: an expression reads the answers before it; move '%s' "
				  "up in questions", tpl->id, key, part, chars, ref,
				  j == i ? "at" : "after", ref);
	}
	return check_selected(tpl, i, e, part, err);
}

cairn_status cairn_template_from_record(const char *id, const cairn_record *rec,
					cairn_template *tpl, cairn_error *err)
{
	return cairn_template_from_record_of(id, rec, NULL, tpl, err);
}

cairn_status cairn_template_from_record_of(const char *id, const cairn_record *rec,
					   const cairn_kind_def *own, cairn_template *tpl,
					   cairn_error *err)
{
	const char *v;
	char **keys;
	size_t nkeys;
	cairn_status st = CAIRN_OK;

	memset(tpl, 0, sizeof *tpl);
	tpl->id = strdup(id);
	v = cairn_record_get(rec, "title");
	tpl->title = strdup(v ? v : "");
	v = cairn_record_get(rec, "version");
	tpl->version = v ? atoi(v) : 1;
	if (!tpl->id || !tpl->title) {
		cairn_template_done(tpl);
		return cairn_oom(err);
	}
	v = cairn_record_get(rec, "questions");
	keys = split_lines(v ? v : "", &nkeys);
	if (nkeys) {
		tpl->questions = calloc(nkeys, sizeof *tpl->questions);
		if (!tpl->questions) {
			free_lines(keys, nkeys);
			cairn_template_done(tpl);
			return cairn_oom(err);
		}
	}
	for (size_t i = 0; i < nkeys && st == CAIRN_OK; i++) {
		for (size_t j = 0; j < i; j++)
			if (!strcmp(keys[i], keys[j]))
				st = cairn_fail(err, CAIRN_EINPUT,
						"template/%s: questions: '%s' is listed twice", id,
						keys[i]);
		if (st == CAIRN_OK) {
			tpl->nquestions++;
			st = question_from_record(id, rec, keys[i], &tpl->questions[i], err);
		}
	}
	/* Every q.K.part must belong to a listed question and be a known part;
	 * q.K.part.LANG is a label in another language (cairn_qlabels_read above). */
	for (size_t i = 0; i < rec->nfields && st == CAIRN_OK; i++) {
		const char *k = rec->fields[i].key, *dot;
		char qkey[CAIRN_KEY_MAX + 1];
		size_t p;
		if (strncmp(k, "q.", 2))
			continue;
		dot = strchr(k + 2, '.');
		if (dot && strchr(dot + 1, '.'))
			continue;
		if (!dot || (size_t)(dot - (k + 2)) >= sizeof qkey) {
			st = cairn_fail(err, CAIRN_EINPUT,
					"template/%s: %s: a question field is q.KEY.PART", id, k);
			break;
		}
		memcpy(qkey, k + 2, (size_t)(dot - (k + 2)));
		qkey[dot - (k + 2)] = '\0';
		for (p = 0; question_parts[p]; p++)
			if (!strcmp(dot + 1, question_parts[p]))
				break;
		if (!question_parts[p])
			st = cairn_fail(err, CAIRN_EINPUT,
					"template/%s: %s: '%s' is not a question part (prompt, type, "
					"choices, required, help, min, max, when, constraint, "
					"constraint-message)", id, k, dot + 1);
		else if (!cairn_template_question(tpl, qkey))
			st = cairn_fail(err, CAIRN_EINPUT,
					"template/%s: %s: question '%s' is not listed in questions; add "
					"it there or remove this field", id, k, qkey);
	}
	for (size_t i = 0; i < tpl->nquestions && st == CAIRN_OK; i++) {
		st = check_refs(tpl, i, tpl->questions[i].when_expr, "when", own, err);
		if (st == CAIRN_OK)
			st = check_refs(tpl, i, tpl->questions[i].constraint_expr, "constraint", own,
					err);
	}
	if (st == CAIRN_OK)
		st = cairn_qlabels_read(id, rec, tpl, err);
	free_lines(keys, nkeys);
	if (st != CAIRN_OK)
		cairn_template_done(tpl);
	return st;
}

const cairn_question *cairn_template_question(const cairn_template *tpl, const char *key)
{
	for (size_t i = 0; i < tpl->nquestions; i++)
		if (!strcmp(tpl->questions[i].key, key))
			return &tpl->questions[i];
	return NULL;
}

static cairn_status choice_lookup(const cairn_question *q, const char *v, size_t *index,
				  cairn_error *err)
{
	for (size_t i = 0; i < q->nchoices; i++)
		if (!strcasecmp(v, q->choices[i])) {
			*index = i;
			return CAIRN_OK;
		}
	/* A label in any language names the same choice: the key is stored. */
	for (size_t l = 0; l < q->nlabels; l++)
		for (size_t i = 0; q->labels[l].choices && i < q->nchoices; i++)
			if (!strcasecmp(v, q->labels[l].choices[i])) {
				*index = i;
				return CAIRN_OK;
			}
	/* Or its number, as the form lists them: 1 is the first choice. */
	if (*v && strspn(v, "0123456789") == strlen(v) && strlen(v) < 6) {
		size_t k = strtoul(v, NULL, 10);
		if (k >= 1 && k <= q->nchoices) {
			*index = k - 1;
			return CAIRN_OK;
		}
	}
	{
		cairn_buf b = CAIRN_BUF_INIT;
		for (size_t i = 0; i < q->nchoices; i++)
			cairn_buf_printf(&b, "%s'%s'", i ? ", " : "", q->choices[i]);
		cairn_fail(err, CAIRN_EINPUT, _("answer.%s: '%s' is not one of the choices: %s "
						"(or their numbers, 1 to %zu)"),
			   q->key, v, cairn_buf_str(&b), q->nchoices);
		cairn_buf_done(&b);
	}
	return CAIRN_EINPUT;
}

static cairn_status multiple_normalize(const cairn_question *q, const char *input, char **out,
				       cairn_error *err)
{
	bool *picked = calloc(q->nchoices ? q->nchoices : 1, sizeof *picked);
	char **parts;
	size_t nparts, idx;
	cairn_status st = CAIRN_OK;
	cairn_buf b = CAIRN_BUF_INIT;

	if (!picked)
		return cairn_oom(err);
	/* One choice per line; a single line that is not itself a choice may
	 * list them separated by commas. */
	parts = split_lines(input, &nparts);
	if (nparts == 1) {
		char *t = dup_trimmed(parts[0]);
		cairn_error ignore;
		if (t && strchr(t, ',') && choice_lookup(q, t, &idx, &ignore) != CAIRN_OK) {
			free_lines(parts, nparts);
			nparts = 0;
			parts = NULL;
			for (char *s = t, *comma; s; s = comma ? comma + 1 : NULL) {
				char **grown;
				comma = strchr(s, ',');
				if (comma)
					*comma = '\0';
				grown = realloc(parts, (nparts + 1) * sizeof *parts);
				if (!grown)
					break;
				parts = grown;
				parts[nparts++] = strdup(s);
			}
		}
		free(t);
	}
	for (size_t i = 0; i < nparts && st == CAIRN_OK; i++) {
		char *t = dup_trimmed(parts[i] ? parts[i] : "");
		if (!t) {
			st = cairn_oom(err);
			break;
		}
		if (*t) {
			st = choice_lookup(q, t, &idx, err);
			if (st == CAIRN_OK)
				picked[idx] = true;
		}
		free(t);
	}
	free_lines(parts, nparts);
	for (size_t i = 0; i < q->nchoices && st == CAIRN_OK; i++)
		if (picked[i])
			cairn_buf_printf(&b, "%s%s", b.len ? "\n" : "", q->choices[i]);
	free(picked);
	if (st == CAIRN_OK) {
		*out = cairn_buf_detach(&b, NULL);
		if (!*out)
			st = cairn_oom(err);
	}
	cairn_buf_done(&b);
	return st;
}

cairn_status cairn_answer_normalize(const cairn_question *q, const char *input,
				    const char *date_fmt, char **out, cairn_error *err)
{
	cairn_field_def f = { 0 };
	char name[CAIRN_KEY_MAX + 16];
	cairn_status st;

	*out = NULL;
	snprintf(name, sizeof name, "answer.%s", q->key);
	f.name = name;
	switch (q->type) {
	case CAIRN_Q_TEXT:
		f.type = CAIRN_F_TEXT;
		break;
	case CAIRN_Q_LONGTEXT:
		f.type = CAIRN_F_LONGTEXT;
		break;
	case CAIRN_Q_YESNO:
		f.type = CAIRN_F_YESNO;
		break;
	case CAIRN_Q_PERCENT:
		f.type = CAIRN_F_PERCENT;
		break;
	case CAIRN_Q_DATE:
		f.type = CAIRN_F_DATE;
		break;
	case CAIRN_Q_MULTIPLE:
		if (cairn_record_value_problem(input))
			return cairn_fail(err, CAIRN_EINPUT, "%s: the value %s", name,
					  cairn_record_value_problem(input));
		return multiple_normalize(q, input, out, err);
	case CAIRN_Q_SINGLE: {
		char *t = dup_trimmed(input);
		size_t idx;
		if (!t)
			return cairn_oom(err);
		if (!*t) {
			*out = t;
			return CAIRN_OK;
		}
		st = choice_lookup(q, t, &idx, err);
		free(t);
		if (st == CAIRN_OK && !(*out = strdup(q->choices[idx])))
			st = cairn_oom(err);
		return st;
	}
	case CAIRN_Q_SCALE:
	case CAIRN_Q_NUMBER: {
		char *t = dup_trimmed(input);
		double d;
		if (!t)
			return cairn_oom(err);
		if (!*t) {
			*out = t;
			return CAIRN_OK;
		}
		if (!parse_decimal(t, &d)) {
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: '%s' is not a number"), name, t);
		} else if (!digits_kept(t)) {
			st = cairn_fail(err, CAIRN_EINPUT,
					_("%s: '%s' has more digits than a number keeps: write at most "
					  "15 digits, 6 of them after the point"), name, t);
		} else if (q->type == CAIRN_Q_SCALE && (d < 1 || d > 5 || d != floor(d))) {
			st = cairn_fail(err, CAIRN_EINPUT,
					_("%s: '%s' is not on the scale: write a whole number from 1 to 5"),
					name, t);
		} else if ((q->has_min && d < q->min) || (q->has_max && d > q->max)) {
			char *lo = format_number(q->min), *hi = format_number(q->max);
			cairn_buf range = CAIRN_BUF_INIT;
			if (q->has_min)
				cairn_buf_printf(&range, "at least %s", lo ? lo : "?");
			if (q->has_max)
				cairn_buf_printf(&range, "%sat most %s", q->has_min ? ", " : "",
						 hi ? hi : "?");
			st = cairn_fail(err, CAIRN_EINPUT, "%s: %s is out of range: write %s", name,
					t, cairn_buf_str(&range));
			cairn_buf_done(&range);
			free(lo);
			free(hi);
		} else {
			st = CAIRN_OK;
			*out = format_number(d);
			if (!*out)
				st = cairn_oom(err);
		}
		free(t);
		return st;
	}
	case CAIRN_Q_COUNT:
		break;
	}
	return value_normalize_plain(&f, input, date_fmt, out, err);
}

/* ---- questionnaire logic ---- */

typedef struct relevance_ctx {
	const cairn_template *tpl;
	const cairn_record *rec;
	const char *prefix;     /* where rec keeps the answers: "answer.", or "" */
	const bool *rel;        /* known for the questions before the current one */
	size_t known;
} relevance_ctx;

/* An answer as later expressions read it: none when its question is not
 * relevant, so a follow-up of a follow-up goes with it. */
static const char *relevant_answer(void *ctx, const char *key)
{
	const relevance_ctx *c = ctx;
	char field[CAIRN_KEY_MAX + 16];

	for (size_t j = 0; j < c->known; j++)
		if (!strcmp(c->tpl->questions[j].key, key) && !c->rel[j])
			return NULL;
	snprintf(field, sizeof field, "%s%s", c->prefix, key);
	return cairn_record_get(c->rec, field);
}

void cairn_template_relevance_in(const cairn_template *tpl, const cairn_record *rec,
				 const char *prefix, bool *rel)
{
	relevance_ctx c = { tpl, rec, prefix, rel, 0 };

	for (size_t i = 0; i < tpl->nquestions; i++, c.known++) {
		const cairn_expr *w = tpl->questions[i].when_expr;
		rel[i] = !w || cairn_expr_holds(w, relevant_answer, &c, NULL);
	}
}

void cairn_template_relevance(const cairn_template *tpl, const cairn_record *rec, bool *rel)
{
	cairn_template_relevance_in(tpl, rec, "answer.", rel);
}

bool cairn_question_relevant(const cairn_template *tpl, const cairn_record *rec,
			     const cairn_question *q)
{
	size_t i = (size_t)(q - tpl->questions);
	bool *rel, out;

	if (!q->when_expr || i >= tpl->nquestions)
		return true;
	if (!(rel = malloc(tpl->nquestions * sizeof *rel)))
		return true;    /* out of memory: ask rather than skip */
	cairn_template_relevance(tpl, rec, rel);
	out = rel[i];
	free(rel);
	return out;
}

cairn_status cairn_answer_check_constraint(const cairn_template *tpl, const cairn_record *rec,
					   const cairn_question *q, const char *langs,
					   cairn_error *err)
{
	return cairn_answer_check_constraint_in(tpl, rec, "answer.", q, langs, err);
}

cairn_status cairn_answer_check_constraint_in(const cairn_template *tpl, const cairn_record *rec,
					      const char *prefix, const cairn_question *q,
					      const char *langs, cairn_error *err)
{
	size_t i = (size_t)(q - tpl->questions);
	char field[CAIRN_KEY_MAX + 16];
	const char *v, *msg;
	bool *rel;
	relevance_ctx c = { tpl, rec, prefix, NULL, i };
	bool ok;

	snprintf(field, sizeof field, "%s%s", prefix, q->key);
	v = cairn_record_get(rec, field);
	if (!q->constraint_expr || !v || !*v || i >= tpl->nquestions)
		return CAIRN_OK;
	if (!(rel = malloc(tpl->nquestions * sizeof *rel)))
		return cairn_oom(err);
	cairn_template_relevance_in(tpl, rec, prefix, rel);
	c.rel = rel;
	ok = !rel[i] || cairn_expr_holds(q->constraint_expr, relevant_answer, &c, v);
	free(rel);
	if (ok)
		return CAIRN_OK;
	msg = cairn_question_constraint_message(q, langs);
	if (*msg)
		return cairn_fail(err, CAIRN_EINPUT, "%s: %s", field, msg);
	return cairn_fail(err, CAIRN_EINPUT, _("%s: '%s' does not meet the question's condition "
					      "(%s)"), field, v, q->constraint);
}

cairn_status cairn_answer_check_in(const cairn_template *tpl, const cairn_record *rec,
				   const char *prefix, const bool *rel, const cairn_question *q,
				   const char *langs, cairn_error *err)
{
	size_t i = (size_t)(q - tpl->questions);
	char field[CAIRN_KEY_MAX + 16];
	const char *v;

	if (i >= tpl->nquestions || (rel && !rel[i]))
		return CAIRN_OK;
	snprintf(field, sizeof field, "%s%s", prefix, q->key);
	v = cairn_record_get(rec, field);
	if ((!v || !*v) && q->required && q->when)
		return cairn_fail(err, CAIRN_EINPUT,
				  _("%s: is required when %s; set it with %s=VALUE"), field,
				  q->when, field);
	if (!v || !*v)
		return q->required ? cairn_fail(err, CAIRN_EINPUT,
						_("%s: is required; set it with %s=VALUE"), field,
						field)
				   : CAIRN_OK;
	return cairn_answer_check_constraint_in(tpl, rec, prefix, q, langs, err);
}
