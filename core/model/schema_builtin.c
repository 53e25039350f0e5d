/* cairn's built-in lists: the choices, labels and seats of a workbook that
 * holds no list record of its own, as the Citizen City plan, cairn's first
 * use, had them before lists were workbook data (see
 * include/cairn/schema.h).  They are read by the very code that reads a
 * workbook's list records, so the fallback is one more list and no second
 * mechanism; a workbook's own list of the same id replaces one whole. */
#include "cairn/schema.h"

#include <string.h>

#include "model/value.h"

/* list id, then field and value pairs, as a list record holds them. */
static const char *const builtin_rows[][2] = {
	{ "=", "person.category" },
	{ "title", "Categories of persons" },
	{ "choices", "brussels-wg\neip-commitment\ncity-network\nindustry\ncommission\nother" },
	{ "c.brussels-wg.label", "Brussels working group" },
	{ "c.brussels-wg.label.fr", "Groupe de Bruxelles" },
	{ "c.brussels-wg.seats", "2" },
	{ "c.eip-commitment.label", "EIP commitments" },
	{ "c.eip-commitment.label.fr", "Engagements EIP" },
	{ "c.eip-commitment.seats", "2" },
	{ "c.city-network.label", "city or city network" },
	{ "c.city-network.label.fr", "ville/réseau de villes" },
	{ "c.city-network.seats", "1" },
	{ "c.industry.label", "industry" },
	{ "c.industry.label.fr", "industrie" },
	{ "c.industry.seats", "1" },
	{ "c.commission.label", "Commission" },
	{ "c.commission.seats", "1" },
	{ "=", "pilot.network" },
	{ "title", "Networks of pilots" },
	{ "choices", "eurocities\npolis\nscc-project\nother" },
	{ "=", "tool.kind" },
	{ "title", "Kinds of tools" },
	{ "choices", "co-design\nco-creation\nplatform\nother" },
	{ "c.co-design.label", "Co-design tools" },
	{ "c.co-design.label.fr", "Outils de co-conception" },
	{ "c.co-creation.label", "Co-creation tools" },
	{ "c.co-creation.label.fr", "Outils de co-création" },
	{ "c.platform.label", "Platforms" },
	{ "c.platform.label.fr", "Plateformes" },
	{ "c.other.label", "Other tools" },
	{ "c.other.label.fr", "Autres outils" },
	{ "=", CAIRN_LIST_INCLUSION },
	{ "title", "Inclusion groups" },
	{ "choices", "women\nmen\nother\nmigrants\nperipheries\naged65" },
	{ "c.women.label", "Women" },
	{ "c.women.label.fr", "Femmes" },
	{ "c.men.label", "Men" },
	{ "c.men.label.fr", "Hommes" },
	{ "c.other.label", "Other or undisclosed" },
	{ "c.other.label.fr", "Autre ou non précisé" },
	{ "c.migrants.label", "Migrants" },
	{ "c.peripheries.label", "Peripheries" },
	{ "c.peripheries.label.fr", "Périphéries" },
	{ "c.aged65.label", "Aged 65+" },
	{ "c.aged65.label.fr", "65 ans et plus" },
};

#define NROWS (sizeof builtin_rows / sizeof builtin_rows[0])
#define MAX_BUILTIN 8

static cairn_list builtins[MAX_BUILTIN];
static size_t nbuiltins;
static bool read_once;

/* Read the table once; a failure (only ever out of memory) leaves the
 * lists that were read. */
static void read_builtins(void)
{
	read_once = true;
	for (size_t i = 0; i < NROWS && nbuiltins < MAX_BUILTIN;) {
		const char *id = builtin_rows[i][1];
		cairn_record rec;
		cairn_error err;
		bool ok = true;
		cairn_record_init(&rec);
		for (i++; i < NROWS && strcmp(builtin_rows[i][0], "="); i++)
			ok = ok && cairn_record_set(&rec, builtin_rows[i][0], builtin_rows[i][1],
						    &err) == CAIRN_OK;
		if (ok && cairn_list_from_record(id, &rec, &builtins[nbuiltins], &err) == CAIRN_OK)
			builtins[nbuiltins++].builtin = true;
		cairn_record_done(&rec);
	}
}

const cairn_list *builtin_list(const char *id)
{
	if (!read_once)
		read_builtins();
	for (size_t i = 0; i < nbuiltins; i++)
		if (!strcmp(builtins[i].id, id))
			return &builtins[i];
	return NULL;
}
