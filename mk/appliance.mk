# mk/appliance.mk: compiles and links one appliance. The kiln tool runs it
# (after writing the generated sources); it is not meant to be run by hand.
#
#   make -f mk/appliance.mk KILN_ROOT=... TARGET=unix|hvt APP_DIR=... \
#        OUT_DIR=... NAME=... LIBS="core udp ..." GEN_SRCS="..."
#
# APP_DIR/*.c are the application; GEN_SRCS are sources the kiln tool wrote
# into OUT_DIR (the manifest, baked-in files). LIBS is the closure of the
# libraries the appliance uses, most dependent first. Objects and dependency
# files go to OUT_DIR, so editing one file recompiles only that file.

include $(KILN_ROOT)/mk/flags.mk

O := $(KILN_ROOT)/build/$(TARGET)
IMAGE := $(OUT_DIR)/$(NAME).$(TARGET)
APP_SRCS := $(wildcard $(APP_DIR)/*.c)
OBJS := $(patsubst $(APP_DIR)/%.c,$(OUT_DIR)/app/%.o,$(APP_SRCS)) \
	$(patsubst %.c,%.o,$(GEN_SRCS))
ARCHIVES := $(foreach l,$(LIBS),$(O)/libkiln_$(l).a) $(O)/libkiln_platform.a
ifeq ($(TARGET),hvt)
ARCHIVES += $(O)/libkiln_c.a
endif

$(IMAGE): $(OBJS) $(ARCHIVES)
	$(CC) $(TARGET_CFLAGS) $(TARGET_LDFLAGS) $(EXTRA_LDFLAGS) -o $@ $(OBJS) \
		-Wl,--start-group $(ARCHIVES) -Wl,--end-group $(TARGET_LDLIBS) $(EXTRA_LDLIBS)

$(OUT_DIR)/app/%.o: $(APP_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TARGET_CFLAGS) $(EXTRA_CFLAGS) -I$(APP_DIR) -MMD -MP -c $< -o $@

$(OUT_DIR)/%.o: $(OUT_DIR)/%.c
	$(CC) $(TARGET_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

-include $(OBJS:.o=.d)
