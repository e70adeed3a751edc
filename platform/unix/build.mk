# platform/unix/build.mk: the unix platform's unit tests, each
# platform/unix/tests/<file>.c built (under ASan and UBSan) into
# build/test/bin/unix_<file>, linked with the sanitized platform archive
# and hostnet (the host side of net devices).
# The platform itself is built by mk/target.mk like every target's.

define unix_platform_test_rule
$(T)/bin/unix_$(basename $(notdir $(1))): $(1) tests/harness.c $(T)/libkiln_platform.a $(T)/libhostnet.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(TEST_CFLAGS) -Iplatform/unix -Ihostnet -Itests -o $$@ $(1) tests/harness.c \
		$(T)/libkiln_platform.a $(T)/libhostnet.a $$(SLIRP_LIBS)
TEST_PROGRAMS += $(T)/bin/unix_$(basename $(notdir $(1)))
endef
$(foreach t,$(wildcard platform/unix/tests/*.c),$(eval $(call unix_platform_test_rule,$(t))))

# net_attach.c includes hostnet/hostnet.h; the tests that attach a net
# device link the sanitized hostnet and libslirp (hostnet/build.mk).
$(T)/obj/platform/unix/%.c.o: TEST_CFLAGS += -Ihostnet

# The command line's fuzz harness (platform/unix/fuzz/options.c): options.c
# alone under libFuzzer, ASan and UBSan.
$(FZ)/bin/unix_options: platform/unix/fuzz/options.c platform/unix/options.c platform/unix/unix.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Iplatform/unix -o $@ \
		platform/unix/fuzz/options.c platform/unix/options.c
FUZZERS += $(FZ)/bin/unix_options
