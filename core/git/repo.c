/* The repository handle (see include/cairn/gitstore.h): libgit2's errors
 * and ids, opening and creating the repository (lazily: cairn_git_head
 * reads a plain HEAD without libgit2), its configuration and the identity
 * it gives.  The bottom of core/git/: the other files of the handle
 * (refs.c, commit.c, tree.c, status.c) build on it, and it calls only
 * loose.c below it.
 */
#include "cairn/gitstore.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <git2.h>
#include <git2/sys/repository.h>

#include "cairn/i18n.h"
#include "git/git_internal.h"
#include "git/loose.h"
#include "git/oidmap.h"

/* ---- errors and ids ---- */

/* Fail with libgit2's own explanation appended, when it left one. */
cairn_status cairn_git_fail(cairn_error *err, cairn_status code, const char *fmt, ...)
{
	char msg[1536];
	const git_error *e = git_error_last();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (e && e->message)
		return cairn_fail(err, code, "%s (libgit2: %.480s)", msg, e->message);
	return cairn_fail(err, code, "%s", msg);
}

void cairn_git_hex_of(cairn_oid *out, const git_oid *id)
{
	git_oid_tostr(out->hex, sizeof out->hex, id);
}

/* A caller's id, which must be 40 hex digits. */
cairn_status cairn_git_parse_oid(git_oid *out, const cairn_oid *in, const char *what,
				 cairn_error *err)
{
	if (strlen(in->hex) != 40 || git_oid_fromstr(out, in->hex) != 0)
		return cairn_fail(err, CAIRN_EINPUT, "\"%.41s\" is not a git id (%s)",
				  in->hex, what);
	return CAIRN_OK;
}

/* Paths cairn commits are '/'-separated and relative, with no empty, "."
 * or ".." component and no ".git" folder (libgit2's tree builder refuses
 * the NTFS and HFS+ spellings, with protectNTFS and protectHFS set). */
cairn_status cairn_git_check_path(const char *path, cairn_error *err)
{
	const char *p = path, *end;

	if (!path || !*path)
		return cairn_fail(err, CAIRN_EINPUT, "empty path in a commit");
	for (;;) {
		size_t n;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\": empty, \".\" or \"..\" component; cairn only "
					  "stores plain relative paths", path);
		if (n == 4 && strncasecmp(p, ".git", 4) == 0)
			return cairn_fail(err, CAIRN_EINPUT,
					  "\"%s\": git refuses a \".git\" folder in a commit", path);
		if (!end)
			return CAIRN_OK;
		p = end + 1;
	}
}

/* ---- opening ---- */

cairn_status cairn_git_lib_init(cairn_error *err)
{
	if (git_libgit2_init() < 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot start libgit2");
	/* Without this libgit2 does not fsync objects, refs or packs. */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* libgit2 caches trees up to 4 kB; a record folder's tree of 256
	 * shards is bigger, and a fetch or a merge would inflate it again for
	 * every commit (a 100k-record sync spent 4 s so). */
	cairn_git_cache_trees(true);
	return CAIRN_OK;
}

void cairn_git_cache_trees(bool on)
{
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
			 on ? (size_t)256 * 1024 : (size_t)0);
}

void cairn_git_fsync_writes(cairn_git *git, bool on)
{
	git_refdb *db = NULL;

	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, on ? 1 : 0);
	/* Loose objects read the switch as they are written; the refs' and
	 * reflogs' backend reads it once, when it is made: a new one. */
	if (git->repo && git_refdb_open(&db, git->repo) == 0) {
		git_repository_set_refdb(git->repo, db);
		git_refdb_free(db);
	}
}

char *cairn_git_dup_str(const char *s)
{
	char *d = malloc(strlen(s) + 1);
	if (d)
		strcpy(d, s);
	return d;
}

/* Take ownership of repo (and of one libgit2 init) into a new handle. */
static cairn_status wrap(git_repository *repo, cairn_git **out, cairn_error *err)
{
	cairn_git *g = calloc(1, sizeof *g);
	const char *wd = git_repository_workdir(repo);

	if (g) {
		g->repo = repo;
		g->workdir = cairn_git_dup_str(wd ? wd : "");
		g->gitdir = cairn_git_dup_str(git_repository_path(repo));
		g->commondir = cairn_git_dup_str(git_repository_commondir(repo));
	}
	if (!g || !g->workdir || !g->gitdir || !g->commondir) {
		cairn_git_close(g);
		if (!g) {
			git_repository_free(repo);
			git_libgit2_shutdown();
		}
		return cairn_oom(err);
	}
	*out = g;
	return CAIRN_OK;
}

