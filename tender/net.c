/* net.c: the tender's net devices on hostnet: options, attach, NET_READ,
 * NET_WRITE and POLL (net.h; docs/tender.md "Net devices"). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

static struct hostnet_options host_opts;
static bool forwards_given_out; /* to the first user-mode device only */

void tender_net_reexec(int argc, char **argv)
{
#ifdef TENDER_NO_SLIRP
	char path[PATH_MAX];
	const char *user = NULL;

	/* Before args.c parses (and splits) the options: the twin gets them
	 * as given. Options end at "--" or the first word not an option. */
	for (int i = 1; i < argc && !user; i++) {
		const char *s = argv[i];
		size_t n = strlen(s);
		if (strcmp(s, "--") == 0 || strncmp(s, "--", 2) != 0)
			break;
		if (strncmp(s, "--net:", 6) == 0 && n > 11 && strcmp(s + n - 5, "=user") == 0)
			user = s;
	}
	if (!user)
		return;
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 16);
	if (n <= 0)
		tender_die("%s: cannot find the tender's own path", user);
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "tender-slirp");
	execv(path, argv);
	tender_die("%s: user-mode networking needs %s: %s (make tools)", user, path,
		   strerror(errno));
#else
	(void)argc;
	(void)argv;
#endif
}

/* The value of --net-mac:NAME=MAC for device name, or NULL. */
static const char *mac_option(const struct tender_args *a, const char *name)
{
	size_t n = strlen(name);
	for (unsigned i = 0; i < a->nmac; i++)
		if (strncmp(a->mac[i], name, n) == 0 && a->mac[i][n] == '=')
			return a->mac[i] + n + 1;
	return NULL;
}

void tender_net_options(const struct tender_args *a, const struct mft *m)
{
	bool image_has_net = false;
	for (unsigned i = 1; i < m->entries; i++)
		image_has_net |= m->e[i].type == MFT_DEV_NET_BASIC;
	for (unsigned j = 0; j < a->nmac; j++) {
		size_t n = (size_t)(strchr(a->mac[j], '=') - a->mac[j]);
		bool found = false;
		for (unsigned k = 0; k < j; k++)
			if (strncmp(a->mac[k], a->mac[j], n + 1) == 0)
				tender_die("--net-mac:%s: device given twice", a->mac[j]);
		for (unsigned i = 1; i < m->entries; i++)
			found |= m->e[i].type == MFT_DEV_NET_BASIC && strlen(m->e[i].name) == n &&
				 strncmp(m->e[i].name, a->mac[j], n) == 0;
		if (!found)
			tender_die("--net-mac:%s: the image declares no net device %.*s", a->mac[j],
				   (int)n, a->mac[j]);
	}

	char err[256];
	bool user = false;
	const char *first = a->nforward ? "--port-forward" : a->pcap ? "--pcap"
			    : a->impair ? "--net-impair" : NULL;

	if (first && !image_has_net)
		tender_die("%s: the image declares no net device", first);
	for (unsigned i = 0; i < a->ndev; i++)
		user |= a->dev[i].kind == TENDER_DEV_NET && strcmp(a->dev[i].path, "user") == 0;
	for (unsigned i = 0; i < a->nforward; i++)
		if (!hostnet_parse_forward(a->forward[i], &host_opts, err, sizeof err))
			tender_die("%s", err);
	if (a->nforward && !user)
		tender_die("--port-forward=%s: forwards go to user-mode networking; give a net "
			   "device as --net:NAME=user", a->forward[0]);
	if (a->impair && !hostnet_parse_impair(a->impair, &host_opts, err, sizeof err))
		tender_die("%s", err);
	if (a->pcap && (host_opts.pcap = hostnet_pcap_open(a->pcap, err, sizeof err)) == NULL)
		tender_die("%s", err);
}

