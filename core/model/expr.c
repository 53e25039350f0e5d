/* The expression language of questionnaire logic (include/cairn/expr.h):
 * a recursive-descent parser into a flat array of nodes, and an evaluator
 * over an evaluation's answers.  Both are bounded: the text by
 * CAIRN_EXPR_MAX_LEN, the nesting by CAIRN_EXPR_MAX_DEPTH, and evaluation
 * visits each node once, so a hostile template costs at most a few
 * thousand steps per question.
 *
 * Grammar, loosest first:
 *   or   := and { "or" and }
 *   and  := not { "and" not }
 *   not  := "not" not | cmp
 *   cmp  := sum [ ("=" | "!=" | "<" | "<=" | ">" | ">=") sum ]
 *   sum  := prod { ("+" | "-") prod }
 *   prod := unit { ("*" | "/") unit }
 *   unit := "-" unit | NUMBER | STRING | "${" KEY "}" | "." | "true" |
 *           "false" | NAME "(" args ")" | "(" or ")"
 */
#include "cairn/expr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/record.h"
#include "model/value.h"

typedef enum op {
	OP_NUM, OP_STR, OP_REF, OP_SELF, OP_TRUE, OP_FALSE,
	OP_NOT, OP_NEG, OP_AND, OP_OR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV,
	OP_SELECTED, OP_ANSWERED, OP_COUNT
} op;

typedef struct node {
	op op;
	int a, b;               /* operands: node indexes, -1 for none */
	double num;
	char *str;              /* a string literal, or a question key */
} node;

struct cairn_expr {
	node *nodes;
	size_t n;
	int root;
	char **refs;
	size_t nrefs;
	bool self;
};

typedef struct parser {
	const char *text;
	size_t pos;
	int depth;
	cairn_expr *e;
	cairn_error *err;
	size_t err_at;
	bool failed;
} parser;

/* ---- building ---- */

/* The error's position in characters, as a person counts them: the UTF-8
 * continuation bytes before it are not characters of their own. */
static int fail(parser *p, size_t at, const char *what)
{
	if (!p->failed) {
		size_t chars = 1;
		for (size_t i = 0; i < at && p->text[i]; i++)
			chars += ((unsigned char)p->text[i] & 0xC0) != 0x80;
		p->failed = true;
		p->err_at = chars;
		cairn_fail(p->err, CAIRN_EINPUT, "at character %zu: %s", chars, what);
	}
	return -1;
}

static int add(parser *p, op o, int a, int b)
{
	node *grown;

	if (p->failed)
		return -1;
	if (!(grown = realloc(p->e->nodes, (p->e->n + 1) * sizeof *grown))) {
		p->failed = true;
		cairn_oom(p->err);
		return -1;
	}
	p->e->nodes = grown;
	grown[p->e->n] = (node){ .op = o, .a = a, .b = b };
	return (int)p->e->n++;
}

static bool note_ref(parser *p, const char *key)
{
	char **grown;

	for (size_t i = 0; i < p->e->nrefs; i++)
		if (!strcmp(p->e->refs[i], key))
			return true;
	if (!(grown = realloc(p->e->refs, (p->e->nrefs + 1) * sizeof *grown)))
		return false;
	p->e->refs = grown;
	if (!(grown[p->e->nrefs] = strdup(key)))
		return false;
	p->e->nrefs++;
	return true;
}

/* ---- reading tokens ---- */

static void skip_space(parser *p)
{
	while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t' || p->text[p->pos] == '\n')
		p->pos++;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (c >= '0' && c <= '9');
}

/* The word at the current position ("and", "selected"), if it is w. */
static bool word(parser *p, const char *w)
{
	size_t n = strlen(w);

	skip_space(p);
	if (strncmp(p->text + p->pos, w, n) || is_word_char(p->text[p->pos + n]))
		return false;
	p->pos += n;
	return true;
}

static bool punct(parser *p, const char *s)
{
	size_t n = strlen(s);

	skip_space(p);
	if (strncmp(p->text + p->pos, s, n))
		return false;
	/* "<" must not take the first half of "<=", nor "=" of a "==" typo. */
	if (n == 1 && (s[0] == '<' || s[0] == '>' || s[0] == '!') && p->text[p->pos + 1] == '=')
		return false;
	p->pos += n;
	return true;
}

