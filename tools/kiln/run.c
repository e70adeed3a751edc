/* run.c: `kiln build` and `kiln run`: their options, the choice of target,
 * and the command line that starts an appliance (docs/kiln-tool.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln.h"

/* Device options passed through to the appliance or the tender: a --net:
 * or --block: per device, and a --net-mac: per net device. */
#define RUN_MAX_DEVICE_ARGS (2 * KILN_CONF_MAX_DEVICES)

static const char build_usage[] =
	"usage: kiln build [-t unix|hvt] [--sanitize] [DIR]\n"
	"Builds the appliance in DIR (default: .) from DIR/kiln.conf, linking only the\n"
	"libraries it reaches. The last line printed (on stdout) is the image's path:\n"
	"DIR/_build/TARGET/NAME.TARGET. Progress goes to stderr.\n"
	"\n"
	"  -t, --target unix|hvt   unix: a Linux process (the default for build);\n"
	"                          hvt: a KVM guest image for the tender\n"
	"  --sanitize              unix only: build under ASan and UBSan, into\n"
	"                          DIR/_build/unix-asan (also: KILN_SANITIZE=1)\n";

static const char run_usage[] =
	"usage: kiln run [-t unix|hvt] [--sanitize] [--dry-run] [--gdb] [DEVICES] [NETWORK] [DIR]\n"
	"                [-- ARGS...]\n"
	"Builds the appliance in DIR (default: .), then starts it with boot arguments\n"
	"ARGS. The exit status is the appliance's.\n"
	"\n"
	"  -t, --target unix|hvt   without it: hvt where /dev/kvm can be opened\n"
	"                          read-write and build/bin/tender exists, else unix\n"
	"                          (one line on stderr says which and why)\n"
	"  --dry-run               build, then print the command that would start the\n"
	"                          appliance as the last line, and do not run it\n"
	"  --sanitize              unix only: run the ASan+UBSan build\n"
	"  --gdb                   unix: run the appliance under gdb (gdb --args);\n"
	"                          hvt: the tender waits for gdb on 127.0.0.1:1234\n"
	"  --net:NAME=TAPDEV       attach net device NAME to tap device TAPDEV\n"
	"  --net:NAME=user         attach it to user-mode networking (libslirp): no root,\n"
	"                          no tap; the default for every net device not given\n"
	"  --block:NAME=FILE       attach block device NAME to FILE\n"
	"  --port-forward=[udp:|tcp:]HOSTPORT:GUESTPORT\n"
	"                          127.0.0.1:HOSTPORT reaches the appliance's GUESTPORT\n"
	"                          through user-mode networking; repeatable; replaces\n"
	"                          the 'forward' lines of kiln.conf\n"
	"  --pcap=FILE             capture every frame of every net device (pcap)\n"
	"  --net-impair=loss:P,reorder:P,dup:P,seed:N\n"
	"                          seeded faults on every net device\n"
	"  --net-mac:NAME=MAC      net device NAME's Ethernet address (default: derived\n"
	"                          from the appliance, the device and its backend)\n"
	"Every block device declared in kiln.conf must be given; a net device not given\n"
	"gets user-mode networking, and one line on stderr says where it is reachable.\n";

struct run_opts {
	const char *dir;
	bool target_given;
	enum kiln_target target;
	bool sanitize, dry_run, gdb;
	char *dev_args[RUN_MAX_DEVICE_ARGS];
	unsigned ndev;
	char **boot_args; /* after "--" */
	int nboot;
	char *forward[KILN_MAX_FORWARDS]; /* --port-forward=..., checked */
	unsigned nforward;
	char *pcap, *impair; /* passed through as given */
};

static int parse_target(const char *v, enum kiln_target *t)
{
	if (strcmp(v, "unix") == 0)
		*t = TARGET_UNIX;
	else if (strcmp(v, "hvt") == 0)
		*t = TARGET_HVT;
	else {
		kiln_error("unknown target '%s' (targets: unix, hvt)", v);
		return -1;
	}
	return 0;
}

