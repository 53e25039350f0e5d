/* The rules every save of a record obeys, pure functions of cairn_record
 * (no workbook, no git, no index), so that save.c, sync.c and the
 * workflow steps share them without calling one another: a template's
 * version rises with its questions, a validation holds only for the
 * answers it saw (the fingerprint), and a comment line is appended.
 * Declared in core/model/rules.h. */
#include "model/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/sha1.h"

/* comments with one more line "DATE WHO: TEXT" (a new string, or NULL). */
char *cairn_comments_plus(const cairn_record *rec, const char *line)
{
	const char *old = cairn_record_get(rec, "comments");
	cairn_buf b = CAIRN_BUF_INIT;

	if (old && *old)
		cairn_buf_printf(&b, "%s\n", old);
	cairn_buf_adds(&b, line);
	return cairn_buf_detach(&b, NULL);
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
void cairn_changed_answers(const cairn_record *seen, const cairn_record *rec, cairn_buf *out)
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
			cairn_changed_answers(seen, rec, &line);
		if (line.len == before)
			cairn_buf_adds(&line, "some answers");
	}
	if (who && *who)
		cairn_buf_printf(&line, " by %s", who);
	if (when && *when)
		cairn_buf_printf(&line, " on %s", when);
	comments = cairn_comments_plus(rec, cairn_buf_str(&line));
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


/* ---- the first answer ---- */

bool cairn_evaluation_start(const cairn_record *base, cairn_record *rec)
{
	const char *was = cairn_record_get(base, "status"), *now = cairn_record_get(rec, "status");
	bool answered = false;

	if (!was || !now || strcmp(was, "assigned") || strcmp(now, "assigned") ||
	    !fields_differ(base, rec, "answer."))
		return false;
	for (size_t i = 0; i < rec->nfields && !answered; i++)
		answered = !strncmp(rec->fields[i].key, "answer.", 7);
	return answered && cairn_record_set(rec, "status", "draft", NULL) == CAIRN_OK;
}
