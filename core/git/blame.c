/* Who set a field (see include/cairn/blame.h). */
#include "cairn/blame.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/date.h"
#include "git/log.h"
#include "cairn/record.h"

/* One side's view of a file: absent, or its text parsed. */
typedef struct version {
	bool present, parsed;
	char *data;
	size_t len;
	cairn_record rec;
} version;

static cairn_status read_version(cairn_git *git, const cairn_oid *commit, const char *path,
				 version *v, cairn_error *err)
{
	cairn_error perr;
	cairn_status st;

	memset(v, 0, sizeof *v);
	cairn_record_init(&v->rec);
	st = cairn_git_read_path(git, commit, path, &v->data, &v->len, NULL, err);
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;
	if (st != CAIRN_OK)
		return st;
	v->present = true;
	/* A file that is not a record still has a whole-file answer. */
	v->parsed = cairn_record_parse(&v->rec, v->data, v->len, path, &perr) == CAIRN_OK;
	return CAIRN_OK;
}

static void version_done(version *v)
{
	free(v->data);
	cairn_record_done(&v->rec);
}

/* The field's value in a version: NULL when absent; the whole text for "". */
static const char *value_of(const version *v, const char *field)
{
	if (!v->present)
		return NULL;
	if (!*field)
		return v->data ? v->data : "";
	return v->parsed ? cairn_record_get(&v->rec, field) : NULL;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

typedef struct walk {
	cairn_git *git;
	cairn_blame *q;
	size_t n, open;
	char **final;           /* each question's value at `from` (NULL: absent) */
	bool *absent;
} walk;

static cairn_status final_values(cairn_git *git, const cairn_oid *from, walk *w,
				 cairn_error *err);

static cairn_status answer(walk *w, size_t i, const cairn_git_commit_info *c, cairn_error *err)
{
	cairn_blame *b = &w->q[i];
	size_t len = strcspn(c->message, "\n");

	b->commit = c->id;
	b->name = strdup(c->author_name);
	b->email = strdup(c->author_email);
	b->summary = strndup(c->message, len);
	b->when = c->when;
	b->tz_minutes = c->tz_minutes;
	w->open--;
	if (!b->name || !b->email || !b->summary)
		return cairn_oom(err);
	return CAIRN_OK;
}

static cairn_status on_commit(const cairn_git_commit_info *c, const cairn_git_delta *d, size_t n,
			      bool *stop, void *ctx, cairn_error *err)
{
	walk *w = ctx;
	cairn_status st = CAIRN_OK;

	for (size_t k = 0; k < n && st == CAIRN_OK; k++) {
		version here, parent[CAIRN_GIT_MAX_PARENTS];
		size_t np = 0;
		bool loaded = false;
		for (size_t i = 0; i < w->n && st == CAIRN_OK; i++) {
			const char *v;
			bool set_here = true;
			if (w->q[i].commit.hex[0] || strcmp(w->q[i].path, d[k].path))
				continue;
			if (!loaded) {
				loaded = true;
				st = read_version(w->git, &c->id, d[k].path, &here, err);
				for (; st == CAIRN_OK && np < c->nparents; np++)
					st = read_version(w->git, &c->parent[np], d[k].path,
							  &parent[np], err);
				if (st != CAIRN_OK)
					break;
			}
			v = value_of(&here, w->q[i].field);
			/* Set here: the value it keeps to the end, and not one any
			 * parent already had. */
			if (!same(v, w->final[i]))
				continue;
			for (size_t p = 0; p < np; p++)
				if (same(value_of(&parent[p], w->q[i].field), v))
					set_here = false;
			if (set_here)
				st = answer(w, i, c, err);
		}
		if (loaded) {
			version_done(&here);
			for (size_t p = 0; p < np; p++)
				version_done(&parent[p]);
		}
	}
	*stop = w->open == 0;
	return st;
}

cairn_status cairn_git_blame(cairn_git *git, const cairn_oid *from, const cairn_oid *hide,
			     cairn_blame *q, size_t n, cairn_error *err)
{
	walk w = { git, q, n, n, NULL, NULL };
	cairn_status st = CAIRN_OK;

	for (size_t i = 0; i < n; i++) {
		q[i].commit.hex[0] = '\0';
		q[i].name = q[i].email = q[i].summary = NULL;
	}
	if (!n || !from || !from->hex[0])
		return CAIRN_OK;
	st = final_values(git, from, &w, err);
	if (st == CAIRN_OK)
		st = cairn_git_walk(git, from, hide, true, on_commit, &w, err);
	for (size_t i = 0; w.final && i < n; i++)
		free(w.final[i]);
	free(w.final);
	return st;
}

/* The version each question is about, at from. */
static cairn_status final_values(cairn_git *git, const cairn_oid *from, walk *w, cairn_error *err)
{
	cairn_status st = CAIRN_OK;

	if (!(w->final = calloc(w->n, sizeof *w->final)))
		return cairn_oom(err);
	for (size_t i = 0; i < w->n && st == CAIRN_OK; i++) {
		version v;
		const char *val;
		if ((st = read_version(git, from, w->q[i].path, &v, err)))
			break;
		val = value_of(&v, w->q[i].field);
		if (val && !(w->final[i] = strdup(val)))
			st = cairn_oom(err);
		version_done(&v);
	}
	return st;
}

typedef struct one_commit {
	walk *w;
	cairn_git_delta *d;
	size_t n;
	bool stop;
} one_commit;

static cairn_status on_candidate(const cairn_git_commit_info *c, const cairn_git_delta *ignored,
				 size_t nignored, bool *stop, void *ctx, cairn_error *err)
{
	one_commit *oc = ctx;
	(void)ignored;
	(void)nignored;
	(void)stop;
	return on_commit(c, oc->d, oc->n, &oc->stop, oc->w, err);
}

cairn_status cairn_git_blame_in(cairn_git *git, const cairn_oid *from, const cairn_oid *commits,
				size_t ncommits, cairn_blame *q, size_t n, cairn_error *err)
{
	walk w = { git, q, n, n, NULL, NULL };
	cairn_git_delta *d = calloc(n ? n : 1, sizeof *d);
	one_commit oc = { &w, d, 0, false };
	cairn_status st = CAIRN_OK;

	for (size_t i = 0; i < n; i++) {
		q[i].commit.hex[0] = '\0';
		q[i].name = q[i].email = q[i].summary = NULL;
	}
	if (!d)
		return cairn_oom(err);
	/* The files asked about, each once, stand for "what it changed". */
	for (size_t i = 0; i < n; i++) {
		bool known = false;
		for (size_t k = 0; k < oc.n; k++)
			known |= !strcmp(d[k].path, q[i].path);
		if (!known)
			d[oc.n++].path = (char *)q[i].path;
	}
	if (n && from && from->hex[0])
		st = final_values(git, from, &w, err);
	for (size_t i = 0; i < ncommits && st == CAIRN_OK && w.open && !oc.stop; i++)
		st = cairn_git_commit_info_of(git, &commits[i], on_candidate, &oc, err);
	for (size_t i = 0; w.final && i < n; i++)
		free(w.final[i]);
	free(w.final);
	free(d);
	return st;
}

void cairn_blame_done(cairn_blame *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(q[i].name);
		free(q[i].email);
		free(q[i].summary);
		q[i].name = q[i].email = q[i].summary = NULL;
	}
}

void cairn_blame_who_when(const cairn_blame *b, char *out, size_t n)
{
	char when[48];

	if (!b->commit.hex[0]) {
		snprintf(out, n, "%s", "");
		return;
	}
	cairn_time_text(b->when, b->tz_minutes, when, sizeof when);
	snprintf(out, n, "%s <%s>, %s", b->name ? b->name : "", b->email ? b->email : "", when);
}