static int parse_or(parser *p);

/* ${key}: a question of the same template. */
static int parse_ref(parser *p)
{
	size_t start = p->pos, len;
	char key[CAIRN_KEY_MAX + 1];
	int n;

	p->pos += 2;
	len = strcspn(p->text + p->pos, "}");
	if (!p->text[p->pos + len])
		return fail(p, start, "'${' without its '}'");
	if (!len || len > CAIRN_KEY_MAX)
		return fail(p, start, "'${...}' names a question by its key, as in ${measures}");
	memcpy(key, p->text + p->pos, len);
	key[len] = '\0';
	if (!cairn_record_key_valid(key) || strchr(key, '.'))
		return fail(p, p->pos, "a question key has lower-case letters, digits, '_' or '-'");
	p->pos += len + 1;
	if ((n = add(p, OP_REF, -1, -1)) < 0)
		return -1;
	if (!(p->e->nodes[n].str = strdup(key)) || !note_ref(p, key)) {
		p->failed = true;
		cairn_oom(p->err);
		return -1;
	}
	return n;
}

static int parse_string(parser *p)
{
	char quote = p->text[p->pos];
	size_t start = p->pos, len;
	int n;

	len = strcspn(p->text + start + 1, quote == '\'' ? "'" : "\"");
	if (!p->text[start + 1 + len])
		return fail(p, start, "a text without its closing quote");
	p->pos = start + len + 2;
	if ((n = add(p, OP_STR, -1, -1)) < 0)
		return -1;
	if (!(p->e->nodes[n].str = strndup(p->text + start + 1, len))) {
		p->failed = true;
		cairn_oom(p->err);
		return -1;
	}
	return n;
}

static int parse_number(parser *p)
{
	size_t start = p->pos, end = start;
	char buf[64];
	int n;

	while (p->text[end] >= '0' && p->text[end] <= '9')
		end++;
	if (p->text[end] == '.' && p->text[end + 1] >= '0' && p->text[end + 1] <= '9')
		for (end++; p->text[end] >= '0' && p->text[end] <= '9'; end++)
			;
	if (end - start >= sizeof buf || is_word_char(p->text[end]))
		return fail(p, start, "not a number: write it as 12 or 2.5");
	memcpy(buf, p->text + start, end - start);
	buf[end - start] = '\0';
	p->pos = end;
	if ((n = add(p, OP_NUM, -1, -1)) >= 0)
		p->e->nodes[n].num = strtod(buf, NULL);
	return n;
}

/* A question operand of a function: ${key} or ".". */
static int parse_question(parser *p, const char *fn)
{
	skip_space(p);
	if (!strncmp(p->text + p->pos, "${", 2))
		return parse_ref(p);
	if (p->text[p->pos] == '.' && !(p->text[p->pos + 1] >= '0' && p->text[p->pos + 1] <= '9')) {
		p->pos++;
		p->e->self = true;
		return add(p, OP_SELF, -1, -1);
	}
	(void)fn;
	return fail(p, p->pos, "this function takes a question: ${key} or .");
}

static const struct {
	const char *name;
	op op;
	bool takes_choice;
} functions[] = {
	{ "selected", OP_SELECTED, true },
	{ "answered", OP_ANSWERED, false },
	{ "count", OP_COUNT, false },
};

static int parse_call(parser *p, size_t start)
{
	size_t len = 0, f;
	int q, c = -1;

	while (is_word_char(p->text[start + len]))
		len++;
	for (f = 0; f < sizeof functions / sizeof *functions; f++)
		if (strlen(functions[f].name) == len && !strncmp(functions[f].name, p->text + start, len))
			break;
	if (f == sizeof functions / sizeof *functions)
		return fail(p, start, "unknown word: use ${key} for a question, 'text' for a "
			    "text, and the functions selected, answered, count");
	p->pos = start + len;
	if (!punct(p, "("))
		return fail(p, p->pos, "expected '(' after the function's name");
	if ((q = parse_question(p, functions[f].name)) < 0)
		return -1;
	if (functions[f].takes_choice) {
		if (!punct(p, ","))
			return fail(p, p->pos, "selected takes a question and a choice: "
				    "selected(${q}, 'choice')");
		skip_space(p);
		if (p->text[p->pos] != '\'' && p->text[p->pos] != '"')
			return fail(p, p->pos, "the choice is a text in quotes: 'choice'");
		if ((c = parse_string(p)) < 0)
			return -1;
	}
	if (!punct(p, ")"))
		return fail(p, p->pos, "expected ')' to close the function");
	return add(p, functions[f].op, q, c);
}