static cairn_status set_config(git_repository *repo, const char *dir, cairn_error *err)
{
	git_config *all = NULL, *local = NULL;
	int rc;

	rc = git_repository_config(&all, repo);
	if (rc == 0)
		rc = git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL);
	/* HFS+ ignorable code points in ".git" are only refused on Linux with
	 * protectHFS; the workbook may be cloned on a Mac or Windows. */
	if (rc == 0)
		rc = git_config_set_bool(local, "core.protectHFS", 1);
	if (rc == 0)
		rc = git_config_set_bool(local, "core.protectNTFS", 1);
	if (rc == 0)
		rc = git_config_set_bool(local, "core.autocrlf", 0);
	git_config_free(local);
	git_config_free(all);
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot write the repository's configuration", dir);
	return CAIRN_OK;
}

cairn_status cairn_git_init(const char *dir, cairn_git **out, cairn_error *err)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	cairn_status st;
	int rc;

	*out = NULL;
	if ((st = cairn_git_lib_init(err)) != CAIRN_OK)
		return st;
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "main";
	rc = git_repository_init_ext(&repo, dir, &opts);
	if (rc == GIT_EEXISTS)
		st = cairn_git_fail(err, CAIRN_EEXISTS,
				    "%s: already holds a git repository; open it instead of creating one", dir);
	else if (rc != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot create a git repository", dir);
	else
		st = set_config(repo, dir, err);
	if (st != CAIRN_OK) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return st;
	}
	return wrap(repo, out, err);
}

/* Open the repository at dir with libgit2; *out is the repository. */
static cairn_status open_repo(const char *dir, git_repository **out, cairn_error *err)
{
	char abs[PATH_MAX];
	git_repository *repo = NULL;
	cairn_status st;
	int rc;

	*out = NULL;
	if ((st = cairn_git_lib_init(err)) != CAIRN_OK)
		return st;
	rc = git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	/* 1.5.1 reports a repository owned by someone else as -3, "config
	 * value 'safe.directory' was not found", not as GIT_EOWNER. */
	if (rc == GIT_ENOTFOUND && git_error_last() && git_error_last()->message &&
	    strstr(git_error_last()->message, "safe.directory"))
		rc = GIT_EOWNER;
	if (rc == GIT_ENOTFOUND)
		st = cairn_git_fail(err, CAIRN_ENOTFOUND,
				    "%s: not a git repository (no .git folder); is this the workbook?", dir);
	else if (rc == GIT_EOWNER)
		st = cairn_git_fail(err, CAIRN_EIO,
				    "%s: owned by another user; if you trust it, run "
				    "`git config --global --add safe.directory %s`", dir,
				    realpath(dir, abs) ? abs : dir);
	else if (rc != 0)
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot open the git repository", dir);
	else if (git_repository_is_bare(repo))
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s: a bare repository has no files to edit; clone it first", dir);
	if (st != CAIRN_OK) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return st;
	}
	*out = repo;
	return CAIRN_OK;
}

cairn_status cairn_git_need_repo(cairn_git *g, cairn_error *err)
{
	return g->repo ? CAIRN_OK : open_repo(g->dir, &g->repo, err);
}

/* Does git's config file at path set key (section.name, lowercase) to a
 * true value, or (want_any) to anything?  A plain scan of the file, as
 * the usual workbook opens without libgit2. */
static bool config_says(const char *path, const char *section, const char *name, bool want_any)
{
	char line[1024], cur[128] = "";
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof line, f)) {
		char *p = line, *eq;
		size_t n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			n = strcspn(p + 1, " \t]\"");
			snprintf(cur, sizeof cur, "%.*s", (int)n, p + 1);
			continue;
		}
		if (strcasecmp(cur, section) || !(eq = strchr(p, '=')))
			continue;
		n = strcspn(p, " \t=");
		if (n != strlen(name) || strncasecmp(p, name, n))
			continue;
		for (eq++; *eq == ' ' || *eq == '\t'; eq++)
			;
		eq[strcspn(eq, " \t\r\n;#")] = '\0';
		found = want_any ? *eq != '\0' : (!strcasecmp(eq, "true") || !strcasecmp(eq, "yes") ||
						  !strcasecmp(eq, "on") || !strcmp(eq, "1"));
	}
	fclose(f);
	return found;
}

