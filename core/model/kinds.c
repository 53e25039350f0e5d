/* The model: every kind of record, its fields, and the checks values pass
 * (see include/cairn/kinds.h).  This table is the one place a field is
 * declared: the record order, the index columns and the command line all
 * read it. */
#include "cairn/kinds.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn/buf.h"
#include "cairn/date.h"
#include "cairn/i18n.h"
#include "model/qlabels.h"

static const char *const status_choices[] = { "planned", "active", "done", "dropped", NULL };
static const char *const category_choices[] = {
	"brussels-wg", "eip-commitment", "city-network", "industry", "commission", "other", NULL };
static const char *const role_choices[] = { "leader", "key-person", "reviewer", NULL };
static const char *const tool_kind_choices[] = {
	"co-design", "co-creation", "platform", "other", NULL };
static const char *const eval_status_choices[] = {
	"assigned", "draft", "submitted", "returned", "validated", NULL };
static const char *const network_choices[] = {
	"eurocities", "polis", "scc-project", "other", NULL };
static const char *const pilot_status_choices[] = {
	"candidate", "selected", "testing", "done", "withdrawn", NULL };

/* Labels (l) are for people: marked for translation, shown with _(). */
#define TEXT(n, l, req)       { n, l, CAIRN_F_TEXT, NULL, CAIRN_KIND_NONE, req, true }
#define LONG(n, l)            { n, l, CAIRN_F_LONGTEXT, NULL, CAIRN_KIND_NONE, false, false }
#define DATE(n, l, req)       { n, l, CAIRN_F_DATE, NULL, CAIRN_KIND_NONE, req, true }
#define ENUM(n, l, c, req)    { n, l, CAIRN_F_ENUM, c, CAIRN_KIND_NONE, req, true }
#define REF(n, l, k, req)     { n, l, CAIRN_F_REF, NULL, CAIRN_KIND_##k, req, true }
#define COUNT(n, l)           { n, l, CAIRN_F_COUNT, NULL, CAIRN_KIND_NONE, false, true }
#define TYPED(n, l, t, req)   { n, l, t, NULL, CAIRN_KIND_NONE, req, true }

static const cairn_field_def person_fields[] = {
	TEXT("name", N_("Name"), true),
	TEXT("email", N_("E-mail"), false),
	TEXT("organisation", N_("Organisation"), false),
	ENUM("category", N_("Category"), category_choices, true),
	ENUM("role", N_("Role"), role_choices, true),
};

static const cairn_field_def target_fields[] = {
	TEXT("label", N_("Label"), true),
	TYPED("minimum", N_("Minimum share (%)"), CAIRN_F_PERCENT, true),
};

static const cairn_field_def tool_fields[] = {
	TEXT("name", N_("Name"), true),
	TYPED("url", N_("Web address"), CAIRN_F_URL, false),
	TEXT("origin", N_("Origin"), false),
	ENUM("kind", N_("Kind"), tool_kind_choices, true),
	LONG("description", N_("Description")),
	TYPED("example", N_("Shipped as an example"), CAIRN_F_YESNO, false),
	/* Who may not evaluate it (cairn_wb_distribute): person ids. */
	LONG("excluded", N_("Not evaluated by (person ids)")),
};

static const cairn_field_def template_fields[] = {
	TEXT("title", N_("Title"), true),
	TYPED("version", N_("Version"), CAIRN_F_VERSION, true),
	LONG("description", N_("Description")),
	LONG("questions", N_("Questions (one key per line)")),
};

static const cairn_field_def milestone_fields[] = {
	TEXT("title", N_("Title"), true),
	LONG("description", N_("Description")),
	DATE("deadline", N_("Deadline"), false),
	TEXT("result", N_("Result (deliverable)"), false),
	REF("owner", N_("Owner"), PERSON, false),
	ENUM("status", N_("Status"), status_choices, true),
	DATE("done", N_("Done on"), false),
	LONG("note", N_("Note")),
};

static const cairn_field_def task_fields[] = {
	TEXT("title", N_("Title"), true),
	REF("milestone", N_("Milestone"), MILESTONE, false),
	REF("assignee", N_("Assignee"), PERSON, false),
	DATE("due", N_("Due"), false),
	ENUM("status", N_("Status"), status_choices, true),
	LONG("notes", N_("Notes")),
};

