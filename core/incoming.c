/* What arrives from a remote is untrusted.  Before sync.c fast-forwards or
 * merges, every commit between our side and theirs is checked, and in each
 * every tree that differs from the common ancestor's is read from its raw
 * bytes (core/incoming_tree.c) and held to an allow-list: plain files and
 * folders only, names of safe characters, no .git in any spelling, no two
 * names that are one file on macOS or Windows, files under 1 MiB, records
 * at their own path that parse.  Intermediate commits count: a reviewer's
 * plain `git checkout` of one would write it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/config.h"
#include "cairn/i18n.h"
#include "cairn/incoming.h"
#include "cairn/layout.h"
#include "cairn/record.h"
#include "cairn/sanitize.h"
#include "git_internal.h"
#include "incoming_tree.h"
#include "wb_internal.h"

#define INCOMING_FILE_MAX (1024u * 1024u)
/* A folder of records holds a few hundred entries; this is thousands. */
#define INCOMING_TREE_MAX (4u << 20)
#define INCOMING_NAME_MAX CAIRN_ID_MAX
/* evaluations/XX/TOOL/WHO: no record sits deeper than three folders. */
#define INCOMING_DEPTH_MAX 3
#define INCOMING_SHOWN_COLS 160

/* ---- what was checked already: "OID PATH" of trees and files ---- */

typedef struct seen {
	char **slot;
	size_t cap, n;
} seen;

static size_t seen_hash(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool seen_has(const seen *s, const char *key)
{
	if (!s->cap)
		return false;
	for (size_t i = seen_hash(key) & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->slot[i], key))
			return true;
	return false;
}

/* false when out of memory (the key is then simply not remembered). */
static bool seen_add(seen *s, const char *key)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		char **slot = calloc(cap, sizeof *slot);
		if (!slot)
			return false;
		for (size_t i = 0; i < s->cap; i++) {
			size_t j;
			if (!s->slot[i])
				continue;
			for (j = seen_hash(s->slot[i]) & (cap - 1); slot[j]; j = (j + 1) & (cap - 1))
				;
			slot[j] = s->slot[i];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	size_t i = seen_hash(key) & (s->cap - 1);
	for (; s->slot[i]; i = (i + 1) & (s->cap - 1))
		;
	if (!(s->slot[i] = strdup(key)))
		return false;
	s->n++;
	return true;
}

static void seen_done(seen *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
}

/* ---- the walk ---- */

typedef struct check {
	cairn_git *git;
	git_repository *repo;           /* ours: our trees, to compare names with */
	git_repository *src;            /* where their commits are read: ours after a
					 * fetch, or the remote's folder */
	git_odb *odb;                   /* src's */
	gitpack *pack;                  /* NULL, or each object new to them goes in */
	bool ours_going_out;            /* our own commits, packed for a push: read,
					 * not held to the allow-list */
	seen done;
	char dir[1024];                 /* folder being checked: "" or "milestones/4c/" */
	/* The first problem: its path (sanitised) and why (static text or
	 * why_buf). */
	const char *why;
	char why_buf[512];
	char *shown;
	cairn_error *err;
} check;

/* Note the problem with dir + name (why is static text or c->why_buf);
 * CAIRN_EINPUT (CAIRN_ENOMEM when even that fails). */
static cairn_status refuse(check *c, const char *name, const char *why)
{
	char path[1024];

	snprintf(path, sizeof path, "%s%s", c->dir, name);
	if (!path[0])
		snprintf(path, sizeof path, "(the top folder)");
	c->why = why;
	free(c->shown);
	/* The name is theirs: escapes and invisible characters become visible
	 * text, and only ASCII reaches the terminal. */
	if (!(c->shown = cairn_sanitize_cols(path, INCOMING_SHOWN_COLS, CAIRN_SAN_ASCII)))
		return cairn_fail(c->err, CAIRN_ENOMEM, "out of memory");
	return CAIRN_EINPUT;
}

static cairn_status no_memory(check *c)
{
	return cairn_fail(c->err, CAIRN_ENOMEM, "out of memory");
}

