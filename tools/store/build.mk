# tools/store/build.mk: kiln-store, the host tool for a store's disk image
# (`kiln store ...`, docs/store.md). It compiles lib/store, lib/git,
# lib/kvgit and their third-party parts (mk/thirdparty.mk) for the host.

KSTORE := $(B)/bin/kiln-store
HOST_PROGRAMS += $(KSTORE)
KSTORE_O := $(B)/host/kiln-store
KSTORE_LIB_SRCS := $(filter-out lib/store/store_platform.c,$(wildcard lib/store/*.c)) \
	$(wildcard lib/git/*.c) $(wildcard lib/kvgit/*.c) lib/core/view.c
KSTORE_TP_SRCS := $(patsubst $(KILN_ROOT)/%,%,$(tp_zlib_srcs) $(tp_sha1dc_srcs))
KSTORE_SRCS := $(wildcard tools/store/*.c) $(KSTORE_LIB_SRCS)
KSTORE_OBJS := $(patsubst %.c,$(KSTORE_O)/%.o,$(KSTORE_SRCS) $(KSTORE_TP_SRCS))

$(KSTORE): $(KSTORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^

$(patsubst %.c,$(KSTORE_O)/%.o,$(KSTORE_SRCS)): $(KSTORE_O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(tp_zlib_include) $(tp_sha1dc_include) -I$(dir $<) -MMD -MP -c $< -o $@
$(KSTORE_O)/$(patsubst $(KILN_ROOT)/%,%,$(TP))/zlib/%.o: $(TP)/zlib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(call tp_flags,$(HOST_CFLAGS),zlib) -c $< -o $@
$(KSTORE_O)/$(patsubst $(KILN_ROOT)/%,%,$(TP))/sha1dc/%.o: $(TP)/sha1dc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(call tp_flags,$(HOST_CFLAGS),sha1dc) -c $< -o $@
$(KSTORE_OBJS): | $(TP_STAMP)
