/* A record's fields in the order of its template's questions (see
 * cairn_fields_in_question_order in include/cairn/template.h), for showing
 * a template or an evaluation as its questions run rather than in the
 * byte order records are stored in. */
#include "cairn/template.h"

#include <stdlib.h>
#include <string.h>

/* Where a q.KEY.PART[.LANG] field stands among its question's: the type
 * first, then what is read, then the rules. */
static int part_rank(const char *part)
{
	static const char *const parts[] = { "type", "prompt", "help", "choices", "when",
					     "constraint", "constraint-message", "required",
					     "min", "max", NULL };
	size_t n = strcspn(part, ".");
	for (int i = 0; parts[i]; i++)
		if (strlen(parts[i]) == n && !strncmp(part, parts[i], n))
			return i;
	return 99;
}

/* Does key belong to question qkey under prefix ("q." or "answer.")?
 * *part receives what follows "q.KEY." ("" for "answer.KEY"). */
static bool of_question(const char *key, const char *prefix, const char *qkey,
			const char **part)
{
	size_t plen = strlen(prefix), qlen = strlen(qkey);

	if (strncmp(key, prefix, plen) || strncmp(key + plen, qkey, qlen))
		return false;
	key += plen + qlen;
	if (*key && *key != '.')
		return false;
	*part = *key ? key + 1 : key;
	return true;
}

void cairn_fields_in_question_order(const cairn_record *rec, const char *prefix,
				    const cairn_template *tpl, size_t *order)
{
	size_t plen = strlen(prefix), n = 0;
	bool *taken = calloc(rec->nfields ? rec->nfields : 1, sizeof *taken);

	if (!taken) {
		for (size_t i = 0; i < rec->nfields; i++)
			order[i] = i;
		return;
	}
	for (size_t i = 0; i < rec->nfields; i++)
		if (strncmp(rec->fields[i].key, prefix, plen)) {
			order[n++] = i;
			taken[i] = true;
		}
	for (size_t k = 0; tpl && k < tpl->nquestions; k++) {
		size_t first = n;
		for (size_t i = 0; i < rec->nfields; i++) {
			const char *part;
			if (taken[i] || !of_question(rec->fields[i].key, prefix, tpl->questions[k].key,
						     &part))
				continue;
			/* Insertion by rank, keeping the record's (sorted) order
			 * within a rank: prompt before prompt.fr. */
			size_t at = n;
			while (at > first) {
				const char *other;
				of_question(rec->fields[order[at - 1]].key, prefix,
					    tpl->questions[k].key, &other);
				if (part_rank(other) <= part_rank(part))
					break;
				order[at] = order[at - 1];
				at--;
			}
			order[at] = i;
			n++;
			taken[i] = true;
		}
	}
	for (size_t i = 0; i < rec->nfields; i++)
		if (!taken[i])
			order[n++] = i;
	free(taken);
}