static int parse_unit(parser *p)
{
	char c;
	int n;

	skip_space(p);
	c = p->text[p->pos];
	if (++p->depth > CAIRN_EXPR_MAX_DEPTH)
		return fail(p, p->pos, "nested too deeply");
	if (punct(p, "-")) {
		n = parse_unit(p);
		n = n < 0 ? -1 : add(p, OP_NEG, n, -1);
	} else if (punct(p, "(")) {
		n = parse_or(p);
		if (n >= 0 && !punct(p, ")"))
			n = fail(p, p->pos, "expected ')'");
	} else if (!strncmp(p->text + p->pos, "${", 2)) {
		n = parse_ref(p);
	} else if (c == '\'' || c == '"') {
		n = parse_string(p);
	} else if (c >= '0' && c <= '9') {
		n = parse_number(p);
	} else if (c == '.') {
		p->pos++;
		p->e->self = true;
		n = add(p, OP_SELF, -1, -1);
	} else if (word(p, "true")) {
		n = add(p, OP_TRUE, -1, -1);
	} else if (word(p, "false")) {
		n = add(p, OP_FALSE, -1, -1);
	} else if (is_word_char(c)) {
		n = parse_call(p, p->pos);
	} else {
		n = fail(p, p->pos, c ? "expected a value: ${key}, a number, 'text' or '('"
				   : "the expression ends where a value was expected");
	}
	p->depth--;
	return n;
}

static int parse_binary(parser *p, int (*operand)(parser *), const char *const *ops,
			const op *codes)
{
	int left = operand(p);

	while (left >= 0) {
		size_t i;
		for (i = 0; ops[i]; i++)
			if (is_word_char(ops[i][0]) ? word(p, ops[i]) : punct(p, ops[i]))
				break;
		if (!ops[i])
			break;
		int right = operand(p);
		left = right < 0 ? -1 : add(p, codes[i], left, right);
	}
	return left;
}

static int parse_prod(parser *p)
{
	static const char *const ops[] = { "*", "/", NULL };
	static const op codes[] = { OP_MUL, OP_DIV };
	return parse_binary(p, parse_unit, ops, codes);
}

static int parse_sum(parser *p)
{
	static const char *const ops[] = { "+", "-", NULL };
	static const op codes[] = { OP_ADD, OP_SUB };
	return parse_binary(p, parse_prod, ops, codes);
}

static int parse_cmp(parser *p)
{
	static const char *const ops[] = { "<=", ">=", "!=", "=", "<", ">", NULL };
	static const op codes[] = { OP_LE, OP_GE, OP_NE, OP_EQ, OP_LT, OP_GT };
	int left = parse_sum(p);

	for (size_t i = 0; left >= 0 && ops[i]; i++)
		if (punct(p, ops[i])) {
			int right = parse_sum(p);
			left = right < 0 ? -1 : add(p, codes[i], left, right);
			break;
		}
	return left;
}

static int parse_not(parser *p)
{
	int n;

	if (!word(p, "not"))
		return parse_cmp(p);
	if (++p->depth > CAIRN_EXPR_MAX_DEPTH)
		return fail(p, p->pos, "nested too deeply");
	n = parse_not(p);
	p->depth--;
	return n < 0 ? -1 : add(p, OP_NOT, n, -1);
}

static int parse_and(parser *p)
{
	static const char *const ops[] = { "and", NULL };
	static const op codes[] = { OP_AND };
	return parse_binary(p, parse_not, ops, codes);
}

