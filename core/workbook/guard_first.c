/* cairn guard's first push: a branch pushed into a repository that has
 * none to judge it against (see include/cairn/guard.h).  Its first commit
 * must be what `cairn init` makes (cairn.ini, .gitignore and, in an
 * enforced workbook, one person, its first leader, whose e-mail is the
 * commit's author's); its pusher must be that first leader (by login at
 * the tip), who founds the shared workbook and so relays the commits of
 * others in it; and every later commit is judged for its author against
 * the persons and rules of its first parent, as the workbook grew. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/config.h"
#include "cairn/layout.h"
#include "workbook/guard_internal.h"

typedef struct commits {
	cairn_oid *v;
	size_t n, cap;
} commits;

static cairn_status collect(const cairn_git_commit_info *c, const cairn_git_delta *changes,
			    size_t n, bool *stop, void *ctx, cairn_error *err)
{
	commits *l = ctx;

	(void)changes;
	(void)n;
	(void)stop;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		cairn_oid *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return cairn_oom(err);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = c->id;
	return CAIRN_OK;
}

/* Does commit's cairn.ini say its rules hold?  false: open, or none. */
static bool enforced_at(guard *g, const cairn_oid *commit, cairn_settings *s, cairn_error *err)
{
	char *ini = NULL;
	size_t len = 0;
	cairn_oid blob;
	bool on = false;

	memset(s, 0, sizeof *s);
	if (cairn_git_read_path(g->git, commit, CAIRN_SETTINGS_FILE, &ini, &len, &blob, err) ==
	    CAIRN_OK && cairn_settings_parse(ini, CAIRN_SETTINGS_FILE, s, NULL, NULL, err) == CAIRN_OK)
		on = s->rules_enforced;
	free(ini);
	return on;
}

/* The persons and rules of commit, judged against from now on. */
static cairn_status load_state(guard *g, const cairn_oid *commit, cairn_error *err)
{
	cairn_settings s;
	cairn_error ignored;
	cairn_status st = CAIRN_OK;

	guard_forget(g);
	g->state_at = *commit;
	g->open = !enforced_at(g, commit, &s, &ignored);
	if (!g->open && (st = cairn_ruleset_parse(s.rule_lines, &g->local, err)) == CAIRN_OK &&
	    (st = cairn_git_each_file(g->git, commit, guard_person_file, g, err)) == CAIRN_OK)
		guard_role_of(g, g->me, g->role, sizeof g->role);
	cairn_settings_done(&s);
	return st;
}

static bool touches_state(const cairn_git_delta *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].path, CAIRN_SETTINGS_FILE) || !strncmp(d[i].path, "persons/", 8))
			return true;
	return false;
}

/* The state of commit, loaded again only when its persons or rules
 * differ from those held. */
static cairn_status state_for(guard *g, const cairn_oid *commit, cairn_error *err)
{
	cairn_git_delta *d = NULL;
	size_t n = 0;
	bool touched;
	cairn_status st;

	if (!strcmp(g->state_at.hex, commit->hex))
		return CAIRN_OK;
	if ((st = cairn_git_diff(g->git, &g->state_at, commit, &d, &n, err)))
		return st;
	touched = touches_state(d, n);
	cairn_git_deltas_free(d, n);
	if (!touched) {
		g->state_at = *commit;
		return CAIRN_OK;
	}
	return load_state(g, commit, err);
}

/* ---- the first commit: cairn init's ---- */

typedef struct root_ctx {
	walk_ctx *w;
	const cairn_git_commit_info *c;
	char founder[CAIRN_REF_ID_MAX + 1];
} root_ctx;

static cairn_status root_file(const char *path, unsigned mode, const cairn_oid *blob, void *ctx,
			      cairn_error *err)
{
	root_ctx *r = ctx;
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_record rec;
	cairn_error why;
	cairn_ref ref;
	char *data = NULL;
	size_t len = 0;
	cairn_status st = CAIRN_OK;

	(void)mode;
	if (!strcmp(path, CAIRN_SETTINGS_FILE) || !strcmp(path, ".gitignore"))
		return CAIRN_OK;
	cairn_record_init(&rec);
	if (!r->founder[0] && cairn_path_ref(path, &ref, &why) == CAIRN_OK &&
	    ref.kind == CAIRN_KIND_PERSON &&
	    cairn_git_read_blob(r->w->g->git, blob, &data, &len, &why) == CAIRN_OK &&
	    cairn_record_parse(&rec, data, len, path, &why) == CAIRN_OK &&
	    cairn_record_get(&rec, "role") && !strcmp(cairn_record_get(&rec, "role"), "leader") &&
	    cairn_record_get(&rec, "email") && r->c->author_email &&
	    !strcasecmp(cairn_record_get(&rec, "email"), r->c->author_email))
		snprintf(r->founder, sizeof r->founder, "%s", ref.id);
	else {
		cairn_buf_printf(&b, "a workbook's first commit is what `cairn init` makes: %s, "
				 ".gitignore and one person, its first leader (role: leader), whose "
				 "e-mail is the commit's author's; %s is not that (make the workbook "
				 "with cairn init, then add to it)", CAIRN_SETTINGS_FILE, path);
		st = guard_refuse(r->w, r->c, cairn_buf_str(&b), err);
	}
	free(data);
	cairn_record_done(&rec);
	cairn_buf_done(&b);
	return st;
}

