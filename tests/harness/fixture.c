/* fixture.c: the per-test temp dir, unique names, the registry of started
 * processes, and the teardown that kills and removes all of it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_internal.h"

struct reg_entry {
	pid_t pid;
	int traced;
	int reaped;
};

static char test_dir[64];
static pid_t owner;                 /* the test process that made test_dir */
static struct reg_entry *reg;
static size_t nreg, capreg;
static char **kept;
static size_t nkept, capkept;
static int counter;

static void *grow(void *arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = realloc(arr, ncap * size);
	if (p)
		*cap = ncap;
	return p;
}

/* The dir is made under $LAB_TMPDIR when the grader sets it (a folder of
 * its own that it removes after the check, so that nothing is left even
 * when the test is killed before its teardown), else under /tmp. Both keep
 * socket paths far below sun_path's 108 bytes. */
static int make_dir(void)
{
	char tmpl[64];
	const char *base = getenv("LAB_TMPDIR");
	if (!base || !*base || strlen(base) > 48)
		base = "/tmp";
	snprintf(tmpl, sizeof tmpl, "%.48s/lt.XXXXXX", base);
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(test_dir, sizeof(test_dir), "%s", tmpl);
	owner = getpid();
	return 0;
}

void h_test_init(void)
{
	nreg = 0;
	nkept = 0;
	counter = 0;
	test_dir[0] = '\0';
	if (make_dir() < 0)
		cr_assert_fail("harness: cannot create a temp dir under /tmp: %s",
			       strerror(errno));
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0; /* carries on: one stubborn file must not keep the rest */
}

void h_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void h_test_fini(void)
{
	if (owner && getpid() != owner)
		return; /* a forked copy of the test: not its fixture */
	for (size_t k = 0; k < nreg; k++)
		h__kill_group(reg[k].pid);
	for (size_t k = 0; k < nreg; k++) {
		if (reg[k].reaped)
			continue;
		int status;
		while (waitpid(reg[k].pid, &status, 0) < 0 && errno == EINTR)
			;
		reg[k].reaped = 1;
	}
	nreg = 0;
	if (test_dir[0])
		h_remove_tree(test_dir);
	test_dir[0] = '\0';
	for (size_t k = 0; k < nkept; k++)
		free(kept[k]);
	nkept = 0;
}

const char *h_dir(void)
{
	/* A test declared without the fixture still gets a dir. */
	if (!test_dir[0] && make_dir() < 0)
		return "/tmp";
	return test_dir;
}

const char *h__keep(char *s)
{
	if (!s)
		return NULL;
	char **n = grow(kept, &capkept, nkept + 1, sizeof(*kept));
	if (!n) {
		/* Leaked rather than freed early: the caller still uses it. */
		return s;
	}
	kept = n;
	kept[nkept++] = s;
	return s;
}

int h__next_id(void)
{
	return ++counter;
}

const char *h_path(const char *name)
{
	char *s = NULL;
	if (asprintf(&s, "%s/%s", h_dir(), name ? name : "") < 0)
		return NULL;
	return h__keep(s);
}

const char *h_path_of_len(size_t len)
{
	const char *dir = h_dir();
	size_t dl = strlen(dir);
	if (len < dl + 2 || len > 1 << 20) {
		errno = EINVAL;
		return NULL;
	}
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	memcpy(s, dir, dl);
	s[dl] = '/';
	memset(s + dl + 1, 'x', len - dl - 1);
	s[len] = '\0';
	return h__keep(s);
}

const char *h_abstract(void)
{
	unsigned int rnd = 0;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = (unsigned int)getpid() * 2654435761u ^ (unsigned int)counter;
	char *s = NULL;
	if (asprintf(&s, "@lt-%d-%d-%08x", (int)getpid(), h__next_id(), rnd) < 0)
		return NULL;
	return h__keep(s);
}

const char *h_bin(const char *prog)
{
	const char *dir = getenv("LAB_BIN_DIR");
	if (!dir || !*dir)
		cr_assert_fail("LAB_BIN_DIR is not set, so the lab's programs cannot "
			       "be found (wanted \"%s\"). Run the checks with "
			       "`make run-checks LAB=NN` or `make grade`, which set it.",
			       prog);
	char *s = NULL;
	if (asprintf(&s, "%s/%s", dir, prog) < 0)
		return NULL;
	return h__keep(s);
}

void h__register(pid_t pid, int traced)
{
	struct reg_entry *n = grow(reg, &capreg, nreg + 1, sizeof(*reg));
	if (!n) {
		/* Cannot track it: better dead now than leaked past the test. */
		h__kill_group(pid);
		return;
	}
	reg = n;
	reg[nreg].pid = pid;
	reg[nreg].traced = traced;
	reg[nreg].reaped = 0;
	nreg++;
}

void h__reaped(pid_t pid)
{
	for (size_t k = 0; k < nreg; k++)
		if (reg[k].pid == pid)
			reg[k].reaped = 1;
}

int h__is_traced(pid_t pid)
{
	for (size_t k = 0; k < nreg; k++)
		if (reg[k].pid == pid)
			return reg[k].traced;
	return 0;
}