static int parse_or(parser *p)
{
	static const char *const ops[] = { "or", NULL };
	static const op codes[] = { OP_OR };
	return parse_binary(p, parse_and, ops, codes);
}

cairn_status cairn_expr_parse(const char *text, cairn_expr **out, size_t *at,
			      cairn_error *err)
{
	parser p = { .text = text, .err = err };

	*out = NULL;
	if (at)
		*at = 0;
	if (strlen(text) > CAIRN_EXPR_MAX_LEN)
		return cairn_fail(err, CAIRN_EINPUT, "longer than %d characters",
				  CAIRN_EXPR_MAX_LEN);
	if (!(p.e = calloc(1, sizeof *p.e)))
		return cairn_oom(err);
	p.e->root = parse_or(&p);
	skip_space(&p);
	if (!p.failed && text[p.pos])
		fail(&p, p.pos, "expected 'and', 'or', an operator or the end");
	if (p.failed) {
		if (at)
			*at = p.err_at;
		cairn_expr_free(p.e);
		return err ? err->code : CAIRN_EINPUT;
	}
	*out = p.e;
	return CAIRN_OK;
}

void cairn_expr_free(cairn_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->nodes[i].str);
	for (size_t i = 0; i < e->nrefs; i++)
		free(e->refs[i]);
	free(e->nodes);
	free(e->refs);
	free(e);
}

size_t cairn_expr_nrefs(const cairn_expr *e)
{
	return e->nrefs;
}

const char *cairn_expr_ref(const cairn_expr *e, size_t i)
{
	return i < e->nrefs ? e->refs[i] : NULL;
}

bool cairn_expr_reads_self(const cairn_expr *e)
{
	return e->self;
}

bool cairn_expr_selected(const cairn_expr *e, size_t i, const char **key, const char **choice)
{
	for (size_t n = 0; n < e->n; n++) {
		const node *s = &e->nodes[n];
		if (s->op != OP_SELECTED || i--)
			continue;
		*key = e->nodes[s->a].op == OP_SELF ? NULL : e->nodes[s->a].str;
		*choice = e->nodes[s->b].str;
		return true;
	}
	return false;
}

/* ---- evaluating ---- */

typedef enum vtype { V_NONE, V_NUM, V_STR, V_BOOL } vtype;

typedef struct value {
	vtype t;
	double num;
	const char *s;
	bool b;
} value;

typedef struct evaluation {
	const cairn_expr *e;
	cairn_expr_answers answers;
	void *ctx;
	const char *self;
} evaluation;

static value answer_value(const char *s)
{
	return s && *s ? (value){ .t = V_STR, .s = s } : (value){ .t = V_NONE };
}

static bool as_number(value v, double *d)
{
	if (v.t == V_NUM) {
		*d = v.num;
		return true;
	}
	return v.t == V_STR && parse_decimal(v.s, d);
}

static bool truth(value v)
{
	switch (v.t) {
	case V_BOOL:
		return v.b;
	case V_NUM:
		return v.num != 0;
	case V_STR:
		return *v.s && strcmp(v.s, "no");
	case V_NONE:
		break;
	}
	return false;
}

static value the_answer(const evaluation *ev, const node *n)
{
	return answer_value(n->op == OP_SELF ? ev->self : ev->answers(ev->ctx, n->str));
}

static bool holds_choice(const char *answer, const char *choice)
{
	size_t len = strlen(choice);

	for (const char *p = answer; p && *p;) {
		size_t l = strcspn(p, "\n");
		if (l == len && !strncmp(p, choice, len))
			return true;
		p += l;
		if (*p)
			p++;
	}
	return false;
}

static value eval(const evaluation *ev, int i);

