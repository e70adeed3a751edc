# mk/target.mk: builds kiln's libraries for one appliance target.
#
#   make -f mk/target.mk KILN_ROOT=$PWD TARGET=unix|hvt [SANITIZE=1]
#
# Output, in build/$(TARGET)/ (build/unix-asan/ with SANITIZE=1: the unix
# target under ASan and UBSan, which `kiln build --sanitize` links):
#   libkiln_platform.a   platform/$(TARGET)/*.c *.S
#   libkiln_<name>.a     lib/<name>/*.c *.S, one per folder in lib/ (or in LIBS)
#   libkiln_c.a          libc/src/*.c (hvt only: kiln's own C library)
#   libkiln_hostnet.a    hostnet/*.c (unix only: the host side of net devices,
#                        tap and libslirp; linked only into appliances that
#                        declare a net device, docs/hostnet.md)
#
# Each library is an archive, and each function its own section, so an
# appliance's image holds only the members and functions it reaches.

KILN_ROOT ?= $(CURDIR)
TARGET ?= unix
include $(KILN_ROOT)/mk/flags.mk

ifeq ($(SANITIZE),1)
ifneq ($(TARGET),unix)
$(error SANITIZE=1 is for the unix target only)
endif
O := $(KILN_ROOT)/build/$(TARGET)-asan
KILN_CFLAGS = $(TARGET_CFLAGS) $(SAN_FLAGS)
else
O := $(KILN_ROOT)/build/$(TARGET)
KILN_CFLAGS = $(TARGET_CFLAGS)
endif
# LIBS (optional) names the libraries to build; default: all of them.
LIBNAMES := $(notdir $(patsubst %/,%,$(dir $(wildcard $(KILN_ROOT)/lib/*/deps))))
LIBS ?= $(LIBNAMES)

srcs_in = $(wildcard $(1)/*.c) $(wildcard $(1)/*.S)
objs_of = $(patsubst $(KILN_ROOT)/%,$(O)/obj/%.o,$(1))
include $(KILN_ROOT)/mk/thirdparty.mk

ARCHIVES := $(O)/libkiln_platform.a $(foreach l,$(LIBS),$(O)/libkiln_$(l).a)
ifeq ($(TARGET),hvt)
ARCHIVES += $(O)/libkiln_c.a
endif
ifeq ($(TARGET),unix)
ARCHIVES += $(O)/libkiln_hostnet.a
endif

# The empty recipe keeps make from saying "Nothing to be done" on every kiln build.
all: $(ARCHIVES)
	@:

# Built beside and renamed into place, so that two builds at once (two kiln
# builds, or a test beside a developer) never link a half-written archive.
define archive_rule
$(1): $(call objs_of,$(call srcs_in,$(KILN_ROOT)/$(2)))
	rm -f $$@.$$$$$$$$ && $$(AR) rcs $$@.$$$$$$$$ $$^ && mv -f $$@.$$$$$$$$ $$@
endef
$(eval $(call archive_rule,$(O)/libkiln_platform.a,platform/$(TARGET)))
$(eval $(call archive_rule,$(O)/libkiln_c.a,libc/src))
$(eval $(call archive_rule,$(O)/libkiln_hostnet.a,hostnet))
# hostnet includes libslirp's header; the unix platform's net_attach.c hostnet's.
$(O)/obj/hostnet/%.c.o: KILN_CFLAGS += $(SLIRP_CFLAGS)
$(O)/obj/platform/unix/%.c.o: KILN_CFLAGS += -I$(KILN_ROOT)/hostnet
$(foreach l,$(LIBNAMES),$(eval $(call archive_rule,$(O)/libkiln_$(l).a,lib/$(l))))
# A library's third-party members (mk/thirdparty.mk) join its archive.
$(foreach l,$(TP_LIBS),$(eval $(O)/libkiln_$(l).a: $(call objs_of,$(tp_$(l)_srcs))))
$(foreach l,$(TP_LIBS),$(eval $(call objs_of,$(tp_$(l)_srcs)): KILN_CFLAGS = $(call tp_flags,$(KILN_CFLAGS),$(l))))
$(foreach l,$(LIBNAMES),$(eval $(O)/obj/lib/$(l)/%.o: KILN_CFLAGS += $(call tp_uses,$(l))))
$(foreach l,$(LIBNAMES),$(call tp_wait,$(call objs_of,$(call srcs_in,$(KILN_ROOT)/lib/$(l))),$(l)))

$(O)/obj/%.c.o: $(KILN_ROOT)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KILN_CFLAGS) -I$(dir $<) -MMD -MP -c $< -o $@

$(O)/obj/%.S.o: $(KILN_ROOT)/%.S
	@mkdir -p $(dir $@)
	$(CC) $(KILN_CFLAGS) -I$(dir $<) -MMD -MP -c $< -o $@

# Dependency files of the objects above: obj/lib/<name>/, obj/platform/<t>/,
# obj/libc/src/ (two folders down) and obj/hostnet/ (one).
-include $(wildcard $(O)/obj/*/*.d $(O)/obj/*/*/*.d)

.PHONY: all
