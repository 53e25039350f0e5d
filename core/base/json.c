/* A small strict JSON reader and writer (see include/cairn/json.h). */
#include "cairn/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/utf8.h"

typedef struct reader {
	const char *s, *end, *name;
	const char *line_start;
	int line;
	int depth;
	cairn_error *err;
} reader;

static cairn_status jfail(reader *r, const char *what)
{
	return cairn_fail(r->err, CAIRN_EINPUT, "%s:%d:%d: %s", r->name, r->line,
			  (int)(r->s - r->line_start) + 1, what);
}

static void skip_space(reader *r)
{
	while (r->s < r->end) {
		if (*r->s == '\n') {
			r->line++;
			r->line_start = r->s + 1;
		} else if (*r->s != ' ' && *r->s != '\t' && *r->s != '\r') {
			break;
		}
		r->s++;
	}
}

static cairn_json *node(reader *r, cairn_json_type t)
{
	cairn_json *j = calloc(1, sizeof *j);
	if (j) {
		j->type = t;
		j->line = r->line;
		j->column = (int)(r->s - r->line_start) + 1;
	}
	return j;
}

void cairn_json_free(cairn_json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		cairn_json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->string);
	free(j);
}

static int hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static cairn_status read_string(reader *r, char **out)
{
	cairn_buf b = CAIRN_BUF_INIT;

	r->s++;         /* the opening quote */
	while (r->s < r->end && *r->s != '"') {
		unsigned char c = (unsigned char)*r->s;
		if (c < 0x20) {
			cairn_buf_done(&b);
			return jfail(r, "a control character inside a string: escape it (\\n, \\t, \\u00XX)");
		}
		if (c == '\\') {
			char e;
			if (r->end - r->s < 2) {
				cairn_buf_done(&b);
				return jfail(r, "a string ends inside an escape");
			}
			e = r->s[1];
			r->s += 2;
			switch (e) {
			case '"': cairn_buf_addc(&b, '"'); break;
			case '\\': cairn_buf_addc(&b, '\\'); break;
			case '/': cairn_buf_addc(&b, '/'); break;
			case 'b': cairn_buf_addc(&b, '\b'); break;
			case 'f': cairn_buf_addc(&b, '\f'); break;
			case 'n': cairn_buf_addc(&b, '\n'); break;
			case 'r': cairn_buf_addc(&b, '\r'); break;
			case 't': cairn_buf_addc(&b, '\t'); break;
			case 'u': {
				int cp = r->end - r->s >= 4 ? hex4(r->s) : -1;
				if (cp < 0) {
					cairn_buf_done(&b);
					return jfail(r, "\\u needs four hex digits");
				}
				r->s += 4;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					int lo = r->end - r->s >= 6 && r->s[0] == '\\' && r->s[1] == 'u'
							 ? hex4(r->s + 2) : -1;
					if (lo < 0xdc00 || lo > 0xdfff) {
						cairn_buf_done(&b);
						return jfail(r, "a lone surrogate (\\ud800-\\udbff without its pair)");
					}
					r->s += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					cairn_buf_done(&b);
					return jfail(r, "a lone surrogate (\\udc00-\\udfff)");
				} else if (cp == 0) {
					cairn_buf_done(&b);
					return jfail(r, "\\u0000: text in cairn may not hold NUL");
				}
				cairn_utf8_put(&b, (unsigned)cp);
				break;
			}
			default:
				cairn_buf_done(&b);
				return jfail(r, "an unknown escape");
			}
			continue;
		}
		{
			size_t l = cairn_utf8_len((const unsigned char *)r->s, (size_t)(r->end - r->s));
			if (!l) {
				cairn_buf_done(&b);
				return jfail(r, "not valid UTF-8");
			}
			cairn_buf_add(&b, r->s, l);
			r->s += l;
		}
	}
	if (r->s >= r->end) {
		cairn_buf_done(&b);
		return jfail(r, "a string is not closed with '\"'");
	}
	r->s++;
	*out = cairn_buf_detach(&b, NULL);
	return *out ? CAIRN_OK : cairn_oom(r->err);
}

static cairn_status read_value(reader *r, cairn_json **out);

static cairn_status add_item(cairn_json *j, cairn_json *item, char *key, reader *r)
{
	cairn_json **items = realloc(j->items, (j->n + 1) * sizeof *items);
	if (!items)
		goto oom;
	j->items = items;
	if (j->type == CAIRN_JSON_OBJECT) {
		char **keys = realloc(j->keys, (j->n + 1) * sizeof *keys);
		if (!keys)
			goto oom;
		j->keys = keys;
		j->keys[j->n] = key;
	}
	j->items[j->n++] = item;
	return CAIRN_OK;
oom:
	cairn_json_free(item);
	free(key);
	return cairn_oom(r->err);
}

