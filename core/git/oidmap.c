/* Open addressing over the ids' first bytes, which SHA-1 spreads evenly. */
#include "git/oidmap.h"

#include <stdlib.h>
#include <string.h>

struct oidmap_slot {
	git_oid id;
	size_t value;
	bool used;
};

static size_t first_bytes(const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof h);
	return h;
}

static struct oidmap_slot *find(struct oidmap_slot *slot, size_t cap, const git_oid *id)
{
	size_t i = first_bytes(id) & (cap - 1);

	while (slot[i].used && !git_oid_equal(&slot[i].id, id))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

bool oidmap_put(oidmap *m, const git_oid *id, size_t value)
{
	struct oidmap_slot *s;

	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 1024;
		struct oidmap_slot *t = calloc(cap, sizeof *t);
		if (!t)
			return false;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].used)
				*find(t, cap, &m->slot[i].id) = m->slot[i];
		free(m->slot);
		m->slot = t;
		m->cap = cap;
	}
	s = find(m->slot, m->cap, id);
	if (!s->used) {
		s->used = true;
		s->id = *id;
		m->n++;
	}
	s->value = value;
	return true;
}

bool oidmap_get(const oidmap *m, const git_oid *id, size_t *value)
{
	const struct oidmap_slot *s;

	if (!m->cap)
		return false;
	s = find(m->slot, m->cap, id);
	if (s->used && value)
		*value = s->value;
	return s->used;
}

void oidmap_done(oidmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->cap = m->n = 0;
}
