/* libgit2's TLS and ssh, started at their first use.
 *
 * git_libgit2_init starts every part of libgit2, whatever the command
 * will use: mbedTLS's random generator is seeded from its entropy sources
 * and libssh2 starts OpenSSL.  That is some 0.6 ms of every command, a
 * save's and the first screen's included, for transfers most commands
 * never make.  With libgit2 linked in (configure.ac), the link sends
 * libgit2's own calls to these two starters here (ld --wrap): at
 * git_libgit2_init they only note that the part is still to start, and
 * the calls that begin a TLS stream, set its certificates or make an ssh
 * transport start it first, once per start of libgit2 (a git_libgit2_
 * shutdown to none stops what was started, and the next init notes it
 * again).  Linked shared, libgit2 starts them itself and this file is
 * not built. */
#include <stddef.h>

/* libgit2 1.5.1's internal signatures (src/libgit2/streams/mbedtls.h,
 * transports/ssh.h); its handles are opaque here. */
int __real_git_mbedtls_stream_global_init(void);
int __real_git_mbedtls_stream_new(void **out, const char *host, const char *port);
int __real_git_mbedtls_stream_wrap(void **out, void *in, const char *host);
int __real_git_mbedtls__set_cert_location(const char *file, const char *path);
int __real_git_transport_ssh_global_init(void);
int __real_git_smart_subtransport_ssh(void **out, void *owner, void *param);
int __real_git_transport_ssh_with_paths(void **out, void *owner, void *payload);

int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port);
int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host);
int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path);
int __wrap_git_transport_ssh_global_init(void);
int __wrap_git_smart_subtransport_ssh(void **out, void *owner, void *param);
int __wrap_git_transport_ssh_with_paths(void **out, void *owner, void *payload);

static int tls_pending, ssh_pending;

/* Set while mbedTLS's part starts: it then loads the system's certificates
 * itself, which xfer_https.c's mbedtls_x509_crt_parse_file skips, since the
 * call that started it sets the certificates next. */
int cairn_git_tls_starting;

/* Start a part noted as pending; its error, as libgit2's init gave it. */
static int start(int *pending, int (*real)(void))
{
	int rc;

	if (!*pending)
		return 0;
	*pending = 0;
	cairn_git_tls_starting = pending == &tls_pending;
	rc = real();
	cairn_git_tls_starting = 0;
	return rc;
}

int __wrap_git_mbedtls_stream_global_init(void)
{
	tls_pending = 1;
	return 0;
}

int __wrap_git_transport_ssh_global_init(void)
{
	ssh_pending = 1;
	return 0;
}

int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port)
{
	int rc = start(&tls_pending, __real_git_mbedtls_stream_global_init);
	return rc < 0 ? rc : __real_git_mbedtls_stream_new(out, host, port);
}

int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host)
{
	int rc = start(&tls_pending, __real_git_mbedtls_stream_global_init);
	return rc < 0 ? rc : __real_git_mbedtls_stream_wrap(out, in, host);
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path)
{
	int rc = start(&tls_pending, __real_git_mbedtls_stream_global_init);
	return rc < 0 ? rc : __real_git_mbedtls__set_cert_location(file, path);
}

int __wrap_git_smart_subtransport_ssh(void **out, void *owner, void *param)
{
	int rc = start(&ssh_pending, __real_git_transport_ssh_global_init);
	return rc < 0 ? rc : __real_git_smart_subtransport_ssh(out, owner, param);
}

int __wrap_git_transport_ssh_with_paths(void **out, void *owner, void *payload)
{
	int rc = start(&ssh_pending, __real_git_transport_ssh_global_init);
	return rc < 0 ? rc : __real_git_transport_ssh_with_paths(out, owner, payload);
}
