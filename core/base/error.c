/* Status codes and error messages (see include/cairn/error.h). */
#include "cairn/error.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int exit_code;
} status_table[] = {
#define CAIRN_STATUS_ROW(id, name, exitcode) { name, exitcode },
	CAIRN_STATUS_LIST(CAIRN_STATUS_ROW)
#undef CAIRN_STATUS_ROW
};

cairn_status cairn_vfail(cairn_error *err, cairn_status code, const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		err->lines = false;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	}
	return code;
}

cairn_status cairn_fail_lines(cairn_error *err, cairn_status code, const char *text)
{
	cairn_fail(err, code, "%s", text);
	if (err)
		err->lines = true;
	return code;
}

cairn_status cairn_fail(cairn_error *err, cairn_status code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cairn_vfail(err, code, fmt, ap);
	va_end(ap);
	return code;
}

cairn_status cairn_error_prefix(cairn_error *err, const char *fmt, ...)
{
	char prefix[512], old[CAIRN_ERROR_MAX];
	size_t np, no;
	va_list ap;

	if (!err)
		return CAIRN_OK;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	old[sizeof old - 1] = '\0';
	/* "prefix: old", cut to fit; the prefix is at most 511 bytes. */
	np = strlen(prefix);
	no = strlen(old);
	if (np + 2 + no >= sizeof err->msg)
		no = sizeof err->msg - np - 3;
	memcpy(err->msg, prefix, np);
	memcpy(err->msg + np, ": ", 2);
	memcpy(err->msg + np + 2, old, no);
	err->msg[np + 2 + no] = '\0';
	return err->code;
}

cairn_status cairn_oom(cairn_error *err)
{
	return cairn_fail(err, CAIRN_ENOMEM, "out of memory");
}

void cairn_error_clear(cairn_error *err)
{
	if (err) {
		err->code = CAIRN_OK;
		err->lines = false;
		err->msg[0] = '\0';
	}
}

const char *cairn_status_name(cairn_status code)
{
	if ((size_t)code >= sizeof status_table / sizeof status_table[0])
		return "unknown";
	return status_table[code].name;
}

int cairn_status_exit_code(cairn_status code)
{
	if ((size_t)code >= sizeof status_table / sizeof status_table[0])
		return 3;
	return status_table[code].exit_code;
}
