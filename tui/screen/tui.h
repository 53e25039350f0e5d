/* cairn's terminal interface: the app, its views and its key actions.
 *
 * Every screen is a list of lines (tui/screen/lines.c): the dashboard, each kind's
 * table, a record's fields, an evaluation's questions, the help.  A view
 * is one row of operations (struct view_ops) that builds those lines and
 * acts on the selected one; the main loop (tui/screen/loop.c) turns a key into an
 * action through the one table of bindings (TUI_ACTIONS, tui/screen/keys.c),
 * offers it to the view, and falls back to the generic handling (moving,
 * filtering, switching views, help, quit).  Nothing here speaks SQL or
 * git: the data comes through include/cairn. */
#ifndef CAIRN_TUI_TUI_H
#define CAIRN_TUI_TUI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cairn/derive.h"
#include "cairn/inclusion.h"
#include "cairn/workbook.h"
#include "session.h"
#include "i18n.h"

/* Every action: the enum, its config name, its default keys and its help
 * come from this one list (see tui/screen/keys.c for key names).  The help is
 * marked for translation; the name and keys are parsed, so they are not. */
#define TUI_ACTIONS(X) \
	X(UP,        "up",        "k Up",            N_("Move up"))                            \
	X(DOWN,      "down",      "j Down",          N_("Move down"))                          \
	X(PAGE_UP,   "page-up",   "PgUp C-b",        N_("Page up"))                            \
	X(PAGE_DOWN, "page-down", "PgDn C-f Space",  N_("Page down"))                          \
	X(FIRST,     "first",     "g Home",          N_("First line"))                         \
	X(LAST,      "last",      "G End",           N_("Last line"))                          \
	X(ENTER,     "enter",     "Enter l Right",   N_("Open or edit the selected line"))     \
	X(BACK,      "back",      "q Esc h Left",    N_("Back (quit from the dashboard)"))     \
	X(QUIT,      "quit",      "Q",               N_("Quit cairn"))                         \
	X(HELP,      "help",      "?",               N_("This help"))                          \
	X(FILTER,    "filter",    "/",               N_("Show only lines containing a text"))  \
	X(SORT,      "sort",      "s",               N_("Sort by the next column"))            \
	X(EDIT,      "edit",      "e",               N_("Edit the selected field in place"))   \
	X(EDITOR,    "editor",    "E",               N_("Edit the selected text in $EDITOR"))  \
	X(ADD,       "add",       "a",               N_("Add a record of this kind"))          \
	X(NEXT_UNANSWERED, "next-unanswered", "n",   N_("The next question not answered yet (in a form)")) \
	X(SUBMIT,    "submit",    "S",               N_("Submit this evaluation"))             \
	X(RETURN,    "return",    "R",               N_("Return this evaluation with comments")) \
	X(VALIDATE,  "validate",  "V",               N_("Validate this evaluation"))           \
	X(REASSIGN,  "reassign",  "r",               N_("Give this evaluation to another evaluator")) \
	X(GOOD_PRACTICE, "good-practice", "P",       N_("Mark or unmark a good practice (leaders)")) \
	X(SUCCESS_STORY, "success-story", "T",       N_("Mark or unmark a success story (leaders)")) \
	X(DISTRIBUTE, "distribute", "d",             N_("Give the tools nobody evaluates to the key persons (leaders; shows the plan first)")) \
	X(UNDO,      "undo",      "u",               N_("Undo the last saved edit (a new commit)")) \
	X(SYNC,      "sync",      "y",               N_("Sync with the shared repository (fetch, merge, push)")) \
	X(CONFLICTS, "conflicts", "C",               N_("The conflicts a sync left"))          \
	X(HISTORY,   "history",   "H",               N_("History of the record, field by field")) \
	X(TIMELINE,  "timeline",  "L",               N_("Every commit, newest first (the timeline)")) \
	X(COMPARE,   "compare",   "c",               N_("A template's evaluations side by side (c again: every status)")) \
	X(OURS,      "ours",      "o",               N_("Settle the selected conflict with our value")) \
	X(THEIRS,    "theirs",    "t",               N_("Settle the selected conflict with their value")) \
	X(COMMAND,   "command",   ":",               N_("Run a cairn command (cairn VERB ...)")) \
	X(REFRESH,   "refresh",   "C-l",             N_("Redraw the screen"))                  \
	X(RELOAD,    "reload",    "C-r",             N_("Read the configuration file again (kept if it has errors)")) \
	X(MINE,      "mine",      "0 w",             N_("My work: my evaluations and tasks"))  \
	X(DASHBOARD, "dashboard", "1 D",             N_("Dashboard"))                          \
	X(MILESTONES, "milestones", "2",             N_("Milestones and their tasks"))         \
	X(TASKS,     "tasks",     "3",               N_("Tasks"))                              \
	X(PERSONS,   "persons",   "4",               N_("Persons and the planned seats"))      \
	X(TOOLS,     "tools",     "5",               N_("Tools and who evaluates them"))       \
	X(EVALUATIONS, "evaluations", "6",           N_("Evaluations"))                        \
	X(PILOTS,    "pilots",    "7",               N_("City pilots and inclusion"))          \
	X(TEMPLATES, "templates", "8",               N_("Evaluation templates"))               \
	X(TARGETS,   "targets",   "9",               N_("Inclusion targets"))                  \
	X(SCHEMA,    "schema",    "F",               N_("The group's lists and forms (its schema)"))

