/* What the files of core/workbook/ share about an open workbook and one
 * another: handle.c, load.c, save.c, hand_edits.c, conflicts.c, sync.c, resolve.c,
 * workflow.c, distribute.c, history.c, report.c and open.c, bottom to top
 * (each calls only the ones before it).  Private to core/workbook/. */
#ifndef CAIRN_WB_INTERNAL_H
#define CAIRN_WB_INTERNAL_H

#include "cairn/buf.h"
#include "cairn/roles.h"
#include "cairn/sync.h"
#include "cairn/workbook.h"
#include "git/remote.h"
#include "index/index.h"

#define CAIRN_DIR ".cairn"
#define CAIRN_INDEX_FILE ".cairn/index.sqlite"
#define CAIRN_LOCK_FILE ".cairn/lock"
#define CAIRN_LOCK_TIMEOUT_MS 20000
#define CAIRN_PACK_THRESHOLD 2000

struct cairn_wb {
	char *root;             /* with no trailing '/' */
	cairn_git *git;
	cairn_index *idx;
	cairn_settings settings;
	/* cairn.ini's warnings (a key of a newer cairn, a bad line), one a
	 * line, and the blob of the text they are about: told once per
	 * version of the file (open.c), listed by every check. */
	cairn_buf settings_notes;
	cairn_oid settings_blob;
	const cairn_config *cfg;
	cairn_warn_fn warn;
	void *warn_ctx;
	int lock_fd;            /* -1 when not held */
	int lock_depth;
	char **saved_paths;     /* work-tree files written by this process */
	size_t nsaved;
	bool saved_any;
	bool rules_step;        /* the save under way is a workflow step (workflow.c) */
	struct cairn_schema *schema;    /* the lists, made the active schema (schema.c) */
	unsigned long long schema_print;        /* of the records schema was read from */
	struct cairn_schema *provisional;       /* as a save under way leaves them */
};

/* The workbook's lists read from the index and made the schema every
 * kind reads (schema.c): at open, and after a list record is put or
 * removed. */
cairn_status wb_schema_load(cairn_wb *wb, cairn_error *err);
void wb_schema_done(cairn_wb *wb);
/* The lists as a save under way leaves them (refs[i], recs[i]: the
 * save's list records, NULL when removed) made the active schema, until
 * wb_schema_settled (or the save's new lists are loaded). */
cairn_status wb_schema_provisional(cairn_wb *wb, const cairn_ref *refs,
				   const struct cairn_record *const *recs, size_t n,
				   cairn_error *err);
void wb_schema_settled(cairn_wb *wb);
/* A list or a form: a record of the schema. */
bool is_schema(cairn_kind kind);
/* A save's edits with its lists first (*sorted, and *from[j]: the index
 * in edits of (*sorted)[j]; both NULL when the order already is so), so
 * that its other records are planned against its lists. */
cairn_status wb_lists_first(const cairn_edit *edits, size_t n, cairn_edit **sorted,
			    size_t **from, cairn_error *err);
/* A list's new version (rec; NULL: the record removed) refused while
 * records use a choice it drops, naming them. */
/* A list saved (or, for check, read) is checked as a new one, but for the
 * parts of a choice a newer cairn wrote that base holds unchanged. */
cairn_status wb_list_check_kept(const char *id, const struct cairn_record *rec,
				const struct cairn_record *base, cairn_error *err);
cairn_status wb_schema_check_change(cairn_wb *wb, const char *id, const struct cairn_record *rec,
				    cairn_error *err);

/* The workbook lock (flock on .cairn/lock), re-entrant within a process. */
cairn_status wb_lock(cairn_wb *wb, cairn_error *err);
void wb_unlock(cairn_wb *wb);
/* Can this user write .cairn/ (false: only read the workbook)? */
bool wb_writable(const cairn_wb *wb);

/* Bring the index to HEAD (diff, or a full rebuild when needed). */
cairn_status wb_catch_up(cairn_wb *wb, bool force_rebuild, cairn_error *err);
/* Finish or undo a save a killed process left in the journal. */
cairn_status wb_recover(cairn_wb *wb, cairn_error *err);
/* A plain `git merge` stopped on record files (conflict markers): put
 * git's side back as HEAD has it and merge field by field instead
 * (core/workbook/sync.c); conflicts it raises wait as a sync's do. */
