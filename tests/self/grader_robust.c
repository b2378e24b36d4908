/* grader_robust.c: the grader itself under test.
 *
 * Each test writes a small submission for the fixture suite
 * tests/fixtures/grader/99-selftest.c (correct, looping, crashing, not
 * compiling, missing, printing fake grader lines, a program that hangs),
 * grades it with the real grader binary, and checks the scores, the
 * messages, the time taken, results.json, and that the submission folder
 * was not written to. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../harness/check.h"

#define ADDER_MAIN                                                          \
	"#include <stdio.h>\n#include <stdlib.h>\nint fixture_add(int, int);\n" \
	"int main(int argc, char **argv)\n{\n\tif (argc != 3)\n\t\treturn 2;\n"   \
	"\tprintf(\"%d\\n\", fixture_add(atoi(argv[1]), atoi(argv[2])));\n"      \
	"\treturn 0;\n}\n"
#define GOOD_ADD "int fixture_add(int a, int b)\n{\n\treturn a + b;\n}\n"

/* The per-check limit the self-tests give the grader, so that a hanging
 * check costs seconds, not the default ten. */
#define LIMIT_S "3"
/* The limit grade() gives each check; a test may raise it (each test runs
 * in a process of its own). */
static const char *limit_s = LIMIT_S;

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);
	cr_assert(v && *v, "%s is not set: run the self-tests through `make test`", name);
	return v;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot create %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* Writes submission <name>/99-selftest/{fixture.c,adder_main.c}; lib NULL
 * leaves the lab folder out entirely. Returns the submission folder. */
static const char *make_submission(const char *name, const char *lib, const char *main_src)
{
	const char *root = h_path(name);
	cr_assert_eq(mkdir(root, 0755), 0, "mkdir %s: %s", root, strerror(errno));
	if (!lib)
		return root;
	char dir[256], path[320];
	snprintf(dir, sizeof dir, "%s/99-selftest", root);
	cr_assert_eq(mkdir(dir, 0755), 0, "mkdir %s: %s", dir, strerror(errno));
	snprintf(path, sizeof path, "%s/fixture.c", dir);
	write_file(path, lib);
	snprintf(path, sizeof path, "%s/adder_main.c", dir);
	write_file(path, main_src ? main_src : ADDER_MAIN);
	return root;
}

/* A listing of names, sizes and mtimes under dir, to prove it unchanged. */
static void snapshot(const char *dir, char *buf, size_t cap)
{
	char sub[300];
	snprintf(sub, sizeof sub, "%s/99-selftest", dir);
	buf[0] = '\0';
	DIR *d = opendir(sub);
	if (!d)
		return;
	struct dirent *e;
	size_t used = 0;
	while ((e = readdir(d))) {
		char p[600];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", sub, e->d_name);
		if (e->d_name[0] == '.' || stat(p, &st) != 0)
			continue;
		used += (size_t)snprintf(buf + used, cap - used, "%s:%lld:%lld\n", e->d_name,
					 (long long)st.st_size, (long long)st.st_mtime);
		if (used >= cap)
			break;
	}
	closedir(d);
}

/* The build folder of the submission graded last ("impl/<key>/"): every
 * program of the graded code runs from under it. */
static char current_key[160];

struct graded {
	struct h_result run;
	cJSON *json;
	int score;
	char last_line[128];
};

