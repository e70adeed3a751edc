/* mac.c: Ethernet addresses for appliance devices (see hostnet.h). */
#include "hostnet.h"

#include <string.h>

static uint64_t fnv1a(uint64_t h, const char *s)
{
	/* FNV-1a over the string and its NUL, so "ab"+"c" != "a"+"bc". */
	do {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	} while (*s++);
	return h;
}

void hostnet_default_mac(const char *appliance, const char *device, const char *spec,
			 uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ull;
	h = fnv1a(h, appliance);
	h = fnv1a(h, device);
	h = fnv1a(h, spec);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02); /* locally administered, unicast */
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hostnet_parse_mac(const char *text, uint8_t mac[6])
{
	if (strlen(text) != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hex(text[3 * i]), lo = hex(text[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return (mac[0] & 1) == 0;
}
