/* The rules at the shared repository (see include/cairn/guard.h): who
 * pushes, which person that is, whether each pushed commit's changes to
 * records are its author's to make, and whether the pusher may push a
 * commit in another's name (a leader relays).  The first push into an
 * empty repository is guard_first.c's.  Reads the bare repository
 * through core/git/ only; the rules are core/model/roles.c's. */
#include "cairn/guard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cairn/buf.h"
#include "cairn/config.h"
#include "cairn/fs.h"
#include "cairn/gitstore.h"
#include "cairn/layout.h"
#include "cairn/roles.h"
#include "cairn/sanitize.h"
#include "git/incoming.h"
#include "git/log.h"
#include "workbook/guard_internal.h"

#define ZERO_OID "0000000000000000000000000000000000000000"

static cairn_status read_record_blob(cairn_git *git, const cairn_oid *blob, const char *path,
				     cairn_record *rec, bool *present, cairn_error *err)
{
	char *data = NULL;
	size_t len = 0;
	cairn_status st;

	*present = false;
	cairn_record_init(rec);
	if (!blob->hex[0])
		return CAIRN_OK;
	if ((st = cairn_git_read_blob(git, blob, &data, &len, err)))
		return st;
	st = cairn_record_parse(rec, data, len, path, err);
	free(data);
	*present = st == CAIRN_OK;
	return st;
}

/* The person whose login is the pusher's, and the leaders, at base. */
cairn_status guard_person_file(const char *path, unsigned mode, const cairn_oid *blob, void *ctx,
			       cairn_error *err)
{
	guard *g = ctx;
	cairn_record rec;
	cairn_error ignored;
	cairn_ref ref;
	bool present;
	const char *login, *role;

	(void)mode;
	(void)err;
	if (strncmp(path, "persons/", 8) || cairn_path_ref(path, &ref, &ignored) != CAIRN_OK ||
	    ref.kind != CAIRN_KIND_PERSON)
		return CAIRN_OK;
	if (read_record_blob(g->git, blob, path, &rec, &present, &ignored) == CAIRN_OK) {
		login = cairn_record_get(&rec, "login");
		role = cairn_record_get(&rec, "role");
		if (login && !strcmp(login, g->pusher) && !g->me[0] && !g->first) {
			snprintf(g->me, sizeof g->me, "%s", ref.id);
			snprintf(g->role, sizeof g->role, "%s", role ? role : "");
		}
		if (role && !strcmp(role, "leader"))
			cairn_buf_printf(&g->leaders, "%s%s", cairn_buf_str(&g->leaders)[0] ? ", " : "",
					 ref.id);
		if (cairn_record_get(&rec, "email") && *cairn_record_get(&rec, "email") &&
		    !strpbrk(cairn_record_get(&rec, "email"), "\t\n"))
			cairn_buf_printf(&g->emails, "\n%s\t%s", cairn_record_get(&rec, "email"), ref.id);
		if (login && *login && !strpbrk(login, "\t\n"))
			cairn_buf_printf(&g->logins, "\n%s\t%s", login, ref.id);
		if (role && *role && !strpbrk(role, "\t\n"))
			cairn_buf_printf(&g->roles, "\n%s\t%s", ref.id, role);
	}
	cairn_record_done(&rec);
	return CAIRN_OK;
}

void guard_forget(guard *g)
{
	cairn_buf_reset(&g->leaders);
	cairn_buf_reset(&g->emails);
	cairn_buf_reset(&g->logins);
	cairn_buf_reset(&g->roles);
	cairn_ruleset_done(&g->local);
	if (!g->first) {
		g->me[0] = '\0';
		g->role[0] = '\0';
	}
}

void guard_done(guard *g)
{
	cairn_buf_done(&g->leaders);
	cairn_buf_done(&g->emails);
	cairn_buf_done(&g->logins);
	cairn_buf_done(&g->roles);
	cairn_ruleset_done(&g->local);
}

