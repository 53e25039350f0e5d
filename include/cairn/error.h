/* cairn: status codes and the error that carries a message.
 *
 * The core never prints and never exits: a function that can fail returns a
 * cairn_status and, on failure, fills a cairn_error with a message that
 * names the file and line, or the record and field, and says what to do.
 * Only main() and the terminal interface decide how to show it.
 */
#ifndef CAIRN_ERROR_H
#define CAIRN_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

/* One list: the enum, the names and the command-line exit codes come from
 * it.  Exit codes: 0 done, 1 refused input, 2 usage, 3 workbook or system
 * trouble, 4 conflict left for the user, 6 the remote refused (a hook, a
 * rule, permissions: asking again will not help; 5 is cairn agenda's). */
#define CAIRN_STATUS_LIST(X) \
	X(OK,        "ok",           0) \
	X(EINPUT,    "bad input",    1) \
	X(ENOTFOUND, "not found",    1) \
	X(EEXISTS,   "exists",       1) \
	X(EUSAGE,    "usage",        2) \
	X(EIO,       "i/o error",    3) \
	X(ECORRUPT,  "corrupt",      3) \
	X(ENOMEM,    "out of memory",3) \
	X(EBUSY,     "busy",         3) \
	X(EMOVED,    "moved",        3) \
	X(ECONFLICT, "conflict",     4) \
	X(EREFUSED,  "refused by the remote", 6)

typedef enum cairn_status {
#define CAIRN_STATUS_ENUM(id, name, exitcode) CAIRN_##id,
	CAIRN_STATUS_LIST(CAIRN_STATUS_ENUM)
#undef CAIRN_STATUS_ENUM
} cairn_status;

#define CAIRN_ERROR_MAX 2048

typedef struct cairn_error {
	cairn_status code;
	/* True when the message's line feeds are its own structure (a
	 * server's lines under cairn's, see cairn_fail_lines).  Otherwise a
	 * line feed in msg came from data (a value, a record id), and a face
	 * shows it escaped so that it cannot start a line that looks like
	 * cairn's own. */
	bool lines;
	char msg[CAIRN_ERROR_MAX];
} cairn_error;

/* Fill err (which may be NULL) and return code, so a caller can write
 * `return cairn_fail(err, CAIRN_EINPUT, "%s:%d: ...", path, line);`. */
cairn_status cairn_fail(cairn_error *err, cairn_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
cairn_status cairn_vfail(cairn_error *err, cairn_status code, const char *fmt, va_list ap);

/* The same, for a message whose line feeds are meant as lines: every line
 * feed of data inside it must already have been cut out by the caller. */
cairn_status cairn_fail_lines(cairn_error *err, cairn_status code, const char *text);

/* Put context in front of an existing message: "saving M4: <old msg>". */
cairn_status cairn_error_prefix(cairn_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The one wording of a failed allocation: `return cairn_oom(err);`. */
cairn_status cairn_oom(cairn_error *err);

void cairn_error_clear(cairn_error *err);
const char *cairn_status_name(cairn_status code);
int cairn_status_exit_code(cairn_status code);

#endif
