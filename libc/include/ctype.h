/* ctype.h: character classes for the "C" locale only (C11 7.4). See docs/libc.md.
 * Arguments must be EOF or representable as unsigned char, as in C; other
 * values return 0 rather than reading outside a table (there is no table). */
#ifndef KLIBC_CTYPE_H
#define KLIBC_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);

#endif