/* Shapes of a clone libgit2 1.5.1 cannot work with: refused by name. */
static cairn_status check_shape(const cairn_git *g, cairn_error *err)
{
	char common[PATH_MAX + 16], own[PATH_MAX + 24];

	snprintf(common, sizeof common, "%sconfig", g->commondir);
	snprintf(own, sizeof own, "%sconfig.worktree", g->gitdir);
	if (config_says(common, "extensions", "partialclone", true) ||
	    config_says(common, "remote", "promisor", false))
		return cairn_fail(err, CAIRN_EIO,
				  _("%s is a partial clone (`git clone --filter`): some of its "
				    "objects stayed on the server, and cairn (libgit2 1.5.1) cannot "
				    "fetch them when it needs them; make a full clone to work in: "
				    "`cairn clone URL DIR` (or `git clone` without --filter)"), g->workdir);
	if (config_says(common, "core", "sparsecheckout", false) ||
	    config_says(own, "core", "sparsecheckout", false))
		return cairn_fail(err, CAIRN_EIO,
				  _("%s is a sparse checkout (`git sparse-checkout`): the record "
				    "files outside it are not in the work tree, and cairn would take "
				    "them for missing; run `git sparse-checkout disable` to work on it "
				    "with cairn"), g->workdir);
	return CAIRN_OK;
}

cairn_status cairn_git_open(const char *dir, cairn_git **out, cairn_error *err)
{
	char abs[PATH_MAX], path[PATH_MAX + 16];
	struct stat sb;
	cairn_git *g;
	cairn_status st;

	*out = NULL;
	/* The usual workbook (a folder with a .git folder) opens lazily; a
	 * .git file (a worktree) or anything else goes through libgit2 now. */
	if (!realpath(dir, abs) || (size_t)snprintf(path, sizeof path, "%s/.git", abs) >= sizeof path ||
	    stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		git_repository *repo;
		if ((st = open_repo(dir, &repo, err)) != CAIRN_OK)
			return st;
		if ((st = wrap(repo, out, err)) == CAIRN_OK && !((*out)->dir = cairn_git_dup_str(dir))) {
			cairn_git_close(*out);
			*out = NULL;
			return cairn_oom(err);
		}
		if (st == CAIRN_OK && (st = check_shape(*out, err)) != CAIRN_OK) {
			cairn_git_close(*out);
			*out = NULL;
		}
		return st;
	}
	if (!(g = calloc(1, sizeof *g)))
		return cairn_oom(err);
	g->dir = cairn_git_dup_str(dir);
	g->workdir = malloc(strlen(abs) + 2);
	g->gitdir = malloc(strlen(abs) + 7);
	if (!g->dir || !g->workdir || !g->gitdir) {
		cairn_git_close(g);
		return cairn_oom(err);
	}
	sprintf(g->workdir, "%s/", strcmp(abs, "/") ? abs : "");
	sprintf(g->gitdir, "%s.git/", g->workdir);
	if (!(g->commondir = cairn_git_dup_str(g->gitdir))) {
		cairn_git_close(g);
		return cairn_oom(err);
	}
	if ((st = check_shape(g, err)) != CAIRN_OK) {
		cairn_git_close(g);
		return st;
	}
	*out = g;
	return CAIRN_OK;
}

void cairn_git_close(cairn_git *git)
{
	if (!git)
		return;
	git_tree_free(git->last_tree);
	cairn_git_recent_trees(git, false);
	gitpack_free(git->outgoing);
	if (git->repo) {
		git_repository_free(git->repo);
		git_libgit2_shutdown();
	}
	free(git->dir);
	free(git->workdir);
	free(git->gitdir);
	free(git->commondir);
	oidmap_done(&git->checked);
	oidmap_done(&git->trees_ok);
	oidmap_done(&git->shallow);
	free(git);
}

bool cairn_git_was_checked(const cairn_git *git, const git_oid *commit)
{
	return oidmap_get(&git->checked, commit, NULL);
}

