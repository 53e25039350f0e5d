/* cairn doctor (see cairn_git_doctor in core/git/remote.h): what is wrong
 * with a remote, seen from this member's account, and how to mend it.
 * A folder is looked at directly: who owns it, its group, its modes
 * against core.sharedRepository, whether this user may write, whether
 * this account trusts it (safe.directory).  A network remote is connected
 * to for a push, as a sync would, and what fails is put in words by the
 * one classifier (xfer_fail.c).
 */
#include "git/transfer.h"

#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/i18n.h"
#include "git/shared.h"

typedef struct doctor {
	cairn_doctor_fn fn;
	void *ctx;
	int problems;
} doctor;

static void say(doctor *d, bool problem, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void say(doctor *d, bool problem, const char *fix, const char *fmt, ...)
{
	char finding[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(finding, sizeof finding, fmt, ap);
	va_end(ap);
	if (problem)
		d->problems++;
	d->fn(problem, finding, fix, d->ctx);
}

/* Names copied into buf: getpwuid and getgrgid keep theirs in one
 * static place that the next call overwrites. */
static const char *user_name(uid_t uid, char *buf, size_t n)
{
	struct passwd *pw = getpwuid(uid);
	if (pw && pw->pw_name)
		snprintf(buf, n, "%s", pw->pw_name);
	else
		snprintf(buf, n, "%u", (unsigned)uid);
	return buf;
}

static const char *group_name(gid_t gid, char *buf, size_t n)
{
	struct group *gr = getgrgid(gid);
	if (gr && gr->gr_name)
		snprintf(buf, n, "%s", gr->gr_name);
	else
		snprintf(buf, n, "%u", (unsigned)gid);
	return buf;
}

static bool in_group(gid_t gid)
{
	gid_t list[256];
	int n = getgroups(256, list);

	if (getegid() == gid)
		return true;
	for (int i = 0; i < n; i++)
		if (list[i] == gid)
			return true;
	return false;
}

/* ---- the walk over the folder's files ---- */

static struct {
	const cairn_shared *sh;
	char open_to_others[4096];      /* the first entry others may read */
	char not_group[4096];           /* the first the group cannot use */
	mode_t not_group_mode;
	char other_gid[4096];           /* the first of another group */
	char no_setgid[4096];           /* the first folder without setgid */
} seen;

static int visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	bool dir = flag == FTW_D || flag == FTW_DP;
	mode_t m = sb->st_mode;

	(void)ftw;
	if (flag == FTW_SL || flag == FTW_NS || flag == FTW_DNR)
		return 0;
	if (!seen.open_to_others[0] && (m & (S_IROTH | S_IWOTH)))
		snprintf(seen.open_to_others, sizeof seen.open_to_others, "%s", path);
	if (!seen.not_group[0] &&
	    (!(m & S_IRGRP) || (dir && (m & 0070) != 0070) ||
	     (!dir && (m & S_IWUSR) && !(m & S_IWGRP)))) {
		snprintf(seen.not_group, sizeof seen.not_group, "%s", path);
		seen.not_group_mode = m & 07777;
	}
	if (!seen.other_gid[0] && seen.sh->has_gid && sb->st_gid != seen.sh->gid)
		snprintf(seen.other_gid, sizeof seen.other_gid, "%s", path);
	if (!seen.no_setgid[0] && dir && !(m & S_ISGID))
		snprintf(seen.no_setgid, sizeof seen.no_setgid, "%s", path);
	return 0;
}

static void folder(doctor *d, const char *path)
{
	char fix[4096], u[64], g[64], me[64];
	const char *owner, *grp, *self = user_name(getuid(), me, sizeof me);
	struct stat sb;
	cairn_shared sh;
	git_repository *r = NULL;
	bool shared, healthy = true;
	char objects[4096], heads[4096];

	if (stat(path, &sb) != 0) {
		snprintf(fix, sizeof fix, _("mend the remote's path: cairn remote remove NAME, then "
			 "cairn remote add NAME PATH"));
		say(d, true, fix, _("there is no folder %s"), path);
		return;
	}
	cairn_shared_read(&sh, path);
	owner = user_name(sb.st_uid, u, sizeof u);
	grp = group_name(sb.st_gid, g, sizeof g);
	shared = sh.perm != 0 || (sb.st_mode & S_IWGRP);
	say(d, false, NULL, _("%s: owner %s, group %s, mode %04o; core.sharedRepository %s"), path,
	    owner, grp, (unsigned)(sb.st_mode & 07777), sh.value);

	if (sb.st_uid == 0 && getuid() != 0) {
		healthy = false;
		snprintf(fix, sizeof fix, _("as an administrator, give it to a member and the group: "
			 "sudo chown -R MEMBER:%s %s (the README's \"A shared repository for a "
			 "Unix group\")"), grp, path);
		say(d, true, fix, _("%s belongs to root (made with `sudo git init`?): to every "
		    "member it is another user's repository, which git and cairn open only once "
		    "trusted, and files root made there no member may replace"), path);
	}
	if (shared && sh.perm == 0) {
		healthy = false;
		snprintf(fix, sizeof fix, _("as its owner: git config -f %s/config "
			 "core.sharedRepository 0660"), path);
		say(d, true, fix, _("%s is shared with its group but core.sharedRepository is not "
		    "set: a member whose umask is 077 writes files the others cannot read"), path);
	}
	memset(&seen, 0, sizeof seen);
	seen.sh = &sh;
	nftw(path, visit, 16, FTW_PHYS);
	if (shared && seen.open_to_others[0]) {
		healthy = false;
		snprintf(fix, sizeof fix, _("sudo chmod -R o-rwx %s, and git config -f %s/config "
			 "core.sharedRepository 0660 (\"group\" leaves new files readable by all "
			 "under a 022 umask)"), path, path);
		say(d, true, fix, _("%s is readable by every user of this machine, not only by "
		    "the group %s"), seen.open_to_others, grp);
	}
	if (shared && seen.not_group[0]) {
		healthy = false;
		snprintf(fix, sizeof fix, _("sudo chmod -R g+rwX %s (the owner of the file may run "
			 "it without sudo)"), path);
		say(d, true, fix, _("%s is mode %04o: the group cannot read or replace it (written "
		    "under a private umask by a program that ignored core.sharedRepository); "
		    "the other members' syncs fail on it"), seen.not_group,
		    (unsigned)seen.not_group_mode);
	}
	if (shared && seen.other_gid[0]) {
		healthy = false;
		snprintf(fix, sizeof fix, _("sudo chgrp -R %s %s"), grp, path);
		say(d, true, fix, _("%s is not the group %s's"), seen.other_gid, grp);
	}
	if (shared && seen.no_setgid[0]) {
		healthy = false;
		snprintf(fix, sizeof fix, _("sudo find %s -type d -exec chmod g+s {} +"), path);
		say(d, true, fix, _("the folder %s is not setgid: what is made in it takes its "
		    "maker's group, not %s"), seen.no_setgid, grp);
	}
	snprintf(objects, sizeof objects, "%s/objects", path);
	snprintf(heads, sizeof heads, "%s/refs/heads", path);
	if (access(objects, W_OK) != 0 || access(heads, W_OK) != 0) {
		healthy = false;
		if (!in_group(sb.st_gid))
			snprintf(fix, sizeof fix, _("ask its administrator to add you to the group: "
				 "sudo usermod -aG %s %s (it counts from your next login)"), grp, self);
		else
			snprintf(fix, sizeof fix, _("ask its administrator for write access: sudo "
				 "chmod -R g+rwX %s"), path);
		say(d, true, fix, _("you (%s) may not write to %s: your pushes are refused"), self,
		    access(objects, W_OK) != 0 ? objects : heads);
	}
	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		const git_error *e = git_error_last();
		const char *msg = e && e->message ? e->message : "";
		healthy = false;
		if (sb.st_uid != getuid() && (strstr(msg, "safe.directory") || strstr(msg, "owner") ||
						strstr(msg, "not owned"))) {
			snprintf(fix, sizeof fix, _("on this machine, in your own account (%s): git "
				 "config --global --add safe.directory %s"), self, path);
			say(d, true, fix, _("your account does not trust %s, which belongs to %s: git "
			    "and cairn will not open it"), path, owner);
		} else {
			say(d, true, _("check the remote's path (cairn remote list)"),
			    _("%s cannot be opened as a git repository: %s"), path, msg);
		}
	} else if (sb.st_uid != getuid()) {
		say(d, false, NULL, _("your account trusts %s (safe.directory)"), path);
	}
	git_repository_free(r);
	if (healthy)
		say(d, false, NULL, _("%s is fit to share: you can read and write it"), path);
}

