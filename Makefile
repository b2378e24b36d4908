# Makefile: the one build description of the socket lab (non-recursive).
#
# Everything built goes under build/. Two variants share the same rules:
#   build/rel/  plain -O1 -g builds, used by `make grade`
#   build/san/  -fsanitize=address,undefined builds, used by `make test`
# Student code is compiled per implementation tree ("impl"): labs/ (the
# starters a student fills in), solutions/ (the references) or any
# SUBMISSION folder laid out like labs/, each into its own folder under
# build/<variant>/impl/ so that grading never writes into the tree graded.
#
# The grader (tests/grader/) builds one lab at a time by asking this same
# Makefile for the target `lab-build LAB_DIR=NN-topic`: a lab that does not
# compile then scores zero while the others are still built and graded.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SUFFIXES:
.DELETE_ON_ERROR:
# Objects of programs are intermediate files to make; keep them, so that a
# second build does not relink every program.
.SECONDARY:

# ---- user-facing parameters -------------------------------------------------
LAB        ?=
IMPL       ?= labs
SUBMISSION ?=
RESULTS    ?=
AUTOLAB    ?=
SAN        ?=
V          ?=

ifeq ($(V),1)
  Q :=
else
  Q := @
endif

# ---- dependencies -----------------------------------------------------------
# Debian packages this project needs; `deps` installs them on first use.
DEB_PACKAGES := build-essential pkg-config libcriterion-dev libcjson-dev \
                strace graphviz socat zip unzip patch inotify-tools tmux
PKG_MODULES  := criterion libcjson
DEPS_STAMP   := build/.deps-ok

# ---- toolchain ----------------------------------------------------------------
NPROC    := $(shell nproc 2>/dev/null || echo 2)
VARIANT  := $(if $(SAN),san,rel)
OUT      := build/$(VARIANT)
CC       ?= cc
CSTD     := -std=gnu11
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wno-missing-field-initializers
CFLAGS_rel := -O1 -g
CFLAGS_san := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
BASE_CFLAGS = $(CSTD) $(WARN) $(CFLAGS_$(VARIANT)) -D_GNU_SOURCE -MMD -MP
LDFLAGS_san := -fsanitize=address,undefined
# pkg-config runs when a recipe needs it, after `deps` installed the packages.
CRIT_CFLAGS = $(shell pkg-config --cflags criterion)
CRIT_LIBS   = $(shell pkg-config --libs criterion)
JSON_CFLAGS = $(shell pkg-config --cflags libcjson)
JSON_LIBS   = $(shell pkg-config --libs libcjson)

# ---- what exists --------------------------------------------------------------
# A lab exists when its graded suite exists: $(TESTS_DIR)/NN-topic.c. The
# project's own tests point TESTS_DIR at a fixture suite to test the grader.
TESTS_DIR ?= tests/labs
ALL_LABS := $(sort $(basename $(notdir $(wildcard $(TESTS_DIR)/[0-9][0-9]-*.c))))
# The staff's hidden checks (never in the students' handout): a lab with
# $(HIDDEN_DIR)/NN-topic.c has them linked into its check binary beside the
# graded suite, and `make grade` lists them (--hidden) as hidden checks.
HIDDEN_DIR ?= tests/hidden
HIDDEN_LABS := $(filter $(ALL_LABS),$(basename $(notdir \
                 $(wildcard $(HIDDEN_DIR)/[0-9][0-9]-*.c))))
HIDDEN_OBJ  := $(foreach l,$(HIDDEN_LABS),$(OUT)/$(HIDDEN_DIR)/$(l).o)

