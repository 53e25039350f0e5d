/* What arrives from a remote is untrusted.  Before sync.c fast-forwards or
 * merges, every commit between our side and theirs is checked, and in each
 * every tree that differs from the common ancestor's is read from its raw
 * bytes (core/git/incoming_tree.c) and held to an allow-list of what is
 * safe to write: plain files and folders only, names of safe characters,
 * no .git in any spelling, no two names that are one file on macOS or
 * Windows, no file over 100 MiB.  Intermediate commits count: a reviewer's
 * plain `git checkout` of one would write it.
 *
 * What a file holds is data, not danger, and is never refused: a record
 * that does not parse (conflict markers, CRLF), one at a wrong path, a
 * cairn.ini with keys of a newer cairn, a file outside cairn's folders
 * (docs/plan.md).  Refusing it would block every member for ever, even
 * after a later commit fixes it; instead load.c lists what HEAD holds that
 * cannot be read, and cairn carries the rest as git does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/buf.h"
#include "cairn/i18n.h"
#include "git/incoming.h"
#include "cairn/layout.h"
#include "cairn/sanitize.h"
#include "git/git_internal.h"
#include "git/incoming_tree.h"

/* Far above any record (CAIRN_RECORD_MAX) or note a group keeps, and what
 * git hosts refuse too (GitHub: 100 MiB): only a remote out to fill our
 * memory or disk sends more. */
#define INCOMING_FILE_MAX (100u * 1024u * 1024u)
/* A folder of records holds a few hundred entries; this is thousands. */
#define INCOMING_TREE_MAX (4u << 20)
#define INCOMING_NAME_MAX CAIRN_ID_MAX
/* evaluations/XX/TOOL/WHO: no record sits deeper than three folders.  The
 * group's own files outside them (docs/2016/03/plan.md) may sit deeper,
 * within reason. */
#define INCOMING_DEPTH_MAX 3
#define INCOMING_CARRIED_DEPTH_MAX 8
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
	git_repository *src;            /* where their commits are read: ours after a
					 * fetch, or the remote's folder */
	git_odb *odb;                   /* src's */
	gitpack *pack;                  /* NULL, or each object new to them goes in */
	bool ours_going_out;            /* our own commits, packed for a push: read,
					 * not held to the allow-list */
	char *look;                     /* "-C FOLDER" when src is not ours: where a
					 * refused commit can be seen */
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
		return cairn_oom(c->err);
	return CAIRN_EINPUT;
}

