/* cairn: a growable byte buffer, always NUL-terminated.
 *
 * Appends never fail loudly: an allocation failure sets `oom` and later
 * appends do nothing, so a caller checks once at the end. */
#ifndef CAIRN_BUF_H
#define CAIRN_BUF_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

typedef struct cairn_buf {
	char *data;     /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	bool oom;
} cairn_buf;

#define CAIRN_BUF_INIT { NULL, 0, 0, false }

void cairn_buf_init(cairn_buf *b);
void cairn_buf_done(cairn_buf *b);
void cairn_buf_reset(cairn_buf *b);                 /* len = 0, keeps memory */
bool cairn_buf_grow(cairn_buf *b, size_t extra);
void cairn_buf_add(cairn_buf *b, const void *data, size_t len);
void cairn_buf_adds(cairn_buf *b, const char *s);
void cairn_buf_addc(cairn_buf *b, char c);
void cairn_buf_printf(cairn_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same with the caller's arguments (it leaves ap as it found it). */
void cairn_buf_vprintf(cairn_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The contents as a string ("" when empty); the buffer keeps ownership. */
const char *cairn_buf_str(const cairn_buf *b);
/* Hand the string to the caller, who frees it; the buffer is left empty.
 * Returns NULL after an allocation failure. */
char *cairn_buf_detach(cairn_buf *b, size_t *len);

#endif
