/* Blame of a long-text field line by line (see cairn_wb_blame_lines in
 * include/cairn/history.h).
 *
 * The record's commits, newest first, come from the history index.  Each
 * line of the value at HEAD is followed back: in each commit, the field's
 * text there is compared with its text in the commit's first parent
 * (cairn_text_diff); a line the commit added is that commit's, a line it
 * kept is followed into the parent.  Lines still unclaimed when the
 * history ends belong to its oldest commit. */
#include "cairn/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/textdiff.h"
#include "workbook/wb_internal.h"

typedef struct version {
	cairn_oid id, parent;
	char *name, *email;
	long long when;
	int tz;
} version;

typedef struct versions {
	version *v;
	size_t n, cap;
} versions;

static cairn_status add_version(const cairn_history_row *r, void *ctx, cairn_error *err)
{
	versions *l = ctx;
	version *x;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		version *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return cairn_oom(err);
		l->v = v;
		l->cap = cap;
	}
	x = &l->v[l->n];
	memset(x, 0, sizeof *x);
	snprintf(x->id.hex, sizeof x->id.hex, "%s", r->id);
	snprintf(x->parent.hex, sizeof x->parent.hex, "%.40s", r->parents ? r->parents : "");
	x->name = strdup(r->author_name ? r->author_name : "");
	x->email = strdup(r->author_email ? r->author_email : "");
	x->when = r->time;
	x->tz = r->tz_minutes;
	l->n++;
	return x->name && x->email ? CAIRN_OK : cairn_oom(err);
}

/* The field's text at a commit ("" when the record or field is absent). */
static cairn_status value_at(cairn_wb *wb, const cairn_oid *commit, const char *path,
			     const char *field, char **out, cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_record rec;
	cairn_error why;
	const char *v = NULL;
	cairn_status st;

	*out = NULL;
	if (!commit->hex[0])
		return (*out = strdup("")) ? CAIRN_OK : cairn_oom(err);
	st = cairn_git_read_path(wb->git, commit, path, &data, &len, NULL, err);
	if (st == CAIRN_ENOTFOUND)
		return (*out = strdup("")) ? CAIRN_OK : cairn_oom(err);
	if (st != CAIRN_OK)
		return st;
	if (cairn_record_parse(&rec, data, len, path, &why) == CAIRN_OK) {
		v = cairn_record_get(&rec, field);
		*out = strdup(v ? v : "");
		cairn_record_done(&rec);
	} else {
		*out = strdup("");      /* a version cairn cannot read claims nothing */
	}
	free(data);
	return *out ? CAIRN_OK : cairn_oom(err);
}

/* One step back: where each line of the newer text is in the older one
 * (-1: the newer text added it). */
typedef struct mapping {
	long *to_old;
	size_t nnew, iold;
	bool oom;
} mapping;

static void map_line(cairn_diff_op op, const char *line, size_t len, void *ctx)
{
	mapping *m = ctx;
	(void)line;
	(void)len;
	if (op == CAIRN_DIFF_DEL) {
		m->iold++;
	} else {
		long *grown = realloc(m->to_old, (m->nnew + 1) * sizeof *grown);
		if (!grown) {
			m->oom = true;
			return;
		}
		m->to_old = grown;
		m->to_old[m->nnew++] = op == CAIRN_DIFF_SAME ? (long)m->iold++ : -1;
	}
}

static bool claim(cairn_blame_line *l, const version *v)
{
	l->commit = v->id;
	l->name = strdup(v->name);
	l->email = strdup(v->email);
	l->when = v->when;
	l->tz_minutes = v->tz;
	return l->name && l->email;
}

static void versions_done(versions *l)
{
	for (size_t k = 0; k < l->n; k++) {
		free(l->v[k].name);
		free(l->v[k].email);
	}
	free(l->v);
}

cairn_status cairn_wb_blame_lines(cairn_wb *wb, const char *path, const char *field,
				  cairn_blame_lines *out, cairn_error *err)
{
	versions l = { NULL, 0, 0 };
	long *at = NULL;                /* each HEAD line's index in the text looked at */
	char *text = NULL;
	cairn_status st;

	memset(out, 0, sizeof *out);
	if ((st = cairn_wb_history_catch_up(wb, err)) ||
	    (st = cairn_index_history(wb->idx, path, NULL, 0, add_version, &l, err)))
		goto done;
	if (!l.n)
		goto done;
	if ((st = value_at(wb, &l.v[0].id, path, field, &text, err)))
		goto done;
	/* The lines at the newest commit, each as its own string. */
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		cairn_blame_line *grown = realloc(out->lines, (out->n + 1) * sizeof *grown);
		if (!grown) {
			st = cairn_oom(err);
			goto done;
		}
		out->lines = grown;
		memset(&out->lines[out->n], 0, sizeof out->lines[0]);
		if (!(out->lines[out->n].text = strndup(p, n))) {
			st = cairn_oom(err);
			goto done;
		}
		out->n++;
		p += n;
		if (*p)
			p++;
	}
	if (!(at = malloc((out->n ? out->n : 1) * sizeof *at))) {
		st = cairn_oom(err);
		goto done;
	}
	for (size_t i = 0; i < out->n; i++)
		at[i] = (long)i;
	for (size_t k = 0; k < l.n && st == CAIRN_OK; k++) {
		char *older = NULL;
		mapping m = { NULL, 0, 0, false };
		bool open = false;
		for (size_t i = 0; i < out->n; i++)
			open = open || (at[i] >= 0 && !out->lines[i].commit.hex[0]);
		if (!open)
			break;
		if ((st = value_at(wb, &l.v[k].parent, path, field, &older, err)) ||
		    (st = cairn_text_diff(older, text, map_line, &m, err))) {
			free(older);
			free(m.to_old);
			break;
		}
		if (m.oom)
			st = cairn_oom(err);
		for (size_t i = 0; st == CAIRN_OK && i < out->n; i++) {
			if (at[i] < 0 || out->lines[i].commit.hex[0])
				continue;
			if ((size_t)at[i] >= m.nnew || m.to_old[at[i]] < 0 || k + 1 == l.n) {
				if (!claim(&out->lines[i], &l.v[k]))
					st = cairn_oom(err);
			} else {
				at[i] = m.to_old[at[i]];
			}
		}
		free(m.to_old);
		/* The next commit of the record's history is the last one before
		 * this that changed the file, so it holds the parent's text
		 * (after a merge, nearly: what the merge brought is its own). */
		free(text);
		text = older;
	}
done:
	free(at);
	free(text);
	versions_done(&l);
	if (st != CAIRN_OK)
		cairn_blame_lines_done(out);
	return st;
}

void cairn_blame_lines_done(cairn_blame_lines *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->lines[i].text);
		free(b->lines[i].name);
		free(b->lines[i].email);
	}
	free(b->lines);
	memset(b, 0, sizeof *b);
}
