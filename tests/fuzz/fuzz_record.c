/* libFuzzer target for the record parser: whatever parses must write, parse
 * again to an equal record, and write the same bytes again.
 *   ./configure --enable-fuzz CC=clang && make tests/fuzz/fuzz_record
 *   tests/fuzz/fuzz_record tests/fuzz/corpus */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_record rec, back;
	cairn_error err;
	char *out = NULL, *again = NULL;
	size_t len, len2;

	if (cairn_record_parse(&rec, (const char *)data, size, "fuzz", &err) != CAIRN_OK)
		return 0;
	if (cairn_record_write(&rec, &out, &len, &err) != CAIRN_OK)
		abort();
	if (cairn_record_parse(&back, out, len, "fuzz-written", &err) != CAIRN_OK)
		abort();
	if (!cairn_record_equal(&rec, &back))
		abort();
	if (cairn_record_write(&back, &again, &len2, &err) != CAIRN_OK || len != len2 ||
	    memcmp(out, again, len))
		abort();
	free(out);
	free(again);
	cairn_record_done(&rec);
	cairn_record_done(&back);
	return 0;
}
