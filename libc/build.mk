# libc/build.mk: kiln's C library's host tests. The guest archive itself is
# built by mk/target.mk (build/hvt/libkiln_c.a). Here libc/src is compiled
# for the host with its public names renamed to klibc_* (tests/host_rename.h),
# so each test compares it with glibc in one program, under ASan and UBSan.

LIBC_HOST_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fno-omit-frame-pointer -ffreestanding \
	-nostdinc -isystem libc/include -isystem $(GCC_INCLUDE) -Iinclude \
	-include libc/tests/host_rename.h $(SAN_FLAGS)
LIBC_HOST_OBJS := $(patsubst libc/src/%.c,$(T)/libc/%.o,$(wildcard libc/src/*.c))

$(T)/libc/%.o: libc/src/%.c libc/tests/host_rename.h
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_HOST_CFLAGS) -Ilibc/src -MMD -MP -c $< -o $@

$(T)/libklibc_host.a: $(LIBC_HOST_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(T)/bin/libc_%: libc/tests/%.c libc/tests/klibc.h libc/tests/host_platform.c tests/harness.c $(T)/libklibc_host.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Itests -Ilibc/tests -o $@ $< \
		libc/tests/host_platform.c tests/harness.c $(T)/libklibc_host.a

TEST_PROGRAMS += $(patsubst libc/tests/%.c,$(T)/bin/libc_%,$(wildcard libc/tests/*_test.c))
-include $(LIBC_HOST_OBJS:.o=.d)
