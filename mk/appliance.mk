# mk/appliance.mk: compiles and links one appliance. The kiln tool runs it
# (after writing the generated sources); it is not meant to be run by hand.
#
#   make -f mk/appliance.mk KILN_ROOT=... TARGET=unix|hvt APP_DIR=... \
#        OUT_DIR=... NAME=... LIBS="core udp ..." GEN_SRCS="..." \
#        [APP_SRCS="a.c src/b.c"] [APP_OPT=-Og|-O2] [USER_CFLAGS=...] \
#        [USER_LDFLAGS=...] [SANITIZE=1] [LINK_STAMP=FILE] [FLAGS_STAMP=FILE] [NET=1] \
#        [XCHECK=0]
#
# APP_SRCS (paths relative to APP_DIR; default APP_DIR/*.c) are the
# application, compiled at APP_OPT (default -Og: the development build; the
# kiln tool passes -O2 for --release) with USER_CFLAGS last (kiln.conf's
# cflags). Warnings in the application are not errors unless USER_CFLAGS
# says -Werror; kiln's own code keeps -Werror. GEN_SRCS are sources the kiln tool wrote
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
APP_LDFLAGS = $(TARGET_LDFLAGS) $(SAN_FLAGS) $(EXTRA_LDFLAGS) $(USER_LDFLAGS)
else
O := $(KILN_ROOT)/build/$(TARGET)
APP_CFLAGS = $(TARGET_CFLAGS) $(EXTRA_CFLAGS)
APP_LDFLAGS = $(TARGET_LDFLAGS) $(EXTRA_LDFLAGS) $(USER_LDFLAGS)
endif
APP_OPT ?= -Og
# The application's own files: later flags win, so -Og replaces -O2 and
# -Wno-error the tree's -Werror, and the user's cflags come last.
USER_OBJ_CFLAGS = $(APP_CFLAGS) $(APP_OPT) -Wno-error $(USER_CFLAGS)
IMAGE := $(OUT_DIR)/$(NAME).$(TARGET)
APP_SRCS ?= $(notdir $(wildcard $(APP_DIR)/*.c))
OBJS := $(patsubst %.c,$(OUT_DIR)/app/%.o,$(APP_SRCS)) \
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

# The other target's check: each application file is compiled, syntax only,
# against the other target's headers and flags (unix: glibc; hvt: kiln's
# libc), so that a call the other target lacks (a libc function kiln's
# libc does not have) is reported at once with its file:line, prefixed
# "kiln: for OTHER:". It does not fail this target's build. XCHECK=0 skips
# it (and SANITIZE=1 builds do).
OTHER := $(if $(filter unix,$(TARGET)),hvt,unix)
XCHECK_CFLAGS = $($(OTHER)_CFLAGS) $(APP_OPT) -Wno-error \
	-Werror=implicit-function-declaration $(USER_CFLAGS)
ALL_XCHECKS := $(if $(SANITIZE),,$(patsubst %.c,$(OUT_DIR)/xcheck/%.ok,$(APP_SRCS)))
XCHECKS := $(if $(XCHECK),,$(ALL_XCHECKS))

# The default goal; its empty recipe keeps make quiet when all is up to date.
image: $(IMAGE) $(XCHECKS)
	@:

# The check alone (kiln run --watch runs it after restarting the appliance).
xcheck: $(ALL_XCHECKS)
	@:

$(OUT_DIR)/xcheck/%.ok: $(APP_DIR)/%.c $(FLAGS_STAMP)
	@$(if $(wildcard $(@D)/.),,mkdir -p $(@D))
	@if $(CC) $(XCHECK_CFLAGS) -I$(APP_DIR) -fsyntax-only -MMD -MP -MF $@.d -MT $@ \
		$< 2>$@.err; then touch $@; else sed 's/^/kiln: for $(OTHER): /' $@.err >&2; fi

# The link uses gold where binutils has it: with the archives' debug
# information it links in about half bfd's time, which is most of an edit's
# rebuild. APP_FUSE_LD= (empty) links with the default linker.
APP_FUSE_LD ?= $(if $(wildcard /usr/bin/ld.gold),-fuse-ld=gold)

$(IMAGE): $(OBJS) $(ARCHIVES) $(LINK_STAMP)
	$(CC) $(APP_CFLAGS) $(APP_LDFLAGS) $(APP_FUSE_LD) -o $@ $(OBJS) \
		-Wl,--start-group $(ARCHIVES) -Wl,--end-group $(TARGET_LDLIBS) $(NET_LDLIBS) $(EXTRA_LDLIBS)

$(OUT_DIR)/app/%.o: $(APP_DIR)/%.c $(FLAGS_STAMP)
	@$(if $(wildcard $(@D)/.),,mkdir -p $(@D))
	$(CC) $(USER_OBJ_CFLAGS) -I$(APP_DIR) -MMD -MP -c $< -o $@

$(OUT_DIR)/%.o: $(OUT_DIR)/%.c
	$(CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@

-include $(OBJS:.o=.d) $(ALL_XCHECKS:=.d)

.PHONY: image xcheck
