/* Tests for core/git/pack.c: a pack and its index that cairn writes itself
 * (stored zlib blocks, OFS_DELTA against the object replaced at the same
 * path), so nothing but git's own readers can say whether they are right.
 * git verify-pack checks the pack against its index and shows the delta
 * chains, libgit2 reads every object back byte for byte, and git fsck
 * --strict checks the tree and the commit.  The objects cover the edges of
 * the format: an empty blob, a one-byte one, blobs of more than one stored
 * block (65,535 bytes), a delta copying more than 65,535 bytes, and a
 * record's fifteen versions, which are more than one delta chain may hold. */
#include "git/pack.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "tap.h"

#define RECORD_VERSIONS 15
#define OBJECTS_MAX 64

/* An object handed to the pack, kept to compare with what is read back. */
typedef struct object {
	git_object_t type;
	git_oid id;
	char *data;
	size_t len;
} object;

static char base[PATH_MAX];
static object objects[OBJECTS_MAX];
static size_t nobjects;

/* ---- helpers ---- */

/* Run a command, its output (stdout and stderr) into buf; its exit code. */
static int run(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run(char *buf, size_t size, const char *fmt, ...)
{
	char cmd[PATH_MAX + 256];
	va_list ap;
	size_t n = 0;
	FILE *p;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	if (!(p = popen(cmd, "r")))
		return -1;
	n = fread(buf, 1, size - 1, p);
	buf[n] = '\0';
	rc = pclose(p);
	return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

/* libgit2's last error message, or "" (it may have none). */
static const char *git_message(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "";
}

static void setup_env(void)
{
	const char *tmp = getenv("TMPDIR");

	pathf(base, sizeof base, "%s/cairn-test-gitpack-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		exit(99);
	}
	/* Neither libgit2 nor git may read the user's configuration. */
	setenv("HOME", base, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_DIR");
	unsetenv("GIT_OBJECT_DIRECTORY");
	unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
}

/* A fresh repository at base/name; its git folder (with a trailing slash)
 * in gitdir. */
static git_repository *fresh_repo(const char *name, char *gitdir, size_t size)
{
	git_repository *repo = NULL;
	char path[PATH_MAX];

	pathf(path, sizeof path, "%s/%s", base, name);
	if (git_repository_init(&repo, path, 0) != 0) {
		tap_diag("git_repository_init %s: %s", path, git_message());
		exit(99);
	}
	pathf(gitdir, size, "%s", git_repository_path(repo));
	return repo;
}

/* The files in gitdir's objects/pack: how many, and the last name of each
 * kind (".pack", ".idx") in pack and idx. */
static size_t pack_files(const char *gitdir, char *pack, char *idx, size_t size)
{
	char path[PATH_MAX];
	struct dirent *d;
	size_t n = 0;
	DIR *dir;

	pack[0] = idx[0] = '\0';
	pathf(path, sizeof path, "%sobjects/pack", gitdir);
	if (!(dir = opendir(path)))
		return 0;
	while ((d = readdir(dir))) {
		size_t len = strlen(d->d_name);
		if (d->d_name[0] == '.')
			continue;
		n++;
		if (len > 5 && !strcmp(d->d_name + len - 5, ".pack"))
			pathf(pack, size, "%s", d->d_name);
		else if (len > 4 && !strcmp(d->d_name + len - 4, ".idx"))
			pathf(idx, size, "%s", d->d_name);
	}
	closedir(dir);
	return n;
}

/* Whether name is "pack-" then 40 lowercase hex digits, then ext. */
static bool pack_name(const char *name, const char *ext)
{
	if (strncmp(name, "pack-", 5) || strlen(name) != 5 + 40 + strlen(ext))
		return false;
	for (int i = 5; i < 45; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return false;
	return !strcmp(name + 45, ext);
}

/* Add an object (its id git's hash of the bytes) and keep a copy in
 * objects; false, with a diagnostic, when the pack refuses it. */
static bool add(gitpack *p, git_object_t type, const void *data, size_t len, const char *path,
		const git_oid *base_id, git_oid *id)
{
	cairn_error err;
	object *o;

	if (git_odb_hash(id, data, len, type) != 0 || nobjects == OBJECTS_MAX) {
		tap_diag("cannot hash an object of %zu bytes at \"%s\"", len, path);
		return false;
	}
	if (gitpack_add(p, type, id, data, len, path, base_id, &err) != CAIRN_OK) {
		tap_diag("add %zu bytes at \"%s\": %s", len, path, err.msg);
		return false;
	}
	o = &objects[nobjects++];
	o->type = type;
	o->id = *id;
	o->len = len;
	if ((o->data = malloc(len ? len : 1)))
		memcpy(o->data, data, len);
	return o->data != NULL;
}

/* Bytes that do not repeat and do not compress (a linear congruential
 * generator), the same on every run. */
static char *noise(size_t len, uint32_t seed)
{
	char *b = malloc(len ? len : 1);

	for (size_t i = 0; b && i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (char)(seed >> 16);
	}
	return b;
}

/* The record's versions: twenty lines "fieldNN: value NNN\n" (380 bytes)
 * and then each version one edit of the one before.  Versions 0 to 12
 * are thirteen in a row that delta well (each keeps a common head or
 * tail), more than a chain may hold; 13 shares nothing with 12; 14 is a
 * small edit of 13. */
static size_t record_version(int v, char *r, size_t len)
{
	size_t line = 19;       /* strlen("field00: value 000\n") */

	switch (v) {
	case 0:
		len = 0;
		for (int i = 0; i < 20; i++)
			len += (size_t)sprintf(r + len, "field%02d: value %03d\n", i, i * 7);
		break;
	case 1: memcpy(r, "FIELD", 5); break;                   /* the head */
	case 2: memcpy(r + len / 2, "middle", 6); break;        /* the middle */
	case 3: memcpy(r + len - 4, "end", 3); break;           /* the tail */
	case 4: r[100] = r[100] == 'x' ? 'y' : 'x'; break;      /* one byte */
	case 5:                                                  /* a line in the middle */
		memmove(r + 10 * line + line, r + 10 * line, len - 10 * line);
		memcpy(r + 10 * line, "inserted: line 001\n", line);
		len += line;
		break;
	case 6: len -= line; break;                             /* the last line gone */
	case 7:                                                  /* the first line gone */
		memmove(r, r + line, len - line);
		len -= line;
		break;
	case 8: memcpy(r + len / 4, "quarter", 7); break;
	case 9: memcpy(r + len / 3, "third", 5); break;
	case 10: memcpy(r + 2 * len / 3, "two thirds", 10); break;
	case 11: r[len - 1] = '!'; break;                       /* the very last byte */
	case 12: r[0] = 'h'; break;                             /* the very first byte */
	case 13: {                                               /* completely different */
		char *n = noise(400, 13);
		if (n)
			memcpy(r, n, 400);
		free(n);
		len = 400;
		break;
	}
	case 14: memcpy(r + 200, "edited", 6); break;
	}
	return len;
}

/* Add the record's versions at one path, each with the one before as its
 * base; their ids into ids, their total size into *total. */
static bool add_records(gitpack *p, git_oid ids[RECORD_VERSIONS], size_t *total)
{
	char r[512];
	size_t len = 0;
	bool all = true;

	*total = 0;
	for (int v = 0; v < RECORD_VERSIONS; v++) {
		len = record_version(v, r, len);
		all &= add(p, GIT_OBJECT_BLOB, r, len, "records/R1", v ? &ids[v - 1] : NULL, &ids[v]);
		*total += len;
	}
	return all;
}

/* A tree entry: "100644 name\0" and the id's 20 raw bytes. */
static size_t tree_entry(char *t, const char *name, const git_oid *id)
{
	size_t n = (size_t)sprintf(t, "100644 %s", name) + 1;

	memcpy(t + n, id->id, GIT_OID_RAWSZ);
	return n + GIT_OID_RAWSZ;
}

/* Whether libgit2 reads objects[first..] back from repo: the same type,
 * size and bytes (a diagnostic names each one that differs). */
static bool reads_back(git_repository *repo, size_t first)
{
	git_odb *odb = NULL;
	bool all = true;

	if (git_repository_odb(&odb, repo) != 0 || git_odb_refresh(odb) != 0) {
		tap_diag("open the object database: %s", git_message());
		git_odb_free(odb);
		return false;
	}
	for (size_t i = first; i < nobjects; i++) {
		const object *o = &objects[i];
		git_odb_object *got = NULL;
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof hex, &o->id);
		if (git_odb_read(&got, odb, &o->id) != 0) {
			tap_diag("read %s: %s", hex, git_message());
			all = false;
			continue;
		}
		if (git_odb_object_type(got) != o->type || git_odb_object_size(got) != o->len ||
		    memcmp(git_odb_object_data(got), o->data, o->len) != 0) {
			tap_diag("%s: type %d size %zu, want type %d size %zu", hex,
				 git_odb_object_type(got), git_odb_object_size(got), o->type, o->len);
			all = false;
		}
		git_odb_object_free(got);
	}
	git_odb_free(odb);
	return all;
}

/* ---- tests ---- */

static git_oid commit_id;
static size_t records_size;

static void test_add(gitpack *p)
{
	git_oid empty, one, big, huge, huge2, records[RECORD_VERSIONS], tree, id, absent;
	char *big_data = noise(70000, 1), *huge_data = noise(200000, 2);
	char t[512], c[256], hex[GIT_OID_HEXSZ + 1];
	size_t len, before, bytes;
	cairn_error err;
	bool all = true;

	if (!big_data || !huge_data) {
		tap_diag("out of memory");
		exit(99);
	}
	all &= add(p, GIT_OBJECT_BLOB, "", 0, "empty", NULL, &empty);
	all &= add(p, GIT_OBJECT_BLOB, "x", 1, "one", NULL, &one);
	all &= add(p, GIT_OBJECT_BLOB, big_data, 70000, "big", NULL, &big);
	all &= add(p, GIT_OBJECT_BLOB, huge_data, 200000, "huge", NULL, &huge);
	/* One byte changed in the middle: a delta that copies 100,000 bytes
	 * from an offset past 65,535, and then 99,999 more. */
	huge_data[100000] ^= 1;
	all &= add(p, GIT_OBJECT_BLOB, huge_data, 200000, "huge", &huge, &huge2);
	all &= add_records(p, records, &records_size);
	len = tree_entry(t, "big", &big);
	len += tree_entry(t + len, "empty", &empty);
	len += tree_entry(t + len, "huge", &huge2);
	len += tree_entry(t + len, "one", &one);
	len += tree_entry(t + len, "record", &records[RECORD_VERSIONS - 1]);
	all &= add(p, GIT_OBJECT_TREE, t, len, "", NULL, &tree);
	git_oid_tostr(hex, sizeof hex, &tree);
	len = (size_t)sprintf(c, "tree %s\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000\n"
			      "\nmsg\n", hex);
	all &= add(p, GIT_OBJECT_COMMIT, c, len, "", NULL, &commit_id);
	free(big_data);
	free(huge_data);
	ok(all, "every object is added");
	is_int(gitpack_objects(p), nobjects, "the pack counts each object once (%zu)", nobjects);

	all = true;
	for (size_t i = 0; i < nobjects; i++)
		all &= gitpack_has(p, &objects[i].id);
	ok(all, "gitpack_has knows every added object");
	git_odb_hash(&absent, "not in the pack", 15, GIT_OBJECT_BLOB);
	ok(!gitpack_has(p, &absent), "gitpack_has does not know another one");

	before = gitpack_objects(p);
	bytes = gitpack_bytes(p);
	ok(gitpack_add(p, GIT_OBJECT_BLOB, &one, "x", 1, "one", NULL, &err) == CAIRN_OK,
	   "adding an object again succeeds");
	ok(gitpack_add(p, GIT_OBJECT_BLOB, &records[3], "x", 1, "records/R1", &records[2], &err)
	   == CAIRN_OK, "and so does adding it again at its path with its base");
	ok(gitpack_objects(p) == before && gitpack_bytes(p) == bytes,
	   "and neither adds to the pack");

	git_odb_hash(&id, "delta", 5, GIT_OBJECT_BLOB);
	err.msg[0] = '\0';
	is_int(gitpack_add(p, GIT_OBJECT_OFS_DELTA, &id, "delta", 5, "d", NULL, &err), CAIRN_EINPUT,
	       "an object of type OFS_DELTA is refused");
	ok(err.msg[0] != '\0', "with a message: %s", err.msg);
	is_int(gitpack_add(p, GIT_OBJECT_REF_DELTA, &id, "delta", 5, "d", NULL, &err), CAIRN_EINPUT,
	       "so is REF_DELTA");
	is_int(gitpack_add(p, GIT_OBJECT_INVALID, &id, "delta", 5, "d", NULL, &err), CAIRN_EINPUT,
	       "and GIT_OBJECT_INVALID");
	ok(!gitpack_has(p, &id) && gitpack_objects(p) == before && gitpack_bytes(p) == bytes,
	   "a refused object is not in the pack");
}

static void test_write(gitpack *p, const char *gitdir)
{
	static char output[65536];
	char pack[NAME_MAX + 1], idx[NAME_MAX + 1], *s;
	cairn_error err;
	size_t files, deltas = 0, plain = 0;
	long depth, count, deepest = 0;
	int failed = tap_failed;

	err.msg[0] = '\0';
	ok(gitpack_write(p, &err) == CAIRN_OK, "gitpack_write %s", err.msg);
	files = pack_files(gitdir, pack, idx, sizeof pack);
	is_int(files, 2, "objects/pack holds two files");
	ok(pack_name(pack, ".pack"), "one is pack-SHA.pack: %s", pack);
	ok(pack_name(idx, ".idx") && !strncmp(pack, idx, 45), "the other its index: %s", idx);

	is_int(run(output, sizeof output, "git verify-pack -v '%sobjects/pack/%s' 2>&1", gitdir,
		   idx), 0, "git verify-pack -v accepts the pack and its index");
	/* Its summary: "non delta: N objects" and "chain length = D: N objects". */
	for (s = output; (s = strstr(s, "non delta: ")); s++)
		plain += strtoul(s + 11, NULL, 10);
	for (s = output; (s = strstr(s, "chain length = ")); s++)
		if (sscanf(s, "chain length = %ld: %ld object", &depth, &count) == 2) {
			deltas += (size_t)count;
			if (depth > deepest)
				deepest = depth;
		}
	ok(deltas > 0, "git sees deltas (%zu)", deltas);
	ok(deepest <= 10, "no chain longer than 10 (the longest: %ld)", deepest);
	ok(deepest >= 9, "the record's thirteen versions in a row chain up to the cap of 9");
	is_int(plain + deltas, nobjects, "and every object, delta or not");
	if (tap_failed > failed)
		tap_diag("git verify-pack -v said:\n%s", output);
}

static void test_read_back(git_repository *repo, const char *gitdir)
{
	static char output[65536];
	git_reference *ref = NULL;
	int failed;

	ok(reads_back(repo, 0), "libgit2 reads every object back: same type, size and bytes");

	/* A branch at the commit, for fsck to follow into the tree. */
	ok(git_reference_create(&ref, repo, "refs/heads/packed", &commit_id, 0, NULL) == 0,
	   "a branch at the packed commit");
	git_reference_free(ref);
	failed = tap_failed;
	is_int(run(output, sizeof output, "git -C '%s' fsck --full --strict --no-progress 2>&1",
		   gitdir), 0, "git fsck --full --strict is clean");
	ok(!strstr(output, "error") && !strstr(output, "missing") && !strstr(output, "broken"),
	   "and reports nothing wrong");
	if (tap_failed > failed)
		tap_diag("git fsck said:\n%s", output);
}

/* An empty pack writes nothing; then a pack of the record's versions alone
 * is smaller than the versions themselves. */
static void test_small(void)
{
	char gitdir[PATH_MAX], pack[NAME_MAX + 1], idx[NAME_MAX + 1], path[PATH_MAX * 2];
	git_repository *repo = fresh_repo("small", gitdir, sizeof gitdir);
	git_oid ids[RECORD_VERSIONS];
	gitpack *p = NULL;
	cairn_error err;
	struct stat st;
	size_t total = 0, first = nobjects;

	ok(gitpack_new(&p, gitdir, &err) == CAIRN_OK && gitpack_write(p, &err) == CAIRN_OK,
	   "an empty pack is written without an error");
	is_int(pack_files(gitdir, pack, idx, sizeof pack), 0, "and leaves no file");
	gitpack_free(p);
	p = NULL;

	ok(gitpack_new(&p, gitdir, &err) == CAIRN_OK && add_records(p, ids, &total) &&
	   gitpack_write(p, &err) == CAIRN_OK, "a pack of the record's %d versions",
	   RECORD_VERSIONS);
	pack_files(gitdir, pack, idx, sizeof pack);
	pathf(path, sizeof path, "%sobjects/pack/%s", gitdir, pack);
	ok(pack[0] && stat(path, &st) == 0 && (size_t)st.st_size < total,
	   "is smaller (%lld bytes) than the versions (%zu bytes)",
	   pack[0] && stat(path, &st) == 0 ? (long long)st.st_size : -1LL, total);
	gitpack_free(p);
	git_repository_free(repo);
	/* The copies kept by add() are not needed any more. */
	while (nobjects > first)
		free(objects[--nobjects].data);
}

/* A delta takes its base's type: a folder that replaced a file of its
 * name, bytes nearly the same, is written whole and reads back a tree. */
static void test_kinds_apart(void)
{
	static char output[8192];
	char gitdir[PATH_MAX], pack[NAME_MAX + 1], idx[NAME_MAX + 1], bytes[300];
	git_repository *repo = fresh_repo("kinds", gitdir, sizeof gitdir);
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_oid file, folder;
	gitpack *p = NULL;
	cairn_error err;
	size_t first = nobjects;

	memset(bytes, 'a', sizeof bytes);
	ok(gitpack_new(&p, gitdir, &err) == CAIRN_OK &&
	   add(p, GIT_OBJECT_BLOB, bytes, sizeof bytes, "x", NULL, &file) &&
	   (bytes[sizeof bytes - 1] = 'b', add(p, GIT_OBJECT_TREE, bytes, sizeof bytes, "x", &file,
					       &folder)) &&
	   gitpack_write(p, &err) == CAIRN_OK,
	   "a tree whose base is a blob at its path is packed");
	pack_files(gitdir, pack, idx, sizeof pack);
	is_int(run(output, sizeof output, "git verify-pack '%sobjects/pack/%s' 2>&1", gitdir, idx),
	       0, "git verify-pack accepts it");
	ok(git_repository_odb(&odb, repo) == 0 && git_odb_refresh(odb) == 0 &&
	   git_odb_read(&obj, odb, &folder) == 0 && git_odb_object_type(obj) == GIT_OBJECT_TREE,
	   "and it reads back a tree");
	git_odb_object_free(obj);
	git_odb_free(odb);
	gitpack_free(p);
	git_repository_free(repo);
	while (nobjects > first)
		free(objects[--nobjects].data);
}

/* More than the megabyte that waits in memory: the pack goes to its file
 * in pieces, and a delta reaches back across a piece to its base. */
static void test_long(void)
{
	static char output[65536];
	char gitdir[PATH_MAX], pack[NAME_MAX + 1], idx[NAME_MAX + 1], r[512], name[32];
	git_repository *repo = fresh_repo("long", gitdir, sizeof gitdir);
	git_oid v0, v1, id;
	gitpack *p = NULL;
	cairn_error err;
	size_t first = nobjects, len;
	bool added;

	len = record_version(0, r, sizeof r);
	added = gitpack_new(&p, gitdir, &err) == CAIRN_OK &&
		add(p, GIT_OBJECT_BLOB, r, len, "records/R", NULL, &v0);
	for (uint32_t i = 0; added && i < 12; i++) {
		char *b = noise(100000, 7 + i);
		snprintf(name, sizeof name, "big/%u", (unsigned)i);
		added = b && add(p, GIT_OBJECT_BLOB, b, 100000, name, NULL, &id);
		free(b);
	}
	len = record_version(1, r, len);
	ok(added && add(p, GIT_OBJECT_BLOB, r, len, "records/R", &v0, &v1) &&
	   gitpack_bytes(p) > 1200000, "a pack of %zu bytes", p ? gitpack_bytes(p) : 0);
	ok(gitpack_write(p, &err) == CAIRN_OK, "is written %s", err.msg);
	is_int(pack_files(gitdir, pack, idx, sizeof pack), 2, "as a pack and its index alone");
	is_int(run(output, sizeof output, "git verify-pack -v '%sobjects/pack/%s' 2>&1", gitdir,
		   idx), 0, "which git verify-pack accepts");
	ok(strstr(output, "chain length = 1: 1 object") != NULL, "with the record's delta");
	ok(reads_back(repo, first), "and libgit2 reads every object back");
	gitpack_free(p);
	git_repository_free(repo);
	while (nobjects > first)
		free(objects[--nobjects].data);
}

/* A pack given up (a refused fetch) leaves no file behind. */
static void test_given_up(void)
{
	char gitdir[PATH_MAX], pack[NAME_MAX + 1], idx[NAME_MAX + 1];
	git_repository *repo = fresh_repo("given-up", gitdir, sizeof gitdir);
	gitpack *p = NULL;
	cairn_error err;
	git_oid id;
	size_t first = nobjects;

	ok(gitpack_new(&p, gitdir, &err) == CAIRN_OK &&
	   add(p, GIT_OBJECT_BLOB, "x", 1, "x", NULL, &id),
	   "a pack begun");
	is_int(pack_files(gitdir, pack, idx, sizeof pack), 1, "has its file");
	gitpack_free(p);
	is_int(pack_files(gitdir, pack, idx, sizeof pack), 0, "which goes when it is given up");
	git_repository_free(repo);
	while (nobjects > first)
		free(objects[--nobjects].data);
}

int main(void)
{
	char gitdir[PATH_MAX], cmd[PATH_MAX + 16];
	git_repository *repo;
	gitpack *p = NULL;
	cairn_error err;

	setup_env();
	git_libgit2_init();
	repo = fresh_repo("repo", gitdir, sizeof gitdir);
	err.msg[0] = '\0';
	ok(gitpack_new(&p, gitdir, &err) == CAIRN_OK, "gitpack_new %s", err.msg);
	if (!p)
		return tap_done();
	test_add(p);
	test_write(p, gitdir);
	gitpack_free(p);
	test_read_back(repo, gitdir);
	git_repository_free(repo);
	test_small();
	test_kinds_apart();
	test_long();
	test_given_up();
	for (size_t i = 0; i < nobjects; i++)
		free(objects[i].data);
	git_libgit2_shutdown();
	pathf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", base);
	return tap_done();
}
