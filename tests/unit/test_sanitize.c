/* The sanitiser: every hostile string of the security notes, and random
 * bytes, never reach a terminal raw. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/sanitize.h"
#include "tap.h"

static void shows(const char *in, unsigned flags, const char *want, const char *name)
{
	char *out = cairn_sanitize(in, strlen(in), flags);
	is_str(out, want, "%s", name);
	free(out);
}

/* Does out hold anything a terminal would act on or hide? */
static const char *unsafe(const char *out, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)out;
	static const unsigned bad_points[] = { 0x202e, 0x202a, 0x2066, 0x2069, 0x200b, 0x200d,
		0x200e, 0x200f, 0xfeff, 0x061c, 0x2060, 0x2064, 0x00ad };
	while (*p) {
		unsigned cp = *p;
		size_t n = 1;
		if (*p < 0x20 && !((*p == '\n' && (flags & CAIRN_SAN_MULTILINE)) ||
				   (*p == '\t' && (flags & CAIRN_SAN_TABS))))
			return "a C0 control";
		if (*p == 0x7f)
			return "DEL";
		if (*p >= 0xc0) {
			n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
			cp = *p & (0x3f >> (n - 1));
			for (size_t i = 1; i < n; i++) {
				if ((p[i] & 0xc0) != 0x80)
					return "invalid UTF-8";
				cp = (cp << 6) | (p[i] & 0x3f);
			}
		} else if (*p >= 0x80) {
			return "invalid UTF-8";
		}
		if (cp >= 0x80 && cp < 0xa0)
			return "a C1 control";
		if (cp >= 0xe0000 && cp <= 0xe007f)
			return "a tag character";
		for (size_t i = 0; i < sizeof bad_points / sizeof bad_points[0]; i++)
			if (cp == bad_points[i])
				return "an invisible or bidi character";
		p += n;
	}
	return NULL;
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	shows("\x1b]0;T\x07", 0, "^[]0;T^G", "an OSC title change");
	shows("\x1b[2J", 0, "^[[2J", "a screen clear");
	shows("\x1b]52;c;Zm9v\x07", 0, "^[]52;c;Zm9v^G", "a clipboard write");
	shows("\x1bPq\x1b\\", 0, "^[Pq^[\\", "a DCS string");
	shows("ok\rFAKE", 0, "ok^MFAKE", "CR cannot overwrite a label");
	shows("a\b\b\bX", 0, "a^H^H^HX", "BS cannot move back");
	shows("one\ntwo", 0, "one^Jtwo", "LF in a one-line field");
	shows("one\ntwo", CAIRN_SAN_MULTILINE, "one\ntwo", "LF kept in long text");
	shows("a\tb", 0, "a^Ib", "TAB shown when not allowed");
	shows("\x7f", 0, "^?", "DEL");
	shows("\xc2\x9b" "31m", 0, "<U+009B>31m", "a C1 CSI");
	shows("x\xe2\x80\xae" "gnp.exe", 0, "x<U+202E>gnp.exe", "a bidi override");
	shows("pa\xe2\x80\x8bss", 0, "pa<U+200B>ss", "a zero-width space");
	shows("\xef\xbb\xbfhi", 0, "<U+FEFF>hi", "a BOM");
	shows("\xf3\xa0\x81\x81", 0, "<U+E0041>", "a tag character");
	shows("\xff\xfe", 0, "\xef\xbf\xbd\xef\xbf\xbd", "invalid UTF-8 becomes U+FFFD");
	shows("\xc0\xae", 0, "\xef\xbf\xbd\xef\xbf\xbd", "an overlong form too");
	shows("caf\xc3\xa9", CAIRN_SAN_ASCII, "caf<U+00E9>", "ASCII fallback");
	{
		char in[2 + 50 * 2];
		char *out;
		size_t k = 0;
		in[k++] = 'e';
		for (int i = 0; i < 50; i++) {
			in[k++] = (char)0xcc;
			in[k++] = (char)0x81;
		}
		out = cairn_sanitize(in, k, 0);
		ok(strstr(out, "<U+0301>") && !strncmp(out, "e\xcc\x81\xcc\x81\xcc\x81<U+0301>", 12), "a flood of combining marks is capped at 3");
		free(out);
	}
	is_int(cairn_display_width("日本", 0), 4, "wide characters are two columns");
	is_int(cairn_display_width("x\xe2\x80\xae", 0), 9, "an escape counts its own width");
	{
		char *cut = cairn_sanitize_cols("日本語", 5, 0);
		is_str(cut, "日本", "cutting never splits a wide character");
		free(cut);
		cut = cairn_sanitize_cols("ab\xe2\x80\xae", 5, 0);
		is_str(cut, "ab", "an escape that does not fit is dropped whole");
		free(cut);
	}
	{
		char *line = malloc(10241), *out;
		memset(line, 'y', 10240);
		line[10240] = '\0';
		out = cairn_sanitize(line, 10240, 0);
		ok(out && strlen(out) == 10240, "a 10 KB line");
		free(out);
		free(line);
	}
	{
		unsigned long long r = 0x9e3779b97f4a7c15ULL;
		int bad = 0;
		for (int t = 0; t < 20000; t++) {
			unsigned char in[48];
			size_t n = 1 + t % 47;
			const char *why;
			char *out;
			unsigned flags = (unsigned)(t % 4);
			for (size_t i = 0; i < n; i++) {
				r ^= r << 13;
				r ^= r >> 7;
				r ^= r << 17;
				in[i] = (unsigned char)(r >> 24);
			}
			out = cairn_sanitize((const char *)in, n, flags);
			if ((why = unsafe(out, flags)) && bad++ < 3)
				tap_diag("random input %d gave %s", t, why);
			free(out);
		}
		is_int(bad, 0, "20000 random byte strings come out safe");
	}
	return tap_done();
}
