/* options.c: the unix appliance's own command-line options, checked against
 * its manifest (docs/config.md, "Running a unix appliance"). */
#include <stdio.h>
#include <string.h>

#include "unix.h"

const char unix_options_help[] =
	"Platform options (the unix target):\n"
	"  --net:NAME=TAPDEV    attach net device NAME to the tap interface TAPDEV\n"
	"  --net:NAME=user      attach it to user-mode networking (libslirp): no root,\n"
	"                       no tap; the appliance is 10.0.2.15, gateway 10.0.2.2\n"
	"  --port-forward=[udp:|tcp:]HOSTPORT:GUESTPORT\n"
	"                       with a user-mode device: 127.0.0.1:HOSTPORT on the host\n"
	"                       reaches the appliance's GUESTPORT (both protocols if\n"
	"                       neither is named); repeatable, at most 16\n"
	"  --pcap=FILE          write every frame in and out of every net device to\n"
	"                       FILE in pcap format (tshark -r FILE)\n"
	"  --net-impair=loss:P,reorder:P,dup:P,seed:N\n"
	"                       seeded faults on every net device, both directions:\n"
	"                       P percent of frames dropped, reordered, duplicated\n"
	"  --net-no-offload     a tap carries MTU-sized frames only: no checksum,\n"
	"                       segmentation or receive offload (on by default on a\n"
	"                       clean tap without --pcap; docs/offload.md)\n"
	"  --net-mac:NAME=MAC   net device NAME's Ethernet address (02:00:00:00:00:01);\n"
	"                       by default one derived from the appliance, the device\n"
	"                       and its tap or user, the same at every start\n"
	"  --block:NAME=FILE    attach block device NAME to FILE (512-byte blocks)\n"
	"  --help               print this and exit\n"
	"  --                   end of platform options\n"
	"Every device the appliance declares in kiln.conf must be given, and no\n"
	"other. The first argument that is not a platform option, or everything\n"
	"after --, is passed to the appliance as its boot arguments.\n";

static const char *type_word(enum kiln_device_type t)
{
	return t == KILN_DEVICE_NET ? "net" : "block";
}

static const char *type_value(enum kiln_device_type t)
{
	return t == KILN_DEVICE_NET ? "TAPDEV|user" : "FILE";
}

static bool name_is(const struct unix_option_dev *o, const char *name)
{
	return strlen(name) == o->name_len && memcmp(o->name, name, o->name_len) == 0;
}

/* --port-forward, --pcap, --net-impair, --net-no-offload, --net-mac: kept as given (net_attach.c checks
 * the values). Returns 1 if arg is one of them, 0 if not, -1 on an error. */
static int parse_net_option(const char *arg, struct unix_options *opts, char *err,
			    size_t errlen)
{
	const char **one = NULL;
	const char *value;

	if (strncmp(arg, "--net-mac:", 10) == 0) {
		const char *name = arg + 10, *eq = strchr(name, '=');
		if (eq == NULL || eq == name || eq[1] == '\0') {
			snprintf(err, errlen, "%s: expected --net-mac:NAME=MAC", arg);
			return -1;
		}
		for (unsigned j = 0; j < opts->nmac; j++)
			if (opts->mac[j].name_len == (size_t)(eq - name) &&
			    memcmp(opts->mac[j].name, name, (size_t)(eq - name)) == 0) {
				snprintf(err, errlen, "%s: given twice", arg);
				return -1;
			}
		if (opts->nmac == UNIX_MAX_HANDLE) {
			snprintf(err, errlen, "%s: more than %d --net-mac options", arg,
				 UNIX_MAX_HANDLE);
			return -1;
		}
		opts->mac[opts->nmac++] = (struct unix_option_dev){
			.type = KILN_DEVICE_NET, .name = name, .name_len = (size_t)(eq - name),
			.value = eq + 1};
		return 1;
	}
	if (strcmp(arg, "--net-no-offload") == 0) {
		opts->no_offload = true;
		return 1;
	}
	if (strncmp(arg, "--port-forward=", 15) == 0) {
		value = arg + 15;
		if (opts->nforward == UNIX_MAX_FORWARDS) {
			snprintf(err, errlen, "%s: at most %d port forwards", arg,
				 UNIX_MAX_FORWARDS);
			return -1;
		}
		opts->forward[opts->nforward++] = value;
	} else if (strncmp(arg, "--pcap=", 7) == 0) {
		value = arg + 7;
		one = &opts->pcap;
	} else if (strncmp(arg, "--net-impair=", 13) == 0) {
		value = arg + 13;
		one = &opts->impair;
	} else if (strcmp(arg, "--port-forward") == 0 || strcmp(arg, "--pcap") == 0 ||
		   strcmp(arg, "--net-impair") == 0) {
		snprintf(err, errlen, "%s: give its value after '=' (%s=VALUE)", arg, arg);
		return -1;
	} else
		return 0;
	if (value[0] == '\0') {
		snprintf(err, errlen, "%s: empty value", arg);
		return -1;
	}
	if (one) {
		if (*one) {
			snprintf(err, errlen, "%s: given twice", arg);
			return -1;
		}
		*one = value;
	}
	return 1;
}

