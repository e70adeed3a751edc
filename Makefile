# kiln: top-level build. See README.md and docs/development.md.
#
#   make            tools (kiln, tender) and kiln's libraries for every target
#   make run        build and start the example appliance (PORT=8081: on that host port)
#   make test       every test this machine can run; last line "N passed, N failed, N skipped"
#   make fuzz       each fuzz harness for FUZZ_SECONDS (default 60)
#   make bench      the benchmarks in bench/
#   make install    PREFIX=/usr/local DESTDIR=: kiln usable from PATH (docs/development.md)
#   make check-fresh  scripts/fresh-machine: all of the above on a pristine Debian 12
#
# Components add to the build through their own build.mk fragments (one per
# folder: tender/, tools/kiln/, libc/, ...), so that no central list grows.
# make runs in parallel (-j as many as the machine has cores) unless given -j.

KILN_ROOT := $(CURDIR)
export KILN_ROOT
B := build

# --- Setup: the Debian packages first --------------------------------------
# Parts of the build ask installed packages at the time make reads the
# makefiles (pkg-config for libseccomp and libslirp, the compiler's paths),
# so scripts/deps must have installed them before. The answers live in
# build/setup/config.mk (mk/config.sh), and the stamp of scripts/deps for the
# goal's group in build/setup/deps-GROUP.mk; both are makefiles this file
# includes and has rules for. On a fresh machine neither exists: make reads
# everything with those variables empty (KILN_SETUP=1 keeps mk/flags.mk from
# asking), makes the stamp (scripts/deps GROUP: apt-get) and then config.mk,
# and, as GNU make does when an included makefile was remade, starts again
# from the top, now with the packages there and config.mk read. Once made,
# neither is remade until scripts/deps, mk/config.sh or a .pc file changes,
# so a make with nothing to do starts no pkg-config or dpkg. This rather than
# $(shell scripts/deps) at the top: that would run dpkg-query for every
# package on every make, and it could not ask sudo for a password.
# A goal's group: run brings the README tour's tools (curl, nc, dig), test
# the peers the tests talk to, bench the benchmarks' (scripts/deps).
.DEFAULT_GOAL := all
KILN_SETUP := 1
# Goals that need no package: nothing is installed for them.
NO_SETUP_GOALS := clean check-fresh
# Sub-makes of `make test` and `make bench` keep their caller's group.
ifndef KILN_DEPS
KILN_DEPS := $(strip $(if $(filter bench,$(MAKECMDGOALS)),bench,\
	$(if $(filter test,$(MAKECMDGOALS)),test,\
	$(if $(filter run,$(MAKECMDGOALS)),run,build))))
