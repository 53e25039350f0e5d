/* Creating, finding, opening, closing, recovering and checking a
 * workbook (see include/cairn/workbook.h).  The top of core/workbook/:
 * opening finishes a killed sync's files (follow.c), recovers a killed
 * save and catches the index up (load.c); recovery commits the journal
 * (save.c).  Taking over a plain git merge is the faces' call (sync.c).
 * What the other files use of an open workbook is in core/workbook/handle.c. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cairn/buf.h"
#include "cairn/fs.h"
#include "cairn/kinds.h"
#include "cairn/query.h"
#include "cairn/schema.h"
#include "workbook/wb_internal.h"

/* ---- creating ---- */

static const char *const gitignore_text =
	"# cairn's index and lock: a local cache, never committed\n/.cairn/\n";

/* The first leader of an enforced workbook: the person who makes it, with
 * their configured name and e-mail; the id is the e-mail's local part
 * ("maria@city.eu": maria); their login (on the shared repository, which
 * `cairn guard` knows pushers by) is the account that makes it, so that
 * its first push into a guarded repository as that user founds it.
 * *data is a new string. */
static cairn_status first_leader(const cairn_identity *who, cairn_ref *ref, char **data,
				 size_t *len, cairn_error *err)
{
	cairn_record rec;
	size_t n = 0;
	cairn_status st;

	if (!who->email || !*who->email || !strchr(who->email, '@'))
		return cairn_fail(err, CAIRN_EINPUT,
				  "cairn init records you as the workbook's first leader, by your "
				  "e-mail: set email under [user] in your configuration (or "
				  "git config user.email), or make an open workbook with "
				  "cairn init --open");
	ref->kind = CAIRN_KIND_PERSON;
	for (const char *p = who->email; *p && *p != '@' && n + 1 < sizeof ref->id; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		    *p == '-' || *p == '_')
			ref->id[n++] = *p;
		else if (*p >= 'A' && *p <= 'Z')
			ref->id[n++] = (char)(*p - 'A' + 'a');
	ref->id[n] = '\0';
	if (!n || !cairn_id_part_valid(ref->id))
		snprintf(ref->id, sizeof ref->id, "leader");
	cairn_record_init(&rec);
	if ((st = cairn_record_set(&rec, "name", who->name && *who->name ? who->name : ref->id,
				   err)) == CAIRN_OK &&
	    (st = cairn_record_set(&rec, "email", who->email, err)) == CAIRN_OK &&
	    (st = cairn_record_set(&rec, "category", "other", err)) == CAIRN_OK &&
	    (st = cairn_record_set(&rec, "role", "leader", err)) == CAIRN_OK) {
		struct passwd *pw = getpwuid(getuid());
		if (pw && pw->pw_name && *pw->pw_name && !strpbrk(pw->pw_name, " \t\n"))
			st = cairn_record_set(&rec, "login", pw->pw_name, err);
	}
	if (st == CAIRN_OK) {
		cairn_record_canonical(CAIRN_KIND_PERSON, &rec);
		st = cairn_record_write(&rec, data, len, err);
	}
	cairn_record_done(&rec);
	return st;
}

