/* Opening, creating and checking a workbook (see include/cairn/workbook.h).
 * Saving is in core/workbook/save.c, filling the index in core/workbook/load.c. */
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
#include "workbook/wb_internal.h"

void wb_warn(cairn_wb *wb, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!wb->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wb->warn(msg, wb->warn_ctx);
}

static char *path_join(const char *root, const char *rel)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_buf_printf(&b, "%s/%s", root, rel);
	return cairn_buf_detach(&b, NULL);
}

/* ---- the lock ---- */

cairn_status wb_lock(cairn_wb *wb, cairn_error *err)
{
	char *path;
	cairn_status st;

	if (wb->lock_depth++ > 0)
		return CAIRN_OK;
	path = path_join(wb->root, CAIRN_LOCK_FILE);
	if (!path) {
		wb->lock_depth--;
		return cairn_oom(err);
	}
	st = cairn_fs_lock(path, CAIRN_LOCK_TIMEOUT_MS, &wb->lock_fd, err);
	if (st == CAIRN_EBUSY)
		cairn_fail(err, CAIRN_EBUSY,
			   "%s is busy: another cairn is saving in this workbook and has not "
			   "finished for %d seconds; try again", wb->root, CAIRN_LOCK_TIMEOUT_MS / 1000);
	free(path);
	if (st != CAIRN_OK) {
		wb->lock_depth--;
		wb->lock_fd = -1;
	}
	return st;
}

void wb_unlock(cairn_wb *wb)
{
	if (wb->lock_depth > 0 && --wb->lock_depth == 0 && wb->lock_fd >= 0) {
		cairn_fs_unlock(wb->lock_fd);
		wb->lock_fd = -1;
	}
}

/* ---- identity ---- */

void wb_identity_done(cairn_identity *id)
{
	free(id->name);
	free(id->email);
	id->name = id->email = NULL;
}

/* As git does when nothing is configured: the account's full name and
 * login@host, so that a first `cairn demo` works on a fresh machine. */
static void identity_fallback(cairn_identity *id)
{
	struct passwd *pw = getpwuid(getuid());
	char host[256] = "localhost";
	const char *login = pw && pw->pw_name ? pw->pw_name : "cairn";
	cairn_buf b = CAIRN_BUF_INIT;

	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	if (!id->name) {
		size_t n = pw && pw->pw_gecos ? strcspn(pw->pw_gecos, ",") : 0;
		if (n)
			cairn_buf_add(&b, pw->pw_gecos, n);
		else
			cairn_buf_adds(&b, login);
		id->name = cairn_buf_detach(&b, NULL);
	}
	if (!id->email) {
		cairn_buf_printf(&b, "%s@%s", login, host);
		id->email = cairn_buf_detach(&b, NULL);
	}
}

static cairn_status identity_of(cairn_git *git, const cairn_config *cfg, cairn_identity *id,
				cairn_error *err)
{
	char *gname = NULL, *gemail = NULL;

	id->name = id->email = NULL;
	if (git)
		cairn_git_config_identity(git, &gname, &gemail, NULL);
	id->name = cfg && cfg->user_name ? strdup(cfg->user_name) : gname;
	id->email = cfg && cfg->user_email ? strdup(cfg->user_email) : gemail;
	if (id->name != gname)
		free(gname);
	if (id->email != gemail)
		free(gemail);
	identity_fallback(id);
	if (!id->name || !id->email) {
		wb_identity_done(id);
		return cairn_oom(err);
	}
	return CAIRN_OK;
}

cairn_status wb_identity(cairn_wb *wb, cairn_identity *id, cairn_error *err)
{
	return identity_of(wb->git, wb->cfg, id, err);
}

/* ---- creating ---- */

static const char *const gitignore_text =
	"# cairn's index and lock: a local cache, never committed\n/.cairn/\n";

