/* Number and text helpers of field values (defined in core/model/kinds.c),
 * shared with the answers of core/model/template.c, which check a number
 * or a choice the way a field value is checked.  Private to core/model/. */
#ifndef CAIRN_CORE_VALUE_H
#define CAIRN_CORE_VALUE_H

#include <stdbool.h>

/* s without its leading and trailing blanks, as a new string (NULL when out
 * of memory). */
char *dup_trimmed(const char *s);
/* Parse a decimal number the way a person writes it ("12", "12.5", "12,5");
 * false for anything else. */
bool parse_decimal(const char *s, double *out);
/* The stored form of a number: no trailing zeros, '.' as the separator; a
 * new string, NULL when out of memory. */
char *format_number(double v);

#endif
