/* cairn: lines that changed between two texts (core/base/textdiff.c), for
 * showing a long answer's change as its changed lines. */
#ifndef CAIRN_TEXTDIFF_H
#define CAIRN_TEXTDIFF_H

#include <stddef.h>

#include "cairn/error.h"

typedef enum cairn_diff_op { CAIRN_DIFF_SAME, CAIRN_DIFF_DEL, CAIRN_DIFF_ADD } cairn_diff_op;

/* Each line of a and b in order, marked same, removed or added (a longest
 * common subsequence of lines; texts over 4000 lines are compared as all
 * removed then all added).  line is not NUL-terminated: len bytes. */
typedef void (*cairn_diff_line_fn)(cairn_diff_op op, const char *line, size_t len, void *ctx);
cairn_status cairn_text_diff(const char *a, const char *b, cairn_diff_line_fn fn, void *ctx,
			     cairn_error *err);

#endif