static const cairn_field_def pilot_fields[] = {
	TEXT("city", N_("City"), true),
	TEXT("country", N_("Country"), false),
	ENUM("network", N_("Network"), network_choices, false),
	REF("contact", N_("Contact person"), PERSON, false),
	TEXT("topic", N_("Topic"), false),
	ENUM("status", N_("Status"), pilot_status_choices, true),
	DATE("start", N_("Start"), false),
	DATE("end", N_("End"), false),
	COUNT("participants", N_("Participants")),
	COUNT("women", N_("Women")),
	COUNT("men", N_("Men")),
	COUNT("other", N_("Other or undisclosed")),
	COUNT("migrants", N_("Migrants")),
	COUNT("peripheries", N_("Peripheries and poorest neighbourhoods")),
	COUNT("aged65", N_("Aged 65+")),
	LONG("results", N_("Results")),
};

static const cairn_field_def evaluation_fields[] = {
	REF("template", N_("Template"), TEMPLATE, true),
	TYPED("template_version", N_("Template version"), CAIRN_F_VERSION, false),
	REF("validator", N_("Validator"), PERSON, false),
	ENUM("status", N_("Status"), eval_status_choices, true),
	LONG("comments", N_("Reviewer comments")),
	TYPED("good_practice", N_("Good practice"), CAIRN_F_YESNO, false),
	TYPED("success_story", N_("Success story"), CAIRN_F_YESNO, false),
	/* The fingerprint of the answers a validation saw (core/workbook/workflow.c):
	 * one line, and no column of the index. */
	{ "validated_answers", N_("Validated answers (fingerprint)"), CAIRN_F_TEXT, NULL,
	  CAIRN_KIND_NONE, false, false },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const person_order[] = { "name", "email", "organisation", "category", "role", NULL };
static const char *const target_order[] = { "label", "minimum", NULL };
static const char *const tool_order[] = {
	"name", "url", "origin", "kind", "description", "example", "excluded", NULL };
static const char *const template_order[] = { "title", "version", "description", "questions", NULL };
static const char *const milestone_order[] = {
	"title", "description", "deadline", "result", "owner", "status", "done", "note", NULL };
static const char *const task_order[] = {
	"title", "milestone", "assignee", "due", "status", "notes", NULL };
static const char *const pilot_order[] = {
	"city", "country", "network", "contact", "topic", "status", "start", "end",
	"participants", "women", "men", "other", "migrants", "peripheries", "aged65",
	"results", NULL };
static const char *const evaluation_order[] = {
	"template", "template_version", "validator", "status", "comments", "good_practice",
	"success_story", "validated_answers", NULL };

static const cairn_kind_def kind_table[CAIRN_KIND_COUNT] = {
	[CAIRN_KIND_PERSON] = { CAIRN_KIND_PERSON, "person", "persons", person_fields,
		N(person_fields), NULL, person_order, "a short name such as maria or j.smith" },
	[CAIRN_KIND_TARGET] = { CAIRN_KIND_TARGET, "target", "targets", target_fields,
		N(target_fields), NULL, target_order,
		"a pilot group: women, men, other, migrants, peripheries or aged65" },
	[CAIRN_KIND_TOOL] = { CAIRN_KIND_TOOL, "tool", "tools", tool_fields, N(tool_fields),
		NULL, tool_order, "a short name such as fixmystreet" },
	[CAIRN_KIND_TEMPLATE] = { CAIRN_KIND_TEMPLATE, "template", "templates", template_fields,
		N(template_fields), "q.", template_order, "a short name such as m4" },
	[CAIRN_KIND_MILESTONE] = { CAIRN_KIND_MILESTONE, "milestone", "milestones",
		milestone_fields, N(milestone_fields), NULL, milestone_order, "M1, M2, ..." },
	[CAIRN_KIND_TASK] = { CAIRN_KIND_TASK, "task", "tasks", task_fields, N(task_fields),
		NULL, task_order, "a short name such as T12 or webinar-invites" },
	[CAIRN_KIND_PILOT] = { CAIRN_KIND_PILOT, "pilot", "pilots", pilot_fields,
		N(pilot_fields), NULL, pilot_order, "a short name such as lyon or slot-01" },
	[CAIRN_KIND_EVALUATION] = { CAIRN_KIND_EVALUATION, "evaluation", "evaluations",
		evaluation_fields, N(evaluation_fields), "answer.", evaluation_order,
		"TOOL/EVALUATOR, such as fixmystreet/maria" },
};

const cairn_kind_def *cairn_kind_def_of(cairn_kind kind)
{
	if (kind < 0 || kind >= CAIRN_KIND_COUNT)
		return NULL;
	return &kind_table[kind];
}

cairn_kind cairn_kind_by_name(const char *name)
{
	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		if (!strcmp(name, kind_table[k].name) || !strcmp(name, kind_table[k].folder))
			return (cairn_kind)k;
	return CAIRN_KIND_NONE;
}

const cairn_field_def *cairn_kind_field(cairn_kind kind, const char *name)
{
	const cairn_kind_def *def = cairn_kind_def_of(kind);
	if (!def)
		return NULL;
	for (size_t i = 0; i < def->nfields; i++)
		if (!strcmp(def->fields[i].name, name))
			return &def->fields[i];
	return NULL;
}

const char *cairn_kind_names(void)
{
	return "person, target, tool, template, milestone, task, pilot, evaluation";
}

const char *cairn_ftype_name(cairn_ftype t)
{
	static const char *const names[] = {
		[CAIRN_F_TEXT] = "text", [CAIRN_F_LONGTEXT] = "long text",
		[CAIRN_F_DATE] = "date", [CAIRN_F_ENUM] = "choice",
		[CAIRN_F_REF] = "reference", [CAIRN_F_COUNT] = "count",
		[CAIRN_F_PERCENT] = "percentage", [CAIRN_F_YESNO] = "yes/no",
		[CAIRN_F_VERSION] = "version", [CAIRN_F_URL] = "web address",
	};
	return (unsigned)t < N(names) ? names[t] : "?";
}

/* ---- values ---- */

static char *dup_trimmed(const char *s)
{
	size_t len;
	char *out;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

static void choices_list(cairn_buf *b, const char *const *choices)
{
	for (size_t i = 0; choices[i]; i++)
		cairn_buf_printf(b, "%s%s", i ? ", " : "", choices[i]);
}

/* Parse a decimal number the way a person writes it ("12", "12.5", "12,5");
 * false for anything else.  strtod alone would take "1e3", "inf" and hex. */
static bool parse_decimal(const char *s, double *out)
{
	char tmp[64];
	size_t n = 0;
	bool dot = false, digits = false;

	if (*s == '-' || *s == '+')
		tmp[n++] = *s++;
	for (; *s; s++) {
		if (n + 1 >= sizeof tmp)
			return false;
		if (isdigit((unsigned char)*s)) {
			digits = true;
			tmp[n++] = *s;
		} else if ((*s == '.' || *s == ',') && !dot) {
			dot = true;
			tmp[n++] = '.';
		} else {
			return false;
		}
	}
	tmp[n] = '\0';
	if (!digits)
		return false;
	*out = strtod(tmp, NULL);
	return isfinite(*out);
}

/* The stored form of a number: no trailing zeros, '.' as the separator. */
static char *format_number(double v)
{
	char tmp[64];
	size_t len;

	snprintf(tmp, sizeof tmp, "%.6f", v);
	len = strlen(tmp);
	while (len && tmp[len - 1] == '0')
		tmp[--len] = '\0';
	if (len && tmp[len - 1] == '.')
		tmp[--len] = '\0';
	if (!strcmp(tmp, "-0"))
		strcpy(tmp, "0");
	return strdup(tmp);
}

static bool parse_whole(const char *s, long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !*end && errno == 0 && *out <= 1000000000000LL;
}

static bool yesno_value(const char *s, const char **out)
{
	static const char *const yes[] = { "yes", "y", "true", "1", "on", NULL };
	static const char *const no[] = { "no", "n", "false", "0", "off", NULL };
	for (size_t i = 0; yes[i]; i++)
		if (!strcasecmp(s, yes[i])) {
			*out = "yes";
			return true;
		}
	for (size_t i = 0; no[i]; i++)
		if (!strcasecmp(s, no[i])) {
			*out = "no";
			return true;
		}
	return false;
}

static cairn_status id_shape(const char *name, const char *v, cairn_error *err)
{
	size_t len = strlen(v);

	if (len == 0 || len > 64 || !isalnum((unsigned char)v[0]))
		goto bad;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("._-", v[i]))
			goto bad;
	return CAIRN_OK;
bad:
	return cairn_fail(err, CAIRN_EINPUT,
			  "%s: '%s' is not an id: an id is 1-64 letters, digits, '.', '_' or '-', "
			  "starting with a letter or digit", name, v);
}

cairn_status cairn_value_normalize(const cairn_field_def *f, const char *input,
				   const char *date_fmt, char **out, cairn_error *err)
{
	const char *problem;
	char *v = NULL;
	cairn_status st = CAIRN_OK;

	*out = NULL;
	problem = cairn_record_value_problem(input);
	if (problem)
		return cairn_fail(err, CAIRN_EINPUT, "%s: the value %s", f->name, problem);
	if (f->type == CAIRN_F_LONGTEXT) {
		/* Long text is kept exactly as typed. */
		*out = strdup(input);
		return *out ? CAIRN_OK : cairn_oom(err);
	}
	v = dup_trimmed(input);
	if (!v)
		return cairn_oom(err);
	if (strchr(v, '\n')) {
		st = cairn_fail(err, CAIRN_EINPUT,
				"%s: a %s field holds one line; remove the line break",
				f->name, cairn_ftype_name(f->type));
		goto done;
	}
	if (!*v) {
		if (f->required)
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: is required and may not be empty"),
					f->name);
		goto done;
	}
	switch (f->type) {
	case CAIRN_F_TEXT:
	case CAIRN_F_LONGTEXT:
		break;
	case CAIRN_F_URL:
		if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
			st = cairn_fail(err, CAIRN_EINPUT,
					_("%s: '%s' is not a web address: write it with http:// or https://"),
					f->name, v);
		break;
	case CAIRN_F_DATE: {
		cairn_date d;
		st = cairn_date_parse(v, date_fmt, &d, err);
		if (st != CAIRN_OK) {
			cairn_error_prefix(err, "%s", f->name);
			break;
		}
		free(v);
		v = malloc(11);
		if (!v)
			return cairn_oom(err);
		cairn_date_iso(d, v, 11);
		break;
	}
	case CAIRN_F_ENUM: {
		size_t i;
		for (i = 0; f->choices[i]; i++)
			if (!strcasecmp(v, f->choices[i]))
				break;
		if (!f->choices[i]) {
			cairn_buf b = CAIRN_BUF_INIT;
			choices_list(&b, f->choices);
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: '%s' is not one of: %s"), f->name, v,
					cairn_buf_str(&b));
			cairn_buf_done(&b);
			break;
		}
		free(v);
		v = strdup(f->choices[i]);
		break;
	}
	case CAIRN_F_REF:
		st = id_shape(f->name, v, err);
		break;
	case CAIRN_F_COUNT:
	case CAIRN_F_VERSION: {
		long long n;
		long long lo = f->type == CAIRN_F_VERSION ? 1 : 0;
		if (!parse_whole(v, &n) || n < lo) {
			st = cairn_fail(err, CAIRN_EINPUT, "%s: '%s' is not a whole number%s", f->name,
					v, lo ? " of 1 or more" : " (0 or more)");
			break;
		}
		free(v);
		v = malloc(24);
		if (v)
			snprintf(v, 24, "%lld", n);
		break;
	}
	case CAIRN_F_PERCENT: {
		double d;
		size_t len = strlen(v);
		if (len && v[len - 1] == '%') {
			v[--len] = '\0';
			while (len && v[len - 1] == ' ')
				v[--len] = '\0';
		}
		if (!parse_decimal(v, &d) || d < 0 || d > 100) {
			st = cairn_fail(err, CAIRN_EINPUT,
					"%s: '%s' is not a percentage: write a number from 0 to 100",
					f->name, v);
			break;
		}
		free(v);
		v = format_number(d);
		break;
	}
	case CAIRN_F_YESNO: {
		const char *yn;
		if (!yesno_value(v, &yn)) {
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: '%s' is not yes or no"), f->name, v);
			break;
		}
		free(v);
		v = strdup(yn);
		break;
	}
	}
