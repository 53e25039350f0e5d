/* The one sanitiser (see include/cairn/sanitize.h). */
#include "cairn/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cairn/buf.h"
#include "cairn/utf8.h"

/* Decode one UTF-8 character; returns its length, or 0 for an invalid
 * sequence (then *cp is U+FFFD and one byte is consumed by the caller). */
static size_t decode(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0];

	*cp = 0xfffd;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf && n >= 2 && (p[1] & 0xc0) == 0x80) {
		*cp = ((c & 0x1f) << 6) | (p[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef && n >= 3 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0)) {
		*cp = ((c & 0x0f) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3f);
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4 && n >= 4 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80 && !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90)) {
		*cp = ((c & 0x07) << 18) | ((p[1] & 0x3fu) << 12) | ((p[2] & 0x3fu) << 6) |
		      (p[3] & 0x3f);
		return 4;
	}
	return 0;
}

/* Characters that change how text around them is shown, or are not seen
 * at all: shown as <U+XXXX>. */
static bool invisible(unsigned cp)
{
	static const unsigned ranges[][2] = {
		{ 0x00ad, 0x00ad }, { 0x034f, 0x034f }, { 0x061c, 0x061c }, { 0x115f, 0x1160 },
		{ 0x17b4, 0x17b5 }, { 0x180b, 0x180e }, { 0x200b, 0x200f }, { 0x2028, 0x202e },
		{ 0x2060, 0x206f }, { 0x3164, 0x3164 }, { 0xfe00, 0xfe0f }, { 0xfeff, 0xfeff },
		{ 0xffa0, 0xffa0 }, { 0xfff0, 0xfffb }, { 0xe000, 0xf8ff }, { 0x1d173, 0x1d17a },
		{ 0xe0000, 0xe0fff }, { 0xf0000, 0x10ffff },
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

/* Append the safe form of one character; returns its width in columns. */
static size_t emit(cairn_buf *b, unsigned cp, unsigned flags, int *combining)
{
	int w;

	if (cp == '\n' && (flags & CAIRN_SAN_MULTILINE)) {
		cairn_buf_addc(b, '\n');
		*combining = 0;
		return 0;
	}
	if (cp == '\t' && (flags & CAIRN_SAN_TABS)) {
		cairn_buf_addc(b, '\t');
		return 1;
	}
	if (cp < 0x20 || cp == 0x7f) {
		cairn_buf_addc(b, '^');
		cairn_buf_addc(b, cp == 0x7f ? '?' : (char)(cp + 0x40));
		*combining = 0;
		return 2;
	}
	if (cp < 0x80) {
		cairn_buf_addc(b, (char)cp);
		*combining = 0;
		return 1;
	}
	if (cp == 0xfffd && (flags & CAIRN_SAN_ASCII)) {
		cairn_buf_addc(b, '?');
		return 1;
	}
	w = cp >= 0xa0 && !invisible(cp) ? wcwidth((wchar_t)cp) : -1;
	if (w == 0 && cp != 0xfffd) {
		/* A combining mark: a few are text, a flood is an attack. */
		if (++*combining > CAIRN_SANITIZE_MAX_COMBINING || (flags & CAIRN_SAN_ASCII))
			w = -1;
	} else if (w > 0) {
		*combining = 0;
	}
	if (cp == 0xfffd && w < 0)
		w = 1;
	if (w < 0 || (flags & CAIRN_SAN_ASCII)) {
		char esc[16];
		int n = snprintf(esc, sizeof esc, "<U+%04X>", cp);
		cairn_buf_add(b, esc, (size_t)n);
		*combining = 0;
		return (size_t)n;
	}
	cairn_utf8_put(b, cp);
	return (size_t)w;
}

/* Sanitise s, stopping before the character that would pass `cols`
 * columns (cols (size_t)-1: no limit). */
static char *sanitize(const char *s, size_t len, unsigned flags, size_t cols, size_t *width)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;
	int combining = 0;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = decode(p + i, len - i, &cp), mark = b.len, w;
		w = emit(&b, cp, flags, &combining);
		if (cols != (size_t)-1 && used + w > cols) {
			b.len = mark;
			if (b.data)
				b.data[mark] = '\0';
			break;
		}
		used += w;
		i += n ? n : 1;
	}
	if (width)
		*width = used;
	if (!b.data && !b.oom)
		cairn_buf_adds(&b, "");
	return cairn_buf_detach(&b, NULL);
}

char *cairn_sanitize(const char *s, size_t len, unsigned flags)
{
	return sanitize(s, len, flags, (size_t)-1, NULL);
}

size_t cairn_display_width(const char *s, unsigned flags)
{
	size_t w = 0;
	free(sanitize(s, strlen(s), flags & ~CAIRN_SAN_MULTILINE, (size_t)-1, &w));
	return w;
}

char *cairn_sanitize_cols(const char *s, size_t cols, unsigned flags)
{
	return sanitize(s, strlen(s), flags & ~CAIRN_SAN_MULTILINE, cols, NULL);
}