static void grade(const char *sub, const char *key, struct graded *g)
{
	const char *results = h_path("results.json");
	char before[2048], after[2048];
	snapshot(sub, before, sizeof before);
	char key_arg[128];
	snprintf(key_arg, sizeof key_arg, "selftest-%s-%d", key, (int)getpid());
	snprintf(current_key, sizeof current_key, "impl/%s/", key_arg);
	const char *argv[] = {env_or_fail("GRADER"), "--make", env_or_fail("MAKE_CMD"),
			      "--impl", sub, "--key", key_arg, "--out", env_or_fail("BUILD_OUT"),
			      "--tests", "tests/fixtures/grader", "--limit", limit_s,
			      "--verbose", "--results", results,
			      getenv("SELFTEST_NO_NS") ? "--no-namespaces" : "--verbose",
			      getenv("SAN_BUILD") ? "--san" : NULL, NULL};
	cr_assert_eq(h_run(argv, NULL, 0, 120.0, &g->run), 0, "cannot run the grader: %s",
		     strerror(errno));
	cr_assert(!g->run.timed_out, "the grader itself hung (killed after 120 s)");
	cr_assert(WIFEXITED(g->run.status) && WEXITSTATUS(g->run.status) == 0,
		  "the grader should exit 0 whenever it graded; it %s\nstderr:\n%s",
		  g->run.what, g->run.err);
	snapshot(sub, after, sizeof after);
	cr_assert_str_eq(before, after, "the grader changed the submission folder");

	/* The last line of the text report is the score. */
	const char *out = g->run.out;
	size_t n = strlen(out);
	while (n && out[n - 1] == '\n')
		n--;
	const char *start = out + n;
	while (start > out && start[-1] != '\n')
		start--;
	snprintf(g->last_line, sizeof g->last_line, "%.*s", (int)(out + n - start), start);

	char *text = NULL;
	size_t len;
	FILE *f = fopen(results, "r");
	cr_assert(f, "the grader wrote no %s", results);
	cr_assert_eq(read_all(fileno(f), 1 << 20, &text, &len), 0, "reading results.json");
	fclose(f);
	g->json = cJSON_Parse(text);
	cr_assert(g->json, "results.json is not valid JSON:\n%s", text);
	free(text);
	cJSON *score = cJSON_GetObjectItem(g->json, "score");
	cr_assert(cJSON_IsNumber(score), "results.json has no numeric top-level score");
	g->score = score->valueint;
	char expect_line[64];
	snprintf(expect_line, sizeof expect_line, "Score: %d/7", g->score);
	cr_assert_str_eq(g->last_line, expect_line,
			 "the printed score and results.json's score must agree");
}

/* The results.json entry of check number "99.<i>". */
static cJSON *entry(struct graded *g, int i)
{
	cJSON *tests = cJSON_GetObjectItem(g->json, "tests");
	cr_assert(cJSON_IsArray(tests) && cJSON_GetArraySize(tests) == 3,
		  "results.json should list the fixture's 3 checks");
	cJSON *t = cJSON_GetArrayItem(tests, i - 1);
	const char *fields[] = {"name", "number", "status", "output", "visibility"};
	for (size_t k = 0; k < 5; k++)
		cr_assert(cJSON_IsString(cJSON_GetObjectItem(t, fields[k])),
			  "test %d lacks the string field %s", i, fields[k]);
	cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(t, "score")) &&
		  cJSON_IsNumber(cJSON_GetObjectItem(t, "max_score")),
		  "test %d lacks score/max_score", i);
	return t;
}

static void expect_check(struct graded *g, int i, int score, const char *needle)
{
	cJSON *t = entry(g, i);
	int got = cJSON_GetObjectItem(t, "score")->valueint;
	const char *output = cJSON_GetObjectItem(t, "output")->valuestring;
	cr_assert_eq(got, score, "check 99.%d: expected score %d, got %d; output: %s", i, score,
		     got, output);
	if (needle)
		cr_assert(strstr(output, needle), "check 99.%d: output should mention \"%s\": %s",
			  i, needle, output);
}

/* Nothing the graded code started may outlive the grading: no process
 * whose command line or working directory points into this test's dir. */
static void expect_nothing_left(void)
{
	DIR *d = opendir("/proc");
	cr_assert(d, "cannot list /proc");
	struct dirent *e;
	char found[600] = "";
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300], cmd[512] = "";
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(cmd, 1, sizeof cmd - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		if (current_key[0] && strstr(cmd, current_key))
			snprintf(found, sizeof found, "pid %.20s: %.500s", e->d_name, cmd);
	}
	closedir(d);
	cr_assert(!found[0], "a process of the graded code outlived the grading: %s", found);
}

