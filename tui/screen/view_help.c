/* Help (?): what a newcomer reads first, the views and the evaluation
 * workflow and how sharing works, then every binding from the one table
 * (TUI_ACTIONS), wrapped to the screen. */
#include <stdbool.h>
#include <stdio.h>

#include "tui.h"

/* What a newcomer reads first: headings (H) and paragraphs (P). */
#define H(t) { true, t }
#define P(t) { false, t }
static const struct { bool heading; const char *text; } guide[] = {
	H(N_("The views: a number opens one, from anywhere")),
	P(N_("1 Dashboard: milestones against today, tasks due soon, evaluations by status, "
	   "each pilot's inclusion against the targets; a conflict waiting or a file that "
	   "cannot be read comes first.")),
	P(N_("0 My work: the evaluations you fill in (returned ones first, with why), "
	     "those waiting for you to validate them, your open tasks.")),
	P(N_("2 Milestones (Enter opens one, with its tasks; a there adds a task), 3 Tasks, "
	   "4 Persons (the group against its planned seats), 5 Tools (who evaluates each), "
	   "6 Evaluations, 7 Pilots, 8 Templates, 9 Targets, F the group's lists and forms.")),
	P(N_("In a table: / filters, s sorts by the next column, a adds a record, Enter opens "
	   "one. In a record: Enter or e edits the selected field, saved and committed at "
	   "once; E edits it in $EDITOR; u undoes the last edit; H shows its history, L "
	   "every commit. q goes back, Q quits.")),
	P(""),
	H(N_("The evaluation workflow")),
	P(N_("A leader gives each tool to a key person (d: all those nobody evaluates "
	   "yet, the plan shown first): an evaluation TOOL/EVALUATOR, with a validator. The evaluator opens it (6, Enter) and answers question by "
	   "question (n: the next one not answered); the first answer makes it a draft. S submits it, or puts the cursor "
	   "on the first required question still unanswered.")),
	P(N_("The validator then validates it (V) or returns it with a comment (R); a "
	   "returned evaluation is answered again and submitted anew. A leader marks "
	   "validated ones as good practices (P) or success stories (T); r gives an "
	   "evaluation nobody has started to another evaluator. Each step is allowed to "
	   "the right people only: cairn knows who you are by your email.")),
	P(""),
	H(N_("Sharing")),
	P(N_("Every save is a commit in your own workbook. y syncs with the shared "
	   "repository: fetches, merges field by field, pushes. A field changed on both "
	   "sides is a conflict: C lists them, o keeps ours, t takes theirs, then y again.")),
	P(""),
	H(N_("The group's lists and forms")),
	P(N_("F Lists and forms: the group's choices (labels, seats, records using each) and "
	   "its forms' fields (type, required, when asked); Enter opens one to edit, a adds "
	   "one. A view also opens by its name: :schema, :pilots.")),
	P(""),
	H(N_("Every key")),
	{ false, NULL },
};
#undef H
#undef P

static void help_build(app *a, void *state, lines *out)
{
	(void)state;
	for (size_t i = 0; guide[i].text; i++) {
		const char *text = guide[i].text[0] ? _(guide[i].text) : "";
		if (guide[i].heading) {
			lines_add_heading(out, LS_SECTION, a->cols - 5, "%s", text);
			continue;
		}
		if (!*text)
			lines_add(out, LS_TEXT, NULL, "%s", "");
		while (*text) {
			size_t skip, n = text_wrap(text, a->cols - 6, &skip);
			lines_add(out, LS_TEXT, NULL, "  %.*s", (int)n, text);
			text += n + skip;
		}
	}
	/* What each action does, wrapped under its own column; on a narrow
	 * screen under the action and its keys. */
	bool narrow = a->cols < 70;
	int indent = narrow ? 4 : 36, width = a->cols - 2 - indent;
	char pad[40];
	snprintf(pad, sizeof pad, "%*s", indent, "");
	if (narrow)
		lines_add(out, LS_HEAD, NULL, "%-18s %s", _("action"), _("keys"));
	else
		lines_add(out, LS_HEAD, NULL, "%-18s %-16s %s", _("action"), _("keys"),
			  _("what it does"));
	for (int i = 1; i < ACT_COUNT; i++) {
		const char *name = keys_action_name((tui_action)i), *help = keys_action_help((tui_action)i);
		char keys[64];
		size_t skip, n;
		keys_describe((tui_action)i, keys, sizeof keys);
		if (narrow) {
			lines_add(out, LS_TEXT, name, "%-18s %s", name, keys);
			lines_add_wrapped(out, LS_DIM, width, pad, pad, help);
			continue;
		}
		n = text_wrap(help, width, &skip);
		lines_add(out, LS_TEXT, name, "%-18s %-16s %.*s", name, keys, (int)n, help);
		if (help[n + skip])
			lines_add_wrapped(out, LS_TEXT, width, pad, pad, help + n + skip);
	}
	lines_add(out, LS_TEXT, NULL, "%s", "");
	lines_add_heading(out, LS_DIM, a->cols - 5, "%s",
			  _("Rebind any action in ~/.config/cairn/config, [keys] section: down = j Down"));
}

const view_ops help_view = {
	.name = "help",
	.state_size = 1,
	.build = help_build,
};