# ---- common/ and the test harness ----------------------------------------------
COMMON_SRC  := $(wildcard common/*.c)
COMMON_OBJ  := $(COMMON_SRC:%.c=$(OUT)/%.o)
COMMON_LIB  := $(OUT)/common/libcommon.a
# check_report.o holds only a Criterion report hook that nothing calls by
# name, so it is linked as an object: from an archive it would be dropped.
HARNESS_SRC := $(filter-out tests/harness/check_report.c,$(wildcard tests/harness/*.c))
CHECK_REPORT_OBJ := $(OUT)/tests/harness/check_report.o
HARNESS_OBJ := $(HARNESS_SRC:%.c=$(OUT)/%.o)
HARNESS_LIB := $(OUT)/tests/harness/libharness.a

$(OUT)/common/%.o: common/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) -c $< -o $@

$(OUT)/tests/%.o: tests/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(CRIT_CFLAGS) $(JSON_CFLAGS) -c $< -o $@

$(COMMON_LIB): $(COMMON_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(HARNESS_LIB): $(HARNESS_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# ---- the student's progress tools (tests/progress/) -----------------------------
# The state file, the hints parser and the terminal helpers (libprogress),
# linked into the grader and into `progress`, the tool behind make status,
# make hint and make watch.
PROGRESS_LIB_SRC := $(filter-out tests/progress/progress_main.c,$(wildcard tests/progress/*.c))
PROGRESS_LIB     := $(OUT)/tests/progress/libprogress.a
PROGRESS_TOOL    := $(OUT)/tests/progress/progress

$(PROGRESS_LIB): $(PROGRESS_LIB_SRC:%.c=$(OUT)/%.o)
	$(Q)rm -f $@ && ar rcs $@ $^

$(PROGRESS_TOOL): $(OUT)/tests/progress/progress_main.o $(OUT)/tests/grader/check_list.o \
                  $(PROGRESS_LIB) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_$(VARIANT)) -o $@ $^ $(JSON_LIBS)

# ---- the grader ---------------------------------------------------------------
GRADER_SRC := $(wildcard tests/grader/*.c)
GRADER_OBJ := $(GRADER_SRC:%.c=$(OUT)/%.o)
GRADER     := $(OUT)/tests/grader/grade

$(GRADER): $(GRADER_OBJ) $(PROGRESS_LIB) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_$(VARIANT)) -o $@ $^ $(JSON_LIBS)

# ---- one implementation tree's labs ----------------------------------------------
# IMPL_DIR is the tree to build, IMPL_KEY the folder under build/ it goes to.
ifneq ($(SUBMISSION),)
  IMPL_DIR := $(patsubst %/,%,$(SUBMISSION))
  IMPL_KEY := sub-$(shell printf '%s' "$(abspath $(SUBMISSION))" | cksum | cut -d' ' -f1)
else
  IMPL_DIR ?= $(patsubst %/,%,$(IMPL))
  IMPL_KEY ?= $(notdir $(IMPL_DIR))
endif
IMPL_OUT := $(OUT)/impl/$(IMPL_KEY)

# The given files of a lab (the programs' main files, helpers that are not
# the lesson) live once, in the starters' tree: a tree graded that lacks
# one of them (solutions/, or a submission holding only the files its
# student wrote) takes it from there. A tree's own copy comes first.
GIVEN_DIR := labs
IMPL_IS_GIVEN := $(filter $(abspath $(GIVEN_DIR)),$(abspath $(IMPL_DIR)))

# lab_rules(lab): the objects, programs and check binary of one lab.
# Files named *_main.c are programs (prog_main.c -> bin/prog); every other
# .c file is the student's library, linked into each program and into the
# graded check binary (which calls its functions directly). Given files
# are added only when the tree has the lab's folder at all: a missing lab
# stays missing.
define lab_rules
$(1)_OWN  := $$(wildcard $$(IMPL_DIR)/$(1)/*.c)
$(1)_GIVEN := $$(if $$(IMPL_IS_GIVEN)$$(if $$(wildcard $$(IMPL_DIR)/$(1)/.),,none),,\
	$$(filter-out $$(patsubst $$(IMPL_DIR)/$(1)/%,$$(GIVEN_DIR)/$(1)/%,$$($(1)_OWN)),\
	  $$(wildcard $$(GIVEN_DIR)/$(1)/*.c)))
$(1)_SRC  := $$($(1)_OWN) $$($(1)_GIVEN)
$(1)_MAIN := $$(filter %_main.c,$$($(1)_SRC))
$(1)_LIBO := $$(patsubst %.c,$$(IMPL_OUT)/$(1)/obj/%.o,$$(notdir $$(filter-out %_main.c,$$($(1)_SRC))))
$(1)_PROG := $$(patsubst %_main.c,$$(IMPL_OUT)/$(1)/bin/%,$$(notdir $$($(1)_MAIN)))
$(1)_CHECKS := $$(IMPL_OUT)/$(1)/checks
$(1)_HIDDEN := $$(if $$(filter $(1),$$(HIDDEN_LABS)),$$(OUT)/$$(HIDDEN_DIR)/$(1).o)

# The tree's own file when it has one (the first rule whose source exists
# wins), else the given one.
$$(IMPL_OUT)/$(1)/obj/%.o: $$(IMPL_DIR)/$(1)/%.c | $$(DEPS_STAMP)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$<")
	$$(Q)$$(CC) $$(BASE_CFLAGS) -Icommon/contract -Icommon -c $$< -o $$@

$$(IMPL_OUT)/$(1)/obj/%.o: $$(GIVEN_DIR)/$(1)/%.c | $$(DEPS_STAMP)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$< (given)")
	$$(Q)$$(CC) $$(BASE_CFLAGS) -Icommon/contract -Icommon -c $$< -o $$@

$$(IMPL_OUT)/$(1)/bin/%: $$(IMPL_OUT)/$(1)/obj/%_main.o $$($(1)_LIBO) $$(COMMON_LIB)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(LDFLAGS_$$(VARIANT)) -o $$@ $$^

$$($(1)_CHECKS): $$(OUT)/$$(TESTS_DIR)/$(1).o $$($(1)_HIDDEN) $$($(1)_LIBO) $$(CHECK_REPORT_OBJ) $$(HARNESS_LIB) $$(COMMON_LIB)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(LDFLAGS_$$(VARIANT)) -o $$@ $$^ $$(CRIT_LIBS) $$(JSON_LIBS)

lab-build-$(1): $$($(1)_CHECKS) $$($(1)_PROG)
.PHONY: lab-build-$(1)
endef
$(foreach l,$(ALL_LABS),$(eval $(call lab_rules,$(l))))

# The lab folder named by LAB=NN (or LAB_DIR=NN-topic).
LAB_DIR ?= $(if $(LAB),$(filter $(LAB)-%,$(ALL_LABS)),)

# ---- the student's progress ----------------------------------------------------
# Every `make grade` records its per-lab results (what results.json says,
# and a fingerprint of each lab's sources) in a state file kept out of git:
# PROGRESS_DIR/<tree>.json, one per tree graded (labs/, solutions/, each
# SUBMISSION). make status, make hint and make watch read it; status and
# hint first grade again the labs whose sources changed since they were
# recorded, or that never were, so their figures are never out of date.
PROGRESS_DIR ?= .lab-progress
STATE_FILE    = $(PROGRESS_DIR)/$(IMPL_KEY).json
REGRADE_LOG   = build/progress/$(IMPL_KEY)-grade.txt
CHECK        ?=
# Repeated in the commands the tools suggest, so that they name the same tree.
STUDENT_SUFFIX = $(if $(SUBMISSION), SUBMISSION=$(SUBMISSION))$(if $(filter-out labs,$(IMPL)), IMPL=$(IMPL))$(if $(SAN), SAN=1)
PROGRESS_ARGS = --state "$(STATE_FILE)" --impl "$(IMPL_DIR)" --tests "$(TESTS_DIR)" \
                $(if $(HIDDEN_LABS),--hidden "$(HIDDEN_DIR)") --suffix "$(STUDENT_SUFFIX)"

# ---- user targets -------------------------------------------------------------
.PHONY: help deps all grade lab-build run-checks test test-unit test-graded \
        clean distclean status hint watch hints-check

help:
	@echo "Socket lab: rebuild a client/daemon pair over UNIX sockets, lab by lab."
	@echo
	@echo "Students"
	@echo "  make grade                 grade your work in labs/ (installs deps on first use)"
	@echo "  make grade LAB=02          grade one lab"
	@echo "  make run-checks LAB=02     run one lab's Criterion suite directly, full output"
	@echo "  make status                every lab's score and progress bar, the next lab to"
	@echo "                             do and its first failing check (regrades what changed)"
	@echo "  make watch LAB=02          grade lab 02 again on every save: its first failing"
	@echo "                             check with a hint, or that it is done (Ctrl-C stops)"
	@echo "  make hint LAB=02           the next hint for the first failing check of lab 02;"
	@echo "                             again for a stronger one (CHECK=name: that check)"
	@echo "  make diagram LAB=02        draw the sequence diagram of your own run of lab 02"
	@echo "                             (build/diagrams/NN-topic.svg, .png)"
	@echo "  make report [LAB=02]       one page: scores, failures, your diagrams beside the"
	@echo "                             reference's (build/report/index.html)"
	@echo "  make bench                 lab 11's benchmark: UNIX stream and seqpacket, TCP,"
	@echo "                             pipe and memcpy, beside minimal baseline loops (the"
	@echo "                             reference; IMPL=labs for yours; ARGS='--repeat 5')"
	@echo
	@echo "Course staff"
	@echo "  make grade IMPL=solutions  grade the references (must be full marks)"
	@echo "  make grade SUBMISSION=DIR  grade a folder laid out like labs/, read-only"
	@echo "  make grade RESULTS=F       also write Gradescope results.json to F"
	@echo "  make diagrams [LAB=NN]     redraw diagrams/NN-topic.svg, .png from the references"
	@echo "  make handout               the students' tarball (no solutions/, no hidden checks)"
	@echo "  make gradescope            Gradescope's autograder.zip (hidden checks included)"
	@echo "  make autolab               Autolab's autograde.tar and autograde-Makefile"
	@echo "  make grade-all SUBMISSIONS=DIR   grade every student folder of DIR, in parallel,"
	@echo "                             into build/grade-all/gradebook.csv"
	@echo "  make grade AUTOLAB=1       end with Autolab's {\"scores\": ...} line"
	@echo "                             (guide/staff.md: platforms, hidden checks, batches)"
	@echo
	@echo "Developers"
	@echo "  make test                  the project's own tests (sanitizers on)"
	@echo "  make test-unit             only the unit tests of common/ and the harness"
	@echo "  make hints-check           every graded check has hint: and more: in tests/hints/"
	@echo "  make handout-check         the handout builds and grades to zero on its own"
	@echo "  make bench-grade-all       time a batch of 50 generated submissions"
	@echo "  make all                   build the grader and every lab of IMPL"
	@echo "  make deps                  install the Debian packages ($(DEB_PACKAGES))"
	@echo "  make clean                 remove build/"
	@echo
	@echo "Options: V=1 shows commands; SAN=1 builds with address/undefined sanitizers;"
	@echo "NO_COLOR=1 plain text on a terminal too; PROGRESS_DIR=D keeps progress in D"
	@echo "(default .lab-progress, ignored by git)."
	@echo "Labs: $(ALL_LABS)"

# Installs missing packages when run as root, otherwise names them and stops.
$(DEPS_STAMP):
	@missing=""; \
	for p in $(PKG_MODULES); do pkg-config --exists $$p 2>/dev/null || missing=1; done; \
	for c in cc strace dot socat zip unzip patch inotifywait tmux; do \
	  command -v $$c >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing $(DEB_PACKAGES)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) >/dev/null \
	      || { echo "deps: apt-get failed; install these packages: $(DEB_PACKAGES)" >&2; exit 1; }; \
	  else \
	    echo "deps: missing packages; as root run: apt-get install $(DEB_PACKAGES)" >&2; exit 1; \
	  fi; \
	fi
	@mkdir -p $(@D) && touch $@

deps: $(DEPS_STAMP)

all: $(GRADER) $(foreach l,$(ALL_LABS),lab-build-$(l))

# Used by the grader before any lab: everything a lab build needs that is not
# the student's code. When this fails, the fault is ours, not the student's,
# and the grader stops with status 2 instead of scoring labs zero.
.PHONY: grade-base
grade-base: $(COMMON_LIB) $(HARNESS_LIB) $(CHECK_REPORT_OBJ) \
            $(foreach l,$(ALL_LABS),$(OUT)/$(TESTS_DIR)/$(l).o) $(HIDDEN_OBJ)

# Used by the grader: builds the lab named by LAB_DIR for IMPL_DIR.
lab-build: $(if $(LAB_DIR),lab-build-$(LAB_DIR))
	@$(if $(LAB_DIR),:,echo "lab-build: needs LAB_DIR=NN-topic (one of: $(ALL_LABS))" >&2; exit 2)

GRADE_BASE_ARGS = --make "$(MAKE)" --tests "$(TESTS_DIR)" --impl "$(IMPL_DIR)" \
             --key "$(IMPL_KEY)" --out "$(OUT)" $(if $(SAN),--san) $(if $(SUBMISSION),--fresh) \
             $(if $(HIDDEN_LABS),--hidden "$(HIDDEN_DIR)") --state "$(STATE_FILE)"
GRADE_ARGS = $(GRADE_BASE_ARGS) $(if $(LAB),--lab "$(LAB)") \
             $(if $(RESULTS),--results "$(RESULTS)") $(if $(AUTOLAB),--autolab) \
             $(if $(GRADE_PROGRESS),--progress)

grade: $(GRADER) $(COMMON_LIB) $(HARNESS_LIB)
	$(Q)$(GRADER) $(GRADE_ARGS)

# $(call regrade,WHO,LAB-OPTION): grades again, quietly (the report goes to
# REGRADE_LOG, a progress line to the terminal), the labs that
# `progress stale` names; it says which and why on stderr.
define regrade
stale=$$($(PROGRESS_TOOL) stale $(PROGRESS_ARGS) --who $(1) $(2)) || exit 2; \
if [ -n "$$stale" ]; then \
  mkdir -p "$(dir $(REGRADE_LOG))"; \
  $(GRADER) $(GRADE_BASE_ARGS) --lab "$$stale" --progress >"$(REGRADE_LOG)"; rc=$$?; \
  if [ $$rc -ne 0 ]; then \
    [ $$rc -gt 128 ] && exit $$rc; \
    tail -n 5 "$(REGRADE_LOG)" >&2; \
    echo "$(1): grading stopped with status $$rc; its report: $(REGRADE_LOG)" >&2; exit 2; \
  fi; \
fi
endef

status: $(GRADER) $(PROGRESS_TOOL) $(COMMON_LIB) $(HARNESS_LIB)
	$(Q)$(call regrade,status,); \
	$(PROGRESS_TOOL) status $(PROGRESS_ARGS)

hint: $(GRADER) $(PROGRESS_TOOL) $(COMMON_LIB) $(HARNESS_LIB)
	$(Q)$(call regrade,hint,$(if $(LAB),--lab "$(LAB)")); \
	$(PROGRESS_TOOL) hint $(PROGRESS_ARGS) $(if $(LAB),--lab "$(LAB)") \
	  $(if $(CHECK),--check "$(CHECK)")

# tests/progress/watch.sh runs `make grade LAB=NN` (this make's variables,
# SUBMISSION= or IMPL= or SAN=, reach it through MAKEFLAGS) on every save
# in the lab's folder, and shows what `progress watch-summary` says.
watch: $(GRADER) $(PROGRESS_TOOL) $(COMMON_LIB) $(HARNESS_LIB)
	@$(if $(LAB_DIR),:,echo "watch: needs LAB=NN (one of: $(ALL_LABS))" >&2; exit 2)
	$(Q)MAKE_CMD="$(MAKE)" PROGRESS_TOOL="$(PROGRESS_TOOL)" STATE_FILE="$(STATE_FILE)" \
	  IMPL_DIR="$(IMPL_DIR)" TESTS_DIR="$(TESTS_DIR)" SUFFIX="$(STUDENT_SUFFIX)" \
	  HIDDEN="$(if $(HIDDEN_LABS),$(HIDDEN_DIR))" LAB_NUM="$(LAB)" LAB_DIR="$(LAB_DIR)" \
	  GRADE_LOG="build/progress/$(IMPL_KEY)-watch-$(LAB).txt" \
	  tests/progress/watch.sh

hints-check: $(PROGRESS_TOOL)
	$(Q)$(PROGRESS_TOOL) hints-check --tests "$(TESTS_DIR)" --hidden "$(HIDDEN_DIR)"

run-checks: $(if $(LAB_DIR),lab-build-$(LAB_DIR))
	@$(if $(LAB_DIR),:,echo "run-checks: needs LAB=NN (one of: $(ALL_LABS))" >&2; exit 2)
	$(Q)LAB_BIN_DIR=$(IMPL_OUT)/$(LAB_DIR)/bin $(IMPL_OUT)/$(LAB_DIR)/checks -j1 $(ARGS)

# ---- the project's own tests ----------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(OUT)/tests/unit/unit_tests
SELF_SRC := $(wildcard tests/self/*.c)
SELF_BIN := $(OUT)/tests/self/self_tests

$(UNIT_BIN): $(UNIT_SRC:%.c=$(OUT)/%.o) $(HARNESS_LIB) $(PROGRESS_LIB) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_$(VARIANT)) -o $@ $^ $(CRIT_LIBS) $(JSON_LIBS)

$(SELF_BIN): $(SELF_SRC:%.c=$(OUT)/%.o) $(HARNESS_LIB) $(PROGRESS_LIB) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_$(VARIANT)) -o $@ $^ $(CRIT_LIBS) $(JSON_LIBS)

# `make test` always uses the sanitizer variant, whatever SAN says. The
# students' handout has neither solutions/ nor these tests: there it says so.
test:
	@[ -d solutions ] && [ -d tests/self ] || { echo "make test: the project's own tests \
	need solutions/ and tests/self/, which only the course's developers have; \
	to grade your work, run: make grade" >&2; exit 2; }
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) SAN=1 test-run

test-unit:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-unit-run

.PHONY: test-run test-unit-run
test-unit-run: $(UNIT_BIN)
	$(Q)$(UNIT_BIN) -j1 --short-filename

test-run: $(UNIT_BIN) $(SELF_BIN) $(GRADER) $(SEQDIAG) $(PROGRESS_TOOL)
	$(Q)tests/run_selftests.sh "$(MAKE)" "$(OUT)"

# ---- diagrams ----------------------------------------------------------------
# seqdiag (diagrams/tool/) draws a sequence diagram from an strace log. A lab
# gets a diagram when diagrams/scenarios/NN-topic.sh exists: that script runs
# the lab's programs the way a student would, and diagrams/trace_scenario.sh
# runs it under strace and draws what the kernel saw.
#   make diagrams        the reference diagrams diagrams/NN-topic.{svg,png},
#                        from a real run of solutions/ (committed)
#   make diagram LAB=NN  the same from your own programs (IMPL=, SUBMISSION=),
#                        into build/diagrams/NN-topic.{dot,svg,png}
SEQDIAG_SRC  := $(wildcard diagrams/tool/*.c)
SEQDIAG_OBJ  := $(SEQDIAG_SRC:%.c=$(OUT)/%.o)
SEQDIAG      := $(OUT)/diagrams/seqdiag
DIAGRAM_LABS := $(filter $(ALL_LABS),$(sort $(basename $(notdir \
                  $(wildcard diagrams/scenarios/[0-9][0-9]-*.sh)))))
DIAGRAM_LAB  := $(if $(LAB),$(filter $(LAB)-%,$(DIAGRAM_LABS)),)

$(OUT)/diagrams/%.o: diagrams/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) -Icommon -c $< -o $@

$(SEQDIAG): $(SEQDIAG_OBJ) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_$(VARIANT)) -o $@ $^

# The unit tests run the tool on live traces (found beside the unit binary),
# and the progress tool's hints-check on fixture trees.
$(UNIT_BIN): | $(SEQDIAG) $(PROGRESS_TOOL)

.PHONY: seqdiag diagrams diagrams-run diagram
seqdiag: $(SEQDIAG)

# Reference diagrams come from solutions/, whatever IMPL says.
diagrams:
	$(Q)$(MAKE) --no-print-directory IMPL=solutions SUBMISSION= diagrams-run

diagrams-run: $(SEQDIAG) $(foreach l,$(or $(DIAGRAM_LAB),$(DIAGRAM_LABS)),$($(l)_PROG))
	$(Q)for l in $(or $(DIAGRAM_LAB),$(DIAGRAM_LABS)); do \
	  diagrams/trace_scenario.sh "$(SEQDIAG)" "$$l" "$(IMPL_OUT)/$$l/bin" "diagrams/$$l" \
	    "reference run of solutions/" --strict || exit 1; \
	done

diagram: $(SEQDIAG) $(if $(DIAGRAM_LAB),$($(DIAGRAM_LAB)_PROG))
	@$(if $(DIAGRAM_LAB),:,echo "diagram: needs LAB=NN, one of: $(DIAGRAM_LABS)" >&2; exit 2)
	$(Q)diagrams/trace_scenario.sh "$(SEQDIAG)" "$(DIAGRAM_LAB)" "$(IMPL_OUT)/$(DIAGRAM_LAB)/bin" \
	  "build/diagrams/$(DIAGRAM_LAB)" "your run of $(IMPL_DIR)/"
# ---- end of diagrams -----------------------------------------------------------

# ---- report ----------------------------------------------------------------------
# make report [LAB=NN[,NN]] (IMPL=, SUBMISSION= as for make grade): one page,
# $(REPORT_DIR)/index.html, that needs nothing but itself (inline CSS, the
# diagrams as data: URIs, no script): the score per lab and per check, each
# failure's message, and per lab the sequence diagram of the reference's run
# beside the one of the student's run, with the calls that differ marked.
# One grader run writes results.json; tests/report/make_report.sh then
# draws each lab's diagram (diagrams/trace_scenario.sh) and html_report
# (tests/report/) writes the page.
REPORT_DIR  ?= build/report
REPORT_SRC  := $(wildcard tests/report/*.c)
REPORT_OBJ  := $(REPORT_SRC:%.c=$(OUT)/%.o)
REPORT_TOOL := $(OUT)/tests/report/html_report
comma := ,
REPORT_LABS := $(if $(LAB),$(foreach n,$(subst $(comma), ,$(LAB)),$(filter $(n)-%,$(ALL_LABS))),$(ALL_LABS))

$(REPORT_TOOL): $(REPORT_OBJ) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_$(VARIANT)) -o $@ $^ $(JSON_LIBS)

# The project's own tests make reports (tests/self/report_test.c).
test-run: $(REPORT_TOOL)

.PHONY: report
report: $(GRADER) $(COMMON_LIB) $(HARNESS_LIB) $(SEQDIAG) $(REPORT_TOOL)
	@$(if $(REPORT_LABS),:,echo "report: no lab matches LAB=$(LAB) (labs: $(ALL_LABS))" >&2; exit 2)
	$(Q)rm -rf "$(REPORT_DIR)/work" && mkdir -p "$(REPORT_DIR)/work"
	$(Q)set -o pipefail; $(GRADER) $(GRADE_ARGS) --results "$(REPORT_DIR)/work/results.json" \
	  | tee "$(REPORT_DIR)/work/grade.txt"
	$(Q)$(if $(RESULTS),cp "$(REPORT_DIR)/work/results.json" "$(RESULTS)")
	$(Q)tests/report/make_report.sh "$(SEQDIAG)" "$(REPORT_TOOL)" "$(IMPL_DIR)" "$(OUT)" \
	  "$(IMPL_OUT)" "$(REPORT_DIR)" $(REPORT_LABS) -- $(MAKE) --no-print-directory \
	  IMPL="$(IMPL)" SUBMISSION="$(SUBMISSION)" SAN="$(SAN)" TESTS_DIR="$(TESTS_DIR)" \
	  HIDDEN_DIR="$(HIDDEN_DIR)"
# ---- end of report -------------------------------------------------------------

# ---- benchmarks ----------------------------------------------------------------
# make bench: lab 11's program bench, built from the reference unless IMPL or
# SUBMISSION says otherwise (in the students' handout, which has no
# solutions/, from labs/), run once with ARGS (bench's own options, e.g.
# ARGS='--repeat 5 --transports unix-stream,tcp'). It prints the latency
# percentiles of a 1-byte ping-pong and the throughput of 64 B, 1 KiB and
# 64 KiB messages over each transport, memcpy() bandwidth, the UNIX/TCP
# ratios, and each figure beside the same exchange done by a minimal loop
# (baseline.c). About 8 s on the idle 2-core machine, 20-30 s while other
# jobs share its CPUs (ARGS=--repeat 1 is quicker, --repeat 5 steadier).
BENCH_LAB := 11-performance

.PHONY: bench bench-run
bench:
	$(Q)$(MAKE) --no-print-directory $(if $(SUBMISSION)$(filter command line \
	  environment,$(origin IMPL)),,$(if $(wildcard solutions/$(BENCH_LAB)),IMPL=solutions)) bench-run

bench-run: $($(BENCH_LAB)_PROG)
	@$(if $($(BENCH_LAB)_PROG),:,echo "bench: no $(BENCH_LAB) in $(IMPL_DIR)" >&2; exit 2)
	$(Q)$(IMPL_OUT)/$(BENCH_LAB)/bin/bench $(ARGS)
# ---- end of benchmarks -----------------------------------------------------------

# ---- course platforms ----------------------------------------------------------
# What course staff hand out and grade with; guide/staff.md tells the story.
#   make handout            build/handout/socket-lab-handout.tar.gz, the
#                           students' tree: no solutions/, no hidden checks
#   make handout-check      in the course repository: build the handout,
#                           extract it in a temp folder and run this check
#                           there; in the handout: no staff material, and
#                           the starters grade to Score: 0/Y, make report
#                           writes its page
#   make gradescope         build/gradescope/autograder.zip
#   make autolab            build/autolab/autograde.tar, autograde-Makefile
#   make grade-all SUBMISSIONS=DIR   every submission folder of DIR, JOBS at
#                           a time, into build/grade-all/gradebook.csv and
#                           build/grade-all/<student>/results.json
#   make bench-grade-all    50 generated submissions graded; the wall time
# AUTOLAB=1 (with make grade) ends the output with Autolab's {"scores": ...}.
# These scripts live in platforms/, which the handout leaves out.
HANDOUT_TGZ    := build/handout/socket-lab-handout.tar.gz
GRADESCOPE_ZIP := build/gradescope/autograder.zip
GRADE_ALL_DIR  ?= build/grade-all
SUBMISSIONS    ?=
JOBS           ?= $(NPROC)
staff_only = @[ -d platforms ] || { echo "make $@: a target for course staff; it needs \
the course repository (platforms/ is not in the handout)" >&2; exit 2; }

.PHONY: grade-prep handout handout-check gradescope autolab grade-all bench-grade-all

# Everything grading needs besides a submission, built once: before a batch
# (whose graders then only build their own labs), and in Gradescope's setup.sh.
grade-prep: $(GRADER) grade-base

handout:
	$(staff_only)
	$(Q)platforms/handout/make_handout.sh "$(HANDOUT_TGZ)"

handout-check:
	$(Q)if [ -d platforms ]; then \
	  $(MAKE) --no-print-directory handout && \
	  platforms/handout/check_handout.sh "$(MAKE)" "$(HANDOUT_TGZ)"; \
	else \
	  for p in solutions tests/hidden tests/self tests/unit tests/bugzoo tests/fixtures .ci; do \
	    [ ! -e "$$p" ] || { echo "handout-check: $$p must not be in the handout" >&2; exit 1; }; \
	  done; \
	  mkdir -p build && $(MAKE) --no-print-directory -s -j$(JOBS) grade-prep >/dev/null && \
	  $(MAKE) --no-print-directory grade >build/handout-grade.txt 2>&1; \
	  rc=$$?; last=$$(tail -n 1 build/handout-grade.txt); \
	  if [ $$rc -ne 0 ] || ! printf '%s\n' "$$last" | grep -Eq '^Score: 0/[1-9][0-9]*$$'; then \
	    tail -n 20 build/handout-grade.txt; \
	    echo "handout-check: make grade exited $$rc and ended \"$$last\"; expected Score: 0/Y" >&2; \
	    exit 1; \
	  fi; \
	  if ! $(MAKE) --no-print-directory report LAB=02 >build/handout-report.txt 2>&1 || \
	     ! grep -q 'id="lab-02"' build/report/index.html; then \
	    tail -n 20 build/handout-report.txt; \
	    echo "handout-check: make report LAB=02 wrote no page with lab 02" >&2; exit 1; \
	  fi; \
	  if $(MAKE) --no-print-directory test >build/handout-test.txt 2>&1 || \
	     ! grep -q 'make grade' build/handout-test.txt; then \
	    echo "handout-check: make test must refuse, and point to make grade" >&2; exit 1; \
	  fi; \
	  echo "handout-check: ok: no staff material, starters grade to $$last, make report works"; \
	fi

gradescope:
	$(staff_only)
	$(Q)platforms/gradescope/make_zip.sh "$(GRADESCOPE_ZIP)"

autolab:
	$(staff_only)
	$(Q)platforms/autolab/make_tar.sh build/autolab

grade-all:
	$(staff_only)
	@[ -n "$(SUBMISSIONS)" ] || { echo "grade-all: needs SUBMISSIONS=DIR (one folder per student)" >&2; exit 2; }
	$(Q)$(MAKE) --no-print-directory -s -j$(JOBS) grade-prep
	$(Q)GRADER="$(GRADER)" MAKE_CMD="$(MAKE)" BUILD_OUT="$(OUT)" SAN_BUILD="$(SAN)" \
	  TESTS_DIR="$(TESTS_DIR)" HIDDEN_DIR="$(if $(HIDDEN_LABS),$(HIDDEN_DIR))" JOBS="$(JOBS)" \
	  LAB="$(LAB)" \
	  platforms/batch/grade_all.sh "$(SUBMISSIONS)" "$(GRADE_ALL_DIR)"

bench-grade-all:
	$(staff_only)
	$(Q)platforms/batch/bench.sh "$(MAKE)" 50 build/bench-grade-all
# ---- end of course platforms ---------------------------------------------------

clean:
	rm -rf build

distclean: clean
	rm -rf $(PROGRESS_DIR)

-include $(shell find build -name '*.d' 2>/dev/null)