cairn_status cairn_wb_init(const char *dir, const char *name, cairn_date clock,
			   bool enforced, const cairn_config *cfg, cairn_error *err)
{
	cairn_ref leader = { CAIRN_KIND_PERSON, "" };
	char leader_path[CAIRN_PATH_MAX], *leader_data = NULL;
	size_t leader_len = 0, nfiles = 2;
	cairn_settings s = { 0 };
	cairn_git *git = NULL;
	cairn_identity who = { 0 };
	cairn_git_change files[3];
	cairn_oid parent = { "" }, commit;
	cairn_git_author author;
	char *settings = NULL, *probe = NULL;
	char root[PATH_MAX];
	struct stat sb;
	cairn_status st;

	if ((st = cairn_fs_mkdirs(dir, err)))
		return st;
	if (!realpath(dir, root))
		return cairn_fail(err, CAIRN_EIO, "%s: %s", dir, strerror(errno));
	probe = wb_path_join(root, ".git");
	if (probe && stat(probe, &sb) == 0) {
		free(probe);
		return cairn_fail(err, CAIRN_EEXISTS,
				  "%s is already a git repository; cairn init makes a new workbook "
				  "in an empty folder (to work on an existing one: cairn -C %s)",
				  root, root);
	}
	free(probe);
	s.name = (char *)(name && *name ? name : "workbook");
	s.schema = CAIRN_WORKBOOK_SCHEMA;
	s.clock = clock;
	s.rules_enforced = enforced;
	settings = cairn_settings_text(&s);
	if (!settings)
		return cairn_oom(err);
	st = cairn_git_init(root, &git, err);
	if (st == CAIRN_OK)
		st = wb_identity_of(git, cfg, &who, err);
	if (st != CAIRN_OK)
		goto done;
	if (enforced && (st = first_leader(&who, &leader, &leader_data, &leader_len, err)))
		goto done;
	files[0] = (cairn_git_change){ ".gitignore", gitignore_text, strlen(gitignore_text) };
	files[1] = (cairn_git_change){ CAIRN_SETTINGS_FILE, settings, strlen(settings) };
	if (enforced) {
		cairn_ref_path(&leader, leader_path, sizeof leader_path);
		files[nfiles++] = (cairn_git_change){ leader_path, leader_data, leader_len };
	}
	author = (cairn_git_author){ who.name, who.email, 0, 0 };
	st = cairn_git_commit(git, &parent, files, nfiles, &author, "Start the workbook", &commit,
			      err);
	for (int k = 0; k < CAIRN_KIND_COUNT && st == CAIRN_OK; k++) {
		char *folder = wb_path_join(root, cairn_kind_def_of((cairn_kind)k)->folder);
		st = folder ? cairn_fs_mkdirs(folder, err) : cairn_fail(err, CAIRN_ENOMEM, "oom");
		free(folder);
	}
	for (size_t i = 0; i < nfiles && st == CAIRN_OK; i++)
		st = cairn_fs_write(root, files[i].path, files[i].data, files[i].len, err);
	if (st == CAIRN_OK) {
		const char *paths[] = { ".gitignore", CAIRN_SETTINGS_FILE, leader_path };
		st = cairn_git_sync_index(git, paths, nfiles, err);
	}
done:
	wb_identity_done(&who);
	cairn_git_close(git);
	free(settings);
	free(leader_data);
	return st;
}

cairn_status cairn_wb_find(const char *start, char *root, size_t n, cairn_error *err)
{
	char path[PATH_MAX], probe[PATH_MAX + 32];
	struct stat sb;

	if (!realpath(start, path))
		return cairn_fail(err, CAIRN_ENOTFOUND, "%s: %s", start, strerror(errno));
	for (;;) {
		snprintf(probe, sizeof probe, "%s/%s", path, CAIRN_SETTINGS_FILE);
		if (stat(probe, &sb) == 0) {
			snprintf(probe, sizeof probe, "%s/.git", path);
			if (stat(probe, &sb) == 0) {
				if (strlen(path) >= n)
					return cairn_fail(err, CAIRN_EINPUT, "%s: path too long", path);
				strcpy(root, path);
				return CAIRN_OK;
			}
		}
		char *slash = strrchr(path, '/');
		if (!slash || slash == path)
			break;
		*slash = '\0';
	}
	return cairn_fail(err, CAIRN_ENOTFOUND,
			  "%s is not in a cairn workbook (no %s with a .git beside it above it): "
			  "make one with `cairn init DIR`, try `cairn demo`, or name one with -C DIR",
			  start, CAIRN_SETTINGS_FILE);
}

/* ---- opening ---- */

static void warn_settings(const char *msg, void *ctx)
{
	cairn_wb *wb = ctx;
	cairn_buf_printf(&wb->settings_notes, "%s\n", msg);
}

/* The settings' warnings, once per version of cairn.ini: a key a newer
 * cairn of the group wrote is carried and ignored here, and saying so on
 * every command would drown what matters (cairn check lists it always). */
