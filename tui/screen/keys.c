/* Key bindings: one table (TUI_ACTIONS in tui/screen/tui.h) gives each action its
 * config name, default keys and help line; the user's [keys] section may
 * rebind any action ("sort = o", "down = j Down C-n").  The help view and
 * cairn(1)'s key table read the same list. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static const struct action_info {
	const char *name;
	const char *keys;
	const char *help;
} actions[ACT_COUNT] = {
	[ACT_NONE] = { "none", "", "" },
#define TUI_ACTION_INFO(id, name, keys, help) [ACT_##id] = { name, keys, help },
	TUI_ACTIONS(TUI_ACTION_INFO)
#undef TUI_ACTION_INFO
};

static const struct key_name {
	const char *name;
	int code;
} key_names[] = {
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "Enter", '\n' }, { "Esc", 27 }, { "Space", ' ' }, { "Tab", '\t' },
	{ "Backspace", KEY_BACKSPACE },
};

#define MAX_BINDINGS 128

static struct binding {
	int key;
	tui_action action;
} bindings[MAX_BINDINGS];
static size_t nbindings;

/* "k", "Up", "C-f": a key code, or -1. */
static int key_code(const char *name)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (!strcmp(name, key_names[i].name))
			return key_names[i].code;
	if (!strncmp(name, "C-", 2) && name[2] >= 'a' && name[2] <= 'z' && !name[3])
		return name[2] - 'a' + 1;
	if (name[0] > ' ' && name[0] < 127 && !name[1])
		return (unsigned char)name[0];
	return -1;
}

static void key_label(int code, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].code == code) {
			snprintf(buf, n, "%s", key_names[i].name);
			return;
		}
	if (code >= 1 && code <= 26)
		snprintf(buf, n, "C-%c", 'a' + code - 1);
	else
		snprintf(buf, n, "%c", code);
}

static void unbind_action(tui_action a)
{
	size_t k = 0;
	for (size_t i = 0; i < nbindings; i++)
		if (bindings[i].action != a)
			bindings[k++] = bindings[i];
	nbindings = k;
}

static void bind(int key, tui_action a)
{
	for (size_t i = 0; i < nbindings; i++)
		if (bindings[i].key == key) {
			bindings[i].action = a;         /* the later binding wins */
			return;
		}
	if (nbindings < MAX_BINDINGS)
		bindings[nbindings++] = (struct binding){ key, a };
}

/* Bind each key named in text (space-separated) to a; the first bad name,
 * if any, into bad. */
static bool bind_all(const char *text, tui_action a, char *bad, size_t n)
{
	char copy[256], *save = NULL;
	int codes[16];
	size_t ncodes = 0;

	snprintf(copy, sizeof copy, "%s", text);
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		int code = key_code(t);
		if (code < 0 || ncodes == 16) {
			snprintf(bad, n, "%s", t);
			return false;
		}
		codes[ncodes++] = code;
	}
	for (size_t i = 0; i < ncodes; i++)
		bind(codes[i], a);
	return true;
}

void keys_init(const cairn_config *cfg, void (*warn)(const char *msg, void *ctx), void *ctx)
{
	char bad[64], msg[512];

	nbindings = 0;
	for (int a = 1; a < ACT_COUNT; a++)
		bind_all(actions[a].keys, (tui_action)a, bad, sizeof bad);
	/* KEY_ENTER from the keypad, and the DEL many terminals send. */
	bind(KEY_ENTER, ACT_ENTER);
	bind('\r', ACT_ENTER);
	for (size_t i = 0; cfg && i < cfg->nbindings; i++) {
		const struct cairn_binding *b = &cfg->bindings[i];
		tui_action a = ACT_NONE;
		for (int k = 1; k < ACT_COUNT; k++)
			if (!strcmp(b->action, actions[k].name))
				a = (tui_action)k;
		if (a == ACT_NONE) {
			snprintf(msg, sizeof msg, _("%s:%d: [keys] '%.64s' is not an action; cairn(1) "
				 "lists them (ignored)"), cfg->path, b->line, b->action);
			warn(msg, ctx);
			continue;
		}
		{
			/* Check every name before dropping the defaults. */
			char probe[256], *save = NULL;
			bool fine = true;
			snprintf(probe, sizeof probe, "%s", b->keys);
			for (char *t = strtok_r(probe, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
				if (key_code(t) < 0) {
					snprintf(bad, sizeof bad, "%s", t);
					fine = false;
					break;
				}
			if (!fine) {
				snprintf(msg, sizeof msg, _("%s:%d: [keys] %s: '%.32s' is not a key name "
					 "(a character, C-x, Up, Down, Left, Right, PgUp, PgDn, Home, "
					 "End, Enter, Esc, Space, Tab) (ignored)"), cfg->path, b->line,
					 b->action, bad);
				warn(msg, ctx);
				continue;
			}
		}
		unbind_action(a);
		bind_all(b->keys, a, bad, sizeof bad);
	}
}

tui_action keys_action(int key)
{
	for (size_t i = 0; i < nbindings; i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return ACT_NONE;
}

const char *keys_action_name(tui_action a)
{
	return a > 0 && a < ACT_COUNT ? actions[a].name : "";
}

const char *keys_action_help(tui_action a)
{
	return a > 0 && a < ACT_COUNT ? _(actions[a].help) : "";
}

void keys_describe(tui_action a, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nbindings && used + 1 < n; i++) {
		char label[16];
		if (bindings[i].action != a || bindings[i].key == KEY_ENTER || bindings[i].key == '\r')
			continue;
		key_label(bindings[i].key, label, sizeof label);
		used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " " : "", label);
	}
}