done:
	if (st != CAIRN_OK) {
		free(v);
		return st;
	}
	if (!v)
		return cairn_oom(err);
	*out = v;
	return CAIRN_OK;
}

cairn_status cairn_value_check(const cairn_field_def *f, const char *value, cairn_error *err)
{
	char *norm = NULL;
	cairn_status st;

	if (f->type == CAIRN_F_DATE && *value) {
		cairn_date d;
		/* Stored dates are ISO only: dd/mm/yyyy in a record is a mistake. */
		st = cairn_date_parse_iso(value, &d, err);
		if (st != CAIRN_OK)
			return cairn_error_prefix(err, "%s", f->name);
		return CAIRN_OK;
	}
	st = cairn_value_normalize(f, value, "yyyy-mm-dd", &norm, err);
	if (st == CAIRN_OK && strcmp(norm, value) != 0 && f->type != CAIRN_F_TEXT &&
	    f->type != CAIRN_F_URL && f->type != CAIRN_F_REF)
		st = cairn_fail(err, CAIRN_EINPUT, "%s: '%s' is not in its stored form; write '%s'",
				f->name, value, norm);
	free(norm);
	return st;
}

/* ---- templates and answers ---- */

static const struct {
	const char *name, *label;
} qtype_table[] = {
#define CAIRN_QTYPE_ROW(id, name, label) { name, label },
	CAIRN_QTYPE_LIST(CAIRN_QTYPE_ROW)
#undef CAIRN_QTYPE_ROW
};