static cairn_status no_memory(check *c)
{
	return cairn_oom(c->err);
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

/* Outside cairn's folders, a file is the group's ("Meeting notes.txt",
 * "plan (v2).md"): these too, harmless on every system.  Never '~' (GIT~1
 * is .git's short name on Windows), ':' (NTFS streams), '\\', '/', '*',
 * '?', '"', '<', '>', '|', controls or non-ASCII (names that macOS folds
 * into .git or into each other). */
static bool carried_char(const char *name, const unsigned char *p)
{
	/* A space between two other characters, in a name that is not
	 * hidden: Windows drops a trailing one, and ".git " is .git there. */
	if (*p == ' ')
		return name[0] != '.' && (const char *)p != name && p[1] && p[1] != ' ';
	return strchr("()+,&'@#!=[]%", *p) != NULL;
}

/* A name cairn would write: ASCII letters, digits, '.', '_', '-'; starting
 * with a letter or digit (or .gitignore at the top).  carried: the name is
 * outside cairn's folders, where carried_char() adds a few. */
static const char *name_problem(const char *name, bool at_top, bool folder, bool carried)
{
	size_t len = strlen(name);

	if (!len)
		return _("has an empty name");
	if (len > INCOMING_NAME_MAX)
		return _("is a name longer than 64 bytes");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-' || (carried && carried_char(name, p))))
			return _("holds a character cairn never writes in a name (only A-Z, a-z, 0-9, "
			       "'.', '_', '-'): a slash, backslash, space, control or non-ASCII "
			       "character");
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return _("is \".\" or \"..\", a step out of its folder");
	/* Windows drops trailing dots: ".git.." is .git there. */
	if (!strncasecmp(name, ".git", 4) && name[4 + strspn(name + 4, ".")] == '\0')
		return _("is .git, git's own folder, in some spelling");
	if (!strcasecmp(name, ".gitmodules") || !strcasecmp(name, ".gitattributes"))
		return _("is a .gitmodules or .gitattributes file, which would change what git does");
	if (!strcasecmp(name, ".cairn"))
		return _("is .cairn, cairn's own folder, which is never committed");
	if (!strcasecmp(name, ".gitignore") && !(at_top && !folder && !strcmp(name, ".gitignore")))
		return _("is a .gitignore below the top, which would hide files from git");
	/* The group's hidden files (.github/, .editorconfig) are carried as
	 * any of theirs; in cairn's folders, cairn writes none. */
	if (name[0] == '.' && !carried && !(at_top && !folder && !strcmp(name, ".gitignore")))
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

/* A file: at most INCOMING_FILE_MAX bytes, its contents never judged (see
 * the top).  base is what the file replaced at its path, for the pack. */
static cairn_status check_file(check *c, const raw_entry *e, const char *path, const git_oid *base)
{
	size_t size = 0;
	git_object_t type = GIT_OBJECT_INVALID;
	git_odb_object *obj = NULL;
	cairn_status st;

	if (git_odb_read_header(&size, &type, c->odb, &e->id) != 0)
		return refuse(c, e->name, _("points at a git object they did not send"));
	if (type != GIT_OBJECT_BLOB)
		return refuse(c, e->name, _("is marked a file but is not one"));
	if (size > INCOMING_FILE_MAX && !c->ours_going_out)
		return refuse(c, e->name, _("is larger than 100 MiB"));
	if (!c->pack)
		return CAIRN_OK;
	if (git_odb_read(&obj, c->odb, &e->id) != 0)
		return refuse(c, e->name, _("points at a git object they did not send"));
	st = gitpack_add(c->pack, GIT_OBJECT_BLOB, &e->id, git_odb_object_data(obj),
			 git_odb_object_size(obj), path, base, c->err);
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
		    e[i].mode_value == git_tree_entry_filemode_raw(te))
			cp[i].known = true;
	}
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
			       const git_oid *base, int depth);

/* Into the folder e (new to every parent): against the parents' folders
 * of that name. */
static cairn_status check_folder(check *c, const raw_entry *e, const counterpart *cp,
				 git_tree *const *parents, size_t np, int depth)
{
	git_tree **subs = np ? calloc(np, sizeof *subs) : NULL;
	size_t keep = strlen(c->dir);
	cairn_status st;

	if (np && !subs)
		return no_memory(c);
	if (depth >= (cairn_path_in_record_folders(depth ? c->dir : e->name)
		      ? INCOMING_DEPTH_MAX : INCOMING_CARRIED_DEPTH_MAX) && !c->ours_going_out) {
		free(subs);
		return refuse(c, e->name, _("is a folder deeper than any record sits (or 8 "
					    "folders down, outside cairn's folders)"));
	}
	for (size_t k = 0; k < np; k++)
		subs[k] = subtree(c->src, parents[k], e->name);
	snprintf(c->dir + keep, sizeof c->dir - keep, "%s/", e->name);
	st = check_tree(c, &e->id, subs, np, cp->first ? git_tree_entry_id(cp->first) : NULL,
			depth + 1);
	if (st == CAIRN_OK)
		c->dir[keep] = '\0';
	for (size_t k = 0; k < np; k++)
		git_tree_free(subs[k]);
	free(subs);
	return st;
}

