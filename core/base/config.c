/* The user's configuration and the workbook's settings (see
 * include/cairn/config.h).  inih reads them: these are files the user
 * writes, not records from other members. */
#include "cairn/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/buf.h"

typedef struct loader {
	const char *path;
	const char *text;       /* the whole file, to find line numbers */
	const char *scan;       /* where the last setting was found */
	int scan_line;
	cairn_warn_fn warn;
	void *ctx;
	void *target;
	const struct setting *table;
	cairn_error *err;
	cairn_status status;
	int problems;           /* lines reported */
} loader;

typedef cairn_status (*setting_parse_fn)(const char *value, void *field, cairn_error *err);

struct setting {
	const char *section;
	const char *key;
	size_t offset;
	setting_parse_fn parse;
};

static cairn_status parse_string(const char *value, void *field, cairn_error *err)
{
	char **slot = field;
	char *copy = strdup(value);

	if (!copy)
		return cairn_oom(err);
	free(*slot);
	*slot = copy;
	return CAIRN_OK;
}

static cairn_status parse_date_format(const char *value, void *field, cairn_error *err)
{
	if (!cairn_date_format_known(value))
		return cairn_fail(err, CAIRN_EINPUT,
				  "'%s' is not a date format cairn knows: use dd/mm/yyyy, "
				  "mm/dd/yyyy, yyyy-mm-dd, dd.mm.yyyy or dd-mm-yyyy", value);
	return parse_string(value, field, err);
}

static cairn_status parse_schema(const char *value, void *field, cairn_error *err)
{
	char *end;
	long n = strtol(value, &end, 10);

	if (*end || n < 1 || n > 1000)
		return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a schema version", value);
	*(int *)field = (int)n;
	return CAIRN_OK;
}

static cairn_status parse_yesno(const char *value, void *field, cairn_error *err)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (int i = 0; yes[i]; i++)
		if (!strcasecmp(value, yes[i])) {
			*(bool *)field = true;
			return CAIRN_OK;
		}
	for (int i = 0; no[i]; i++)
		if (!strcasecmp(value, no[i])) {
			*(bool *)field = false;
			return CAIRN_OK;
		}
	return cairn_fail(err, CAIRN_EINPUT, "'%s' is neither yes nor no", value);
}

static cairn_status parse_when(const char *value, void *field, cairn_error *err)
{
	static const char *const names[] = { "auto", "always", "never", NULL };
	for (int i = 0; names[i]; i++)
		if (!strcasecmp(value, names[i])) {
			*(cairn_color_use *)field = (cairn_color_use)i;
			return CAIRN_OK;
		}
	return cairn_fail(err, CAIRN_EINPUT, "'%s' is not auto, always or never", value);
}

static cairn_status parse_color(const char *value, void *field, cairn_error *err)
{
	for (int i = 0; cairn_color_names[i]; i++)
		if (!strcasecmp(value, cairn_color_names[i])) {
			*(int *)field = i + 1;  /* 0 stays "not set" */
			return CAIRN_OK;
		}
	return cairn_fail(err, CAIRN_EINPUT, "'%s' is not a colour (black, red, green, yellow, "
			  "blue, magenta, cyan, white or default)", value);
}

const char *const cairn_color_names[] = { "black", "red", "green", "yellow", "blue", "magenta",
					  "cyan", "white", "default", NULL };

static cairn_status parse_clock(const char *value, void *field, cairn_error *err)
{
	return cairn_date_parse_iso(value, field, err);
}

static cairn_status parse_rules_mode(const char *value, void *field, cairn_error *err)
{
	if (!strcasecmp(value, "open") || !strcasecmp(value, "enforced")) {
		*(bool *)field = !strcasecmp(value, "enforced");
		return CAIRN_OK;
	}
	return cairn_fail(err, CAIRN_EINPUT, "'%s' is neither open nor enforced", value);
}

static const struct setting user_settings[] = {
	{ "user", "name", offsetof(cairn_config, user_name), parse_string },
	{ "user", "email", offsetof(cairn_config, user_email), parse_string },
	{ "display", "date_format", offsetof(cairn_config, date_format), parse_date_format },
	{ "display", "pager", offsetof(cairn_config, pager), parse_string },
	{ "display", "colors", offsetof(cairn_config, colors), parse_when },
	{ "colors", "head", offsetof(cairn_config, color[CAIRN_COLOR_HEAD]), parse_color },
	{ "colors", "alert", offsetof(cairn_config, color[CAIRN_COLOR_ALERT]), parse_color },
	{ "colors", "good", offsetof(cairn_config, color[CAIRN_COLOR_GOOD]), parse_color },
	{ "colors", "dim", offsetof(cairn_config, color[CAIRN_COLOR_DIM]), parse_color },
	{ "sync", "token", offsetof(cairn_config, sync_token), parse_string },
	{ "sync", "username", offsetof(cairn_config, sync_username), parse_string },
	{ "sync", "ca_file", offsetof(cairn_config, sync_ca_file), parse_string },
	{ "sync", "on_quit", offsetof(cairn_config, sync_on_quit), parse_yesno },
	{ NULL, NULL, 0, NULL },
};

