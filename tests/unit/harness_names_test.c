/* harness_names_test.c: the temp dir, unique names, addresses and the
 * test-side peers of the harness. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../harness/check.h"
#include "unit_util.h"

SELFTEST(harness_names, temp_dir_and_paths)
{
	const char *d = h_dir();
	cr_expect(strncmp(d, "/tmp/lt.", 8) == 0 && strlen(d) == 14, "dir %s", d);
	struct stat st;
	cr_expect(stat(d, &st) == 0 && S_ISDIR(st.st_mode), "%s is a directory", d);
	const char *p = h_path("sock");
	cr_expect(strncmp(p, d, strlen(d)) == 0 && !strcmp(p + strlen(d), "/sock"), "%s", p);
	const char *p2 = h_path("other");
	cr_expect_str_eq(p, h_path("sock"), "earlier results stay valid");
	cr_expect_str_neq(p, p2);

	const char *l = h_path_of_len(108);
	cr_assert_not_null(l);
	cr_expect_eq(strlen(l), 108);
	cr_expect(strncmp(l, d, strlen(d)) == 0 && l[strlen(d)] == '/' && l[107] == 'x');
	cr_expect_eq(strlen(h_path_of_len(107)), 107);
	cr_expect_null(h_path_of_len(3), "shorter than the dir itself");
}

SELFTEST(harness_names, abstract_names_are_unique)
{
	const char *a = h_abstract(), *b = h_abstract();
	cr_expect(strncmp(a, "@lt-", 4) == 0, "%s", a);
	cr_expect_str_neq(a, b);
	cr_expect_lt(strlen(a), 40);
}

SELFTEST(harness_names, sockaddr_lengths)
{
	struct sockaddr_un sun;
	size_t base = offsetof(struct sockaddr_un, sun_path);
	cr_expect_eq(h_sockaddr("/tmp/x", &sun), (int)(base + 6 + 1));
	cr_expect_str_eq(sun.sun_path, "/tmp/x");
	cr_expect_eq(sun.sun_family, AF_UNIX);

	cr_expect_eq(h_sockaddr("@abc", &sun), (int)(base + 1 + 3));
	cr_expect(sun.sun_path[0] == '\0' && !memcmp(sun.sun_path + 1, "abc", 3));

	char path[200];
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	cr_expect_eq(h_sockaddr(path, &sun), (int)(base + 108), "107 chars + NUL fit");
	path[107] = 'p';
	path[108] = '\0';
	check_errno(h_sockaddr(path, &sun), errno, ENAMETOOLONG, "a 108-char path");
	path[0] = '@';
	cr_expect_eq(h_sockaddr(path, &sun), (int)(base + 108), "abstract: 107 name bytes");
	path[108] = 'p';
	path[109] = '\0';
	check_errno(h_sockaddr(path, &sun), errno, ENAMETOOLONG, "abstract: 108 name bytes");
	check_errno(h_sockaddr("", &sun), errno, EINVAL, "empty address");
}

static void round_trip(const char *addr)
{
	int l = h_listen(addr, 4);
	check_ok(l, errno, "h_listen");
	int c = h_connect(addr);
	check_ok(c, errno, "h_connect");
	int a = accept(l, NULL, NULL);
	check_ok(a, errno, "accept");
	cr_expect_eq(write_full(c, "ping", 4), 4);
	char buf[8];
	cr_expect_eq(read_full(a, buf, 4), 4);
	cr_expect(memcmp(buf, "ping", 4) == 0);

	/* The kernel saw the exact address (no padding for abstract ones). */
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	getsockname(l, (struct sockaddr *)&sun, &len);
	struct sockaddr_un want;
	cr_expect_eq((int)len, h_sockaddr(addr, &want), "getsockname length for %s", addr);
	close(a);
	close(c);
	close(l);
}

SELFTEST(harness_names, listen_connect_round_trip)
{
	round_trip(h_path("srv"));
	round_trip(h_abstract());
	check_errno(h_connect(h_path("nobody")), errno, ENOENT, "connect to a missing path");
	check_errno(h_connect(h_abstract()), errno, ECONNREFUSED,
		    "connect to an unused abstract name");
	int l = h_listen(h_path("dup"), 1);
	check_errno(h_listen(h_path("dup"), 1), errno, EADDRINUSE, "second bind");
	close(l);
}

SELFTEST(harness_names, bin_dir)
{
	setenv("LAB_BIN_DIR", "/opt/lab/bin", 1);
	cr_expect_str_eq(h_bin("server"), "/opt/lab/bin/server");
}

SELFTEST(harness_names, teardown_kills_and_removes)
{
	struct h_proc p;
	const char *argv[] = {"/bin/sleep", "100", NULL};
	check_ok(h_start(&p, argv, NULL), errno, "h_start sleep");
	char dir[64];
	snprintf(dir, sizeof(dir), "%s", h_dir());
	h_test_fini();
	struct stat st;
	cr_expect(stat(dir, &st) < 0 && errno == ENOENT, "%s removed", dir);
	cr_expect(wait_dead(p.pid, 0), "sleep was killed and reaped");
	h_test_init(); /* the fixture's own teardown runs next */
	cr_expect_str_neq(h_dir(), dir);
}