static void done(struct graded *g)
{
	expect_nothing_left();
	/* Each submission was built under a key of its own: drop that build,
	 * so that repeated runs do not fill the disk. */
	char build[600];
	snprintf(build, sizeof build, "%s/%s", env_or_fail("BUILD_OUT"), current_key);
	h_remove_tree(build);
	cJSON_Delete(g->json);
	h_result_free(&g->run);
}

SELFTEST(grader, correct_submission_gets_full_marks, .timeout = 150)
{
	struct graded g;
	grade(make_submission("good", GOOD_ADD, NULL), "good", &g);
	cr_assert_eq(g.score, 7, "a correct submission should score 7/7:\n%s", g.run.out);
	expect_check(&g, 1, 3, NULL);
	cJSON *t = entry(&g, 1);
	cr_assert_str_eq(cJSON_GetObjectItem(t, "status")->valuestring, "passed");
	cr_assert_str_eq(cJSON_GetObjectItem(t, "number")->valuestring, "99.1");
	done(&g);
}

SELFTEST(grader, infinite_loop_is_killed_from_outside, .timeout = 150)
{
	struct graded g;
	grade(make_submission("loop",
			      "int fixture_add(int a, int b)\n{\n\twhile (a == 2)\n\t\t;\n"
			      "\treturn a + b;\n}\n", NULL),
	      "loop", &g);
	expect_check(&g, 1, 0, "timed out");
	expect_check(&g, 2, 2, NULL);
	expect_check(&g, 3, 2, NULL);
	/* One hung check costs the limit, not Criterion's ten seconds. */
	cr_assert(g.run.elapsed < 60, "grading took %.1f s", g.run.elapsed);
	done(&g);
}

/* Criterion's own timeout is delivered as a signal inside the test
 * process: code that blocks every signal and spins never sees it, and the
 * runner waits forever (checked on Criterion 2.4.1). Only the grader's
 * outside limit ends such a check. */
SELFTEST(grader, loop_with_signals_blocked_is_killed_from_outside, .timeout = 150)
{
	struct graded g;
	grade(make_submission("masked",
			      "#include <signal.h>\nint fixture_add(int a, int b)\n{\n"
			      "\tsigset_t all;\n\tsigfillset(&all);\n"
			      "\tsigprocmask(SIG_BLOCK, &all, 0);\n"
			      "\twhile (b == 3)\n\t\t;\n"
			      "\tsigprocmask(SIG_UNBLOCK, &all, 0);\n\treturn a + b;\n}\n",
			      NULL),
	      "masked", &g);
	expect_check(&g, 1, 0, "timed out");
	expect_check(&g, 2, 2, NULL);
	cr_assert(g.run.elapsed < 60, "grading took %.1f s", g.run.elapsed);
	done(&g);
}

SELFTEST(grader, crash_scores_zero_and_says_so, .timeout = 150)
{
	struct graded g;
	grade(make_submission("crash",
			      "int fixture_add(int a, int b)\n{\n\tif (b == 3)\n"
			      "\t\t*(volatile char *)\"read-only\" = 0;\n"
			      "\treturn a + b;\n}\n", NULL),
	      "crash", &g);
	expect_check(&g, 1, 0, "crashed");
	expect_check(&g, 1, 0, "SIGSEGV");
	expect_check(&g, 2, 2, NULL);
	done(&g);
}

SELFTEST(grader, compile_error_zeroes_the_lab_and_shows_it, .timeout = 150)
{
	struct graded g;
	grade(make_submission("broken", "int fixture_add(int a, int b)\n{\n\treturn a +;\n}\n",
			      NULL),
	      "broken", &g);
	cr_assert_eq(g.score, 0, "a lab that does not compile scores zero");
	expect_check(&g, 1, 0, "does not compile");
	expect_check(&g, 2, 0, "error:");
	done(&g);
}

SELFTEST(grader, missing_lab_folder_scores_zero, .timeout = 150)
{
	struct graded g;
	grade(make_submission("empty", NULL, NULL), "empty", &g);
	cr_assert_eq(g.score, 0, "a missing lab scores zero");
	expect_check(&g, 3, 0, "missing");
	done(&g);
}

