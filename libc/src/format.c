/* format.c: the printf engine shared by printf, fprintf and snprintf (C11 7.21.6.1).
 * The supported conversions are listed in libc/include/stdio.h. Written for
 * few executed instructions (format.h, word.h say why): literal text and a
 * bare %s are found and copied 8 bytes a step in one pass (copy_until), and
 * a bare %s or %d skips the flag, width and precision handling. */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <limits.h>

#include "format.h"
#include "word.h"

enum {
	F_LEFT = 1,   /* '-' */
	F_PLUS = 2,   /* '+' */
	F_SPACE = 4,  /* ' ' */
	F_ALT = 8,    /* '#' */
	F_ZERO = 16,  /* '0' */
};

/* The slow half of emit(): buf is full. */
static void emit_overflow(struct klibc_out *o, const char *s, size_t n)
{
	for (;;) {
		size_t k = o->cap - o->len < n ? o->cap - o->len : n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (n == 0)
			return;
		if (o->flush == NULL) {
			o->total += n; /* dropped, but counted */
			return;
		}
		o->total += o->len; /* sent */
		o->flush(o);
	}
}

static inline void emit(struct klibc_out *o, const char *s, size_t n)
{
	char *d = o->buf + o->len;

	if (n > o->cap - o->len) {
		emit_overflow(o, s, n);
		return;
	}
	o->len += n;
	/* Most pieces are short: two overlapping moves beat a call. */
	if (n <= 16)
		klibc_copy_short(d, s, n);
	else
		memcpy(d, s, n);
}

/* Bit 7 set in each byte of v that is 0 or equal to the byte of pattern
 * (c in every byte, c < 0x80); the lowest set bit is exact (word.h), which
 * is all the callers use. Equal there to klibc_zero_bytes(v) |
 * klibc_zero_bytes(v ^ pattern), in fewer instructions: a borrow out of a
 * byte that is neither starts only above a byte that is, and a byte with
 * bit 7 set (in v and so in v ^ pattern) is masked by ~v. */
static inline uint64_t stop_bytes(uint64_t v, uint64_t pattern)
{
	return ((v - KLIBC_ONES) | ((v ^ pattern) - KLIBC_ONES)) & ~v & KLIBC_HIGHS;
}

/* Copies the text at p up to its first byte equal to c or NUL to *dp, the
 * end of o's output, and returns the address of that byte: klibc_strchrnul()
 * and emit() in one pass, 8 bytes a step where o allows it (wend, below
 * which an 8-byte store may start: o->wend, or 0 for never; format.h). It
 * reads the first 8 bytes at p if they lie in p's page, then whole aligned
 * words, so it never reads past the page that holds the stop byte. Each
 * word it stores may carry bytes past the stop, which lie beyond the output
 * and are overwritten by what follows. The caller keeps the output's end in
 * *dp (a register, once inlined) and o->len in step only around other
 * calls; so does this function around emit(). Inlined with a constant c (0
 * for %s); c must be below 0x80 (stop_bytes). */
static inline __attribute__((always_inline)) KLIBC_WORD_READER const char *
copy_until(struct klibc_out *o, char **dp, uintptr_t wend, const char *p, int c)
{
	const uint64_t pattern = (unsigned char)c * KLIBC_ONES;
	char *d = *dp;
	uint64_t v, m;
	const char *stop;
	size_t step;

	if ((uintptr_t)d >= wend || ((uintptr_t)p & 4095) > 4096 - 8)
		goto bytewise;
	/* The first 8 bytes, unaligned; then on from the next aligned word
	 * (the bytes stored twice are stored alike). */
	v = *(const klibc_uword *)p;
	m = stop_bytes(v, pattern);
	*(klibc_uword *)d = v;
	if (m == 0) {
		step = 8 - ((uintptr_t)p & 7);
		p += step;
		d += step;
		for (;;) {
			v = *(const klibc_aword *)p;
			m = stop_bytes(v, pattern);
			if ((uintptr_t)d >= wend)
				goto bytewise;
			*(klibc_uword *)d = v;
			if (m != 0)
				break;
			p += 8;
			d += 8;
		}
	}
	step = (unsigned)__builtin_ctzll(m) / 8; /* unsigned: no sign extension */
	*dp = d + step;
	return p + step;

bytewise: /* too close to the end of o's buffer or of p's page, or no scratch room */
	o->len = (size_t)(d - o->buf);
	stop = klibc_strchrnul(p, c);
	emit(o, p, (size_t)(stop - p));
	*dp = o->buf + o->len;
	return stop;
}