static void tell_settings(cairn_wb *wb)
{
	char told[64] = "";
	cairn_error ignore;
	const char *p = cairn_buf_str(&wb->settings_notes);

	if (!*p || (cairn_index_meta_get(wb->idx, "settings_told", told, sizeof told, &ignore) ==
		    CAIRN_OK && !strcmp(told, wb->settings_blob.hex)))
		return;
	while (*p) {
		size_t n = strcspn(p, "\n");
		wb_warn(wb, "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	cairn_index_meta_set(wb->idx, "settings_told", wb->settings_blob.hex, &ignore);
}

static cairn_status read_settings(cairn_wb *wb, cairn_error *err)
{
	char *text = NULL, *where;
	size_t len;
	cairn_status st;

	st = wb_read_work(wb, CAIRN_SETTINGS_FILE, 64 * 1024, &text, &len, err);
	if (st != CAIRN_OK)
		return st;
	where = wb_path_join(wb->root, CAIRN_SETTINGS_FILE);
	st = cairn_settings_parse(text, where ? where : CAIRN_SETTINGS_FILE, &wb->settings,
				  warn_settings, wb, err);
	if (st == CAIRN_OK)
		st = cairn_git_hash_blob(text, len, &wb->settings_blob, err);
	free(where);
	free(text);
	return st;
}

/* A process killed after its commit but before it brought git's index in
 * step leaves `git status` showing the save as undone.  The index notes
 * the commit git's index was last brought to; the files changed since are
 * brought in step when this process closes. */
static cairn_status git_index_behind(cairn_wb *wb, cairn_error *err)
{
	cairn_oid synced, head;
	cairn_git_delta *d = NULL;
	size_t n = 0;
	cairn_status st;

	if ((st = cairn_index_meta_get(wb->idx, "gitindex", synced.hex, sizeof synced.hex, err)) ||
	    (st = cairn_git_head(wb->git, &head, err)))
		return st;
	if (!synced.hex[0] || !strcmp(synced.hex, head.hex))
		return CAIRN_OK;
	if (cairn_git_diff(wb->git, &synced, &head, &d, &n, NULL) != CAIRN_OK)
		return CAIRN_OK;        /* an old commit gone: git's own business */
	/* A diff names each path once: with none remembered yet, nothing to
	 * compare them with (a killed import leaves 100,000). */
	for (size_t i = 0, fresh = !wb->nsaved; i < n; i++)
		(fresh ? wb_remember_new_path : wb_remember_path)(wb, d[i].path);
	cairn_git_deltas_free(d, n);
	return CAIRN_OK;
}

cairn_status cairn_wb_open(const char *root, const cairn_config *cfg, cairn_warn_fn warn,
			   void *ctx, cairn_wb **out, cairn_error *err)
{
	cairn_wb *wb = calloc(1, sizeof *wb);
	char *dir = NULL, *index_path = NULL;
	bool rebuild = false, need_catch_up;
	cairn_oid head;
	char indexed[64];
	cairn_pending pending;
	bool has_pending = false, following = false;
	cairn_status st;

	*out = NULL;
	if (!wb)
		return cairn_oom(err);
	wb->lock_fd = -1;
	wb->cfg = cfg;
	wb->warn = warn;
	wb->warn_ctx = ctx;
	wb->root = strdup(root);
	dir = wb_path_join(root, CAIRN_DIR);
	index_path = wb_path_join(root, CAIRN_INDEX_FILE);
	if (!wb->root || !dir || !index_path) {
		st = cairn_oom(err);
		goto fail;
	}
	if ((st = cairn_git_open(root, &wb->git, err)) || (st = read_settings(wb, err)) ||
	    (st = cairn_fs_mkdirs(dir, err)) ||
	    (st = cairn_index_open(index_path, &wb->idx, &rebuild, err)))
		goto fail;
	if ((st = cairn_index_pending_load(wb->idx, &pending, &has_pending, err)) ||
	    (st = wb_schema_load(wb, err)))
		goto fail;
	cairn_pending_done(&pending);
	if ((st = cairn_git_head(wb->git, &head, err)) ||
	    (st = cairn_index_meta_get(wb->idx, "head", indexed, sizeof indexed, err)))
		goto fail;
	/* Before any save of this process, so that its write of git's index
	 * takes along what earlier, killed runs left behind. */
	if ((st = git_index_behind(wb, err)))
		goto fail;
	if ((st = wb_follow_pending(wb, &following, err)))
		goto fail;
	need_catch_up = rebuild || strcmp(indexed, head.hex) != 0 || !indexed[0];
	if (!has_pending && !following && need_catch_up && !wb_writable(wb)) {
		/* A reader of a workbook another member owns: the index cannot
		 * follow HEAD here, so what it shows is as of its last update. */
		wb_warn(wb, "the index is behind HEAD and you cannot update it (you can only read "
			"this workbook): what cairn shows is as of commit %.12s; the next cairn "
			"command of whoever owns it brings it up to date", indexed);
		need_catch_up = false;
	}
	if (has_pending || need_catch_up || following) {
		if ((st = wb_lock(wb, err)))
			goto fail;
		/* A sync's files first: a save cannot have been under way
		 * while a sync held the lock. */
		if (following)
			st = wb_finish_follow(wb, err);
		if (st == CAIRN_OK && has_pending)
			st = wb_recover(wb, err);
		if (st == CAIRN_OK)
			st = wb_catch_up(wb, false, err);
		wb_unlock(wb);
		if (st != CAIRN_OK)
			goto fail;
	}
	tell_settings(wb);
	free(dir);
	free(index_path);
	*out = wb;
	return CAIRN_OK;
fail:
	free(dir);
	free(index_path);
	cairn_wb_close(wb);
	return st;
}

void cairn_wb_close(cairn_wb *wb)
{
	if (!wb)
		return;
	if (wb->git && wb->nsaved) {
		/* Files a save could not bring in step under git's lock, or that
		 * an earlier, killed run left behind. */
		cairn_error err;
		if (wb_git_index_catch_up(wb, &err) != CAIRN_OK)
			wb_warn(wb, "git's index was not brought in step (%s); `git status` "
				"may show saved records as changed until cairn runs again", err.msg);
	}
	if (wb->git && wb->saved_any) {
		cairn_error err;
		bool packed;
		if (cairn_git_maybe_pack(wb->git, CAIRN_PACK_THRESHOLD, &packed, &err) != CAIRN_OK)
			wb_warn(wb, "packing objects: %s", err.msg);
	}
	wb_forget_paths(wb);
	while (wb->lock_depth > 0)
		wb_unlock(wb);
	wb_schema_done(wb);
	cairn_index_close(wb->idx);
	cairn_git_close(wb->git);
	cairn_settings_done(&wb->settings);
	cairn_buf_done(&wb->settings_notes);
	free(wb->root);
	free(wb);
}

/* ---- recovery ---- */

/* Has HEAD got this file as the journal says (the save's commit landed)?
 * And does HEAD still hold what the save started from? */
static cairn_status compare_head(cairn_wb *wb, const cairn_oid *head, const cairn_pending_file *f,
				 bool *applied, bool *untouched, cairn_error *err)
{
	cairn_oid now, want = { "" };
	cairn_status st;

	if ((st = wb_blob_at(wb, head, f->path, &now, err)))
		return st;
	if (f->data && (st = cairn_git_hash_blob(f->data, f->len, &want, err)))
		return st;
	*applied = !strcmp(now.hex, want.hex);
	*untouched = !strcmp(now.hex, f->base_blob.hex);
	return CAIRN_OK;
}

static cairn_status strand(cairn_wb *wb, const cairn_pending *p, cairn_error *err)
{
	cairn_buf name = CAIRN_BUF_INIT;
	cairn_status st = CAIRN_OK;

	for (size_t i = 0; i < p->nfiles && st == CAIRN_OK; i++) {
		const char *base = strrchr(p->files[i].path, '/');
		if (!p->files[i].data)
			continue;
		cairn_buf_reset(&name);
		cairn_buf_printf(&name, CAIRN_DIR "/stranded/%lld-%lld-%zu-%s", p->when, p->id, i,
				 base ? base + 1 : p->files[i].path);
		st = cairn_fs_write(wb->root, cairn_buf_str(&name), p->files[i].data,
				    p->files[i].len, err);
		if (st == CAIRN_OK)
			wb_warn(wb, "a save interrupted earlier (\"%s\") could not be replayed because "
				"%s changed since; its text is kept in %s/%s: compare and apply it "
				"by hand", p->message, p->files[i].path, wb->root,
				cairn_buf_str(&name));
	}
	cairn_buf_done(&name);
	return st;
}

cairn_status wb_recover(cairn_wb *wb, cairn_error *err)
{
	static const char *const folders[] = {
		"persons", "targets", "tools", "templates", "milestones", "tasks", "pilots",
		"evaluations", CAIRN_DIR, NULL };
	cairn_pending p;
	bool found, all_applied = true, all_untouched = true;
	cairn_oid head, out;
	cairn_status st;

	cairn_fs_clean_temp(wb->root, folders);
	if ((st = cairn_index_pending_load(wb->idx, &p, &found, err)) || !found)
		return st;
	/* A crash may have left a truncated object: check before reading. */
	{
		size_t checked;
		if ((st = cairn_git_verify_loose(wb->git, 0, &checked, err)))
			goto done;
	}
	if ((st = cairn_git_head(wb->git, &head, err)))
		goto done;
	for (size_t i = 0; i < p.nfiles; i++) {
		bool applied, untouched;
		if ((st = compare_head(wb, &head, &p.files[i], &applied, &untouched, err)))
			goto done;
		all_applied &= applied;
		all_untouched &= untouched;
	}
	if (all_applied) {
		/* The commit landed; the files and the index did not follow. */
		for (size_t i = 0; i < p.nfiles && st == CAIRN_OK; i++)
			st = wb_checkout_path(wb, &head, p.files[i].path, err);
		if (st == CAIRN_OK)
			st = wb_catch_up(wb, false, err);
		if (st == CAIRN_OK && (st = cairn_index_begin(wb->idx, err)) == CAIRN_OK) {
			st = cairn_index_pending_clear(wb->idx, p.id, err);
			st = st == CAIRN_OK ? cairn_index_commit(wb->idx, err) : st;
			if (st != CAIRN_OK)
				cairn_index_rollback(wb->idx);
		}
		if (st == CAIRN_OK)
			wb_warn(wb, "finished a save that was interrupted: %s", p.message);
	} else if (all_untouched) {
		/* The commit never landed: make it now, as it was meant. */
		cairn_git_change *changes = calloc(p.nfiles, sizeof *changes);
		cairn_identity who = { p.author_name, p.author_email };
		if (!changes) {
			st = cairn_oom(err);
			goto done;
		}
		for (size_t i = 0; i < p.nfiles; i++)
			changes[i] = (cairn_git_change){ p.files[i].path, p.files[i].data, p.files[i].len };
		st = wb_catch_up(wb, false, err);
		if (st == CAIRN_OK)
			st = wb_commit_files(wb, &head, changes, p.nfiles, &who, p.when, p.message,
					     p.id, &out, NULL, err);
		free(changes);
		if (st == CAIRN_OK)
			wb_warn(wb, "saved an edit that was interrupted before it was committed: %s",
				p.message);
	} else {
		st = strand(wb, &p, err);
		if (st == CAIRN_OK && (st = cairn_index_begin(wb->idx, err)) == CAIRN_OK) {
			st = cairn_index_pending_clear(wb->idx, p.id, err);
			st = st == CAIRN_OK ? cairn_index_commit(wb->idx, err) : st;
			if (st != CAIRN_OK)
				cairn_index_rollback(wb->idx);
		}
	}
done:
	cairn_pending_done(&p);
	return st;
}

/* ---- checking ---- */

typedef struct check_ctx {
	cairn_wb *wb;
	cairn_warn_fn report;
	void *rctx;
	long problems;
	size_t seen;
	char **unreadable;      /* the problems' paths, sorted */
	size_t nunreadable;
	long missing;           /* records HEAD has and the index lacks */
} check_ctx;

static int path_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void report(check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(check_ctx *c, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->report)
		c->report(msg, c->rctx);
}

/* Every record in HEAD is in the index with the same blob. */
static cairn_status check_file(const char *path, unsigned mode, const cairn_oid *blob,
			       void *ctx, cairn_error *err)
{
	check_ctx *c = ctx;
	cairn_ref ref;
	cairn_index_hit hit;
	cairn_error why;
	bool found;
	cairn_status st;

	if (cairn_path_ref(path, &ref, &why) != CAIRN_OK || ref.kind == CAIRN_KIND_NONE)
		return CAIRN_OK;
	c->seen++;
	if ((st = cairn_index_find(c->wb->idx, &ref, &hit, &found, err)))
		return st;
	if (!found && !(c->nunreadable && bsearch(&path, c->unreadable, c->nunreadable,
						  sizeof *c->unreadable, path_order))) {
		if (c->missing++ < 10)
			report(c, "%s: in HEAD but missing from the index; run `cairn check "
			       "--rebuild`", path);
	} else if (found && strcmp(hit.blob.hex, blob->hex)) {
		report(c, "%s: the index holds an older version; run `cairn check --rebuild`", path);
	} else if (found) {
		/* The copy itself, not only its id: a damaged page or a hand-made
		 * UPDATE leaves the id and changes the text. */
		char *body = NULL;
		size_t len;
		cairn_oid got = { "" };
		if ((st = cairn_index_body(c->wb->idx, path, &body, &len, err)))
			return st;
		st = cairn_git_hash_blob(body, len, &got, err);
		free(body);
		if (st != CAIRN_OK)
			return st;
		if (strcmp(got.hex, blob->hex))
			report(c, "%s: the index holds a damaged copy of this record; run `cairn "
			       "check --rebuild`", path);
	}
	return CAIRN_OK;
}

/* A record that breaks its form's rules (required, when, constraint):
 * read and kept, since it may have come from a peer, and listed here. */
static cairn_status check_form_rules(const cairn_ref *ref, const char *path, const char *body,
				     size_t len, void *ctx, cairn_error *err)
{
	check_ctx *c = ctx;
	const cairn_template *form = cairn_schema_form(ref->kind);
	cairn_record rec;
	cairn_error why;

	(void)err;
	if (cairn_record_parse(&rec, body, len, path, &why) != CAIRN_OK)
		return CAIRN_OK;        /* listed among the unreadable ones */
	if (cairn_record_check_form(ref->kind, ref->id, &rec, NULL, NULL, &why) != CAIRN_OK)
		report(c, "%s (a rule of form/%s: the record is kept as it is; `cairn set` puts it "
		       "right)", why.msg, cairn_kind_def_of(ref->kind)->name);
	/* A reference of the form to a record gone by a plain git commit
	 * (cairn rm refuses it while it is named). */
	for (size_t i = 0; form && i < form->nquestions; i++) {
		const char *key = form->questions[i].key, *v = cairn_record_get(&rec, key);
		const cairn_field_def *f = cairn_kind_field(ref->kind, key);
		cairn_ref to = { CAIRN_KIND_NONE, "" };
		cairn_index_hit hit;
		bool found = true;
		if (!f || f->type != CAIRN_F_REF || !v || !*v || strlen(v) >= sizeof to.id)
			continue;
		to.kind = f->ref;
		strcpy(to.id, v);
		if (cairn_index_find(c->wb->idx, &to, &hit, &found, &why) == CAIRN_OK && !found)
			report(c, "%s/%s: %s: '%s' is not a %s in this workbook; set %s to one that is "
			       "(cairn ls %s), or add it (a field of form/%s: the record is kept as it "
			       "is)", cairn_kind_def_of(ref->kind)->name, ref->id, key, v,
			       cairn_kind_def_of(f->ref)->name, key, cairn_kind_def_of(f->ref)->name,
			       cairn_kind_def_of(ref->kind)->name);
	}
	cairn_record_done(&rec);
	return CAIRN_OK;
}

/* A record whose list's value is no longer listed (a merge or a plain
 * git commit took the choice away): read and kept, and listed here. */
static cairn_status check_listed(const cairn_ref *ref, const char *path, const char *body,
				 size_t len, void *ctx, cairn_error *err)
{
	check_ctx *c = ctx;
	cairn_record rec;
	cairn_error why;

	(void)err;
	if (cairn_record_parse(&rec, body, len, path, &why) != CAIRN_OK)
		return CAIRN_OK;        /* listed among the unreadable ones */
	if (ref->kind != CAIRN_KIND_EVALUATION &&
	    cairn_record_validate(ref->kind, ref->id, &rec, NULL, &why) != CAIRN_OK)
		report(c, "%s (the record is kept as it is; `cairn set` puts it right, or list the "
		       "choice again)", why.msg);
	cairn_record_done(&rec);
	return CAIRN_OK;
}

cairn_status cairn_wb_check(cairn_wb *wb, cairn_warn_fn rep, void *ctx, long *problems,
			    cairn_error *err)
{
	check_ctx c = { wb, rep, ctx, 0, 0, NULL, 0, 0 };
	char **edits;
	size_t nedits, checked;
	long nprob, nrec = 0;
	cairn_oid head;
	cairn_status st;

	*problems = 0;
	/* Told, not counted: a setting of a newer cairn is no fault here. */
	for (const char *p = cairn_buf_str(&wb->settings_notes); *p && rep;) {
		size_t n = strcspn(p, "\n");
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		rep(line, ctx);
		p += n + (p[n] == '\n');
	}
	st = cairn_git_verify_loose(wb->git, 0, &checked, err);
	if (st == CAIRN_ECORRUPT) {
		report(&c, "%s", err->msg);
		st = CAIRN_OK;
		*problems = c.problems;
		return st;
	}
	if (st != CAIRN_OK)
		return st;
	{
		/* The unreadable records (one list for check, status and the
		 * screens); their paths, sorted, so that check_file does not
		 * call them missing from the index. */
		cairn_unreadable *bad;
		size_t nbad;
		if ((st = cairn_wb_unreadable(wb, &bad, &nbad, err)))
			return st;
		c.unreadable = calloc(nbad ? nbad : 1, sizeof *c.unreadable);
		for (size_t i = 0; i < nbad; i++) {
			report(&c, "%s", bad[i].message);
			if (c.unreadable && (c.unreadable[c.nunreadable] = strdup(bad[i].path)))
				c.nunreadable++;
		}
		cairn_wb_unreadable_free(bad, nbad);
		if (!c.unreadable)
			return cairn_oom(err);
		nprob = (long)nbad;
	}
	if (c.nunreadable)
		qsort(c.unreadable, c.nunreadable, sizeof *c.unreadable, path_order);
	st = cairn_git_head(wb->git, &head, err);
	if (st == CAIRN_OK && head.hex[0])
		st = cairn_git_each_file(wb->git, &head, check_file, &c, err);
	for (size_t i = 0; i < c.nunreadable; i++)
		free(c.unreadable[i]);
	free(c.unreadable);
	if (st != CAIRN_OK)
		return st;
	if (c.missing > 10)
		report(&c, "... and %ld more records missing from the index", c.missing - 10);
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		long n;
		if ((st = cairn_index_count(wb->idx, (cairn_kind)k, &n, err)))
			return st;
		nrec += n;
	}
	if ((size_t)(nrec + nprob) < c.seen)
		report(&c, "the index lists %ld records but HEAD holds %zu; run `cairn check --rebuild`",
		       nrec + nprob, c.seen);
	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		if (cairn_schema_form((cairn_kind)k) &&
		    (st = cairn_index_each(wb->idx, (cairn_kind)k, NULL, 0, check_form_rules, &c,
					   err)))
			return st;
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const cairn_kind_def *def = cairn_kind_def_of((cairn_kind)k);
		bool listed = k == CAIRN_KIND_TARGET;
		for (size_t i = 0; i < def->nfields && !listed; i++)
			listed = def->fields[i].listed && def->fields[i].type == CAIRN_F_ENUM;
		if (listed && (st = cairn_index_each(wb->idx, (cairn_kind)k, NULL, 0, check_listed,
						     &c, err)))
			return st;
	}
	if ((st = cairn_wb_hand_edits(wb, &edits, &nedits, err)))
		return st;
	for (size_t i = 0; i < nedits; i++)
		report(&c, "%s: edited by hand and not committed; `cairn commit` saves it, "
		       "`git checkout -- %s` drops it", edits[i], edits[i]);
	cairn_git_paths_free(edits, nedits);
	{
		const char *op;
		if ((st = cairn_wb_unmerged_files(wb, &edits, &nedits, &op, err)))
			return st;
		for (size_t i = 0; i < nedits; i++) {
			if (op)
				report(&c, "%s: git holds it in conflict (a plain `git %s` stopped): "
				       "edit it, `git add %s`, then `git %s --continue`, or cancel "
				       "with `git %s --abort`", edits[i], op, edits[i], op, op);
			else
				report(&c, "%s: git holds it in conflict: edit it and `git add %s` "
				       "(what stopped there, such as `git stash pop`, left no "
				       "state to continue)", edits[i], edits[i]);
		}
		cairn_git_paths_free(edits, nedits);
	}
	if ((st = cairn_wb_missing_files(wb, &edits, &nedits, err)))
		return st;
	for (size_t i = 0; i < nedits; i++)
		report(&c, "%s: missing from the work tree, though HEAD has it; "
		       "`git checkout -- %s` brings it back (`cairn rm` deletes a record on "
		       "purpose)", edits[i], edits[i]);
	cairn_git_paths_free(edits, nedits);
	*problems = c.problems;
	return CAIRN_OK;
}
