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
#include "model/value.h"

static const char *const status_choices[] = { "planned", "active", "done", "dropped", NULL };
static const char *const role_choices[] = { "leader", "key-person", "reviewer", NULL };
static const char *const eval_status_choices[] = {
	"assigned", "draft", "submitted", "returned", "validated", NULL };
static const char *const pilot_status_choices[] = {
	"candidate", "selected", "testing", "done", "withdrawn", NULL };

/* Labels (l) are for people: marked for translation, shown with _(). */
#define TEXT(n, l, req)       { n, l, CAIRN_F_TEXT, NULL, \
			CAIRN_KIND_NONE, req, true, false, NULL, NULL }
#define LONG(n, l)            { n, l, CAIRN_F_LONGTEXT, NULL, \
			CAIRN_KIND_NONE, false, false, false, NULL, NULL }
#define DATE(n, l, req)       { n, l, CAIRN_F_DATE, NULL, \
			CAIRN_KIND_NONE, req, true, false, NULL, NULL }
#define ENUM(n, l, c, req)    { n, l, CAIRN_F_ENUM, c, \
			CAIRN_KIND_NONE, req, true, false, NULL, NULL }
/* A choice field the group describes: its choices are the workbook's list
 * KIND.FIELD, or cairn's built-in one (include/cairn/schema.h), filled in
 * by core/model/schema.c. */
#define LISTED(n, l, req)     { n, l, CAIRN_F_ENUM, NULL, \
			CAIRN_KIND_NONE, req, true, true, NULL, NULL }
#define REF(n, l, k, req)     { n, l, CAIRN_F_REF, NULL, \
			CAIRN_KIND_##k, req, true, false, NULL, NULL }
#define COUNT(n, l)           { n, l, CAIRN_F_COUNT, NULL, \
			CAIRN_KIND_NONE, false, true, false, NULL, NULL }
#define TYPED(n, l, t, req)   { n, l, t, NULL, CAIRN_KIND_NONE, req, true, false, NULL, NULL }

static const cairn_field_def person_fields[] = {
	TEXT("name", N_("Name"), true),
	TEXT("email", N_("E-mail"), false),
	TEXT("organisation", N_("Organisation"), false),
	LISTED("category", N_("Category"), true),
	ENUM("role", N_("Role"), role_choices, true),
	/* Who pushes to the shared repository (cairn guard): the gitolite,
	 * https or Unix user; one line, not a column of the index. */
	{ "login", N_("Login on the shared repository"), CAIRN_F_TEXT, NULL, CAIRN_KIND_NONE,
	  false, false, false, NULL, NULL },
};

/* A choice list of the group's own (include/cairn/schema.h): per choice,
 * c.KEY.label, c.KEY.label.LANG, c.KEY.seats and c.KEY.count. */
static const cairn_field_def list_fields[] = {
	TEXT("title", N_("Title"), false),
	LONG("choices", N_("Choices (one key per line)")),
};

/* The extra fields of a kind (include/cairn/schema.h): its id is the
 * kind's name, its fields a template's questions (q.KEY.type, ...). */
static const cairn_field_def form_fields[] = {
	LONG("questions", N_("Fields (one key per line)")),
};

static const cairn_field_def target_fields[] = {
	TEXT("label", N_("Label"), true),
	TYPED("minimum", N_("Minimum share (%)"), CAIRN_F_PERCENT, true),
};

