/* core/git/gss_lazy.c: GSSAPI is not loaded until libgit2 first calls it,
 * and then each call reaches the system's library (MIT Kerberos's
 * libgssapi_krb5, which Debian's libgit2 depends on).  Built when the
 * libraries are linked in (configure's --enable-static-libs, the default). */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"

typedef uint32_t OM_uint32;
typedef struct {
	OM_uint32 length;
	void *elements;
} oid_desc;
typedef struct {
	size_t length;
	void *value;
} buffer_desc;
typedef struct {
	size_t count;
	oid_desc *elements;
} oid_set_desc;

extern oid_desc *GSS_C_NT_HOSTBASED_SERVICE;
OM_uint32 gss_indicate_mechs(OM_uint32 *minor, oid_set_desc **mechs);
OM_uint32 gss_release_oid_set(OM_uint32 *minor, oid_set_desc **set);
OM_uint32 gss_import_name(OM_uint32 *minor, buffer_desc *name, oid_desc *type, void **out);
OM_uint32 gss_release_name(OM_uint32 *minor, void **name);
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, oid_desc *mech,
			     OM_uint32 *more, buffer_desc *text);
OM_uint32 gss_release_buffer(OM_uint32 *minor, buffer_desc *buffer);

#define LIB "libgssapi_krb5.so.2"
#define KRB5_MECH "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"     /* 1.2.840.113554.1.2.2 */
#define UNAVAILABLE (16u << 16)

int main(void)
{
	OM_uint32 minor = 1, more = 0, status;
	oid_set_desc *mechs = NULL;
	buffer_desc name = {strlen("HTTP@localhost"), "HTTP@localhost"}, text = {0, NULL};
	void *server = NULL, *there = dlopen(LIB, RTLD_LAZY | RTLD_NOLOAD);
	int krb5 = 0;

	ok(there == NULL, "%s is not loaded when the program starts", LIB);
	ok(GSS_C_NT_HOSTBASED_SERVICE && GSS_C_NT_HOSTBASED_SERVICE->length == 10 &&
	   !memcmp(GSS_C_NT_HOSTBASED_SERVICE->elements, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04", 10),
	   "GSS_C_NT_HOSTBASED_SERVICE is the host-based service name type");

	if (!(there = dlopen(LIB, RTLD_LAZY))) {
		/* Without the library: every call says unavailable, and nothing breaks. */
		ok(gss_indicate_mechs(&minor, &mechs) == UNAVAILABLE && minor == 0,
		   "without %s, the mechanisms are unavailable", LIB);
		ok(gss_release_oid_set(&minor, &mechs) == 0, "and releasing nothing succeeds");
		return tap_done();
	}
	dlclose(there);

	ok(gss_indicate_mechs(&minor, &mechs) == 0 && mechs, "the first call answers through %s", LIB);
	for (size_t i = 0; mechs && i < mechs->count; i++)
		krb5 |= mechs->elements[i].length == 9 && !memcmp(mechs->elements[i].elements, KRB5_MECH, 9);
	ok(krb5, "its mechanisms include Kerberos 5, which Negotiate uses");
	ok((there = dlopen(LIB, RTLD_LAZY | RTLD_NOLOAD)) != NULL, "%s is loaded after that call", LIB);
	if (there)
		dlclose(there);
	ok(gss_release_oid_set(&minor, &mechs) == 0 && mechs == NULL, "the mechanisms are released");

	ok(gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &server) == 0 && server,
	   "a host-based service name (HTTP@localhost) is imported with our name type");
	ok(gss_release_name(&minor, &server) == 0, "and released");

	status = gss_display_status(&minor, 2u << 16, 1, NULL, &more, &text);
	ok(status == 0 && text.length > 1, "a status is put in words: %.*s", (int)text.length,
	   (const char *)text.value);
	ok(gss_release_buffer(&minor, &text) == 0, "and its words released");
	return tap_done();
}