static void pad(struct klibc_out *o, char c, size_t n)
{
	static const char spaces[16] = "                ";
	static const char zeros[16] = "0000000000000000";
	const char *src = c == '0' ? zeros : spaces;

	while (n > 0) {
		size_t k = n < sizeof(spaces) ? n : sizeof(spaces);
		emit(o, src, k);
		n -= k;
	}
}

/* Digits of v in base, into the end of end; returns how many. */
static size_t digits(char *end, uintmax_t v, unsigned base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	if (base == 10) { /* a constant divisor: a multiply, not a divide */
		do {
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
	} else {
		do {
			*--p = set[v % base];
			v /= base;
		} while (v != 0);
	}
	return (size_t)(end - p);
}

/* One integer conversion: sign/prefix, zero padding, precision, width. */
static void put_int(struct klibc_out *o, uintmax_t v, int negative, unsigned base, int upper,
		    int flags, int width, int prec)
{
	char buf[3 * sizeof(uintmax_t)]; /* 22 octal digits of 64 bits fit */
	char prefix[2];
	size_t nd = 0, np = 0, zeros = 0, len;

	if (!(prec == 0 && v == 0))
		nd = digits(buf + sizeof(buf), v, base, upper);
	if (negative)
		prefix[np++] = '-';
	else if (flags & F_PLUS)
		prefix[np++] = '+';
	else if (flags & F_SPACE)
		prefix[np++] = ' ';
	if ((flags & F_ALT) && base == 16 && v != 0) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}
	if ((flags & F_ALT) && base == 8 && !(v == 0 && nd > 0) && prec <= (int)nd)
		prec = (int)nd + 1; /* "#o" guarantees a leading 0 */
	if (prec >= 0 && (size_t)prec > nd)
		zeros = (size_t)prec - nd;
	len = np + zeros + nd;
	if (prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT) && width > 0 &&
	    (size_t)width > len) {
		zeros += (size_t)width - len;
		len = (size_t)width;
	}
	if (!(flags & F_LEFT) && width > 0 && (size_t)width > len)
		pad(o, ' ', (size_t)width - len);
	if (np > 0)
		emit(o, prefix, np);
	if (zeros > 0)
		pad(o, '0', zeros);
	emit(o, buf + sizeof(buf) - nd, nd);
	if ((flags & F_LEFT) && width > 0 && (size_t)width > len)
		pad(o, ' ', (size_t)width - len);
}

static void put_str(struct klibc_out *o, const char *s, size_t n, int flags, int width)
{
	size_t w = width > 0 ? (size_t)width : 0;

	if (!(flags & F_LEFT) && w > n)
		pad(o, ' ', w - n);
	emit(o, s, n);
	if ((flags & F_LEFT) && w > n)
		pad(o, ' ', w - n);
}

/* Reads a decimal number at *p, capped so it cannot overflow an int. */
static int number(const char **p)
{
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		if (n < INT_MAX / 10 - 10)
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return n;
}

enum length { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_MAX, L_SIZE, L_PTRDIFF };

static uintmax_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case L_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case L_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case L_LONG: return va_arg(*ap, unsigned long);
	case L_LLONG: return va_arg(*ap, unsigned long long);
	case L_MAX: return va_arg(*ap, uintmax_t);
	case L_SIZE: return va_arg(*ap, size_t);
	case L_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned);
	}
}

static intmax_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case L_CHAR: return (signed char)va_arg(*ap, int);
	case L_SHORT: return (short)va_arg(*ap, int);
	case L_LONG: return va_arg(*ap, long);
	case L_LLONG: return va_arg(*ap, long long);
	case L_MAX: return va_arg(*ap, intmax_t);
	case L_SIZE: return (intmax_t)va_arg(*ap, size_t);
	case L_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static enum length length(const char **p)
{
	switch (**p) {
	case 'h':
		if ((*p)[1] == 'h') { *p += 2; return L_CHAR; }
		(*p)++; return L_SHORT;
	case 'l':
		if ((*p)[1] == 'l') { *p += 2; return L_LLONG; }
		(*p)++; return L_LONG;
	case 'j': (*p)++; return L_MAX;
	case 'z': (*p)++; return L_SIZE;
	case 't': (*p)++; return L_PTRDIFF;
	case 'L': (*p)++; return L_INT; /* long double: only with %f, unsupported */
	default: return L_INT;
	}
}

/* A bare %d of v (or %ld, %zd...): no sign flag, width or precision. Not
 * inlined: it has two callers and the hello image's code sits just under a
 * page boundary (each page is 4 KB of image). */