const char *cairn_qtype_name(cairn_qtype t)
{
	return (unsigned)t < CAIRN_Q_COUNT ? qtype_table[t].name : "?";
}

const char *cairn_qtype_label(cairn_qtype t)
{
	return (unsigned)t < CAIRN_Q_COUNT ? qtype_table[t].label : "?";
}

static bool qtype_by_name(const char *name, cairn_qtype *out)
{
	for (int t = 0; t < CAIRN_Q_COUNT; t++)
		if (!strcmp(name, qtype_table[t].name)) {
			*out = (cairn_qtype)t;
			return true;
		}
	return false;
}

/* Split text into lines (a new array of new strings). */
static char **split_lines(const char *text, size_t *n)
{
	char **lines = NULL;
	size_t count = 0;
	const char *p = text;

	*n = 0;
	if (!*text)
		return NULL;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char **grown = realloc(lines, (count + 1) * sizeof *lines);
		if (!grown)
			goto oom;
		lines = grown;
		lines[count] = malloc(len + 1);
		if (!lines[count])
			goto oom;
		memcpy(lines[count], p, len);
		lines[count][len] = '\0';
		count++;
		if (!nl)
			break;
		p = nl + 1;
	}
	*n = count;
	return lines;
oom:
	for (size_t i = 0; i < count; i++)
		free(lines[i]);
	free(lines);
	return NULL;
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void cairn_template_done(cairn_template *tpl)
{
	for (size_t i = 0; i < tpl->nquestions; i++) {
		cairn_question *q = &tpl->questions[i];
		free(q->key);
		free(q->prompt);
		free(q->help);
		cairn_qlabels_free(q);
		free_lines(q->choices, q->nchoices);
	}
	free(tpl->questions);
	free(tpl->id);
	free(tpl->title);
	memset(tpl, 0, sizeof *tpl);
}

