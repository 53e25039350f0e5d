/* cairn: UTF-8, encoded and decoded in one place (core/base/utf8.c).
 *
 * Records, JSON, the terminal's sanitiser and the report all read and
 * write UTF-8; these are the only rules they use: no overlong forms, no
 * surrogates, nothing past U+10FFFF. */
#ifndef CAIRN_UTF8_H
#define CAIRN_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "cairn/buf.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes, n >= 1), or
 * 0 when it is not valid. */
size_t cairn_utf8_len(const unsigned char *p, size_t n);

/* The character at p (at most n bytes): its code point in *cp and its
 * length, or 0 when it is not valid (then *cp is untouched). */
size_t cairn_utf8_next(const unsigned char *p, size_t n, uint32_t *cp);

/* The length of s cut to at most max bytes on a character boundary (never
 * inside a UTF-8 sequence): what a subject or a message may hold of it. */
size_t cairn_utf8_cut(const char *s, size_t max);

/* Append code point cp (at most U+10FFFF) to b, encoded. */
void cairn_utf8_put(cairn_buf *b, uint32_t cp);

#endif
