/* A kind's records as a table: sorted by any column (s), filtered (/),
 * opened (Enter), added to (a).  Persons come with the group's composition
 * against the planned seats; tools with who evaluates them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/buf.h"
#include "cairn/sanitize.h"
#include "cairn/schema.h"
#include "tui.h"

#define MAX_COLS 6
/* The widest a person's "id (Name)" grows on a wide screen. */
#define PERSON_MAX 40
/* The width a title grows to before the persons beside it get theirs. */
#define MAIN_WANT 40

/* A column: at least min display columns wide, up to want (0: the main
 * column, the title or the name, which takes the room the others leave,
 * and at least a quarter of the screen).  On a narrow screen the columns
 * of the highest prio go first, until the others fit at their min; prio 0
 * stays on any screen.  A person column shows "id (Name)" in the room it
 * gets. */
typedef struct table_column {
	const char *name;
	int min, want;
	int prio;
	bool person;
} table_column;

#define COL(n, lo, hi, p) { .name = n, .min = lo, .want = hi, .prio = p }
#define MAIN(n, lo) { .name = n, .min = lo, .want = 0, .prio = 0 }
#define WHO(n, p) { .name = n, .min = 12, .want = PERSON_MAX, .prio = p, .person = true }

static const struct table_columns {
	cairn_kind kind;
	table_column cols[MAX_COLS];
} tables[] = {
	/* TRANSLATORS: the column heads of the tables (N_ below) are the
	 * field names as typed in `:set field=value`; a short word each. */
	{ CAIRN_KIND_PERSON, { COL(N_("id"), 8, 12, 0), COL(N_("role"), 10, 12, 2),
			       COL(N_("category"), 11, 15, 3), MAIN(N_("name"), 16),
			       COL(N_("email"), 20, 30, 4) } },
	{ CAIRN_KIND_TARGET, { COL(N_("id"), 8, 12, 0), COL(N_("minimum"), 7, 8, 2),
			       MAIN(N_("label"), 14) } },
	{ CAIRN_KIND_TOOL, { COL(N_("id"), 12, 18, 0), COL(N_("kind"), 10, 12, 2),
			     MAIN(N_("name"), 16) } },
	{ CAIRN_KIND_TEMPLATE, { COL(N_("id"), 8, 12, 0), COL(N_("version"), 7, 8, 2),
				 MAIN(N_("title"), 14) } },
	{ CAIRN_KIND_MILESTONE, { COL(N_("id"), 5, 6, 0), COL(N_("deadline"), 10, 10, 1),
				  COL(N_("status"), 8, 8, 3), WHO(N_("owner"), 4),
				  MAIN(N_("title"), 16) } },
	{ CAIRN_KIND_TASK, { COL(N_("id"), 5, 6, 0), COL(N_("due"), 10, 10, 1),
			     COL(N_("status"), 8, 8, 3), WHO(N_("assignee"), 2),
			     COL(N_("milestone"), 9, 9, 4), MAIN(N_("title"), 16) } },
	{ CAIRN_KIND_PILOT, { COL(N_("id"), 8, 10, 0), COL(N_("status"), 9, 10, 1),
			      MAIN(N_("city"), 14), COL(N_("country"), 8, 12, 3),
			      COL(N_("participants"), 12, 12, 2) } },
	{ CAIRN_KIND_EVALUATION, { COL(N_("tool"), 12, 18, 0),
				   { .name = N_("evaluator"), .min = 10, .want = 0, .prio = 0,
				     .person = true },
				   COL(N_("status"), 9, 10, 1), WHO(N_("validator"), 2),
				   COL(N_("answered"), 8, 8, 3) } },
	{ CAIRN_KIND_LIST, { COL(N_("id"), 8, 16, 0), MAIN(N_("title"), 16) } },
	{ CAIRN_KIND_FORM, { MAIN(N_("id"), 8) } },
};

static size_t cell(char *out, size_t room, const char *v, int width, unsigned san);
static const char *person_cell(const rowset *persons, const char *id, int width, char *buf,
			       size_t n);

