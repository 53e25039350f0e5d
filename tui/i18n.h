/* cairn: the user's language.  Sets up gettext (see include/cairn/i18n.h
 * for the _() and N_() marks) and tells templates which of their labels
 * to show. */
#ifndef CAIRN_TUI_I18N_H
#define CAIRN_TUI_I18N_H

#include "cairn/i18n.h"

/* setlocale and the message catalog, once, first thing in main().
 * Catalogs come from $CAIRN_LOCALEDIR when set (the build tree, for the
 * tests), else from the installed LOCALEDIR. */
void i18n_init(void);

/* The user's languages, best first, as template label tags separated by
 * ':' ("fr:en", "pt-br"): from LANGUAGE, else LC_ALL, LC_MESSAGES, LANG.
 * "" for C/POSIX (the template's default text). */
const char *i18n_languages(void);

#endif
