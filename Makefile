# kiln: top-level build. See README.md and docs/build.md.
#
#   make            tools (kiln, tender) and kiln's libraries for every target
#   make run        build and start the example appliance
#   make test       every test this machine can run; last line "N passed, N failed, N skipped"
#   make fuzz       each fuzz harness for FUZZ_SECONDS (default 60)
#   make bench      the benchmarks in bench/
#
# Components add to the build through their own build.mk fragments (one per
# folder: tender/, tools/kiln/, libc/, ...), so that no central list grows.

KILN_ROOT := $(CURDIR)
export KILN_ROOT
include mk/flags.mk

B := build
TARGETS := unix hvt
LIBNAMES := $(notdir $(patsubst %/,%,$(dir $(wildcard lib/*/deps))))

HOST_PROGRAMS :=   # build/bin/... : added by build.mk fragments
TEST_PROGRAMS :=   # build/test/bin/... : unit-test programs, run by scripts/test
FUZZERS :=         # build/fuzz/... : libFuzzer programs

all: deps tools libs

deps:
	@scripts/deps build

# --- Appliance-target libraries (mk/target.mk, one make per target) ------
libs: $(addprefix libs-,$(TARGETS))
libs-%: deps
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
lib_deps = $(strip $(shell cat lib/$(1)/deps 2>/dev/null))
lib_closure = $(if $(1),$(sort $(1) $(call lib_closure,$(filter-out $(1),$(sort $(foreach l,$(1),$(call lib_deps,$(l))))))))

LIB_TESTS := $(wildcard lib/*/tests/*.c)
# lib_test_rule FILE LIB: build/test/bin/<lib>_<file> from lib/<lib>/tests/<file>.c
define lib_test_rule
$(T)/bin/$(2)_$(basename $(notdir $(1))): $(1) tests/harness.c $(foreach l,$(call lib_closure,$(2)),$(T)/libkiln_$(l).a) $(T)/libkiln_platform.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(TEST_CFLAGS) -Ilib/$(2) -Itests -o $$@ $(1) tests/harness.c \
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

-include $(shell find $(B)/test/obj $(B)/fuzz/obj $(B)/host -name '*.d' 2>/dev/null)

# --- Components' own fragments --------------------------------------------
include $(wildcard */build.mk tools/*/build.mk platform/*/build.mk)

tools: $(HOST_PROGRAMS)
test-programs: $(TEST_PROGRAMS)
fuzzers: $(FUZZERS)

# kiln builds the archives the appliance reaches itself, so run needs only the
# tools: an unrelated library that does not compile cannot stop it.
run: deps tools
	$(B)/bin/kiln run examples/www

test: all
	@scripts/deps test
	@$(MAKE) --no-print-directory test-programs fuzzers
	@scripts/test

FUZZ_SECONDS ?= 60
fuzz: fuzzers
	@for f in $(FUZZERS); do scripts/fuzz "$$f" $(FUZZ_SECONDS) || exit 1; done

bench: all
	@scripts/deps bench
	@for b in bench/*/run; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf $(B)

.PHONY: all deps libs tools test-programs fuzzers run test fuzz bench clean
.DELETE_ON_ERROR:
