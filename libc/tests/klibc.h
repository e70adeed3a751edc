/* klibc.h: the renamed kiln libc (host_rename.h) as the host tests see it, beside glibc. */
#ifndef KLIBC_TEST_KLIBC_H
#define KLIBC_TEST_KLIBC_H

#include <stdarg.h>
#include <stddef.h>

extern int klibc_errno;
int klibc_snprintf(char *buf, size_t size, const char *fmt, ...);
int klibc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int klibc_printf(const char *fmt, ...);
int klibc_puts(const char *s);

void *klibc_memcpy(void *dst, const void *src, size_t n);
void *klibc_memmove(void *dst, const void *src, size_t n);
void *klibc_memset(void *dst, int c, size_t n);
int klibc_memcmp(const void *a, const void *b, size_t n);
void *klibc_memchr(const void *s, int c, size_t n);
size_t klibc_strlen(const char *s);
size_t klibc_strnlen(const char *s, size_t max);
int klibc_strcmp(const char *a, const char *b);
int klibc_strncmp(const char *a, const char *b, size_t n);
int klibc_strcasecmp(const char *a, const char *b);
int klibc_strncasecmp(const char *a, const char *b, size_t n);
char *klibc_strcpy(char *dst, const char *src);
char *klibc_strncpy(char *dst, const char *src, size_t n);
char *klibc_strcat(char *dst, const char *src);
char *klibc_strncat(char *dst, const char *src, size_t n);
char *klibc_strchr(const char *s, int c);
char *klibc_strrchr(const char *s, int c);
char *klibc_strstr(const char *h, const char *n);
size_t klibc_strspn(const char *s, const char *a);
size_t klibc_strcspn(const char *s, const char *r);
char *klibc_strpbrk(const char *s, const char *a);
char *klibc_strtok_r(char *s, const char *d, char **save);
char *klibc_strdup(const char *s);
char *klibc_strndup(const char *s, size_t n);

int klibc_isalnum(int c);
int klibc_isalpha(int c);
int klibc_isblank(int c);
int klibc_iscntrl(int c);
int klibc_isdigit(int c);
int klibc_isgraph(int c);
int klibc_islower(int c);
int klibc_isprint(int c);
int klibc_ispunct(int c);
int klibc_isspace(int c);
int klibc_isupper(int c);
int klibc_isxdigit(int c);
int klibc_tolower(int c);
int klibc_toupper(int c);

long klibc_strtol(const char *s, char **end, int base);
unsigned long klibc_strtoul(const char *s, char **end, int base);
long long klibc_strtoll(const char *s, char **end, int base);
unsigned long long klibc_strtoull(const char *s, char **end, int base);
int klibc_atoi(const char *s);
void klibc_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *klibc_bsearch(const void *key, const void *base, size_t n, size_t size,
		    int (*cmp)(const void *, const void *));

void *klibc_malloc(size_t size);
void *klibc_calloc(size_t n, size_t size);
void *klibc_realloc(void *p, size_t size);
void klibc_free(void *p);
void *klibc_aligned_alloc(size_t align, size_t size);
int klibc_posix_memalign(void **out, size_t align, size_t size);
void klibc_heap_init(void *start, size_t len);
size_t klibc_heap_used(void);
size_t klibc_heap_free(void);

/* host_platform.c: the console the libc writes to, captured. printf's
 * output waits in the console's buffer (kiln_libc.h, klibc_console) until
 * it fills or host_console_sync() (kiln_console_flush) moves it here. */
extern char host_console[65536];
extern size_t host_console_len;
void host_console_sync(void);
/* The size of the host console's buffer: small, so tests cross its end. */
#define HOST_CONSOLE_BUF 64

struct tm;
long klibc_time(long *t);
struct tm *klibc_gmtime_r(const long *t, struct tm *tm);
struct tm *klibc_localtime_r(const long *t, struct tm *tm);
long klibc_timegm(struct tm *tm);
long klibc_mktime(struct tm *tm);
size_t klibc_strftime(char *s, size_t max, const char *fmt, const struct tm *tm);

#endif