export KILN_DEPS
endif
include mk/flags.mk
ifneq ($(filter-out $(NO_SETUP_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(B)/setup/deps-$(KILN_DEPS).mk $(B)/setup/config.mk
endif
$(B)/setup/deps-%.mk: scripts/deps
	@mkdir -p $(@D)
	@scripts/deps $*
	@echo '# scripts/deps $* installed its packages; make reruns it when this file is older' >$@
# The .pc files pkg-config reads; missing ones are not prerequisites (a
# fresh machine has none until the stamp above is made).
SETUP_PC := $(wildcard $(addprefix /usr/lib/x86_64-linux-gnu/pkgconfig/,libseccomp.pc slirp.pc))
# Made again for another compiler (make CC=clang): its paths differ.
SETUP_CC_CHANGED := $(if $(filter-out $(CC),$(KILN_CONFIG_CC))$(if $(KILN_CONFIG_CC),,x),setup-cc-changed)
$(B)/setup/config.mk: $(B)/setup/deps-$(KILN_DEPS).mk mk/config.sh $(SETUP_PC) $(SETUP_CC_CHANGED)
	@mkdir -p $(@D)
	@mk/config.sh '$(CC)' >$@.tmp && mv -f $@.tmp $@

setup-cc-changed:
.PHONY: setup-cc-changed

ifeq ($(MAKELEVEL),0)
ifeq ($(filter -j%,$(MAKEFLAGS)),)
# A -j given on the command line wins over this one.
MAKEFLAGS += -j$(or $(KILN_NPROC),$(shell nproc))
endif
endif

TARGETS := unix hvt
LIBNAMES := $(notdir $(patsubst %/,%,$(dir $(wildcard lib/*/deps))))

HOST_PROGRAMS :=   # build/bin/... : added by build.mk fragments
TEST_PROGRAMS :=   # build/test/bin/... : unit-test programs, run by scripts/test
FUZZERS :=         # build/fuzz/... : libFuzzer programs

all: tools libs

# The packages are installed as make reads this file (Setup, above); `make
# deps` is that alone.
deps:
	@:

# --- Appliance-target libraries (mk/target.mk, one make per target) ------
libs: $(addprefix libs-,$(TARGETS))
libs-%:
	@$(MAKE) --no-print-directory -f mk/target.mk TARGET=$*

# --- Unit tests: every lib/<name>/tests/*.c, under ASan and UBSan --------
# A test links harness.c and the sanitized archives of every library; the
# linker takes only what the test reaches.
T := $(B)/test
TEST_CFLAGS := $(HOST_CFLAGS) -DKILN_TARGET_UNIX $(SAN_FLAGS)

define test_archive_rule
$(T)/libkiln_$(1).a: $(patsubst %,$(T)/obj/%.o,$(wildcard $(2)/*.c) $(wildcard $(2)/*.S))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LIBNAMES),$(eval $(call test_archive_rule,$(l),lib/$(l))))
$(eval $(call test_archive_rule,platform,platform/unix))

# Third-party members of libraries (mk/thirdparty.mk), for tests and fuzzers.
include mk/thirdparty.mk
tp_objs = $(patsubst $(KILN_ROOT)/%,$(1)/obj/%.o,$(tp_$(2)_srcs))
$(foreach l,$(TP_LIBS),$(eval $(T)/libkiln_$(l).a: $(call tp_objs,$(T),$(l))))
$(foreach l,$(TP_LIBS),$(eval $(call tp_objs,$(T),$(l)): TEST_CFLAGS := $(call tp_flags,$(TEST_CFLAGS),$(l))))
$(foreach l,$(LIBNAMES),$(eval $(T)/obj/lib/$(l)/%.o: TEST_CFLAGS += $(call tp_uses,$(l))))
$(foreach l,$(LIBNAMES),$(call tp_wait,$(patsubst %,$(T)/obj/%.o,$(wildcard lib/$(l)/*.c)),$(l)))

$(T)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -I$(dir $<) -MMD -MP -c $< -o $@
$(T)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

# lib/<name>/deps lists the libraries <name> uses directly; lib_closure is a
# list of libraries with everything they use, so a test links only those.
lib_deps = $(strip $(file <lib/$(1)/deps))
lib_closure = $(if $(1),$(sort $(1) $(call lib_closure,$(filter-out $(1),$(sort $(foreach l,$(1),$(call lib_deps,$(l))))))))

LIB_TESTS := $(wildcard lib/*/tests/*.c)
# lib_test_rule FILE LIB: build/test/bin/<lib>_<file> from lib/<lib>/tests/<file>.c
define lib_test_rule
$(T)/bin/$(2)_$(basename $(notdir $(1))): $(1) tests/harness.c $(foreach l,$(call lib_closure,$(2)),$(T)/libkiln_$(l).a) $(T)/libkiln_platform.a $(if $(call tp_uses,$(2)),| $(TP_STAMP))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(TEST_CFLAGS) $(call tp_uses,$(2)) -Ilib/$(2) -Itests -o $$@ $(1) tests/harness.c \
		-Wl,--start-group $$(filter %.a,$$^) -Wl,--end-group $$(TEST_LDLIBS)
TEST_PROGRAMS += $(T)/bin/$(2)_$(basename $(notdir $(1)))
endef
$(foreach t,$(LIB_TESTS),$(eval $(call lib_test_rule,$(t),$(word 2,$(subst /, ,$(t))))))

# --- Fuzz harnesses: every lib/<name>/fuzz/*.c (clang, libFuzzer) ----------
FZ := $(B)/fuzz
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 $(WARN) -g -O1 -Iinclude -D_GNU_SOURCE -DKILN_TARGET_UNIX \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
define fuzz_archive_rule
$(FZ)/libkiln_$(1).a: $(patsubst %,$(FZ)/obj/%.o,$(wildcard lib/$(1)/*.c) $(wildcard lib/$(1)/*.S))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LIBNAMES),$(eval $(call fuzz_archive_rule,$(l))))
$(foreach l,$(TP_LIBS),$(eval $(FZ)/libkiln_$(l).a: $(call tp_objs,$(FZ),$(l))))
$(foreach l,$(TP_LIBS),$(eval $(call tp_objs,$(FZ),$(l)): FUZZ_CFLAGS := $(call tp_flags,$(FUZZ_CFLAGS),$(l))))
$(foreach l,$(LIBNAMES),$(eval $(FZ)/obj/lib/$(l)/%.o: FUZZ_CFLAGS += $(call tp_uses,$(l))))
$(foreach l,$(LIBNAMES),$(call tp_wait,$(patsubst %,$(FZ)/obj/%.o,$(wildcard lib/$(l)/*.c)),$(l)))
$(FZ)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(dir $<) -MMD -MP -c $< -o $@
$(FZ)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
define fuzz_rule
$(FZ)/bin/$(2)_$(basename $(notdir $(1))): $(1) $(foreach l,$(call lib_closure,$(2)),$(FZ)/libkiln_$(l).a)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -Ilib/$(2) -o $$@ $(1) \
		-Wl,--start-group $$(filter %.a,$$^) -Wl,--end-group
FUZZERS += $(FZ)/bin/$(2)_$(basename $(notdir $(1)))
endef
$(foreach f,$(wildcard lib/*/fuzz/*.c),$(eval $(call fuzz_rule,$(f),$(word 2,$(subst /, ,$(f))))))

# Dependency files of the objects built here and by the build.mk fragments:
# build/test/obj/<dir>/<dir>/, build/fuzz/obj/lib/<name>/, build/host/<what>/
# and build/host/obj/<dir>/<dir>/ (up to three folders down).
-include $(wildcard $(B)/test/obj/*/*.d $(B)/test/obj/*/*/*.d $(B)/test/obj/*/*/*/*.d \
	$(B)/fuzz/obj/*/*/*.d $(B)/host/*/*.d $(B)/host/*/*/*.d $(B)/host/*/*/*/*.d)

# --- Version: what kiln --version says ---------------------------------------
# A file VERSION (a release tarball) or git describe, written to
# build/host/gen/version.h only when it changed (so nothing recompiles for
# nothing). It is asked again when git's HEAD or index changes (a commit, a
# checkout), found without a process: .git is a folder, or in a worktree a
# file naming one.
GIT_DIR := $(if $(wildcard .git/HEAD),.git,$(patsubst gitdir:%,%,$(strip $(file <.git))))
VERSION_H := $(B)/host/gen/version.h
$(VERSION_H): $(B)/host/gen/version.stamp ;
$(B)/host/gen/version.stamp: $(wildcard VERSION $(GIT_DIR)/HEAD $(GIT_DIR)/index)
	@mkdir -p $(@D)
	@v=$$(cat VERSION 2>/dev/null || git describe --always --dirty 2>/dev/null || echo unknown); \
	 echo "#define KILN_VERSION \"$$v\"" >$(VERSION_H).tmp; \
	 if cmp -s $(VERSION_H).tmp $(VERSION_H); then rm -f $(VERSION_H).tmp; \
	 else mv -f $(VERSION_H).tmp $(VERSION_H); fi; touch $@

# --- Components' own fragments --------------------------------------------
include $(wildcard */build.mk tools/*/build.mk platform/*/build.mk)

tools: $(HOST_PROGRAMS)
test-programs: $(TEST_PROGRAMS)
fuzzers: $(FUZZERS)

# kiln builds the archives the appliance reaches itself, so run needs only the
# tools: an unrelated library that does not compile cannot stop it.
# PORT=N: the example's port 80 on host port N instead of the 8080 its
# kiln.conf forwards (one --port-forward replaces the forward for its guest port).
run: tools
	$(B)/bin/kiln run $(if $(PORT),--port-forward=tcp:$(PORT):80 )examples/www

test: all
	@$(MAKE) --no-print-directory test-programs fuzzers
	@scripts/test

FUZZ_SECONDS ?= 60
fuzz: fuzzers
	@for f in $(FUZZERS); do scripts/fuzz "$$f" $(FUZZ_SECONDS) || exit 1; done

bench: all
	@for b in bench/*/run; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf $(B)

# PREFIX/bin/kiln and what it needs (scripts/install, docs/development.md).
PREFIX ?= /usr/local
DESTDIR ?=
install: tools
	@scripts/install '$(DESTDIR)' '$(PREFIX)'

# Not part of `make test`: minutes, root, and a debootstrap (docs/development.md).
check-fresh:
	@scripts/deps fresh
	@scripts/fresh-machine

.PHONY: all deps libs tools test-programs fuzzers run test fuzz bench clean check-fresh install
.DELETE_ON_ERROR:
