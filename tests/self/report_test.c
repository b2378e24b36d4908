/* report_test.c: `make report` for real, its page loaded in headless
 * Chromium.
 *
 * Three pages, labs 02 and 04 only (to stay fast): the references (full
 * marks, both diagrams, no difference from the committed reference
 * runs), the untouched starters (zero, both diagrams, differences
 * marked), and a submission whose lab 02 does not compile, with markup in
 * its compiler error (a "no diagram" box, everything escaped). Each page
 * must be self-contained (nothing fetched: no script, no link, no remote
 * URL), Chromium's DOM of it must hold the lab sections, the scores, the
 * pictures and the marks, and its screenshot (kept in build/report-test/)
 * must not be blank: much bigger than the screenshot of an empty page of
 * the same size.
 *
 * Run in make test's own step (REPORT_TESTS=1), skipped elsewhere, and
 * skipped with a clear line when Chromium is not installed (CI installs
 * it: .ci/run). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"

#define MAKE_S 300.0
#define CHROMIUM_S 90.0
#define SHOT_W 1400
#define SHOT_H 1800

static const char *chromium(void)
{
	static const char *const names[] = {"chromium", "chromium-browser", NULL};
	const char *path = getenv("PATH");
	static char found[1024];
	for (const char *const *n = names; *n; n++) {
		for (const char *p = path ? path : "/usr/bin:/bin"; p && *p;) {
			const char *colon = strchr(p, ':');
			int len = colon ? (int)(colon - p) : (int)strlen(p);
			snprintf(found, sizeof found, "%.*s/%s", len, p, *n);
			if (access(found, X_OK) == 0)
				return found;
			p = colon ? colon + 1 : NULL;
		}
	}
	return NULL;
}

static void need_report_step(void)
{
	const char *v = getenv("REPORT_TESTS");
	if (!v || strcmp(v, "1") != 0)
		cr_skip_test("run in make test's own step (REPORT_TESTS=1)");
	if (!chromium())
		cr_skip_test("chromium is not installed (apt-get install chromium): the report "
			     "page is not loaded in a browser here");
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot open %s: %s", path, strerror(errno));
	char *text = NULL;
	size_t len;
	cr_assert_eq(read_all(fileno(f), 64u << 20, &text, &len), 0, "reading %s", path);
	fclose(f);
	return text;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A shell command, which must exit 0 within limit seconds; its output
 * (the end of it) goes into the failure message. */
static void sh(const char *cmd, double limit, const char *what)
{
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, limit, &r), 0, "%s: cannot run: %s", what,
		     strerror(errno));
	cr_assert(!r.timed_out, "%s: still running after %.0f s", what, limit);
	size_t lo = strlen(r.out), le = strlen(r.err);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
		  "%s %s\nstdout (end):\n%s\nstderr (end):\n%s", what, r.what,
		  r.out + (lo > 3000 ? lo - 3000 : 0), r.err + (le > 2000 ? le - 2000 : 0));
	h_result_free(&r);
}

/* make report with the arguments given, into build/report-test/NAME;
 * the page's path goes to page. */
static void make_report(const char *name, const char *args, char *page, size_t cap)
{
	const char *make = getenv("MAKE_CMD");
	cr_assert(make && *make, "MAKE_CMD is not set: run the self-tests through `make test`");
	char cwd[600], cmd[3000];
	cr_assert(getcwd(cwd, sizeof cwd), "getcwd: %s", strerror(errno));
	snprintf(page, cap, "%s/build/report-test/%s/index.html", cwd, name);
	snprintf(cmd, sizeof cmd,
		 "rm -f '%s' && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL %s --no-print-directory "
		 "report %s REPORT_DIR=build/report-test/%s %s",
		 page, make, getenv("SAN_BUILD") ? "SAN=1" : "SAN=", name, args);
	sh(cmd, MAKE_S, "make report");
	cr_assert(file_size(page) > 10000, "make report wrote no page at %s", page);
}

/* The page needs nothing but itself: no script, no stylesheet or font
 * fetched, no remote URL in an attribute or in the CSS. */
