/* cairn: a small strict JSON reader and writer (RFC 8259).
 *
 * Used for `cairn ls --json`, `cairn show --json` and `cairn import json`.
 * The reader refuses trailing garbage, invalid UTF-8, lone surrogates,
 * nesting deeper than CAIRN_JSON_MAX_DEPTH and duplicate object keys, with
 * a message naming the line and column. */
#ifndef CAIRN_JSON_H
#define CAIRN_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/buf.h"
#include "cairn/error.h"

#define CAIRN_JSON_MAX_DEPTH 64

typedef enum cairn_json_type {
	CAIRN_JSON_NULL,
	CAIRN_JSON_BOOL,
	CAIRN_JSON_NUMBER,
	CAIRN_JSON_STRING,
	CAIRN_JSON_ARRAY,
	CAIRN_JSON_OBJECT,
} cairn_json_type;

typedef struct cairn_json cairn_json;
struct cairn_json {
	cairn_json_type type;
	bool boolean;
	double number;
	char *string;           /* STRING: the decoded text (UTF-8, may not hold NUL:
				   \u0000 is refused); NUMBER: its source text */
	size_t n;               /* ARRAY, OBJECT: number of items */
	cairn_json **items;     /* ARRAY, OBJECT: the values */
	char **keys;            /* OBJECT: the keys, in document order */
	int line, column;       /* where the value starts, for messages */
};

/* `name` names the input in messages ("data.json:3:14: ..."). */
cairn_status cairn_json_parse(const char *data, size_t len, const char *name,
			      cairn_json **out, cairn_error *err);
void cairn_json_free(cairn_json *j);
/* The member `key` of an object, or NULL. */
const cairn_json *cairn_json_get(const cairn_json *obj, const char *key);

/* Writer helpers: append JSON text to a buffer. */
void cairn_json_add_string(cairn_buf *b, const char *s);   /* quoted, escaped */

#endif
