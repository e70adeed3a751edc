# mk/thirdparty.mk: third-party code compiled into kiln libraries from Debian
# source packages (scripts/thirdparty fetches them into build/thirdparty/src;
# docs/thirdparty.md). Included by mk/target.mk and the top-level Makefile.
#
# lib/<name>/thirdparty.mk may set, for its own library:
#   tp_<name>_srcs     files under $(TP) compiled into libkiln_<name>.a
#   tp_<name>_cflags   the flags those files need (defines, -I)
#   tp_<name>_include  what a library that uses <name> adds to its own flags
# A library that lists <name> in its deps file gets tp_<name>_include.
#
# Third-party files are compiled with the target's flags (so -mgeneral-regs-only
# and the freestanding libc hold for them too) but without kiln's warning
# flags: their warnings are their authors' to fix, not ours to -Werror.

TP := $(KILN_ROOT)/build/thirdparty/src
include $(wildcard $(KILN_ROOT)/lib/*/thirdparty.mk)
TP_LIBS := $(patsubst $(KILN_ROOT)/lib/%/thirdparty.mk,%,$(wildcard $(KILN_ROOT)/lib/*/thirdparty.mk))

# tp_flags FLAGS LIB: FLAGS without kiln's warnings, plus LIB's own.
tp_flags = $(filter-out $(WARN),$(1)) -w $(tp_$(2)_cflags)
# tp_uses LIB: the include flags of the third-party libraries LIB names in deps.
tp_uses = $(foreach d,$(filter $(TP_LIBS),$(shell cat $(KILN_ROOT)/lib/$(1)/deps 2>/dev/null)),$(tp_$(d)_include))

# A missing source (a fresh checkout, a `make clean`) is fetched, not an error:
# every source is made by the fetch, and the objects of a library that
# includes third-party headers wait for it (TP_STAMP, order-only; tp_wait).
# (The includer's default goal stays its own.)
TP_STAMP := $(TP)/.fetched
tp_goal_ := $(.DEFAULT_GOAL)
$(TP_STAMP): $(KILN_ROOT)/scripts/thirdparty
	@$(KILN_ROOT)/scripts/thirdparty && touch $@
$(sort $(foreach l,$(TP_LIBS),$(tp_$(l)_srcs))): | $(TP_STAMP)
	@:
.DEFAULT_GOAL := $(tp_goal_)
# tp_wait OBJS LIB: OBJS (LIB's objects) wait for the fetch if LIB needs it.
tp_wait = $(if $(call tp_uses,$(2))$(filter $(2),$(TP_LIBS)),$(eval $(1): | $(TP_STAMP)))