/* ---- a network remote: a push's connection, as a sync opens it ---- */

static void network(doctor *d, git_remote *r, const cairn_net *net)
{
	git_remote_callbacks cb;
	creds c;
	cairn_error err;

	if (xfer_creds_init(&c, net, git_remote_owner(r), git_remote_url(r), &err) != CAIRN_OK) {
		say(d, true, _("see the message"), "%s", err.msg);
		return;
	}
	if (strcmp(c.url, git_remote_url(r))) {
		say(d, false, NULL, _("~/.ssh/config sends %s to %s"), git_remote_url(r), c.url);
		git_remote_set_instance_url(r, c.url);
	}
	if (c.ca_file[0] || c.ca_dir[0])
		say(d, false, NULL, _("trusting the certificates in %s (set by %s) for %s"),
		    c.ca_file[0] ? c.ca_file : c.ca_dir, c.ca_file[0] ? c.ca_from : c.ca_dir_from,
		    git_remote_url(r));
	if (c.ssh.skipped[0])
		say(d, false, NULL, _("~/.ssh/config: %s is not supported by cairn, and was skipped"),
		    c.ssh.skipped);
	xfer_callbacks(&cb, &c);
	xfer_watch_start(&c);
	if (git_remote_connect(r, GIT_DIRECTION_PUSH, &cb, NULL, NULL) != 0) {
		xfer_watch_pause(&c);
		xfer_fail(&err, &c, _("cannot push to"), git_remote_name(r));
		xfer_watch_stop(&c);
		if (c.tried[0])
			say(d, false, NULL, _("offered to log in: %s"), c.tried);
		say(d, true, _("see the message"), "%s", err.msg);
		return;
	}
	xfer_watch_stop(&c);
	if (c.hostkey[0])
		say(d, false, NULL, _("the server's key %s is the one in ~/.ssh/known_hosts"),
		    c.hostkey);
	if (c.tried[0])
		say(d, false, NULL, _("logged in with %s"), c.tried);
	say(d, false, NULL, _("the server's git opens %s for a push"), git_remote_url(r));
	git_remote_disconnect(r);
}

cairn_status cairn_git_doctor(cairn_git *git, const char *remote, const cairn_net *net,
			      cairn_doctor_fn fn, void *ctx, int *problems, cairn_error *err)
{
	git_repository *repo = cairn_git_repository(git, err);
	git_remote *r = NULL;
	doctor d = { fn, ctx, 0 };
	const char *path;

	*problems = 0;
	if (!repo)
		return err->code;
	if (git_remote_lookup(&r, repo, remote) != 0)
		return cairn_fail(err, CAIRN_ENOTFOUND, _("there is no remote '%s' (cairn remote "
				  "list)"), remote);
	if ((path = xfer_local_folder(git_remote_url(r))))
		folder(&d, path);
	else
		network(&d, r, net);
	git_remote_free(r);
	*problems = d.problems;
	return CAIRN_OK;
}
