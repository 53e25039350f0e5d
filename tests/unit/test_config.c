/* The user's configuration through the C API: the new settings' values,
 * bad values reported with file and line, and a reload that keeps the
 * settings in use while the file has errors (a staging copy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn/config.h"
#include "tap.h"

static char reported[4096];

static void note(const char *msg, void *ctx)
{
	(void)ctx;
	strncat(reported, msg, sizeof reported - strlen(reported) - 2);
	strcat(reported, "\n");
}

static void write_config(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/cairn-config.XXXXXX", path[256];
	cairn_config cfg;
	cairn_error err;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/config", dir);
	setenv("CAIRN_CONFIG", path, 1);

	write_config(path, "[display]\ncolors = never\npager = most -s\n[colors]\nhead = yellow\n"
			   "alert = default\n[sync]\non_quit = yes\nusername = maria\n"
			   "ca_file = ~/citizen-city-ca.crt\n");
	ok(cairn_config_load(&cfg, note, NULL, &err) == CAIRN_OK, "load");
	is_int(cfg.colors, CAIRN_COLORS_NEVER, "[display] colors = never");
	is_str(cfg.pager, "most -s", "[display] pager");
	is_str(cairn_color_names[cfg.color[CAIRN_COLOR_HEAD] - 1], "yellow", "[colors] head");
	is_str(cairn_color_names[cfg.color[CAIRN_COLOR_ALERT] - 1], "default", "[colors] alert");
	is_int(cfg.color[CAIRN_COLOR_GOOD], 0, "an unset colour stays unset");
	ok(cfg.sync_on_quit, "[sync] on_quit = yes");
	is_str(cfg.sync_username, "maria", "[sync] username");
	is_str(cfg.sync_ca_file, "~/citizen-city-ca.crt", "[sync] ca_file (~ is read when it is used)");
	is_int(cfg.problems, 0, "no problem");

	/* Bad values: each reported with file and line; the rest applies. */
	reported[0] = '\0';
	write_config(path, "[display]\ncolors = sometimes\n[colors]\nhead = mauve\n[sync]\n"
			   "on_quit = perhaps\n[user]\nname = Maria\n");
	ok(cairn_config_reload(&cfg, note, NULL, &err) == CAIRN_EINPUT,
	   "reload: a file with bad lines is refused");

	ok(strstr(reported, ":2: 'sometimes' is not auto, always or never") != NULL,
	   "colors: file and line named");
	ok(strstr(reported, ":4: 'mauve' is not a colour") != NULL, "a colour: file and line named");
	ok(strstr(reported, ":6: 'perhaps' is neither yes nor no") != NULL, "on_quit: named");
	ok(strstr(err.msg, "has 3 bad lines: the settings in use are kept") != NULL,
	   "the reload says the settings in use are kept");
	is_int(cfg.colors, CAIRN_COLORS_NEVER, "colors kept");
	ok(cfg.sync_on_quit, "on_quit kept");
	is_str(cfg.pager, "most -s", "the pager kept");
	ok(cfg.user_name == NULL, "the good line of a bad file is not taken either");

	write_config(path, "[display]\ncolors = always\n[user]\nname = Maria\n");
	ok(cairn_config_reload(&cfg, note, NULL, &err) == CAIRN_OK, "a sound file is taken");
	is_int(cfg.colors, CAIRN_COLORS_ALWAYS, "with its colours");
	is_str(cfg.user_name, "Maria", "and its name");
	ok(cfg.pager == NULL && !cfg.sync_on_quit, "settings it no longer has are gone");
	cairn_config_done(&cfg);

	/* At start, a bad line is ignored and the others apply. */
	write_config(path, "[display]\ncolors = sometimes\npager = less\n");
	ok(cairn_config_load(&cfg, note, NULL, &err) == CAIRN_OK, "a first load goes on");
	is_str(cfg.pager, "less", "with the good lines");
	is_int(cfg.problems, 1, "counting the bad one");
	cairn_config_done(&cfg);

	unlink(path);
	rmdir(dir);
	return tap_done();
}
