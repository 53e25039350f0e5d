/* Labels per language for template questions.
 *
 * A template written in one language can carry the same question in
 * others: q.KEY.prompt.fr, q.KEY.help.fr, q.KEY.choices.fr (one label per
 * line, in the order of q.KEY.choices).  The choice keys stay what answers
 * store, so members reading the form in different languages fill in the
 * same evaluation and merge it field by field.  See cairn-workbook(5). */
#include "model/qlabels.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/buf.h"

/* A label tag: a language of 2 or 3 letters, perhaps "-" and a region or
 * variant ("fr", "pt-br", "sr-latn"); record keys are lower case. */
static bool lang_valid(const char *t)
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

void cairn_qlabels_free(cairn_question *q)
{
	for (size_t i = 0; i < q->nlabels; i++) {
		cairn_qlabels *l = &q->labels[i];
		free(l->lang);
		free(l->prompt);
		free(l->help);
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
	for (size_t i = 0; i < n; i++) {
		cairn_status st = CAIRN_OK;
		if (!*v_lines[i])
			st = cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: label %zu is empty",
					tid, k, i + 1);
		for (size_t j = 0; j < i && st == CAIRN_OK; j++)
			if (!strcasecmp(v_lines[i], v_lines[j]))
				st = cairn_fail(err, CAIRN_EINPUT,
						"template/%s: %s: '%s' is listed twice", tid, k,
						v_lines[i]);
		if (st != CAIRN_OK) {
			free_strings(v_lines, n);
			return st;
		}
	}
	free_strings(l->choices, q->nchoices);
	l->choices = v_lines;
	return CAIRN_OK;
}

cairn_status cairn_qlabels_read(const char *tid, const cairn_record *rec, cairn_template *tpl,
				cairn_error *err)
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
		      (plen == 7 && !strncmp(part, "choices", 7))))
			return cairn_fail(err, CAIRN_EINPUT,
					  "template/%s: %s: only prompt, help and choices have labels "
					  "per language (q.KEY.prompt.fr)", tid, k);
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
		if (*part == 'c') {
			cairn_status st = read_choices(tid, k, q, l, v, err);
			if (st != CAIRN_OK)
				return st;
			continue;
		}
		slot = *part == 'p' ? &l->prompt : &l->help;
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
