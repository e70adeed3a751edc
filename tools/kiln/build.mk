# tools/kiln/build.mk: the kiln tool (build/bin/kiln) and its unit tests
# (build/test/bin/kiln_<file>, under ASan and UBSan). Included by the top
# Makefile; see docs/kiln-tool.md.

KILN_TOOL_SRCS := $(wildcard tools/kiln/*.c)
KILN_TOOL_OBJS := $(patsubst %.c,$(B)/host/obj/%.o,$(KILN_TOOL_SRCS))

$(B)/bin/kiln: $(KILN_TOOL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^

$(B)/host/obj/tools/kiln/%.o: tools/kiln/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

HOST_PROGRAMS += $(B)/bin/kiln

# kiln --version: build/host/gen/version.h (the top Makefile makes it).
$(B)/host/obj/tools/kiln/main.o: $(VERSION_H)
$(B)/host/obj/tools/kiln/main.o: HOST_CFLAGS += -I$(B)/host/gen

# Unit tests link every tool source but main.c, built with TEST_CFLAGS.
KILN_TOOL_TEST_OBJS := $(patsubst %,$(T)/obj/%.o,$(filter-out tools/kiln/main.c,$(KILN_TOOL_SRCS)))
define kiln_tool_test_rule
$(T)/bin/kiln_$(basename $(notdir $(1))): $(1) tests/harness.c $(KILN_TOOL_TEST_OBJS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(TEST_CFLAGS) -Itools/kiln -Itests -o $$@ $$^
TEST_PROGRAMS += $(T)/bin/kiln_$(basename $(notdir $(1)))
endef
$(foreach t,$(wildcard tools/kiln/tests/*.c),$(eval $(call kiln_tool_test_rule,$(t))))

# The kiln.conf parser's fuzz harness (tools/kiln/fuzz/config.c): config.c
# and what it calls, under libFuzzer, ASan and UBSan. Seeds: the examples'
# kiln.conf files (tools/kiln/fuzz/config.corpus/).
KILN_TOOL_FUZZ_SRCS := tools/kiln/config.c tools/kiln/libgraph.c tools/kiln/util.c
$(FZ)/bin/kiln_config: tools/kiln/fuzz/config.c $(KILN_TOOL_FUZZ_SRCS) tools/kiln/kiln.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itools/kiln -o $@ tools/kiln/fuzz/config.c \
		$(KILN_TOOL_FUZZ_SRCS)
FUZZERS += $(FZ)/bin/kiln_config
