# tender/build.mk: the hvt monitor build/bin/tender, and the hand-written
# test images under tests/tender/fixtures/ (docs/tender.md).

TENDER_SRCS := $(wildcard tender/*.c)
TENDER_OBJS := $(patsubst %.c,$(B)/host/%.o,$(TENDER_SRCS))
TENDER_SECCOMP_CFLAGS := $(shell pkg-config --cflags libseccomp)
TENDER_SECCOMP_LIBS := $(shell pkg-config --libs libseccomp)

$(B)/host/tender/%.o: tender/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(TENDER_SECCOMP_CFLAGS) -MMD -MP -c $< -o $@

# Linked statically where Debian's libseccomp.a is there: no dynamic loader
# work at start-up, which is part of every boot (docs/tender.md "Boot cost").
TENDER_LDFLAGS := $(if $(wildcard $(shell $(CC) -print-file-name=libseccomp.a)),-static)

$(B)/bin/tender: $(TENDER_OBJS) tender/build.mk
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(TENDER_LDFLAGS) -o $@ $(TENDER_OBJS) $(TENDER_SECCOMP_LIBS)

HOST_PROGRAMS += $(B)/bin/tender

# The same with a per-phase boot profile on stderr (bench/boot/run --profile).
$(B)/host/tender-profile/%.o: tender/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(TENDER_SECCOMP_CFLAGS) -DTENDER_PROFILE -MMD -MP -c $< -o $@
$(B)/bin/tender-profile: $(patsubst tender/%.c,$(B)/host/tender-profile/%.o,$(TENDER_SRCS)) tender/build.mk
	$(CC) $(HOST_CFLAGS) $(TENDER_LDFLAGS) -o $@ $(filter %.o,$^) $(TENDER_SECCOMP_LIBS)

# --- Test images: minimal hvt guests written by hand in assembly. They are
# booted by tests/tender/*.sh, not run by the test runner, so they hang off
# test-programs rather than TEST_PROGRAMS.
TENDER_FIX_DIR := tests/tender/fixtures
TENDER_FIXTURES := $(patsubst $(TENDER_FIX_DIR)/%.S,$(B)/test/fixtures/%.hvt,\
	$(wildcard $(TENDER_FIX_DIR)/*.S))

$(B)/test/fixtures/%.o: $(TENDER_FIX_DIR)/%.S $(TENDER_FIX_DIR)/fixture.h
	@mkdir -p $(dir $@)
	$(CC) -c -I$(TENDER_FIX_DIR) -o $@ $<

$(B)/test/fixtures/%.hvt: $(B)/test/fixtures/%.o $(TENDER_FIX_DIR)/fixture.ld
	$(LD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none \
		-T $(TENDER_FIX_DIR)/fixture.ld -o $@ $<

tender-fixtures: $(TENDER_FIXTURES)
test-programs: $(B)/bin/tender tender-fixtures
.PHONY: tender-fixtures
.PRECIOUS: $(B)/test/fixtures/%.o

# The image parser's fuzz harness (tender/fuzz/image.c): elf.c and
# manifest.c under libFuzzer, ASan and UBSan.
TENDER_FUZZ_SRCS := tender/elf.c tender/manifest.c
$(FZ)/bin/tender_image: tender/fuzz/image.c $(TENDER_FUZZ_SRCS) tender/tender.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -D_GNU_SOURCE -fsanitize=fuzzer -Itender -o $@ \
		tender/fuzz/image.c $(TENDER_FUZZ_SRCS)
FUZZERS += $(FZ)/bin/tender_image

# Unit tests (tender/tests/*.c), under ASan and UBSan like every unit test;
# each links the harness and the tender sources it tests.
$(T)/bin/tender_gpa_args_test: tender/tests/gpa_args_test.c tender/args.c tender/tender.h tests/harness.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Itender -Itests -o $@ tender/tests/gpa_args_test.c tender/args.c tests/harness.c
TEST_PROGRAMS += $(T)/bin/tender_gpa_args_test