/* Parses argv[1..] of build (is_run false) or run. Returns -1 on a usage
 * error (printed), 1 for --help (printed), 0 otherwise. */
static int parse_opts(int argc, char **argv, bool is_run, struct run_opts *o)
{
	const char *usage = is_run ? run_usage : build_usage;
	const char *env = getenv("KILN_SANITIZE");

	memset(o, 0, sizeof *o);
	o->sanitize = env && strcmp(env, "1") == 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		} else if (strcmp(a, "-t") == 0 || strcmp(a, "--target") == 0) {
			if (++i == argc) {
				kiln_error("%s needs a target (unix or hvt)", a);
				return -1;
			}
			if (parse_target(argv[i], &o->target) < 0)
				return -1;
			o->target_given = true;
		} else if (strncmp(a, "--target=", 9) == 0 || strncmp(a, "-t", 2) == 0) {
			if (parse_target(a + (a[1] == 't' ? 2 : 9), &o->target) < 0)
				return -1;
			o->target_given = true;
		} else if (strcmp(a, "--sanitize") == 0) {
			o->sanitize = true;
		} else if (is_run && strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else if (is_run && strcmp(a, "--gdb") == 0) {
			o->gdb = true;
		} else if (is_run && (strncmp(a, "--net:", 6) == 0 || strncmp(a, "--block:", 8) == 0)) {
			if (strchr(a, '=') == NULL) {
				kiln_error("%s: expected %sNAME=VALUE", a,
					   a[2] == 'n' ? "--net:" : "--block:");
				return -1;
			}
			if (o->ndev == RUN_MAX_DEVICE_ARGS) {
				kiln_error("more than %d devices", RUN_MAX_DEVICE_ARGS);
				return -1;
			}
			o->dev_args[o->ndev++] = argv[i];
		} else if (is_run && strncmp(a, "--net-mac:", 10) == 0) {
			if (strchr(a, '=') == NULL) {
				kiln_error("%s: expected --net-mac:NAME=MAC", a);
				return -1;
			}
			if (o->ndev == RUN_MAX_DEVICE_ARGS) {
				kiln_error("more than %d device options", RUN_MAX_DEVICE_ARGS);
				return -1;
			}
			o->dev_args[o->ndev++] = argv[i]; /* passed through */
		} else if (is_run && strncmp(a, "--port-forward=", 15) == 0) {
			struct conf_forward f;
			char why[128];
			if (conf_parse_forward(a + 15, &f, why, sizeof why) < 0) {
				kiln_error("%s: %s", a, why);
				return -1;
			}
			if (o->nforward == KILN_MAX_FORWARDS) {
				kiln_error("more than %d --port-forward options", KILN_MAX_FORWARDS);
				return -1;
			}
			o->forward[o->nforward++] = argv[i];
		} else if (is_run && (strncmp(a, "--pcap=", 7) == 0 ||
				      strncmp(a, "--net-impair=", 13) == 0)) {
			char **slot = a[2] == 'p' ? &o->pcap : &o->impair;
			if (*slot) {
				kiln_error("%.*s given twice", (int)(strchr(a, '=') - a), a);
				return -1;
			}
			if (strchr(a, '=')[1] == '\0') {
				kiln_error("%s: empty value", a);
				return -1;
			}
			*slot = argv[i];
		} else if (is_run && strcmp(a, "--") == 0) {
			o->boot_args = argv + i + 1;
			o->nboot = argc - i - 1;
			break;
		} else if (a[0] == '-') {
			kiln_error("unknown option '%s' (see kiln %s --help)", a,
				   is_run ? "run" : "build");
			return -1;
		} else if (o->dir) {
			kiln_error("more than one directory ('%s', '%s')%s", o->dir, a,
				   is_run ? "; boot arguments go after --" : "");
			return -1;
		} else
			o->dir = a;
	}
	if (o->dir == NULL)
		o->dir = ".";
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct run_opts o;
	static struct build_result res;
	int r = parse_opts(argc, argv, false, &o);

	if (r != 0)
		return r < 0 ? 2 : 0;
	struct build_req req = {.dir = o.dir, .target = o.target, .sanitize = o.sanitize};
	if (!o.target_given)
		fprintf(stderr, "kiln: target unix (the default for build; -t hvt for a KVM image)\n");
	if (kiln_build(&req, &res) != 0)
		return 1;
	printf("%s\n", res.image);
	return 0;
}

