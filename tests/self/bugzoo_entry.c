/* bugzoo_entry.c: reads the bug zoo's entries, the header lines of
 * tests/bugzoo/NN-topic/<name>.patch. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugzoo.h"

/* Drops the line end and any trailing blanks. */
static void trim_end(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
			 s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* Splits "lab03/unit_x: text" into check and text. Returns 0, or -1 when
 * the line has another shape. */
static int split_check(const char *rest, char *check, size_t ccap, char *text,
		       size_t tcap)
{
	const char *colon = strstr(rest, ": ");
	const char *slash = strchr(rest, '/');
	if (!colon || !slash || slash > colon || (size_t)(colon - rest) >= ccap ||
	    strlen(colon + 2) >= tcap || colon[2] == '\0')
		return -1;
	for (const char *c = rest; c < colon; c++)
		if (*c == ' ')
			return -1;
	snprintf(check, ccap, "%.*s", (int)(colon - rest), rest);
	snprintf(text, tcap, "%s", colon + 2);
	return 0;
}

/* Takes lab and name from ".../<lab>/<name>.patch". */
static int names_from_path(const char *path, struct zoo_entry *e)
{
	const char *base = strrchr(path, '/');
	if (!base || base == path)
		return -1;
	const char *lab = base - 1;
	while (lab > path && lab[-1] != '/')
		lab--;
	size_t blen = strlen(base + 1);
	if (blen <= 6 || strcmp(base + 1 + blen - 6, ".patch") != 0 ||
	    (size_t)(base - lab) >= sizeof(e->lab) || blen - 6 >= sizeof(e->name))
		return -1;
	snprintf(e->lab, sizeof(e->lab), "%.*s", (int)(base - lab), lab);
	snprintf(e->name, sizeof(e->name), "%.*s", (int)(blen - 6), base + 1);
	return 0;
}

int zoo_read_entry(const char *path, struct zoo_entry *e, char *err, size_t cap)
{
	memset(e, 0, sizeof(*e));
	if (strlen(path) >= sizeof(e->patch) || names_from_path(path, e) == -1) {
		snprintf(err, cap, "%s: expected a path like %s/NN-topic/<name>.patch",
			 path, ZOO_ROOT);
		return -1;
	}
	snprintf(e->patch, sizeof(e->patch), "%s", path);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[512];
	int lineno = 0, diff_seen = 0, bad = 0;
	struct zoo_must *last = NULL;	/* a continued phrase goes on here */
	while (!bad && fgets(line, sizeof(line), f)) {
		lineno++;
		if (strncmp(line, "--- ", 4) == 0) {
			diff_seen = 1;
			break;
		}
		trim_end(line);
		if ((line[0] == ' ' || line[0] == '\t') && last) {
			/* A "Must fail:" phrase continued on the next line. */
			const char *more = line + strspn(line, " \t");
			size_t used = strlen(last->phrase);
			snprintf(last->phrase + used, sizeof(last->phrase) - used, " %s", more);
			continue;
		}
		last = NULL;
		if (strncmp(line, "Must fail: ", 11) == 0) {
			if (e->n_must == ZOO_MAX_MUST) {
				snprintf(err, cap, "%s:%d: more than %d \"Must fail:\" lines",
					 path, lineno, ZOO_MAX_MUST);
				bad = 1;
				break;
			}
			struct zoo_must *m = &e->must[e->n_must++];
			bad = split_check(line + 11, m->check, sizeof(m->check),
					  m->phrase, sizeof(m->phrase));
			last = m;
		} else if (strncmp(line, "Known weak: ", 12) == 0) {
			char why[400];
			bad = split_check(line + 12, e->weak, sizeof(e->weak), why,
					  sizeof(why));
		} else if (strncmp(line, "Tier: ", 6) == 0) {
			if (strcmp(line + 6, "full") == 0)
				e->full_only = 1;
			else if (strcmp(line + 6, "core") != 0)
				bad = 1;
		}
		if (bad)
			snprintf(err, cap, "%s:%d: expected \"Must fail: labNN/check: "
				 "phrase\", \"Known weak: labNN/check: why\" or \"Tier: "
				 "core|full\", got \"%s\"", path, lineno, line);
	}
	fclose(f);
	if (bad)
		return -1;
	if (!diff_seen) {
		snprintf(err, cap, "%s: no \"--- a/...\" line: the diff is missing", path);
		return -1;
	}
	if ((e->n_must == 0) == (e->weak[0] == '\0')) {
		snprintf(err, cap, "%s: an entry lists the checks that catch it "
			 "(\"Must fail:\") or, when none does yet, the one that should "
			 "(\"Known weak:\"), not %s", path, e->n_must ? "both" : "neither");
		return -1;
	}
	return 0;
}

static int lab_number(const char *lab)
{
	return atoi(lab);
}

/* Higher lab numbers first, then by name. */
static int cmp_entries(const void *pa, const void *pb)
{
	const struct zoo_entry *a = pa, *b = pb;
	int la = lab_number(a->lab), lb = lab_number(b->lab);
	if (la != lb)
		return lb - la;
	return strcmp(a->name, b->name);
}

/* Appends the entries of one lab folder. Returns 0, or -1 with err. */
static int list_lab(const char *dir, int all, struct zoo_entry *out, size_t cap,
		    size_t *n, char *err, size_t errcap)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errcap, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 6 || strcmp(de->d_name + len - 6, ".patch") != 0)
			continue;
		if (*n == cap) {
			snprintf(err, errcap, "more than %zu bug zoo entries", cap);
			rc = -1;
			break;
		}
		char path[600];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct zoo_entry *e = &out[*n];
		if (zoo_read_entry(path, e, err, errcap) == -1)
			rc = -1;
		else if (all || !e->full_only)
			(*n)++;
	}
	closedir(d);
	return rc;
}

int zoo_list(int all, struct zoo_entry *out, size_t cap, char *err, size_t errcap)
{
	DIR *d = opendir(ZOO_ROOT);
	if (!d) {
		snprintf(err, errcap, "%s: %s (run from the project root)", ZOO_ROOT,
			 strerror(errno));
		return -1;
	}
	size_t n = 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char dir[300];
		snprintf(dir, sizeof(dir), "%s/%s", ZOO_ROOT, de->d_name);
		rc = list_lab(dir, all, out, cap, &n, err, errcap);
	}
	closedir(d);
	if (rc == -1)
		return -1;
	qsort(out, n, sizeof(*out), cmp_entries);
	return (int)n;
}
