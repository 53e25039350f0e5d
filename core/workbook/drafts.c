/* Drafts (include/cairn/drafts.h): one file, .cairn/drafts, in the record
 * format (count, then d<i>.ref, d<i>.field, d<i>.text and d<i>.when for
 * each draft from 1), written atomically.  No file means no drafts.  It is
 * beside the index, which git ignores, so that nothing here is ever
 * committed or pushed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cairn/drafts.h"
#include "cairn/fs.h"
#include "workbook/wb_internal.h"

#define DRAFTS_FILE CAIRN_DIR "/drafts"

static const char *dget(const cairn_record *r, size_t i, const char *what)
{
	char key[64];
	snprintf(key, sizeof key, "d%zu.%s", i, what);
	return cairn_record_get(r, key);
}

static size_t dcount(const cairn_record *r)
{
	const char *n = cairn_record_get(r, "count");
	return n ? strtoul(n, NULL, 10) : 0;
}

static cairn_status load(cairn_wb *wb, cairn_record *r, cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_status st;

	cairn_record_init(r);
	st = cairn_fs_read(wb->root, DRAFTS_FILE, CAIRN_RECORD_MAX, &data, &len, err);
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;
	if (st == CAIRN_OK)
		st = cairn_record_parse(r, data, len, DRAFTS_FILE, err);
	free(data);
	return st;
}

/* Write the drafts of d (n of them, skipping one whose ref is NULL). */
static cairn_status store(cairn_wb *wb, const cairn_draft *d, size_t n, cairn_error *err)
{
	cairn_record r;
	cairn_status st = CAIRN_OK;
	char key[64], count[32], *data = NULL;
	size_t len, at = 0;

	cairn_record_init(&r);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		const char *what[4] = { "ref", "field", "text", "when" };
		const char *v[4] = { d[i].ref, d[i].field, d[i].text, d[i].when };
		if (!d[i].ref)
			continue;
		at++;
		for (int k = 0; k < 4 && st == CAIRN_OK; k++) {
			snprintf(key, sizeof key, "d%zu.%s", at, what[k]);
			st = cairn_record_set(&r, key, v[k] ? v[k] : "", err);
		}
	}
	snprintf(count, sizeof count, "%zu", at);
	if (st == CAIRN_OK && at)
		st = cairn_record_set(&r, "count", count, err);
	if (st == CAIRN_OK && !at)
		st = cairn_fs_remove(wb->root, DRAFTS_FILE, err);
	else if (st == CAIRN_OK && (st = cairn_record_write(&r, &data, &len, err)) == CAIRN_OK)
		st = cairn_fs_write(wb->root, DRAFTS_FILE, data, len, err);
	free(data);
	cairn_record_done(&r);
	return st;
}

void cairn_drafts_free(cairn_draft *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].ref);
		free(d[i].field);
		free(d[i].text);
		free(d[i].when);
	}
	free(d);
}

cairn_status cairn_wb_drafts(cairn_wb *wb, cairn_draft **out, size_t *n, cairn_error *err)
{
	cairn_record r;
	cairn_status st;
	size_t count;

	*out = NULL;
	*n = 0;
	if ((st = load(wb, &r, err)) != CAIRN_OK)
		return st;
	count = dcount(&r);
	if (count && count < 100000 && !(*out = calloc(count, sizeof **out))) {
		cairn_record_done(&r);
		return cairn_oom(err);
	}
	for (size_t i = 1; *out && i <= count; i++) {
		const char *ref = dget(&r, i, "ref"), *field = dget(&r, i, "field");
		const char *text = dget(&r, i, "text"), *when = dget(&r, i, "when");
		cairn_draft *d = &(*out)[*n];
		if (!ref || !field || !text)
			continue;
		d->ref = strdup(ref);
		d->field = strdup(field);
		d->text = strdup(text);
		d->when = strdup(when ? when : "");
		(*n)++;
		if (!d->ref || !d->field || !d->text || !d->when) {
			cairn_drafts_free(*out, *n);
			*out = NULL;
			*n = 0;
			st = cairn_oom(err);
		}
	}
	cairn_record_done(&r);
	return st;
}

/* The drafts without ref's field, then (when text is not NULL) the new one. */
static cairn_status replace(cairn_wb *wb, const char *ref, const char *field, const char *text,
			    cairn_error *err)
{
	cairn_draft *d = NULL, *grown;
	size_t n = 0;
	cairn_status st;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if ((st = cairn_wb_drafts(wb, &d, &n, err)) != CAIRN_OK)
		return st;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].ref, ref) && !strcmp(d[i].field, field)) {
			free(d[i].ref);
			d[i].ref = NULL;        /* skipped by store */
		}
	if (text) {
		if (!(grown = realloc(d, (n + 1) * sizeof *d))) {
			cairn_drafts_free(d, n);
			return cairn_oom(err);
		}
		d = grown;
		gmtime_r(&now, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		d[n].ref = strdup(ref);
		d[n].field = strdup(field);
		d[n].text = strdup(text);
		d[n].when = strdup(when);
		n++;
		if (!d[n - 1].ref || !d[n - 1].field || !d[n - 1].text || !d[n - 1].when) {
			cairn_drafts_free(d, n);
			return cairn_oom(err);
		}
	}
	st = store(wb, d, n, err);
	cairn_drafts_free(d, n);
	return st;
}

cairn_status cairn_wb_draft_keep(cairn_wb *wb, const char *ref, const char *field,
				 const char *text, cairn_error *err)
{
	return replace(wb, ref, field, text, err);
}

cairn_status cairn_wb_draft_drop(cairn_wb *wb, const char *ref, const char *field,
				 cairn_error *err)
{
	return replace(wb, ref, field, NULL, err);
}
