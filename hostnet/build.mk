# hostnet/build.mk: the host side of network devices (tap, user-mode, pcap),
# shared by the tender and the unix target (see hostnet/hostnet.h).

# SLIRP_CFLAGS and SLIRP_LIBS come from mk/flags.mk.
# The Internet checksum is lib/core's (a tap's receive offload completes
# checksums, hostnet/tap.c): in an appliance it comes with libkiln_core; the
# host programs and tests compile it in.
HOSTNET_SRCS := $(wildcard hostnet/*.c) lib/core/checksum.c

# For host programs (the tender) and tests: build/host/libhostnet.a
build/host/libhostnet.a: $(patsubst %.c,build/host/obj/%.o,$(HOSTNET_SRCS))
	@rm -f $@
	$(AR) rcs $@ $^
build/host/obj/hostnet/%.o: hostnet/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SLIRP_CFLAGS) -Ihostnet -MMD -MP -c $< -o $@
build/host/obj/lib/core/checksum.o: lib/core/checksum.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# Sanitized, for the unit tests.
build/test/libhostnet.a: $(patsubst %.c,build/test/obj/%.c.o,$(HOSTNET_SRCS))
	@rm -f $@
	$(AR) rcs $@ $^
build/test/obj/hostnet/%.c.o: hostnet/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SLIRP_CFLAGS) -Ihostnet -MMD -MP -c $< -o $@

build/test/bin/hostnet_%: hostnet/tests/%.c tests/harness.c build/test/libhostnet.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Ihostnet -Itests -o $@ $(filter %.c,$^) build/test/libhostnet.a $(SLIRP_LIBS)

TEST_PROGRAMS += $(patsubst hostnet/tests/%.c,build/test/bin/hostnet_%,$(wildcard hostnet/tests/*.c))

# The read path's fuzz harness (hostnet/fuzz/read.c): tap.c is compiled into
# it; hostnet.c, impair.c and the rest beside it, all under libFuzzer, ASan
# and UBSan.
HOSTNET_READ_FUZZ_SRCS := hostnet/hostnet.c hostnet/impair.c hostnet/pcap.c hostnet/tap_running.c \
	lib/core/checksum.c
$(FZ)/bin/hostnet_read: hostnet/fuzz/read.c hostnet/tap.c $(HOSTNET_READ_FUZZ_SRCS) hostnet/hostnet.h \
		hostnet/backend.h hostnet/impair.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DHOSTNET_NO_USER -fsanitize=fuzzer -Ihostnet -o $@ \
		hostnet/fuzz/read.c $(HOSTNET_READ_FUZZ_SRCS)
FUZZERS += $(FZ)/bin/hostnet_read
# The option parsers' fuzz harness (hostnet/fuzz/options.c): hostnet's
# sources without user-mode networking, under libFuzzer, ASan and UBSan.
HOSTNET_FUZZ_SRCS := $(filter-out hostnet/user.c,$(wildcard hostnet/*.c)) lib/core/checksum.c
$(FZ)/bin/hostnet_options: hostnet/fuzz/options.c $(HOSTNET_FUZZ_SRCS) $(wildcard hostnet/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DHOSTNET_NO_USER -fsanitize=fuzzer -Ihostnet -o $@ \
		hostnet/fuzz/options.c $(HOSTNET_FUZZ_SRCS)
FUZZERS += $(FZ)/bin/hostnet_options
