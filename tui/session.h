/* What both faces of cairn share: the command line (tui/cli/) and the
 * screens (tui/screen/).  One `cli` context carries the configuration, the
 * open workbook and the terminal's sanitiser flags for a run, whichever
 * face it takes; tui/output.c prints through it, sanitised.
 *
 * May include: include/cairn/ only. */
#ifndef CAIRN_TUI_SESSION_H
#define CAIRN_TUI_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "cairn/config.h"
#include "cairn/error.h"
#include "cairn/record.h"
#include "cairn/buf.h"
#include "cairn/workbook.h"

struct verb;

/* Exit codes (see cairn(1)). */
enum {
	EXIT_DONE = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_TROUBLE = 3,
	EXIT_CONFLICT = 4,
	EXIT_OVERDUE = 5,       /* cairn agenda: something is overdue */
	EXIT_REMOTE_REFUSED = 6,        /* the remote refused a push (CAIRN_EREFUSED) */
};

typedef struct cli {
	const char *dir;                /* -C DIR, or NULL */
	cairn_config cfg;
	cairn_wb *wb;                   /* opened for verbs that need one */
	unsigned san;                   /* sanitiser flags for this terminal */
	bool out_tty;
	bool err_tty;
	const struct verb *verb;
} cli;

/* ---- output (tui/output.c) ---- */

/* Print text from data to f, sanitised for the terminal (LF kept when
 * multiline).  Everything that came from a record, git or a remote goes
 * through here or cli_printf. */
void cli_put(cli *c, FILE *f, const char *text, bool multiline);
void cli_printf(cli *c, FILE *f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A whole document (CSV, iCalendar) on standard output: byte for byte to
 * a file or a pipe, sanitised (CR LF shown as LF) on a terminal. */
void cli_put_document(cli *c, const char *data, size_t len);
/* "cairn: message" on stderr; returns the exit code for status. */
int cli_error(cli *c, const cairn_error *err);
int cli_fail(cli *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A warning callback for the core (config lines, recovered saves). */
void cli_warn(const char *message, void *ctx);
/* Pad to `cols` display columns; longer text is cut and ends in "\u2026"
 * ("..." when the terminal is not UTF-8). */
void cli_cell(cli *c, FILE *f, const char *text, size_t cols);
/* A date in the user's format ("" stays ""). */
void cli_date(cli *c, const char *iso, char *buf, size_t n);
/* The persons' names by id, for "id (Name)" wherever a person is shown
 * (ls, progress): load them once, label each id, free them. */
typedef struct cli_persons {
	char **v;               /* id, name, id, name, ... */
	size_t n;
} cli_persons;
cairn_status cli_persons_load(cli *c, cli_persons *p, cairn_error *err);
/* "id (Name)" in buf, or id itself when the person has no other name. */
/* How a person shows wherever an id is shown: "id (Name)", or the id
 * alone when there is no name or the name is the id (buf, or id). */
const char *cli_id_and_name(const char *id, const char *name, char *buf, size_t n);
const char *cli_person_label(const cli_persons *p, const char *id, char *buf, size_t n);
void cli_persons_done(cli_persons *p);
/* Write a record as a JSON object {"kind","id","fields"} (and "derived"
 * when given, already JSON). */
void cli_json_record(cli *c, FILE *f, const cairn_ref *ref, const cairn_record *rec,
		     const char *derived_json);

/* A JSON string, quoted and escaped: on a terminal every non-ASCII
 * character as \\uXXXX, in a pipe UTF-8 as it is. */
void cli_json_string(cli *c, cairn_buf *b, const char *s);
/* v with at most `decimals` decimals and no trailing 0, with '.' whatever
 * LC_NUMERIC says (JSON, CSV and reports are read by programs). */
void cli_decimal(char *buf, size_t n, double v, int decimals);
/* A comparison's numbers for a question ("mean 3.67, spread 0.47, from 3
 * to 4"), appended to b: one wording for the command line, the report and
 * the terminal interface. */
struct cairn_compare_summary;
void cli_number_summary(cairn_buf *b, const struct cairn_compare_summary *s);
/* One CSV cell (RFC 4180), quoted when it must be. */
void cli_csv_cell(cairn_buf *out, const char *v);

/* The whole of a stream or a file: a new NUL-terminated buffer, or NULL
 * when it cannot be read (errno says why for a file). */
char *cli_read_stream(FILE *f, size_t *len);
char *cli_read_file(const char *path, size_t *len);

#endif