bool cairn_git_mark_checked(cairn_git *git, const git_oid *commit)
{
	return oidmap_put(&git->checked, commit, 0);
}

const char *cairn_git_workdir(const cairn_git *git)
{
	return git->workdir;
}

const char *cairn_git_gitdir(const cairn_git *git)
{
	return git->gitdir;
}

const char *cairn_git_commondir(const cairn_git *git)
{
	return git->commondir;
}

/* The handle's doors to loose.c, which takes the git folder only. */
cairn_status cairn_git_verify_object(cairn_git *git, const cairn_oid *id, const char *data,
				     size_t len, bool *loose, cairn_error *err)
{
	return cairn_git_verify_object_in(git->commondir, id, data, len, loose, err);
}

cairn_status cairn_git_verify_loose(cairn_git *git, time_t since, size_t *checked,
				    cairn_error *err)
{
	return cairn_git_verify_loose_in(git->commondir, since, checked, err);
}

git_repository *cairn_git_repository(cairn_git *git, cairn_error *err)
{
	return cairn_git_need_repo(git, err) == CAIRN_OK ? git->repo : NULL;
}

cairn_status cairn_git_open_bare(const char *dir, cairn_git **out, cairn_error *err)
{
	git_repository *repo = NULL;
	cairn_status st;

	*out = NULL;
	if ((st = cairn_git_lib_init(err)) != CAIRN_OK)
		return st;
	if (git_repository_open_bare(&repo, dir) != 0) {
		st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot open the bare repository", dir);
		git_libgit2_shutdown();
		return st;
	}
	if ((st = wrap(repo, out, err)) == CAIRN_OK && !((*out)->dir = cairn_git_dup_str(dir))) {
		cairn_git_close(*out);
		*out = NULL;
		return cairn_oom(err);
	}
	return st;
}

cairn_status cairn_git_use_env_objects(cairn_git *git, cairn_error *err)
{
	const char *dirs[2] = { getenv("GIT_OBJECT_DIRECTORY"),
				getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES") };
	git_repository *repo = cairn_git_repository(git, err);
	git_odb *odb = NULL;
	cairn_status st = CAIRN_OK;

	if (!repo)
		return CAIRN_EIO;
	if (git_repository_odb(&odb, repo) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read the repository's objects");
	for (int i = 0; i < 2 && st == CAIRN_OK; i++) {
		for (const char *p = dirs[i]; p && *p;) {
			size_t n = strcspn(p, ":");
			char *one = strndup(p, n);
			if (!one) {
				st = cairn_oom(err);
				break;
			}
			if (*one && git_odb_add_disk_alternate(odb, one) != 0)
				st = cairn_git_fail(err, CAIRN_EIO, "%s: cannot read these objects", one);
			free(one);
			p += n;
			p += *p == ':';
		}
	}
	git_odb_free(odb);
	return st;
}

/* ---- identity ---- */

static cairn_status get_string(git_config *cfg, const char *key, char **out,
			       cairn_error *err)
{
	const char *v = NULL;
	int rc = git_config_get_string(&v, cfg, key);

	*out = NULL;
	if (rc == GIT_ENOTFOUND)
		return CAIRN_OK;
	if (rc != 0)
		return cairn_git_fail(err, CAIRN_EIO, "cannot read %s from git's configuration", key);
	if (!(*out = cairn_git_dup_str(v)))
		return cairn_oom(err);
	return CAIRN_OK;
}

cairn_status cairn_git_config_identity(cairn_git *git, char **name, char **email,
				       cairn_error *err)
{
	{
		cairn_status lazy = cairn_git_need_repo(git, err);
		if (lazy != CAIRN_OK)
			return lazy;
	}
	git_config *cfg = NULL;
	cairn_status st;

	*name = *email = NULL;
	if (git_repository_config_snapshot(&cfg, git->repo) != 0)
		return cairn_git_fail(err, CAIRN_EIO, "%s: cannot read git's configuration", git->gitdir);
	st = get_string(cfg, "user.name", name, err);
	if (st == CAIRN_OK)
		st = get_string(cfg, "user.email", email, err);
	if (st != CAIRN_OK) {
		free(*name);
		*name = NULL;
	}
	git_config_free(cfg);
	return st;
}
