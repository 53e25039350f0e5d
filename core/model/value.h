/* Number and text helpers of field values (defined in core/model/kinds.c),
 * shared with the answers of core/model/template.c, which check a number
 * or a choice the way a field value is checked.  Private to core/model/. */
#ifndef CAIRN_CORE_VALUE_H
#define CAIRN_CORE_VALUE_H

#include <stdbool.h>

#include "cairn/kinds.h"
#include "cairn/schema.h"

/* s without its leading and trailing blanks, as a new string (NULL when out
 * of memory). */
char *dup_trimmed(const char *s);
/* Parse a decimal number the way a person writes it ("12", "12.5", "12,5");
 * false for anything else. */
bool parse_decimal(const char *s, double *out);
/* The stored form of a number: no trailing zeros, '.' as the separator; a
 * new string, NULL when out of memory. */
char *format_number(double v);
/* Whether the number t (parse_decimal took it) keeps every digit in its
 * stored form: at most 15 digits, 6 of them after the point. */
bool digits_kept(const char *t);
/* The index of the first of n choices listed again (ignoring case), as a
 * person reading down meets it; (size_t)-1: none, (size_t)-2: no memory. */
size_t choice_twice(char **choices, size_t n);

/* cairn_value_normalize and cairn_value_check of a field of cairn's own
 * (kinds.c); the public ones (schema.c) send a field of the group's own
 * to its question. */
cairn_status value_normalize_plain(const cairn_field_def *f, const char *input,
				   const char *date_fmt, char **out, cairn_error *err);
cairn_status value_check_plain(const cairn_field_def *f, const char *value, cairn_error *err);

/* A label tag: "fr", "pt-br" (template.c). */
bool lang_valid(const char *t);

/* The kinds' table of kinds.c, before the schema fills in the choices of
 * the listed fields and the pilots' counts (schema.c). */
const cairn_kind_def *kinds_builtin_def(cairn_kind kind);
const cairn_field_def *kinds_builtin_field(cairn_kind kind, const char *name);
/* A built-in list of schema_builtin.c, NULL when none has that id. */
const cairn_list *builtin_list(const char *id);

#endif
