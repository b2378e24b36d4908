/* unit_util.c: helpers shared by the unit tests (see unit_util.h). */
#include "unit_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/harness.h"

const char *fixture_path(const char *name)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "tests/fixtures/traces/%s", name);
	if (access(path, R_OK) == 0)
		return path;
	char exe[PATH_MAX / 2]; /* leaves room for the suffix below */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* build/<variant>/tests/unit/unit_tests: five levels up. */
		for (int up = 0; up < 5; up++) {
			char *slash = strrchr(exe, '/');
			if (slash)
				*slash = '\0';
		}
		snprintf(path, sizeof(path), "%s/tests/fixtures/traces/%s", exe, name);
	}
	return path;
}

const char *which(const char *prog)
{
	static const char *dirs[] = {"/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", NULL};
	static char found[8][256]; /* a few results stay valid at once */
	static int next;
	for (size_t k = 0; dirs[k]; k++) {
		char *slot = found[next % 8];
		snprintf(slot, sizeof(found[0]), "%s/%s", dirs[k], prog);
		if (access(slot, X_OK) == 0) {
			next++;
			return slot;
		}
	}
	return NULL;
}

int wait_dead(int pid, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		char path[64], buf[512];
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		FILE *f = fopen(path, "re");
		if (!f)
			return 1;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		char *p = strrchr(buf, ')');
		if (!p || (p[1] == ' ' && p[2] == 'Z'))
			return 1;
		if (mono_ms_left(deadline) == 0)
			return 0;
		mono_sleep_ms(2);
	}
}

const char *seqdiag_path(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX / 2];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0, "readlink(/proc/self/exe): %s", strerror(errno));
	exe[n] = '\0';
	/* Up from build/<variant>/tests/unit/unit_tests to build/<variant>. */
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
	}
	snprintf(path, sizeof(path), "%s/diagrams/seqdiag", exe);
	cr_assert_eq(access(path, X_OK), 0, "%s is missing: `make test-unit` builds it", path);
	return path;
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	cr_assert_not_null(mem, "open_memstream: %s", strerror(errno));
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, got, mem);
	fclose(f);
	fclose(mem);
	return buf;
}
