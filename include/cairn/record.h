/* cairn: the record format, one text file per record.
 *
 * A record is an ordered list of fields, each a key and a UTF-8 value.  On
 * disk (documented in cairn-workbook(5)):
 *
 *     key: value                 a one-line value
 *     key:                       an empty value, or the head of a long one
 *      continuation line         a long value: one line of text per line,
 *      .                         after one space; " ." is an empty line,
 *      ..dotted                  and a text line that starts with '.' is
 *                                written with one more '.'
 *
 * Keys match [a-z0-9][a-z0-9_.-]* (at most CAIRN_KEY_MAX bytes).  Values
 * may hold any UTF-8 text but NUL and CR.  The parser is strict, because
 * records arrive from other members: invalid UTF-8, NUL, CR, a duplicate
 * key, a stray continuation line or an unknown line shape is refused with
 * the file and line.  There is no line-length limit; a whole record is at
 * most CAIRN_RECORD_MAX bytes.  Writing is deterministic: fields are
 * written in the order they are stored, and the same record always gives
 * the same bytes.
 */
#ifndef CAIRN_RECORD_H
#define CAIRN_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"

#define CAIRN_KEY_MAX 128
#define CAIRN_RECORD_MAX (4u * 1024u * 1024u)

typedef struct cairn_field {
	char *key;      /* owned */
	char *value;    /* owned, NUL-terminated */
} cairn_field;

typedef struct cairn_record {
	cairn_field *fields;
	size_t nfields;
	size_t cap;
	/* Private to record.c: a hash of the keys (slot = field index + 1, 0
	 * empty), so that a record of 100,000 fields from a peer costs time in
	 * proportion to its size, not its square.  NULL while the record is
	 * small enough for a scan. */
	size_t *slots;
	size_t nslots;
} cairn_record;

void cairn_record_init(cairn_record *rec);
void cairn_record_done(cairn_record *rec);          /* frees every field */
/* Deep copy into dst (initialised by the call). */
cairn_status cairn_record_copy(cairn_record *dst, const cairn_record *src, cairn_error *err);

/* The value of key, or NULL when the record has no such field. */
const char *cairn_record_get(const cairn_record *rec, const char *key);
/* Replace the value of key, or append the field when it is new.  Refuses an
 * invalid key or a value holding NUL or CR (err names the key). */
cairn_status cairn_record_set(cairn_record *rec, const char *key, const char *value,
			      cairn_error *err);
/* Remove key; returns true when it was there. */
bool cairn_record_unset(cairn_record *rec, const char *key);

/* Reorder fields: the keys of `order` first, in that order, then every
 * other key in byte order.  `order` ends with NULL. */
void cairn_record_sort(cairn_record *rec, const char *const *order);
/* The same with the order as a function: rank(key, ctx) is the key's
 * place, or (size_t)-1 when it has none.  The kinds give each record its
 * canonical order this way, from their field tables. */
typedef size_t (*cairn_rank_fn)(const char *key, const void *ctx);
void cairn_record_sort_by(cairn_record *rec, cairn_rank_fn rank, const void *ctx);

/* Parse len bytes into rec (initialised by the call; freed on failure).
 * `path` only names the file in messages ("milestones/4c/M4:7: ..."). */
cairn_status cairn_record_parse(cairn_record *rec, const char *data, size_t len,
				const char *path, cairn_error *err);

/* Serialise rec; *out is a new NUL-terminated string the caller frees. */
cairn_status cairn_record_write(const cairn_record *rec, char **out, size_t *len,
				cairn_error *err);

bool cairn_record_key_valid(const char *key);
/* NULL when value can be stored, else a short reason ("contains NUL"). */
const char *cairn_record_value_problem(const char *value);

bool cairn_record_equal(const cairn_record *a, const cairn_record *b);
/* Each field whose value differs between before and after (either may be
 * NULL: an absent record): after's fields in their order, then those only
 * before holds.  old or value is NULL where the field is absent. */
typedef void (*cairn_change_fn)(const char *key, const char *old, const char *value, void *ctx);
void cairn_record_each_change(const cairn_record *before, const cairn_record *after,
			      cairn_change_fn fn, void *ctx);

#endif
