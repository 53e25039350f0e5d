/* cairn: a workbook, the folder a member edits.
 *
 * A git repository of records (the truth), the SQLite index beside it (a
 * cache, under .cairn/), and the settings file cairn.ini.  Opening a
 * workbook finishes or undoes whatever a killed process left (a save in
 * progress, an index behind the branch, a file behind HEAD) and brings the
 * index up to date when HEAD moved under it (a plain git pull or commit),
 * by diffing the two trees and touching only what changed.
 *
 * A save (cairn_wb_save) applies a set of edits as one commit, in an order
 * that cannot half-happen: the edit is noted in the index; blobs, trees and
 * the commit are written from memory and fsynced; the branch moves by
 * compare-and-swap (the one commit point); the record files are rewritten
 * atomically; the index follows and the note is cleared.
 */
#ifndef CAIRN_WORKBOOK_H
#define CAIRN_WORKBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "cairn/config.h"
#include "cairn/date.h"
#include "cairn/error.h"
#include "cairn/gitstore.h"
#include "cairn/kinds.h"
#include "cairn/layout.h"
#include "cairn/oid.h"
#include "cairn/query.h"
#include "cairn/record.h"

typedef struct cairn_wb cairn_wb;

/* Who saves: from the user's config, else git's user.name/user.email. */
typedef struct cairn_identity {
	char *name;
	char *email;
} cairn_identity;

/* Make a new workbook in dir (created if missing; an existing folder must
 * be empty or hold no workbook yet): the repository, cairn.ini, .gitignore,
 * the record folders, and a first commit. clock may be unset.  enforced:
 * its rules hold (include/cairn/roles.h), and the first commit holds the
 * person who makes it (their configured name and e-mail) as its first
 * leader; otherwise it is open. */
cairn_status cairn_wb_init(const char *dir, const char *name, cairn_date clock,
			   bool enforced, const cairn_config *cfg, cairn_error *err);

/* The workbook that holds start (a folder), searching upward as git does;
 * root receives its top folder. */
cairn_status cairn_wb_find(const char *start, char *root, size_t n, cairn_error *err);

/* warn hears about things worth telling that do not stop the opening (a
 * recovered save, a rebuilt index, bad lines in cairn.ini). */
cairn_status cairn_wb_open(const char *root, const cairn_config *cfg, cairn_warn_fn warn,
			   void *ctx, cairn_wb **out, cairn_error *err);
/* Brings git's index in step for what this process saved (once), packs
 * loose objects past the threshold, and frees everything. */
void cairn_wb_close(cairn_wb *wb);

const char *cairn_wb_root(const cairn_wb *wb);
const char *cairn_wb_name(const cairn_wb *wb);
/* CAIRN_TODAY when set, else the workbook's clock (demo), else today. */
cairn_date cairn_wb_today(const cairn_wb *wb);
bool cairn_wb_has_clock(const cairn_wb *wb);
/* The user's date format, else the workbook's, else dd/mm/yyyy. */
const char *cairn_wb_date_format(const cairn_wb *wb);
cairn_index *cairn_wb_index(cairn_wb *wb);
/* Its git repository, for core/ (the faces use sync.h for remotes). */
cairn_git *cairn_wb_git(cairn_wb *wb);
/* Who saves here, as a commit's author: the user's config, else git's
 * user.name and user.email, else the account.  id's strings are new;
 * release them with cairn_identity_done. */
cairn_status cairn_wb_user(cairn_wb *wb, cairn_identity *id, cairn_error *err);
void cairn_identity_done(cairn_identity *id);
/* What names this workbook in every clone: its first commit's id. */
cairn_status cairn_wb_identity(cairn_wb *wb, char *buf, size_t n, cairn_error *err);
/* Saved edits not yet shared: commits ahead of the branch's upstream.
 * *has_upstream false when the workbook has no shared remote yet. */
cairn_status cairn_wb_unshared(cairn_wb *wb, bool *has_upstream, size_t *ahead, size_t *behind,
			       cairn_error *err);

/* ---- reading ---- */

/* The file of a record named "kind/id", whether it still exists or was
 * removed (a removed record still has a history and conflicts). */
cairn_status cairn_wb_record_path(cairn_wb *wb, const char *name, char *path, size_t n,
				  cairn_error *err);

/* A record named "KIND/ID" or by a bare id unique across kinds.
 * CAIRN_ENOTFOUND or CAIRN_EINPUT (ambiguous) say what to type instead. */
cairn_status cairn_wb_resolve(cairn_wb *wb, const char *name, cairn_index_hit *hit,
			      cairn_error *err);
/* The record's fields (rec initialised by the call). */
cairn_status cairn_wb_read(cairn_wb *wb, const cairn_index_hit *hit, cairn_record *rec,
			   cairn_error *err);
/* A template by id. */
cairn_status cairn_wb_template(cairn_wb *wb, const char *id, cairn_template *tpl,
			       cairn_error *err);

