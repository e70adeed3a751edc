/* canary.c: an hvt test guest that overflows a stack buffer; the stack protector
 * must stop it with status 255 before the function returns (tests/hvt/guest.sh). */
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

__attribute__((noinline)) static void smash(const char *src, size_t n)
{
	char buf[16];

	memcpy(buf, src, n); /* n > sizeof(buf): the overflow under test */
	printf("canary: copied %zu bytes into %p\n", n, (void *)buf);
}

int kiln_main(int argc, char **argv)
{
	static const char data[64] = "0123456789abcdef0123456789abcdef0123456789abcdef";
	(void)argv;
	smash(data, argc > 1 ? sizeof(data) : 8);
	printf("canary: returned normally\n");
	return 0;
}
