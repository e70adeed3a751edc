# mk/appliance.mk: compiles and links one appliance. The kiln tool runs it
# (after writing the generated sources); it is not meant to be run by hand.
#
#   make -f mk/appliance.mk KILN_ROOT=... TARGET=unix|hvt APP_DIR=... \
#        OUT_DIR=... NAME=... LIBS="core udp ..." GEN_SRCS="..." \
#        [SANITIZE=1] [LINK_STAMP=FILE] [NET=1]
#
# APP_DIR/*.c are the application; GEN_SRCS are sources the kiln tool wrote
# into OUT_DIR (the manifest, baked-in files). LIBS is the closure of the
# libraries the appliance uses, most dependent first. Objects and dependency
# files go to OUT_DIR, so editing one file recompiles only that file.
# SANITIZE=1 (unix only) builds under ASan and UBSan and links the archives
# of build/unix-asan. LINK_STAMP names a file the kiln tool rewrites when
# the link changes in a way make cannot see (a library dropped from LIBS).
# NET=1 (the appliance declares a net device) links, on unix, the host side
# of net devices (libkiln_hostnet.a) and libslirp; without it an appliance
# carries no network code (docs/hostnet.md).

include $(KILN_ROOT)/mk/flags.mk

ifeq ($(SANITIZE),1)
O := $(KILN_ROOT)/build/$(TARGET)-asan
APP_CFLAGS = $(TARGET_CFLAGS) $(SAN_FLAGS) $(EXTRA_CFLAGS)
APP_LDFLAGS = $(TARGET_LDFLAGS) $(SAN_FLAGS) $(EXTRA_LDFLAGS)
else
O := $(KILN_ROOT)/build/$(TARGET)
APP_CFLAGS = $(TARGET_CFLAGS) $(EXTRA_CFLAGS)
APP_LDFLAGS = $(TARGET_LDFLAGS) $(EXTRA_LDFLAGS)
endif
IMAGE := $(OUT_DIR)/$(NAME).$(TARGET)
APP_SRCS := $(wildcard $(APP_DIR)/*.c)
OBJS := $(patsubst $(APP_DIR)/%.c,$(OUT_DIR)/app/%.o,$(APP_SRCS)) \
	$(patsubst %.c,%.o,$(GEN_SRCS))
ARCHIVES := $(foreach l,$(LIBS),$(O)/libkiln_$(l).a) $(O)/libkiln_platform.a
ifeq ($(TARGET),hvt)
ARCHIVES += $(O)/libkiln_c.a
endif
NET_LDLIBS :=
ifeq ($(TARGET)$(NET),unix1)
ARCHIVES += $(O)/libkiln_hostnet.a
NET_LDLIBS := $(SLIRP_LIBS)
endif

# The default goal; its empty recipe keeps make quiet when all is up to date.
image: $(IMAGE)
	@:

$(IMAGE): $(OBJS) $(ARCHIVES) $(LINK_STAMP)
	$(CC) $(APP_CFLAGS) $(APP_LDFLAGS) -o $@ $(OBJS) \
		-Wl,--start-group $(ARCHIVES) -Wl,--end-group $(TARGET_LDLIBS) $(NET_LDLIBS) $(EXTRA_LDLIBS)

$(OUT_DIR)/app/%.o: $(APP_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -I$(APP_DIR) -MMD -MP -c $< -o $@

$(OUT_DIR)/%.o: $(OUT_DIR)/%.c
	$(CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@

-include $(OBJS:.o=.d)

.PHONY: image
