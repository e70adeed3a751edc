/* heap.c: an hvt test guest that allocates many blocks, checks their contents,
 * frees them and allocates one large block (tests/hvt/guest.sh). Kept small:
 * every guest instruction is slow on this machine's hypervisor. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/platform.h>

#define N 2000

int kiln_main(int argc, char **argv)
{
	static unsigned char *p[N];
	int bad = 0;

	(void)argc, (void)argv;
	for (int i = 0; i < N; i++) {
		size_t n = 1 + (size_t)(i * 37 % 300);
		p[i] = malloc(n);
		if (p[i] == NULL || ((uintptr_t)p[i] & 15) != 0) {
			printf("heap: malloc %d failed\n", i);
			return 1;
		}
		memset(p[i], i & 0xff, n);
	}
	for (int i = 0; i < N; i++) {
		size_t n = 1 + (size_t)(i * 37 % 300);
		for (size_t k = 0; k < n; k++)
			bad += p[i][k] != (unsigned char)(i & 0xff);
		free(p[i]);
	}
	void *big = malloc(64u << 20); /* needs the freed blocks back, and more */
	printf("heap: %d blocks, %d bad bytes, big block %s\n", N, bad, big ? "ok" : "failed");
	free(big);
	return bad == 0 && big != NULL ? 0 : 1;
}
