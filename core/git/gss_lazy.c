/* GSSAPI, loaded at its first use.
 *
 * Linked in from its archive (configure.ac), libgit2 still calls GSSAPI:
 * for https's Negotiate authentication (Kerberos), and for nothing else.
 * Linking libgssapi_krb5 would load it and the six libraries behind it
 * (krb5, k5crypto, com_err, krb5support, keyutils, resolv) into every
 * command, a save included, for a scheme few groups' servers ask for.
 * So the nine functions libgit2 calls are defined here: the first call
 * opens the system's libgssapi_krb5.so.2 and each then hands over to its
 * own.  Without that library, each says GSS_S_UNAVAILABLE, which libgit2
 * reports as "negotiate authentication is not supported" and goes on to
 * the next scheme the server offers.
 *
 * The types are GSSAPI's C bindings (RFC 2744) as MIT Kerberos lays them
 * out; the handles are pointers the library owns, so void * here.  The one
 * variable libgit2 reads, GSS_C_NT_HOSTBASED_SERVICE, is that name type's
 * OID (1.2.840.113554.1.2.1.4): the library compares OIDs by value. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

#define GSS_LIBRARY "libgssapi_krb5.so.2"

typedef uint32_t OM_uint32;
typedef struct gss_OID_desc_struct {
	OM_uint32 length;
	void *elements;
} gss_OID_desc, *gss_OID;
typedef struct gss_buffer_desc_struct {
	size_t length;
	void *value;
} gss_buffer_desc, *gss_buffer_t;
typedef void *gss_handle;       /* a name, context, credential or OID set */

#define GSS_S_COMPLETE 0u
#define GSS_S_UNAVAILABLE (16u << 16)

static gss_OID_desc hostbased_service = {10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
extern gss_OID GSS_C_NT_HOSTBASED_SERVICE;
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

/* The library's own function of that name, or NULL without the library. */
static void *real(const char *name)
{
	static void *lib;
	static int tried;

	if (!tried) {
		tried = 1;
		lib = dlopen(GSS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	}
	return lib ? dlsym(lib, name) : NULL;
}

/* Declares NAME with its RFC 2744 parameters and forwards it, or answers
 * WITHOUT (setting *minor to 0) when the library is not there. */
#define FORWARD(name, without, params, args) \
	OM_uint32 name params; \
	OM_uint32 name params \
	{ \
		static OM_uint32 (*fn) params; \
		if (!fn) \
			*(void **)&fn = real(#name); \
		if (fn) \
			return fn args; \
		if (minor) \
			*minor = 0; \
		return without; \
	}

FORWARD(gss_indicate_mechs, GSS_S_UNAVAILABLE,
	(OM_uint32 *minor, gss_handle *mechs), (minor, mechs))
FORWARD(gss_import_name, GSS_S_UNAVAILABLE,
	(OM_uint32 *minor, gss_buffer_t name, gss_OID type, gss_handle *out),
	(minor, name, type, out))
FORWARD(gss_init_sec_context, GSS_S_UNAVAILABLE,
	(OM_uint32 *minor, gss_handle cred, gss_handle *context, gss_handle target,
	 gss_OID mech, OM_uint32 flags, OM_uint32 time, void *bindings, gss_buffer_t input,
	 gss_OID *actual_mech, gss_buffer_t output, OM_uint32 *ret_flags, OM_uint32 *time_rec),
	(minor, cred, context, target, mech, flags, time, bindings, input, actual_mech, output,
	 ret_flags, time_rec))
FORWARD(gss_display_status, GSS_S_UNAVAILABLE,
	(OM_uint32 *minor, OM_uint32 status, int type, gss_OID mech, OM_uint32 *more,
	 gss_buffer_t text),
	(minor, status, type, mech, more, text))
/* What was never made needs no release. */
FORWARD(gss_delete_sec_context, GSS_S_COMPLETE,
	(OM_uint32 *minor, gss_handle *context, gss_buffer_t output), (minor, context, output))
FORWARD(gss_release_buffer, GSS_S_COMPLETE,
	(OM_uint32 *minor, gss_buffer_t buffer), (minor, buffer))
FORWARD(gss_release_name, GSS_S_COMPLETE,
	(OM_uint32 *minor, gss_handle *name), (minor, name))
FORWARD(gss_release_oid_set, GSS_S_COMPLETE,
	(OM_uint32 *minor, gss_handle *set), (minor, set))
