/* cairn's built-in lists: the choices, labels and seats of a workbook that
 * holds no list record of its own, as the Citizen City plan, cairn's first
 * use, had them before lists were workbook data (see
 * include/cairn/schema.h).  They are read by the very code that reads a
 * workbook's list records, so the fallback is one more list and no second
 * mechanism; a workbook's own list of the same id replaces one whole. */
#include "cairn/schema.h"

#include <string.h>

#include "cairn/i18n.h"
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
	/* The choices of cairn's own fields, which drive its logic: their
	 * keys are cairn's, their labels (English, translated by gettext)
	 * are what a group's list of the same id may change. */
	{ "=", "person.role" },
	{ "title", "Roles" },
	{ "choices", "leader\nkey-person\nreviewer" },
	{ "c.leader.label", N_("leader") },
	{ "c.key-person.label", N_("key-person") },
	{ "c.reviewer.label", N_("reviewer") },
	{ "=", "milestone.status" },
	{ "title", "Statuses of milestones" },
	{ "choices", "planned\nactive\ndone\ndropped" },
	{ "c.planned.label", N_("planned") },
	{ "c.active.label", N_("active") },
	{ "c.done.label", N_("done") },
	{ "c.dropped.label", N_("dropped") },
	{ "=", "task.status" },
	{ "title", "Statuses of tasks" },
	{ "choices", "planned\nactive\ndone\ndropped" },
	{ "c.planned.label", N_("planned") },
	{ "c.active.label", N_("active") },
	{ "c.done.label", N_("done") },
	{ "c.dropped.label", N_("dropped") },
	{ "=", "pilot.status" },
	{ "title", "Statuses of pilots" },
	{ "choices", "candidate\nselected\ntesting\ndone\nwithdrawn" },
	{ "c.candidate.label", N_("candidate") },
	{ "c.selected.label", N_("selected") },
	{ "c.testing.label", N_("testing") },
	{ "c.done.label", N_("done") },
	{ "c.withdrawn.label", N_("withdrawn") },
	{ "=", "evaluation.status" },
	{ "title", "Statuses of evaluations" },
	{ "choices", "assigned\ndraft\nsubmitted\nreturned\nvalidated" },
	{ "c.assigned.label", N_("assigned") },
	{ "c.draft.label", N_("draft") },
	{ "c.submitted.label", N_("submitted") },
	{ "c.returned.label", N_("returned") },
	{ "c.validated.label", N_("validated") },
};

#define NROWS (sizeof builtin_rows / sizeof builtin_rows[0])
#define MAX_BUILTIN 16

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
		if (ok && cairn_list_from_record(id, &rec, &builtins[nbuiltins], &err) == CAIRN_OK) {
			cairn_list *l = &builtins[nbuiltins++];
			l->builtin = true;
			/* Its labels without a language are gettext's to translate. */
			for (size_t c = 0; c < l->nchoices; c++)
				l->choices[c].translated = true;
		}
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