static cairn_status check_entries(check *c, const raw_entry *e, size_t n,
				  git_tree *const *parents, size_t np, int depth)
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
		else if ((why = name_problem(e[i].name, depth == 0, raw_entry_is_folder(&e[i]),
					     !cairn_path_in_record_folders(depth ? c->dir : e[i].name))) ||
			 (why = mode_problem(c, e[i].mode)))
			st = refuse(c, e[i].name, why);
	}
	if (st == CAIRN_OK && !c->ours_going_out && (why = raw_tree_order_problem(e, n, &bad, &other)))
		st = why == raw_tree_no_memory ? no_memory(c) : refuse(c, e[bad].name, why);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		char key[GIT_OID_HEXSZ + 2 + sizeof c->dir];
		const git_tree_entry *first = cp[i].first;
		if (cp[i].known)
			continue;
		if (raw_entry_is_folder(&e[i])) {
			st = check_folder(c, &e[i], &cp[i], parents, np, depth);
			continue;
		}
		/* A submodule of ours is a commit elsewhere: nothing to send. */
		if (c->ours_going_out && !strcmp(e[i].mode, "160000"))
			continue;
		snprintf(key, sizeof key, "%s %s%s", git_oid_tostr_s(&e[i].id), c->dir, e[i].name);
		if (seen_has(&c->done, key))
			continue;
		if ((st = check_file(c, &e[i], key + GIT_OID_HEXSZ + 1,
				     first ? git_tree_entry_id(first) : NULL)) == CAIRN_OK &&
		    !seen_add(&c->done, key))
			st = no_memory(c);
	}
	free(cp);
	return st;
}

/* The tree id, a folder at c->dir (depth folders down), against its
 * parents' folders at the same place (NULL where they have none); base is
 * the folder it replaced, for the pack. */
static cairn_status check_tree(check *c, const git_oid *id, git_tree *const *parents, size_t np,
			       const git_oid *base, int depth)
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
	if (size > INCOMING_TREE_MAX && !c->ours_going_out)
		return refuse(c, "", _("is a folder of more than 4 MiB of entries"));
	if (git_odb_read(&obj, c->odb, id) != 0)
		return refuse(c, "", _("is a folder whose tree cannot be read"));
	why = raw_tree_parse(git_odb_object_data(obj), git_odb_object_size(obj), &e, &n);
	if (why == raw_tree_no_memory)
		st = no_memory(c);
	else if (why)
		st = refuse(c, "", why);
	else if (!n && !c->ours_going_out)
		st = refuse(c, "", keep ? _("is an empty folder") : _("is a commit with no files at all"));
	else {
		if (keep)
			c->dir[keep - 1] = '/';
		if ((st = check_entries(c, e, n, parents, np, depth)) == CAIRN_OK &&
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
static cairn_status check_commit(check *c, const char *remote, const git_oid *id)
{
	git_commit *cm = NULL;
	git_tree **parents = NULL;
	size_t np = 0;
	git_odb_object *raw = NULL;
	cairn_status st = CAIRN_OK;

	if (git_commit_lookup(&cm, c->src, id) != 0)
		return history_fail(remote, _("a commit of theirs cannot be read"), c->err);
	np = git_commit_parentcount(cm);
	if (np && !(parents = calloc(np, sizeof *parents))) {
		st = no_memory(c);
		np = 0;
	}
	for (size_t k = 0; k < np && st == CAIRN_OK; k++) {
		git_commit *p = NULL;
		if (git_commit_parent(&p, cm, (unsigned)k) != 0 || git_commit_tree(&parents[k], p) != 0)
			st = history_fail(remote, _("a parent of their commit cannot be read"), c->err);
		git_commit_free(p);
	}
	c->dir[0] = '\0';
	if (st == CAIRN_OK)
		st = check_tree(c, git_commit_tree_id(cm), parents, np,
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
				     "`git %s%sshow %.12s`)"), remote, hex, c->shown, c->why,
				     c->look ? c->look : "", c->look ? " " : "", hex);
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
				 const char *stage, cairn_progress_fn progress, void *ctx)
{
	git_repository *ours = cairn_git_repository(c->git, c->err);
	cairn_status st = CAIRN_OK;

	if (!ours)
		return c->err->code;
	if (git_repository_odb(&c->odb, c->src) != 0)
		return history_fail(remote, _("the object database cannot be opened"), c->err);
	/* A refused fetch from a folder wrote nothing here: it is seen there. */
	if (c->src != ours) {
		cairn_buf look = CAIRN_BUF_INIT;
		cairn_buf_printf(&look, "-C %s", git_repository_path(c->src));
		c->look = cairn_sanitize_cols(cairn_buf_str(&look), INCOMING_SHOWN_COLS,
					      CAIRN_SAN_ASCII);
		cairn_buf_done(&look);
	}
	for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
		st = check_commit(c, remote, &ids[i]);
		if (progress)
			progress(stage, i + 1, n, c->pack ? gitpack_bytes(c->pack) : 0, ctx);
	}
	git_odb_free(c->odb);
	free(c->shown);
	free(c->look);
	seen_done(&c->done);
	return st;
}