struct hostnet *tender_net_attach(const struct tender_args *a, const char *spec,
				  const char *devname, uint8_t mac[6])
{
	struct hostnet_options opts = host_opts;
	const char *given = mac_option(a, devname);
	char err[400];

	if (given && !hostnet_parse_mac(given, mac))
		tender_die("--net-mac:%s=%s: expected six hex pairs like 02:00:00:00:00:01, not a "
			   "multicast address", devname, given);
	if (!given) {
		const char *image = strrchr(a->image, '/');
		hostnet_default_mac(image ? image + 1 : a->image, devname, spec, mac);
	}

	if (strcmp(spec, "user") == 0) {
		/* Two user-mode devices cannot both listen on one host port. */
		if (forwards_given_out)
			opts.forward_count = 0;
		forwards_given_out = true;
	} else if (strlen(spec) < IFNAMSIZ && if_nametoindex(spec) == 0) {
		/* TUNSETIFF on a name that does not exist would create a new,
		 * unconfigured tap (as root): refuse, the user meant an existing one. */
		tender_die("net device %s: cannot open tap device %s: no such interface", devname,
			   spec);
	}
	/* For the announcement: "www", not "_build/hvt/www.hvt". */
	char app[64];
	const char *base = strrchr(a->image, '/');
	snprintf(app, sizeof app, "%s", base ? base + 1 : a->image);
	char *dot = strrchr(app, '.');
	if (dot && strcmp(dot, ".hvt") == 0)
		*dot = '\0';
	opts.appliance = app;
	opts.device = devname;
	struct hostnet *h = hostnet_open(spec, mac, &opts, err, sizeof err);
	if (!h && strcmp(spec, "user") == 0)
		tender_die("%s", err); /* names the device; no option the user did not type */
	if (!h)
		tender_die("net device %s: %s", devname, err);
	return h;
}

static struct hostnet *net_handle(struct mft *m, uint64_t h)
{
	if (h >= m->entries || m->e[h].type != MFT_DEV_NET_BASIC || !m->e[h].attached)
		return NULL;
	return (struct hostnet *)(uintptr_t)m->e[h].b;
}

void tender_hc_net(struct tender_vm *vm, struct mft *m, struct hvt_hc_net_io *io, bool write)
{
	struct hostnet *n = net_handle(m, io->handle);
	if (!n) {
		io->ret = HVT_EINVAL;
		return;
	}
	void *buf = write ? tender_gpa(&vm->mem, io->data, io->len, "NET_WRITE data")
			  : tender_gpa_w(&vm->mem, io->data, io->len, "NET_READ buffer");
	if (write) {
		/* Up to the device's MTU + 14: a jumbo tap's 9014 too. */
		if (io->len > hostnet_max_frame(n) || io->len < 14) {
			io->ret = HVT_EINVAL;
			return;
		}
		/* hostnet drops what the host cannot take now, as a wire would. */
		io->ret = hostnet_write(n, buf, io->len) == 0 ? HVT_OK : HVT_EUNSPEC;
		return;
	}
	ssize_t r = hostnet_read(n, buf, io->len);
	if (r >= 0) {
		io->len = (uint64_t)r;
		io->ret = HVT_OK;
	} else {
		/* A frame larger than the buffer is dropped (EINVAL), as kiln's
		 * platform.h says; every kiln and Solo5 guest gives MTU + 14. */
		io->ret = r == -EAGAIN || r == -EINTR ? HVT_AGAIN
			  : r == -EMSGSIZE	       ? HVT_EINVAL
						       : HVT_EUNSPEC;
	}
}

/* POLL is hostnet_wait() over the net devices: until one has a frame or the
 * guest's timeout passes. */
void tender_hc_poll(struct mft *m, struct hvt_hc_poll *p)
{
	struct hostnet *nets[MFT_MAX_ENTRIES] = {0}; /* 0 devices: none read */
	unsigned handle[MFT_MAX_ENTRIES];
	unsigned n = 0;

	for (unsigned h = 1; h < m->entries; h++) {
		struct hostnet *d = net_handle(m, h);
		if (d) {
			nets[n] = d;
			handle[n++] = h;
		}
	}
	uint64_t t = p->timeout_nsecs;
	uint64_t mask = hostnet_wait(nets, n, t > (uint64_t)INT64_MAX ? -1 : (int64_t)t);
	uint64_t ready = 0;
	int nready = 0;
	for (unsigned i = 0; i < n; i++)
		if (mask & (1ull << i)) {
			ready |= 1ull << handle[i];
			nready++;
		}
	p->ready_set = ready;
	p->ret = nready;
}