static value compare(op o, value l, value r)
{
	double x, y;
	int c;

	if (l.t == V_NONE || r.t == V_NONE) {
		/* Unanswered equals only unanswered or ''; it is never more or less. */
		bool same = (l.t == V_NONE || (l.t == V_STR && !*l.s)) &&
			    (r.t == V_NONE || (r.t == V_STR && !*r.s));
		if (o == OP_EQ || o == OP_NE)
			return (value){ .t = V_BOOL, .b = (o == OP_EQ) == same };
		return (value){ .t = V_BOOL, .b = false };
	}
	if (l.t == V_BOOL || r.t == V_BOOL) {
		bool same = truth(l) == truth(r);
		return (value){ .t = V_BOOL, .b = o == OP_EQ ? same : o == OP_NE ? !same : false };
	}
	if (as_number(l, &x) && as_number(r, &y))
		c = x < y ? -1 : x > y;
	else
		c = strcmp(l.t == V_STR ? l.s : "", r.t == V_STR ? r.s : "");
	switch (o) {
	case OP_EQ: return (value){ .t = V_BOOL, .b = c == 0 };
	case OP_NE: return (value){ .t = V_BOOL, .b = c != 0 };
	case OP_LT: return (value){ .t = V_BOOL, .b = c < 0 };
	case OP_LE: return (value){ .t = V_BOOL, .b = c <= 0 };
	case OP_GT: return (value){ .t = V_BOOL, .b = c > 0 };
	default: return (value){ .t = V_BOOL, .b = c >= 0 };
	}
}

/* A result past the largest number (a product of a few long literals in a
 * peer's template) has no value, as a division by zero: an infinity, and
 * the NaN of infinity minus infinity, would compare as equal to anything. */
static value arithmetic(op o, value l, value r)
{
	double x, y, z;

	if (!as_number(l, &x) || !as_number(r, &y) || (o == OP_DIV && y == 0))
		return (value){ .t = V_NONE };
	switch (o) {
	case OP_ADD: z = x + y; break;
	case OP_SUB: z = x - y; break;
	case OP_MUL: z = x * y; break;
	default: z = x / y; break;
	}
	return isfinite(z) ? (value){ .t = V_NUM, .num = z } : (value){ .t = V_NONE };
}

static value eval(const evaluation *ev, int i)
{
	const node *n = &ev->e->nodes[i];
	value v;
	double d;

	switch (n->op) {
	case OP_NUM:
		return (value){ .t = V_NUM, .num = n->num };
	case OP_STR:
		return (value){ .t = V_STR, .s = n->str };
	case OP_REF:
	case OP_SELF:
		return the_answer(ev, n);
	case OP_TRUE:
	case OP_FALSE:
		return (value){ .t = V_BOOL, .b = n->op == OP_TRUE };
	case OP_NOT:
		return (value){ .t = V_BOOL, .b = !truth(eval(ev, n->a)) };
	case OP_NEG:
		v = eval(ev, n->a);
		return as_number(v, &d) ? (value){ .t = V_NUM, .num = -d } : (value){ .t = V_NONE };
	case OP_AND:
		return (value){ .t = V_BOOL, .b = truth(eval(ev, n->a)) && truth(eval(ev, n->b)) };
	case OP_OR:
		return (value){ .t = V_BOOL, .b = truth(eval(ev, n->a)) || truth(eval(ev, n->b)) };
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		return compare(n->op, eval(ev, n->a), eval(ev, n->b));
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
		return arithmetic(n->op, eval(ev, n->a), eval(ev, n->b));
	case OP_SELECTED:
		v = the_answer(ev, &ev->e->nodes[n->a]);
		return (value){ .t = V_BOOL,
				.b = v.t == V_STR && holds_choice(v.s, ev->e->nodes[n->b].str) };
	case OP_ANSWERED:
		return (value){ .t = V_BOOL, .b = the_answer(ev, &ev->e->nodes[n->a]).t != V_NONE };
	case OP_COUNT: {
		size_t count = 0;
		v = the_answer(ev, &ev->e->nodes[n->a]);
		for (const char *p = v.t == V_STR ? v.s : ""; *p;) {
			size_t l = strcspn(p, "\n");
			count += l > 0;
			p += l;
			if (*p)
				p++;
		}
		return (value){ .t = V_NUM, .num = (double)count };
	}
	}
	return (value){ .t = V_NONE };
}

bool cairn_expr_holds(const cairn_expr *e, cairn_expr_answers answers, void *ctx,
		      const char *self)
{
	evaluation ev = { e, answers, ctx, self };

	return e->root >= 0 && truth(eval(&ev, e->root));
}