static cairn_status read_container(reader *r, cairn_json *j)
{
	char close = j->type == CAIRN_JSON_ARRAY ? ']' : '}';
	cairn_status st;

	if (++r->depth > CAIRN_JSON_MAX_DEPTH)
		return jfail(r, "nested too deeply");
	r->s++;
	skip_space(r);
	if (r->s < r->end && *r->s == close) {
		r->s++;
		r->depth--;
		return CAIRN_OK;
	}
	for (;;) {
		char *key = NULL;
		cairn_json *item = NULL;
		skip_space(r);
		if (j->type == CAIRN_JSON_OBJECT) {
			if (r->s >= r->end || *r->s != '"')
				return jfail(r, "expected a member name in double quotes");
			if ((st = read_string(r, &key)))
				return st;
			for (size_t i = 0; i < j->n; i++)
				if (!strcmp(j->keys[i], key)) {
					free(key);
					return jfail(r, "a member name appears twice in one object");
				}
			skip_space(r);
			if (r->s >= r->end || *r->s != ':') {
				free(key);
				return jfail(r, "expected ':' after a member name");
			}
			r->s++;
			skip_space(r);
		}
		if ((st = read_value(r, &item))) {
			free(key);
			return st;
		}
		if ((st = add_item(j, item, key, r)))
			return st;
		skip_space(r);
		if (r->s < r->end && *r->s == ',') {
			r->s++;
			continue;
		}
		if (r->s < r->end && *r->s == close) {
			r->s++;
			r->depth--;
			return CAIRN_OK;
		}
		return jfail(r, j->type == CAIRN_JSON_ARRAY ? "expected ',' or ']' after an array item"
							    : "expected ',' or '}' after an object member");
	}
}

static cairn_status read_number(reader *r, cairn_json *j)
{
	const char *start = r->s;
	if (r->s < r->end && *r->s == '-')
		r->s++;
	if (r->s < r->end && *r->s == '0')
		r->s++;
	else if (r->s < r->end && *r->s >= '1' && *r->s <= '9')
		while (r->s < r->end && *r->s >= '0' && *r->s <= '9')
			r->s++;
	else
		return jfail(r, "not a value: expected a string, number, object, array, true, false or null");
	if (r->s < r->end && *r->s == '.') {
		r->s++;
		if (r->s >= r->end || *r->s < '0' || *r->s > '9')
			return jfail(r, "a digit must follow the decimal point");
		while (r->s < r->end && *r->s >= '0' && *r->s <= '9')
			r->s++;
	}
	if (r->s < r->end && (*r->s == 'e' || *r->s == 'E')) {
		r->s++;
		if (r->s < r->end && (*r->s == '+' || *r->s == '-'))
			r->s++;
		if (r->s >= r->end || *r->s < '0' || *r->s > '9')
			return jfail(r, "a digit must follow the exponent");
		while (r->s < r->end && *r->s >= '0' && *r->s <= '9')
			r->s++;
	}
	j->string = strndup(start, (size_t)(r->s - start));
	if (!j->string)
		return cairn_oom(r->err);
	j->number = strtod(j->string, NULL);
	return CAIRN_OK;
}

static cairn_status read_value(reader *r, cairn_json **out)
{
	static const struct { const char *word; cairn_json_type t; bool b; } words[] = {
		{ "true", CAIRN_JSON_BOOL, true }, { "false", CAIRN_JSON_BOOL, false },
		{ "null", CAIRN_JSON_NULL, false } };
	cairn_json *j;
	cairn_status st;

	*out = NULL;
	skip_space(r);
	if (r->s >= r->end)
		return jfail(r, "the text ends where a value should be");
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].word);
		if ((size_t)(r->end - r->s) >= n && !memcmp(r->s, words[i].word, n)) {
			if (!(j = node(r, words[i].t)))
				return cairn_oom(r->err);
			j->boolean = words[i].b;
			r->s += n;
			*out = j;
			return CAIRN_OK;
		}
	}
	switch (*r->s) {
	case '{':
		j = node(r, CAIRN_JSON_OBJECT);
		break;
	case '[':
		j = node(r, CAIRN_JSON_ARRAY);
		break;
	case '"':
		j = node(r, CAIRN_JSON_STRING);
		break;
	default:
		j = node(r, CAIRN_JSON_NUMBER);
	}
	if (!j)
		return cairn_oom(r->err);
	if (j->type == CAIRN_JSON_STRING)
		st = read_string(r, &j->string);
	else if (j->type == CAIRN_JSON_NUMBER)
		st = read_number(r, j);
	else
		st = read_container(r, j);
	if (st != CAIRN_OK) {
		cairn_json_free(j);
		return st;
	}
	*out = j;
	return CAIRN_OK;
}

cairn_status cairn_json_parse(const char *data, size_t len, const char *name,
			      cairn_json **out, cairn_error *err)
{
	reader r = { data, data + len, name, data, 1, 0, err };
	cairn_status st;

	*out = NULL;
	if ((st = read_value(&r, out)))
		return st;
	skip_space(&r);
	if (r.s != r.end) {
		cairn_json_free(*out);
		*out = NULL;
		return jfail(&r, "more text after the JSON value");
	}
	return CAIRN_OK;
}

const cairn_json *cairn_json_get(const cairn_json *obj, const char *key)
{
	if (!obj || obj->type != CAIRN_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

void cairn_json_add_string(cairn_buf *b, const char *s)
{
	cairn_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': cairn_buf_adds(b, "\\\""); break;
		case '\\': cairn_buf_adds(b, "\\\\"); break;
		case '\n': cairn_buf_adds(b, "\\n"); break;
		case '\t': cairn_buf_adds(b, "\\t"); break;
		case '\r': cairn_buf_adds(b, "\\r"); break;
		case '\b': cairn_buf_adds(b, "\\b"); break;
		case '\f': cairn_buf_adds(b, "\\f"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				cairn_buf_printf(b, "\\u%04x", *p);
			else
				cairn_buf_addc(b, (char)*p);
		}
	}
	cairn_buf_addc(b, '"');
}