cairn_status guard_refuse(walk_ctx *w, const cairn_git_commit_info *c, const char *what,
			   cairn_error *err)
{
	size_t sum = c->message ? strcspn(c->message, "\n") : 0;
	return cairn_fail(err, CAIRN_EINPUT, "%s: commit %.12s (\"%.*s\"): %s; nothing of this push "
			  "is taken", w->ref, c->id.hex, (int)(sum > 60 ? 60 : sum),
			  c->message ? c->message : "", what);
}

/* The value after "\nkey\t" in list (case aside), into out: false when none. */
static bool lookup(const cairn_buf *list, const char *key, char *out, size_t n)
{
	size_t len = key ? strlen(key) : 0;

	for (const char *p = cairn_buf_str(list); len && (p = strchr(p, '\n'));) {
		const char *tab = strchr(++p, '\t'), *end;
		if (!tab)
			break;
		end = tab + 1 + strcspn(tab + 1, "\n");
		if ((size_t)(tab - p) == len && !strncasecmp(p, key, len)) {
			snprintf(out, n, "%.*s", (int)(end - tab - 1), tab + 1);
			return true;
		}
		p = end;
	}
	return false;
}

/* The person whose e-mail this is (case aside), into id: false when none. */
static bool person_of_email(const guard *g, const char *email, char *id, size_t n)
{
	return lookup(&g->emails, email, id, n);
}

void guard_role_of(const guard *g, const char *id, char *out, size_t n)
{
	if (!lookup(&g->roles, id, out, n))
		snprintf(out, n, "%s", "");
}

/* Whether the commit's author (w->aid, else the pusher) may change a
 * record from before to after (either NULL: added, removed). */
static cairn_status judge(walk_ctx *w, const cairn_git_commit_info *c, const cairn_ref *ref,
			  const cairn_record *before, const cairn_record *after, cairn_error *err)
{
	guard *g = w->g;
	cairn_actor a = { w->aid, w->arole, &g->local };
	const cairn_rule *rule;
	const char *field = NULL;
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_status st = CAIRN_OK;

	if (before && after && cairn_record_equal(before, after))
		return CAIRN_OK;
	if (!g->me[0]) {
		cairn_buf_printf(&b, "%s/%s: the pusher, %s, is no person of the workbook (no "
				 "person has login: %s): ask a leader (%s) to set it on your "
				 "person record", cairn_kind_def_of(ref->kind)->name, ref->id,
				 g->pusher, g->pusher, cairn_buf_str(&g->leaders));
		st = guard_refuse(w, c, cairn_buf_str(&b), err);
	} else if ((rule = cairn_rules_first_refusal_after(&a, ref->kind, ref->id, before, after,
							   &field))) {
		bool whole = field[0] == '+' || field[0] == '-';
		cairn_buf_printf(&b, "%s/%s: %s%sonly ", cairn_kind_def_of(ref->kind)->name,
				 ref->id, whole ? "" : field, whole ? "" : ": ");
		cairn_rule_describe(rule, &b);
		cairn_buf_printf(&b, " may %s, and ", field[0] == '+' ? "add it" : field[0] == '-' ?
				 "remove it" : "change it");
		if (w->relayed)
			cairn_buf_printf(&b, "its author is person/%s (%s), whose commit the pusher, "
					 "%s, relays", w->aid, w->arole[0] ? w->arole : "no role",
					 g->pusher);
		else
			cairn_buf_printf(&b, "the pusher, %s, is person/%s (%s)", g->pusher, w->aid,
					 w->arole[0] ? w->arole : "no role");
		st = guard_refuse(w, c, cairn_buf_str(&b), err);
	}
	cairn_buf_done(&b);
	return st;
}

/* What any change to path must pass before its records are read: the
 * settings are a leader's, and a file in a record folder is a record.
 * *ref: the record, kind NONE when the path is no record's. */
