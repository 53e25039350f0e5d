/* The open workbook as every other file of core/workbook/ uses it (see
 * include/cairn/workbook.h): its accessors, warnings, the lock, the
 * user's identity, reading records and templates, the paths a save
 * remembered for git's index, checking out one file and the hand edits.
 * It sits at the bottom of this folder and calls nothing above it;
 * creating, opening, recovering and checking a workbook, which call load,
 * save and sync, are in core/workbook/open.c. */
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
#include "cairn/i18n.h"
#include "git/merge_state.h"
#include "workbook/wb_internal.h"

void wb_warn(cairn_wb *wb, const char *fmt, ...)
{
	char small[2048], *msg = small;
	va_list ap;
	int n;

	if (!wb->warn)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	/* A warning that quotes a whole error (a command to run at its end)
	 * is never cut short. */
	if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1))) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	wb->warn(msg ? msg : small, wb->warn_ctx);
	if (msg != small)
		free(msg);
}

char *wb_path_join(const char *root, const char *rel)
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
	path = wb_path_join(wb->root, CAIRN_LOCK_FILE);
	if (!path) {
		wb->lock_depth--;
		return cairn_oom(err);
	}
	st = cairn_fs_lock(path, CAIRN_LOCK_TIMEOUT_MS, &wb->lock_fd, err);
	if (st == CAIRN_EBUSY)
		cairn_fail(err, CAIRN_EBUSY,
			   "%s is busy: another cairn is saving in this workbook and has not "
			   "finished for %d seconds; try again", wb->root, CAIRN_LOCK_TIMEOUT_MS / 1000);
	else if (st != CAIRN_OK && access(path, W_OK) != 0 && (errno == EACCES || errno == EROFS))
		/* A workbook another member owns, or on a read-only disk: the
		 * verbs that only look work; this one needs to write. */
		cairn_fail(err, CAIRN_EIO,
			   "%s: you can only read this workbook (%s is not writable for you): "
			   "the verbs that look (status, show, ls, export) work; to change it, "
			   "work in a clone of your own (`cairn clone %s DIR`)", wb->root, path,
			   wb->root);
	free(path);
	if (st != CAIRN_OK) {
		wb->lock_depth--;
		wb->lock_fd = -1;
	}
	return st;
}

bool wb_writable(const cairn_wb *wb)
{
	char *dir = wb_path_join(wb->root, CAIRN_DIR);
	bool ok = !dir || access(dir, W_OK) == 0 || (errno != EACCES && errno != EROFS);

	free(dir);
	return ok;
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

cairn_status wb_identity_of(cairn_git *git, const cairn_config *cfg, cairn_identity *id,
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
	return wb_identity_of(wb->git, wb->cfg, id, err);
}

cairn_status cairn_wb_user(cairn_wb *wb, cairn_identity *id, cairn_error *err)
{
	return wb_identity(wb, id, err);
}

void cairn_identity_done(cairn_identity *id)
{
	wb_identity_done(id);
}

/* ---- identity and the paths a save remembered ---- */

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
	for (size_t i = 0; i < wb->nsaved; i++)
		if (!strcmp(wb->saved_paths[i], path))
			return CAIRN_OK;
	return wb_remember_new_path(wb, path);
}

cairn_status wb_remember_new_path(cairn_wb *wb, const char *path)
{
	char **grown;

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
	cairn_git_unlock_index(&ilock);
	if (st == CAIRN_OK) {
		cairn_index_meta_set(wb->idx, "gitindex", head.hex, NULL);
		wb_forget_paths(wb);
	}
	wb_unlock(wb);
	return st;
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
	/* Not a record's name: a path as given (a conflict over a file of
	 * the group's, docs/plan.md, is named by its path). */
	if (ref.kind == CAIRN_KIND_NONE)
		snprintf(path, n, "%s", name);
	else
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
	/* Ids are matched ignoring case (a file system may fold it), but an
	 * id spelled exactly as typed wins: `M4` is milestone/M4 even where a
	 * template is called m4.  Two exact spellings stay ambiguous. */
	if (n > 1 && n <= 8) {
		size_t exact = 0, which = 0;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(hits[i].ref.id, ref.id)) {
				exact++;
				which = i;
			}
		if (exact == 1) {
			*hit = hits[which];
			return CAIRN_OK;
		}
	}
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

/* ---- one file as a commit has it ---- */

cairn_status wb_blob_at(cairn_wb *wb, const cairn_oid *commit, const char *path, cairn_oid *blob,
			cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_status st = cairn_git_read_path(wb->git, commit, path, &data, &len, blob, err);

	free(data);
	if (st == CAIRN_ENOTFOUND) {
		blob->hex[0] = '\0';
		st = CAIRN_OK;
	}
	return st;
}

cairn_status wb_read_work(cairn_wb *wb, const char *path, size_t max, char **data, size_t *len,
			  cairn_error *err)
{
	char *clean = NULL;
	size_t n = 0;
	cairn_status st = cairn_fs_read(wb->root, path, max, data, len, err);

	/* Only a CR can make git's clean filters change a record's text. */
	if (st != CAIRN_OK || !memchr(*data, '\r', *len))
		return st;
	if ((st = cairn_git_clean_text(wb->git, path, *data, *len, &clean, &n, err))) {
		free(*data);
		*data = NULL;
		return st;
	}
	free(*data);
	*data = clean;
	*len = n;
	return CAIRN_OK;
}