static void check_init(check *c, cairn_git *git, git_repository *src, gitpack *pack,
		       cairn_error *err)
{
	memset(c, 0, sizeof *c);
	c->git = git;
	c->src = src;
	c->pack = pack;
	c->err = err;
}

cairn_status cairn_git_check_commits(cairn_git *git, const char *remote, git_repository *src,
				     const git_oid *ids, size_t n, gitpack *pack,
				     cairn_progress_fn progress, void *ctx, cairn_error *err)
{
	check c;

	check_init(&c, git, src, pack, err);
	return walk_commits(&c, remote, ids, n, N_("reading commits"), progress, ctx);
}

cairn_status cairn_git_pack_commits(cairn_git *git, const char *remote, const git_oid *ids,
				    size_t n, gitpack *pack, cairn_progress_fn progress, void *ctx,
				    cairn_error *err)
{
	git_repository *ours = cairn_git_repository(git, err);
	check c;

	if (!ours)
		return err->code;
	check_init(&c, git, ours, pack, err);
	c.ours_going_out = true;
	return walk_commits(&c, remote, ids, n, N_("sending commits"), progress, ctx);
}

/* The ids of from..to, parents first, leaving out commits checked before. */
static cairn_status commits_between(cairn_git *git, git_repository *repo, const char *remote,
				    const cairn_oid *from, const cairn_oid *to, git_oid **ids,
				    size_t *n, cairn_error *err)
{
	git_revwalk *walk = NULL;
	git_oid id;
	size_t kept = 0;
	cairn_status st = CAIRN_OK;

	*ids = NULL;
	*n = 0;
	if (git_oid_fromstr(&id, to->hex) != 0 || cairn_git_walk_oldest_first(&walk, repo) != 0 ||
	    git_revwalk_push(walk, &id) != 0)
		st = history_fail(remote, _("their branch is not a commit"), err);
	else if (from->hex[0] &&
		 (git_oid_fromstr(&id, from->hex) != 0 || git_revwalk_hide(walk, &id) != 0))
		st = history_fail(remote, _("our side cannot be read"), err);
	else if (cairn_git_walk_ids(walk, ids, n) != 0)
		st = history_fail(remote, _("their history cannot be walked"), err);
	for (size_t i = 0; i < *n && st == CAIRN_OK; i++)
		if (!cairn_git_was_checked(git, &(*ids)[i]))
			(*ids)[kept++] = (*ids)[i];
	*n = kept;
	git_revwalk_free(walk);
	return st;
}

/* ---- names both sides added ---- */

/* The entries of tree that base does not hold under their name and kind,
 * in one pass over both (each is in git's order: ours by making, theirs
 * checked).  NULL base: all of them.  *out is NULL when there are none. */