static __attribute__((noinline)) void bare_int(struct klibc_out *o, intmax_t v)
{
	char buf[1 + 3 * sizeof(uintmax_t)];
	uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
	size_t nd;

	if (mag < 10 && v >= 0) { /* counts and small numbers: no divide loop */
		buf[0] = (char)('0' + mag);
		emit(o, buf, 1);
		return;
	}
	nd = digits(buf + sizeof(buf), mag, 10, 0);

	if (v < 0)
		buf[sizeof(buf) - ++nd] = '-';
	emit(o, buf + sizeof(buf) - nd, nd);
}

/* One conversion starting after '%'; returns the position after it. A bare
 * %s or %d never comes here (klibc_format). */
static __attribute__((noinline)) const char *convert(struct klibc_out *o, const char *p, va_list *ap)
{
	int flags = 0, width = 0, prec = -1;
	enum length len = L_INT;

	/* Flags, width, precision and length, unless a letter comes first. */
	if (*p < 'a') {
		for (;; p++) {
			if (*p == '-') flags |= F_LEFT;
			else if (*p == '+') flags |= F_PLUS;
			else if (*p == ' ') flags |= F_SPACE;
			else if (*p == '#') flags |= F_ALT;
			else if (*p == '0') flags |= F_ZERO;
			else break;
		}
		if (*p == '*') {
			width = va_arg(*ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = width == INT_MIN ? INT_MAX : -width;
			}
			p++;
		} else {
			width = number(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				prec = va_arg(*ap, int);
				if (prec < 0)
					prec = -1;
				p++;
			} else {
				prec = number(&p);
			}
		}
	}
	len = length(&p);

	if (*p == '\0')
		return p; /* a lone '%' at the end: print nothing more */
	/* Not a case of the switch: its jump table then starts at '%', not 0. */
	switch (*p) {
	case 'd':
	case 'i': {
		intmax_t v = arg_signed(ap, len);
		if ((flags | width) == 0 && prec < 0) { /* with a length: %ld, %zd */
			bare_int(o, v);
			break;
		}
		put_int(o, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0, 10, 0, flags, width, prec);
		break;
	}
	case 'u': put_int(o, arg_unsigned(ap, len), 0, 10, 0, flags & ~(F_PLUS | F_SPACE), width, prec); break;
	case 'x': put_int(o, arg_unsigned(ap, len), 0, 16, 0, flags & ~(F_PLUS | F_SPACE), width, prec); break;
	case 'X': put_int(o, arg_unsigned(ap, len), 0, 16, 1, flags & ~(F_PLUS | F_SPACE), width, prec); break;
	case 'o': put_int(o, arg_unsigned(ap, len), 0, 8, 0, flags & ~(F_PLUS | F_SPACE), width, prec); break;
	case 'p': {
		void *v = va_arg(*ap, void *);
		if (v == NULL)
			put_str(o, "(nil)", 5, flags, width);
		else
			put_int(o, (uintptr_t)v, 0, 16, 0, (flags & ~F_ZERO) | F_ALT, width, prec);
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_str(o, &c, 1, flags, width);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (s == NULL)
			s = "(null)";
		size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
		put_str(o, s, n, flags, width);
		break;
	}
	case '%': emit(o, "%", 1); break;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		/* No floating point in a kiln guest; see stdio.h. */
		put_str(o, "<float?>", 8, flags, width);
		break;
	default:
		/* %n and unknown conversions: shown, not executed. */
		emit(o, "<%", 2);
		emit(o, p, 1);
		emit(o, "?>", 2);
		break;
	}
	return p + 1;
}

KLIBC_WORD_READER int klibc_format(struct klibc_out *o, const char *fmt, va_list *ap)
{
	const char *p = fmt;
	size_t base = o->len, total;
	const uintptr_t wend = (uintptr_t)o->wend;
	char *d = o->buf + o->len; /* the output's end; o->len is synced around calls */

	for (;;) {
		const char *q = copy_until(o, &d, wend, p, '%');
		if (*q == '\0')
			break;
		if (q[1] == 's') { /* a bare %s, the commonest conversion: in place */
			const char *s = va_arg(*ap, const char *);
			copy_until(o, &d, wend, s != NULL ? s : "(null)", 0);
			p = q + 2;
			continue;
		}
		if (q[1] == 'd') { /* a bare %d; one digit (a count, a status) in place */
			int v = va_arg(*ap, int);
			if ((unsigned)v < 10 && (uintptr_t)d < wend) {
				*d++ = (char)('0' + v);
			} else {
				o->len = (size_t)(d - o->buf);
				bare_int(o, v);
				d = o->buf + o->len;
			}
			p = q + 2;
			continue;
		}
		o->len = (size_t)(d - o->buf);
		p = convert(o, q + 1, ap);
		d = o->buf + o->len;
	}
	o->len = (size_t)(d - o->buf);
	total = o->total + o->len - base;
	if (total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)total;
}
