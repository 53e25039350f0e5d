/* The record format: every rule, the tricky values, determinism, and a
 * round-trip property test over random records; plus a replay of the fuzz
 * corpus. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/record.h"
#include "tap.h"

static unsigned long long rng_state;

static unsigned rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state >> 11);
}

static void refused(const char *text, const char *want)
{
	cairn_record r;
	cairn_error err;
	cairn_status st = cairn_record_parse(&r, text, strlen(text), "persons/ab/maria", &err);
	ok(st == CAIRN_EINPUT, "refused: %s", want);
	if (st == CAIRN_EINPUT)
		ok(strstr(err.msg, want) != NULL, "message \"%s\" has \"%s\"", err.msg, want);
	else
		ok(0, "no message");
}

static void round_trip(const char *value, const char *name)
{
	cairn_record r, back;
	cairn_error err;
	char *out = NULL, *again = NULL;
	size_t len, len2;

	cairn_record_init(&r);
	cairn_record_set(&r, "title", "x", &err);
	ok(cairn_record_set(&r, "text", value, &err) == CAIRN_OK, "%s: set", name);
	cairn_record_set(&r, "after", "y", &err);
	cairn_record_write(&r, &out, &len, &err);
	ok(cairn_record_parse(&back, out, len, "t", &err) == CAIRN_OK, "%s: parses", name);
	is_str(cairn_record_get(&back, "text"), value, "%s: comes back exactly", name);
	cairn_record_write(&back, &again, &len2, &err);
	ok(len == len2 && !memcmp(out, again, len), "%s: written again, the same bytes", name);
	free(out);
	free(again);
	cairn_record_done(&r);
	cairn_record_done(&back);
}

static const char *const pieces[] = {
	" ", ".", ":", "\n", "#", "[", "]", "=", ";", "\t", "a", "Z", "0", "é", "日本", "😀",
	" .", "..", "key: value", "\n.\n", "\n\n", "-", "\\", "\"", "'",
};

static void random_value(char *buf, size_t cap)
{
	size_t n = rnd() % 16, len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
		size_t l = strlen(p);
		if (len + l + 1 >= cap)
			break;
		memcpy(buf + len, p, l + 1);
		len += l;
	}
}

static void property_test(void)
{
	int bad = 0, runs = 5000;
	char value[512], key[32];

	for (int t = 0; t < runs; t++) {
		cairn_record r, back;
		cairn_error err;
		char *out = NULL, *again = NULL;
		size_t len, len2;
		int nf = (int)(rnd() % 8);
		cairn_record_init(&r);
		for (int f = 0; f < nf; f++) {
			snprintf(key, sizeof key, "%c%u.%u", 'a' + (int)(rnd() % 26), rnd() % 50, rnd() % 3);
			random_value(value, sizeof value);
			cairn_record_set(&r, key, value, &err);
		}
		if (cairn_record_write(&r, &out, &len, &err) != CAIRN_OK ||
		    cairn_record_parse(&back, out, len, "random", &err) != CAIRN_OK) {
			if (bad++ < 3)
				tap_diag("round %d failed: %s\n%s", t, err.msg, out ? out : "");
		} else {
			if (!cairn_record_equal(&r, &back) && bad++ < 3)
				tap_diag("round %d differs:\n%s", t, out);
			cairn_record_write(&back, &again, &len2, &err);
			if ((len != len2 || memcmp(out, again, len)) && bad++ < 3)
				tap_diag("round %d writes differently the second time", t);
			cairn_record_done(&back);
		}
		free(out);
		free(again);
		cairn_record_done(&r);
	}
	is_int(bad, 0, "%d random records written, read back and written again", runs);
}

static void replay_corpus(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	DIR *d;
	struct dirent *e;
	int files = 0, bad = 0;

	snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus", top ? top : ".");
	d = opendir(dir);
	if (!d) {
		ok(0, "the fuzz corpus is at %s", dir);
		return;
	}
	while ((e = readdir(d))) {
		char path[8192], buf[65536];
		FILE *f;
		size_t n;
		cairn_record r;
		cairn_error err;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		files++;
		if (cairn_record_parse(&r, buf, n, e->d_name, &err) == CAIRN_OK) {
			cairn_record_done(&r);
		} else if (!strstr(err.msg, e->d_name) || !strchr(err.msg, ':')) {
			bad++;
			tap_diag("%s: message without file and line: %s", e->d_name, err.msg);
		}
	}
	closedir(d);
	ok(files >= 10, "the corpus has %d files", files);
	is_int(bad, 0, "every corpus file is read or refused with its name and line");
}

int main(void)
{
	const char *seed = getenv("CAIRN_TEST_SEED");
	cairn_record r;
	cairn_error err;
	char *out;
	size_t len;

	rng_state = seed ? strtoull(seed, NULL, 10) : 20160415ULL;
	if (!rng_state)
		rng_state = 1;
	tap_diag("seed %llu (set CAIRN_TEST_SEED to change it)", rng_state);

	/* The shape of a record. */
	{
		const char *text = "title: Map of needs\ndeadline: 2016-02-29\nnote:\n The plan says 31/02.\n .\n ..dotted\n";
		ok(cairn_record_parse(&r, text, strlen(text), "m", &err) == CAIRN_OK, "a record with a long value parses");
	}
	is_int(r.nfields, 3, "three fields");
	is_str(cairn_record_get(&r, "title"), "Map of needs", "a one-line value");
	is_str(cairn_record_get(&r, "note"), "The plan says 31/02.\n\n.dotted", "a long value with an empty line and a dotted line");
	cairn_record_write(&r, &out, &len, &err);
	is_str(out, "title: Map of needs\ndeadline: 2016-02-29\nnote:\n The plan says 31/02.\n .\n ..dotted\n", "written back byte for byte");
	free(out);
	cairn_record_done(&r);
	ok(cairn_record_parse(&r, "a: 1\nb:\n", 8, "m", &err) == CAIRN_OK && !strcmp(cairn_record_get(&r, "b"), ""), "'key:' alone is an empty value");
	cairn_record_done(&r);
	ok(cairn_record_parse(&r, "a: 1", 4, "m", &err) == CAIRN_OK && !strcmp(cairn_record_get(&r, "a"), "1"), "a missing final newline is accepted");
	cairn_record_done(&r);
	ok(cairn_record_parse(&r, "", 0, "m", &err) == CAIRN_OK && r.nfields == 0, "an empty file is a record without fields");
	cairn_record_done(&r);
	ok(cairn_record_parse(&r, "zz-newer: kept\n", 15, "m", &err) == CAIRN_OK && cairn_record_get(&r, "zz-newer"), "unknown keys are kept");
	cairn_record_done(&r);

	/* Refusals, each with the file and line. */
	refused("a: 1\r\nb: 2\r\n", "persons/ab/maria:1: carriage return (CR)");
	refused("a: 1\rb: 2\r", "persons/ab/maria:1: carriage return (CR)");
	refused("a: 1\nemail: x\nb: 2\nemail: y\n", "persons/ab/maria:4: duplicate key 'email' (first at line 2)");
	refused("\xef\xbb\xbftitle: x\n", "persons/ab/maria:1: the file starts with a byte-order mark");
	refused(" stray\n", "persons/ab/maria:1: a line starting with a space continues a value");
	refused("a: 1\n\nb: 2\n", "persons/ab/maria:2: an empty line");
	refused("a:x\n", "persons/ab/maria:1: write a space after the ':'");
	refused("a: 1\n more\n", "persons/ab/maria:2: a long value starts on the line after 'key:'");
	refused("a:\n .x\n", "persons/ab/maria:2: a line of text starting with '.' is written with one more '.'");
	refused("a:\n \n", "persons/ab/maria:2: a line holding only a space");
	refused("Title: x\n", "persons/ab/maria:1: 'Title' is not a field name");
	refused("no colon here\n", "persons/ab/maria:1: expected 'key: value'");
	refused("a: \xff\xfe\n", "persons/ab/maria:1: not valid UTF-8");
	refused("a: \xc0\xae\n", "persons/ab/maria:1: not valid UTF-8");
	refused("a: \xed\xa0\x80\n", "persons/ab/maria:1: not valid UTF-8");
	{
		char nul[] = "a: 1\nb: x\0y\n";
		ok(cairn_record_parse(&r, nul, sizeof nul - 1, "f", &err) == CAIRN_EINPUT && strstr(err.msg, "f:2: a NUL byte"), "a NUL byte is refused at its line");
	}
	{
		size_t big = CAIRN_RECORD_MAX + 10;
		char *huge = malloc(big);
		memset(huge, 'a', big);
		memcpy(huge, "a: ", 3);
		ok(cairn_record_parse(&r, huge, big, "f", &err) == CAIRN_EINPUT && strstr(err.msg, "more than a record may hold"), "a file bigger than a record may be is refused");
		free(huge);
	}

	/* Values that must come back exactly. */
	round_trip("  leading and trailing spaces  ", "spaces");
	round_trip("a: b = c # d ; e [f]", "the format's own characters");
	round_trip("line one\n\nline three", "a blank line inside text");
	round_trip(".\n..\n .\n...", "lines that look like markers");
	round_trip("key: value\nother: thing", "lines that look like fields");
	round_trip("trailing newline\n", "a trailing newline");
	round_trip("\n\n", "only newlines");
	round_trip("\tTabbed\tline", "tabs");
	round_trip("日本語 — émigré 😀 \u202e", "unicode");
	round_trip("", "empty");
	{
		/* A line of 1 MB comes back exactly. */
		size_t n = (1 << 20) - 1;
		char *mb = malloc(n + 1), *big = NULL;
		size_t blen;
		memset(mb, 'x', n);
		mb[n] = '\0';
		round_trip(mb, "a 1 MB line");
		/* And a record over the limit is never written: no member could
		 * read it (the parser's limit, the same number). */
		cairn_record_init(&r);
		cairn_record_set(&r, "a", mb, &err);
		cairn_record_set(&r, "b", mb, &err);
		cairn_record_set(&r, "c", mb, &err);
		cairn_record_set(&r, "d", mb, &err);
		ok(cairn_record_write(&r, &big, &blen, &err) == CAIRN_EINPUT &&
		   strstr(err.msg, "more than a record may hold") != NULL,
		   "a record over the limit is refused when written: %s", err.msg);
		free(big);
		cairn_record_done(&r);
		free(mb);
	}
	cairn_record_init(&r);
	ok(cairn_record_set(&r, "a", "x\ry", &err) == CAIRN_EINPUT, "a value holding CR is refused on set");
	ok(cairn_record_set(&r, "Bad", "x", &err) == CAIRN_EINPUT, "an invalid key is refused on set");
	ok(cairn_record_set(&r, "a", "\xff", &err) == CAIRN_EINPUT, "invalid UTF-8 is refused on set");

	/* Canonical order. */
	{
		static const char *const order[] = { "title", "status", NULL };
		cairn_record s;
		cairn_record_init(&s);
		cairn_record_set(&s, "zeta", "1", &err);
		cairn_record_set(&s, "status", "2", &err);
		cairn_record_set(&s, "alpha", "3", &err);
		cairn_record_set(&s, "title", "4", &err);
		cairn_record_sort(&s, order);
		cairn_record_write(&s, &out, &len, &err);
		is_str(out, "title: 4\nstatus: 2\nalpha: 3\nzeta: 1\n", "known keys in order, the rest sorted");
		free(out);
		ok(cairn_record_unset(&s, "alpha") && !cairn_record_get(&s, "alpha") && s.nfields == 3, "unset removes a field");
		cairn_record_done(&s);
	}
	cairn_record_done(&r);
	property_test();
	replay_corpus();
	return tap_done();
}
