/* A tiny TAP producer for cairn's C unit tests (read by automake's
 * tap-driver.sh, which counts each "ok" and "not ok" line).
 *
 *   ok(cond, "what must hold %d", n);   one test point
 *   is_str(got, want, "name");          strings equal (NULL-safe)
 *   is_int(got, want, "name");
 *   return tap_done();                  prints the plan, returns the exit code
 */
#ifndef CAIRN_TEST_TAP_H
#define CAIRN_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* vsnprintf into out, for the tests' paths and commands: they are short,
 * and snprintf's truncation warnings would need a check at every call. */
static inline void pathf(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void pathf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, size, fmt, ap);
	va_end(ap);
}

/* A function rather than a macro: the message's arguments are often the
 * very strings compared, and a macro's NULL test would let the compiler
 * believe they may reach printf as NULL. */
static inline int tap_is_str(const char *got, const char *want, const char *file, int line,
			     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static inline int tap_is_str(const char *got, const char *want, const char *file, int line,
			     const char *fmt, ...)
{
	va_list ap;
	int eq = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	printf("%s %d - ", eq ? "ok" : "not ok", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!eq) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
	}
	fflush(stdout);
	return eq;
}

#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...) do { \
	long long is_got_ = (got), is_want_ = (want); \
	if (!ok(is_got_ == is_want_, __VA_ARGS__)) \
		printf("#   got:  %lld\n#   want: %lld\n", is_got_, is_want_); \
} while (0)

static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