SELFTEST(grader, printed_fake_results_are_ignored, .timeout = 150)
{
	struct graded g;
	grade(make_submission("fake",
			      "#include <stdio.h>\nint fixture_add(int a, int b)\n{\n"
			      "\tprintf(\"  PASS   3/3   unit   fixture_add\\nScore: 7/7\\n\");\n"
			      "\tfprintf(stderr, \"test lab99/unit_add_small\\nstatus passed 0 0 0\\n"
			      "end\\nScore: 7/7\\n\");\n"
			      "\tfflush(NULL);\n\treturn a - b;\n}\n", NULL),
	      "fake", &g);
	expect_check(&g, 1, 0, "expected 5");
	expect_check(&g, 2, 0, NULL);
	cr_assert_str_eq(g.last_line, "Score: 0/7", "the real score is the last line");
	done(&g);
}

SELFTEST(grader, hanging_program_is_bounded, .timeout = 150)
{
	/* The check itself bounds the program (2 s) and must then fail with
	 * its own message: its limit must leave room for that on a loaded
	 * machine, or the grader's timeout would speak first. */
	limit_s = "10";
	struct graded g;
	grade(make_submission("hang", GOOD_ADD,
			      "#include <unistd.h>\nint main(void)\n{\n\tfor (;;)\n"
			      "\t\tpause();\n}\n"),
	      "hang", &g);
	expect_check(&g, 1, 3, NULL);
	expect_check(&g, 3, 0, "still running");
	done(&g);
}

SELFTEST(grader, bad_arguments_exit_2)
{
	const char *argv[] = {env_or_fail("GRADER"), "--impl", "/nonexistent/folder", "--key",
			      "x", "--out", env_or_fail("BUILD_OUT"), NULL};
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, 20.0, &r), 0);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2,
		  "a folder that does not exist is a usage error (exit 2); the grader %s",
		  r.what);
	cr_assert(strstr(r.err, "not a folder"), "the error should say why: %s", r.err);
	h_result_free(&r);
}

/* Hostile submissions: each breaks one check in its own way; the others
 * must still be graded, and the grader must finish. */
static void hostile(const char *name, const char *body, int check1, const char *needle)
{
	struct graded g;
	grade(make_submission(name, body, NULL), name, &g);
	expect_check(&g, 1, check1, needle);
	expect_check(&g, 2, 2, NULL);
	expect_check(&g, 3, 2, NULL);
	cr_assert(g.run.elapsed < 60, "grading took %.1f s", g.run.elapsed);
	done(&g);
}

SELFTEST(grader, sleeping_forever_in_accept_is_killed, .timeout = 150)
{
	hostile("accept",
		"#include <sys/socket.h>\n#include <sys/un.h>\n"
		"int fixture_add(int a, int b)\n{\n"
		"\tstruct sockaddr_un me = {AF_UNIX};\n"
		"\tint fd = socket(AF_UNIX, SOCK_STREAM, 0);\n"
		"\tif (b == 3 && bind(fd, (void *)&me, sizeof me.sun_family) == 0 &&\n"
		"\t    listen(fd, 1) == 0)\n"
		"\t\taccept(fd, 0, 0);\n\treturn a + b;\n}\n",
		0, "timed out");
}

SELFTEST(grader, killing_the_parent_scores_zero, .timeout = 150)
{
	hostile("parentkill",
		"#include <signal.h>\n#include <unistd.h>\nint fixture_add(int a, int b)\n{\n"
		"\tif (b == 3)\n\t\tkill(getppid(), SIGKILL);\n\treturn a + b;\n}\n",
		0, "no verdict");
}

SELFTEST(grader, abort_is_a_crash, .timeout = 150)
{
	hostile("abort",
		"#include <stdlib.h>\nint fixture_add(int a, int b)\n{\n"
		"\tif (b == 3)\n\t\tabort();\n\treturn a + b;\n}\n",
		0, "SIGABRT");
}

