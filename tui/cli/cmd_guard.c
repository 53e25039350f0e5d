/* cairn guard: the workbook's rules at a shared bare repository, run by
 * git as its pre-receive hook (include/cairn/guard.h), and its install. */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/guard.h"
#include "cli.h"

/* Who pushes, as the server says: gitolite's user, the https login, or
 * the Unix account that runs the hook.  GL_USER and REMOTE_USER count
 * only when the hook runs as the repository's owner (gitolite's account,
 * the web server's): a member who pushes on the plain path or over ssh to
 * a Unix group's repository runs the hook as themself, with an
 * environment of their own making. */
static const char *pusher(const char *gitdir)
{
	const char *names[] = { "GL_USER", "REMOTE_USER" };
	struct passwd *pw;
	struct stat sb;

	for (size_t i = 0; stat(gitdir, &sb) == 0 && sb.st_uid == getuid() &&
			   i < sizeof names / sizeof names[0]; i++) {
		const char *v = getenv(names[i]);
		if (v && *v)
			return v;
	}
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "";
}

static int check(cli *c, const char *gitdir, const char *old_hex, const char *new_hex,
		 const char *ref)
{
	const char *dir = gitdir && *gitdir ? gitdir : ".";
	cairn_error err;

	if (cairn_guard_push(dir, pusher(dir), old_hex, new_hex, ref, &err) == CAIRN_OK)
		return EXIT_DONE;
	fprintf(stderr, _("cairn guard: refused: "));
	cli_put(c, stderr, err.msg, false);
	fputc('\n', stderr);
	return EXIT_REFUSED;
}

int cmd_guard(cli *c, int argc, char **argv)
{
	const char *gitdir = getenv("GIT_DIR");
	char line[1024], self[PATH_MAX];
	cairn_error err;

	if (argc == 3 && !strcmp(argv[1], "install")) {
		if (!realpath("/proc/self/exe", self))
			snprintf(self, sizeof self, "cairn");
		if (cairn_guard_install(argv[2], self, &err) != CAIRN_OK)
			return cli_error(c, &err);
		printf(_("pushes to %s now meet the workbook's rules (hooks/pre-receive)\n"), argv[2]);
		return EXIT_DONE;
	}
	/* As git's update hook (REF OLD NEW), or a gitolite VREF, which is
	 * given the same three first. */
	if (argc >= 4 && !strncmp(argv[1], "refs/", 5))
		return check(c, gitdir, argv[2], argv[3], argv[1]);
	if (argc != 1)
		return cli_verb_usage(c);
	while (fgets(line, sizeof line, stdin)) {
		char old_hex[64], new_hex[64], ref[900];
		int rc;
		if (sscanf(line, "%63s %63s %899s", old_hex, new_hex, ref) != 3)
			continue;
		if ((rc = check(c, gitdir, old_hex, new_hex, ref)) != EXIT_DONE)
			return rc;
	}
	return EXIT_DONE;
}