cairn_status wb_adopt_git_merge(cairn_wb *wb, cairn_error *err);
/* The work tree follows HEAD after a sync moved the branch (follow.c):
 * wb_follow_note(from) before the branch moves, wb_follow(from, to) after;
 * wb_finish_follow finishes one a killed process left. */
cairn_status wb_follow_note(cairn_wb *wb, const cairn_oid *from, cairn_error *err);
cairn_status wb_follow_pending(cairn_wb *wb, bool *pending, cairn_error *err);
cairn_status wb_follow(cairn_wb *wb, const cairn_oid *from, const cairn_oid *to,
		       cairn_error *err);
cairn_status wb_finish_follow(cairn_wb *wb, cairn_error *err);
/* cairn_wb_read, checked against the blob id: *blob is the id of the text
 * read (git's, when the index's copy was damaged and mended). */
cairn_status wb_read_checked(cairn_wb *wb, const cairn_index_hit *hit, cairn_record *rec,
			     cairn_oid *blob, cairn_error *err);
/* The blob id commit has at path, and that of the work tree's file at path
 * (read up to max bytes); "" when there is no such file. */
cairn_status wb_blob_at(cairn_wb *wb, const cairn_oid *commit, const char *path, cairn_oid *blob,
			cairn_error *err);
cairn_status wb_work_blob(cairn_wb *wb, const char *path, size_t max, cairn_oid *blob,
			  cairn_error *err);
/* The work tree's file at path (up to max bytes) as git would store it:
 * with CRLF line ends turned into LF when git's core.autocrlf or the
 * attributes ask for it (a file without CR is read as it is). */
cairn_status wb_read_work(cairn_wb *wb, const char *path, size_t max, char **data, size_t *len,
			  cairn_error *err);
/* Write the file for path as it is in commit (or remove it). */
cairn_status wb_checkout_path(cairn_wb *wb, const cairn_oid *commit, const char *path,
			      cairn_error *err);
cairn_status wb_remember_path(cairn_wb *wb, const char *path);
/* The same for a path known not to be remembered yet. */
cairn_status wb_remember_new_path(cairn_wb *wb, const char *path);
/* Which of these files differ from what git holds (hand edits a write
 * would overwrite); a stat of each, not of the whole work tree. */
cairn_status wb_hand_edits_in(cairn_wb *wb, const char *const *only, size_t nonly, char ***paths,
			      size_t *n, cairn_error *err);
/* git's index takes the remembered paths as HEAD has them, now (under
 * git's lock; CAIRN_EBUSY when git holds it longer than 2 s). */