static const char *qfield(const cairn_record *rec, const char *key, const char *what,
			  char *name, size_t n)
{
	snprintf(name, n, "q.%s.%s", key, what);
	return cairn_record_get(rec, name);
}

static cairn_status question_from_record(const char *tid, const cairn_record *rec,
					 const char *key, cairn_question *q, cairn_error *err)
{
	char name[CAIRN_KEY_MAX + 32];
	const char *v;

	if (!cairn_record_key_valid(key) || strchr(key, '.'))
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: questions: '%s' is not a question key: use lower-case "
				  "letters, digits, '_' or '-'", tid, key);
	q->key = strdup(key);
	v = qfield(rec, key, "prompt", name, sizeof name);
	if (!v || !*v)
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: every question needs a prompt",
				  tid, name);
	q->prompt = strdup(v);
	v = qfield(rec, key, "help", name, sizeof name);
	q->help = strdup(v ? v : "");
	v = qfield(rec, key, "type", name, sizeof name);
	if (!v || !qtype_by_name(v, &q->type))
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: %s: '%s' is not a question type; use one of: text, "
				  "longtext, yesno, single, multiple, scale, number, percent, date",
				  tid, name, v ? v : "");
	v = qfield(rec, key, "required", name, sizeof name);
	if (v && strcmp(v, "yes") && strcmp(v, "no"))
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: write yes or no", tid, name);
	q->required = v && !strcmp(v, "yes");
	v = qfield(rec, key, "choices", name, sizeof name);
	if (q->type == CAIRN_Q_SINGLE || q->type == CAIRN_Q_MULTIPLE) {
		if (!v || !*v)
			return cairn_fail(err, CAIRN_EINPUT,
					  "template/%s: %s: a %s question needs choices, one per line",
					  tid, name, cairn_qtype_label(q->type));
		q->choices = split_lines(v, &q->nchoices);
		for (size_t i = 0; i < q->nchoices; i++) {
			if (!*q->choices[i])
				return cairn_fail(err, CAIRN_EINPUT,
						  "template/%s: %s: choice %zu is empty", tid, name,
						  i + 1);
			for (size_t j = 0; j < i; j++)
				if (!strcasecmp(q->choices[i], q->choices[j]))
					return cairn_fail(err, CAIRN_EINPUT,
							  "template/%s: %s: '%s' is listed twice",
							  tid, name, q->choices[i]);
		}
	} else if (v) {
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: %s: only single and multiple choice questions have "
				  "choices", tid, name);
	}
	v = qfield(rec, key, "min", name, sizeof name);
	if (v && !(q->has_min = parse_decimal(v, &q->min)))
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: '%s' is not a number", tid,
				  name, v);
	v = qfield(rec, key, "max", name, sizeof name);
	if (v && !(q->has_max = parse_decimal(v, &q->max)))
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: %s: '%s' is not a number", tid,
				  name, v);
	if ((q->has_min || q->has_max) && q->type != CAIRN_Q_NUMBER)
		return cairn_fail(err, CAIRN_EINPUT,
				  "template/%s: q.%s: only number questions have min and max", tid, key);
	if (q->has_min && q->has_max && q->min > q->max)
		return cairn_fail(err, CAIRN_EINPUT, "template/%s: q.%s: min is above max", tid, key);
	if (!q->key || !q->prompt || !q->help)
		return cairn_oom(err);
	return CAIRN_OK;
}

