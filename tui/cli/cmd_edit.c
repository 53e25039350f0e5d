/* The verbs that change a workbook: add, set, rm, import, commit.  Each
 * builds edits and hands them to the core's one save. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/json.h"
#include "cli.h"
#include "i18n.h"

static int report_save(cli *c, cairn_status st, cairn_save_result *res, cairn_error *err,
		       bool quiet)
{
	if (st != CAIRN_OK)
		return cli_error(c, err);
	if (quiet) {
		/* nothing to say */
	} else if (!res->commit.hex[0]) {
		printf("%s\n", _("nothing to change"));
	} else {
		size_t n = strcspn(res->message, "\n");
		char *subject = strndup(res->message, n);
		if (getenv("CAIRN_BENCH"))
			fprintf(stderr, "commit-ms %.3f\n", res->commit_ms);
		printf(_("saved %.12s  "), res->commit.hex);
		cli_put(c, stdout, subject ? subject : "", false);
		printf("\n");
		free(subject);
	}
	cairn_save_result_done(res);
	return EXIT_DONE;
}

static int save_one(cli *c, cairn_edit *e)
{
	cairn_save_result res;
	cairn_error err;
	cairn_status st = cairn_wb_save(c->wb, e, 1, NULL, &res, &err);
	return report_save(c, st, &res, &err, false);
}