static void self_contained(const char *html, const char *page)
{
	static const char *const banned[] = {"<script", "<link", "<iframe", "<object", "<embed",
					     "@import", "src=\"http", "href=\"http", "url(",
					     "src=\"//", "href=\"//"};
	for (size_t k = 0; k < sizeof banned / sizeof *banned; k++)
		cr_assert(!strcasestr(html, banned[k]), "%s holds \"%s\": the page must need "
			  "nothing but itself", page, banned[k]);
}

/* Chromium's DOM of the page (--dump-dom) into dom_path, and its
 * screenshot into shot. */
static void load(const char *page, const char *dom_path, const char *shot)
{
	char cmd[4000], profile[600];
	snprintf(profile, sizeof profile, "%s", h_path("chromium-profile"));
	const char *flags = "--headless --no-sandbox --disable-gpu --no-first-run "
			    "--disable-extensions --hide-scrollbars";
	snprintf(cmd, sizeof cmd,
		 "'%s' %s --user-data-dir='%s' --dump-dom 'file://%s' > '%s' 2>/dev/null && "
		 "'%s' %s --user-data-dir='%s' --window-size=%d,%d --screenshot='%s' "
		 "'file://%s' >/dev/null 2>&1",
		 chromium(), flags, profile, page, dom_path, chromium(), flags, profile, SHOT_W,
		 SHOT_H, shot, page);
	sh(cmd, CHROMIUM_S, "chromium --headless");
}

/* The PNG at path: its size in the header, and the file's size. */
static long png_check(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "no screenshot at %s: %s", path, strerror(errno));
	unsigned char h[24];
	size_t got = fread(h, 1, sizeof h, f);
	fclose(f);
	cr_assert(got == sizeof h && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0 &&
			  memcmp(h + 12, "IHDR", 4) == 0,
		  "%s is not a PNG", path);
	long w = (long)h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19];
	long ht = (long)h[20] << 24 | h[21] << 16 | h[22] << 8 | h[23];
	cr_assert(w == SHOT_W && ht == SHOT_H, "the screenshot is %ldx%ld, not %dx%d", w, ht,
		  SHOT_W, SHOT_H);
	return file_size(path);
}

/* The size of the screenshot of an empty page, for comparison: a page
 * that did not render compresses as small as that. */
static long blank_size(const char *dir)
{
	char page[800], dom[800], shot[800];
	snprintf(page, sizeof page, "%s/blank.html", dir);
	snprintf(dom, sizeof dom, "%s/blank.dom", dir);
	snprintf(shot, sizeof shot, "%s/blank.png", dir);
	FILE *f = fopen(page, "w");
	cr_assert(f, "%s: %s", page, strerror(errno));
	fputs("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>blank</title></head>"
	      "<body style=\"background:#f4f5f7\"></body></html>\n", f);
	fclose(f);
	load(page, dom, shot);
	return png_check(shot);
}