static bool windows_device(const char *name)
{
	static const char *const devices[] = { "con", "prn", "aux", "nul", NULL };
	size_t stem = strcspn(name, ".");

	for (size_t i = 0; devices[i]; i++)
		if (stem == 3 && !strncasecmp(name, devices[i], 3))
			return true;
	/* COM1-COM9, LPT1-LPT9 */
	return stem == 4 && (!strncasecmp(name, "com", 3) || !strncasecmp(name, "lpt", 3)) &&
	       name[3] >= '1' && name[3] <= '9';
}

/* A name cairn would write: ASCII letters, digits, '.', '_', '-'; starting
 * with a letter or digit (or .gitignore at the top). */
static const char *name_problem(const char *name, bool at_top, bool folder)
{
	size_t len = strlen(name);

	if (!len)
		return _("has an empty name");
	if (len > INCOMING_NAME_MAX)
		return _("is a name longer than 64 bytes");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			return _("holds a character cairn never writes in a name (only A-Z, a-z, 0-9, "
			       "'.', '_', '-'): a slash, backslash, space, control or non-ASCII "
			       "character");
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return _("is \".\" or \"..\", a step out of its folder");
	if (!strcasecmp(name, ".git"))
		return _("is .git, git's own folder, in some spelling");
	if (!strcasecmp(name, ".gitmodules") || !strcasecmp(name, ".gitattributes"))
		return _("is a .gitmodules or .gitattributes file, which would change what git does");
	if (name[0] == '.' && !(at_top && !folder && !strcmp(name, ".gitignore")))
		return _("is a hidden name (only .gitignore, at the top, comes in)");
	if (name[0] == '-' || name[0] == '_')
		return _("does not start with a letter or a digit");
	if (name[len - 1] == '.')
		return _("ends in '.', which Windows drops");
	if (windows_device(name))
		return _("is a name Windows keeps for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9)");
	return NULL;
}

/* Only "100644" and "40000", spelled as git spells them. */
static const char *mode_problem(check *c, const char *mode)
{
	unsigned long m = strtoul(mode, NULL, 8);
	const char *what;

	if (!strcmp(mode, "100644") || !strcmp(mode, "40000"))
		return NULL;
	if (mode[0] == '0')
		what = _("a zero-padded mode (a tree made by hand)");
	else if ((m & 0170000u) == 0120000u)
		what = _("a symbolic link, which could point outside the workbook");
	else if ((m & 0170000u) == 0160000u)
		what = _("a submodule (a link to another repository)");
	else if (m == 0100755u)
		what = _("an executable file");
	else
		what = _("not a plain file (100644) or folder (40000)");
	snprintf(c->why_buf, sizeof c->why_buf, _("has mode %s: %s"), mode, what);
	return c->why_buf;
}

/* A record at its own path (KIND-FOLDER/XX/ID). */
static const char *record_path_problem(const char *path)
{
	cairn_ref ref;
	cairn_error err;
	char canonical[CAIRN_PATH_MAX];

	if (cairn_path_ref(path, &ref, &err) != CAIRN_OK || ref.kind == CAIRN_KIND_NONE)
		return _("is not where a record lives (KIND-FOLDER/XX/ID)");
	cairn_ref_path(&ref, canonical, sizeof canonical);
	if (strcmp(canonical, path))
		return _("is not the path its record would have");
	return NULL;
}

static void count_warning(const char *message, void *ctx)
{
	(void)message;
	++*(int *)ctx;
}

/* Why the text cannot be taken: cairn_error's message, sanitised. */
static const char *unreadable(check *c, const char *what, const cairn_error *why)
{
	char *safe = cairn_sanitize_cols(why->msg, INCOMING_SHOWN_COLS, CAIRN_SAN_ASCII);

	snprintf(c->why_buf, sizeof c->why_buf, _("is not %s (%s)"), what, safe ? safe : "?");
	free(safe);
	return c->why_buf;
}

/* The contents of a file: at most 1 MiB; cairn.ini settings cairn reads
 * without a complaint; a record that parses.  base is what the file
 * replaced at its path, for the pack. */
