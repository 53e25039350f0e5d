/* The app's own state and the calls every screen makes: the view stack
 * (push, pop, rebuild after a save), the message line, and how many edits
 * wait to be shared.  The bottom of the app: the drawing, the prompt, the
 * actions and the main loop (draw.c, prompt.c, actions.c, outside.c,
 * loop.c) stand on it, and it calls none of them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "app_internal.h"

volatile sig_atomic_t tui_hangup;

view *top(app *a)
{
	return a->depth ? &a->stack[a->depth - 1] : NULL;
}

void app_message(app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof a->message, fmt, ap);
	va_end(ap);
	/* A commit message's or a server's final line feed is no line of its
	 * own (nor a ^J at the end); inner ones are lines. */
	for (size_t n = strlen(a->message);
	     n && (a->message[n - 1] == '\n' || a->message[n - 1] == '\r'); n--)
		a->message[n - 1] = '\0';
	a->message_is_error = error;
}

static void build(app *a, view *v)
{
	char target[256] = "";
	const line *sel = lines_selected(&v->lines);

	if (sel && sel->target)
		snprintf(target, sizeof target, "%s", sel->target);
	lines_clear(&v->lines);
	a->built_partial = false;
	v->ops->build(a, v->state, &v->lines);
	v->partial = a->built_partial;
	a->built_partial = false;
	lines_select(&v->lines, target[0] ? target : NULL);
}

void app_complete(app *a)
{
	for (int i = 0; i < a->depth; i++)
		if (a->stack[i].partial)
			build(a, &a->stack[i]);
}

void app_push(app *a, const view_ops *ops, const void *init, size_t init_size, const char *title)
{
	view *v;

	if (a->depth == TUI_MAX_DEPTH)
		app_pop(a);
	v = &a->stack[a->depth];
	memset(v, 0, sizeof *v);
	v->ops = ops;
	v->state = calloc(1, ops->state_size ? ops->state_size : 1);
	if (!v->state)
		return;
	if (init)
		memcpy(v->state, init, init_size < ops->state_size ? init_size : ops->state_size);
	snprintf(v->title, sizeof v->title, "%s", title);
	a->depth++;
	build(a, v);
}

void app_pop(app *a)
{
	view *v;

	if (!a->depth)
		return;
	v = &a->stack[--a->depth];
	if (v->ops->done)
		v->ops->done(v->state);
	free(v->state);
	lines_clear(&v->lines);
	free(v->lines.v);
	free(v->lines.filter);
}

/* How many saved edits wait to be shared, and how many record files
 * cannot be read (the dashboard lists them), for the status line. */
void count_unshared(app *a)
{
	bool upstream;
	size_t ahead, behind, nbad = 0;
	cairn_unreadable *bad = NULL;
	cairn_error err;

	a->unreadable[0] = '\0';
	if (cairn_wb_unreadable(a->wb, &bad, &nbad, &err) == CAIRN_OK && nbad)
		snprintf(a->unreadable, sizeof a->unreadable,
			 P_("%zu unreadable record (see 1) | ", "%zu unreadable records (see 1) | ",
			    nbad), nbad);
	cairn_wb_unreadable_free(bad, nbad);

	if (cairn_wb_unshared(a->wb, &upstream, &ahead, &behind, &err) != CAIRN_OK)
		snprintf(a->shared, sizeof a->shared, "%s", _("sharing state unknown"));
	else if (!upstream)
		snprintf(a->shared, sizeof a->shared, "%s", _("no shared remote yet"));
	else if (!ahead && !behind)
		snprintf(a->shared, sizeof a->shared, "%s", _("all edits shared"));
	else
		snprintf(a->shared, sizeof a->shared,
			 P_("%zu edit not shared, %zu to fetch", "%zu edits not shared, %zu to fetch",
			    ahead), ahead, behind);
}

void app_relayout(app *a)
{
	for (int i = 0; i < a->depth; i++)
		build(a, &a->stack[i]);
}

void app_rebuild(app *a)
{
	count_unshared(a);
	app_relayout(a);
}