static const char *const question_parts[] = {
	"prompt", "type", "choices", "required", "help", "min", "max", NULL };

cairn_status cairn_template_from_record(const char *id, const cairn_record *rec,
					cairn_template *tpl, cairn_error *err)
{
	const char *v;
	char **keys;
	size_t nkeys;
	cairn_status st = CAIRN_OK;

	memset(tpl, 0, sizeof *tpl);
	tpl->id = strdup(id);
	v = cairn_record_get(rec, "title");
	tpl->title = strdup(v ? v : "");
	v = cairn_record_get(rec, "version");
	tpl->version = v ? atoi(v) : 1;
	if (!tpl->id || !tpl->title) {
		cairn_template_done(tpl);
		return cairn_oom(err);
	}
	v = cairn_record_get(rec, "questions");
	keys = split_lines(v ? v : "", &nkeys);
	if (nkeys) {
		tpl->questions = calloc(nkeys, sizeof *tpl->questions);
		if (!tpl->questions) {
			free_lines(keys, nkeys);
			cairn_template_done(tpl);
			return cairn_oom(err);
		}
	}
	for (size_t i = 0; i < nkeys && st == CAIRN_OK; i++) {
		for (size_t j = 0; j < i; j++)
			if (!strcmp(keys[i], keys[j]))
				st = cairn_fail(err, CAIRN_EINPUT,
						"template/%s: questions: '%s' is listed twice", id,
						keys[i]);
		if (st == CAIRN_OK) {
			tpl->nquestions++;
			st = question_from_record(id, rec, keys[i], &tpl->questions[i], err);
		}
	}
	/* Every q.K.part must belong to a listed question and be a known part;
	 * q.K.part.LANG is a label in another language (core/model/qlabels.c). */
	for (size_t i = 0; i < rec->nfields && st == CAIRN_OK; i++) {
		const char *k = rec->fields[i].key, *dot;
		char qkey[CAIRN_KEY_MAX + 1];
		size_t p;
		if (strncmp(k, "q.", 2))
			continue;
		dot = strchr(k + 2, '.');
		if (dot && strchr(dot + 1, '.'))
			continue;
		if (!dot || (size_t)(dot - (k + 2)) >= sizeof qkey) {
			st = cairn_fail(err, CAIRN_EINPUT,
					"template/%s: %s: a question field is q.KEY.PART", id, k);
			break;
		}
		memcpy(qkey, k + 2, (size_t)(dot - (k + 2)));
		qkey[dot - (k + 2)] = '\0';
		for (p = 0; question_parts[p]; p++)
			if (!strcmp(dot + 1, question_parts[p]))
				break;
		if (!question_parts[p])
			st = cairn_fail(err, CAIRN_EINPUT,
					"template/%s: %s: '%s' is not a question part (prompt, type, "
					"choices, required, help, min, max)", id, k, dot + 1);
		else if (!cairn_template_question(tpl, qkey))
			st = cairn_fail(err, CAIRN_EINPUT,
					"template/%s: %s: question '%s' is not listed in questions; add "
					"it there or remove this field", id, k, qkey);
	}
	if (st == CAIRN_OK)
		st = cairn_qlabels_read(id, rec, tpl, err);
	free_lines(keys, nkeys);
	if (st != CAIRN_OK)
		cairn_template_done(tpl);
	return st;
}

const cairn_question *cairn_template_question(const cairn_template *tpl, const char *key)
{
	for (size_t i = 0; i < tpl->nquestions; i++)
		if (!strcmp(tpl->questions[i].key, key))
			return &tpl->questions[i];
	return NULL;
}

static cairn_status choice_lookup(const cairn_question *q, const char *v, size_t *index,
				  cairn_error *err)
{
	for (size_t i = 0; i < q->nchoices; i++)
		if (!strcasecmp(v, q->choices[i])) {
			*index = i;
			return CAIRN_OK;
		}
	/* A label in any language names the same choice: the key is stored. */
	for (size_t l = 0; l < q->nlabels; l++)
		for (size_t i = 0; q->labels[l].choices && i < q->nchoices; i++)
			if (!strcasecmp(v, q->labels[l].choices[i])) {
				*index = i;
				return CAIRN_OK;
			}
	{
		cairn_buf b = CAIRN_BUF_INIT;
		for (size_t i = 0; i < q->nchoices; i++)
			cairn_buf_printf(&b, "%s'%s'", i ? ", " : "", q->choices[i]);
		cairn_fail(err, CAIRN_EINPUT, _("answer.%s: '%s' is not one of the choices: %s"),
			   q->key, v, cairn_buf_str(&b));
		cairn_buf_done(&b);
	}
	return CAIRN_EINPUT;
}