static cairn_status check_file(check *c, const raw_entry *e, const char *path, bool at_top,
			       const git_oid *base)
{
	size_t size = 0, len = 0;
	git_object_t type = GIT_OBJECT_INVALID;
	git_odb_object *obj = NULL;
	const char *data = NULL, *why = NULL;
	cairn_error perr;
	cairn_status st = CAIRN_OK;

	if (git_odb_read_header(&size, &type, c->odb, &e->id) != 0)
		return refuse(c, e->name, _("points at a git object they did not send"));
	if (type != GIT_OBJECT_BLOB)
		return refuse(c, e->name, _("is marked a file but is not one"));
	if (c->ours_going_out) {
		if (git_odb_read(&obj, c->odb, &e->id) != 0)
			return refuse(c, e->name, _("points at a git object they did not send"));
		st = gitpack_add(c->pack, GIT_OBJECT_BLOB, &e->id, git_odb_object_data(obj),
				 git_odb_object_size(obj), path, base, c->err);
		git_odb_object_free(obj);
		return st;
	}
	if (size > INCOMING_FILE_MAX)
		return refuse(c, e->name, _("is larger than 1 MiB"));
	if (!at_top && (why = record_path_problem(path)))
		return refuse(c, e->name, why);
	if (c->pack || !at_top || !strcmp(e->name, CAIRN_SETTINGS_FILE)) {
		if (git_odb_read(&obj, c->odb, &e->id) != 0)
			return refuse(c, e->name, _("points at a git object they did not send"));
		data = git_odb_object_data(obj);
		len = git_odb_object_size(obj);
	}
	if (!at_top) {
		cairn_record rec;
		if (cairn_record_parse(&rec, data, len, path, &perr) != CAIRN_OK)
			why = unreadable(c, _("a record cairn can read"), &perr);
		else
			cairn_record_done(&rec);
	} else if (!strcmp(e->name, CAIRN_SETTINGS_FILE)) {
		cairn_settings s;
		int warnings = 0;
		if (cairn_settings_parse(data, path, &s, count_warning, &warnings, &perr) != CAIRN_OK)
			why = unreadable(c, _("settings cairn can read"), &perr);
		else if (warnings)
			why = "is not settings cairn can read (lines it does not understand)";
		cairn_settings_done(&s);
	}
	if (why)
		st = refuse(c, e->name, why);
	else if (c->pack)
		st = gitpack_add(c->pack, GIT_OBJECT_BLOB, &e->id, data, len, path, base, c->err);
	git_odb_object_free(obj);
	return st;
}

/* Each entry's counterpart in the parents' folders: known when a parent
 * holds it as it is (name, object and mode, spelled as git spells it),
 * for it was checked with that parent, or is ours; first is the first
 * parent's entry of that name and kind, the version it replaced. */
typedef struct counterpart {
	bool known;
	const git_tree_entry *first;
} counterpart;

static bool entry_is_folder(const git_tree_entry *te)
{
	return git_tree_entry_filemode_raw(te) == GIT_FILEMODE_TREE;
}

/* One pass over both lists, in git's order.  Theirs may be out of order:
 * then a counterpart is missed, never invented, and the entry is checked
 * as new (and its folder refused for the order). */
static void find_counterparts(const raw_entry *e, size_t n, const git_tree *parent, bool first,
			      counterpart *cp)
{
	size_t m = git_tree_entrycount(parent), j = 0;

	for (size_t i = 0; i < n && j < m; i++) {
		bool folder = raw_entry_sorts_as_folder(&e[i]);
		const git_tree_entry *te = NULL;
		int c = 1;
		while (j < m && (te = git_tree_entry_byindex(parent, j)) &&
		       (c = raw_name_order(git_tree_entry_name(te), entry_is_folder(te), e[i].name,
					   folder)) < 0)
			j++;
		if (c)
			continue;
		if (first)
			cp[i].first = te;
		if (e[i].mode[0] != '0' && git_oid_equal(git_tree_entry_id(te), &e[i].id) &&
		    strtoul(e[i].mode, NULL, 8) == git_tree_entry_filemode_raw(te))
			cp[i].known = true;
	}
}