int cmd_add(cli *c, int argc, char **argv)
{
	cairn_edit e = { 0 };
	cairn_error err;
	char name[CAIRN_REF_ID_MAX + 64];
	int rc;

	if (argc < 3)
		return cli_verb_usage(c);
	snprintf(name, sizeof name, "%s/%s", argv[1], argv[2]);
	e.op = CAIRN_EDIT_ADD;
	if (cairn_kind_by_name(argv[1]) == CAIRN_KIND_NONE)
		return cli_not_a_kind(c, EXIT_REFUSED, argv[1]);
	if (cairn_ref_parse(name, &e.ref, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if ((rc = cli_field_args(c, argc - 3, argv + 3, (const char ***)&e.keys,
				 (const char ***)&e.values, &e.n)))
		return rc;
	rc = save_one(c, &e);
	free((void *)e.keys);
	free((void *)e.values);
	return rc;
}

int cmd_set(cli *c, int argc, char **argv)
{
	cairn_edit e = { 0 };
	cairn_index_hit hit;
	cairn_error err;
	int rc;

	if (argc < 3)
		return cli_verb_usage(c);
	if (cairn_wb_resolve(c->wb, argv[1], &hit, &err) != CAIRN_OK)
		return cli_error(c, &err);
	e.op = CAIRN_EDIT_SET;
	e.ref = hit.ref;
	if ((rc = cli_field_args(c, argc - 2, argv + 2, (const char ***)&e.keys,
				 (const char ***)&e.values, &e.n)))
		return rc;
	rc = save_one(c, &e);
	free((void *)e.keys);
	free((void *)e.values);
	return rc;
}

int cmd_rm(cli *c, int argc, char **argv)
{
	cairn_edit e = { 0 };
	cairn_index_hit hit;
	cairn_error err;

	if (argc != 2)
		return cli_verb_usage(c);
	if (cairn_wb_resolve(c->wb, argv[1], &hit, &err) != CAIRN_OK)
		return cli_error(c, &err);
	e.op = CAIRN_EDIT_REMOVE;
	e.ref = hit.ref;
	return save_one(c, &e);
}

/* ---- import ---- */

static int json_refused(cli *c, const char *name, const cairn_json *at, const char *fmt,
			const char *a, const char *b)
{
	cairn_buf what = CAIRN_BUF_INIT;
	int rc;

	cairn_buf_printf(&what, fmt, a, b);
	rc = cli_fail(c, EXIT_REFUSED, "%s:%d:%d: %s", name, at->line, at->column,
		      cairn_buf_str(&what));
	cairn_buf_done(&what);
	return rc;
}

/* Turn one {"kind","id","fields"} object into an edit (pointing into j). */
static int import_item(cli *c, const char *name, const cairn_json *item, cairn_edit *e)
{
	const cairn_json *kind = cairn_json_get(item, "kind"), *id = cairn_json_get(item, "id");
	const cairn_json *fields = cairn_json_get(item, "fields");
	char refname[CAIRN_REF_ID_MAX + 64];
	cairn_error err;

	if (item->type != CAIRN_JSON_OBJECT)
		return json_refused(c, name, item, "expected an object {\"kind\", \"id\", \"fields\"}",
				    "", "");
	if (!kind || kind->type != CAIRN_JSON_STRING || cairn_kind_by_name(kind->string) == CAIRN_KIND_NONE)
		return json_refused(c, name, item, "\"kind\" must be one of: %s", cairn_kind_names(), "");
	if (!id || id->type != CAIRN_JSON_STRING)
		return json_refused(c, name, item, "\"id\" must be a string", "", "");
	if (!fields || fields->type != CAIRN_JSON_OBJECT)
		return json_refused(c, name, item, "%s/%s: \"fields\" must be an object", kind->string,
				    id->string);
	snprintf(refname, sizeof refname, "%s/%s", kind->string, id->string);
	if (cairn_ref_parse(refname, &e->ref, &err) != CAIRN_OK)
		return json_refused(c, name, id, "%s", err.msg, "");
	e->op = CAIRN_EDIT_PUT;
	e->stored_form = true;
	e->n = fields->n;
	e->keys = calloc(fields->n + 1, sizeof(char *));
	e->values = calloc(fields->n + 1, sizeof(char *));
	if (!e->keys || !e->values)
		return cli_fail(c, EXIT_TROUBLE, "out of memory");
	for (size_t i = 0; i < fields->n; i++) {
		if (fields->items[i]->type != CAIRN_JSON_STRING)
			return json_refused(c, name, fields->items[i],
					    "%s: field '%s' must be a string", refname, fields->keys[i]);
		((const char **)e->keys)[i] = fields->keys[i];
		((const char **)e->values)[i] = fields->items[i]->string;
	}
	return EXIT_DONE;
}

int cli_import_json(cli *c, const char *data, size_t len, const char *name, const char *message,
		    bool quiet)
{
	cairn_json *j = NULL;
	cairn_edit *edits = NULL;
	cairn_save_result res;
	cairn_error err;
	size_t n = 0;
	int rc = EXIT_DONE;

	if (cairn_json_parse(data, len, name, &j, &err) != CAIRN_OK)
		return cli_error(c, &err);
	if (j->type != CAIRN_JSON_ARRAY && j->type != CAIRN_JSON_OBJECT) {
		rc = json_refused(c, name, j, "expected an array of records, as cairn ls --json writes",
				  "", "");
		goto done;
	}
	n = j->type == CAIRN_JSON_ARRAY ? j->n : 1;
	edits = calloc(n ? n : 1, sizeof *edits);
	if (!edits) {
		rc = cli_fail(c, EXIT_TROUBLE, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n && rc == EXIT_DONE; i++)
		rc = import_item(c, name, j->type == CAIRN_JSON_ARRAY ? j->items[i] : j, &edits[i]);
	if (rc == EXIT_DONE) {
		cairn_status st = cairn_wb_save(c->wb, edits, n, message, &res, &err);
		rc = report_save(c, st, &res, &err, quiet);
	}
done:
	for (size_t i = 0; edits && i < n; i++) {
		free((void *)edits[i].keys);
		free((void *)edits[i].values);
	}
	free(edits);
	cairn_json_free(j);
	return rc;
}

int cmd_import(cli *c, int argc, char **argv)
{
	FILE *f;
	char *data, message[1024];
	size_t len;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "csv"))
		return cmd_import_csv(c, argc, argv);
	if (argc != 3 || strcmp(argv[1], "json"))
		return cli_verb_usage(c);
	f = strcmp(argv[2], "-") ? fopen(argv[2], "rb") : stdin;
	if (!f)
		return cli_fail(c, EXIT_REFUSED, "cannot read %s: %m", argv[2]);
	data = cli_read_stream(f, &len);
	if (f != stdin)
		fclose(f);
	if (!data)
		return cli_fail(c, EXIT_TROUBLE, "cannot read %s", argv[2]);
	snprintf(message, sizeof message, "Import records from %s",
		 strcmp(argv[2], "-") ? argv[2] : "standard input");
	rc = cli_import_json(c, data, len, strcmp(argv[2], "-") ? argv[2] : "<stdin>", message,
			     false);
	free(data);
	return rc;
}

int cmd_commit(cli *c, int argc, char **argv)
{
	const char *message = NULL;
	cairn_save_result res;
	cairn_error err;
	cairn_status st;
	char **gone = NULL;
	size_t ngone = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc)
			message = argv[++i];
		else
			return cli_verb_usage(c);
	}
	st = cairn_wb_commit_hand_edits(c->wb, message, &res, &err);
	rc = report_save(c, st, &res, &err, false);
	/* A file gone from the work tree is never committed as a deletion
	 * (a killed checkout leaves such files): say so, and what to do. */
	if (cairn_wb_missing_files(c->wb, &gone, &ngone, &err) == CAIRN_OK) {
		for (size_t i = 0; i < ngone; i++)
			cli_printf(c, stderr, _("%s is missing from the work tree and was not "
						"committed as a deletion: `git checkout -- %s` "
						"brings it back, `cairn rm RECORD` deletes a "
						"record on purpose\n"), gone[i], gone[i]);
		cairn_git_paths_free(gone, ngone);
	}
	return rc;
}
