/* Lines that changed between two texts (see include/cairn/textdiff.h). */
#include "cairn/textdiff.h"

#include <stdlib.h>
#include <string.h>

#define DIFF_LINES_MAX 4000

typedef struct text_lines {
	const char **at;
	size_t *len, n;
} text_lines;

static cairn_status split(const char *s, text_lines *t, cairn_error *err)
{
	size_t n = 1;

	for (const char *p = s; *p; p++)
		n += *p == '\n';
	t->n = 0;
	t->at = malloc(n * sizeof *t->at);
	t->len = malloc(n * sizeof *t->len);
	if (!t->at || !t->len)
		return cairn_oom(err);
	if (!*s)
		return CAIRN_OK;
	for (const char *p = s;;) {
		size_t l = strcspn(p, "\n");
		t->at[t->n] = p;
		t->len[t->n++] = l;
		if (!p[l] || !p[l + 1])
			break;
		p += l + 1;
	}
	return CAIRN_OK;
}

static int same_line(const text_lines *a, size_t i, const text_lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->at[i], b->at[j], a->len[i]);
}

cairn_status cairn_text_diff(const char *a, const char *b, cairn_diff_line_fn fn, void *ctx,
			     cairn_error *err)
{
	text_lines x = { NULL, NULL, 0 }, y = { NULL, NULL, 0 };
	unsigned *lcs = NULL;
	cairn_status st;
	size_t i = 0, j = 0, w;

	if ((st = split(a ? a : "", &x, err)) || (st = split(b ? b : "", &y, err)))
		goto done;
	w = y.n + 1;
	if (x.n > DIFF_LINES_MAX || y.n > DIFF_LINES_MAX ||
	    !(lcs = calloc((x.n + 1) * w, sizeof *lcs))) {
		for (i = 0; i < x.n; i++)
			fn(CAIRN_DIFF_DEL, x.at[i], x.len[i], ctx);
		for (j = 0; j < y.n; j++)
			fn(CAIRN_DIFF_ADD, y.at[j], y.len[j], ctx);
		goto done;
	}
	/* lcs[i][j]: the longest common run of x[i..] and y[j..]. */
	for (size_t p = x.n; p-- > 0;)
		for (size_t q = y.n; q-- > 0;)
			lcs[p * w + q] = same_line(&x, p, &y, q)
				? lcs[(p + 1) * w + q + 1] + 1
				: (lcs[(p + 1) * w + q] > lcs[p * w + q + 1] ? lcs[(p + 1) * w + q]
									 : lcs[p * w + q + 1]);
	while (i < x.n || j < y.n) {
		if (i < x.n && j < y.n && same_line(&x, i, &y, j)) {
			fn(CAIRN_DIFF_SAME, x.at[i], x.len[i], ctx);
			i++, j++;
		} else if (i < x.n && (j == y.n || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
			fn(CAIRN_DIFF_DEL, x.at[i], x.len[i], ctx);     /* removed first, as git */
			i++;
		} else {
			fn(CAIRN_DIFF_ADD, y.at[j], y.len[j], ctx);
			j++;
		}
	}
done:
	free(lcs);
	free(x.at);
	free(x.len);
	free(y.at);
	free(y.len);
	return st;
}
