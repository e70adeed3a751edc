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
	"usage: kiln build [-t unix|hvt] [--sanitize] [--release] [DIR]\n"
	"Builds the appliance in DIR (default: .) from DIR/kiln.conf, linking only the\n"
	"libraries it reaches. The last line printed (on stdout) is the image's path:\n"
	"DIR/_build/TARGET/NAME.TARGET. Progress goes to stderr.\n"
	"\n"
	"  -t, --target unix|hvt   unix: a Linux process (the default for build);\n"
	"                          hvt: a KVM guest image for the tender\n"
	"  --sanitize              unix only: build under ASan and UBSan, into\n"
	"                          DIR/_build/unix-asan (also: KILN_SANITIZE=1)\n"
	"  --release               compile the application at -O2 (default: -Og, the\n"
	"                          development build, quicker to compile and debug)\n"
	"A build with nothing changed since the last one runs no compiler and no make.\n";

static const char run_usage[] =
	"usage: kiln run [-t unix|hvt] [--sanitize] [--release] [--dry-run] [--watch] [--gdb]\n"
	"                [DEVICES] [NETWORK] [DIR] [-- ARGS...]\n"
	"Builds the appliance in DIR (default: .), then starts it with boot arguments\n"
	"ARGS. The exit status is the appliance's.\n"
	"\n"
	"  -t, --target unix|hvt   without it: hvt where /dev/kvm can be opened\n"
	"                          read-write and build/bin/tender exists, else unix\n"
	"                          (one line on stderr says which and why)\n"
	"  --dry-run               build, then print the command that would start the\n"
	"                          appliance as the last line, and do not run it\n"
	"  --watch                 rebuild and restart the appliance whenever a file of\n"
	"                          DIR or kiln.conf is saved; kiln holds the forwarded\n"
	"                          TCP host ports open across restarts (a connection\n"
	"                          made meanwhile waits for the new instance); a build\n"
	"                          error keeps the running instance; Ctrl-C ends all\n"
	"  --sanitize              unix only: run the ASan+UBSan build\n"
	"  --release               compile the application at -O2 (default: -Og)\n"
	"  --gdb                   unix: run the appliance under gdb (gdb --args);\n"
	"                          hvt: the tender waits for gdb on 127.0.0.1:1234\n"
	"  --net:NAME=TAPDEV       attach net device NAME to tap device TAPDEV\n"
	"  --net:NAME=user         attach it to user-mode networking (libslirp): no root,\n"
	"                          no tap; the default for every net device not given\n"
	"  --block:NAME=FILE       attach block device NAME to FILE\n"
	"  --port-forward=[udp:|tcp:]HOSTPORT:GUESTPORT\n"
	"                          127.0.0.1:HOSTPORT reaches the appliance's GUESTPORT\n"
	"                          through user-mode networking; repeatable; replaces\n"
	"                          the 'forward' line of kiln.conf for that guest port\n"
	"                          (and protocol), the others stay\n"
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
	bool sanitize, dry_run, release, watch, gdb;
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
		} else if (strcmp(a, "--release") == 0) {
			o->release = true;
		} else if (is_run && strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else if (is_run && strcmp(a, "--watch") == 0) {
			o->watch = true;
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
	struct build_req req = {.dir = o.dir, .target = o.target, .sanitize = o.sanitize,
				 .release = o.release};
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

/* --port-forward options merged with kiln.conf's forward lines: each
 * option replaces the lines for its guest port and protocols (a line that
 * keeps a protocol the option does not take stays for that protocol), and
 * the other lines stay. Without an option, o is left as it is. */
static int merge_forwards(struct run_opts *o, const struct kiln_conf *c)
{
	static char merged[2 * KILN_MAX_FORWARDS][KILN_FORWARD_MAX + 24];
	char *opt[KILN_MAX_FORWARDS];
	unsigned nopt = o->nforward, n = 0;
	char why[128];

	if (nopt == 0)
		return 0;
	memcpy(opt, o->forward, nopt * sizeof opt[0]);
	for (unsigned i = 0; i < c->nforward; i++) {
		const struct conf_forward *cf = &c->forward[i];
		bool udp = cf->udp, tcp = cf->tcp;
		for (unsigned j = 0; j < nopt; j++) {
			struct conf_forward f;
			conf_parse_forward(strchr(opt[j], '=') + 1, &f, why, sizeof why);
			if (f.guest_port == cf->guest_port) {
				udp &= !f.udp;
				tcp &= !f.tcp;
			}
		}
		if (!udp && !tcp)
			continue;
		if (n == KILN_MAX_FORWARDS) {
			kiln_error("more than %d port forwards", KILN_MAX_FORWARDS);
			return -1;
		}
		snprintf(merged[n], sizeof merged[n], "--port-forward=%s%u:%u",
			 udp && tcp ? "" : udp ? "udp:" : "tcp:", cf->host_port, cf->guest_port);
		o->forward[n] = merged[n];
		n++;
	}
	for (unsigned j = 0; j < nopt; j++) {
		if (n == KILN_MAX_FORWARDS) {
			kiln_error("more than %d port forwards", KILN_MAX_FORWARDS);
			return -1;
		}
		o->forward[n++] = opt[j];
	}
	o->nforward = n;
	return 0;
}

/* --watch: every TCP forward's host port is held by kiln, and the instance
 * forwards a private port instead (watch.c); UDP forwards go straight to
 * the instance. Rewrites o->forward accordingly. */
static int watch_forwards(struct run_opts *o, const struct kiln_conf *c,
			  struct watch_relay *relays, unsigned *nrelays)
{
	static char spec[2 * KILN_MAX_FORWARDS][KILN_FORWARD_MAX + 24];
	char *in[KILN_MAX_FORWARDS];
	unsigned nin = o->nforward, n = 0;
	char why[KILN_ERR_MAX];

	if (nin == 0)
		for (unsigned i = 0; i < c->nforward && i < KILN_MAX_FORWARDS; i++) {
			snprintf(spec[KILN_MAX_FORWARDS + i], sizeof spec[0], "--port-forward=%s",
				 c->forward[i].spec);
			in[nin++] = spec[KILN_MAX_FORWARDS + i];
		}
	else
		memcpy(in, o->forward, nin * sizeof in[0]);
	*nrelays = 0;
	for (unsigned i = 0; i < nin; i++) {
		struct conf_forward f;
		conf_parse_forward(strchr(in[i], '=') + 1, &f, why, sizeof why);
		if (f.udp && n < KILN_MAX_FORWARDS) {
			snprintf(spec[n], sizeof spec[n], "--port-forward=udp:%u:%u", f.host_port,
				 f.guest_port);
			o->forward[n] = spec[n];
			n++;
		}
		if (!f.tcp)
			continue;
		struct watch_relay *r = &relays[*nrelays];
		if (n == KILN_MAX_FORWARDS || watch_relay_open(r, f.host_port, why, sizeof why) < 0) {
			kiln_error("--watch: %s", n == KILN_MAX_FORWARDS ? "too many forwards" : why);
			return -1;
		}
		(*nrelays)++;
		snprintf(spec[n], sizeof spec[n], "--port-forward=tcp:%u:%u", r->private_port,
			 f.guest_port);
		o->forward[n] = spec[n];
		n++;
	}
	o->nforward = n;
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
	struct build_req req = {.dir = o.dir, .target = o.target, .sanitize = o.sanitize,
				 .release = o.release};
	if (o.watch && (o.dry_run || o.gdb)) {
		kiln_error("--watch and %s exclude each other", o.gdb ? "--gdb" : "--dry-run");
		return 2;
	}
	if (kiln_build(&req, &res) != 0)
		return 1;
	if (merge_forwards(&o, &res.conf) < 0)
		return 2;
	static struct watch_relay relays[KILN_MAX_FORWARDS];
	unsigned nrelays = 0;
	if (o.watch && watch_forwards(&o, &res.conf, relays, &nrelays) < 0)
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
	if (o.watch) {
		char app_dir[PATH_MAX], files_dir[2 * PATH_MAX + 2];
		if (realpath(o.dir, app_dir) == NULL) {
			kiln_error("%s: %s", o.dir, strerror(errno));
			return 1;
		}
		if (res.conf.files[0]) {
			char joined[sizeof files_dir];
			snprintf(joined, sizeof joined, "%s/%s",
				 res.conf.files[0] == '/' ? "" : app_dir, res.conf.files);
			if (strlen(joined) >= PATH_MAX || realpath(joined, files_dir) == NULL)
				snprintf(files_dir, sizeof files_dir, "%s", joined);
		}
		return watch_run(&req, app_dir, res.conf.files[0] ? files_dir : NULL, cmd,
				 res.image, relays, nrelays);
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
