/* The user's language: the locale, the message catalog, and the tags that
 * pick a template's labels.
 *
 * glibc's gettext reads the language from LANGUAGE, else LC_MESSAGES; but
 * it only does so when LC_MESSAGES is a locale that exists.  A fresh
 * Debian has only C, C.UTF-8 and POSIX: LANG=fr_FR.UTF-8 then makes
 * setlocale fail and would leave cairn in English and in ASCII.  So when
 * the locale asked for is missing, cairn keeps its character set (C.UTF-8
 * when the name says UTF-8) and still honours its language through
 * LANGUAGE, which glibc reads for any locale but plain C. */
#include <ctype.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

/* The locale variable that decides messages, as setlocale reads them. */
static const char *messages_locale_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

static bool is_c_locale(const char *name)
{
	return !name || !*name || !strcmp(name, "C") || !strcmp(name, "POSIX") ||
	       !strncmp(name, "C.", 2);
}

static bool says_utf8(const char *name)
{
	const char *dot = name ? strchr(name, '.') : NULL;
	return dot && (!strncasecmp(dot + 1, "utf-8", 5) || !strncasecmp(dot + 1, "utf8", 4));
}

#if ENABLE_NLS
/* The build tree's catalogs: `make` compiles them into locale/ beside the
 * program, so that ./cairn run where it was built speaks the user's
 * language before it is installed (as it finds its demo data).  An
 * installed cairn has no locale/ beside it and uses LOCALEDIR. */
static bool built_locale_dir(char *buf, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", buf, n - 1);
	struct stat st;
	char *slash;

	if (len <= 0 || (size_t)len >= n - 8)
		return false;
	buf[len] = '\0';
	if (!(slash = strrchr(buf, '/')))
		return false;
	snprintf(slash + 1, n - (size_t)(slash + 1 - buf), "locale");
	return stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
}
#endif

void i18n_init(void)
{
	const char *asked = messages_locale_env(), *cur;

	if (!setlocale(LC_ALL, "")) {
		/* The locale asked for is not installed: keep its character
		 * set, and its language through LANGUAGE (unless the user set
		 * one).  "fr_FR.UTF-8@euro" -> "fr_FR". */
		if (!(says_utf8(asked) && setlocale(LC_ALL, "C.UTF-8")))
			setlocale(LC_ALL, "C");
		if (!is_c_locale(asked) && !getenv("LANGUAGE")) {
			char lang[32];
			snprintf(lang, sizeof lang, "%s", asked);
			lang[strcspn(lang, ".@")] = '\0';
			setenv("LANGUAGE", lang, 1);
		}
	}
	/* Numbers are read and written in their stored form ("12.5"): under
	 * LC_NUMERIC=fr_FR strtod stops at the '.' and printf writes "12,5",
	 * so a save of 12.5 stored "12,".  The user's numbers are shown by
	 * cairn's own code (cli_decimal), never through the locale. */
	setlocale(LC_NUMERIC, "C");
	/* glibc ignores LANGUAGE under plain C messages: LANGUAGE=fr with no
	 * LANG would stay English.  C.UTF-8 messages behave as C otherwise. */
	cur = setlocale(LC_MESSAGES, NULL);
	if (cur && (!strcmp(cur, "C") || !strcmp(cur, "POSIX")) && getenv("LANGUAGE") &&
	    *getenv("LANGUAGE"))
		setlocale(LC_MESSAGES, "C.UTF-8");
#if ENABLE_NLS
	{
		const char *dir = getenv("CAIRN_LOCALEDIR");
		char here[4096];
		bindtextdomain(PACKAGE, dir && *dir ? dir : built_locale_dir(here, sizeof here)
								? here : LOCALEDIR);
		textdomain(PACKAGE);
		/* Messages in the terminal's character set, whatever the
		 * catalog's (they are UTF-8). */
		bind_textdomain_codeset(PACKAGE, NULL);
	}
#endif
}

/* Append a locale name as a tag: "pt_BR.UTF-8" -> "pt-br"; C adds nothing. */
static void add_tag(char *out, size_t n, const char *name, size_t len)
{
	size_t at = strlen(out), start;

	if (len == 0 || (len == 1 && name[0] == 'C') || (len == 5 && !strncmp(name, "POSIX", 5)))
		return;
	if (at && at + 1 < n)
		out[at++] = ':';
	start = at;
	for (size_t i = 0; i < len && at + 1 < n; i++) {
		char c = name[i];
		if (c == '.' || c == '@')
			break;
		out[at++] = c == '_' ? '-' : (char)tolower((unsigned char)c);
	}
	if (at == start && start)
		at--;           /* nothing added: drop the ':' */
	out[at] = '\0';
}

const char *i18n_languages(void)
{
	static char tags[256];
	const char *lang = getenv("LANGUAGE"), *msg = setlocale(LC_MESSAGES, NULL);

	tags[0] = '\0';
	if (lang && *lang) {
		for (const char *p = lang; *p;) {
			size_t len = strcspn(p, ":");
			add_tag(tags, sizeof tags, p, len);
			p += len;
			if (*p == ':')
				p++;
		}
		return tags;
	}
	if (msg && !is_c_locale(msg))
		add_tag(tags, sizeof tags, msg, strlen(msg));
	return tags;
}