/* A name of theirs that is new to its folder, and differs only in case
 * from a name our side added there (one not in their parent's folder),
 * would become a second file next to ours when the two are merged. */
static cairn_status check_against_ours(check *c, const raw_entry *e, size_t n,
				       const counterpart *cp, const git_tree *parent,
				       const git_tree *ours)
{
	size_t m = git_tree_entrycount(ours);

	for (size_t i = 0; i < n; i++) {
		if (cp[i].first)
			continue;
		for (size_t j = 0; j < m; j++) {
			const char *mine = git_tree_entry_name(git_tree_entry_byindex(ours, j));
			if (strcasecmp(e[i].name, mine) || !strcmp(e[i].name, mine) ||
			    (parent && git_tree_entry_byname(parent, mine)))
				continue;
			char *safe = cairn_sanitize_cols(mine, INCOMING_SHOWN_COLS, CAIRN_SAN_ASCII);
			snprintf(c->why_buf, sizeof c->why_buf, _("differs only in case from \"%s\", "
				 "which we added here (one file on macOS and Windows)"),
				 safe ? safe : "?");
			free(safe);
			return refuse(c, e[i].name, c->why_buf);
		}
	}
	return CAIRN_OK;
}

/* The subtree of tree named name, if it is a folder there (NULL if not). */
static git_tree *subtree(git_repository *repo, const git_tree *tree, const char *name)
{
	const git_tree_entry *te = tree ? git_tree_entry_byname(tree, name) : NULL;
	git_tree *sub = NULL;

	if (te && entry_is_folder(te))
		git_tree_lookup(&sub, repo, git_tree_entry_id(te));
	return sub;
}

static cairn_status check_tree(check *c, const git_oid *id, git_tree *const *parents, size_t np,
			       const git_tree *ours, const git_oid *base, int depth);

/* Into the folder e (new to every parent): against the parents' folders
 * of that name, and ours's where ours changed it. */
static cairn_status check_folder(check *c, const raw_entry *e, const counterpart *cp,
				 git_tree *const *parents, size_t np, const git_tree *ours,
				 int depth)
{
	git_tree *subs[np ? np : 1], *ours_sub;
	size_t keep = strlen(c->dir);
	cairn_status st;

	if (depth >= INCOMING_DEPTH_MAX)
		return refuse(c, e->name, _("is a folder deeper than any record sits"));
	for (size_t k = 0; k < np; k++)
		subs[k] = subtree(c->src, parents[k], e->name);
	ours_sub = subtree(c->repo, ours, e->name);
	/* Where ours did not change the folder, the parent says it all. */
	if (ours_sub && np && subs[0] && git_oid_equal(git_tree_id(ours_sub), git_tree_id(subs[0]))) {
		git_tree_free(ours_sub);
		ours_sub = NULL;
	}
	snprintf(c->dir + keep, sizeof c->dir - keep, "%s/", e->name);
	st = check_tree(c, &e->id, subs, np, ours_sub,
			cp->first ? git_tree_entry_id(cp->first) : NULL, depth + 1);
	if (st == CAIRN_OK)
		c->dir[keep] = '\0';
	for (size_t k = 0; k < np; k++)
		git_tree_free(subs[k]);
	git_tree_free(ours_sub);
	return st;
}