static bool added_since(const git_tree *tree, const git_tree *base, const git_tree_entry ***out,
			size_t *n)
{
	size_t m = git_tree_entrycount(tree), mb = base ? git_tree_entrycount(base) : 0, j = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < m; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i), *be = NULL;
		int c = 1;
		while (j < mb && (be = git_tree_entry_byindex(base, j)) &&
		       (c = raw_name_order(git_tree_entry_name(be), entry_is_folder(be),
					   git_tree_entry_name(te), entry_is_folder(te))) < 0)
			j++;
		if (c == 0)
			continue;
		if (!(*n & (*n + 1))) {         /* 0, 1, 3, 7...: room for twice as many */
			const git_tree_entry **v = realloc(*out, (2 * *n + 2) * sizeof *v);
			if (!v)
				return false;
			*out = v;
		}
		(*out)[(*n)++] = te;
	}
	return true;
}

/* In every folder both sides changed since base, a name theirs added that
 * differs only in case from one ours added: merged, the two would be one
 * file on macOS and Windows.  Only the trees being merged count: a name
 * in between (added, then renamed) is never written next to ours. */
static cairn_status case_twins(check *c, const git_tree *base, const git_tree *theirs,
			       const git_tree *ours)
{
	const git_tree_entry **added_theirs = NULL, **added_ours = NULL;
	size_t nt = 0, no = 0, keep = strlen(c->dir), m = git_tree_entrycount(theirs);
	cairn_status st = CAIRN_OK;

	if (!added_since(theirs, base, &added_theirs, &nt) || !added_since(ours, base, &added_ours, &no))
		st = no_memory(c);
	for (size_t i = 0; i < nt && st == CAIRN_OK; i++)
		for (size_t j = 0; j < no && st == CAIRN_OK; j++) {
			const char *name = git_tree_entry_name(added_theirs[i]);
			const char *mine = git_tree_entry_name(added_ours[j]);
			if (strcasecmp(name, mine) || !strcmp(name, mine))
				continue;
			char *safe = cairn_sanitize_cols(mine, INCOMING_SHOWN_COLS, CAIRN_SAN_ASCII);
			snprintf(c->why_buf, sizeof c->why_buf, _("differs only in case from \"%s\", "
				 "which we added here (one file on macOS and Windows)"),
				 safe ? safe : "?");
			free(safe);
			st = refuse(c, name, c->why_buf);
		}
	free(added_theirs);
	free(added_ours);
	/* Down into the folders both sides changed. */
	for (size_t i = 0; i < m && st == CAIRN_OK; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(theirs, i);
		const char *name = git_tree_entry_name(te);
		const git_tree_entry *oe = git_tree_entry_byname(ours, name);
		const git_tree_entry *be = base ? git_tree_entry_byname(base, name) : NULL;
		git_tree *t = NULL, *o = NULL, *b = NULL;
		if (!entry_is_folder(te) || !oe || !entry_is_folder(oe) ||
		    git_oid_equal(git_tree_entry_id(te), git_tree_entry_id(oe)) ||
		    (be && entry_is_folder(be) &&
		     (git_oid_equal(git_tree_entry_id(be), git_tree_entry_id(te)) ||
		      git_oid_equal(git_tree_entry_id(be), git_tree_entry_id(oe)))))
			continue;
		if (git_tree_lookup(&t, c->src, git_tree_entry_id(te)) != 0 ||
		    git_tree_lookup(&o, c->src, git_tree_entry_id(oe)) != 0 ||
		    (be && entry_is_folder(be) && git_tree_lookup(&b, c->src, git_tree_entry_id(be)) != 0))
			st = refuse(c, name, _("is a folder whose tree cannot be read"));
		else {
			snprintf(c->dir + keep, sizeof c->dir - keep, "%s/", name);
			st = case_twins(c, b, t, o);
			if (st == CAIRN_OK)
				c->dir[keep] = '\0';
		}
		git_tree_free(t);
		git_tree_free(o);
		git_tree_free(b);
	}
	return st;
}