static cairn_status multiple_normalize(const cairn_question *q, const char *input, char **out,
				       cairn_error *err)
{
	bool *picked = calloc(q->nchoices ? q->nchoices : 1, sizeof *picked);
	char **parts;
	size_t nparts, idx;
	cairn_status st = CAIRN_OK;
	cairn_buf b = CAIRN_BUF_INIT;

	if (!picked)
		return cairn_oom(err);
	/* One choice per line; a single line that is not itself a choice may
	 * list them separated by commas. */
	parts = split_lines(input, &nparts);
	if (nparts == 1) {
		char *t = dup_trimmed(parts[0]);
		cairn_error ignore;
		if (t && strchr(t, ',') && choice_lookup(q, t, &idx, &ignore) != CAIRN_OK) {
			free_lines(parts, nparts);
			nparts = 0;
			parts = NULL;
			for (char *s = t, *comma; s; s = comma ? comma + 1 : NULL) {
				char **grown;
				comma = strchr(s, ',');
				if (comma)
					*comma = '\0';
				grown = realloc(parts, (nparts + 1) * sizeof *parts);
				if (!grown)
					break;
				parts = grown;
				parts[nparts++] = strdup(s);
			}
		}
		free(t);
	}
	for (size_t i = 0; i < nparts && st == CAIRN_OK; i++) {
		char *t = dup_trimmed(parts[i] ? parts[i] : "");
		if (!t) {
			st = cairn_oom(err);
			break;
		}
		if (*t) {
			st = choice_lookup(q, t, &idx, err);
			if (st == CAIRN_OK)
				picked[idx] = true;
		}
		free(t);
	}
	free_lines(parts, nparts);
	for (size_t i = 0; i < q->nchoices && st == CAIRN_OK; i++)
		if (picked[i])
			cairn_buf_printf(&b, "%s%s", b.len ? "\n" : "", q->choices[i]);
	free(picked);
	if (st == CAIRN_OK) {
		*out = cairn_buf_detach(&b, NULL);
		if (!*out)
			st = cairn_oom(err);
	}
	cairn_buf_done(&b);
	return st;
}

cairn_status cairn_answer_normalize(const cairn_question *q, const char *input,
				    const char *date_fmt, char **out, cairn_error *err)
{
	cairn_field_def f = { 0 };
	char name[CAIRN_KEY_MAX + 16];
	cairn_status st;

	*out = NULL;
	snprintf(name, sizeof name, "answer.%s", q->key);
	f.name = name;
	switch (q->type) {
	case CAIRN_Q_TEXT:
		f.type = CAIRN_F_TEXT;
		break;
	case CAIRN_Q_LONGTEXT:
		f.type = CAIRN_F_LONGTEXT;
		break;
	case CAIRN_Q_YESNO:
		f.type = CAIRN_F_YESNO;
		break;
	case CAIRN_Q_PERCENT:
		f.type = CAIRN_F_PERCENT;
		break;
	case CAIRN_Q_DATE:
		f.type = CAIRN_F_DATE;
		break;
	case CAIRN_Q_MULTIPLE:
		if (cairn_record_value_problem(input))
			return cairn_fail(err, CAIRN_EINPUT, "%s: the value %s", name,
					  cairn_record_value_problem(input));
		return multiple_normalize(q, input, out, err);
	case CAIRN_Q_SINGLE: {
		char *t = dup_trimmed(input);
		size_t idx;
		if (!t)
			return cairn_oom(err);
		if (!*t) {
			*out = t;
			return CAIRN_OK;
		}
		st = choice_lookup(q, t, &idx, err);
		free(t);
		if (st == CAIRN_OK && !(*out = strdup(q->choices[idx])))
			st = cairn_oom(err);
		return st;
	}
	case CAIRN_Q_SCALE:
	case CAIRN_Q_NUMBER: {
		char *t = dup_trimmed(input);
		double d;
		if (!t)
			return cairn_oom(err);
		if (!*t) {
			*out = t;
			return CAIRN_OK;
		}
		if (!parse_decimal(t, &d)) {
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: '%s' is not a number"), name, t);
		} else if (q->type == CAIRN_Q_SCALE && (d < 1 || d > 5 || d != floor(d))) {
			st = cairn_fail(err, CAIRN_EINPUT,
					_("%s: '%s' is not on the scale: write a whole number from 1 to 5"),
					name, t);
		} else if ((q->has_min && d < q->min) || (q->has_max && d > q->max)) {
			char *lo = format_number(q->min), *hi = format_number(q->max);
			cairn_buf range = CAIRN_BUF_INIT;
			if (q->has_min)
				cairn_buf_printf(&range, "at least %s", lo ? lo : "?");
			if (q->has_max)
				cairn_buf_printf(&range, "%sat most %s", q->has_min ? ", " : "",
						 hi ? hi : "?");
			st = cairn_fail(err, CAIRN_EINPUT, "%s: %s is out of range: write %s", name,
					t, cairn_buf_str(&range));
			cairn_buf_done(&range);
			free(lo);
			free(hi);
		} else {
			st = CAIRN_OK;
			*out = format_number(d);
			if (!*out)
				st = cairn_oom(err);
		}
		free(t);
		return st;
	}
	case CAIRN_Q_COUNT:
		break;
	}
	return cairn_value_normalize(&f, input, date_fmt, out, err);
}

