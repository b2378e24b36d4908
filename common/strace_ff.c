/* strace_ff.c: the per-process files of `strace -ff -o PREFIX` as one
 * trace.
 *
 * With -ff, strace writes each process's lines to PREFIX.<pid>, without a
 * pid on the line and without split calls (each file has one process).
 * Merging them by timestamp gives the same records as a -f trace. */
#include "strace_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The pid of a file named "<base>.<digits>", or 0 when the name does not
 * have that shape. */
static int pid_of_name(const char *name, const char *base)
{
	size_t lb = strlen(base);
	if (strncmp(name, base, lb) != 0 || name[lb] != '.')
		return 0;
	const char *d = name + lb + 1;
	long v = 0;
	size_t n = 0;
	for (; d[n]; n++) {
		if (d[n] < '0' || d[n] > '9' || n >= 9)
			return 0;
		v = v * 10 + (d[n] - '0');
	}
	return n > 0 && v > 0 ? (int)v : 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* Appends src's records to dst (src is emptied). */
static int append_all(struct trace *dst, struct trace *src, int pid)
{
	size_t need = dst->n + src->n;
	if (need > dst->cap) {
		size_t ncap = dst->cap ? dst->cap : 64;
		while (ncap < need)
			ncap *= 2;
		void *p = realloc(dst->ev, ncap * sizeof(*dst->ev));
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		dst->ev = p;
		dst->cap = ncap;
	}
	for (size_t k = 0; k < src->n; k++) {
		dst->ev[dst->n] = src->ev[k];
		if (dst->ev[dst->n].pid == 0)
			dst->ev[dst->n].pid = pid;
		dst->n++;
	}
	free(src->ev);
	memset(src, 0, sizeof(*src));
	return 0;
}

/* Stable order by timestamp: records without one keep their place after
 * the previous record of their file. */
struct slot {
	double ts;
	size_t index;
};

static int by_time(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int merge_by_time(struct trace *t)
{
	if (t->n < 2)
		return 0;
	struct slot *s = malloc(t->n * sizeof(*s));
	struct trace_event *ev = malloc(t->n * sizeof(*ev));
	if (!s || !ev) {
		free(s);
		free(ev);
		errno = ENOMEM;
		return -1;
	}
	double last = 0;
	int last_pid = t->ev[0].pid;
	for (size_t k = 0; k < t->n; k++) {
		if (t->ev[k].pid != last_pid) {
			last = 0;
			last_pid = t->ev[k].pid;
		}
		if (t->ev[k].ts > 0)
			last = t->ev[k].ts;
		s[k].ts = last;
		s[k].index = k;
	}
	qsort(s, t->n, sizeof(*s), by_time);
	for (size_t k = 0; k < t->n; k++)
		ev[k] = t->ev[s[k].index];
	free(t->ev);
	t->ev = ev;
	t->cap = t->n;
	free(s);
	return 0;
}

int trace_load_ff(const char *prefix, struct trace *t)
{
	memset(t, 0, sizeof(*t));
	if (!prefix || !*prefix) {
		errno = EINVAL;
		return -1;
	}
	char dir[PATH_MAX], base[NAME_MAX + 1];
	const char *slash = strrchr(prefix, '/');
	if (slash) {
		size_t n = (size_t)(slash - prefix);
		if (n >= sizeof(dir) || strlen(slash + 1) >= sizeof(base)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, prefix, n);
		dir[n ? n : 1] = '\0';
		if (n == 0)
			dir[0] = '/';
		snprintf(base, sizeof(base), "%s", slash + 1);
	} else {
		if (strlen(prefix) >= sizeof(base)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		snprintf(dir, sizeof(dir), ".");
		snprintf(base, sizeof(base), "%s", prefix);
	}
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int *pids = NULL;
	size_t npids = 0, cap = 0;
	int rc = -1;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		int pid = pid_of_name(de->d_name, base);
		if (pid == 0)
			continue;
		if (npids == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			int *p = realloc(pids, ncap * sizeof(*pids));
			if (!p) {
				errno = ENOMEM;
				goto out;
			}
			pids = p;
			cap = ncap;
		}
		pids[npids++] = pid;
	}
	if (npids == 0) {
		errno = ENOENT;
		goto out;
	}
	/* In pid order, so that equal timestamps merge the same way each time. */
	qsort(pids, npids, sizeof(*pids), cmp_int);
	for (size_t k = 0; k < npids; k++) {
		char path[PATH_MAX + 16];
		struct trace one;
		snprintf(path, sizeof(path), "%s.%d", prefix, pids[k]);
		if (trace_load(path, &one) < 0)
			goto out;
		if (append_all(t, &one, pids[k]) < 0) {
			int saved = errno;
			trace_free(&one);
			errno = saved;
			goto out;
		}
	}
	if (merge_by_time(t) < 0)
		goto out;
	rc = 0;
out:;
	int saved = errno;
	closedir(d);
	free(pids);
	if (rc < 0) {
		trace_free(t);
		errno = saved;
	}
	return rc;
}

int trace_load_any(const char *path, struct trace *t)
{
	struct stat st;
	if (path && stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return trace_load(path, t);
	return trace_load_ff(path, t);
}
