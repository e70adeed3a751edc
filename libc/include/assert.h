/* assert.h: assert() (C11 7.2): prints the failed expression and where, then
 * ends the appliance with status 255. Not include-guarded, as C requires. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
void klibc_assert_fail(const char *expr, const char *file, int line, const char *func)
	__attribute__((noreturn));
#define assert(e) ((e) ? (void)0 : klibc_assert_fail(#e, __FILE__, __LINE__, __func__))
#endif
#ifndef static_assert
#define static_assert _Static_assert
#endif