/* The network options need a net device, and forwards a user-mode one. */
static int check_net_options(const struct kiln_manifest *m, const struct unix_options *opts,
			     char *err, size_t errlen)
{
	bool has_net = false, has_user = false;
	const char *first = opts->nforward ? "--port-forward" : opts->pcap ? "--pcap"
			    : opts->impair ? "--net-impair" : opts->no_offload ? "--net-no-offload"
			    : NULL;

	for (unsigned k = 0; k < m->count; k++)
		has_net |= m->dev[k].type == KILN_DEVICE_NET;
	for (unsigned j = 0; j < opts->ndev; j++)
		has_user |= opts->dev[j].type == KILN_DEVICE_NET &&
			    strcmp(opts->dev[j].value, "user") == 0;
	if (first && !has_net) {
		snprintf(err, errlen, "%s: the appliance declares no net device", first);
		return -1;
	}
	for (unsigned j = 0; j < opts->nmac; j++) {
		unsigned k;
		for (k = 0; k < m->count; k++)
			if (m->dev[k].type == KILN_DEVICE_NET && name_is(&opts->mac[j], m->dev[k].name))
				break;
		if (k == m->count) {
			snprintf(err, errlen, "--net-mac:%.*s=%s: the appliance declares no net "
				 "device '%.*s'", (int)opts->mac[j].name_len, opts->mac[j].name,
				 opts->mac[j].value, (int)opts->mac[j].name_len, opts->mac[j].name);
			return -1;
		}
	}
	if (opts->nforward && !has_user) {
		snprintf(err, errlen, "--port-forward=%s: forwards go to user-mode networking; "
			 "give a net device as --net:NAME=user", opts->forward[0]);
		return -1;
	}
	return 0;
}

/* Writes the declared devices ("service (net), disk (block)") into buf. */
static void list_declared(const struct kiln_manifest *m, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (m->count == 0) {
		snprintf(buf, len, "it declares none");
		return;
	}
	used += (size_t)snprintf(buf, len, "declared:");
	for (unsigned i = 0; i < m->count && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s %s (%s)", i ? "," : "",
					 m->dev[i].name, type_word(m->dev[i].type));
}

static int parse_device(const char *arg, enum kiln_device_type t, const char *opt,
			struct unix_option_dev *out, char *err, size_t errlen)
{
	const char *name = arg + strlen(opt);
	const char *eq = strchr(name, '=');

	if (eq == NULL || eq == name) {
		snprintf(err, errlen, "%s: expected %sNAME=%s", arg, opt, type_value(t));
		return -1;
	}
	out->type = t;
	out->name = name;
	out->name_len = (size_t)(eq - name);
	out->value = eq + 1;
	return 0;
}


int unix_options_parse(int argc, char **argv, const struct kiln_manifest *m,
		       struct unix_options *opts, char *err, size_t errlen)
{
	int i;

	memset(opts, 0, sizeof *opts);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		enum kiln_device_type t;
		const char *opt;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			opts->help = true;
			continue;
		}
		int r = parse_net_option(a, opts, err, errlen);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (strncmp(a, "--net:", 6) == 0)
			t = KILN_DEVICE_NET, opt = "--net:";
		else if (strncmp(a, "--block:", 8) == 0)
			t = KILN_DEVICE_BLOCK, opt = "--block:";
		else
			break; /* the first boot argument */
		if (opts->ndev >= UNIX_MAX_HANDLE) {
			snprintf(err, errlen, "%s: more than %d devices given", a, UNIX_MAX_HANDLE);
			return -1;
		}
		struct unix_option_dev *o = &opts->dev[opts->ndev];
		if (parse_device(a, t, opt, o, err, errlen) < 0)
			return -1;
		for (unsigned j = 0; j < opts->ndev; j++)
			if (opts->dev[j].name_len == o->name_len &&
			    memcmp(opts->dev[j].name, o->name, o->name_len) == 0) {
				snprintf(err, errlen, "%s: device '%.*s' is given twice", a,
					 (int)o->name_len, o->name);
				return -1;
			}
		unsigned k;
		for (k = 0; k < m->count; k++)
			if (name_is(o, m->dev[k].name))
				break;
		if (k == m->count) {
			char decl[512];
			list_declared(m, decl, sizeof decl);
			snprintf(err, errlen, "%s: the appliance declares no device '%.*s' (%s)",
				 a, (int)o->name_len, o->name, decl);
			return -1;
		}
		if (m->dev[k].type != t) {
			snprintf(err, errlen, "%s: '%s' is a %s device: give --%s:%s=%s", a,
				 m->dev[k].name, type_word(m->dev[k].type),
				 type_word(m->dev[k].type), m->dev[k].name,
				 type_value(m->dev[k].type));
			return -1;
		}
		opts->ndev++;
	}
	opts->first_arg = i;
	if (opts->help)
		return 0;
	for (unsigned k = 0; k < m->count; k++) {
		unsigned j;
		for (j = 0; j < opts->ndev; j++)
			if (name_is(&opts->dev[j], m->dev[k].name))
				break;
		if (j == opts->ndev) {
			snprintf(err, errlen, "%s device '%s' is declared in kiln.conf but not "
				 "given: add --%s:%s=%s", type_word(m->dev[k].type),
				 m->dev[k].name, type_word(m->dev[k].type), m->dev[k].name,
				 type_value(m->dev[k].type));
			return -1;
		}
	}
	return check_net_options(m, opts, err, errlen);
}