cairn_status cairn_wb_init(const char *dir, const char *name, cairn_date clock,
			   const cairn_config *cfg, cairn_error *err)
{
	cairn_settings s = { 0 };
	cairn_git *git = NULL;
	cairn_identity who = { 0 };
	cairn_git_change files[2];
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
	probe = path_join(root, ".git");
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
	settings = cairn_settings_text(&s);
	if (!settings)
		return cairn_oom(err);
	st = cairn_git_init(root, &git, err);
	if (st == CAIRN_OK)
		st = identity_of(git, cfg, &who, err);
	if (st != CAIRN_OK)
		goto done;
	files[0] = (cairn_git_change){ ".gitignore", gitignore_text, strlen(gitignore_text) };
	files[1] = (cairn_git_change){ CAIRN_SETTINGS_FILE, settings, strlen(settings) };
	author = (cairn_git_author){ who.name, who.email, 0, 0 };
	st = cairn_git_commit(git, &parent, files, 2, &author, "Start the workbook", &commit, err);
	for (size_t i = 0; i < 2 && st == CAIRN_OK; i++)
		st = cairn_fs_write(root, files[i].path, files[i].data, files[i].len, err);
	for (int k = 0; k < CAIRN_KIND_COUNT && st == CAIRN_OK; k++) {
		char *folder = path_join(root, cairn_kind_def_of((cairn_kind)k)->folder);
		st = folder ? cairn_fs_mkdirs(folder, err) : cairn_fail(err, CAIRN_ENOMEM, "oom");
		free(folder);
	}
	if (st == CAIRN_OK) {
		const char *paths[] = { ".gitignore", CAIRN_SETTINGS_FILE };
		st = cairn_git_sync_index(git, paths, 2, err);
	}
done:
	wb_identity_done(&who);
	cairn_git_close(git);
	free(settings);
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
	wb_warn(ctx, "%s", msg);
}

static cairn_status read_settings(cairn_wb *wb, cairn_error *err)
{
	char *text = NULL, *where;
	size_t len;
	cairn_status st;

	st = cairn_fs_read(wb->root, CAIRN_SETTINGS_FILE, 64 * 1024, &text, &len, err);
	if (st != CAIRN_OK)
		return st;
	where = path_join(wb->root, CAIRN_SETTINGS_FILE);
	st = cairn_settings_parse(text, where ? where : CAIRN_SETTINGS_FILE, &wb->settings,
				  warn_settings, wb, err);
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
	for (size_t i = 0; i < n; i++)
		wb_remember_path(wb, d[i].path);
	cairn_git_deltas_free(d, n);
	return CAIRN_OK;
}

