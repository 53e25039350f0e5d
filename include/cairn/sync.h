/* cairn: sync = fetch, merge record by record and field by field from the
 * common ancestor (include/cairn/merge.h), push; and the conflicts that
 * wait for a person (core/workbook/sync.c).
 *
 * Nothing is pushed over an unresolved conflict and nothing is lost: each
 * conflict keeps base, ours and theirs, with who set each and when, in
 * .git/cairn-conflicts (never in the index, which is only a cache); the
 * workbook stays at our side and usable meanwhile.  `cairn resolve` records
 * a decision there; once the last is settled the merge is committed with
 * both parents, and the next sync pushes it.  (A sync that comes first
 * merges again from what it fetches, applying the decisions whose values
 * still match.) */
#ifndef CAIRN_SYNC_H
#define CAIRN_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/error.h"
#include "cairn/net.h"
#include "cairn/workbook.h"

typedef struct cairn_sync_options {
	const char *remote;             /* NULL: the upstream's, origin, or the only one */
	bool dry_run;                   /* fetch and tell, change nothing */
	cairn_progress_fn progress;
	void (*say)(const char *line, void *ctx);       /* what comes in, goes out, clashes */
	void *ctx;
	cairn_hostkey_fn accept_host;   /* an SSH host never seen (see cairn/net.h) */
	const char *fingerprint;        /* or accept it when its key is this one */
	const char *token;              /* https token when $CAIRN_TOKEN is not set */
	void (*remote_says)(const char *line, bool transient, void *ctx);  /* see cairn_net */
	char *(*passphrase)(const char *key, void *ctx);                   /* see cairn_net */
	const char *username;           /* https: see cairn_net */
	const char *ca_file;
	bool set_upstream;              /* make remote the default, as `git push -u` */
} cairn_sync_options;

typedef struct cairn_sync_report {
	char remote[128];
	size_t incoming;                /* records changed on their side */
	size_t outgoing;                /* our commits they did not have */
	size_t merged;                  /* records merged from both sides */
	size_t conflicts;               /* waiting for `cairn resolve` */
	bool pushed;
	bool fast_forward;
} cairn_sync_report;

/* CAIRN_ECONFLICT when conflicts wait (report->conflicts says how many). */
cairn_status cairn_wb_sync(cairn_wb *wb, const cairn_sync_options *opt, cairn_sync_report *report,
			   cairn_error *err);

/* The conflicts waiting, one call each. */
typedef struct cairn_conflict {
	const char *path;
	const char *record;             /* "milestone/M4" */
	const char *field;              /* "" for the whole record */
	const char *base, *ours, *theirs;       /* NULL: absent on that side */
	const char *resolved;           /* NULL until resolved; "" a removal */
	/* Who set each side's value and when ("Name <email>, 2026-11-30
	 * 14:05 +0100"), NULL when history does not say. */
	const char *base_by, *ours_by, *theirs_by;
} cairn_conflict;
typedef cairn_status (*cairn_conflict_fn)(const cairn_conflict *c, void *ctx, cairn_error *err);
cairn_status cairn_wb_conflicts(cairn_wb *wb, cairn_conflict_fn fn, void *ctx, size_t *n,
				cairn_error *err);

/* Settle one: choice "ours", "theirs", or a value typed as for `set`
 * (field "" for a whole-record conflict takes only ours or theirs).
 * *left: the clashes still waiting.  When none is left, the merge they
 * held is committed (both parents) and the next sync pushes it; should our
 * side have changed the same fields again meanwhile, that merge raises
 * its own clashes, counted in *left. */
cairn_status cairn_wb_resolve_conflict(cairn_wb *wb, const char *record, const char *field,
				       const char *choice, const char *value, size_t *left,
				       cairn_error *err);

/* Register cairn (program: its path) as git's merge driver for the record
 * folders, so that a plain `git pull` merges records field by field. */
cairn_status cairn_wb_register_merge_driver(cairn_wb *wb, const char *program, cairn_error *err);

/* What the merge driver does with git's three versions of one file (base
 * "" when the file is new on both sides): *out is the merged text (a new
 * buffer), *conflicts how many fields clashed (ours is kept for those,
 * and git is told the merge failed). tpl may be NULL. */
cairn_status cairn_merge_texts(const char *path, const char *base, size_t blen, const char *ours,
			       size_t olen, const char *theirs, size_t tlen,
			       const cairn_template *tpl, char **out, size_t *outlen,
			       size_t *conflicts, cairn_error *err);

/* Clone url into dir and open it as a workbook (the index is built). */
cairn_status cairn_wb_clone(const char *url, const char *dir, const cairn_net *net,
			    cairn_error *err);

/* The workbook's remotes: each as fn hears it,
 * one added, one removed. */
cairn_status cairn_wb_remotes(cairn_wb *wb, cairn_remote_fn fn, void *ctx, cairn_error *err);
cairn_status cairn_wb_remote_add(cairn_wb *wb, const char *name, const char *url,
				 cairn_error *err);
cairn_status cairn_wb_remote_remove(cairn_wb *wb, const char *name, cairn_error *err);

/* `cairn doctor`: what is wrong with a remote (NULL: the one sync would
 * use) and how to mend it, each finding to fn; *problems counts them. */
cairn_status cairn_wb_doctor(cairn_wb *wb, const char *remote, const cairn_net *net,
			     cairn_doctor_fn fn, void *ctx, int *problems, cairn_error *err);

/* A plain `git merge` (or pull) stopped on conflicts is under way. */
bool cairn_wb_git_merge_waiting(cairn_wb *wb);
/* CAIRN_OK unless a plain `git cherry-pick`, `revert`, `rebase` or `am`
 * stopped half done here; then err names it with git's commands to
 * finish or abort it (what saves and syncs refuse to work over). */
cairn_status cairn_wb_git_stopped(cairn_wb *wb, cairn_error *err);
/* Without changing anything: what keeps a verb that saves from taking
 * that merge over (*why empty if nothing does; *none if no record file is
 * in conflict, so the merge is git's alone). */
cairn_status cairn_wb_git_merge_blocker(cairn_wb *wb, char *why, size_t whylen, bool *none,
					cairn_error *err);
/* Take over a plain git merge stopped on record files: they are merged
 * field by field (conflicts wait as a sync's do) and the merge committed.
 * Only when nothing typed can be lost: every file in conflict is a record
 * file that still holds its markers and every other file git wrote is as
 * it wrote it; otherwise a warning says why, and the merge stays git's.
 * A verb that only reads never calls this. */
cairn_status cairn_wb_take_over_git_merge(cairn_wb *wb, cairn_error *err);

#endif