static cairn_status check_path(walk_ctx *w, const cairn_git_commit_info *c, const char *path,
			       bool present, cairn_ref *ref, cairn_error *err)
{
	guard *g = w->g;
	cairn_error why;
	cairn_status st = CAIRN_OK;

	if (!strcmp(path, CAIRN_SETTINGS_FILE) || !strncmp(path, "persons/", 8))
		g->persons_touched = true;
	ref->kind = CAIRN_KIND_NONE;
	if (!strcmp(path, CAIRN_SETTINGS_FILE) && strcmp(w->arole, "leader")) {
		cairn_buf b = CAIRN_BUF_INIT;
		if (w->relayed)
			cairn_buf_printf(&b, "%s: the workbook's settings (its rules among them) "
					 "are a leader's to change, and its author, person/%s, is %s",
					 CAIRN_SETTINGS_FILE, w->aid, w->arole[0] ? w->arole : "no role");
		else
			cairn_buf_printf(&b, "%s: the workbook's settings (its rules among them) "
					 "are a leader's to change, and the pusher, %s, is %s",
					 CAIRN_SETTINGS_FILE, g->pusher, g->me[0] ? g->role : "no person");
		st = guard_refuse(w, c, cairn_buf_str(&b), err);
		cairn_buf_done(&b);
	} else if (!strcmp(path, ".gitignore") && strcmp(w->arole, "leader")) {
		/* What git hides from a member's plain `git add`: cairn init's. */
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_printf(&b, ".gitignore: what git hides in the workbook is a leader's to "
				 "change, and %s, person/%s, is %s", w->relayed ? "its author" :
				 "the pusher", g->me[0] ? w->aid : g->pusher,
				 w->arole[0] ? w->arole : "no role");
		st = guard_refuse(w, c, cairn_buf_str(&b), err);
		cairn_buf_done(&b);
	} else if (cairn_path_ref(path, ref, &why) != CAIRN_OK || ref->kind == CAIRN_KIND_NONE) {
		/* In cairn's own folders every file is a record: one the rules
		 * cannot place is not let in. */
		ref->kind = CAIRN_KIND_NONE;
		if (present && cairn_path_in_record_folders(path))
			st = guard_refuse(w, c, why.msg, err);
	}
	return st;
}

static cairn_status unreadable(walk_ctx *w, const cairn_git_commit_info *c, const char *path,
			       const cairn_error *why, cairn_error *err)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_status st;
	cairn_buf_printf(&b, "%s is not a record cairn can read (%s)", path, why->msg);
	st = guard_refuse(w, c, cairn_buf_str(&b), err);
	cairn_buf_done(&b);
	return st;
}

static cairn_status check_change(walk_ctx *w, const cairn_git_commit_info *c,
				 const cairn_git_delta *d, cairn_error *err)
{
	guard *g = w->g;
	cairn_record before, after;
	bool had = false, has = false;
	cairn_error why;
	cairn_ref ref;
	cairn_status st;

	if ((st = check_path(w, c, d->path, d->new_blob.hex[0] != '\0', &ref, err)) ||
	    ref.kind == CAIRN_KIND_NONE)
		return st;
	cairn_record_init(&before);
	cairn_record_init(&after);
	if (read_record_blob(g->git, &d->old_blob, d->path, &before, &had, &why) != CAIRN_OK)
		had = false;
	if (read_record_blob(g->git, &d->new_blob, d->path, &after, &has, &why) != CAIRN_OK)
		st = unreadable(w, c, d->path, &why, err);
	else
		st = judge(w, c, &ref, had ? &before : NULL, has ? &after : NULL, err);
	cairn_record_done(&before);
	cairn_record_done(&after);
	return st;
}

/* ---- merges: only what is the merge's own ---- */

/* A file as one commit holds it. */
typedef struct side {
	bool in;                /* the commit has the file */
	bool parsed;            /* ... and it reads as a record */
	cairn_oid blob;
	cairn_record rec;
	cairn_error why;        /* why it does not read */
} side;