static bool access_merge_head(cairn_wb *wb)
{
	char path[4096];
	snprintf(path, sizeof path, "%sMERGE_HEAD", cairn_git_gitdir(wb->git));
	return access(path, F_OK) == 0;
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
	bool has_pending = false;
	cairn_status st;

	*out = NULL;
	if (!wb)
		return cairn_oom(err);
	wb->lock_fd = -1;
	wb->cfg = cfg;
	wb->warn = warn;
	wb->warn_ctx = ctx;
	wb->root = strdup(root);
	dir = path_join(root, CAIRN_DIR);
	index_path = path_join(root, CAIRN_INDEX_FILE);
	if (!wb->root || !dir || !index_path) {
		st = cairn_oom(err);
		goto fail;
	}
	if ((st = read_settings(wb, err)) || (st = cairn_git_open(root, &wb->git, err)) ||
	    (st = cairn_fs_mkdirs(dir, err)) ||
	    (st = cairn_index_open(index_path, &wb->idx, &rebuild, err)))
		goto fail;
	if ((st = cairn_index_pending_load(wb->idx, &pending, &has_pending, err)))
		goto fail;
	cairn_pending_done(&pending);
	if ((st = cairn_git_head(wb->git, &head, err)) ||
	    (st = cairn_index_meta_get(wb->idx, "head", indexed, sizeof indexed, err)))
		goto fail;
	/* Before any save of this process, so that its write of git's index
	 * takes along what earlier, killed runs left behind. */
	if ((st = git_index_behind(wb, err)))
		goto fail;
	need_catch_up = rebuild || strcmp(indexed, head.hex) != 0 || !indexed[0];
	if (has_pending || need_catch_up) {
		if ((st = wb_lock(wb, err)))
			goto fail;
		if (has_pending)
			st = wb_recover(wb, err);
		if (st == CAIRN_OK)
			st = wb_catch_up(wb, false, err);
		wb_unlock(wb);
		if (st != CAIRN_OK)
			goto fail;
	}
	/* A plain git merge left record files with conflict markers: they
	 * become cairn's conflicts, not parse errors.  (One stat when not.) */
	if (access_merge_head(wb)) {
		cairn_error why;
		if (wb_lock(wb, &why) == CAIRN_OK) {
			if (wb_adopt_git_merge(wb, &why) != CAIRN_OK)
				wb_warn(wb, "a plain git merge is under way and cairn could not take it "
					"over: %s (finish it with git, or `git merge --abort`)", why.msg);
			wb_unlock(wb);
		}
	}
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

cairn_status cairn_wb_identity(cairn_wb *wb, char *buf, size_t n, cairn_error *err)
{
	cairn_oid root;
	cairn_status st = cairn_git_root(wb->git, &root, err);

	if (st == CAIRN_OK)
		snprintf(buf, n, "%s", root.hex);
	return st;
}

cairn_status cairn_wb_unshared(cairn_wb *wb, bool *has_upstream, size_t *ahead, size_t *behind,
			       cairn_error *err)
{
	return cairn_git_unshared(wb->git, has_upstream, ahead, behind, err);
}

cairn_status wb_remember_path(cairn_wb *wb, const char *path)
{
	char **grown;

	for (size_t i = 0; i < wb->nsaved; i++)
		if (!strcmp(wb->saved_paths[i], path))
			return CAIRN_OK;
	grown = realloc(wb->saved_paths, (wb->nsaved + 1) * sizeof *grown);
	if (!grown)
		return CAIRN_ENOMEM;
	wb->saved_paths = grown;
	if (!(wb->saved_paths[wb->nsaved] = strdup(path)))
		return CAIRN_ENOMEM;
	wb->nsaved++;
	return CAIRN_OK;
}

void wb_forget_paths(cairn_wb *wb)
{
	for (size_t i = 0; i < wb->nsaved; i++)
		free(wb->saved_paths[i]);
	free(wb->saved_paths);
	wb->saved_paths = NULL;
	wb->nsaved = 0;
}

cairn_status wb_git_index_catch_up(cairn_wb *wb, cairn_error *err)
{
	cairn_git_index_lock ilock = { NULL, NULL, NULL, NULL, false };
	cairn_oid head;
	cairn_status st;

	if (!wb->nsaved)
		return CAIRN_OK;
	if ((st = wb_lock(wb, err)))
		return st;
	/* HEAD is read under git's lock: a git commit may land while we wait
	 * for it. */
	st = cairn_git_lock_index(wb->git, 2000, &ilock, err);
	if (st == CAIRN_OK && (st = cairn_git_head(wb->git, &head, err)) != CAIRN_OK)
		cairn_git_unlock_index(&ilock);
	if (st == CAIRN_OK)
		st = cairn_git_write_index_locked(&ilock, wb->git, &head,
						  (const char *const *)wb->saved_paths, wb->nsaved,
						  err);
	if (st == CAIRN_OK) {
		cairn_index_meta_set(wb->idx, "gitindex", head.hex, NULL);
		wb_forget_paths(wb);
	}
	wb_unlock(wb);
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
	cairn_index_close(wb->idx);
	cairn_git_close(wb->git);
	cairn_settings_done(&wb->settings);
	free(wb->root);
	free(wb);
}

const char *cairn_wb_root(const cairn_wb *wb)
{
	return wb->root;
}

const char *cairn_wb_name(const cairn_wb *wb)
{
	return wb->settings.name ? wb->settings.name : "workbook";
}

bool cairn_wb_has_clock(const cairn_wb *wb)
{
	return cairn_date_is_set(wb->settings.clock);
}

cairn_date cairn_wb_today(const cairn_wb *wb)
{
	cairn_date today = { 0, 0, 0 };
	const char *env = getenv("CAIRN_TODAY");

	if ((!env || !*env) && cairn_wb_has_clock(wb))
		return wb->settings.clock;
	if (cairn_date_today(&today, NULL) != CAIRN_OK && cairn_wb_has_clock(wb))
		return wb->settings.clock;
	return today;
}

cairn_status cairn_wb_record_path(cairn_wb *wb, const char *name, char *path, size_t n,
				  cairn_error *err)
{
	cairn_index_hit hit;
	cairn_ref ref;
	cairn_status st;

	if (cairn_wb_resolve(wb, name, &hit, err) == CAIRN_OK) {
		snprintf(path, n, "%s", hit.path);
		return CAIRN_OK;
	}
	if ((st = cairn_ref_parse(name, &ref, err)))
		return st;
	cairn_ref_path(&ref, path, n);
	return CAIRN_OK;
}

const char *cairn_wb_date_format(const cairn_wb *wb)
{
	if (wb->cfg && wb->cfg->date_format)
		return wb->cfg->date_format;
	if (wb->settings.date_format)
		return wb->settings.date_format;
	return CAIRN_DATE_FORMAT_DEFAULT;
}

cairn_git *cairn_wb_git(cairn_wb *wb)
{
	return wb->git;
}

cairn_index *cairn_wb_index(cairn_wb *wb)
{
	return wb->idx;
}

/* ---- reading ---- */

cairn_status cairn_wb_resolve(cairn_wb *wb, const char *name, cairn_index_hit *hit,
			      cairn_error *err)
{
	cairn_ref ref;
	cairn_index_hit hits[8];
	size_t n;
	bool found;
	cairn_status st;

	if ((st = cairn_ref_parse(name, &ref, err)))
		return st;
	if (ref.kind != CAIRN_KIND_NONE) {
		if ((st = cairn_index_find(wb->idx, &ref, hit, &found, err)))
			return st;
		if (!found)
			return cairn_fail(err, CAIRN_ENOTFOUND,
					  "there is no %s/%s in this workbook (cairn ls %s lists them)",
					  cairn_kind_def_of(ref.kind)->name, ref.id,
					  cairn_kind_def_of(ref.kind)->name);
		return CAIRN_OK;
	}
	if ((st = cairn_index_find_id(wb->idx, ref.id, hits, 8, &n, err)))
		return st;
	if (n == 0)
		return cairn_fail(err, CAIRN_ENOTFOUND,
				  "there is no record named '%s' in this workbook; name it as "
				  "KIND/ID (kinds: %s)", ref.id, cairn_kind_names());
	if (n > 1) {
		cairn_buf b = CAIRN_BUF_INIT;
		char one[CAIRN_REF_ID_MAX + 32];
		for (size_t i = 0; i < n && i < 8; i++) {
			cairn_ref_format(&hits[i].ref, one, sizeof one);
			cairn_buf_printf(&b, "%s%s", i ? ", " : "", one);
		}
		cairn_fail(err, CAIRN_EINPUT, "'%s' names %zu records (%s); write one as KIND/ID",
			   ref.id, n, cairn_buf_str(&b));
		cairn_buf_done(&b);
		return CAIRN_EINPUT;
	}
	*hit = hits[0];
	return CAIRN_OK;
}

cairn_status cairn_wb_read(cairn_wb *wb, const cairn_index_hit *hit, cairn_record *rec,
			   cairn_error *err)
{
	char *body;
	size_t len;
	cairn_status st;

	cairn_record_init(rec);
	if ((st = cairn_index_body(wb->idx, hit->path, &body, &len, err)))
		return st;
	st = cairn_record_parse(rec, body, len, hit->path, err);
	free(body);
	return st;
}

cairn_status cairn_wb_template(cairn_wb *wb, const char *id, cairn_template *tpl,
			       cairn_error *err)
{
	cairn_ref ref = { CAIRN_KIND_TEMPLATE, "" };
	cairn_index_hit hit;
	cairn_record rec;
	bool found;
	cairn_status st;

	memset(tpl, 0, sizeof *tpl);
	if (strlen(id) >= sizeof ref.id)
		return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a template id", id);
	strcpy(ref.id, id);
	if ((st = cairn_index_find(wb->idx, &ref, &hit, &found, err)))
		return st;
	if (!found)
		return cairn_fail(err, CAIRN_ENOTFOUND,
				  "there is no template/%s in this workbook (cairn ls template)", id);
	if ((st = cairn_wb_read(wb, &hit, &rec, err)))
		return st;
	st = cairn_template_from_record(hit.ref.id, &rec, tpl, err);
	cairn_record_done(&rec);
	return st;
}

/* ---- recovery ---- */

cairn_status wb_checkout_path(cairn_wb *wb, const cairn_oid *commit, const char *path,
			      cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_oid blob;
	cairn_status st;

	st = cairn_git_read_path(wb->git, commit, path, &data, &len, &blob, err);
	if (st == CAIRN_ENOTFOUND)
		st = cairn_fs_remove(wb->root, path, err);
	else if (st == CAIRN_OK)
		st = cairn_fs_write(wb->root, path, data, len, err);
	free(data);
	if (st == CAIRN_OK)
		wb_remember_path(wb, path);
	return st;
}

/* Has HEAD got this file as the journal says (the save's commit landed)?
 * And does HEAD still hold what the save started from? */
static cairn_status compare_head(cairn_wb *wb, const cairn_oid *head, const cairn_pending_file *f,
				 bool *applied, bool *untouched, cairn_error *err)
{
	cairn_oid now = { "" }, want = { "" };
	char *data = NULL;
	size_t len;
	cairn_status st;

	st = cairn_git_read_path(wb->git, head, f->path, &data, &len, &now, err);
	free(data);
	if (st == CAIRN_ENOTFOUND)
		now.hex[0] = '\0';
	else if (st != CAIRN_OK)
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

static bool is_record_path(const char *path)
{
	cairn_ref ref;
	cairn_error ignore;
	return cairn_path_ref(path, &ref, &ignore) == CAIRN_OK && ref.kind != CAIRN_KIND_NONE;
}

cairn_status cairn_wb_hand_edits(cairn_wb *wb, char ***paths, size_t *n, cairn_error *err)
{
	char **all;
	size_t nall, keep = 0;
	cairn_status st;

	*paths = NULL;
	*n = 0;
	if ((st = cairn_git_changed_files(wb->git, &all, &nall, err)))
		return st;
	for (size_t i = 0; i < nall; i++) {
		if (is_record_path(all[i]) || !strcmp(all[i], CAIRN_SETTINGS_FILE))
			all[keep++] = all[i];
		else
			free(all[i]);
	}
	*paths = all;
	*n = keep;
	return CAIRN_OK;
}

cairn_status wb_hand_edits_in(cairn_wb *wb, const char *const *only, size_t nonly, char ***paths,
			      size_t *n, cairn_error *err)
{
	return cairn_git_changed_files_in(wb->git, only, nonly, paths, n, err);
}

typedef struct check_ctx {
	cairn_wb *wb;
	cairn_warn_fn report;
	void *rctx;
	long problems;
	size_t seen;
} check_ctx;

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

static cairn_status check_problem(const char *path, const char *message, void *ctx,
				  cairn_error *err)
{
	report(ctx, "%s", message);
	return CAIRN_OK;
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
	if (found && strcmp(hit.blob.hex, blob->hex))
		report(c, "%s: the index holds an older version; run `cairn check --rebuild`", path);
	return CAIRN_OK;
}

cairn_status cairn_wb_check(cairn_wb *wb, cairn_warn_fn rep, void *ctx, long *problems,
			    cairn_error *err)
{
	check_ctx c = { wb, rep, ctx, 0, 0 };
	char **edits;
	size_t nedits, checked;
	long nprob, nrec = 0;
	cairn_oid head;
	cairn_status st;

	*problems = 0;
	st = cairn_git_verify_loose(wb->git, 0, &checked, err);
	if (st == CAIRN_ECORRUPT) {
		report(&c, "%s", err->msg);
		st = CAIRN_OK;
		*problems = c.problems;
		return st;
	}
	if (st != CAIRN_OK)
		return st;
	if ((st = cairn_index_problems(wb->idx, check_problem, &c, &nprob, err)))
		return st;
	if ((st = cairn_git_head(wb->git, &head, err)))
		return st;
	if (head.hex[0] && (st = cairn_git_each_file(wb->git, &head, check_file, &c, err)))
		return st;
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		long n;
		if ((st = cairn_index_count(wb->idx, (cairn_kind)k, &n, err)))
			return st;
		nrec += n;
	}
	if ((size_t)(nrec + nprob) < c.seen)
		report(&c, "the index lists %ld records but HEAD holds %zu; run `cairn check --rebuild`",
		       nrec + nprob, c.seen);
	if ((st = cairn_wb_hand_edits(wb, &edits, &nedits, err)))
		return st;
	for (size_t i = 0; i < nedits; i++)
		report(&c, "%s: edited by hand and not committed; `cairn commit` saves it, "
		       "`git checkout -- %s` drops it", edits[i], edits[i]);
	cairn_git_paths_free(edits, nedits);
	*problems = c.problems;
	return CAIRN_OK;
}