/* The founder: the first leader, who must be the pusher while the tip
 * keeps the rules (an open tip lets anyone push it, as after it). */
static cairn_status check_root(walk_ctx *w, const cairn_git_commit_info *c, bool tip_enforced,
			       cairn_error *err)
{
	guard *g = w->g;
	root_ctx r = { w, c, "" };
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_status st;

	if ((st = load_state(g, &c->id, err)) || g->open)
		return st;
	if ((st = cairn_git_each_file(g->git, &c->id, root_file, &r, err)))
		return st;
	if (!r.founder[0])
		cairn_buf_printf(&b, "a workbook's first commit is what `cairn init` makes: %s, "
				 ".gitignore and one person, its first leader (role: leader), whose "
				 "e-mail is the commit's author's; this one names no first leader",
				 CAIRN_SETTINGS_FILE);
	else if (tip_enforced && strcasecmp(r.founder, g->me))
		cairn_buf_printf(&b, "the first push founds the shared workbook and is its first "
				 "leader's, person/%s, and the pusher, %s, is %s%s (person/%s sets "
				 "their login first: cairn set person/%s login=%s)", r.founder,
				 g->pusher, g->me[0] ? "person/" : "no person of the workbook",
				 g->me, r.founder, r.founder, g->pusher);
	if (b.len)
		st = guard_refuse(w, c, cairn_buf_str(&b), err);
	cairn_buf_done(&b);
	return st;
}

/* ---- each later commit, at its parent ---- */

typedef struct first_ctx {
	walk_ctx *w;
	bool root_seen;
	bool root_enforced;
	bool tip_enforced;
} first_ctx;

static cairn_status first_one(const cairn_git_commit_info *c, const cairn_git_delta *changes,
			      size_t n, bool *stop, void *ctx, cairn_error *err)
{
	first_ctx *f = ctx;
	guard *g = f->w->g;
	cairn_git_delta *d = NULL;
	size_t nd = 0;
	cairn_status st;

	(void)changes;
	(void)n;
	if (!c->nparents) {
		if (f->root_seen)
			return guard_refuse(f->w, c, "a second first commit: a workbook has one "
					    "history, from one cairn init (join the other workbook "
					    "with cairn clone instead)", err);
		f->root_seen = true;
		st = check_root(f->w, c, f->tip_enforced, err);
		f->root_enforced = !g->open;
		return st;
	}
	if ((st = state_for(g, &c->parent[0], err)) || g->open)
		return st;
	if (c->nparents > 1)
		return guard_check_commit(c, NULL, 0, stop, f->w, err);
	if ((st = cairn_git_diff(g->git, &c->parent[0], &c->id, &d, &nd, err)) == CAIRN_OK)
		st = guard_check_commit(c, d, nd, stop, f->w, err);
	/* What it did not touch holds for its child as it is. */
	if (st == CAIRN_OK && !touches_state(d, nd))
		g->state_at = c->id;
	cairn_git_deltas_free(d, nd);
	return st;
}

cairn_status guard_first_push(guard *g, walk_ctx *w, const cairn_oid *tip, cairn_error *err)
{
	commits l = { NULL, 0, 0 };
	char tip_role[sizeof g->role];
	cairn_settings s;
	cairn_error ignored;
	bool enforced = enforced_at(g, tip, &s, &ignored);
	first_ctx f = { w, false, false, enforced };
	cairn_status st;

	cairn_settings_done(&s);
	/* Who pushes, as the tip's persons say. */
	if ((st = cairn_git_each_file(g->git, tip, guard_person_file, g, err)))
		return st;
	snprintf(tip_role, sizeof tip_role, "%s", g->role);
	g->first = true;
	g->relays = true;       /* the founder relays the group's first history */
	if ((st = cairn_git_walk(g->git, tip, NULL, false, collect, &l, err)))
		goto done;
	/* Oldest first, so that each commit meets the workbook its parent made. */
	for (size_t i = l.n; i-- > 0 && st == CAIRN_OK;)
		st = cairn_git_commit_info_of(g->git, &l.v[i], first_one, &f, err);
	/* A workbook made open whose rules were turned on since: its first
	 * push is a leader's (the one who founds it has no first commit). */
	if (st == CAIRN_OK && enforced && (!g->me[0] || (!f.root_enforced &&
							 strcmp(tip_role, "leader")))) {
		cairn_git_commit_info c = { .id = *tip, .message = "" };
		cairn_buf b = CAIRN_BUF_INIT;
		if (!g->me[0])
			cairn_buf_printf(&b, "the pusher, %s, is no person of the workbook (no person "
					 "has login: %s): the first push is a leader's, who sets "
					 "their login first (cairn set person/ID login=%s)", g->pusher,
					 g->pusher, g->pusher);
		else
			cairn_buf_printf(&b, "the first push founds the shared workbook and is a "
					 "leader's, and the pusher, %s, is person/%s (%s)", g->pusher,
					 g->me, tip_role[0] ? tip_role : "no role");
		st = guard_refuse(w, &c, cairn_buf_str(&b), err);
		cairn_buf_done(&b);
	}
	if (st == CAIRN_OK && enforced)
		st = guard_check_tip(g, tip, w->ref, err);
done:
	free(l.v);
	return st;
}