static int count(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* Loads the page, checks the screenshot, returns the DOM (malloc). */
static char *rendered(const char *page)
{
	char dir[700], dom[800], shot[800];
	snprintf(dir, sizeof dir, "%s", page);
	*strrchr(dir, '/') = '\0';
	snprintf(dom, sizeof dom, "%s/dom.html", dir);
	snprintf(shot, sizeof shot, "%s/screenshot.png", dir);
	char *html = slurp(page);
	self_contained(html, page);
	free(html);
	load(page, dom, shot);
	long size = png_check(shot), blank = blank_size(dir);
	cr_assert(size > 30000 && size > 6 * blank,
		  "the screenshot %s looks blank: %ld bytes, an empty page's is %ld", shot, size,
		  blank);
	char *text = slurp(dom);
	cr_assert(strstr(text, "</html>") && strstr(text, "Socket lab report"),
		  "Chromium's DOM of %s is not the report:\n%.1500s", page, text);
	return text;
}

/* Both labs' sections are there, each with its two pictures. */
static void two_labs(const char *dom, int pictures_each)
{
	const char *ids[] = {"<section class=\"lab\" id=\"lab-02\">",
			     "<section class=\"lab\" id=\"lab-04\">"};
	for (int k = 0; k < 2; k++) {
		const char *s = strstr(dom, ids[k]);
		cr_assert(s, "the DOM has no section %s", ids[k]);
		const char *end = strstr(s, "</section>");
		cr_assert(end, "section %s is not closed", ids[k]);
		int imgs = 0;
		for (const char *p = strstr(s, "<img"); p && p < end; p = strstr(p + 1, "<img")) {
			const char *src = strstr(p, "src=\"");
			imgs += src && src < end &&
				strncmp(src, "src=\"data:image/svg+xml;base64,", 31) == 0;
		}
		cr_assert(imgs == pictures_each, "section %s has %d SVG pictures, not %d", ids[k],
			  imgs, pictures_each);
	}
}

SELFTEST(report, references, .timeout = 600)
{
	need_report_step();
	char page[800];
	make_report("solutions", "IMPL=solutions LAB=02,04", page, sizeof page);
	char *dom = rendered(page);
	two_labs(dom, 2);
	cr_assert(strstr(dom, "<div class=\"total\">56/56</div>"),
		  "the references should have full marks on top (56/56)");
	cr_assert(strstr(dom, "31/31") && strstr(dom, "25/25"), "each lab's score");
	cr_assert(count(dom, "class=\"PASS\"") >= 45 && !strstr(dom, "class=\"FAIL\""),
		  "every check passes");
	/* The same programs, the same calls: no difference from the
	 * committed reference runs (diagrams/NN-topic.rows). */
	cr_assert_eq(count(dom, "None: every process made the same calls"), 2,
		     "the references' runs should not differ from diagrams/*.rows");
	cr_assert(!strstr(dom, "<li class=\"d-missing\">") &&
			  !strstr(dom, "<li class=\"d-changed\">") &&
			  !strstr(dom, "<li class=\"d-extra\">"),
		  "no row marked for the references");
	free(dom);
}

SELFTEST(report, starters, .timeout = 600)
{
	need_report_step();
	char page[800];
	make_report("labs", "LAB=02,04", page, sizeof page);
	char *dom = rendered(page);
	two_labs(dom, 2);
	cr_assert(strstr(dom, "<div class=\"total\">0/56</div>"), "the starters score 0/56");
	cr_assert(count(dom, "class=\"FAIL\"") >= 45 && !strstr(dom, "class=\"PASS\""),
		  "every check fails");
	cr_assert(strstr(dom, "ENOSYS"), "the failures' messages are shown");
	/* The starters' servers stop at once: the reference's calls are
	 * missing, the exits changed. */
	cr_assert(count(dom, "<li class=\"d-missing\">") >= 10, "missing rows marked");
	cr_assert(count(dom, "<li class=\"d-changed\">") >= 2, "changed rows marked");
	cr_assert(strstr(dom, "did not go as the scenario expects"),
		  "the scenario's failure is said above the diagram");
	free(dom);
}

SELFTEST(report, submission_that_does_not_compile, .timeout = 600)
{
	need_report_step();
	/* Lab 02 does not compile, and its error holds markup; lab 04 is a
	 * copy of the reference. */
	const char *sub = h_path("sub");
	char cmd[2000], args[800], page[800];
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s && cp -r solutions/02-bind-listen-accept solutions/04-timeouts %s/ && "
		 "printf '#error \"<script>alert(1)</script> & <img src=x onerror=alert(2)>\"\\n' "
		 "> %s/02-bind-listen-accept/broken.c",
		 sub, sub, sub);
	sh(cmd, 30, "making the submission");
	snprintf(args, sizeof args, "SUBMISSION=%s LAB=02,04", sub);
	make_report("broken", args, page, sizeof page);
	char *html = slurp(page);
	cr_assert(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x"),
		  "the compiler's message is shown, escaped");
	free(html);
	char *dom = rendered(page);
	const char *s = strstr(dom, "id=\"lab-02\"");
	cr_assert(s, "no section for lab 02");
	cr_assert(strstr(s, "Every check of this lab scores zero"), "lab 02's problem is said once");
	cr_assert(strstr(s, "class=\"nodiagram\"") && strstr(s, "your programs do not build"),
		  "lab 02 shows a \"no diagram\" box saying why");
	cr_assert(!strstr(dom, "<img src=\"x\"") && !strcasestr(dom, "<script"),
		  "markup from the submission became part of the page");
	const char *s4 = strstr(dom, "id=\"lab-04\"");
	cr_assert(s4 && strstr(s4, "25/25"), "lab 04 (a copy of the reference) has full marks");
	free(dom);
}
