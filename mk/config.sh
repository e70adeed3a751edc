#!/bin/sh
# mk/config.sh: prints build/setup/config.mk, what the installed packages say
# (pkg-config, the compiler's paths), so that make reads it instead of asking
# on every run. The top Makefile makes it after scripts/deps; mk/flags.mk
# includes it when it was made for the same compiler.
#
#   mk/config.sh CC >build/setup/config.mk
set -eu
cc=${1:?usage: mk/config.sh CC}
# Debian's slirp.pc requires glib-2.0's, which libslirp-dev does not pull in;
# kiln needs neither glib's headers nor its flags: plain -lslirp then.
slirp_cflags=$(pkg-config --cflags slirp 2>/dev/null || true)
slirp_libs=$(pkg-config --libs slirp 2>/dev/null || echo -lslirp)
seccomp_cflags=$(pkg-config --cflags libseccomp)
seccomp_libs=$(pkg-config --libs libseccomp)
gcc_include=$($cc -print-file-name=include)
seccomp_a=$($cc -print-file-name=libseccomp.a)
cat <<EOT
# build/setup/config.mk: made by mk/config.sh for CC=$cc; do not edit (make remakes it).
KILN_CONFIG_CC := $cc
SLIRP_CFLAGS := $slirp_cflags
SLIRP_LIBS := $slirp_libs
SECCOMP_CFLAGS := $seccomp_cflags
SECCOMP_LIBS := $seccomp_libs
GCC_INCLUDE := $gcc_include
LIBSECCOMP_A := $seccomp_a
KILN_NPROC := $(nproc)
EOT
