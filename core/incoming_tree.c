/* A git tree object read byte by byte (see core/incoming_tree.h). */
#include "incoming_tree.h"

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

	*out = NULL;
	*n = 0;
	while (p < end) {
		const unsigned char *sp = memchr(p, ' ', (size_t)(end - p)), *nul;
		raw_entry *e;
		if (!sp || sp == p || (size_t)(sp - p) >= INCOMING_MODE_MAX)
			goto damaged;
		for (const unsigned char *m = p; m < sp; m++)
			if (*m < '0' || *m > '7')
				goto damaged;
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
	return (strtoul(e->mode, NULL, 8) & 0170000u) == 0040000u;
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

/* qsort over pointers into one array: ties fall back on the address, which
 * is the entry order, so the second of a pair is the one named. */
static int fold_order(const void *a, const void *b)
{
	const raw_entry *ea = *(const raw_entry *const *)a, *eb = *(const raw_entry *const *)b;
	int c = strcasecmp(ea->name, eb->name);

	if (c)
		return c;
	return ea < eb ? -1 : ea > eb;
}

const char *raw_tree_order_problem(const raw_entry *e, size_t n, size_t *bad, size_t *other)
{
	const raw_entry **by_fold;
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
	 * "x/"), and so do names that differ only in case: sort the names
	 * with case folded and look at neighbours. */
	if (!(by_fold = malloc(n * sizeof *by_fold)))
		return raw_tree_no_memory;
	for (size_t i = 0; i < n; i++)
		by_fold[i] = &e[i];
	qsort(by_fold, n, sizeof *by_fold, fold_order);
	for (size_t i = 1; i < n && !why; i++) {
		if (strcasecmp(by_fold[i - 1]->name, by_fold[i]->name))
			continue;
		*bad = (size_t)(by_fold[i] - e);
		*other = (size_t)(by_fold[i - 1] - e);
		why = strcmp(by_fold[i - 1]->name, by_fold[i]->name)
			? "differs only in case from another name in its folder (one file on "
			  "macOS and Windows)"
			: "is in its folder twice, as a file and as a folder";
	}
	free(by_fold);
	return why;
}
