/* Buffers, errors and UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/utf8.h"
#include "tap.h"

/* Every code point cairn_utf8_put writes reads back through
 * cairn_utf8_next, and what is not UTF-8 is refused. */
static void utf8(void)
{
	static const struct { const char *bytes; size_t len; uint32_t cp; const char *what; } good[] = {
		{ "A", 1, 0x41, "ASCII" },
		{ "\xc3\xa9", 2, 0xe9, "two bytes (e acute)" },
		{ "\xe2\x82\xac", 3, 0x20ac, "three bytes (euro sign)" },
		{ "\xf0\x9f\x98\x80", 4, 0x1f600, "four bytes (an emoji)" },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff, "U+10FFFF, the last" },
	};
	static const struct { const char *bytes; const char *what; } bad[] = {
		{ "\xc0\xaf", "an overlong slash" },
		{ "\xe0\x80\xaf", "an overlong three-byte form" },
		{ "\xed\xa0\x80", "a surrogate" },
		{ "\xf4\x90\x80\x80", "past U+10FFFF" },
		{ "\xe2\x82", "a sequence cut short" },
		{ "\x80", "a lone continuation byte" },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		cairn_buf b = CAIRN_BUF_INIT;
		uint32_t cp = 0;
		size_t n = cairn_utf8_next((const unsigned char *)good[i].bytes, strlen(good[i].bytes), &cp);
		ok(n == good[i].len && cp == good[i].cp, "utf8: %s decodes", good[i].what);
		cairn_utf8_put(&b, good[i].cp);
		is_str(cairn_buf_str(&b), good[i].bytes, "utf8: %s encodes back", good[i].what);
		cairn_buf_done(&b);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(cairn_utf8_len((const unsigned char *)bad[i].bytes, strlen(bad[i].bytes)), 0,
		       "utf8: %s is refused", bad[i].what);
	/* A cut never splits a character. */
	is_int(cairn_utf8_cut("abc", 10), 3, "utf8 cut: a short text is whole");
	is_int(cairn_utf8_cut("abcdef", 4), 4, "utf8 cut: ASCII at the limit");
	is_int(cairn_utf8_cut("a\xc3\xa9\xc3\xa9", 2), 1, "utf8 cut: before a 2-byte character");
	is_int(cairn_utf8_cut("a\xc3\xa9\xc3\xa9", 3), 3, "utf8 cut: after a 2-byte character");
	is_int(cairn_utf8_cut("ab\xe6\x97\xa5", 4), 2, "utf8 cut: inside a 3-byte character");
	is_int(cairn_utf8_cut("\xf0\x9f\x99\x82x", 3), 0, "utf8 cut: inside a 4-byte character");
	is_int(cairn_utf8_cut("\xf0\x9f\x99\x82", 4), 4, "utf8 cut: a 4-byte character whole");
}

int main(void)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_error err;
	char *s;
	size_t len;

	is_str(cairn_buf_str(&b), "", "an empty buffer reads as \"\"");
	s = cairn_buf_detach(&b, &len);
	ok(s && !*s && len == 0, "detaching an empty buffer gives \"\"");
	free(s);
	cairn_buf_adds(&b, "abc");
	cairn_buf_addc(&b, '-');
	cairn_buf_printf(&b, "%d", 42);
	is_str(cairn_buf_str(&b), "abc-42", "appends");
	for (int i = 0; i < 10000; i++)
		cairn_buf_printf(&b, "%08d", i);
	is_int(b.len, 6 + 80000, "printf grows the buffer past 64 KB");
	ok(!memcmp(b.data + b.len - 8, "00009999", 8), "and keeps every byte");
	cairn_buf_reset(&b);
	is_int(b.len, 0, "reset empties it");
	cairn_buf_done(&b);

	ok(cairn_fail(&err, CAIRN_EINPUT, "bad %s", "value") == CAIRN_EINPUT, "cairn_fail returns its code");
	is_str(err.msg, "bad value", "and fills the message");
	cairn_error_prefix(&err, "milestone/%s", "M4");
	is_str(err.msg, "milestone/M4: bad value", "a prefix goes in front");
	{
		char big[3000];
		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		cairn_fail(&err, CAIRN_EIO, "%s", big);
		is_int(strlen(err.msg), CAIRN_ERROR_MAX - 1, "a long message is cut to fit");
		cairn_error_prefix(&err, "ctx");
		ok(!strncmp(err.msg, "ctx: xxx", 8) && strlen(err.msg) < CAIRN_ERROR_MAX, "a prefix on a full message still fits");
	}
	ok(cairn_fail(NULL, CAIRN_EBUSY, "nobody listens") == CAIRN_EBUSY, "a NULL error is allowed");
	is_str(cairn_status_name(CAIRN_ENOTFOUND), "not found", "status names");
	is_int(cairn_status_exit_code(CAIRN_OK), 0, "exit code: done");
	is_int(cairn_status_exit_code(CAIRN_EINPUT), 1, "exit code: refused input");
	is_int(cairn_status_exit_code(CAIRN_EUSAGE), 2, "exit code: usage");
	is_int(cairn_status_exit_code(CAIRN_ECORRUPT), 3, "exit code: trouble");
	is_int(cairn_status_exit_code(CAIRN_ECONFLICT), 4, "exit code: conflict");
	cairn_error_clear(&err);
	ok(err.code == CAIRN_OK && !err.msg[0], "clear");
	utf8();
	return tap_done();
}
