# tender/build.mk: the hvt monitor build/bin/tender, and the hand-written
# test images under tests/tender/fixtures/ (docs/tender.md).

TENDER_SRCS := $(wildcard tender/*.c)
TENDER_OBJS := $(patsubst %.c,$(B)/host/%.o,$(TENDER_SRCS))
# SECCOMP_CFLAGS, SECCOMP_LIBS and LIBSECCOMP_A come from mk/flags.mk (what
# pkg-config and the compiler say, cached in build/setup/config.mk).
TENDER_SECCOMP_CFLAGS := $(SECCOMP_CFLAGS)
TENDER_SECCOMP_LIBS := $(SECCOMP_LIBS)
# Net devices are hostnet's (hostnet/hostnet.h); seccomp.c names a trapped
# call from a table generated from the kernel's headers.
TENDER_GEN := $(B)/host/tender-gen
TENDER_CFLAGS = $(HOST_CFLAGS) $(TENDER_SECCOMP_CFLAGS) -Ihostnet -I$(TENDER_GEN)

$(TENDER_GEN)/syscall_names.h:
	@mkdir -p $(dir $@)
	echo '#include <asm/unistd.h>' | $(CC) -dM -E - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$$/[\2] = "\1",/p' >$@.tmp
	mv $@.tmp $@

# The plain tender: static and without libslirp (-DHOSTNET_NO_USER): loading
# libslirp and GLib would cost every boot ~1.3 ms here. With a user-mode
# device it execs its twin tender-slirp, the same sources with libslirp.
$(B)/host/tender/%.o: tender/%.c | $(TENDER_GEN)/syscall_names.h
	@mkdir -p $(dir $@)
	$(CC) $(TENDER_CFLAGS) -DTENDER_NO_SLIRP -MMD -MP -c $< -o $@
TENDER_HOSTNET_OBJS := $(patsubst hostnet/%.c,$(B)/host/tender-hostnet/%.o,\
	$(filter-out hostnet/user.c,$(wildcard hostnet/*.c))) $(B)/host/tender-hostnet/checksum.o
$(B)/host/tender-hostnet/%.o: hostnet/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -DHOSTNET_NO_USER -Ihostnet -MMD -MP -c $< -o $@
$(B)/host/tender-hostnet/checksum.o: lib/core/checksum.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# Linked statically where Debian's libseccomp.a is there: no dynamic loader
# work at start-up, which is part of every boot (docs/tender.md "Boot cost").
TENDER_LDFLAGS := $(if $(wildcard $(LIBSECCOMP_A)),-static)

$(B)/bin/tender: $(TENDER_OBJS) $(TENDER_HOSTNET_OBJS) tender/build.mk
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(TENDER_LDFLAGS) -o $@ $(filter %.o,$^) $(TENDER_SECCOMP_LIBS)

comma := ,
# tender-slirp: with libslirp (dynamic: Debian ships no libslirp.a); libseccomp
# still static where it can be.
TENDER_SLIRP_SECCOMP := $(if $(TENDER_LDFLAGS),-Wl$(comma)-Bstatic $(TENDER_SECCOMP_LIBS) -Wl$(comma)-Bdynamic,$(TENDER_SECCOMP_LIBS))
$(B)/host/tender-slirp/%.o: tender/%.c | $(TENDER_GEN)/syscall_names.h
	@mkdir -p $(dir $@)
	$(CC) $(TENDER_CFLAGS) -MMD -MP -c $< -o $@
$(B)/bin/tender-slirp: $(patsubst tender/%.c,$(B)/host/tender-slirp/%.o,$(TENDER_SRCS)) $(B)/host/libhostnet.a tender/build.mk
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $(filter %.o %.a,$^) $(TENDER_SLIRP_SECCOMP) $(SLIRP_LIBS)

HOST_PROGRAMS += $(B)/bin/tender $(B)/bin/tender-slirp

# The same with a per-phase boot profile on stderr (bench/boot/run --profile).
$(B)/host/tender-profile/%.o: tender/%.c | $(TENDER_GEN)/syscall_names.h
	@mkdir -p $(dir $@)
	$(CC) $(TENDER_CFLAGS) -DTENDER_NO_SLIRP -DTENDER_PROFILE -MMD -MP -c $< -o $@
$(B)/bin/tender-profile: $(patsubst tender/%.c,$(B)/host/tender-profile/%.o,$(TENDER_SRCS)) $(TENDER_HOSTNET_OBJS) tender/build.mk
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
test-programs: $(B)/bin/tender $(B)/bin/tender-slirp tender-fixtures
.PHONY: tender-fixtures
.PRECIOUS: $(B)/test/fixtures/%.o

# The image parser's fuzz harness (tender/fuzz/image.c): elf.c and
# manifest.c under libFuzzer, ASan and UBSan.
TENDER_FUZZ_SRCS := tender/elf.c tender/manifest.c
$(FZ)/bin/tender_image: tender/fuzz/image.c $(TENDER_FUZZ_SRCS) tender/tender.h tender/net.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -D_GNU_SOURCE -fsanitize=fuzzer -Itender -Ihostnet -o $@ \
		tender/fuzz/image.c $(TENDER_FUZZ_SRCS)
FUZZERS += $(FZ)/bin/tender_image
# The command line's (tender/fuzz/args.c): args.c alone.
$(FZ)/bin/tender_args: tender/fuzz/args.c tender/args.c tender/tender.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itender -o $@ tender/fuzz/args.c tender/args.c
FUZZERS += $(FZ)/bin/tender_args
# The CPUID cache file's (tender/fuzz/cpuid.c): cpuid_cache.c.
$(FZ)/bin/tender_cpuid: tender/fuzz/cpuid.c tender/cpuid_cache.c tender/cpuid_cache.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itender -o $@ tender/fuzz/cpuid.c \
		tender/cpuid_cache.c
FUZZERS += $(FZ)/bin/tender_cpuid

# Unit tests (tender/tests/*.c), under ASan and UBSan like every unit test;
# each links the harness and the tender sources it tests.
$(T)/bin/tender_gpa_args_test: tender/tests/gpa_args_test.c tender/args.c tender/tender.h tests/harness.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Itender -Itests -o $@ tender/tests/gpa_args_test.c tender/args.c tests/harness.c
TEST_PROGRAMS += $(T)/bin/tender_gpa_args_test
