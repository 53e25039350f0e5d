/* cairn: one sanitiser for every string that reaches a terminal.
 *
 * Text from the workbook, from git (messages, author names) and from a
 * remote passes here before it is drawn or printed to a terminal.  ncursesw
 * shows ESC, BEL and DEL as ^[ ^G ^?, but acts on CR, BS and LF and passes
 * bidi overrides and invisible characters straight through; so:
 *   - invalid UTF-8 becomes U+FFFD;
 *   - C0 controls (but LF and TAB where allowed), DEL and C1 become ^X or
 *     <U+0085>-style escapes;
 *   - format and invisible characters (U+061C, U+200B-200F, U+202A-202E,
 *     U+2060-2064, U+2066-2069, U+FEFF, U+00AD, U+180E, U+115F, U+1160,
 *     U+3164, U+FFA0, U+FFF9-FFFB, U+E0000-E007F, U+2028, U+2029, private
 *     use and unassigned (wcwidth < 0)) become "<U+202E>";
 *   - runs of combining marks are capped at CAIRN_SANITIZE_MAX_COMBINING.
 */
#ifndef CAIRN_SANITIZE_H
#define CAIRN_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#define CAIRN_SANITIZE_MAX_COMBINING 3

enum cairn_sanitize_flags {
	CAIRN_SAN_MULTILINE = 1 << 0,   /* keep LF (else shown as "\n"... as ^J) */
	CAIRN_SAN_TABS      = 1 << 1,   /* keep TAB (else shown as ^I) */
	CAIRN_SAN_ASCII     = 1 << 2,   /* the locale is not UTF-8: every non-ASCII
					   character becomes <U+XXXX> */
};

/* A new string the caller frees (NULL only when out of memory). */
char *cairn_sanitize(const char *s, size_t len, unsigned flags);
/* Columns the sanitised form of s takes (wcwidth), single line. */
size_t cairn_display_width(const char *s, unsigned flags);
/* Sanitise and cut to at most `cols` columns, never splitting a character;
 * the result is a new string the caller frees. */
char *cairn_sanitize_cols(const char *s, size_t cols, unsigned flags);

#endif