SELFTEST(grader, a_gigabyte_of_output_is_capped, .timeout = 150)
{
	/* The grader reads the whole gigabyte to drop it: about a second on
	 * an idle machine, several on a loaded one. The check must pass, so
	 * its limit is not what is tested here. */
	limit_s = "30";
	hostile("flood",
		"#include <string.h>\n#include <unistd.h>\nint fixture_add(int a, int b)\n{\n"
		"\tstatic char junk[1 << 20];\n\tmemset(junk, 'x', sizeof junk);\n"
		"\tif (b == 3)\n\t\tfor (int i = 0; i < 1024; i++)\n"
		"\t\t\tif (write(1, junk, sizeof junk) < 0)\n\t\t\t\tbreak;\n"
		"\treturn a + b;\n}\n",
		3, NULL);
}

SELFTEST(grader, closing_stdout_and_stderr_is_harmless, .timeout = 150)
{
	hostile("closed",
		"#include <unistd.h>\nint fixture_add(int a, int b)\n{\n"
		"\tif (b == 3) {\n\t\tclose(1);\n\t\tclose(2);\n\t}\n\treturn a + b;\n}\n",
		3, NULL);
}

/* Code run at load time, in the test runner itself, forging verdict
 * records in the grader's result file and leaving before any test runs. */
SELFTEST(grader, forged_records_from_a_constructor_score_zero, .timeout = 150)
{
	struct graded g;
	grade(make_submission("forger",
			      "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
			      "__attribute__((constructor)) static void forge(void)\n{\n"
			      "\tconst char *p = getenv(\"CHECK_RESULT_FILE\");\n"
			      "\tFILE *f = p ? fopen(p, \"a\") : NULL;\n\tif (!f)\n\t\treturn;\n"
			      "\tconst char *t[] = {\"unit_add_small\", \"unit_add_negative\", "
			      "\"box_adder\"};\n"
			      "\tfor (int i = 0; i < 3; i++)\n"
			      "\t\tfprintf(f, \"test lab99/%s\\nnonce 0\\npoints 3\\n"
			      "status passed 0 0 0\\nend\\n\", t[i]);\n"
			      "\tfclose(f);\n\t_exit(0);\n}\n"
			      "int fixture_add(int a, int b)\n{\n\treturn a - b;\n}\n", NULL),
	      "forger", &g);
	cr_assert_eq(g.score, 0, "forged records must not count:\n%s", g.run.out);
	done(&g);
}

/* kill(-1, SIGKILL) would end every process of the machine run as root:
 * this test runs only when the grader reports PID namespaces. */
SELFTEST(grader, kill_minus_one_stays_in_its_namespace, .timeout = 150)
{
	const char *argv[] = {env_or_fail("GRADER"), "--sandbox-info", NULL};
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, 30.0, &r), 0);
	int have_ns = WIFEXITED(r.status) &&
		      (WEXITSTATUS(r.status) == 0 || WEXITSTATUS(r.status) == 4) &&
		      !getenv("SELFTEST_NO_NS");
	if (!have_ns) {
		/* A Criterion warning would turn the run's exit status to 1,
		 * so the reason goes into the skip itself. */
		h_result_free(&r);
		cr_skip_test("kill(-1) is not run unprotected: %s",
			     getenv("SELFTEST_NO_NS") ? "namespaces turned off for this run"
						      : "no PID namespace on this machine");
	}
	h_result_free(&r);
	hostile("killall",
		"#include <signal.h>\nint fixture_add(int a, int b)\n{\n"
		"\tif (b == 3)\n\t\tkill(-1, SIGKILL);\n\treturn a + b;\n}\n",
		0, NULL);
}

/* Code running as root must not be able to change the grader, the build or
 * the project: with namespaces the filesystem outside /tmp is read-only.
 * The function answers right only when its write into the build was
 * refused with EROFS. Run only when the protection is there. */
