/* harness_listen_test.c: h_wait_listening against real listeners (socat)
 * and against programs that never listen. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../harness/check.h"
#include "unit_util.h"

static const char *socat(void)
{
	const char *s = which("socat");
	cr_assert_not_null(s, "socat is not installed (make deps installs it)");
	return s;
}

SELFTEST(harness_listen, finds_a_path_listener)
{
	const char *path = h_path("sock");
	char addr[256], why[512];
	snprintf(addr, sizeof(addr), "UNIX-LISTEN:%s", path);
	const char *argv[] = {socat(), addr, "OPEN:/dev/null", NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start socat");
	int rc = h_wait_listening(&p, path, 3.0, why, sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	int c = h_connect(path);
	check_ok(c, errno, "connect to socat");
	close(c);
	h_stop(&p);
}

SELFTEST(harness_listen, finds_an_abstract_listener)
{
	const char *name = h_abstract();
	char addr[256], why[512];
	snprintf(addr, sizeof(addr), "ABSTRACT-LISTEN:%s", name + 1);
	const char *argv[] = {socat(), addr, "OPEN:/dev/null", NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start socat");
	int rc = h_wait_listening(&p, name, 3.0, why, sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	int c = h_connect(name);
	check_ok(c, errno, "connect to socat");
	close(c);
}

SELFTEST(harness_listen, early_exit_is_reported_fast)
{
	const char *argv[] = {"/bin/sh", "-c", "echo 'server: bind: boom' >&2; exit 1", NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start sh");
	char why[512];
	const char *path = h_path("sock");
	int64_t t0 = mono_ns();
	int rc = h_wait_listening(&p, path, 5.0, why, sizeof(why));
	int err = errno;
	double el = (double)(mono_ns() - t0) / 1e9;
	check_errno(rc, err, ECHILD, "h_wait_listening on a program that exits");
	cr_expect_lt(el, 0.5, "noticed after %.3f s", el);
	cr_expect(strstr(why, "sh exited with status 1 before listening on ") != NULL, "%s", why);
	cr_expect(strstr(why, path) != NULL, "%s", why);
	cr_expect(strstr(why, "its stderr: server: bind: boom") != NULL, "%s", why);
	cr_expect_eq(p.done, 1);
}

SELFTEST(harness_listen, timeout_names_near_misses)
{
	/* A listener on the name padded with zeros, as a server that passes
	 * sizeof(struct sockaddr_un) for an abstract name would make. */
	const char *name = h_abstract();
	struct sockaddr_un sun;
	h_sockaddr(name, &sun);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(bind(l, (struct sockaddr *)&sun, sizeof(sun)) == 0 && listen(l, 1) == 0);

	const char *argv[] = {"/bin/sleep", "100", NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start sleep");
	char why[1024];
	int64_t t0 = mono_ns();
	int rc = h_wait_listening(&p, name, 0.1, why, sizeof(why));
	int err = errno;
	double el = (double)(mono_ns() - t0) / 1e9;
	check_errno(rc, err, ETIMEDOUT, "h_wait_listening on sleep");
	cr_expect(el >= 0.09 && el < 0.6, "took %.3f s", el);
	cr_expect(strstr(why, "still running but not listening") != NULL, "%s", why);
	char padded[256];
	snprintf(padded, sizeof(padded), "listening instead: %s@@@", name);
	cr_expect(strstr(why, padded) != NULL, "%s", why);
	cr_expect(strstr(why, "it wrote nothing on stderr") != NULL, "%s", why);
	close(l);
}