static const struct setting workbook_settings[] = {
	{ "workbook", "name", offsetof(cairn_settings, name), parse_string },
	{ "workbook", "schema", offsetof(cairn_settings, schema), parse_schema },
	{ "workbook", "clock", offsetof(cairn_settings, clock), parse_clock },
	{ "workbook", "date_format", offsetof(cairn_settings, date_format), parse_date_format },
	{ "rules", "mode", offsetof(cairn_settings, rules_enforced), parse_rules_mode },
	{ NULL, NULL, 0, NULL },
};

static void warn_line(loader *l, int line, const char *fmt, const char *a, const char *b)
{
	char msg[1024], text[900];

	l->problems++;
	snprintf(text, sizeof text, fmt, a, b);
	snprintf(msg, sizeof msg, "%s:%d: %s", l->path, line, text);
	if (l->warn)
		l->warn(msg, l->ctx);
}

/* Debian's inih is built without INI_HANDLER_LINENO, so find the line of
 * each setting ourselves: inih reports settings in file order, so the
 * next line starting with the name, from the last one found, is it. */
static int find_line(loader *l, const char *name)
{
	size_t n = strlen(name);
	const char *p = l->scan;
	int line = l->scan_line;

	while (p && *p) {
		const char *q = p + strspn(p, " \t");
		const char *nl = strchr(p, '\n');
		if (!strncmp(q, name, n) && strchr(" \t=:", q[n])) {
			l->scan = nl ? nl + 1 : p + strlen(p);
			l->scan_line = line + 1;
			return line;
		}
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	return l->scan_line;
}

static int on_setting(void *user, const char *section, const char *name, const char *value)
{
	loader *l = user;
	cairn_error err;
	int line = find_line(l, name);

	if (l->table == user_settings && !strcmp(section, "keys")) {
		cairn_config *cfg = l->target;
		struct cairn_binding *grown = realloc(cfg->bindings,
						      (cfg->nbindings + 1) * sizeof *grown);
		if (!grown) {
			l->status = CAIRN_ENOMEM;
			return 1;
		}
		cfg->bindings = grown;
		grown[cfg->nbindings].action = strdup(name);
		grown[cfg->nbindings].keys = strdup(value);
		grown[cfg->nbindings].line = line;
		if (!grown[cfg->nbindings].action || !grown[cfg->nbindings].keys)
			l->status = CAIRN_ENOMEM;
		cfg->nbindings++;
		return 1;
	}
	if (l->table == workbook_settings && !strcmp(section, "rules") && strchr(name, '.')) {
		/* A rule of the workbook's own, read by core/model/roles.c. */
		cairn_settings *ws = l->target;
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_printf(&b, "%s%s=%s\n", ws->rule_lines ? ws->rule_lines : "", name, value);
		free(ws->rule_lines);
		if (!(ws->rule_lines = cairn_buf_detach(&b, NULL)))
			l->status = CAIRN_ENOMEM;
		return 1;
	}
	for (const struct setting *s = l->table; s->section; s++) {
		if (strcmp(s->section, section) || strcmp(s->key, name))
			continue;
		if (s->parse(value, (char *)l->target + s->offset, &err) != CAIRN_OK) {
			if (err.code == CAIRN_ENOMEM)
				l->status = CAIRN_ENOMEM;
			warn_line(l, line, "%s (ignored)", err.msg, "");
		}
		return 1;
	}
	warn_line(l, line, "unknown setting '%s' in [%s]; it is ignored", name, section);
	return 1;
}

/* Debian's inih (r55, INI_MAX_LINE 200, no growing buffer) reads at most
 * 199 bytes of a line and reads the rest as a line of its own, so the tail
 * of a long comment could become a setting.  Lines longer than that are
 * reported here and blanked in a copy of the text before inih sees it,
 * which keeps every other line's number. */
#define INI_LONGEST_LINE 199

/* What inih would do with one line, so that every bad line is reported
 * (inih's return value names only the first) and none is misread. */
static bool line_is_setting_or_blank(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	if (i == len || p[i] == ';' || p[i] == '#')
		return true;
	if (p[i] == '[')
		return memchr(p + i, ']', len - i) != NULL;
	return memchr(p + i, '=', len - i) || memchr(p + i, ':', len - i);
}

static char *without_long_lines(loader *l, const char *text)
{
	char *copy = strdup(text);
	int line = 1;

	if (!copy)
		return NULL;
	for (char *p = copy; *p; line++) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), indent;
		if (len > INI_LONGEST_LINE) {
			char what[96];
			snprintf(what, sizeof what, "this line is %zu bytes long", len);
			warn_line(l, line, "%s; cairn reads settings lines of at most 199 bytes: "
				  "shorten it (it is ignored)", what, "");
			memset(p, ' ', len);
		} else if (!line_is_setting_or_blank(p, len)) {
			warn_line(l, line, "%s%s", "this line is not 'key = value' or '[section]'; "
				  "it is ignored", "");
			memset(p, ' ', len);
		}
		/* inih reads an indented line after a setting as a new value
		 * for the same key ("name = Maria" then "  Rossi" sets name to
		 * "Rossi"): settings are one line each, so indentation is only
		 * indentation. */
		indent = strspn(p, " \t");
		if (indent && indent < len) {
			memmove(p, p + indent, len - indent);
			memset(p + len - indent, ' ', indent);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return copy;
}

static cairn_status run_loader(loader *l, int rc, cairn_error *err)
{
	if (rc > 0)
		warn_line(l, rc, "%s%s", "this line is not 'key = value' or '[section]'; it is ignored",
			  "");
	if (l->status != CAIRN_OK)
		return cairn_fail(err, l->status, "%s: out of memory", l->path);
	return CAIRN_OK;
}

/* Run inih over l->text, long lines blanked (see above). */
static cairn_status parse_text(loader *l, cairn_error *err)
{
	char *text = without_long_lines(l, l->text);
	cairn_status st;

	if (!text)
		return cairn_oom(err);
	l->text = l->scan = text;
	st = run_loader(l, ini_parse_string(text, on_setting, l), err);
	free(text);
	return st;
}

#define CONFIG_MAX ((off_t)1 << 20)

static bool is_dev_null(const struct stat *sb)
{
	struct stat null;
	return stat("/dev/null", &null) == 0 && null.st_rdev == sb->st_rdev;
}

static char *default_config_path(void)
{
	const char *env = getenv("CAIRN_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	cairn_buf b = CAIRN_BUF_INIT;

	if (env && *env)
		cairn_buf_adds(&b, env);
	else if (xdg && xdg[0] == '/')
		cairn_buf_printf(&b, "%s/cairn/config", xdg);
	else
		cairn_buf_printf(&b, "%s/.config/cairn/config", home && *home ? home : ".");
	return cairn_buf_detach(&b, NULL);
}

static cairn_status config_load(cairn_config *cfg, cairn_warn_fn warn, void *ctx,
				cairn_error *err)
{
	loader l = { 0 };
	cairn_buf text = CAIRN_BUF_INIT;
	cairn_status st;
	struct stat sb;
	FILE *f;
	int fd;

	memset(cfg, 0, sizeof *cfg);
	cfg->path = default_config_path();
	if (!cfg->path)
		return cairn_oom(err);
	/* Opened without blocking (a FIFO would wait for a writer) and read
	 * only when it is a regular file of sensible size: /dev/zero or a
	 * folder named by mistake must not hang or fill memory. */
	fd = open(cfg->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return CAIRN_OK;
		return cairn_fail(err, CAIRN_EIO, "cannot read %s: %s", cfg->path, strerror(errno));
	}
	if (fstat(fd, &sb) != 0)
		memset(&sb, 0, sizeof sb);      /* refused below, as no regular file */
	if (S_ISCHR(sb.st_mode) && is_dev_null(&sb)) {
		close(fd);      /* CAIRN_CONFIG=/dev/null: no configuration */
		return CAIRN_OK;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > CONFIG_MAX) {
		bool regular = S_ISREG(sb.st_mode);
		close(fd);
		return cairn_fail(err, CAIRN_EINPUT, regular ?
				  "%s: the configuration is larger than 1 MiB; is it the right file? "
				  "(set $CAIRN_CONFIG to another file, or move it away)" :
				  "%s: the configuration is not a regular file (a folder, a device "
				  "or a pipe); set $CAIRN_CONFIG to a file, or unset it", cfg->path);
	}
	if (!(f = fdopen(fd, "r"))) {
		close(fd);
		return cairn_fail(err, CAIRN_EIO, "cannot read %s: %s", cfg->path, strerror(errno));
	}
	{
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len <= CONFIG_MAX)
			cairn_buf_add(&text, chunk, n);
	}
	fclose(f);
	if (text.oom)
		return cairn_oom(err);
	l.path = cfg->path;
	l.text = l.scan = cairn_buf_str(&text);
	l.scan_line = 1;
	l.warn = warn;
	l.ctx = ctx;
	l.target = cfg;
	l.table = user_settings;
	st = parse_text(&l, err);
	cfg->problems = l.problems;
	cairn_buf_done(&text);
	return st;
}

cairn_status cairn_config_reload(cairn_config *cfg, cairn_warn_fn warn, void *ctx,
				 cairn_error *err)
{
	cairn_config staging;
	cairn_status st = cairn_config_load(&staging, warn, ctx, err);

	if (st == CAIRN_OK && staging.problems)
		st = cairn_fail(err, CAIRN_EINPUT, "%s has %d bad line%s: the settings in use are "
				"kept until it is fixed", staging.path, staging.problems,
				staging.problems == 1 ? "" : "s");
	if (st != CAIRN_OK) {
		cairn_config_done(&staging);
		return st;
	}
	cairn_config_done(cfg);
	*cfg = staging;
	return CAIRN_OK;
}

/* A configuration refused leaves nothing allocated behind it. */
cairn_status cairn_config_load(cairn_config *cfg, cairn_warn_fn warn, void *ctx,
			       cairn_error *err)
{
	cairn_status st = config_load(cfg, warn, ctx, err);

	if (st != CAIRN_OK)
		cairn_config_done(cfg);
	return st;
}

void cairn_config_done(cairn_config *cfg)
{
	free(cfg->path);
	free(cfg->user_name);
	free(cfg->user_email);
	free(cfg->date_format);
	free(cfg->sync_token);
	free(cfg->sync_username);
	free(cfg->sync_ca_file);
	free(cfg->pager);
	for (size_t i = 0; i < cfg->nbindings; i++) {
		free(cfg->bindings[i].action);
		free(cfg->bindings[i].keys);
	}
	free(cfg->bindings);
	memset(cfg, 0, sizeof *cfg);
}

cairn_status cairn_settings_parse(const char *text, const char *path, cairn_settings *s,
				  cairn_warn_fn warn, void *ctx, cairn_error *err)
{
	loader l = { 0 };
	cairn_status st;

	memset(s, 0, sizeof *s);
	l.path = path;
	l.text = l.scan = text;
	l.scan_line = 1;
	l.warn = warn;
	l.ctx = ctx;
	l.target = s;
	l.table = workbook_settings;
	st = parse_text(&l, err);
	if (st != CAIRN_OK)
		return st;
	if (s->schema > CAIRN_WORKBOOK_SCHEMA)
		return cairn_fail(err, CAIRN_EINPUT,
				  "%s: this workbook has schema %d, newer than this cairn knows (%d): "
				  "upgrade cairn to open it", path, s->schema, CAIRN_WORKBOOK_SCHEMA);
	if (!s->schema)
		s->schema = CAIRN_WORKBOOK_SCHEMA;
	if (!s->name && !(s->name = strdup("workbook")))
		return cairn_oom(err);
	return CAIRN_OK;
}

char *cairn_settings_text(const cairn_settings *s)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_printf(&b, "# cairn workbook settings (see cairn-workbook(5))\n[workbook]\n"
			 "name = %s\nschema = %d\n", s->name, s->schema);
	if (cairn_date_is_set(s->clock)) {
		char iso[11];
		cairn_date_iso(s->clock, iso, sizeof iso);
		cairn_buf_printf(&b, "clock = %s\n", iso);
	}
	if (s->date_format)
		cairn_buf_printf(&b, "date_format = %s\n", s->date_format);
	if (s->rules_enforced || s->rule_lines)
		cairn_buf_printf(&b, "\n# who may change what: cairn-workbook(5), RULES\n[rules]\n"
				 "mode = %s\n", s->rules_enforced ? "enforced" : "open");
	for (const char *p = s->rule_lines ? s->rule_lines : ""; *p;) {
		size_t n = strcspn(p, "\n"), eq = strcspn(p, "=");
		if (eq < n)
			cairn_buf_printf(&b, "%.*s = %.*s\n", (int)eq, p, (int)(n - eq - 1), p + eq + 1);
		p += n + (p[n] == '\n');
	}
	return cairn_buf_detach(&b, NULL);
}

void cairn_settings_done(cairn_settings *s)
{
	free(s->name);
	free(s->date_format);
	free(s->rule_lines);
	memset(s, 0, sizeof *s);
}
