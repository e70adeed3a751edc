/* args_test.c: boot arguments by name, as numbers and as flags. */
#include "harness.h"

#include <kiln/args.h>

static char *argv[] = {"app", "--count=12", "--countx=3", "--aaaa", "--count=99", "--name=", NULL};
static const int argc = 6;

TEST(value_is_the_first_exact_name)
{
	CHECK_STR(args_value(argc, argv, "--count"), "12");
	CHECK_STR(args_value(argc, argv, "--countx"), "3");
	CHECK_STR(args_value(argc, argv, "--name"), "");
	CHECK(args_value(argc, argv, "--coun") == NULL);
	CHECK(args_value(argc, argv, "app") == NULL); /* argv[0] is not an argument */
}

TEST(numbers_and_defaults)
{
	CHECK_EQ(args_ulong(argc, argv, "--count", 7), 12);
	CHECK_EQ(args_ulong(argc, argv, "--missing", 7), 7);
}

TEST(flags_stand_alone)
{
	CHECK(args_flag(argc, argv, "--aaaa"));
	CHECK(!args_flag(argc, argv, "--count"));
	CHECK(!args_flag(argc, argv, "--aaa"));
}