/* ---- saving ---- */

typedef enum cairn_edit_op {
	CAIRN_EDIT_ADD,         /* a new record: it must not exist */
	CAIRN_EDIT_SET,         /* change fields of an existing record; "" unsets */
	CAIRN_EDIT_PUT,         /* the whole record as given (import): add or replace */
	CAIRN_EDIT_REMOVE,      /* delete: refused while other records name it */
} cairn_edit_op;

typedef struct cairn_edit {
	cairn_edit_op op;
	cairn_ref ref;
	const char *const *keys;        /* field names as typed */
	const char *const *values;      /* values as typed (display date format ok) */
	size_t n;
	bool stored_form;               /* values are already in stored form (import) */
	bool from_work_tree;            /* the edit is the work-tree file itself (cairn
					   commit): it may differ from HEAD */
} cairn_edit;

typedef struct cairn_save_result {
	cairn_oid commit;       /* "" when nothing changed */
	char *message;          /* the commit message (caller frees) */
	size_t records;         /* records changed */
	double commit_ms;       /* time spent writing the commit durably (benchmarks) */
	size_t failed;          /* after a refusal: 1 + the index of the edit at
				   fault; 0 when no one edit is */
} cairn_save_result;

/* Apply edits as one commit.  message NULL: one is written from the
 * changes ("M4: deadline 2016-04-15 -> 2016-04-30").  Nothing changes on
 * failure, and the message names the record and field at fault. */
cairn_status cairn_wb_save(cairn_wb *wb, const cairn_edit *edits, size_t n,
			   const char *message, cairn_save_result *res, cairn_error *err);
void cairn_save_result_done(cairn_save_result *res);

/* May the user change a field of a record, as a save would decide it
 * (include/cairn/roles.h)?  When not, who may ("a leader or its owner"). */
typedef struct cairn_field_permit {
	bool may;
	char who[120];
} cairn_field_permit;
/* For each of fields[0..n) of rec (kind, id; NULL: a new record), into
 * out[i]; an open workbook lets everyone change everything. */
cairn_status cairn_wb_field_permits(cairn_wb *wb, cairn_kind kind, const char *id,
				    const cairn_record *rec, const char *const *fields, size_t n,
				    cairn_field_permit *out, cairn_error *err);
/* The same for one field, with the refusal a save would give
 * (CAIRN_EINPUT: who may, who the user is, what to do instead). */
cairn_status cairn_wb_check_field(cairn_wb *wb, cairn_kind kind, const char *id,
				  const cairn_record *rec, const char *field, cairn_error *err);

/* ---- checking ---- */

/* The record files at HEAD that could not be read, each with its message
 * (FILE:LINE: what is wrong and what to do): the one list that check,
 * status and the dashboard show.  *out is a new array of n entries, freed
 * with cairn_wb_unreadable_free. */
typedef struct cairn_unreadable {
	char *path;
	char *message;
} cairn_unreadable;
cairn_status cairn_wb_unreadable(cairn_wb *wb, cairn_unreadable **out, size_t *n, cairn_error *err);
void cairn_wb_unreadable_free(cairn_unreadable *v, size_t n);

/* Record files edited by hand and not committed (git status), as paths;
 * a file gone from the work tree is not among them. */
cairn_status cairn_wb_hand_edits(cairn_wb *wb, char ***paths, size_t *n, cairn_error *err);
/* Record files HEAD has that are gone from the work tree: `git checkout`
 * brings one back, `cairn rm` deletes the record on purpose. */
cairn_status cairn_wb_missing_files(cairn_wb *wb, char ***paths, size_t *n, cairn_error *err);
/* Both from one look at git's status, for a process that does nothing
 * after it (the terminal interface's background check, a child): git's
 * objects are not kept once read (the trees of HEAD are megabytes at
 * 100,000 records), for the rest of that process. */
cairn_status cairn_wb_hand_edits_alone(cairn_wb *wb, char ***paths, size_t *n, char ***gone,
				       size_t *ngone, cairn_error *err);
/* Files git's index holds in conflict, and the git command that stopped
 * there (*op: "merge", "cherry-pick", "revert", "rebase", "am", or NULL):
 * git's to finish, neither hand edits nor missing. */
cairn_status cairn_wb_unmerged_files(cairn_wb *wb, char ***paths, size_t *n, const char **op,
				     cairn_error *err);
/* Commit those hand edits (each parsed and checked like any save). */
cairn_status cairn_wb_commit_hand_edits(cairn_wb *wb, const char *message,
					cairn_save_result *res, cairn_error *err);
/* Full check: every loose object, the index against the records.  report
 * hears one line per finding; *problems counts them. */
cairn_status cairn_wb_check(cairn_wb *wb, cairn_warn_fn report, void *ctx, long *problems,
			    cairn_error *err);
/* Throw the index away and build it again from the records. */
cairn_status cairn_wb_rebuild(cairn_wb *wb, cairn_error *err);

#endif
