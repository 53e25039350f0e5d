/* Buffers and errors. */
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/error.h"
#include "tap.h"

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
	return tap_done();
}