cairn_status wb_git_index_catch_up(cairn_wb *wb, cairn_error *err);
/* git's index is in step with everything remembered. */
void wb_forget_paths(cairn_wb *wb);
/* root/rel, a new string (NULL when out of memory). */
char *wb_path_join(const char *root, const char *rel);
void wb_warn(cairn_wb *wb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Commit files (from a save or a recovered journal) and make the work tree
 * and the index follow.  The journal entry pending_id is cleared in the
 * same index transaction. */
cairn_status wb_commit_files(cairn_wb *wb, const cairn_oid *parent,
			     const cairn_git_change *changes, size_t n,
			     const cairn_identity *who, long long when, const char *message,
			     long long pending_id, cairn_oid *out, double *commit_ms,
			     cairn_error *err);
cairn_status wb_identity(cairn_wb *wb, cairn_identity *id, cairn_error *err);
/* The identity git's configuration gives (or cfg's, or the account's). */
cairn_status wb_identity_of(cairn_git *git, const cairn_config *cfg, cairn_identity *id,
			    cairn_error *err);
void wb_identity_done(cairn_identity *id);

/* Load one file of a commit into the index (or its problems). */
typedef struct wb_loader wb_loader;
wb_loader *wb_loader_new(cairn_wb *wb);
void wb_loader_free(wb_loader *l);
cairn_status wb_loader_put(wb_loader *l, const char *path, unsigned mode,
			   const cairn_oid *blob, cairn_error *err);
/* Read every problem file again at commit head: a record held among the
 * problems for what another said (evaluations whose template could not be
 * read) is well again once a save mends that one (core/workbook/load.c). */
cairn_status wb_retry_all_problems(cairn_wb *wb, const cairn_oid *head, cairn_error *err);

/* The user's person id and role; CAIRN_EINPUT when cairn does not know
 * which person the user is (core/workbook/workflow.c). */
cairn_status wb_need_me(cairn_wb *wb, char *me, size_t n, char *role, size_t rn,
			cairn_error *err);

/* ---- between conflicts.c, sync.c and resolve.c ---- */

/* The conflicts file (core/workbook/conflicts.c): field what of conflict i. */
const char *wb_cget(const cairn_record *r, size_t i, const char *what);
cairn_status wb_cset(cairn_record *r, size_t i, const char *what, const char *v,
		     cairn_error *err);
size_t wb_ccount(const cairn_record *r);
cairn_status wb_load_conflicts(cairn_wb *wb, cairn_record *r, cairn_error *err);
cairn_status wb_save_conflicts(cairn_wb *wb, const cairn_record *r, cairn_error *err);
/* A decision recorded for this clash, if its values are still the same. */
const char *wb_decision(const cairn_record *old, const char *path, const char *field,
			const char *ours, const char *theirs);

/* A merge being planned (core/workbook/sync.c; plan there and in resolve.c). */
typedef struct wb_plan {
	cairn_git_change *v;
	char **owned;
	size_t n;
	cairn_record conflicts;         /* new conflicts file */
	size_t nconflicts;
	size_t merged, incoming;
} wb_plan;
void wb_plan_done(wb_plan *p);
cairn_status wb_annotate(cairn_wb *wb, cairn_record *cr, cairn_error *err);
cairn_status wb_merge_into_head(cairn_wb *wb, const char *what, const cairn_sync_options *o,
				cairn_sync_report *r, cairn_oid *ours, const cairn_oid *theirs,
				const cairn_record *old, wb_plan *p, bool *refused, cairn_error *err);

/* A few columns of every record of a kind, for lookups by id (lookup.c):
 * cells holds ncols strings per row, "" for NULL; the first column is the
 * id.  wb_table_get: column col of the row of id, or NULL. */
typedef struct wb_table {
	char **cells;
	size_t ncols, nrows;
	bool oom;
} wb_table;
cairn_status wb_table_load(cairn_wb *wb, wb_table *t, cairn_kind kind,
			   const char *const *cols, size_t ncols, cairn_error *err);
const char *wb_table_get(const wb_table *t, const char *id, size_t col);
void wb_table_done(wb_table *t);

/* ---- the rules (permit.c, include/cairn/roles.h) ---- */

typedef struct wb_rules {
	bool on;                /* the workbook is enforced */
	bool step;              /* a workflow step is saving */
	char email[256];
	char me[CAIRN_ID_MAX + 1];      /* "" when the user matches no person */
	char role[32];
	wb_table persons;       /* id, role, email */
	cairn_ruleset local;    /* the workbook's own rows ([rules] in cairn.ini) */
} wb_rules;
bool wb_rules_on(const cairn_wb *wb);
/* Who the user (who) is, as HEAD's persons say, before the save. */
cairn_status wb_rules_begin(cairn_wb *wb, const cairn_identity *who, wb_rules *r,
			    cairn_error *err);
/* May the user change base into rec (NULL: new, removed)?  CAIRN_EINPUT
 * with who may and what to do instead when not. */
cairn_status wb_rules_check(const wb_rules *r, cairn_kind kind, const char *id,
			    const cairn_record *base, const cairn_record *rec, cairn_error *err);
/* May the user change field ("+", "-": the record itself) of base?  For
 * a conflict's resolution (resolve.c), whichever value is chosen. */
cairn_status wb_rules_check_field(const wb_rules *r, cairn_kind kind, const char *id,
				  const cairn_record *base, const char *field, cairn_error *err);
/* Each change from before to after the rules would have refused to the
 * user r was begun for (a commit's author), field by field, each answer
 * on its own: fn(why, ctx, err) for every one, why naming the record, the
 * field and who may (an author who is no person: once for the record).
 * The workflow's own fields count as changed by a step when the author is
 * one a step lets act (a leader, a reviewer, the evaluator, the
 * validator).  For cairn log: the same table the save and the guard ask
 * (cairn_rules_each_refusal_after). */
typedef cairn_status (*wb_audit_fn)(const char *why, void *ctx, cairn_error *err);
cairn_status wb_rules_audit(const wb_rules *r, cairn_kind kind, const char *id,
			    const cairn_record *before, const cairn_record *after,
			    wb_audit_fn fn, void *ctx, cairn_error *err);
void wb_rules_done(wb_rules *r);

#endif
