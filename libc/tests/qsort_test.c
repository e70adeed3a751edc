/* qsort_test.c: kiln libc's qsort and bsearch against glibc's (C11 7.22.5). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "klibc.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

struct rec {
	unsigned key;
	char pad[13]; /* an odd element size */
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

TEST(sorts_like_glibc)
{
	static int a[1000], b[1000];
	unsigned seed = 12345;
	for (size_t n = 0; n <= 1000; n = n < 20 ? n + 1 : n * 3) {
		for (int pattern = 0; pattern < 4; pattern++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245 + 12345;
				a[i] = pattern == 0 ? (int)(seed >> 8) % 50 /* many equal */
				     : pattern == 1 ? (int)i               /* sorted */
				     : pattern == 2 ? (int)(n - i)         /* reversed */
				     : (int)(seed >> 4);
			}
			memcpy(b, a, n * sizeof(int));
			klibc_qsort(a, n, sizeof(int), cmp_int);
			qsort(b, n, sizeof(int), cmp_int);
			CHECK_MEM(a, b, n * sizeof(int));
		}
	}
}

TEST(odd_element_size)
{
	static struct rec r[300];
	unsigned seed = 7;
	for (size_t i = 0; i < 300; i++) {
		seed = seed * 1103515245 + 12345;
		r[i].key = seed >> 16;
		memset(r[i].pad, (int)(r[i].key & 0xff), sizeof(r[i].pad));
	}
	klibc_qsort(r, 300, sizeof(r[0]), cmp_rec);
	for (size_t i = 0; i < 300; i++) {
		if (i > 0)
			CHECK(r[i - 1].key <= r[i].key);
		CHECK_EQ(r[i].pad[12], (char)(r[i].key & 0xff)); /* elements moved whole */
	}
}

TEST(bsearch)
{
	int a[101];
	for (int i = 0; i < 101; i++)
		a[i] = 2 * i;
	for (int k = -1; k < 204; k++) {
		int *p = klibc_bsearch(&k, a, 101, sizeof(int), cmp_int);
		CHECK((p == NULL) == (k < 0 || k > 200 || k % 2 != 0));
		if (p != NULL)
			CHECK_EQ(*p, k);
	}
	int k = 5;
	CHECK(klibc_bsearch(&k, a, 0, sizeof(int), cmp_int) == NULL);
}
