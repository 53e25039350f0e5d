/* cairn: the user's configuration and the workbook's settings, both INI
 * files read with inih.
 *
 * The user's file is $CAIRN_CONFIG when set, else $XDG_CONFIG_HOME/cairn/
 * config when XDG_CONFIG_HOME is set and absolute, else
 * ~/.config/cairn/config.  A missing file is fine.  A bad line is reported
 * as "FILE:LINE: message" through the warning callback and loading goes
 * on, as tig does.
 *
 *   [user]
 *   name = Maria Rossi
 *   email = maria@example.org
 *   [display]
 *   date_format = dd/mm/yyyy
 *   [keys]
 *   down = j Down         (see cairn(1) for the actions and key names)
 *   [sync]
 *   token = ...           (https; the file should then be private, 0600)
 *   username = maria      (https: sent with the token when the URL names none)
 *   ca_file = ~/ca.crt    (https: the certificates to trust, as http.sslCAInfo)
 *   on_quit = yes         (the terminal interface syncs when left)
 *   [display]
 *   colors = auto|always|never, pager = less -R
 *   [colors]
 *   head = cyan, alert = red, good = green, dim = blue
 *
 * The workbook's settings are the tracked file cairn.ini at its top:
 *
 *   [workbook]
 *   name = Citizen City
 *   schema = 1
 *   clock = 2016-03-20        (demo workbooks: the date they show)
 *   date_format = dd/mm/yyyy  (the group's format; the user's wins)
 */
#ifndef CAIRN_CONFIG_H
#define CAIRN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/date.h"
#include "cairn/error.h"

#define CAIRN_WORKBOOK_SCHEMA 1
#define CAIRN_SETTINGS_FILE "cairn.ini"

typedef void (*cairn_warn_fn)(const char *message, void *ctx);

typedef enum cairn_color_use { CAIRN_COLORS_AUTO, CAIRN_COLORS_ALWAYS, CAIRN_COLORS_NEVER } cairn_color_use;
enum { CAIRN_COLOR_HEAD, CAIRN_COLOR_ALERT, CAIRN_COLOR_GOOD, CAIRN_COLOR_DIM, CAIRN_COLOR_ROLES };
/* The colours [colors] may name, in curses' order (default: the terminal's). */
extern const char *const cairn_color_names[];

typedef struct cairn_config {
	char *path;             /* the file read, or that would be */
	char *user_name;        /* NULL when not set */
	char *user_email;
	char *date_format;      /* NULL: the workbook's, else dd/mm/yyyy */
	char *sync_token;       /* [sync] token: https password ($CAIRN_TOKEN wins) */
	char *sync_username;    /* [sync] username: sent with it when the URL names none */
	char *sync_ca_file;     /* [sync] ca_file: certificates trusted over https */
	char *pager;            /* [display] pager: NULL for $PAGER or less */
	cairn_color_use colors; /* [display] colors: auto (a terminal, NO_COLOR unset) */
	int color[CAIRN_COLOR_ROLES];   /* [colors]: index into cairn_color_names + 1; 0 unset */
	bool sync_on_quit;      /* [sync] on_quit: the terminal interface syncs when left */
	int problems;           /* bad lines reported while loading */
	/* [keys]: "action = key key ..." lines as written, for the terminal
	 * interface to check against its actions (the core knows none). */
	struct cairn_binding {
		char *action;
		char *keys;
		int line;
	} *bindings;
	size_t nbindings;
} cairn_config;

/* Load the user's configuration; warn (may be NULL) hears about bad lines.
 * Fails only when the file exists and cannot be read. */
cairn_status cairn_config_load(cairn_config *cfg, cairn_warn_fn warn, void *ctx,
			       cairn_error *err);
void cairn_config_done(cairn_config *cfg);
/* Read the file again into a staging copy; cfg takes it only when it has
 * no bad line (each still reported), else cfg keeps the settings in use
 * and CAIRN_EINPUT says so. */
cairn_status cairn_config_reload(cairn_config *cfg, cairn_warn_fn warn, void *ctx,
				 cairn_error *err);

typedef struct cairn_settings {
	char *name;
	int schema;
	cairn_date clock;       /* unset for real workbooks */
	char *date_format;      /* NULL when not set */
	bool rules_enforced;    /* [rules] mode = enforced (include/cairn/roles.h) */
	char *rule_lines;       /* the other lines of [rules], "KEY=VALUE\n" each; NULL: none */
} cairn_settings;

/* Read a workbook's cairn.ini from memory (it is tracked in git). */
cairn_status cairn_settings_parse(const char *text, const char *path, cairn_settings *s,
				  cairn_warn_fn warn, void *ctx, cairn_error *err);
/* The file's text for these settings: a new string the caller frees. */
char *cairn_settings_text(const cairn_settings *s);
void cairn_settings_done(cairn_settings *s);

#endif