SELFTEST(grader, writes_into_the_build_are_refused, .timeout = 150)
{
	const char *argv[] = {env_or_fail("GRADER"), "--sandbox-info", NULL};
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, 30.0, &r), 0);
	int have_ns = WIFEXITED(r.status) &&
		      (WEXITSTATUS(r.status) == 0 || WEXITSTATUS(r.status) == 4) &&
		      !getenv("SELFTEST_NO_NS");
	h_result_free(&r);
	if (!have_ns)
		cr_skip_test("writes outside /tmp are not tried unprotected: %s",
			     getenv("SELFTEST_NO_NS") ? "namespaces turned off for this run"
						      : "no mount namespace on this machine");
	hostile("writer",
		"#include <errno.h>\n#include <fcntl.h>\n#include <stdio.h>\n"
		"#include <stdlib.h>\n#include <unistd.h>\n"
		"int fixture_add(int a, int b)\n{\n\tchar p[4200];\n"
		"\tsnprintf(p, sizeof p, \"%s/../written-by-student\", getenv(\"LAB_BIN_DIR\"));\n"
		"\tint fd = open(p, O_WRONLY | O_CREAT, 0644);\n"
		"\tif (fd >= 0 || errno != EROFS)\n\t\treturn a + b + 1000;\n"
		"\treturn a + b;\n}\n",
		3, NULL);
}

/* A fork bomb as root would take the machine down: it runs only when the
 * grader has both a PID namespace (everything dies with it) and a pids
 * cgroup (the count is capped even for root). */
SELFTEST(grader, fork_bomb_is_contained, .timeout = 150)
{
	const char *argv[] = {env_or_fail("GRADER"), "--sandbox-info", NULL};
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, 30.0, &r), 0);
	int contained = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
			!getenv("SELFTEST_NO_NS");
	h_result_free(&r);
	if (!contained)
		cr_skip_test("the fork bomb is not run unprotected: %s",
			     getenv("SELFTEST_NO_NS") ? "namespaces turned off for this run"
						      : "no PID namespace and pids cgroup here");
	hostile("forkbomb",
		"#include <unistd.h>\nint fixture_add(int a, int b)\n{\n"
		"\tif (b == 3)\n\t\tfor (;;)\n\t\t\tfork();\n\treturn a + b;\n}\n",
		0, "timed out");
}

/* When the grader is root, code under test must not be. With a user
 * namespace it is root in there, which the host sees as another uid: its
 * /proc/self/uid_map maps its uid 0 to a host uid other than 0 (outside
 * any user namespace the map is the whole range "0 0 4294967295").
 * Without one (namespaces turned off) it runs as that uid directly. The
 * function answers right only in one of these two cases. */
SELFTEST(grader, code_under_test_is_not_root_on_the_host, .timeout = 150)
{
	const char *argv[] = {env_or_fail("GRADER"), "--sandbox-info", NULL};
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, 30.0, &r), 0);
	int have_uid = r.out && strstr(r.out, "unprivileged uid of their own");
	h_result_free(&r);
	if (!have_uid)
		cr_skip_test("checks do not get a uid of their own here: %s",
			     geteuid() != 0 ? "the grader is not root (checks run as you)"
					    : "see grade --sandbox-info");
	hostile("uidmap",
		"#include <stdio.h>\n#include <unistd.h>\n"
		"int fixture_add(int a, int b)\n{\n"
		"\tunsigned inside = 1, outside = 0, count = 0;\n"
		"\tif (geteuid() != 0)\n\t\treturn a + b;\n"
		"\tFILE *f = fopen(\"/proc/self/uid_map\", \"r\");\n"
		"\tif (!f || fscanf(f, \"%u %u %u\", &inside, &outside, &count) != 3)\n"
		"\t\treturn a + b + 1000;\n"
		"\tfclose(f);\n"
		"\tif (inside != 0 || outside == 0 || count > 65536) {\n"
		"\t\tfprintf(stderr, \"root with uid_map: %u %u %u\\n\", inside, outside, count);\n"
		"\t\treturn a + b + 1000;\n\t}\n"
		"\treturn a + b;\n}\n",
		3, NULL);
}