/* ---- whole records ---- */

static bool evaluation_on_version(const cairn_record *rec, const cairn_template *tpl)
{
	const char *v = cairn_record_get(rec, "template_version");
	return !v || !*v || atoi(v) == tpl->version;
}

cairn_status cairn_record_validate(cairn_kind kind, const char *id, const cairn_record *rec,
				   const cairn_template *tpl, cairn_error *err)
{
	const cairn_kind_def *def = cairn_kind_def_of(kind);
	cairn_status st;

	for (size_t i = 0; i < def->nfields; i++) {
		const cairn_field_def *f = &def->fields[i];
		const char *v = cairn_record_get(rec, f->name);
		if (!v || !*v) {
			if (f->required)
				return cairn_fail(err, CAIRN_EINPUT,
						  "%s/%s: %s: is required; set it with %s=VALUE",
						  def->name, id, f->name, f->name);
			continue;
		}
		st = cairn_value_check(f, v, err);
		if (st != CAIRN_OK)
			return cairn_error_prefix(err, "%s/%s", def->name, id);
	}
	if (kind == CAIRN_KIND_TEMPLATE) {
		cairn_template t;
		st = cairn_template_from_record(id, rec, &t, err);
		if (st == CAIRN_OK)
			cairn_template_done(&t);
		return st;
	}
	if (kind == CAIRN_KIND_TARGET) {
		static const char *const groups[] = {
			"women", "men", "other", "migrants", "peripheries", "aged65", NULL };
		size_t g;
		for (g = 0; groups[g]; g++)
			if (!strcmp(id, groups[g]))
				break;
		if (!groups[g])
			return cairn_fail(err, CAIRN_EINPUT,
					  "target/%s: a target is named after a pilot group: women, men, "
					  "other, migrants, peripheries or aged65", id);
	}
	/* Answers given on an older version of the template stay as they were
	 * given: they are checked against the version they answered, not
	 * against today's questions. */
	if (kind == CAIRN_KIND_EVALUATION && tpl && evaluation_on_version(rec, tpl)) {
		for (size_t i = 0; i < rec->nfields; i++) {
			const char *k = rec->fields[i].key;
			const cairn_question *q;
			char *norm = NULL;
			if (strncmp(k, "answer.", 7))
				continue;
			q = cairn_template_question(tpl, k + 7);
			if (!q)
				return cairn_fail(err, CAIRN_EINPUT,
						  "evaluation/%s: %s: template %s has no question '%s'",
						  id, k, tpl->id, k + 7);
			st = cairn_answer_normalize(q, rec->fields[i].value, "yyyy-mm-dd", &norm, err);
			if (st == CAIRN_OK && strcmp(norm, rec->fields[i].value) &&
			    q->type != CAIRN_Q_TEXT)
				st = cairn_fail(err, CAIRN_EINPUT,
						"%s: '%s' is not in its stored form; write '%s'", k,
						rec->fields[i].value, norm);
			free(norm);
			if (st != CAIRN_OK)
				return cairn_error_prefix(err, "evaluation/%s", id);
		}
	}
	return CAIRN_OK;
}

void cairn_record_canonical(cairn_kind kind, cairn_record *rec)
{
	cairn_record_sort(rec, cairn_kind_def_of(kind)->order);
}

void cairn_evaluation_progress(const cairn_record *rec, const cairn_template *tpl,
			       size_t *answered, size_t *missing_required,
			       const char **first_missing)
{
	char key[CAIRN_KEY_MAX + 16];

	*answered = *missing_required = 0;
	if (first_missing)
		*first_missing = NULL;
	for (size_t i = 0; i < tpl->nquestions; i++) {
		const cairn_question *q = &tpl->questions[i];
		const char *v;
		snprintf(key, sizeof key, "answer.%s", q->key);
		v = cairn_record_get(rec, key);
		if (v && *v) {
			(*answered)++;
		} else if (q->required) {
			if (first_missing && !*first_missing)
				*first_missing = q->key;
			(*missing_required)++;
		}
	}
}
