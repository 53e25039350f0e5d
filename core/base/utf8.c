/* UTF-8, encoded and decoded in one place (see include/cairn/utf8.h).
 * json.c, sanitize.c, record.c and the report each had a copy. */
#include "cairn/utf8.h"

size_t cairn_utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

size_t cairn_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len = cairn_utf8_len(p, n);

	if (len == 1)
		*cp = p[0];
	else if (len > 1) {
		uint32_t v = p[0] & (0x7fu >> len);
		for (size_t i = 1; i < len; i++)
			v = v << 6 | (p[i] & 0x3fu);
		*cp = v;
	}
	return len;
}

void cairn_utf8_put(cairn_buf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		cairn_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		cairn_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		cairn_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		cairn_buf_add(b, u, 4);
	}
}

size_t cairn_utf8_cut(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	if (n < max || !s[n])
		return n;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}
