/* The JSON reader and writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/json.h"
#include "tap.h"

static void refused(const char *text, const char *want)
{
	cairn_json *j = NULL;
	cairn_error err;
	cairn_status st = cairn_json_parse(text, strlen(text), "in.json", &j, &err);
	ok(st == CAIRN_EINPUT && !j, "refused: %s", want);
	ok(st != CAIRN_OK && strstr(err.msg, want), "message \"%s\"", st != CAIRN_OK ? err.msg : "");
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

int main(void)
{
	cairn_json *j;
	cairn_error err;
	const char *doc = "[{\"kind\": \"milestone\", \"id\": \"M4\",\n \"fields\": {\"title\": \"A \\\"quoted\\\" \\u00e9 \\ud83d\\ude00\", \"n\": -1.5e2, \"t\": true, \"z\": null}}]";

	ok(cairn_json_parse(doc, strlen(doc), "d", &j, &err) == CAIRN_OK, "a document parses");
	ok(j && j->type == CAIRN_JSON_ARRAY && j->n == 1, "an array of one");
	{
		const cairn_json *f = cairn_json_get(j->items[0], "fields");
		is_str(cairn_json_get(j->items[0], "id")->string, "M4", "a member by name");
		is_str(cairn_json_get(f, "title")->string, "A \"quoted\" é 😀", "escapes and surrogate pairs decode");
		ok(cairn_json_get(f, "n")->number == -150.0, "numbers");
		is_str(cairn_json_get(f, "n")->string, "-1.5e2", "keep their source text");
		ok(cairn_json_get(f, "t")->boolean, "true");
		ok(cairn_json_get(f, "z")->type == CAIRN_JSON_NULL, "null");
		is_str(f->keys[0], "title", "members keep document order");
		is_int(cairn_json_get(f, "title")->line, 2, "values know their line");
	}
	cairn_json_free(j);

	refused("[1, 2", "in.json:1:6: expected ',' or ']'");
	refused("{\"a\": 1 \"b\": 2}", "in.json:1:9: expected ',' or '}' after an object member");
	refused("{\"a\": 1, \"a\": 2}", "a member name appears twice");
	refused("[1] x", "in.json:1:5: more text after the JSON value");
	refused("\"\\ud800\"", "a lone surrogate");
	refused("\"\\udc00\"", "a lone surrogate");
	refused("\"a\\u0000b\"", "may not hold NUL");
	refused("\"tab\there\"", "a control character inside a string");
	refused("\"\xff\"", "not valid UTF-8");
	refused("01", "more text after the JSON value");
	refused("1.", "a digit must follow the decimal point");
	refused("\n\n  nope", "in.json:3:3: not a value");
	refused("", "the text ends where a value should be");
	refused("{\"a\" 1}", "expected ':'");
	{
		char deep[200];
		memset(deep, '[', 65);
		memset(deep + 65, ']', 65);
		deep[130] = '\0';
		refused(deep, "nested too deeply");
		deep[64] = ']';
		deep[129] = '\0';
		memset(deep, '[', 64);
		memset(deep + 64, ']', 64);
		deep[128] = '\0';
		ok(cairn_json_parse(deep, 128, "d", &j, &err) == CAIRN_OK, "64 levels are fine");
		cairn_json_free(j);
	}
	/* Writing: any string survives a round trip. */
	{
		int bad = 0;
		for (int t = 0; t < 5000; t++) {
			char s[64];
			size_t n = rnd() % 40, k = 0;
			cairn_buf b = CAIRN_BUF_INIT;
			for (size_t i = 0; i < n && k + 5 < sizeof s; i++) {
				unsigned r = rnd() % 6;
				if (r == 0)
					s[k++] = (char)(1 + rnd() % 31);
				else if (r == 1) {
					memcpy(s + k, "é", 2);
					k += 2;
				} else if (r == 2) {
					memcpy(s + k, "\xf0\x9f\x98\x80", 4);
					k += 4;
				} else
					s[k++] = "\"\\/ab\x7f"[rnd() % 6];
			}
			s[k] = '\0';
			cairn_json_add_string(&b, s);
			if (cairn_json_parse(b.data, b.len, "w", &j, &err) != CAIRN_OK || strcmp(j->string, s))
				bad++;
			else
				cairn_json_free(j);
			cairn_buf_done(&b);
		}
		is_int(bad, 0, "5000 random strings written and read back");
	}
	{
		size_t n = 1 << 20;
		char *big = malloc(n + 3);
		big[0] = '"';
		memset(big + 1, 'x', n);
		big[n + 1] = '"';
		big[n + 2] = '\0';
		ok(cairn_json_parse(big, n + 2, "big", &j, &err) == CAIRN_OK && strlen(j->string) == n, "a 1 MB string");
		cairn_json_free(j);
		free(big);
	}
	return tap_done();
}
