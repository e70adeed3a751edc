# mk/flags.mk: compiler flags for each place kiln code is built.
#
# KILN_ROOT must be set (the top of the tree). TARGET selects the appliance
# target's flags: unix (a Linux process, glibc) or hvt (a freestanding KVM
# guest). HOST_CFLAGS are for host programs (the kiln tool, the tender, tests).

CC ?= cc
AR ?= ar
LD ?= ld

# What the installed packages say (pkg-config, the compiler's own paths) is
# read from build/setup/config.mk, which the top Makefile makes after
# scripts/deps installed them (mk/config.sh), so that reading this file
# starts no process: `kiln build` reads it on every build. Where that file
# is missing or was made for another compiler, the same is asked here. The
# top Makefile sets KILN_SETUP=1 while it has yet to make the file (it does,
# then reads everything again): nothing is asked then, the packages may not
# be there yet.
-include $(KILN_ROOT)/build/setup/config.mk
ifneq ($(KILN_CONFIG_CC),$(CC))
ifneq ($(KILN_SETUP),1)
SLIRP_CFLAGS := $(shell pkg-config --cflags slirp 2>/dev/null)
SLIRP_LIBS := $(shell pkg-config --libs slirp 2>/dev/null || echo -lslirp)
SECCOMP_CFLAGS := $(shell pkg-config --cflags libseccomp)
SECCOMP_LIBS := $(shell pkg-config --libs libseccomp)
GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
LIBSECCOMP_A := $(shell $(CC) -print-file-name=libseccomp.a)
endif
endif

WARN := -Wall -Wextra -Werror
COMMON_CFLAGS := -std=gnu11 $(WARN) -g -O2 -fno-omit-frame-pointer \
	-I$(KILN_ROOT)/include

HOST_CFLAGS := $(COMMON_CFLAGS) -D_GNU_SOURCE

# Tests and the unix target under AddressSanitizer and UBSan.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined

# The unix target: an ordinary Linux executable.
unix_CFLAGS := $(COMMON_CFLAGS) -D_GNU_SOURCE -DKILN_TARGET_UNIX \
	-ffunction-sections -fdata-sections
unix_LDFLAGS := -Wl,--gc-sections
unix_LDLIBS :=
# Debian's libslirp (user-mode networking, hostnet/): SLIRP_CFLAGS and
# SLIRP_LIBS (above) are for unix appliances that declare a net device
# (mk/appliance.mk NET=1) and the tender.

# The hvt target: freestanding x86_64, loaded at 1 MiB by an hvt monitor.
# -mgeneral-regs-only: no SSE/x87 code, which this machine's software
# hypervisor cannot run (hvt-abi.md section 7) and a kernel should not need.
# -mstack-protector-guard=global: the canary is a plain symbol, as there is
# no %fs-based thread block in a kiln guest.
# GCC_INCLUDE (above): the compiler's own headers (stddef.h, stdarg.h).
hvt_CFLAGS := $(COMMON_CFLAGS) -DKILN_TARGET_HVT \
	-ffreestanding -fno-pie -fno-pic -mno-red-zone -mgeneral-regs-only \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections \
	-nostdinc -isystem $(KILN_ROOT)/libc/include -isystem $(GCC_INCLUDE)
hvt_LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none \
	-Wl,-T,$(KILN_ROOT)/platform/hvt/hvt.ld
hvt_LDLIBS :=

TARGET_CFLAGS = $($(TARGET)_CFLAGS)
TARGET_LDFLAGS = $($(TARGET)_LDFLAGS)
TARGET_LDLIBS = $($(TARGET)_LDLIBS)