typedef struct table_state {
	cairn_kind kind;        /* first: the init value */
	int sort;               /* the column sorted on */
} table_state;

static const struct table_columns *columns_of(cairn_kind kind)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (tables[i].kind == kind)
			return &tables[i];
	return &tables[0];
}

static size_t ncols_of(const struct table_columns *t)
{
	size_t n = 0;
	while (n < MAX_COLS && t->cols[n].name)
		n++;
	return n;
}

/* The planned seats of the working group: the seats of each choice of the
 * workbook's list person.category (cairn's own list when it has none). */
static void seats(app *a, lines *out)
{
	const cairn_list *plan = cairn_schema_list("person.category");
	static const char *const cols[] = { "category", "name" };
	int label_w;
	rowset r;

	if (!rows_load(a, &r, CAIRN_KIND_PERSON, cols, 2, NULL, 0, "id"))
		return;
	lines_add_wrapped(out, LS_SECTION, a->cols - 5, "", "  ",
			  _("The group against its planned seats"));
	label_w = a->cols - 4 - 12 - text_width(_("OVER the plan"));
	label_w = label_w > 24 ? 24 : label_w < 6 ? 6 : label_w;
	for (size_t s = 0; plan && s < plan->nchoices; s++) {
		const cairn_choice *seat = &plan->choices[s];
		int have = 0, unnamed = 0, planned = (int)seat->seats;
		char text[256], label[128], held[128];
		if (seat->seats < 0)
			continue;
		/* A placeholder ("... (to be named)") holds a seat, not fills it. */
		for (size_t i = 0; i < r.nrows; i++)
			if (!strcmp(rows_get(&r, i, 0), seat->key)) {
				if (strcasestr(rows_get(&r, i, 1), "(to be named)"))
					unnamed++;
				else
					have++;
			}
		/* More persons than seats, placeholders or not: over the plan. */
		bool over = have + unnamed > planned;
		/* The label padded by columns (a translation's accents), and
		 * narrower on a narrow screen: the counts and the word first. */
		text_pad(cairn_choice_label(seat, i18n_languages()), label_w, label, sizeof label);
		snprintf(text, sizeof text, _("  %s %d of %d %s"), label,
			 over ? have + unnamed : have, planned,
			 over ? _("OVER the plan") : have < planned ? _("SHORT") : _("filled"));
		/* The placeholders after the word, on lines of their own below
		 * it when the screen is too narrow for them. */
		if (unnamed) {
			snprintf(held, sizeof held, P_("(%d seat held, to be named)",
						       "(%d seats held, to be named)", unnamed),
				 unnamed);
			if (text_width(text) + 1 + text_width(held) + 2 <= a->cols) {
				lines_add(out, LS_ALERT, NULL, "%s %s", text, held);
			} else {
				lines_add(out, LS_ALERT, NULL, "%s", text);
				lines_add_wrapped(out, LS_ALERT, a->cols - 8, "      ", "      ", held);
			}
		} else {
			lines_add(out, over || have < planned ? LS_ALERT : LS_TEXT, NULL, "%s",
				  text);
		}
	}
	lines_add(out, LS_TEXT, NULL, "%s", "");
	rows_done(&r);
}

/* SQLite's NOCASE order and equality (ASCII letters folded), the
 * persons' ids' own: the persons rowset, loaded ORDER BY id, is sorted
 * by it, and an id matches as the index matches it. */
static int nocase_cmp(const char *x, const char *y)
{
	for (;; x++, y++) {
		int p = (unsigned char)*x, q = (unsigned char)*y;
		if (p >= 'A' && p <= 'Z')
			p += 'a' - 'A';
		if (q >= 'A' && q <= 'Z')
			q += 'a' - 'A';
		if (p != q || !p)
			return p - q;
	}
}

/* Where id is among persons (id first, in the order of their ids), by
 * binary search: *at, true; false when it is not there. */