static void side_read(guard *g, const cairn_oid *commit, const char *path, side *s)
{
	char *data = NULL;
	size_t len = 0;

	memset(s, 0, sizeof *s);
	cairn_record_init(&s->rec);
	if (!commit->hex[0] ||
	    cairn_git_read_path(g->git, commit, path, &data, &len, &s->blob, &s->why) != CAIRN_OK)
		return;
	s->in = true;
	s->parsed = cairn_record_parse(&s->rec, data, len, path, &s->why) == CAIRN_OK;
	free(data);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Is v (the merge's) its own, given each parent's value pv[] and the
 * merge base's b (NULL: absent)?  Own when no parent holds it, or when it
 * is the base's while a side changed it (that side's change dropped):
 * *from is then the parent it is a change from. */
static bool own_value(const char *v, const char *const *pv, size_t np, const char *b,
		      size_t *from)
{
	bool held = false;

	for (size_t k = 0; k < np; k++)
		held = held || same(v, pv[k]);
	*from = 0;
	if (!held)
		return true;
	if (!same(v, b))
		return false;
	for (size_t k = 0; k < np; k++)
		if (!same(pv[k], b)) {
			*from = k;
			return true;
		}
	return false;
}

static cairn_status set_or_unset(cairn_record *rec, const char *key, const char *value,
				 cairn_error *err)
{
	if (value)
		return cairn_record_set(rec, key, value, err);
	cairn_record_unset(rec, key);
	return CAIRN_OK;
}

static cairn_status check_merge_path(walk_ctx *w, const cairn_git_commit_info *c,
				     const char *path, const cairn_oid *base, cairn_error *err)
{
	guard *g = w->g;
	size_t np = c->nparents, from, first = np;
	side m, b, p[CAIRN_GIT_MAX_PARENTS];
	const char *pv[CAIRN_GIT_MAX_PARENTS];
	cairn_record before, after;
	cairn_ref ref;
	cairn_status st = CAIRN_OK;

	side_read(g, &c->id, path, &m);
	side_read(g, base, path, &b);
	for (size_t k = 0; k < np; k++) {
		side_read(g, &c->parent[k], path, &p[k]);
		pv[k] = p[k].in ? p[k].blob.hex : NULL;
		if (p[k].in && first == np)
			first = k;
	}
	cairn_record_init(&before);
	cairn_record_init(&after);
	if (!own_value(m.in ? m.blob.hex : NULL, pv, np, b.in ? b.blob.hex : NULL, &from) ||
	    (st = check_path(w, c, path, m.in, &ref, err)) || ref.kind == CAIRN_KIND_NONE)
		goto done;
	if (m.in && !m.parsed) {
		st = unreadable(w, c, path, &m.why, err);
		goto done;
	}
	for (size_t k = 0; k < np; k++)
		pv[k] = p[k].in ? "" : NULL;
	if (own_value(m.in ? "" : NULL, pv, np, b.in ? "" : NULL, &from)) {
		/* Added, removed, or brought back: a change of the record itself. */
		st = judge(w, c, &ref, p[from].in ? &p[from].rec : NULL, m.in ? &m.rec : NULL, err);
		goto done;
	}
	if (!m.in || first == np)
		goto done;
	/* Field by field, from the first parent that has it. */
	if ((st = cairn_record_copy(&before, &p[first].rec, err)) ||
	    (st = cairn_record_copy(&after, &p[first].rec, err)))
		goto done;
	for (size_t pass = 0; pass < np + 2 && st == CAIRN_OK; pass++) {
		/* Every key of the merge, of each parent and of the base. */
		const cairn_record *src = pass == 0 ? &m.rec : pass == 1 ? &b.rec : &p[pass - 2].rec;
		for (size_t i = 0; i < src->nfields && st == CAIRN_OK; i++) {
			const char *key = src->fields[i].key, *v = cairn_record_get(&m.rec, key);
			for (size_t k = 0; k < np; k++)
				pv[k] = p[k].in ? cairn_record_get(&p[k].rec, key) : NULL;
			if (!own_value(v, pv, np, b.in ? cairn_record_get(&b.rec, key) : NULL, &from))
				continue;
			if ((st = set_or_unset(&before, key, pv[from], err)) == CAIRN_OK)
				st = set_or_unset(&after, key, v, err);
		}
	}
	if (st == CAIRN_OK)
		st = judge(w, c, &ref, &before, &after, err);
done:
	cairn_record_done(&before);
	cairn_record_done(&after);
	cairn_record_done(&m.rec);
	cairn_record_done(&b.rec);
	for (size_t k = 0; k < np; k++)
		cairn_record_done(&p[k].rec);
	return st;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A merge: every file it differs from some parent in, each judged for
 * what is the merge's own. */
static cairn_status check_merge(walk_ctx *w, const cairn_git_commit_info *c, cairn_error *err)
{
	guard *g = w->g;
	cairn_oid base = { "" };
	cairn_error ignored;
	char **paths = NULL;
	size_t n = 0, cap = 0;
	cairn_status st = CAIRN_OK;

	/* One merge base says what each of two sides changed; against more
	 * parents it says nothing of the third (an old commit's value taken
	 * back would pass for its side's).  cairn never makes such a merge:
	 * all it differs in from its first parent is its own. */
	if (c->nparents > 2) {
		cairn_git_delta *d = NULL;
		size_t nd = 0;
		if ((st = cairn_git_diff(g->git, &c->parent[0], &c->id, &d, &nd, err)) == CAIRN_OK)
			for (size_t i = 0; i < nd && st == CAIRN_OK; i++)
				st = check_change(w, c, &d[i], err);
		cairn_git_deltas_free(d, nd);
		return st;
	}
	if (cairn_git_merge_base(g->git, &c->parent[0], &c->parent[1], &base, &ignored) != CAIRN_OK)
		base.hex[0] = '\0';
	for (size_t k = 0; k < c->nparents && st == CAIRN_OK; k++) {
		cairn_git_delta *d = NULL;
		size_t nd = 0;
		if ((st = cairn_git_diff(g->git, &c->parent[k], &c->id, &d, &nd, err)))
			break;
		for (size_t i = 0; i < nd && st == CAIRN_OK; i++) {
			if (n == cap) {
				char **grown = realloc(paths, (cap = cap ? cap * 2 : 64) * sizeof *grown);
				if (!grown) {
					st = cairn_oom(err);
					break;
				}
				paths = grown;
			}
			paths[n++] = d[i].path;
			d[i].path = NULL;
		}
		cairn_git_deltas_free(d, nd);
	}
	if (n > 1)
		qsort(paths, n, sizeof *paths, by_path);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		if (!i || strcmp(paths[i], paths[i - 1]))
			st = check_merge_path(w, c, paths[i], &base, err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return st;
}

cairn_status guard_check_commit(const cairn_git_commit_info *c, const cairn_git_delta *changes,
				size_t n, bool *stop, void *ctx, cairn_error *err)
{
	walk_ctx *w = ctx;
	guard *g = w->g;
	char author[CAIRN_REF_ID_MAX + 1];
	/* Who a commit says wrote it is what `cairn log` shows and audits:
	 * its changes are judged for its author's person.  A commit whose
	 * author's e-mail is no person's is the pusher's to answer for, and
	 * so is all that one who may not relay pushes: what they may not do
	 * is told as theirs, then a commit in another's name. */
	bool other = person_of_email(g, c->author_email, author, sizeof author) &&
		     strcasecmp(author, g->me) != 0;
	cairn_status st = CAIRN_OK;

	(void)stop;
	w->relayed = other && g->relays;
	snprintf(w->aid, sizeof w->aid, "%s", w->relayed ? author : g->me);
	if (w->relayed)
		guard_role_of(g, author, w->arole, sizeof w->arole);
	else
		snprintf(w->arole, sizeof w->arole, "%s", g->role);
	if (c->nparents > 1)
		st = check_merge(w, c, err);
	for (size_t i = 0; c->nparents < 2 && i < n && st == CAIRN_OK; i++)
		st = check_change(w, c, &changes[i], err);
	/* A member pushes commits in their own name; a leader also relays
	 * other members' (ones the shared branch already holds are not
	 * pushed again, so never judged twice). */
	if (st == CAIRN_OK && g->me[0] && other && !g->relays) {
		cairn_buf b = CAIRN_BUF_INIT;
		char *mail = cairn_sanitize_cols(c->author_email, 80, CAIRN_SAN_ASCII);
		cairn_buf_printf(&b, "its author is person/%s (%s), and the pusher, %s, is person/%s: "
				 "push commits made in your own name (git's user.email, cairn's "
				 "[user] email); only a leader relays another member's commits (let "
				 "person/%s push them, or a leader)", author, mail ? mail : "?",
				 g->pusher, g->me, author);
		st = guard_refuse(w, c, cairn_buf_str(&b), err);
		free(mail);
		cairn_buf_done(&b);
	}
	return st;
}

static int by_key(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = strcspn(x, "\t"), ny = strcspn(y, "\t");
	int c = strncasecmp(x, y, nx < ny ? nx : ny);
	return c ? c : (nx > ny) - (nx < ny);
}

/* Two persons with one value in list ("\nvalue\tid" lines): the value
 * and both ids into what (false: none, or no memory to tell). */
static bool duplicate(const cairn_buf *list, char *what, size_t n)
{
	char *copy = strdup(cairn_buf_str(list)), **v = NULL, *save = NULL;
	size_t nv = 0, cap = 0;
	bool found = false;

	for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (nv == cap) {
			char **grown = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *grown);
			if (!grown)
				break;
			v = grown;
		}
		v[nv++] = line;
	}
	if (nv > 1)
		qsort(v, nv, sizeof *v, by_key);
	for (size_t i = 1; i < nv && !found; i++)
		if (!by_key(&v[i - 1], &v[i])) {
			size_t k = strcspn(v[i], "\t");
			snprintf(what, n, "%.*s is both person/%s's and person/%s's", (int)k, v[i],
				 v[i - 1] + k + 1, v[i] + k + 1);
			found = true;
		}
	free(v);
	free(copy);
	return found;
}

/* After a push that changed persons or the settings: an enforced
 * workbook keeps its settings file and at least one leader, and one
 * e-mail or login names one person. */
cairn_status guard_check_tip(guard *g, const cairn_oid *tip, const char *ref, cairn_error *err)
{
	cairn_settings s = { 0 };
	char *ini = NULL;
	size_t len = 0;
	cairn_oid blob;
	cairn_error why;
	guard after = GUARD_INIT(g->git, "");
	cairn_ruleset rs = { NULL, 0 };
	char dup[400];
	cairn_status st = CAIRN_OK;

	if (cairn_git_read_path(g->git, tip, CAIRN_SETTINGS_FILE, &ini, &len, &blob, &why) != CAIRN_OK)
		st = cairn_fail(err, CAIRN_EINPUT, "%s: the push removes %s, the workbook's settings "
				"and rules: a leader turns the rules off with mode = open in it; "
				"nothing of this push is taken", ref, CAIRN_SETTINGS_FILE);
	else if (cairn_settings_parse(ini, CAIRN_SETTINGS_FILE, &s, NULL, NULL, &why) != CAIRN_OK)
		st = cairn_fail(err, CAIRN_EINPUT, "%s: after the push %s cannot be read (%s); "
				"nothing of this push is taken", ref, CAIRN_SETTINGS_FILE, why.msg);
	else if (cairn_ruleset_parse(s.rule_lines, &rs, &why) != CAIRN_OK)
		st = cairn_fail(err, CAIRN_EINPUT, "%s: after the push %s; nothing of this push is "
				"taken", ref, why.msg);
	else if (s.rules_enforced &&
		 (st = cairn_git_each_file(g->git, tip, guard_person_file, &after, err)) == CAIRN_OK &&
		 !cairn_buf_str(&after.leaders)[0])
		st = cairn_fail(err, CAIRN_EINPUT, "%s: after the push no person is a leader, and "
				"nobody could change the roles or the rules again: keep one (role: "
				"leader); nothing of this push is taken", ref);
	else if (s.rules_enforced && (duplicate(&after.emails, dup, sizeof dup) ||
				      duplicate(&after.logins, dup, sizeof dup)))
		st = cairn_fail(err, CAIRN_EINPUT, "%s: after the push the e-mail or login %s, and "
				"each says who is who: give each person their own; nothing of this "
				"push is taken", ref, dup);
	free(ini);
	cairn_settings_done(&s);
	cairn_ruleset_done(&rs);
	guard_done(&after);
	return st;
}

cairn_status cairn_guard_push(const char *gitdir, const char *pusher, const char *old_hex,
			      const char *new_hex, const char *ref, cairn_error *err)
{
	guard g = GUARD_INIT(NULL, pusher ? pusher : "");
	cairn_oid base = { "" }, tip = { "" }, fork = { "" }, blob;
	cairn_error ignored;
	cairn_settings s = { 0 };
	char *ini = NULL;
	size_t len = 0;
	walk_ctx w = { &g, ref, "", "", false };
	/* Tags and the rest hold no records cairn reads: a leader's to push. */
	bool branch = !strncmp(ref, "refs/heads/", 11);
	cairn_status st;

	if ((st = cairn_git_open_bare(gitdir, &g.git, err)) || (st = cairn_git_use_env_objects(g.git, err)))
		goto done;
	if (strcmp(old_hex, ZERO_OID) && branch)
		snprintf(base.hex, sizeof base.hex, "%.40s", old_hex);
	else if (cairn_git_revision(g.git, "refs/heads/main", &base, err) != CAIRN_OK)
		base.hex[0] = '\0';     /* the first push: it makes the workbook */
	if (!strcmp(new_hex, ZERO_OID) && !base.hex[0])
		goto done;
	if (!base.hex[0] && strcmp(ref, "refs/heads/main")) {
		/* Nobody to judge it yet: the workbook is founded on main first. */
		st = cairn_fail(err, CAIRN_EINPUT, "%s: the repository has no branch main yet: the "
				"first push founds it (cairn sync, or git push origin main), before "
				"any other branch, tag or ref", ref);
		goto done;
	}
	snprintf(tip.hex, sizeof tip.hex, "%.40s", new_hex);
	/* What would block a peer's sync (links, .git, names a system would
	 * misread, folders too deep, files over 100 MiB) never gets in, into
	 * an open workbook neither. */
	if (strcmp(new_hex, ZERO_OID) && branch &&
	    (st = cairn_git_check_pushed(g.git, ref, &base, &tip, err)))
		goto done;
	if (!base.hex[0]) {
		st = guard_first_push(&g, &w, &tip, err);
		goto done;
	}
	/* The rules as the branch holds them before the push. */
	if (cairn_git_read_path(g.git, &base, CAIRN_SETTINGS_FILE, &ini, &len, &blob, err) != CAIRN_OK ||
	    cairn_settings_parse(ini, CAIRN_SETTINGS_FILE, &s, NULL, NULL, err) != CAIRN_OK ||
	    !s.rules_enforced)
		goto done;
	if ((st = cairn_ruleset_parse(s.rule_lines, &g.local, err)) ||
	    (st = cairn_git_each_file(g.git, &base, guard_person_file, &g, err)))
		goto done;
	g.relays = !strcmp(g.role, "leader");
	/* One who is no person pushes nothing: no file outside the records,
	 * no commit in a member's name. */
	if (!g.me[0]) {
		st = cairn_fail(err, CAIRN_EINPUT, "%s: the pusher, %s, is no person of the workbook "
				"(no person has login: %s): ask a leader (%s) to set it on your "
				"person record; nothing of this push is taken", ref, g.pusher,
				g.pusher, cairn_buf_str(&g.leaders));
		goto done;
	}
	/* A member's work is the branch main (cairn syncs no other): another
	 * branch, judged against rules and persons of its own, would keep
	 * a demoted leader's powers there until merged. */
	if (strcmp(ref, "refs/heads/main") && strcmp(g.role, "leader")) {
		st = cairn_fail(err, CAIRN_EINPUT, "%s: only a leader may push a branch other than "
				"main, a tag or another ref; the pusher, %s, is %s: push main (cairn "
				"sync)", ref, g.pusher, g.role[0] ? g.role : "no role");
		goto done;
	}
	if (!branch)
		goto done;
	if (!strcmp(new_hex, ZERO_OID)) {
		if (strcmp(g.role, "leader"))
			st = cairn_fail(err, CAIRN_EINPUT, "%s: only a leader may delete a branch; the "
					"pusher, %s, is %s", ref, g.pusher, g.me[0] ? g.role : "no person");
		goto done;
	}
	/* A push that drops commits the branch holds (a force-push) would
	 * undo others' work with no commit of its own to judge. */
	if (strcmp(old_hex, ZERO_OID) && strcmp(g.role, "leader") &&
	    (cairn_git_merge_base(g.git, &base, &tip, &fork, &ignored) != CAIRN_OK ||
	     strcmp(fork.hex, base.hex))) {
		st = cairn_fail(err, CAIRN_EINPUT, "%s: the push drops commits the shared branch "
				"holds (it is no fast-forward): only a leader may rewrite it; the "
				"pusher, %s, is %s: fetch, merge (cairn sync) and push again",
				ref, g.pusher, g.me[0] ? g.role : "no person");
		goto done;
	}
	if ((st = cairn_git_walk(g.git, &tip, &base, true, guard_check_commit, &w, err)) == CAIRN_OK &&
	    g.persons_touched)
		st = guard_check_tip(&g, &tip, ref, err);
done:
	if (st != CAIRN_EINPUT && st != CAIRN_OK)
		cairn_error_prefix(err, "cairn guard");
	free(ini);
	cairn_settings_done(&s);
	guard_done(&g);
	cairn_git_close(g.git);
	return st;
}

static const char hook_mark[] = "# cairn guard: the workbook's rules at the shared repository\n";

cairn_status cairn_guard_install(const char *gitdir, const char *program, cairn_error *err)
{
	cairn_buf path = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT;
	struct stat sb;
	cairn_status st = CAIRN_OK;
	FILE *f;

	cairn_buf_printf(&path, "%s/objects", gitdir);
	if (stat(cairn_buf_str(&path), &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		st = cairn_fail(err, CAIRN_EINPUT, "%s is not a bare git repository (no objects "
				"folder): name the shared repository, such as "
				"/srv/cairn/citizen-city.git", gitdir);
		goto done;
	}
	cairn_buf_reset(&path);
	cairn_buf_printf(&path, "%s/hooks", gitdir);
	mkdir(cairn_buf_str(&path), 0775);
	cairn_buf_adds(&path, "/pre-receive");
	if ((f = fopen(cairn_buf_str(&path), "r"))) {
		char line[256] = "", mark[256] = "";
		bool ours = fgets(line, sizeof line, f) && fgets(mark, sizeof mark, f) &&
			    !strcmp(mark, hook_mark);
		fclose(f);
		if (!ours) {
			st = cairn_fail(err, CAIRN_EEXISTS, "%s is another program's hook: move it "
					"aside (or call `cairn guard` from it), then install again",
					cairn_buf_str(&path));
			goto done;
		}
	}
	cairn_buf_printf(&text, "#!/bin/sh\n%sexec '%s' guard\n", hook_mark, program);
	if (!(f = fopen(cairn_buf_str(&path), "w")) || fputs(cairn_buf_str(&text), f) < 0 ||
	    fclose(f) != 0 || chmod(cairn_buf_str(&path), 0755) != 0)
		st = cairn_fail(err, CAIRN_EIO, "%s: %s", cairn_buf_str(&path), strerror(errno));
done:
	cairn_buf_done(&path);
	cairn_buf_done(&text);
	return st;
}
