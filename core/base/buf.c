/* A growable NUL-terminated byte buffer (see include/cairn/buf.h). */
#include "cairn/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cairn_buf_init(cairn_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void cairn_buf_done(cairn_buf *b)
{
	free(b->data);
	cairn_buf_init(b);
}

void cairn_buf_reset(cairn_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

bool cairn_buf_grow(cairn_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	if (extra > (size_t)-1 / 2 - b->len) {
		b->oom = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void cairn_buf_add(cairn_buf *b, const void *data, size_t len)
{
	if (!cairn_buf_grow(b, len))
		return;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void cairn_buf_adds(cairn_buf *b, const char *s)
{
	cairn_buf_add(b, s, strlen(s));
}

void cairn_buf_addc(cairn_buf *b, char c)
{
	cairn_buf_add(b, &c, 1);
}

void cairn_buf_vprintf(cairn_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (b->oom)
		return;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !cairn_buf_grow(b, (size_t)n))
		return;
	va_copy(aq, ap);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, aq);
	va_end(aq);
	b->len += (size_t)n;
}

void cairn_buf_printf(cairn_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *cairn_buf_str(const cairn_buf *b)
{
	return b->data ? b->data : "";
}

char *cairn_buf_detach(cairn_buf *b, size_t *len)
{
	char *s;

	if (b->oom) {
		cairn_buf_done(b);
		return NULL;
	}
	if (!b->data) {
		if (!cairn_buf_grow(b, 0))
			return NULL;
		b->data[0] = '\0';
	}
	s = b->data;
	if (len)
		*len = b->len;
	cairn_buf_init(b);
	return s;
}
