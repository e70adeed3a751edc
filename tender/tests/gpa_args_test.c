/* gpa_args_test.c: the guest-address check at its edges (tender.h,
 * tender_gpa_in_ram / tender_gpa) and the command line (args.c), under ASan
 * and UBSan. tender_die/tender_guest_fault return here through longjmp. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include "tender.h"

static jmp_buf on_exit_;
static char last_msg[512];
static int last_status;

static void record(int status, const char *fmt, va_list ap)
{
	vsnprintf(last_msg, sizeof last_msg, fmt, ap);
	last_status = status;
}

void tender_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(TENDER_EXIT_USAGE, fmt, ap);
	va_end(ap);
	longjmp(on_exit_, 1);
}

void tender_guest_fault(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(TENDER_EXIT_GUEST_FAULT, fmt, ap);
	va_end(ap);
	longjmp(on_exit_, 1);
}

void tender_warn(const char *fmt, ...)
{
	(void)fmt;
}

TEST(gpa_edges)
{
	static uint8_t ram[4096];
	const struct tender_mem m = {.base = ram, .size = sizeof ram};
	CHECK(tender_gpa_in_ram(&m, 0, 0));
	CHECK(tender_gpa_in_ram(&m, 0, 4096));
	CHECK(tender_gpa_in_ram(&m, 4096, 0)); /* an empty range at the end */
	CHECK(tender_gpa_in_ram(&m, 4095, 1));
	CHECK(!tender_gpa_in_ram(&m, 4095, 2));
	CHECK(!tender_gpa_in_ram(&m, 4096, 1));
	CHECK(!tender_gpa_in_ram(&m, 0, 4097));
	/* gpa + len wraps to a small number: must still be refused. */
	CHECK(!tender_gpa_in_ram(&m, 16, UINT64_MAX - 15));
	CHECK(!tender_gpa_in_ram(&m, UINT64_MAX, 2));
	CHECK(!tender_gpa_in_ram(&m, UINT64_MAX, 0));
}

TEST(gpa_fault_names_the_argument)
{
	static uint8_t ram[4096];
	const struct tender_mem m = {.base = ram, .size = sizeof ram};
	CHECK(tender_gpa(&m, 100, 8, "x") == ram + 100);
	if (setjmp(on_exit_) == 0) {
		tender_gpa(&m, 4090, 8, "PUTS data");
		CHECK(!"tender_gpa returned for a range past the end");
	}
	CHECK_EQ(last_status, 255);
	CHECK(strstr(last_msg, "PUTS data at 0xffa, length 8, is outside guest memory (4096 bytes)"));
}

/* 0, or 1 (the exit status main gives it) with the reason in last_msg. */
static int parse(struct tender_args *a, int argc, char **argv)
{
	if (tender_args_parse(a, argc, argv, last_msg, sizeof last_msg) < 0)
		return 1;
	return 0;
}

TEST(args_devices_and_guest_command_line)
{
	char a0[] = "tender", a1[] = "--mem=33", a2[] = "--net:service=tap0",
	     a3[] = "--block:disk=/tmp/x", a4[] = "--", a5[] = "img.hvt", a6[] = "--exit=3",
	     a7[] = "b";
	char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, NULL};
	static struct tender_args a;
	CHECK_EQ(parse(&a, 8, argv), 0);
	CHECK_EQ(a.mem_size, 32ull << 20); /* rounded down to 2 MiB */
	CHECK_EQ(a.ndev, 2);
	CHECK_STR(a.dev[0].name, "service");
	CHECK_STR(a.dev[0].path, "tap0");
	CHECK_EQ(a.dev[0].kind, TENDER_DEV_NET);
	CHECK_STR(a.dev[1].name, "disk");
	CHECK_EQ(a.dev[1].kind, TENDER_DEV_BLOCK);
	CHECK_STR(a.image, "img.hvt");
	CHECK_EQ(a.guest_argc, 2);
	CHECK_STR(a.guest_argv[0], "--exit=3"); /* after the image: the guest's */
}

TEST(args_refused)
{
	static struct tender_args a;
	static const char *const bad[][2] = {
		{"--mem=1", "at least 2 MiB"},
		{"--mem=4097", "at most 4096"},
		{"--mem=-2", "not a number"},
		{"--mem=99999999999999999999999", "at most 4096"},
		{"--net:=tap0", "1 to 67 letters"},
		{"--net:a_b=tap0", "1 to 67 letters"},
		{"--block:disk", "expected NAME=VALUE"},
		{"--what", "unknown option"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char opt[64], img[] = "i.hvt", a0[] = "tender";
		snprintf(opt, sizeof opt, "%s", bad[i][0]);
		char *argv[] = {a0, opt, img, NULL};
		CHECK_EQ(parse(&a, 3, argv), 1);
		CHECK(strstr(last_msg, bad[i][1]) != NULL);
	}
	char a0[] = "tender", d1[] = "--net:x=a", d2[] = "--block:x=b", img[] = "i.hvt";
	char *dup[] = {a0, d1, d2, img, NULL};
	CHECK_EQ(parse(&a, 4, dup), 1);
	CHECK(strstr(last_msg, "given twice") != NULL);
	char *none[] = {a0, NULL};
	CHECK_EQ(parse(&a, 1, none), 1);
	CHECK(strstr(last_msg, "no IMAGE given") != NULL);
}