cairn_status wb_work_blob(cairn_wb *wb, const char *path, size_t max, cairn_oid *blob,
			  cairn_error *err)
{
	char *data = NULL;
	size_t len;
	cairn_status st = wb_read_work(wb, path, max, &data, &len, err);

	blob->hex[0] = '\0';
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;
	if (st == CAIRN_OK)
		st = cairn_git_hash_blob(data, len, blob, err);
	free(data);
	return st;
}

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

/* ---- hand edits ---- */

static bool is_record_path(const char *path)
{
	cairn_ref ref;
	cairn_error ignore;
	return cairn_path_ref(path, &ref, &ignore) == CAIRN_OK && ref.kind != CAIRN_KIND_NONE;
}

/* A file git knows that is gone from the work tree is not an edit to
 * commit: a sync or a checkout killed half-way leaves such files, and
 * committing them would push deletions nobody made.  They are listed
 * apart (cairn_wb_missing_files); `cairn rm` deletes a record on purpose. */
static bool in_work_tree(const cairn_wb *wb, const char *path)
{
	char full[PATH_MAX + CAIRN_PATH_MAX];
	struct stat sb;

	snprintf(full, sizeof full, "%s/%s", wb->root, path);
	return lstat(full, &sb) == 0;
}

/* The record files git status finds changed: those in the work tree
 * (paths), and those gone from it (gone, when not NULL; else only the
 * ones that are there, or with missing only the gone ones, in paths). */
static cairn_status changed_where(cairn_wb *wb, bool missing, char ***paths, size_t *n,
				  char ***gone, size_t *ngone, cairn_error *err)
{
	char **all, **unmerged = NULL, **out = NULL;
	size_t nall, keep = 0, nunmerged = 0, nout = 0;
	const char *op;
	cairn_status st;

	*paths = NULL;
	*n = 0;
	if (gone) {
		*gone = NULL;
		*ngone = 0;
	}
	/* A file git holds in conflict is git's (a cherry-pick, a merge, a
	 * stash stopped there), not an edit: cairn_wb_unmerged_files. */
	if ((st = cairn_git_changed_files(wb->git, &all, &nall, err)))
		return st;
	if (nall && (st = cairn_git_unmerged(wb->git, &unmerged, &nunmerged, &op, err))) {
		cairn_git_paths_free(all, nall);
		return st;
	}
	if (gone && nall && !(out = calloc(nall, sizeof *out))) {
		cairn_git_paths_free(all, nall);
		cairn_git_paths_free(unmerged, nunmerged);
		return cairn_oom(err);
	}
	for (size_t i = 0; i < nall; i++) {
		bool held = false, there;
		for (size_t j = 0; j < nunmerged && !held; j++)
			held = !strcmp(unmerged[j], all[i]);
		if (!(is_record_path(all[i]) || !strcmp(all[i], CAIRN_SETTINGS_FILE)) || held) {
			free(all[i]);
			continue;
		}
		there = in_work_tree(wb, all[i]);
		if (there != missing)
			all[keep++] = all[i];
		else if (gone)
			out[nout++] = all[i];
		else
			free(all[i]);
	}
	cairn_git_paths_free(unmerged, nunmerged);
	*paths = all;
	*n = keep;
	if (gone) {
		*gone = out;
		*ngone = nout;
	}
	return CAIRN_OK;
}

cairn_status cairn_wb_git_stopped(cairn_wb *wb, cairn_error *err)
{
	const char *op = cairn_git_stopped_op(wb->git);

	if (!op)
		return CAIRN_OK;
	/* A save would move the branch under git's feet and a sync would
	 * merge past the half-done step: git's to finish first. */
	return cairn_fail(err, CAIRN_EINPUT,
			  _("a plain `git %s` has stopped half done in %s: finish it with git "
			    "(edit the files it names, `git add` them, then `git %s --continue`) or "
			    "cancel it with `git %s --abort` (`git status` says where it stands); "
			    "cairn saves and syncs nothing until then, so that no change of yours or "
			    "of git's is lost"), op, wb->root, op, op);
}

cairn_status cairn_wb_unmerged_files(cairn_wb *wb, char ***paths, size_t *n, const char **op,
				     cairn_error *err)
{
	return cairn_git_unmerged(wb->git, paths, n, op, err);
}

cairn_status cairn_wb_hand_edits(cairn_wb *wb, char ***paths, size_t *n, cairn_error *err)
{
	return changed_where(wb, false, paths, n, NULL, NULL, err);
}

cairn_status cairn_wb_missing_files(cairn_wb *wb, char ***paths, size_t *n, cairn_error *err)
{
	return changed_where(wb, true, paths, n, NULL, NULL, err);
}

cairn_status cairn_wb_hand_edits_alone(cairn_wb *wb, char ***paths, size_t *n, char ***gone,
				       size_t *ngone, cairn_error *err)
{
	cairn_git_cache_off();
	return changed_where(wb, false, paths, n, gone, ngone, err);
}

cairn_status wb_hand_edits_in(cairn_wb *wb, const char *const *only, size_t nonly, char ***paths,
			      size_t *n, cairn_error *err)
{
	size_t keep = 0;
	cairn_status st = cairn_git_changed_files_in(wb->git, only, nonly, paths, n, err);

	/* A missing file the write would bring back is not someone's edit. */
	for (size_t i = 0; st == CAIRN_OK && i < *n; i++) {
		if (in_work_tree(wb, (*paths)[i]))
			(*paths)[keep++] = (*paths)[i];
		else
			free((*paths)[i]);
	}
	if (st == CAIRN_OK)
		*n = keep;
	return st;
}
