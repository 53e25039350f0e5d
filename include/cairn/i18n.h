/* cairn: marking text for translation.
 *
 * _("text") is looked up in the message catalog of the user's language;
 * N_("text") only marks text kept in a table, translated where it is shown
 * with _(table[i]); P_(one, many, n) picks the plural form for n.  Both the core (its most common error messages) and
 * the terminal interface use them; the catalogs live in po/ and
 * tui/i18n.c chooses the language.  Never mark what is parsed or stored:
 * field keys, kinds, verbs, options, choice keys. */
#ifndef CAIRN_I18N_H
#define CAIRN_I18N_H

#if ENABLE_NLS
#include <libintl.h>
/* dgettext, not gettext: the core's messages come from cairn's catalog
 * whatever domain a program embedding it chose. */
#define _(text) dgettext(PACKAGE, text)
/* one or many, by n: languages count in their own ways. */
#define P_(one, many, n) dngettext(PACKAGE, one, many, (unsigned long)(n))
#else
#define _(text) ((const char *)(text))
#define P_(one, many, n) ((n) == 1 ? (const char *)(one) : (const char *)(many))
#endif
#define N_(text) text

#endif
