/* Changing the SQLite index as a whole (see core/index/index.h):
 * write transactions, the bulk load of a rebuild, the meta values, and the
 * save journal (a save noted before its commit, so that a crash between
 * the two is finished at the next open).  What changes one record at a
 * time is in records.c. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/fs.h"
#include "cairn/sha1.h"
#include "cairn/kinds.h"
#include "index/index_internal.h"

/* ---- transactions ---- */

cairn_status cairn_index_begin(cairn_index *idx, cairn_error *err)
{
	/* The busy handler covers BEGIN IMMEDIATE; a read never upgrades. */
	if (sqlite3_exec(idx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return index_fail(idx, err, "starting a change");
	return CAIRN_OK;
}

cairn_status cairn_index_commit(cairn_index *idx, cairn_error *err)
{
	if (sqlite3_exec(idx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		cairn_status st = index_fail(idx, err, "saving a change");
		sqlite3_exec(idx->db, "ROLLBACK", NULL, NULL, NULL);
		return st;
	}
	return CAIRN_OK;
}

void cairn_index_rollback(cairn_index *idx)
{
	if (!sqlite3_get_autocommit(idx->db))
		sqlite3_exec(idx->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Drop the tally triggers (suspend), or count afresh and put them back;
 * inside the caller's transaction, so a rollback restores them. */
static cairn_status tally_suspend(cairn_index *idx, bool suspend, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	cairn_status st;

	if (!suspend)
		cairn_buf_adds(&sql, "DELETE FROM tally; DELETE FROM tally_sum;");
	for (int k = 0; k < CAIRN_KIND_COUNT; k++) {
		const char *t = cairn_kind_def_of((cairn_kind)k)->name;
		if (!cairn_kind_field((cairn_kind)k, "status"))
			continue;
		if (suspend) {
			cairn_buf_printf(&sql, "DROP TRIGGER \"%s_tally_insert\"; DROP TRIGGER "
					 "\"%s_tally_delete\"; DROP TRIGGER \"%s_tally_update\";", t, t, t);
		} else {
			for (size_t g = 0; g < index_tally_ngroups(t); g++)
				cairn_buf_printf(&sql, "INSERT INTO tally SELECT '%s', %s, %s%s%s,"
						 " coalesce(status, ''), count(*) FROM \"%s\" GROUP BY 3, 4;",
						 t, index_tally_groups[g][0], g ? "coalesce(" : "",
						 g ? index_tally_groups[g][1] : "''", g ? ", '')" : "", t);
			index_tally_triggers(&sql, t);
		}
	}
	st = sql.oom ? cairn_oom(err) : index_exec(idx, cairn_buf_str(&sql), err);
	cairn_buf_done(&sql);
	return st;
}

/* Drop the secondary indexes of the kinds' tables, keeping their CREATE
 * statements (suspend), or create them again; inside the caller's
 * transaction. */
static cairn_status indexes_suspend(cairn_index *idx, bool suspend, cairn_error *err)
{
	cairn_buf drop = CAIRN_BUF_INIT, create = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	cairn_status st = CAIRN_OK;

	if (!suspend) {
		if (idx->dropped_indexes)
			st = index_exec(idx, idx->dropped_indexes, err);
		free(idx->dropped_indexes);
		idx->dropped_indexes = NULL;
		return st;
	}
	if (sqlite3_prepare_v2(idx->db, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
			       " AND sql IS NOT NULL AND tbl_name NOT IN ('tally', 'tally_sum',"
			       " 'records', 'problems', 'meta')", -1, &s,
			       NULL) != SQLITE_OK)
		return index_fail(idx, err, "rebuilding");
	while (sqlite3_step(s) == SQLITE_ROW) {
		cairn_buf_printf(&drop, "DROP INDEX \"%s\";", sqlite3_column_text(s, 0));
		cairn_buf_printf(&create, "%s;", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (drop.oom || create.oom)
		st = cairn_oom(err);
	else if (drop.len)
		st = index_exec(idx, cairn_buf_str(&drop), err);
	cairn_buf_done(&drop);
	free(idx->dropped_indexes);
	idx->dropped_indexes = st == CAIRN_OK ? cairn_buf_detach(&create, NULL) : NULL;
	cairn_buf_done(&create);
	return st;
}

cairn_status cairn_index_bulk_begin(cairn_index *idx, bool fast, cairn_error *err)
{
	return cairn_index_bulk_begin_with(idx, fast, !fast, err);
}

cairn_status cairn_index_bulk_begin_with(cairn_index *idx, bool suspend, bool durable,
					 cairn_error *err)
{
	cairn_status st;

	/* foreign_keys cannot change inside a transaction. */
	if ((st = index_exec(idx, "PRAGMA foreign_keys=OFF", err)))
		return st;
	idx->bulk_fast = suspend;
	idx->bulk_sync_off = !durable;
	/* A rebuild can be redone from git, so it need not wait for the disk. */
	if (!durable && (st = index_exec(idx, "PRAGMA synchronous=OFF", err)))
		return st;
	if ((st = cairn_index_begin(idx, err)) || !suspend)
		return st;
	/* A rebuild counts by status once at the end rather than row by row
	 * through the triggers (a sixth of its time at 100,000 records), and
	 * builds the secondary indexes once from the loaded tables rather than
	 * entry by entry. */
	if ((st = tally_suspend(idx, true, err)))
		return st;
	return indexes_suspend(idx, true, err);
}

static void text_or_empty(cairn_buf *b, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	cairn_buf_adds(b, t ? (const char *)t : "");
}

/* Whether the record kind/id is there but among the problems (a template
 * a peer broke): its evaluations wait for it to be mended, and must not
 * be told to name another. */
static bool parent_unreadable(cairn_index *idx, const char *kind, const char *id)
{
	cairn_ref ref = { cairn_kind_by_name(kind), "" };
	char path[CAIRN_PATH_MAX];
	sqlite3_stmt *s = NULL;
	bool found = false;

	if (!id || ref.kind == CAIRN_KIND_NONE || strlen(id) >= sizeof ref.id)
		return false;
	strcpy(ref.id, id);
	cairn_ref_path(&ref, path, sizeof path);
	if (sqlite3_prepare_v2(idx->db, "SELECT 1 FROM problems WHERE path = ?", -1, &s, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return found;
}

/* Move one row that breaks a foreign key from its kind's table to the
 * problems, naming the field and the missing record. */
static cairn_status move_violation(cairn_index *idx, const char *table, sqlite3_int64 rowid,
				   const char *parent, int fkid, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT, msg = CAIRN_BUF_INIT;
	sqlite3_stmt *s = NULL;
	char path[CAIRN_PATH_MAX] = "", column[64] = "";
	cairn_status st = CAIRN_OK;

	cairn_buf_printf(&sql, "PRAGMA foreign_key_list(\"%s\")", table);
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "checking references");
		goto done;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		if (sqlite3_column_int(s, 0) == fkid)
			snprintf(column, sizeof column, "%s", sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	cairn_buf_reset(&sql);
	cairn_buf_printf(&sql, "SELECT id, path, \"%s\" FROM \"%s\" WHERE rowid = ?", column, table);
	if (sqlite3_prepare_v2(idx->db, cairn_buf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		st = index_fail(idx, err, "checking references");
		goto done;
	}
	sqlite3_bind_int64(s, 1, rowid);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(path, sizeof path, "%s", sqlite3_column_text(s, 1));
		cairn_buf_printf(&msg, "%s/", table);
		text_or_empty(&msg, s, 0);
		cairn_buf_printf(&msg, ": %s: '", column);
		text_or_empty(&msg, s, 2);
		if (parent_unreadable(idx, parent, (const char *)sqlite3_column_text(s, 2)))
			cairn_buf_printf(&msg, "' is a %s whose file could not be read (cairn check "
					 "says why): mend that one, and this record comes back",
					 parent);
		else
			cairn_buf_printf(&msg, "' is not a %s in this workbook; set %s to one that "
					 "is (cairn ls %s), or add it", parent, column, parent);
	}
	sqlite3_finalize(s);
	if (!*path)
		goto done;
	{
		cairn_oid blob = { "" };
		sqlite3_stmt *b = NULL;
		if (sqlite3_prepare_v2(idx->db, "SELECT blob FROM records WHERE path = ?", -1, &b,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_text(b, 1, path, -1, SQLITE_STATIC);
			if (sqlite3_step(b) == SQLITE_ROW)
				snprintf(blob.hex, sizeof blob.hex, "%s", sqlite3_column_text(b, 0));
		}
		sqlite3_finalize(b);
		st = cairn_index_remove(idx, path, err);
		if (st == CAIRN_OK)
			st = cairn_index_put_problem(idx, path, &blob, cairn_buf_str(&msg), err);
	}
done:
	cairn_buf_done(&sql);
	cairn_buf_done(&msg);
	return st;
}

cairn_status cairn_index_bulk_end(cairn_index *idx, size_t *moved, cairn_error *err)
{
	cairn_status st = CAIRN_OK;
	bool again = true;

	*moved = 0;
	if (idx->bulk_fast && idx->dropped_indexes) {
		if (sqlite3_get_autocommit(idx->db)) {
			free(idx->dropped_indexes);     /* rolled back: never dropped */
			idx->dropped_indexes = NULL;
		} else {
			st = indexes_suspend(idx, false, err);
		}
	}
	/* Moving a parent to the problems can orphan its children: repeat
	 * until nothing refers to a missing record. */
	while (again && st == CAIRN_OK) {
		sqlite3_stmt *s = NULL;
		again = false;
		if (sqlite3_prepare_v2(idx->db, "PRAGMA foreign_key_check", -1, &s, NULL) !=
		    SQLITE_OK) {
			st = index_fail(idx, err, "checking references");
			break;
		}
		/* Collect first: changing tables under a running pragma is undefined. */
		struct violation { char table[32]; char parent[32]; sqlite3_int64 rowid; int fkid; } *v = NULL;
		size_t n = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			struct violation *grown = realloc(v, (n + 1) * sizeof *v);
			if (!grown)
				break;
			v = grown;
			snprintf(v[n].table, sizeof v[n].table, "%s", sqlite3_column_text(s, 0));
			v[n].rowid = sqlite3_column_int64(s, 1);
			snprintf(v[n].parent, sizeof v[n].parent, "%s", sqlite3_column_text(s, 2));
			v[n].fkid = sqlite3_column_int(s, 3);
			n++;
		}
		sqlite3_finalize(s);
		for (size_t i = 0; i < n && st == CAIRN_OK; i++) {
			st = move_violation(idx, v[i].table, v[i].rowid, v[i].parent, v[i].fkid, err);
			(*moved)++;
			again = true;
		}
		free(v);
	}
	if (st == CAIRN_OK && idx->bulk_fast)
		st = tally_suspend(idx, false, err);
	if (st != CAIRN_OK) {
		cairn_index_rollback(idx);
	} else {
		st = cairn_index_commit(idx, err);
	}
	sqlite3_exec(idx->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	if (idx->bulk_sync_off)
		sqlite3_exec(idx->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	idx->bulk_fast = idx->bulk_sync_off = false;
	return st;
}

/* ---- meta ---- */

cairn_status cairn_index_meta_get(cairn_index *idx, const char *key, char *value, size_t n,
				  cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	value[0] = '\0';
	if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key = ?", -1, &s, NULL) !=
	    SQLITE_OK)
		return index_fail(idx, err, "reading");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(value, n, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return index_fail(idx, err, "reading");
	return CAIRN_OK;
}

cairn_status cairn_index_meta_set(cairn_index *idx, const char *key, const char *value,
				  cairn_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(idx->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1,
			       &s, NULL) != SQLITE_OK)
		return index_fail(idx, err, "writing");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CAIRN_OK : index_fail(idx, err, "writing");
}

cairn_status cairn_index_clear(cairn_index *idx, cairn_error *err)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	cairn_status st;

	cairn_buf_adds(&sql, "DELETE FROM records; DELETE FROM problems;");
	for (int k = CAIRN_KIND_COUNT - 1; k >= 0; k--)
		cairn_buf_printf(&sql, "DELETE FROM \"%s\";", cairn_kind_def_of((cairn_kind)k)->name);
	cairn_buf_adds(&sql, "DELETE FROM tally; DELETE FROM tally_sum;");
	st = index_exec(idx, cairn_buf_str(&sql), err);
	cairn_buf_done(&sql);
	return st;
}

/* ---- the save journal ----
 *
 * A plain file beside the index (.cairn/saving), not a table in it: an
 * SQLite transaction costs three fdatasyncs, and the journal needs none of
 * its own.  It is written (atomically, by rename) without fsync before
 * the save's objects; the save's first flush (core/workbook/save.c) makes
 * it durable together with them, before the branch moves.  So after a
 * power cut, a journal that is missing or torn (its checksum is the last
 * line) means the branch never moved: nothing was committed, and a record
 * file already written shows as a hand edit.  Cleared by unlink, without
 * fsync: should a power cut bring it back, the replay finds the commit in
 * HEAD and only rewrites the same files.
 *
 * Format: "cairn saving 1", then lines "key value" where a value of bytes
 * is given as its length, a newline and the bytes; "end" and the SHA-1 of
 * everything before it. */

#define JOURNAL_NAME "saving"
#define JOURNAL_MAX (512u << 20)

static char *journal_dir(const cairn_index *idx)
{
	char *d = strdup(idx->path), *slash;
	if (d && (slash = strrchr(d, '/')))
		*slash = '\0';
	else if (d)
		strcpy(d, ".");
	return d;
}

static void put_bytes(cairn_buf *b, const char *key, const char *data, size_t len)
{
	cairn_buf_printf(b, "%s %zu\n", key, len);
	cairn_buf_add(b, data, len);
	cairn_buf_addc(b, '\n');
}

cairn_status cairn_index_pending_add(cairn_index *idx, const cairn_pending *p, long long *id,
				     cairn_error *err)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_sha1 sha;
	unsigned char sum[20];
	char hex[41], *dir = journal_dir(idx);
	cairn_status st;

	cairn_buf_printf(&b, "cairn saving 1\nbase %s\nwhen %lld\nfiles %zu\n", p->base.hex,
			 p->when, p->nfiles);
	put_bytes(&b, "name", p->author_name, strlen(p->author_name));
	put_bytes(&b, "email", p->author_email, strlen(p->author_email));
	put_bytes(&b, "message", p->message, strlen(p->message));
	for (size_t i = 0; i < p->nfiles; i++) {
		const cairn_pending_file *f = &p->files[i];
		put_bytes(&b, "path", f->path, strlen(f->path));
		cairn_buf_printf(&b, "blob %s\n", f->base_blob.hex[0] ? f->base_blob.hex : "-");
		if (f->data)
			put_bytes(&b, "data", f->data, f->len);
		else
			cairn_buf_adds(&b, "removed\n");
	}
	cairn_sha1_init(&sha);
	cairn_sha1_update(&sha, b.data, b.len);
	cairn_sha1_final(&sha, sum);
	cairn_sha1_hex(sum, hex);
	cairn_buf_printf(&b, "end %s\n", hex);
	if (b.oom || !dir)
		st = cairn_fail(err, CAIRN_ENOMEM, "noting a save: out of memory");
	else
		st = cairn_fs_write_nosync(dir, JOURNAL_NAME, b.data, b.len, err);
	cairn_buf_done(&b);
	free(dir);
	*id = 1;
	return st;
}

void cairn_pending_done(cairn_pending *p)
{
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].data);
	}
	free(p->files);
	free(p->message);
	free(p->author_name);
	free(p->author_email);
	memset(p, 0, sizeof *p);
}

/* The journal's text, read from *at: "key N\n" then N bytes and "\n" (a
 * new string), or "key word\n" (the word, a new string).  NULL when the
 * text is not so. */
static char *take(const char *data, size_t len, size_t *at, const char *key, bool bytes,
		  size_t *n)
{
	size_t k = strlen(key), i = *at, end, size;
	char *out;

	if (len - i < k + 2 || memcmp(data + i, key, k) || data[i + k] != ' ')
		return NULL;
	i += k + 1;
	end = i;
	while (end < len && data[end] != '\n')
		end++;
	if (end >= len)
		return NULL;
	if (bytes) {
		char *stop;
		size = strtoul(data + i, &stop, 10);
		if (stop != data + end || size > len - end - 1 || len - end - 1 - size < 1 ||
		    data[end + 1 + size] != '\n')
			return NULL;
		i = end + 1;
		end = i + size;
	} else {
		size = end - i;
	}
	if (!(out = malloc(size + 1)))
		return NULL;
	memcpy(out, data + i, size);
	out[size] = '\0';
	*at = end + 1;
	if (n)
		*n = size;
	return out;
}

static bool parse_journal(const char *data, size_t len, cairn_pending *p)
{
	size_t at = 0, nfiles;
	char *word;
	bool ok;

	if (len < 15 || memcmp(data, "cairn saving 1\n", 15))
		return false;
	at = 15;
	if (!(word = take(data, len, &at, "base", false, NULL)))
		return false;
	snprintf(p->base.hex, sizeof p->base.hex, "%s", word);
	free(word);
	if (!(word = take(data, len, &at, "when", false, NULL)))
		return false;
	p->when = strtoll(word, NULL, 10);
	free(word);
	if (!(word = take(data, len, &at, "files", false, NULL)))
		return false;
	nfiles = strtoul(word, NULL, 10);
	free(word);
	if (nfiles > len || !(p->files = calloc(nfiles ? nfiles : 1, sizeof *p->files)))
		return false;
	if (!(p->author_name = take(data, len, &at, "name", true, NULL)) ||
	    !(p->author_email = take(data, len, &at, "email", true, NULL)) ||
	    !(p->message = take(data, len, &at, "message", true, NULL)))
		return false;
	for (ok = true; ok && p->nfiles < nfiles; p->nfiles++) {
		cairn_pending_file *f = &p->files[p->nfiles];
		if (!(f->path = take(data, len, &at, "path", true, NULL)) ||
		    !(word = take(data, len, &at, "blob", false, NULL)))
			return p->nfiles++, false;
		snprintf(f->base_blob.hex, sizeof f->base_blob.hex, "%s", strcmp(word, "-") ? word : "");
		free(word);
		if (len - at >= 8 && !memcmp(data + at, "removed\n", 8))
			at += 8;
		else
			ok = (f->data = take(data, len, &at, "data", true, &f->len)) != NULL;
	}
	return ok && at == len;
}

cairn_status cairn_index_pending_load(cairn_index *idx, cairn_pending *p, bool *found,
				      cairn_error *err)
{
	char *dir = journal_dir(idx), *data = NULL, hex[41];
	const char *end;
	unsigned char sum[20];
	cairn_sha1 sha;
	size_t len = 0;
	cairn_status st;

	memset(p, 0, sizeof *p);
	*found = false;
	if (!dir)
		return cairn_oom(err);
	st = cairn_fs_read(dir, JOURNAL_NAME, JOURNAL_MAX, &data, &len, err);
	free(dir);
	if (st == CAIRN_ENOTFOUND)
		return CAIRN_OK;
	if (st != CAIRN_OK)
		return st;
	/* The last line is "end" and the checksum of all before it: a
	 * journal torn by a power cut is one whose save never committed. */
	end = len >= 46 ? data + len - 46 : NULL;
	if (end && !memcmp(end, "\nend ", 5) && data[len - 1] == '\n') {
		cairn_sha1_init(&sha);
		cairn_sha1_update(&sha, data, (size_t)(end - data) + 1);
		cairn_sha1_final(&sha, sum);
		cairn_sha1_hex(sum, hex);
		if (!memcmp(end + 5, hex, 40) && parse_journal(data, (size_t)(end - data) + 1, p)) {
			p->id = 1;
			*found = true;
		}
	}
	if (!*found)
		cairn_pending_done(p);
	free(data);
	return CAIRN_OK;
}

cairn_status cairn_index_pending_clear(cairn_index *idx, long long id, cairn_error *err)
{
	char *dir = journal_dir(idx);
	cairn_status st;

	(void)id;
	if (!dir)
		return cairn_oom(err);
	st = cairn_fs_remove_nosync(dir, JOURNAL_NAME, err);
	free(dir);
	return st;
}
