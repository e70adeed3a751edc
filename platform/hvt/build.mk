# platform/hvt/build.mk: host-side checks of the hvt platform's code. The
# platform itself is built by mk/target.mk like every target's.

# The command line's split into argv (platform/hvt/fuzz/boot_args.c):
# boot_args.c compiled for the host under libFuzzer, ASan and UBSan.
$(FZ)/bin/hvt_boot_args: platform/hvt/fuzz/boot_args.c platform/hvt/boot_args.c platform/hvt/boot_args.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Iplatform/hvt -o $@ \
		platform/hvt/fuzz/boot_args.c platform/hvt/boot_args.c
FUZZERS += $(FZ)/bin/hvt_boot_args