static cairn_status check_entries(check *c, const raw_entry *e, size_t n,
				  git_tree *const *parents, size_t np, const git_tree *ours,
				  int depth)
{
	counterpart *cp = calloc(n, sizeof *cp);
	size_t bad, other;
	const char *why;
	cairn_status st = CAIRN_OK;

	if (!cp)
		return no_memory(c);
	for (size_t k = 0; k < np; k++)
		if (parents[k])
			find_counterparts(e, n, parents[k], k == 0, cp);
	/* Names and modes first, so that a .git spelled twice is named for
	 * what it is. */
	for (size_t i = 0; i < n && st == CAIRN_OK && !c->ours_going_out; i++) {
		if (cp[i].known)
			continue;
		if (!e[i].name[0])
			st = refuse(c, "", _("holds an entry with an empty name"));
		else if ((why = name_problem(e[i].name, depth == 0, raw_entry_is_folder(&e[i]))) ||
			 (why = mode_problem(c, e[i].mode)))
			st = refuse(c, e[i].name, why);
	}
	if (st == CAIRN_OK && !c->ours_going_out && (why = raw_tree_order_problem(e, n, &bad, &other)))
		st = why == raw_tree_no_memory ? no_memory(c) : refuse(c, e[bad].name, why);
	if (st == CAIRN_OK && ours)
		st = check_against_ours(c, e, n, cp, np ? parents[0] : NULL, ours);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		char key[GIT_OID_HEXSZ + 2 + sizeof c->dir];
		const git_tree_entry *first = cp[i].first;
		if (cp[i].known)
			continue;
		if (raw_entry_is_folder(&e[i])) {
			st = check_folder(c, &e[i], &cp[i], parents, np, ours, depth);
			continue;
		}
		snprintf(key, sizeof key, "%s %s%s", git_oid_tostr_s(&e[i].id), c->dir, e[i].name);
		if (seen_has(&c->done, key))
			continue;
		if ((st = check_file(c, &e[i], key + GIT_OID_HEXSZ + 1, depth == 0,
				     first ? git_tree_entry_id(first) : NULL)) == CAIRN_OK &&
		    !seen_add(&c->done, key))
			st = no_memory(c);
	}
	free(cp);
	return st;
}

/* The tree id, a folder at c->dir (depth folders down), against its
 * parents' folders at the same place and ours's (NULL where they have
 * none); base is the folder it replaced, for the pack. */
static cairn_status check_tree(check *c, const git_oid *id, git_tree *const *parents, size_t np,
			       const git_tree *ours, const git_oid *base, int depth)
{
	char key[GIT_OID_HEXSZ + 2 + sizeof c->dir];
	size_t size = 0, n = 0, keep = strlen(c->dir);
	git_object_t type = GIT_OBJECT_INVALID;
	git_odb_object *obj = NULL;
	raw_entry *e = NULL;
	const char *why;
	cairn_status st;

	snprintf(key, sizeof key, "%s %s", git_oid_tostr_s(id), c->dir);
	if (seen_has(&c->done, key))
		return CAIRN_OK;
	/* Problems with the folder itself name it (its name ends dir). */
	if (keep)
		c->dir[keep - 1] = '\0';
	if (git_odb_read_header(&size, &type, c->odb, id) != 0)
		return refuse(c, "", _("is a folder whose tree they did not send"));
	if (type != GIT_OBJECT_TREE)
		return refuse(c, "", _("is marked a folder but is not one"));
	if (size > INCOMING_TREE_MAX)
		return refuse(c, "", _("is a folder of more than 4 MiB of entries"));
	if (git_odb_read(&obj, c->odb, id) != 0)
		return refuse(c, "", _("is a folder whose tree cannot be read"));
	why = raw_tree_parse(git_odb_object_data(obj), git_odb_object_size(obj), &e, &n);
	if (why == raw_tree_no_memory)
		st = no_memory(c);
	else if (why)
		st = refuse(c, "", why);
	else if (!n)
		st = refuse(c, "", keep ? _("is an empty folder") : _("is a commit with no files at all"));
	else {
		if (keep)
			c->dir[keep - 1] = '/';
		if ((st = check_entries(c, e, n, parents, np, ours, depth)) == CAIRN_OK &&
		    !seen_add(&c->done, key))
			st = no_memory(c);
		if (st == CAIRN_OK && c->pack)
			st = gitpack_add(c->pack, GIT_OBJECT_TREE, id, git_odb_object_data(obj),
					 git_odb_object_size(obj), c->dir, base, c->err);
	}
	free(e);
	git_odb_object_free(obj);
	return st;
}

/* ---- the commits ---- */

