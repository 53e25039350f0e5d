/* The app's parts, private to its files (app.c, draw.c, prompt.c,
 * outside.c, actions.c, loop.c): what one of them defines and another
 * calls.  The views see only tui.h.  Each file calls only files listed
 * before it here, never back: app.c at the bottom, loop.c on top. */
#ifndef CAIRN_TUI_APP_INTERNAL_H
#define CAIRN_TUI_APP_INTERNAL_H

#include <stdbool.h>
#include <wchar.h>

#include "tui.h"

/* Colour pairs: set by loop.c (apply_colors), used by draw.c. */
enum { PAIR_HEAD = 1, PAIR_ALERT, PAIR_GOOD, PAIR_DIM, PAIR_STATUS };

/* app.c */
view *top(app *a);
void count_unshared(app *a);
/* Build every view again for the screen's new size (its lines fit it). */
void app_relayout(app *a);

/* draw.c */
int body_rows(const app *a);
/* Scroll the body by delta lines (to the end with a large delta), the
 * selection staying where it is: how lines below the last selectable one
 * (or above the first) come into view. */
void scroll_body(app *a, lines *l, int delta);
/* The last line shown with the body's first line at l->top. */
size_t body_bottom(const app *a, const lines *l);
void draw(app *a);

/* prompt.c */
int read_key(app *a, wint_t *wc, bool *is_key);

/* outside.c */
/* `:` runs a verb of the command line; a single word that names one of
 * the n view actions (":schema", ":persons") is returned instead, for the
 * caller to open that view (ACT_NONE otherwise). */
tui_action run_command(app *a, const tui_action *views, size_t n);

/* actions.c */
void undo(app *a);
void start_hand_edit_check(app *a);
void finish_hand_edit_check(app *a);
bool sync_now(app *a);
void distribute(app *a);
void history_of_selection(app *a);

#endif