static bool person_find(const rowset *persons, const char *id, size_t *at)
{
	size_t lo = 0, hi = persons->nrows;

	while (*id && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = nocase_cmp(rows_get(persons, mid, 0), id);
		if (!c) {
			*at = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The same, the id exactly as the person's (the counts' own match). */
static bool person_at(const rowset *persons, const char *id, size_t *at)
{
	return person_find(persons, id, at) && !strcmp(rows_get(persons, *at, 0), id);
}

/* A person's id as a column shows it (cli_id_and_name), the name from
 * the person records (persons: id, name, in the order of their ids); the
 * id alone when a column of width (0: any) has no room for a few of its
 * letters.  buf, or id.  A binary search: a table of 55,000 evaluations
 * looks up each row's persons among thousands. */
static const char *person_cell(const rowset *persons, const char *id, int width, char *buf,
			       size_t n)
{
	size_t at;

	if (!*id || (width > 0 && text_width(id) + 5 > width))
		return id;
	return person_find(persons, id, &at) ? cli_id_and_name(id, rows_get(persons, at, 1), buf, n)
					     : id;
}

/* Who evaluates each tool, with the evaluation's status: a line per
 * evaluation, the status (padded to the widest a language gives it) before
 * the evaluator's "id (Name)", which the screen cuts with a mark; the tool
 * on a line of its own above them on a narrow screen. */
static void assignments(app *a, lines *out, const rowset *persons)
{
	static const char *const cols[] = { "tool", "evaluator", "status" };
	rowset r;
	int status_w = 0, tool_w = 18;

	if (!rows_load(a, &r, CAIRN_KIND_EVALUATION, cols, 3, NULL, 0, "tool"))
		return;
	lines_add_wrapped(out, LS_SECTION, a->cols - 5, "", "  ",
			  _("Assignments (tool, status, evaluator); a in Evaluations assigns"));
	for (size_t i = 0; i < r.nrows; i++) {
		int w = text_width(choice_shown(CAIRN_KIND_EVALUATION, "status", rows_get(&r, i, 2)));
		if (w > status_w)
			status_w = w;
		if ((w = text_width(rows_get(&r, i, 0))) > tool_w)
			tool_w = w;
	}
	/* The tools' ids whole when a third of the screen holds them, else
	 * each on a line of its own. */
	bool narrow = a->cols < 3 + tool_w + 1 + status_w + 12 || tool_w > a->cols / 3;
	for (size_t i = 0; i < r.nrows;) {
		size_t j = i;

		if (narrow)
			lines_add(out, LS_TEXT, NULL, "  %s", rows_get(&r, i, 0));
		for (; j < r.nrows && !strcmp(rows_get(&r, j, 0), rows_get(&r, i, 0)); j++) {
			char buf[300], status[128], tool[CAIRN_REF_ID_MAX * 4 + 8];
			const char *who = person_cell(persons, rows_get(&r, j, 1), 0, buf, sizeof buf);
			text_pad(choice_shown(CAIRN_KIND_EVALUATION, "status", rows_get(&r, j, 2)),
				 status_w, status, sizeof status);
			text_pad(j == i ? rows_get(&r, i, 0) : "", tool_w, tool, sizeof tool);
			if (narrow)
				lines_add(out, LS_TEXT, NULL, "      %s %s", status, who);
			else
				lines_add(out, LS_TEXT, NULL, "  %s %s %s", tool, status, who);
		}
		i = j;
	}
	lines_add(out, LS_TEXT, NULL, "%s", "");
	rows_done(&r);
}

/* Each person's open work, counted: tasks not done nor dropped, the
 * evaluations they fill in (assigned, draft, returned), those submitted
 * to them to validate.  "id (Name)", cut, then the counts. */
static void work_per_person(app *a, lines *out)
{
	static const char *const pcols[] = { "id", "name" };
	static const char *const tcols[] = { "assignee", "status" };
	static const char *const ecols[] = { "evaluator", "validator", "status" };
	rowset p, t, e;
	char label[300], head[1024], text[1024];
	int label_w, *count;

	if (!rows_load(a, &p, CAIRN_KIND_PERSON, pcols, 2, NULL, 0, "id"))
		return;
	if (!p.nrows || !(count = calloc(p.nrows * 3, sizeof *count))) {
		rows_done(&p);
		return;
	}
	/* Each task and evaluation counted for its person, found by binary
	 * search (30,000 tasks and 55,000 evaluations for 4,500 persons). */
	if (rows_load(a, &t, CAIRN_KIND_TASK, tcols, 2, NULL, 0, NULL)) {
		for (size_t i = 0; i < t.nrows; i++) {
			size_t k;
			if (strcmp(rows_get(&t, i, 1), "done") && strcmp(rows_get(&t, i, 1), "dropped") &&
			    person_at(&p, rows_get(&t, i, 0), &k))
				count[k * 3]++;
		}
		rows_done(&t);
	}
	if (rows_load(a, &e, CAIRN_KIND_EVALUATION, ecols, 3, NULL, 0, NULL)) {
		for (size_t i = 0; i < e.nrows; i++) {
			const char *st = rows_get(&e, i, 2);
			bool fill = !strcmp(st, "assigned") || !strcmp(st, "draft") || !strcmp(st, "returned");
			size_t k;
			if (fill && person_at(&p, rows_get(&e, i, 0), &k))
				count[k * 3 + 1]++;
			if (!strcmp(st, "submitted") && person_at(&p, rows_get(&e, i, 1), &k))
				count[k * 3 + 2]++;
		}
		rows_done(&e);
	}
	/* TRANSLATORS: the heads of three counts, each right-aligned under its
	 * own head: keep them short. */
	const char *h[3] = { _("tasks"), _("to fill"), _("to validate") };
	int hw[3], counts_w = 0;
	bool legend;
	for (int i = 0; i < 3; i++)
		counts_w += (hw[i] = text_width(h[i]) > 3 ? text_width(h[i]) : 3) + 2;
	/* Where the heads leave too little room for a person's id and a few
	 * letters of the name, they go above as a line of their own and the
	 * counts take three columns each. */
	legend = a->cols - 5 - counts_w < 16;
	if (legend)
		for (int i = 0; i < 3; i++)
			counts_w += (hw[i] = 3) + 2 - (text_width(h[i]) > 3 ? text_width(h[i]) : 3) - 2;
	label_w = a->cols - 5 - counts_w;
	label_w = label_w > PERSON_MAX + 10 ? PERSON_MAX + 10 : label_w < 6 ? 6 : label_w;
	lines_add(out, LS_SECTION, NULL, "%s", _("Open work per person"));
	if (legend) {
		snprintf(head, sizeof head, "%s  %s  %s", h[0], h[1], h[2]);
		lines_add_wrapped(out, LS_DIM, a->cols - 5, "  ", "  ", head);
	} else {
		cell(label, sizeof label, "", label_w, a->c->san);
		snprintf(head, sizeof head, "  %s%*s%s  %*s%s  %*s%s", label,
			 hw[0] - text_width(h[0]), "", h[0], hw[1] - text_width(h[1]), "", h[1],
			 hw[2] - text_width(h[2]), "", h[2]);
		lines_add(out, LS_DIM, NULL, "%s", head);
	}
	for (size_t k = 0; k < p.nrows; k++) {
		char who[300];
		cell(label, sizeof label, person_cell(&p, rows_get(&p, k, 0), label_w, who, sizeof who),
		     label_w, a->c->san);
		snprintf(text, sizeof text, "  %s%*d  %*d  %*d", label, hw[0], count[k * 3], hw[1],
			 count[k * 3 + 1], hw[2], count[k * 3 + 2]);
		lines_add(out, LS_TEXT, NULL, "%s", text);
	}
	lines_add(out, LS_TEXT, NULL, "%s", "");
	free(count);
	rows_done(&p);
}

/* A cell: v sanitised, cut to width display columns (0: as long as it
 * is) with an ellipsis marking the cut, and padded to it, with two spaces
 * after; returns the bytes written. */
static size_t cell(char *out, size_t room, const char *v, int width, unsigned san)
{
	bool ascii = san & CAIRN_SAN_ASCII;
	const char *mark = "";
	size_t mw = ascii ? 3 : 1, cols, n;
	char *cut;
	int pad;

	if (width > (int)mw && cairn_display_width(v, san) > (size_t)width) {
		cut = cairn_sanitize_cols(v, (size_t)width - mw, san);
		mark = ascii ? "..." : "\u2026";
	} else {
		cut = cairn_sanitize_cols(v, width > 0 ? (size_t)width : (size_t)-1, san);
	}
	if (!cut)
		return 0;
	cols = cairn_display_width(cut, san) + (*mark ? mw : 0);
	pad = width > (int)cols ? width - (int)cols : 0;
	n = (size_t)snprintf(out, room, "%s%s%*s  ", cut, mark, pad, "");
	free(cut);
	return n < room ? n : room - 1;
}

/* The widths at a screen of cols columns, below zero for a column left
 * out.  Each shown column starts at its min; while they do not fit, the
 * column of the highest prio (the rightmost of equals) goes.  The room
 * left goes, in turn, to the short columns up to their want (ids, dates,
 * statuses: whole), to the main column up to MAIN_WANT (a title one can
 * read), to the person columns up to theirs (a name beside each id), and
 * what is still left to the main column. */
static void layout(int cols, const struct table_columns *tc, size_t n, int *w)
{
	int used = 2, room, main = -1;

	for (size_t c = 0; c < n; c++) {
		const table_column *col = &tc->cols[c];
		w[c] = col->min;
		if (!col->want) {
			main = (int)c;
			if (w[c] < cols / 4)
				w[c] = cols / 4;
		}
		used += w[c] + 2;
	}
	while (used > cols) {
		int drop = -1;
		for (size_t c = 0; c < n; c++)
			if (w[c] >= 0 && tc->cols[c].prio > 0 &&
			    (drop < 0 || tc->cols[c].prio >= tc->cols[drop].prio))
				drop = (int)c;
		if (drop < 0)
			break;
		used -= w[drop] + 2;
		w[drop] = -1;
	}
	room = cols - used;
	for (int stage = 0; stage < 3 && room > 0; stage++)
		for (size_t c = 0; c < n && room > 0; c++) {
			const table_column *col = &tc->cols[c];
			int want = (int)c == main ? MAIN_WANT : col->want, grow;
			if (w[c] < 0 || (stage == 0 && (col->person || (int)c == main)) ||
			    (stage == 1 && (int)c != main) || (stage == 2 && !col->person))
				continue;
			grow = want - w[c] < room ? want - w[c] : room;
			if (grow > 0) {
				w[c] += grow;
				room -= grow;
			}
		}
	/* The last column needs no gap after it: its two columns are the
	 * main column's too. */
	room += 2;
	if (main >= 0 && room > 0)
		w[main] += room;
	/* On a screen too narrow for even the main column, the edge cuts it. */
	if (main >= 0 && room < 0 && w[main] + room < 4)
		w[main] = 0;
	else if (main >= 0 && room < 0)
		w[main] += room;
}

/* One row of the table, straight from the index into a line: a table
 * of 55,000 evaluations is never held twice. */
typedef struct row_ctx {
	app *a;
	const table_state *t;
	const struct table_columns *tc;
	size_t ncols;
	lines *out;
	size_t rows;
	const int *widths;
	const rowset *persons;
} row_ctx;

static cairn_status add_row(const char *const *values, void *ctx, cairn_error *err)
{
	row_ctx *r = ctx;
	char row[1024], target[200], shown[300];
	size_t used = 0;

	(void)err;
	for (size_t c = 0; c < r->ncols && used < sizeof row - 1; c++) {
		const char *v = values[c];
		const cairn_field_def *f = cairn_kind_field(r->t->kind, r->tc->cols[c].name);
		if (r->widths[c] < 0)
			continue;
		if (f && f->type == CAIRN_F_DATE) {
			cli_date(r->a->c, v, shown, sizeof shown);
			v = shown;
		} else if (r->tc->cols[c].person) {
			v = person_cell(r->persons, v, r->widths[c], shown, sizeof shown);
		} else if (f && f->type == CAIRN_F_ENUM) {
			v = choice_shown(r->t->kind, f->name, v);
		}
		used += cell(row + used, sizeof row - used, v, r->widths[c], r->a->c->san);
	}
	if (r->t->kind == CAIRN_KIND_EVALUATION)
		snprintf(target, sizeof target, "evaluation/%s/%s", values[0], values[1]);
	else
		snprintf(target, sizeof target, "%s/%s", cairn_kind_def_of(r->t->kind)->name, values[0]);
	if (!lines_add(r->out, LS_TEXT, target, "%s", row))
		return cairn_fail(err, CAIRN_ENOMEM, "out of memory");
	r->rows++;
	return CAIRN_OK;
}

static void table_build(app *a, void *state, lines *out)
{
	static const char *const person_cols[] = { "id", "name" };
	const char *names[MAX_COLS];
	table_state *t = state;
	const struct table_columns *tc = columns_of(t->kind);
	size_t n = ncols_of(tc);
	int widths[MAX_COLS];
	rowset persons;
	row_ctx r = { a, t, tc, n, out, 0, widths, &persons };
	char head[512];
	size_t used = 0;
	cairn_error err;

	memset(&persons, 0, sizeof persons);
	layout(a->cols, tc, n, widths);
	if (t->kind == CAIRN_KIND_PERSON)
		seats(a, out);
	for (size_t c = 0; c < n; c++)
		names[c] = tc->cols[c].name;
	/* The persons' names, once: for a person column and the tools'
	 * assignments. */
	for (size_t c = 0; c <= n; c++)
		if (c == n ? t->kind == CAIRN_KIND_TOOL : tc->cols[c].person && widths[c] >= 0) {
			rows_load(a, &persons, CAIRN_KIND_PERSON, person_cols, 2, NULL, 0, "id");
			break;
		}
	if (t->kind == CAIRN_KIND_TOOL)
		assignments(a, out, &persons);
	for (size_t c = 0; c < n; c++) {
		size_t k;
		if (widths[c] < 0)
			continue;
		k = cell(head + used, sizeof head - used, _(names[c]), widths[c], a->c->san);
		used += k;
		if ((int)c == t->sort && k >= 2)
			head[used - 2] = '^';
	}
	lines_add(out, LS_HEAD, NULL, "%s", head);
	if (cairn_index_rows(cairn_wb_index(a->wb), t->kind, names, n, NULL, 0, names[t->sort],
			     0, add_row, &r, &err) != CAIRN_OK)
		app_message(a, true, "%s", err.msg);
	rows_done(&persons);
	if (!r.rows)
		lines_add(out, LS_DIM, NULL, "%s", _("  none yet: press a to add one"));
	/* Below the table, in reach of j and G: each person's open work. */
	if (t->kind == CAIRN_KIND_PERSON && r.rows) {
		lines_add(out, LS_TEXT, NULL, "%s", "");
		work_per_person(a, out);
	}
}

/* "ID field=value field="value with spaces"": the words as `:` splits
 * them (words_split, quotes kept together and taken off), the first the
 * id; a word without '=' goes on the value before it, so that
 * title=Map of needs needs no quotes either. */
static size_t split_fields(char *text, char **id, const char **keys, const char **values,
			   size_t max, char **joined)
{
	char *words[64];
	int nw = words_split(text, words, 64);
	cairn_buf b = CAIRN_BUF_INIT;
	size_t n = 0, starts[32];

	*id = nw > 0 ? words[0] : text + strlen(text);
	*joined = NULL;
	/* The values are joined into one buffer: "key\0value\0key\0value". */
	for (int w = 1; w < nw; w++) {
		char *eq = strchr(words[w], '=');
		if (eq && eq > words[w] && n < max) {
			if (b.len)
				cairn_buf_add(&b, "", 1);
			starts[n++] = b.len;
			cairn_buf_add(&b, words[w], (size_t)(eq - words[w]));
			cairn_buf_add(&b, "", 1);
			cairn_buf_adds(&b, eq + 1);
		} else if (n) {
			cairn_buf_printf(&b, " %s", words[w]);
		}
	}
	cairn_buf_add(&b, "", 1);
	*joined = cairn_buf_detach(&b, NULL);
	if (!*joined)
		return 0;
	for (size_t i = 0; i < n; i++) {
		keys[i] = *joined + starts[i];
		values[i] = keys[i] + strlen(keys[i]) + 1;
	}
	return n;
}

void add_record(app *a, cairn_kind kind, const char *preset_key, const char *preset_value)
{
	char question[128], *text, *id, *retry = NULL, *joined;
	const char *keys[32], *values[32];
	cairn_save_result res;
	cairn_error err;
	cairn_edit e;
	size_t n;
	bool ok;

	/* TRANSLATORS: the kind and "ID" or "TOOL/EVALUATOR" stay as typed. */
	if (preset_key)
		/* TRANSLATORS: "new task for M3 (ID field=value ...):"; the kind,
		 * the field and "ID" stay as typed. */
		snprintf(question, sizeof question, _("new %s for %s (%s field=value ...):"),
			 cairn_kind_def_of(kind)->name, preset_value, "ID");
	else
		snprintf(question, sizeof question, _("new %s (%s field=value ...):"),
			 cairn_kind_def_of(kind)->name,
			 kind == CAIRN_KIND_EVALUATION ? "TOOL/EVALUATOR" : "ID");
	/* A refused record comes back in the prompt, the reason above it. */
	while ((text = app_prompt(a, question, retry))) {
		free(retry);
		retry = strdup(text);
		n = split_fields(text, &id, keys, values, 31, &joined);
		if (preset_key) {
			bool typed = false;
			for (size_t i = 0; i < n; i++)
				typed = typed || !strcmp(keys[i], preset_key);
			if (!typed) {
				keys[n] = preset_key;
				values[n++] = preset_value;
			}
		}
		memset(&e, 0, sizeof e);
		e.op = CAIRN_EDIT_ADD;
		e.ref.kind = kind;
		snprintf(e.ref.id, sizeof e.ref.id, "%s", id);
		e.keys = keys;
		e.values = values;
		e.n = n;
		memset(&res, 0, sizeof res);
		ok = false;
		if (!*id)
			app_message(a, true, "%s", _("a new record needs an id first"));
		else if (cairn_wb_save(a->wb, &e, 1, NULL, &res, &err) != CAIRN_OK)
			app_message(a, true, "%s", err.msg);
		else
			ok = true;
		if (ok)
			app_message(a, false, _("saved %.12s  %s"), res.commit.hex,
				    res.message ? res.message : "");
		cairn_save_result_done(&res);
		free(text);
		free(joined);
		if (ok || !retry || tui_hangup)
			break;
	}
	free(retry);
	app_rebuild(a);
}

static bool table_act(app *a, void *state, tui_action act)
{
	table_state *t = state;
	const line *sel = lines_selected(&a->stack[a->depth - 1].lines);

	switch (act) {
	case ACT_ENTER:
		if (sel && sel->target)
			app_push(a, &record_view, sel->target, strlen(sel->target) + 1, sel->target);
		return true;
	case ACT_SORT:
	{
		/* To the next column the screen shows. */
		const struct table_columns *tc = columns_of(t->kind);
		int n = (int)ncols_of(tc), w[MAX_COLS];
		layout(a->cols, tc, (size_t)n, w);
		for (int i = 0; i < n; i++) {
			t->sort = (t->sort + 1) % n;
			if (w[t->sort] >= 0)
				break;
		}
		app_rebuild(a);
		app_message(a, false, _("sorted by %s"), _(tc->cols[t->sort].name));
	}
		return true;
	case ACT_ADD:
		add_record(a, t->kind, NULL, NULL);
		return true;
	default:
		return false;
	}
}

const view_ops table_view = {
	.name = "table",
	.state_size = sizeof(table_state),
	.build = table_build,
	.act = table_act,
};