static cairn_status history_fail(const char *remote, const char *what, cairn_error *err)
{
	const git_error *e = git_error_last();
	char *safe = cairn_sanitize_cols(e && e->message ? e->message : _("no reason given"),
					 INCOMING_SHOWN_COLS, CAIRN_SAN_ASCII);
	cairn_status st = cairn_fail(err, CAIRN_EINPUT, _("%s: their commits refused: %s (%s); nothing "
				     "was changed here"), remote, what, safe ? safe : "?");
	free(safe);
	return st;
}

/* One commit's tree against its parents' trees. */
static cairn_status check_commit(check *c, const char *remote, const git_oid *id,
				 const git_tree *ours)
{
	git_commit *cm = NULL;
	git_tree **parents = NULL;
	size_t np = 0;
	git_odb_object *raw = NULL;
	cairn_status st = CAIRN_OK;

	if (git_commit_lookup(&cm, c->src, id) != 0)
		return history_fail(remote, _("a commit of theirs cannot be read"), c->err);
	np = git_commit_parentcount(cm);
	if (np && !(parents = calloc(np, sizeof *parents)))
		st = no_memory(c);
	for (size_t k = 0; k < np && st == CAIRN_OK; k++) {
		git_commit *p = NULL;
		if (git_commit_parent(&p, cm, (unsigned)k) != 0 || git_commit_tree(&parents[k], p) != 0)
			st = history_fail(remote, _("a parent of their commit cannot be read"), c->err);
		git_commit_free(p);
	}
	/* Where ours is their parent's tree, ours added nothing to compare. */
	if (ours && np && parents[0] && git_oid_equal(git_tree_id(ours), git_tree_id(parents[0])))
		ours = NULL;
	c->dir[0] = '\0';
	if (st == CAIRN_OK)
		st = check_tree(c, git_commit_tree_id(cm), parents, np, ours,
				np && parents[0] ? git_tree_id(parents[0]) : NULL, 0);
	if (st == CAIRN_OK && c->pack) {
		if (git_odb_read(&raw, c->odb, id) != 0)
			st = history_fail(remote, _("a commit of theirs cannot be read"), c->err);
		else
			st = gitpack_add(c->pack, GIT_OBJECT_COMMIT, id, git_odb_object_data(raw),
					 git_odb_object_size(raw), "", NULL, c->err);
	}
	if (st == CAIRN_EINPUT && c->why) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, id);
		st = c->ours_going_out
			? cairn_fail(c->err, CAIRN_EIO, _("cannot push to %s: our commit %.12s cannot "
				     "be read here: \"%s\" %s (`git fsck` says more)"), remote, hex,
				     c->shown, c->why)
			: cairn_fail(c->err, CAIRN_EINPUT, _("%s: commit %.12s refused: \"%s\" %s; "
				     "nothing was changed here (ask who pushed it, or look with "
				     "`git show %.12s`)"), remote, hex, c->shown, c->why, hex);
	}
	git_odb_object_free(raw);
	for (size_t k = 0; k < np; k++)
		git_tree_free(parents ? parents[k] : NULL);
	free(parents);
	git_commit_free(cm);
	return st;
}

/* The commits ids[0..n) of src, oldest first, so that the first bad one
 * is named; progress hears of each under stage. */
static cairn_status walk_commits(check *c, const char *remote, const git_oid *ids, size_t n,
				 const git_tree *ours, const char *stage,
				 cairn_progress_fn progress, void *ctx)
{
	cairn_status st = CAIRN_OK;

	if (!(c->repo = cairn_git_repository(c->git, c->err)))
		return c->err->code;
	if (git_repository_odb(&c->odb, c->src) != 0)
		return history_fail(remote, _("the object database cannot be opened"), c->err);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		st = check_commit(c, remote, &ids[i], ours);
		if (progress)
			progress(stage, i + 1, n, c->pack ? gitpack_bytes(c->pack) : 0, ctx);
	}
	git_odb_free(c->odb);
	free(c->shown);
	seen_done(&c->done);
	return st;
}

