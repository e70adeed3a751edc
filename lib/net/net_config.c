/* net_config.c: the static address from boot arguments:
 * --ipv4=ADDR/PREFIX and --ipv4-gateway=ADDR (docs/net.md). */
#include <kiln/net.h>

#include <stdio.h>
#include <string.h>

#define OPT_IPV4 "--ipv4="
#define OPT_GW "--ipv4-gateway="

/* An argument as it may appear in a one-line message: at most 40 bytes,
 * anything but printable ASCII shown as '?'. Boot arguments come from
 * outside; a newline or escape sequence in one must not reach the console. */
static const char *shown(const char *s, char out[48])
{
	size_t i = 0;
	for (; s[i] && i < 40; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = 0;
	return out;
}

/* Parse "ADDR/PREFIX". */
static bool parse_cidr(const char *s, uint32_t *addr, unsigned *prefix)
{
	char buf[20];
	const char *slash = strchr(s, '/');
	size_t alen;
	unsigned p = 0, digits = 0;

	if (!slash || (alen = (size_t)(slash - s)) >= sizeof(buf))
		return false;
	memcpy(buf, s, alen);
	buf[alen] = 0;
	if (!ipv4_parse_addr(buf, addr))
		return false;
	for (s = slash + 1; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
		p = p * 10 + (unsigned)(*s - '0');
	if (digits == 0 || *s || p > 32)
		return false;
	*prefix = p;
	return true;
}

int net_config_from_args(int argc, char **argv, struct net_config *cfg, char *err,
			 size_t errlen)
{
	const char *ipv4 = NULL, *gw = NULL;
	char a[48], b[48];

	memset(cfg, 0, sizeof(*cfg));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, OPT_IPV4, strlen(OPT_IPV4)) == 0) {
			if (ipv4) {
				snprintf(err, errlen, "--ipv4 given twice; give one address");
				return -1;
			}
			ipv4 = arg + strlen(OPT_IPV4);
		} else if (strncmp(arg, OPT_GW, strlen(OPT_GW)) == 0) {
			if (gw) {
				snprintf(err, errlen, "--ipv4-gateway given twice; give one gateway");
				return -1;
			}
			gw = arg + strlen(OPT_GW);
		} else if (strcmp(arg, "--ipv4") == 0 || strcmp(arg, "--ipv4-gateway") == 0) {
			snprintf(err, errlen, "%s needs a value: %s=...", argv[i], argv[i]);
			return -1;
		}
	}
	if (ipv4) {
		if (!parse_cidr(ipv4, &cfg->addr, &cfg->prefix_len)) {
			snprintf(err, errlen,
				 "--ipv4=%s: expected ADDR/PREFIX, e.g. --ipv4=10.0.0.2/24",
				 shown(ipv4, a));
			return -1;
		}
		if (cfg->addr == 0 || cfg->addr == IPV4_BROADCAST || (cfg->addr >> 28) == 0xe) {
			snprintf(err, errlen, "--ipv4=%s: not a host address", shown(ipv4, a));
			return -1;
		}
		cfg->have_ipv4 = true;
	}
	if (gw) {
		uint32_t mask = ipv4_prefix_mask(cfg->prefix_len);
		if (!ipv4_parse_addr(gw, &cfg->gateway)) {
			snprintf(err, errlen,
				 "--ipv4-gateway=%s: expected an address, e.g. 10.0.0.1", shown(gw, b));
			return -1;
		}
		if (!cfg->have_ipv4) {
			snprintf(err, errlen, "--ipv4-gateway needs --ipv4=ADDR/PREFIX as well");
			return -1;
		}
		if (((cfg->gateway ^ cfg->addr) & mask) != 0 || cfg->gateway == cfg->addr) {
			snprintf(err, errlen,
				 "--ipv4-gateway=%s: not another host on --ipv4=%s's subnet",
				 shown(gw, b), shown(ipv4, a));
			return -1;
		}
	}
	return 0;
}

int net_configure(struct net *n, const struct net_config *cfg)
{
	char a[16];

	if (!cfg->have_ipv4)
		return 0;
	if (!net_set_ipv4(n, cfg->addr, cfg->prefix_len, cfg->gateway)) {
		printf("%s: cannot use %s/%u with gateway %s\n", n->name ? n->name : "net",
		       ipv4_format_addr(cfg->addr, a), cfg->prefix_len,
		       cfg->gateway ? "given" : "none");
		return -1;
	}
	return 0;
}
