/* trace_flow.c: building and freeing a flow analysis (see trace_flow.h),
 * and the small helpers shared by its parts. */
#include "trace_flow_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int flow_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			errno = ENOMEM;
			return -1;
		}
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size) {
		errno = ENOMEM;
		return -1;
	}
	void *p = realloc(*arr, ncap * size);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

void flow_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* FNV-1a: short keys, few collisions, no setup. */
static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

size_t flow_key_get(const struct flow_keytab *kt, const char *key)
{
	if (kt->cap == 0)
		return FLOW_NONE;
	for (size_t i = hash(key) & (kt->cap - 1);; i = (i + 1) & (kt->cap - 1)) {
		if (!kt->keys[i])
			return FLOW_NONE;
		if (strcmp(kt->keys[i], key) == 0)
			return kt->vals[i];
	}
}

/* Puts an owned key without growing (there is room). */
static void place(struct flow_keytab *kt, char *key, size_t val)
{
	size_t i = hash(key) & (kt->cap - 1);
	while (kt->keys[i])
		i = (i + 1) & (kt->cap - 1);
	kt->keys[i] = key;
	kt->vals[i] = val;
	kt->n++;
}

int flow_key_put(struct flow_keytab *kt, const char *key, size_t val)
{
	if ((kt->n + 1) * 2 > kt->cap) {
		/* Half full at most, so that probes stay short. */
		size_t ncap = kt->cap ? kt->cap * 2 : 64;
		struct flow_keytab nt = {.cap = ncap};
		nt.keys = calloc(ncap, sizeof(*nt.keys));
		nt.vals = calloc(ncap, sizeof(*nt.vals));
		if (!nt.keys || !nt.vals) {
			free(nt.keys);
			free(nt.vals);
			errno = ENOMEM;
			return -1;
		}
		for (size_t i = 0; i < kt->cap; i++)
			if (kt->keys[i])
				place(&nt, kt->keys[i], kt->vals[i]);
		free(kt->keys);
		free(kt->vals);
		*kt = nt;
	}
	char *copy = strdup(key);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	place(kt, copy, val);
	return 0;
}

void flow_key_free(struct flow_keytab *kt)
{
	for (size_t i = 0; i < kt->cap; i++)
		free(kt->keys[i]);
	free(kt->keys);
	free(kt->vals);
	memset(kt, 0, sizeof(*kt));
}

int flow_is_write(const char *name)
{
	static const char *const names[] = {"write", "sendto", "sendmsg", "writev", "send"};
	for (size_t k = 0; name && k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(name, names[k]) == 0)
			return 1;
	return 0;
}

int flow_is_read(const char *name)
{
	static const char *const names[] = {"read", "recvfrom", "recvmsg", "readv", "recv"};
	for (size_t k = 0; name && k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(name, names[k]) == 0)
			return 1;
	return 0;
}

/* Reads "digits[.digits]" at s; returns the index after it, 0 if none. */
static size_t read_seconds(const char *s, double *out)
{
	size_t i = 0;
	double v = 0;
	while (s[i] >= '0' && s[i] <= '9' && i < 20)
		v = v * 10 + (s[i++] - '0');
	if (i == 0)
		return 0;
	if (s[i] == '.') {
		double scale = 0.1;
		for (i++; s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
			v += (s[i] - '0') * scale;
	}
	*out = v;
	return i;
}

double flow_end_time(const struct trace_event *ev)
{
	if (!ev)
		return 0;
	const char *nl = ev->line ? strchr(ev->line, '\n') : NULL;
	if (nl && ev->ts > 0) {
		/* The resumed half: "[pid N] " or "N " then the timestamp. */
		const char *s = nl + 1;
		if (strncmp(s, "[pid", 4) == 0) {
			const char *close = strchr(s, ']');
			s = close ? close + 1 : s;
		}
		while (*s == ' ')
			s++;
		double v;
		size_t n = read_seconds(s, &v);
		if (n > 0 && s[n] == ' ' && memchr(s, '.', n) == NULL) {
			s += n; /* that was a pid */
			while (*s == ' ')
				s++;
			n = read_seconds(s, &v);
		}
		if (n > 0 && memchr(s, '.', n) && v >= ev->ts)
			return v;
	}
	return ev->ts + (ev->duration > 0 ? ev->duration : 0);
}

void flow_free(struct flow *f)
{
	if (!f)
		return;
	free(f->socks);
	free(f->io);
	free(f->chunks);
	free(f->dirs);
	free(f->lanes);
	free(f->io_of_ev);
	free(f->lanes_by_pid);
	memset(f, 0, sizeof(*f));
}

int flow_build(const struct trace *t, struct flow *f)
{
	memset(f, 0, sizeof(*f));
	if (!t) {
		errno = EINVAL;
		return -1;
	}
	struct flow_build b = {.t = t, .f = f};
	int rc = -1;
	f->nev = t->n;
	if (t->n > 0) {
		f->io_of_ev = malloc(t->n * sizeof(*f->io_of_ev));
		if (!f->io_of_ev) {
			errno = ENOMEM;
			goto out;
		}
		for (size_t k = 0; k < t->n; k++)
			f->io_of_ev[k] = FLOW_NONE;
	}
	if (flow_scan_socks(&b) < 0 || flow_scan_io(&b) < 0 || flow_pair(&b) < 0 ||
	    flow_scan_lanes(&b) < 0)
		goto out;
	rc = 0;
out:;
	int saved = errno;
	flow_key_free(&b.socks_by_key);
	free(b.peer_in);
	free(b.dir_out);
	free(b.dir_in);
	free(b.peek);
	if (rc < 0) {
		flow_free(f);
		errno = saved;
	}
	return rc;
}

const struct flow_io *flow_io_of(const struct flow *f, size_t ev)
{
	if (!f || ev >= f->nev || !f->io_of_ev || f->io_of_ev[ev] == FLOW_NONE)
		return NULL;
	return &f->io[f->io_of_ev[ev]];
}

const struct flow_lane *flow_lane_of(const struct flow *f, int pid)
{
	if (!f || !f->lanes_by_pid)
		return NULL;
	size_t lo = 0, hi = f->nlanes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct flow_lane *l = &f->lanes[f->lanes_by_pid[mid]];
		if (l->pid == pid)
			return l;
		if (l->pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