/* hvt is usable here if /dev/kvm opens read-write and the tender is built. */
static bool hvt_usable(const char *root, char *why, size_t len)
{
	char tender[PATH_MAX];
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, len, "/dev/kvm cannot be opened read-write: %s", strerror(errno));
		return false;
	}
	close(fd);
	path_join(tender, sizeof tender, root, "build/bin/tender");
	if (access(tender, X_OK) < 0) {
		snprintf(why, len, "/dev/kvm is usable but %s is not built (make tools)", tender);
		return false;
	}
	snprintf(why, len, "/dev/kvm is usable and the tender is built");
	return true;
}

/* True if the --net: or --block: option arg names device name. */
static bool names_device(const char *arg, const char *name)
{
	const char *p = arg + (arg[2] == 'n' ? 6 : 8);
	size_t len = strlen(name);
	return strncmp(p, name, len) == 0 && p[len] == '=';
}

/* Appends to cmd the network options: --net:NAME=user for every declared
 * net device not given (user-mode networking needs no root and no tap),
 * the port forwards (--port-forward options, else kiln.conf's), --pcap and
 * --net-impair; and, with no forward, says how to add one (the program
 * that binds the forwards says where they are reachable).
 * -1 (printed) for a forward with no user-mode device to go to. */
static int net_options(struct run_opts *o, const struct kiln_conf *c, char **cmd, int *n)
{
	static char user_args[KILN_CONF_MAX_DEVICES][KILN_NAME_MAX + 16];
	static char conf_fwd[KILN_MAX_FORWARDS][KILN_FORWARD_MAX + 16];
	const char *first_user = NULL;

	for (unsigned i = 0; i < c->ndev; i++) {
		const struct conf_dev *d = &c->dev[i];
		bool given = false, user = false;
		if (d->type != CONF_NET)
			continue;
		for (unsigned j = 0; j < o->ndev; j++)
			if (strncmp(o->dev_args[j], "--net:", 6) == 0 &&
			    names_device(o->dev_args[j], d->name)) {
				given = true;
				user = strcmp(strchr(o->dev_args[j], '=') + 1, "user") == 0;
			}
		if (!given) {
			snprintf(user_args[i], sizeof user_args[i], "--net:%s=user", d->name);
			cmd[(*n)++] = user_args[i];
			user = true;
		}
		if (user && !first_user)
			first_user = d->name;
	}
	/* Forwards: the command line's replace kiln.conf's. */
	unsigned nfwd = o->nforward;
	char **fwd = o->forward;
	if (nfwd == 0 && first_user) {
		for (unsigned i = 0; i < c->nforward; i++) {
			snprintf(conf_fwd[i], sizeof conf_fwd[i], "--port-forward=%s",
				 c->forward[i].spec);
			o->forward[i] = conf_fwd[i];
		}
		nfwd = c->nforward;
	}
	bool has_net = false;
	for (unsigned i = 0; i < c->ndev; i++)
		has_net |= c->dev[i].type == CONF_NET;
	if (nfwd && !first_user) {
		kiln_error("%s: %s", fwd[0], has_net ? "forwards go to user-mode networking, "
			   "and every net device is given a tap" : "the appliance declares no "
			   "net device");
		return -1;
	}
	for (unsigned i = 0; i < nfwd; i++)
		cmd[(*n)++] = fwd[i];
	if (o->pcap)
		cmd[(*n)++] = o->pcap;
	if (o->impair)
		cmd[(*n)++] = o->impair;
	if (!first_user)
		return 0;
	/* Where the forwards are reachable is said by the process that binds
	 * them (hostnet: the unix program or the tender), once it has. */
	if (!nfwd)
		fprintf(stderr, "kiln: %s: net device '%s' uses user-mode networking (10.0.2.15 "
			"behind a NAT; no root needed); no port is forwarded: add 'forward = "
			"HOSTPORT:GUESTPORT' to kiln.conf or --port-forward=HOSTPORT:GUESTPORT\n",
			c->name, first_user);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	static struct build_result res;
	static char line[1 << 16];
	char err[KILN_ERR_MAX], why[PATH_MAX + 128], tender[PATH_MAX], mem[32];
	struct run_opts o;
	int r = parse_opts(argc, argv, true, &o);

	if (r != 0)
		return r < 0 ? 2 : 0;
	/* The tender joins them into one 8 KiB command line anyway. */
	if (o.nboot > 8192 - 1) {
		kiln_error("more than 8191 boot arguments");
		return 2;
	}
	if (!o.target_given) {
		if (kiln_find_root(res.root, sizeof res.root, err, sizeof err) < 0) {
			kiln_error("%s", err);
			return 1;
		}
		if (o.sanitize)
			snprintf(why, sizeof why, "--sanitize builds are for the unix target");
		o.target = !o.sanitize && hvt_usable(res.root, why, sizeof why) ? TARGET_HVT
									      : TARGET_UNIX;
		fprintf(stderr, "kiln: target %s (%s)\n", target_name(o.target), why);
	} else if (o.target == TARGET_HVT) {
		if (kiln_find_root(res.root, sizeof res.root, err, sizeof err) < 0) {
			kiln_error("%s", err);
			return 1;
		}
		path_join(tender, sizeof tender, res.root, "build/bin/tender");
		if (access(tender, X_OK) < 0) {
			kiln_error("%s is not built: run 'make tools' in the kiln tree", tender);
			return 1;
		}
	}
	struct build_req req = {.dir = o.dir, .target = o.target, .sanitize = o.sanitize};
	if (kiln_build(&req, &res) != 0)
		return 1;

	/* The command: the image itself on unix, the tender on hvt. */
	static char *cmd[6 + 2 * RUN_MAX_DEVICE_ARGS + KILN_MAX_FORWARDS + 2 + 8192];
	int n = 0;
	if (o.gdb && o.target == TARGET_UNIX) { /* gdb runs the image with its arguments */
		cmd[n++] = "gdb";
		cmd[n++] = "--args";
	}
	if (o.target == TARGET_HVT) {
		path_join(tender, sizeof tender, res.root, "build/bin/tender");
		snprintf(mem, sizeof mem, "--mem=%u", res.conf.mem_mib);
		cmd[n++] = tender;
		cmd[n++] = mem;
		if (o.gdb) /* the tender says the command to attach */
			cmd[n++] = "--gdb";
	} else
		cmd[n++] = res.image;
	for (unsigned i = 0; i < o.ndev; i++)
		cmd[n++] = o.dev_args[i];
	if (net_options(&o, &res.conf, cmd, &n) < 0)
		return 2;
	if (o.target == TARGET_HVT) {
		cmd[n++] = "--";
		cmd[n++] = res.image;
	} else if (o.nboot > 0)
		cmd[n++] = "--"; /* so boot arguments are never taken for options */
	for (int i = 0; i < o.nboot; i++)
		cmd[n++] = o.boot_args[i];
	cmd[n] = NULL;

	if (o.dry_run) {
		shell_join(cmd, line, sizeof line);
		printf("%s\n", line);
		return 0;
	}
	fflush(stdout);
	fflush(stderr);
	/* exec, not fork: the appliance's exit status and signals are ours. */
	if (o.gdb && o.target == TARGET_UNIX)
		execvp(cmd[0], cmd);
	else
		execv(cmd[0], cmd);
	if (o.gdb && errno == ENOENT) {
		kiln_error("--gdb: gdb is not installed (Debian: apt-get install gdb)");
		return 127;
	}
	kiln_error("cannot run %s: %s", cmd[0], strerror(errno));
	return 127;
}