/* Their tree to be merged into ours (the head commit's), from base's. */
static cairn_status check_case_twins(cairn_git *git, git_repository *repo, const char *remote,
				     const cairn_oid *from, const cairn_oid *to,
				     const cairn_oid *head, cairn_error *err)
{
	git_commit *cb = NULL, *ct = NULL, *co = NULL;
	git_tree *b = NULL, *t = NULL, *o = NULL;
	git_oid id;
	check c;
	cairn_status st = CAIRN_OK;

	check_init(&c, git, repo, NULL, err);
	if ((from->hex[0] && (git_oid_fromstr(&id, from->hex) || git_commit_lookup(&cb, repo, &id) ||
			      git_commit_tree(&b, cb))) ||
	    git_oid_fromstr(&id, to->hex) || git_commit_lookup(&ct, repo, &id) ||
	    git_commit_tree(&t, ct) || git_oid_fromstr(&id, head->hex) ||
	    git_commit_lookup(&co, repo, &id) || git_commit_tree(&o, co))
		st = history_fail(remote, _("the trees to merge cannot be read"), err);
	else if ((st = case_twins(&c, b, t, o)) == CAIRN_EINPUT && c.why)
		st = cairn_fail(err, CAIRN_EINPUT, _("%s: commit %.12s refused: \"%s\" %s; "
				"nothing was changed here (ask who pushed it, or look with "
				"`git %s%sshow %.12s`)"), remote, to->hex, c.shown, c.why, "", "", to->hex);
	free(c.shown);
	git_tree_free(b);
	git_tree_free(t);
	git_tree_free(o);
	git_commit_free(cb);
	git_commit_free(ct);
	git_commit_free(co);
	return st;
}

/* The commits of from..to held to the allow-list, and marked checked;
 * with pack_them, written as they are read into git->outgoing, the pack
 * a push over ssh sends (else each object is read again for it). */
static cairn_status check_between(cairn_git *git, git_repository *repo, const char *remote,
				  const cairn_oid *from, const cairn_oid *to, bool pack_them,
				  cairn_error *err)
{
	git_oid *ids = NULL;
	gitpack *pack = NULL;
	size_t n = 0;
	cairn_error ignored;
	cairn_status st;

	if ((st = commits_between(git, repo, remote, from, to, &ids, &n, err)))
		return st;
	if (pack_them) {
		gitpack_free(git->outgoing);
		git->outgoing = NULL;
		if (n && gitpack_new(&pack, cairn_git_commondir(git), &ignored) != CAIRN_OK) {
			gitpack_free(pack);     /* the push writes its own */
			pack = NULL;
		}
	}
	st = cairn_git_check_commits(git, remote, repo, ids, n, pack, NULL, NULL, err);
	if (st == CAIRN_OK && pack)
		git->outgoing = pack;
	else
		gitpack_free(pack);
	for (size_t i = 0; i < n && st == CAIRN_OK; i++)
		if (!cairn_git_mark_checked(git, &ids[i]))
			st = cairn_oom(err);
	free(ids);
	return st;
}

cairn_status cairn_git_check_incoming(cairn_git *git, const char *remote, const cairn_oid *from,
				      const cairn_oid *to, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	cairn_oid head;
	cairn_status st;

	if (!repo)
		return err->code;
	if ((st = cairn_git_head(git, &head, err)) ||
	    (st = check_between(git, repo, remote, from, to,
				git->pack_outgoing && !strcmp(to->hex, head.hex), err)))
		return st;
	/* A merge (not a fast-forward, not a clone): ours added names too. */
	if (from->hex[0] && strcmp(head.hex, from->hex))
		st = check_case_twins(git, repo, remote, from, to, &head, err);
	return st;
}

cairn_status cairn_git_check_pushed(cairn_git *git, const char *ref, const cairn_oid *from,
				    const cairn_oid *to, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	return repo ? check_between(git, repo, ref, from, to, false, err) : err->code;
}
