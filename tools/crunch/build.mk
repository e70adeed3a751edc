# tools/crunch/build.mk: kiln-crunch, the host program that bakes a directory
# into a C file defining a read-only kv store (docs/kv.md), and its tests.

CRUNCH_SRCS := tools/crunch/crunch.c tools/crunch/walk.c tools/crunch/emit.c tools/crunch/sha256.c
CRUNCH := $(B)/bin/kiln-crunch
HOST_PROGRAMS += $(CRUNCH)

$(CRUNCH): $(CRUNCH_SRCS) tools/crunch/crunch.h tools/crunch/sha256.h include/kiln/kv.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Itools/crunch -o $@ $(CRUNCH_SRCS)

# crunch_test: SHA-256 known answers, and kiln-crunch run on scratch
# directories (determinism, dotfiles, symlinks, errors).
$(T)/bin/crunch_test: tools/crunch/tests/crunch_test.c tools/crunch/sha256.c tests/harness.c $(CRUNCH)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Itools/crunch -Itests -DCRUNCH_BIN='"$(CURDIR)/$(CRUNCH)"' -o $@ \
		tools/crunch/tests/crunch_test.c tools/crunch/sha256.c tests/harness.c $(TEST_LDLIBS)
TEST_PROGRAMS += $(T)/bin/crunch_test

# lib/kv/tests/fixture_test.c links the fixture directory baked by
# kiln-crunch, and the SHA-256 of each file as sha256sum (coreutils) computes
# it, an independent known answer. Both come as one archive, which the lib
# test rule links (it links every .a prerequisite).
KV_FIX := $(T)/kv_fixture
# Its files and folders, hidden ones too, up to five folders down, without a
# process; a name with a space splits into words that name no file, and the
# outer wildcard drops them (make cannot name such a file as a prerequisite).
KV_FIX_DIR := lib/kv/tests/fixture
KV_FIX_FILES := $(wildcard $(KV_FIX_DIR)) $(wildcard $(filter $(KV_FIX_DIR)/%,$(wildcard $(foreach p,* .[!.]*,\
	$(KV_FIX_DIR)/$(p) $(KV_FIX_DIR)/$(p)/* $(KV_FIX_DIR)/$(p)/*/* $(KV_FIX_DIR)/$(p)/*/*/* \
	$(KV_FIX_DIR)/$(p)/*/*/*/*))))
$(KV_FIX)/fixture.c: $(CRUNCH) $(KV_FIX_FILES)
	@mkdir -p $(dir $@)
	SOURCE_DATE_EPOCH=1700000000 $(CRUNCH) lib/kv/tests/fixture $@ kv_fixture
$(KV_FIX)/expect.c: $(KV_FIX_FILES)
	@mkdir -p $(dir $@)
	(cd lib/kv/tests/fixture && echo '#include <stddef.h>' && \
	 echo 'const char *const kv_fixture_expect[][2] = {' && \
	 find . -type f ! -path '*/.*' | sed 's|^\./||' | LC_ALL=C sort | \
	 while IFS= read -r f; do sha256sum "$$f" | \
	   awk -v k="$$f" '{printf "\t{\"%s\", \"%s\"},\n", k, $$1}'; done && \
	 echo '};' && \
	 echo 'const size_t kv_fixture_expect_count = sizeof(kv_fixture_expect) / sizeof(kv_fixture_expect[0]);') >$@
$(KV_FIX)/%.o: $(KV_FIX)/%.c
	$(CC) $(TEST_CFLAGS) -c $< -o $@
$(KV_FIX)/libkv_fixture.a: $(KV_FIX)/fixture.o $(KV_FIX)/expect.o
	@rm -f $@
	$(AR) rcs $@ $^
$(T)/bin/kv_fixture_test: $(KV_FIX)/libkv_fixture.a
# The same baked fixture served over HTTP end to end (lib/http/tests/fixture_test.c).
$(T)/bin/http_fixture_test: $(KV_FIX)/libkv_fixture.a

# The emitter's fuzz harness (tools/crunch/fuzz/emit.c): what a directory
# becomes must carry every name and byte exactly.
$(FZ)/bin/crunch_emit: tools/crunch/fuzz/emit.c tools/crunch/emit.c tools/crunch/crunch.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itools/crunch -o $@ tools/crunch/fuzz/emit.c \
		tools/crunch/emit.c
FUZZERS += $(FZ)/bin/crunch_emit
