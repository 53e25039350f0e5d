/* A git tree object read byte by byte (see core/git/incoming_tree.h). */
#include "git/incoming_tree.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GIT_SHA1_RAW 20

const char raw_tree_no_memory[] = "out of memory";

/* Each entry is "MODE NAME\0" and 20 bytes of object id. */
const char *raw_tree_parse(const unsigned char *data, size_t len, raw_entry **out, size_t *n)
{
	const unsigned char *p = data, *end = data + len;
	raw_entry *v = NULL;
	size_t count = 0, cap = 0;
	unsigned long mode;

	*out = NULL;
	*n = 0;
	while (p < end) {
		const unsigned char *sp = memchr(p, ' ', (size_t)(end - p)), *nul;
		raw_entry *e;
		if (!sp || sp == p || (size_t)(sp - p) >= INCOMING_MODE_MAX)
			goto damaged;
		mode = 0;
		for (const unsigned char *m = p; m < sp; m++) {
			if (*m < '0' || *m > '7')
				goto damaged;
			mode = mode * 8 + (unsigned long)(*m - '0');
		}
		nul = memchr(sp + 1, '\0', (size_t)(end - sp - 1));
		if (!nul || (size_t)(end - nul - 1) < GIT_SHA1_RAW)
			goto damaged;
		if (count == cap) {
			size_t ncap = cap ? 2 * cap : 32;
			raw_entry *nv = realloc(v, ncap * sizeof *nv);
			if (!nv) {
				free(v);
				return raw_tree_no_memory;
			}
			v = nv;
			cap = ncap;
		}
		e = &v[count++];
		memcpy(e->mode, p, (size_t)(sp - p));
		e->mode[sp - p] = '\0';
		e->mode_value = mode;
		e->name = (const char *)(sp + 1);
		git_oid_fromraw(&e->id, nul + 1);
		p = nul + 1 + GIT_SHA1_RAW;
	}
	*out = v;
	*n = count;
	return NULL;
damaged:
	free(v);
	return "is a damaged git tree (an entry is not \"MODE NAME\\0ID\")";
}

bool raw_entry_is_folder(const raw_entry *e)
{
	return !strcmp(e->mode, "40000");
}

/* git orders by the mode's value, not its spelling. */
bool raw_entry_sorts_as_folder(const raw_entry *e)
{
	return (e->mode_value & 0170000u) == 0040000u;
}

int raw_name_order(const char *a, bool a_folder, const char *b, bool b_folder)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	int c = memcmp(a, b, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = la > n ? (unsigned char)a[n] : a_folder ? '/' : 0;
	cb = lb > n ? (unsigned char)b[n] : b_folder ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

static int git_order(const raw_entry *a, const raw_entry *b)
{
	return raw_name_order(a->name, raw_entry_sorts_as_folder(a), b->name,
			      raw_entry_sorts_as_folder(b));
}

/* FNV-1a over the name with ASCII case folded. */
static size_t fold_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s)) * 16777619u;
	return h;
}

const char *raw_tree_order_problem(const raw_entry *e, size_t n, size_t *bad, size_t *other)
{
	struct { size_t hash, entry; } *slot;   /* entry: index + 1, 0 when free */
	size_t cap = 16;
	const char *why = NULL;

	*other = (size_t)-1;
	for (size_t i = 1; i < n; i++) {
		int c = git_order(&e[i - 1], &e[i]);
		if (c < 0)
			continue;
		*bad = i;
		*other = i - 1;
		return c == 0 ? "is in its folder twice (a tree made by hand: which one would be "
				"written?)"
			      : "is out of git's order in its folder (a tree made by hand)";
	}
	if (n < 2)
		return NULL;
	/* A file and a folder of one name pass git's order ("x" < "x-y" <
	 * "x/"), and so do names that differ only in case: a table of the
	 * names with case folded, where the second of a pair meets the
	 * first. */
	while (cap < 2 * n)
		cap *= 2;
	if (!(slot = calloc(cap, sizeof *slot)))
		return raw_tree_no_memory;
	for (size_t i = 0; i < n && !why; i++) {
		size_t hash = fold_hash(e[i].name), h = hash & (cap - 1);
		for (; slot[h].entry && !why; h = (h + 1) & (cap - 1)) {
			size_t j = slot[h].entry - 1;
			if (slot[h].hash != hash || strcasecmp(e[j].name, e[i].name))
				continue;
			*bad = i;
			*other = j;
			why = strcmp(e[j].name, e[i].name)
				? "differs only in case from another name in its folder (one file on "
				  "macOS and Windows)"
				: "is in its folder twice, as a file and as a folder";
		}
		slot[h].hash = hash;
		slot[h].entry = i + 1;
	}
	free(slot);
	return why;
}