typedef enum tui_action {
	ACT_NONE = 0,
#define TUI_ACTION_ENUM(id, name, keys, help) ACT_##id,
	TUI_ACTIONS(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
	ACT_COUNT
} tui_action;

/* ---- keys (tui/screen/keys.c) ---- */

/* Build the binding table from the defaults, then the user's [keys]
 * section (action = keys...); bad entries are reported through warn. */
void keys_init(const cairn_config *cfg, void (*warn)(const char *msg, void *ctx), void *ctx);
tui_action keys_action(int key);
const char *keys_action_name(tui_action a);
const char *keys_action_help(tui_action a);
/* The keys bound to a, as text ("k Up"), into buf. */
void keys_describe(tui_action a, char *buf, size_t n);

typedef struct app app;

/* ---- lines (tui/screen/lines.c) ---- */

enum line_style { LS_TEXT, LS_HEAD, LS_DIM, LS_ALERT, LS_GOOD, LS_SECTION };

typedef struct line {
	char *text;             /* sanitised when drawn, never before */
	enum line_style style;
	bool selectable;
	char *target;           /* what Enter opens or edits: a "kind/id" or a field key */
	double bar;             /* < 0: none; else a share 0-100 drawn after text */
	double mark;            /* the target drawn on the bar, < 0: none */
} line;

typedef struct lines {
	line *v;
	size_t n, cap;
	size_t sel;             /* the selected line (an index into v) */
	size_t top;             /* the first line shown */
	/* Scrolled past the selection (to lines nothing selects, below the
	 * last selectable one or above the first): top is kept while the
	 * selection stays scrolled_sel. */
	bool scrolled;
	size_t scrolled_sel;
	char *filter;           /* only selectable lines containing it are shown */
} lines;

void lines_clear(lines *l);
line *lines_add(lines *l, enum line_style style, const char *target, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* text as lines of at most width columns, wrapped (text_wrap), never cut:
 * the first line after `first`, the others after `rest`. */
void lines_add_wrapped(lines *l, enum line_style style, int width, const char *first,
		       const char *rest, const char *text);
/* A heading (fmt formatted) wrapped to width columns, a screen's
 * cols - 5, the lines after the first indented by two: never cut. */
void lines_add_heading(lines *l, enum line_style style, int width, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Keep the selection on target (or the nearest selectable line). */
void lines_select(lines *l, const char *target);
bool lines_visible(const lines *l, size_t i);
void lines_move(lines *l, int delta);
const line *lines_selected(const lines *l);
/* text cut or padded to cols display columns, into buf (n bytes): printf's
 * widths count bytes, and a translated label may hold accented letters. */
const char *text_pad(const char *text, int cols, char *buf, size_t n);
/* text cut to cols display columns with a mark ("…", "..." in ASCII)
 * when it is wider, whole when not, into buf (n bytes). */
const char *text_cut(const char *text, int cols, bool ascii, char *buf, size_t n);
/* The display columns text takes (its bytes when it is not valid text). */
int text_width(const char *text);
/* The bytes of text's first line when wrapped at width columns: up to a
 * line feed, else cut after the last space that fits (else where the
 * width ends); *skip is what to step over after it (the space or line
 * feed).  text_wrap_count: how many lines text takes. */
size_t text_wrap(const char *text, int width, size_t *skip);
size_t text_wrap_count(const char *text, int width);
/* Split a line into words in place, as a shell would for plain words and
 * quotes ("a b" and 'a b' are one word), with no expansion of any kind;
 * at most max words into argv.  Returns the count.  The one parser of
 * what is typed at `:` and at the add prompt. */
int words_split(char *text, char **argv, int max);

/* ---- rows from the index (tui/screen/rows.c) ---- */

typedef struct rowset {
	char **cells;           /* nrows * ncols strings, "" for none */
	size_t ncols, nrows;
} rowset;

/* Rows of kind (see cairn_index_rows); false after reporting an error. */
bool rows_load(app *a, rowset *r, cairn_kind kind, const char *const *cols, size_t ncols,
	       const cairn_filter *filters, size_t nfilters, const char *order_by);
/* The same, at most limit rows (0: all). */
bool rows_load_limit(app *a, rowset *r, cairn_kind kind, const char *const *cols, size_t ncols,
		     const cairn_filter *filters, size_t nfilters, const char *order_by,
		     size_t limit);
const char *rows_get(const rowset *r, size_t row, size_t col);
void rows_done(rowset *r);
/* The name of person id into buf (its id when it has none, or is no
 * person's); returns buf. */
const char *person_name(app *a, const char *id, char *buf, size_t n);
/* A value of a field of cairn's own choices (a status, a role) as the
 * reader reads it: its label in the reader's language (gettext's, or the
 * group's list of the same id); any other value as it is. */
const char *choice_shown(cairn_kind kind, const char *field, const char *value);
/* The inclusion targets (see cairn_wb_targets); false after reporting an
 * error.  Released with cairn_targets_done. */
bool targets_load(app *a, cairn_targets *t);

/* A pilot's share of each of the workbook's inclusion groups as bars
 * against the targets (a line saying a group is not reported when
 * say_unreported).  Each line fits in cols columns with its share and
 * met/SHORT: labels are cut first (the bar is drawn only where there is
 * room).  tui/screen/view_dashboard.c. */
void inclusion_lines(lines *out, const cairn_targets *targets, const cairn_record *pilot,
		     const char *indent, bool say_unreported, int cols);

/* How far a deadline is, in words: "OVERDUE 3 d", "due today", "in 5 d",
 * "no deadline", or a closed status ("done").  tui/screen/view_dashboard.c. */
void deadline_words(const cairn_deadline *d, const char *status, char *buf, size_t n);
/* A task as a view lists it (rows.c), Enter opening target: its id in
 * id_w columns, its due date, how far it is, when who is not NULL who has
 * it ("id (Name)", cut to a column as the tables do) and its title, cut
 * with a mark.  On one line where the title has room to be read, else who
 * and the title on a line of their own below. */
void task_lines(app *a, lines *out, bool alert, const char *target, int id_w, const char *id,
		const char *date, const char *when, const char *title, const char *who);
/* Ask for a new record of kind on the prompt and add it; preset_key (or
 * NULL) is set to preset_value unless what is typed sets it: a task
 * added from its milestone.  tui/screen/view_table.c. */
void add_record(app *a, cairn_kind kind, const char *preset_key, const char *preset_value);

/* ---- the app (tui/screen/app.c, draw.c, prompt.c, outside.c, actions.c, loop.c) ---- */

typedef struct view_ops {
	const char *name;
	size_t state_size;
	/* Fill v->lines from the workbook (also after every save). */
	void (*build)(app *a, void *state, lines *out);
	/* An action the generic handler does not take; true when taken. */
	bool (*act)(app *a, void *state, tui_action act);
	void (*done)(void *state);
} view_ops;

typedef struct view {
	const view_ops *ops;
	void *state;
	lines lines;
	char title[160];
	bool partial;           /* built to fill the first screen: the rest after it is drawn */
} view;

#define TUI_MAX_DEPTH 8

struct app {
	cli *c;
	cairn_wb *wb;
	view stack[TUI_MAX_DEPTH];
	int depth;
	int rows, cols;
	bool ascii;             /* no UTF-8: bars and marks in ASCII */
	bool color;
	bool quit;
	char message[2048];     /* lines: a sync's refusal carries the server's */
	bool message_is_error;
	char me[64];            /* the person id whose email is the user's, or "" */
	char me_name[128];      /* the name the user's commits carry */
	char shared[64];        /* "2 edits not shared", "no shared remote yet" */
	char unreadable[64];    /* "2 unreadable records (see 1) | ", or "" */
	bool checked;           /* the checks that need git ran after the first screen */
	/* Set by a view's build that stopped once the first screen was full
	 * (only before the first draw, when !checked): app_complete builds
	 * the rest once that screen is up. */
	bool built_partial;
	int check_fd;           /* the hand-edit check's pipe, or -1 */
	pid_t check_pid;
	/* Undo: the last edit saved from here, as the edit that reverts it. */
	cairn_ref undo_ref;
	char *undo_key;
	char *undo_value;
	bool undo_ready;
	/* A prompt in progress: on hangup its text is saved as a draft. */
	char prompt_key[CAIRN_KEY_MAX + 8];    /* "" when no field prompt is open */
	char prompt_ref[160];
	char *prompt_text;
	char prompt_context[1024];      /* shown above a prompt ("" none), wrapped */
	int prompt_rows;        /* the rows an open prompt takes at the bottom, or 0 */
	bool quit_tried;        /* a sync on quit was tried: the next quit leaves */
};

extern volatile sig_atomic_t tui_hangup;

int tui_run(cli *c);
void app_push(app *a, const view_ops *ops, const void *init, size_t init_size,
	      const char *title);
void app_pop(app *a);
/* Build in full the views built only for the first screen (after it is
 * drawn, before any key is read). */
void app_complete(app *a);
/* Rebuild every view on the stack (after a save). */
void app_rebuild(app *a);
void app_message(app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Ask for a line of text on the bottom line; initial may be NULL.
 * Returns a new string (caller frees), or NULL when cancelled. */
char *app_prompt(app *a, const char *question, const char *initial);
/* Save one field (value as a user would type it; "" unsets) and report
 * the result on the message line; remembers the undo. */
bool app_save_field(app *a, const cairn_ref *ref, const char *key, const char *value);
/* Edit text in $EDITOR (execvp, no shell); a new string or NULL.  about
 * (NULL: none) goes in the file as comment lines under a scissors line,
 * cut off again when it is read: what the text answers. */
char *app_edit_text(app *a, const char *text, const char *about);
/* Draw one string sanitised, at most cols columns; returns columns used. */
int draw_text(app *a, int y, int x, const char *text, int cols);

/* ---- views ---- */
extern const view_ops dashboard_view;
extern const view_ops table_view;       /* init: the kind (cairn_kind) */
extern const view_ops record_view;      /* init: "kind/id" (char[160]) */
extern const view_ops help_view;
extern const view_ops mine_view;
extern const view_ops conflicts_view;
extern const view_ops history_view;     /* init: "kind/id", or "" for the timeline */
extern const view_ops compare_view;     /* tui/screen/view_compare.c */
extern const view_ops schema_view;      /* lists and forms: tui/screen/view_schema.c */
/* Open the comparison of the template the top view or its selected line
 * names (a template, or an evaluation's template). */
void compare_of_selection(app *a);

#endif