/* What libslirp does while it serves the guest's connections: seen running
 * user-mode traffic under strace -f -c (UDP and TCP to forwarded ports:
 * accept, recvfrom, recvmsg, setsockopt, fcntl, getsockname, close), and
 * from libslirp's source for the paths a kiln guest did not exercise here
 * (its own connections out: socket, connect, send*; ICMP echo through a
 * SOCK_DGRAM ICMP socket; DNS forwarding, which stats and reads
 * /etc/resolv.conf). Its sockets come and go, so these calls cannot be tied
 * to descriptors; they are allowed only when a device is user-mode. No
 * mapping may be executable, no file opened for writing. */
static void allow_slirp(scmp_filter_ctx f)
{
	ALLOW(f, socket, 1, SCMP_A0(SCMP_CMP_EQ, AF_INET));
	ALLOW(f, socket, 1, SCMP_A0(SCMP_CMP_EQ, AF_INET6));
	ALLOW(f, bind, 0);
	ALLOW(f, listen, 0);
	ALLOW(f, accept, 0);
	ALLOW(f, accept4, 0);
	ALLOW(f, connect, 0);
	ALLOW(f, getsockopt, 0);
	ALLOW(f, setsockopt, 0);
	ALLOW(f, getsockname, 0);
	ALLOW(f, getpeername, 0);
	ALLOW(f, shutdown, 0);
	ALLOW(f, sendto, 0);
	ALLOW(f, recvfrom, 0);
	ALLOW(f, sendmsg, 0);
	ALLOW(f, recvmsg, 0);
	ALLOW(f, read, 0);
	ALLOW(f, readv, 0);
	ALLOW(f, write, 0);
	ALLOW(f, writev, 0);
	ALLOW(f, close, 0);
	ALLOW(f, fcntl, 0);
	ALLOW(f, ioctl, 1, SCMP_A1(SCMP_CMP_EQ, FIONREAD));
	ALLOW(f, ioctl, 1, SCMP_A1(SCMP_CMP_EQ, FIONBIO));
	/* GLib's allocator and locks. */
	ALLOW(f, mmap, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	ALLOW(f, munmap, 0);
	ALLOW(f, mremap, 0);
	ALLOW(f, brk, 0);
	ALLOW(f, madvise, 0);
	ALLOW(f, futex, 0);
	ALLOW(f, getrandom, 0);
	ALLOW(f, gettimeofday, 0);
	/* The DNS forwarder (10.0.2.3) re-reads /etc/resolv.conf when it
	 * changes: stat, then fopen for reading. Read-only opens only. */
	ALLOW(f, newfstatat, 0);
	ALLOW(f, fstat, 0);
	ALLOW(f, lseek, 0);
	ALLOW(f, openat, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC, O_RDONLY));
}

void tender_net_seccomp(scmp_filter_ctx f, const struct mft *m)
{
	bool user = false;

	for (unsigned i = 1; i < m->entries; i++) {
		const struct mft_entry *e = &m->e[i];
		if (e->type != MFT_DEV_NET_BASIC || !e->attached)
			continue;
		const struct hostnet *h = (const struct hostnet *)(uintptr_t)e->b;
		int fds[4];
		unsigned k = hostnet_fds(h, fds, 4);
		/* A tap: frames cross it with readv and writev, behind a
		 * virtio-net header (hostnet/tap.c). */
		for (unsigned j = 0; j < k; j++) {
			ALLOW(f, readv, 1, FD_IS(fds[j]));
			ALLOW(f, write, 1, FD_IS(fds[j]));
			ALLOW(f, writev, 1, FD_IS(fds[j]));
		}
		user |= strncmp(hostnet_describe(h), "user-mode", 9) == 0;
	}
	if (host_opts.pcap)
		ALLOW(f, write, 1, FD_IS(fileno(host_opts.pcap)));
	if (user)
		allow_slirp(f);
}