static const cairn_field_def tool_fields[] = {
	TEXT("name", N_("Name"), true),
	TYPED("url", N_("Web address"), CAIRN_F_URL, false),
	TEXT("origin", N_("Origin"), false),
	LISTED("kind", N_("Kind"), true),
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
	LISTED("network", N_("Network"), false),
	REF("contact", N_("Contact person"), PERSON, false),
	TEXT("topic", N_("Topic"), false),
	ENUM("status", N_("Status"), pilot_status_choices, true),
	DATE("start", N_("Start"), false),
	DATE("end", N_("End"), false),
	/* After participants, the count of each inclusion group (the list
	 * inclusion: include/cairn/schema.h), filled in by schema.c. */
	COUNT("participants", N_("Participants")),
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
	/* The fingerprint of the answers a validation saw (core/model/rules.c):
	 * one line, and no column of the index. */
	{ "validated_answers", N_("Validated answers (fingerprint)"), CAIRN_F_TEXT, NULL,
	  CAIRN_KIND_NONE, false, false, false, NULL, NULL },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const cairn_kind_def kind_table[CAIRN_KIND_COUNT] = {
	[CAIRN_KIND_LIST] = { CAIRN_KIND_LIST, "list", "lists", list_fields, N(list_fields), "c.",
		"the field it lists, such as person.category or pilot.network, or inclusion" },
	[CAIRN_KIND_FORM] = { CAIRN_KIND_FORM, "form", "forms", form_fields, N(form_fields), "q.",
		"the kind whose fields it adds, such as person or pilot" },
	[CAIRN_KIND_PERSON] = { CAIRN_KIND_PERSON, "person", "persons", person_fields,
		N(person_fields), NULL, "a short name such as maria or j.smith" },
	[CAIRN_KIND_TARGET] = { CAIRN_KIND_TARGET, "target", "targets", target_fields,
		N(target_fields), NULL,
		"an inclusion group: a choice of the list inclusion (cairn show list/inclusion)" },
	[CAIRN_KIND_TOOL] = { CAIRN_KIND_TOOL, "tool", "tools", tool_fields, N(tool_fields),
		NULL, "a short name such as fixmystreet" },
	[CAIRN_KIND_TEMPLATE] = { CAIRN_KIND_TEMPLATE, "template", "templates", template_fields,
		N(template_fields), "q.", "a short name such as m4" },
	[CAIRN_KIND_MILESTONE] = { CAIRN_KIND_MILESTONE, "milestone", "milestones",
		milestone_fields, N(milestone_fields), NULL, "M1, M2, ..." },
	[CAIRN_KIND_TASK] = { CAIRN_KIND_TASK, "task", "tasks", task_fields, N(task_fields),
		NULL, "a short name such as T12 or webinar-invites" },
	[CAIRN_KIND_PILOT] = { CAIRN_KIND_PILOT, "pilot", "pilots", pilot_fields,
		N(pilot_fields), NULL, "a short name such as lyon or slot-01" },
	[CAIRN_KIND_EVALUATION] = { CAIRN_KIND_EVALUATION, "evaluation", "evaluations",
		evaluation_fields, N(evaluation_fields), "answer.",
		"TOOL/EVALUATOR, such as fixmystreet/maria" },
};

/* cairn's own table, before any list fills in its choices and counts;
 * cairn_kind_def_of (core/model/schema.c) answers with the kinds as the
 * workbook's schema makes them. */
const cairn_kind_def *kinds_builtin_def(cairn_kind kind)
{
	if (kind < 0 || kind >= CAIRN_KIND_COUNT)
		return NULL;
	return &kind_table[kind];
}

const cairn_field_def *kinds_builtin_field(cairn_kind kind, const char *name)
{
	const cairn_kind_def *def = kinds_builtin_def(kind);
	for (size_t i = 0; def && i < def->nfields; i++)
		if (!strcmp(def->fields[i].name, name))
			return &def->fields[i];
	return NULL;
}

const cairn_kind_def *cairn_kind_builtin_def_of(cairn_kind kind)
{
	return kinds_builtin_def(kind);
}

cairn_kind cairn_kind_by_name(const char *name)
{
	for (int k = 0; k < CAIRN_KIND_COUNT; k++)
		if (!strcmp(name, kind_table[k].name) || !strcmp(name, kind_table[k].folder))
			return (cairn_kind)k;
	return CAIRN_KIND_NONE;
}

const char *cairn_kind_names(void)
{
	return "person, target, tool, template, milestone, task, pilot, evaluation, list, form";
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

char *dup_trimmed(const char *s)
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

/* The choices for a message: the first dozen of a long list, and how many. */
static void choices_list(cairn_buf *b, const char *const *choices)
{
	size_t i;
	for (i = 0; choices[i] && i < 12; i++)
		cairn_buf_printf(b, "%s%s", i ? ", " : "", choices[i]);
	if (choices[i]) {
		size_t n = i;
		while (choices[n])
			n++;
		cairn_buf_printf(b, ", ... (%zu choices in all)", n);
	}
}

/* Parse a decimal number the way a person writes it ("12", "12.5", "12,5");
 * false for anything else.  strtod alone would take "1e3", "inf" and hex. */
bool parse_decimal(const char *s, double *out)
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
char *format_number(double v)
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

/* A number is stored with at most 6 places (format_number), exact to 15
 * digits: one written with more would be stored as another number. */
bool digits_kept(const char *t)
{
	size_t whole = 0, places = 0, zeros = 0;
	bool point = false, lead = true;

	for (; *t; t++) {
		if (*t == '.' || *t == ',')
			point = true;
		else if (!isdigit((unsigned char)*t))
			continue;
		else if (point) {
			zeros = *t == '0' ? zeros + 1 : 0;
			places++;
		} else if (!(lead && *t == '0')) {
			lead = false;
			whole++;
		}
	}
	places -= zeros;
	return places <= 6 && whole + places <= 15;
}

/* The first choice listed again (ignoring case), as a person reading down
 * the list meets it: sorted, so that a peer's 100,000 choices take no
 * quadratic time at every start.  -1: none; -2: out of memory. */
typedef struct { const char *s; size_t i; } at_choice;

static int by_choice(const void *a, const void *b)
{
	const at_choice *x = a, *y = b;
	int c = strcasecmp(x->s, y->s);
	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

size_t choice_twice(char **choices, size_t n)
{
	at_choice *v = malloc((n ? n : 1) * sizeof *v);
	size_t first = (size_t)-1;

	if (!v)
		return (size_t)-2;
	for (size_t i = 0; i < n; i++)
		v[i] = (at_choice){ choices[i], i };
	qsort(v, n, sizeof *v, by_choice);
	for (size_t i = 1; i < n; i++)
		if (!strcasecmp(v[i].s, v[i - 1].s) && (i < 2 || strcasecmp(v[i - 1].s, v[i - 2].s)) &&
		    v[i].i < first)
			first = v[i].i;
	free(v);
	return first;
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

cairn_status value_normalize_plain(const cairn_field_def *f, const char *input,
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
		static const char *const none[] = { NULL };
		const char *const *choices = f->choices ? f->choices : none;
		size_t i;
		for (i = 0; choices[i]; i++)
			if (!strcasecmp(v, choices[i]))
				break;
		if (!choices[i]) {
			cairn_buf b = CAIRN_BUF_INIT;
			choices_list(&b, choices);
			st = cairn_fail(err, CAIRN_EINPUT, _("%s: '%s' is not one of: %s"), f->name, v,
					cairn_buf_str(&b));
			cairn_buf_done(&b);
			break;
		}
		free(v);
		v = strdup(choices[i]);
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

cairn_status value_check_plain(const cairn_field_def *f, const char *value, cairn_error *err)
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
	st = value_normalize_plain(f, value, "yyyy-mm-dd", &norm, err);
	if (st == CAIRN_OK && strcmp(norm, value) != 0 && f->type != CAIRN_F_TEXT &&
	    f->type != CAIRN_F_URL && f->type != CAIRN_F_REF)
		st = cairn_fail(err, CAIRN_EINPUT, "%s: '%s' is not in its stored form; write '%s'",
				f->name, value, norm);
	free(norm);
	return st;
}