cairn_status cairn_git_check_commits(cairn_git *git, const char *remote, git_repository *src,
				     const git_oid *ids, size_t n, const git_tree *ours,
				     gitpack *pack, cairn_progress_fn progress, void *ctx,
				     cairn_error *err)
{
	check c;

	memset(&c, 0, sizeof c);
	c.git = git;
	c.err = err;
	c.src = src;
	c.pack = pack;
	return walk_commits(&c, remote, ids, n, ours, N_("reading commits"), progress, ctx);
}

cairn_status cairn_git_pack_commits(cairn_git *git, const char *remote, const git_oid *ids,
				    size_t n, gitpack *pack, cairn_progress_fn progress, void *ctx,
				    cairn_error *err)
{
	check c;

	memset(&c, 0, sizeof c);
	c.git = git;
	c.err = err;
	c.pack = pack;
	c.ours_going_out = true;
	if (!(c.src = cairn_git_repository(git, err)))
		return err->code;
	return walk_commits(&c, remote, ids, n, NULL, N_("sending commits"), progress, ctx);
}

/* The ids of from..to, parents first, leaving out commits checked before. */
static cairn_status commits_between(cairn_git *git, git_repository *repo, const char *remote,
				    const cairn_oid *from, const cairn_oid *to, git_oid **ids,
				    size_t *n, cairn_error *err)
{
	git_revwalk *walk = NULL;
	git_oid id;
	size_t cap = 0;
	cairn_status st = CAIRN_OK;
	int rc = GIT_ITEROVER;

	*ids = NULL;
	*n = 0;
	if (git_oid_fromstr(&id, to->hex) != 0 || git_revwalk_new(&walk, repo) != 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) != 0 ||
	    git_revwalk_push(walk, &id) != 0)
		st = history_fail(remote, _("their branch is not a commit"), err);
	else if (from->hex[0] &&
		 (git_oid_fromstr(&id, from->hex) != 0 || git_revwalk_hide(walk, &id) != 0))
		st = history_fail(remote, _("our side cannot be read"), err);
	while (st == CAIRN_OK && (rc = git_revwalk_next(&id, walk)) == 0) {
		if (cairn_git_was_checked(git, &id))
			continue;
		if (*n == cap) {
			git_oid *v = realloc(*ids, (cap = cap ? 2 * cap : 256) * sizeof *v);
			if (!v) {
				st = cairn_fail(err, CAIRN_ENOMEM, "out of memory");
				break;
			}
			*ids = v;
		}
		(*ids)[(*n)++] = id;
	}
	if (st == CAIRN_OK && rc != GIT_ITEROVER)
		st = history_fail(remote, _("their history cannot be walked"), err);
	git_revwalk_free(walk);
	return st;
}

cairn_status wb_check_incoming(cairn_wb *wb, const char *remote, const cairn_oid *from,
			       const cairn_oid *to, cairn_error *err)
{
	return cairn_git_check_incoming(wb->git, remote, from, to, err);
}

cairn_status cairn_git_check_incoming(cairn_git *git, const char *remote, const cairn_oid *from,
				      const cairn_oid *to, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_oid *ids = NULL, id;
	git_commit *head = NULL;
	git_tree *ours = NULL;
	cairn_oid head_id;
	size_t n = 0;
	cairn_status st;

	if (!repo)
		return err->code;
	if ((st = cairn_git_head(git, &head_id, err)) ||
	    (st = commits_between(git, repo, remote, from, to, &ids, &n, err)))
		goto done;
	/* In a merge, our own commits since from hold names too. */
	if (strcmp(head_id.hex, from->hex) && git_oid_fromstr(&id, head_id.hex) == 0 &&
	    git_commit_lookup(&head, repo, &id) == 0)
		git_commit_tree(&ours, head);
	st = cairn_git_check_commits(git, remote, repo, ids, n, ours, NULL, NULL, NULL, err);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		if (!cairn_git_mark_checked(git, &ids[i]))
			st = cairn_fail(err, CAIRN_ENOMEM, "out of memory");
done:
	git_tree_free(ours);
	git_commit_free(head);
	free(ids);
	return st;
}
