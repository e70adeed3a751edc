/* options.c: the unix appliance's own command-line options, checked against
 * its manifest (docs/config.md, "Running a unix appliance"). */
#include <stdio.h>
#include <string.h>

#include "unix.h"

const char unix_options_help[] =
	"Platform options (the unix target):\n"
	"  --net:NAME=TAPDEV    attach net device NAME to the tap interface TAPDEV\n"
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
	return t == KILN_DEVICE_NET ? "TAPDEV" : "FILE";
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

static bool name_is(const struct unix_option_dev *o, const char *name)
{
	return strlen(name) == o->name_len && memcmp(o->name, name, o->name_len) == 0;
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
	return 0;
}
