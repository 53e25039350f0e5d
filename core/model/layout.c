/* Record names and paths (see include/cairn/layout.h). */
#include "cairn/layout.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

unsigned cairn_shard_of(const char *id)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= (unsigned)tolower(*p);
		h *= 16777619u;
	}
	return h & 0xffu;
}

bool cairn_id_part_valid(const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len > CAIRN_ID_MAX || !isalnum((unsigned char)id[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c >= 0x80 || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
			return false;
	}
	/* A trailing '.' is dropped by Windows file systems: refuse it so a
	 * reviewer on any system can check the workbook out. */
	return id[len - 1] != '.';
}

static bool reserved_name(const char *id)
{
	/* Windows' device names, as core/git/incoming.c refuses them from peers. */
	static const char *const names[] = { "con", "prn", "aux", "nul", "com1", "com2",
		"com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3",
		"lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", NULL };
	char stem[8];
	size_t n = strcspn(id, ".");

	if (n >= sizeof stem)
		return false;
	for (size_t i = 0; i < n; i++)
		stem[i] = (char)tolower((unsigned char)id[i]);
	stem[n] = '\0';
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(stem, names[i]))
			return true;
	return false;
}

cairn_status cairn_id_check(cairn_kind kind, const char *id, cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(kind);
	char part[CAIRN_REF_ID_MAX + 1];
	const char *slash = strchr(id, '/');

	if (kind == CAIRN_KIND_EVALUATION) {
		size_t n = slash ? (size_t)(slash - id) : 0;
		if (!slash || n > CAIRN_ID_MAX || strchr(slash + 1, '/'))
			goto bad;
		memcpy(part, id, n);
		part[n] = '\0';
		if (!cairn_id_part_valid(part) || !cairn_id_part_valid(slash + 1) ||
		    reserved_name(part) || reserved_name(slash + 1))
			goto bad;
		return CAIRN_OK;
	}
	if (slash || !cairn_id_part_valid(id) || reserved_name(id))
		goto bad;
	return CAIRN_OK;
bad:
	return cairn_fail(err, CAIRN_EINPUT,
			  "'%s' is not a %s id: use %s (1-64 letters, digits, '.', '_' or '-', "
			  "starting with a letter or digit; not a reserved device name such as CON)",
			  id, def->name, def->id_help);
}

cairn_status cairn_ref_parse(const char *text, cairn_ref *out, cairn_error *err)
{
	const char *slash = strchr(text, '/');
	char kind[32];

	out->kind = CAIRN_KIND_NONE;
	if (slash && (size_t)(slash - text) < sizeof kind) {
		memcpy(kind, text, (size_t)(slash - text));
		kind[slash - text] = '\0';
		out->kind = cairn_kind_by_name(kind);
	}
	if (out->kind != CAIRN_KIND_NONE) {
		if (strlen(slash + 1) > CAIRN_REF_ID_MAX)
			return cairn_fail(err, CAIRN_EINPUT, "'%s' is too long for a record name",
					  text);
		strcpy(out->id, slash + 1);
		return cairn_id_check(out->kind, out->id, err);
	}
	if (strlen(text) > CAIRN_REF_ID_MAX || !*text)
		return cairn_fail(err, CAIRN_EINPUT,
				  "'%s' is not a record name: write KIND/ID, such as milestone/M4 "
				  "(kinds: %s)", text, cairn_kind_names());
	strcpy(out->id, text);
	return CAIRN_OK;
}

void cairn_ref_format(const cairn_ref *ref, char *buf, size_t n)
{
	const cairn_kind_def *def = cairn_kind_def_of(ref->kind);
	snprintf(buf, n, "%s/%s", def ? def->name : "?", ref->id);
}

void cairn_ref_path(const cairn_ref *ref, char *buf, size_t n)
{
	const cairn_kind_def *def = cairn_kind_def_of(ref->kind);
	char first[CAIRN_REF_ID_MAX + 1];
	size_t len = strcspn(ref->id, "/");

	memcpy(first, ref->id, len);
	first[len] = '\0';
	snprintf(buf, n, "%s/%02x/%s", def->folder, cairn_shard_of(first), ref->id);
}

bool cairn_path_in_record_folders(const char *path)
{
	size_t n = strcspn(path, "/");

	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const char *folder = cairn_kind_def_of((cairn_kind)k)->folder;
		if (strlen(folder) == n && !strncmp(folder, path, n))
			return true;
	}
	return false;
}

cairn_status cairn_path_ref(const char *path, cairn_ref *out, cairn_error *err)
{
	char folder[32], shard[8];
	const char *p = path, *slash;
	size_t n;
	char expect[CAIRN_PATH_MAX];

	out->kind = CAIRN_KIND_NONE;
	out->id[0] = '\0';
	if (!strcmp(path, "cairn.ini") || !strcmp(path, ".gitignore"))
		return CAIRN_OK;
	slash = strchr(p, '/');
	if (!slash || (n = (size_t)(slash - p)) >= sizeof folder)
		return cairn_fail(err, CAIRN_EINPUT,
				  "%s: not a record: records live in the kind folders (%s)", path,
				  cairn_kind_names());
	memcpy(folder, p, n);
	folder[n] = '\0';
	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		if (!strcmp(folder, cairn_kind_def_of((cairn_kind)k)->folder))
			out->kind = (cairn_kind)k;
	if (out->kind == CAIRN_KIND_NONE)
		return cairn_fail(err, CAIRN_EINPUT, "%s: '%s' is not a record folder", path,
				  folder);
	p = slash + 1;
	slash = strchr(p, '/');
	if (!slash || slash - p != 2)
		return cairn_fail(err, CAIRN_EINPUT,
				  "%s: a record sits in a two-digit shard folder (%s/XX/ID)", path,
				  folder);
	memcpy(shard, p, 2);
	shard[2] = '\0';
	if (strlen(slash + 1) > CAIRN_REF_ID_MAX)
		return cairn_fail(err, CAIRN_EINPUT, "%s: the record name is too long", path);
	strcpy(out->id, slash + 1);
	if (cairn_id_check(out->kind, out->id, err) != CAIRN_OK) {
		out->kind = CAIRN_KIND_NONE;
		return cairn_error_prefix(err, "%s", path);
	}
	cairn_ref_path(out, expect, sizeof expect);
	if (strcmp(expect, path)) {
		cairn_kind k = out->kind;
		out->kind = CAIRN_KIND_NONE;
		return cairn_fail(err, CAIRN_EINPUT,
				  "%s: %s/%s belongs in %s; move it there with git mv", path,
				  cairn_kind_def_of(k)->name, out->id, expect);
	}
	return CAIRN_OK;
}
