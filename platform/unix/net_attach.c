/* net_attach.c: attaches a declared net device to its hostnet backend (a
 * tap, or user-mode networking through libslirp) from --net:NAME=VALUE, and
 * applies --port-forward, --pcap and --net-impair (docs/hostnet.md,
 * docs/config.md "Running a unix appliance"). manifest.h names
 * kiln_unix_net_attach in every KILN_NET entry, so only appliances that
 * declare a net device link this file, hostnet and libslirp. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hostnet.h"
#include "unix.h"

_Static_assert(HOSTNET_OFFLOAD_CSUM == KILN_NET_OFFLOAD_CSUM &&
		       HOSTNET_OFFLOAD_TSO4 == KILN_NET_OFFLOAD_TSO4 &&
		       HOSTNET_OFFLOAD_LRO == KILN_NET_OFFLOAD_LRO &&
		       HOSTNET_TSO_MAX_FRAME == KILN_NET_TSO_MAX_FRAME &&
		       HOSTNET_RX_CSUM_OK == KILN_NET_RX_CSUM_OK,
	       "hostnet's offload bits are platform.h's");

_Static_assert(UNIX_MAX_FORWARDS == HOSTNET_MAX_FORWARDS, "unix.h and hostnet.h agree");

static struct hostnet_options host_opts;
static bool host_opts_ready;
static bool forwards_given_out; /* to the first user-mode device only */

/* The process-wide network options, checked once, on the first attach. */
static int options_once(char *err, size_t errlen)
{
	const struct unix_options *o = unix_opts;

	if (host_opts_ready)
		return 0;
	memset(&host_opts, 0, sizeof host_opts);
	for (unsigned i = 0; o && i < o->nforward; i++)
		if (!hostnet_parse_forward(o->forward[i], &host_opts, err, errlen))
			return -1;
	if (o && o->impair && !hostnet_parse_impair(o->impair, &host_opts, err, errlen))
		return -1;
	if (o && o->pcap && (host_opts.pcap = hostnet_pcap_open(o->pcap, err, errlen)) == NULL)
		return -1;
	host_opts_ready = true;
	return 0;
}

static enum kiln_result host_read(struct unix_device *d, uint8_t *buf, size_t size,
				  size_t *read_size, unsigned *rx_flags)
{
	ssize_t n = rx_flags ? hostnet_read_offload(d->hostnet, buf, size, rx_flags)
			     : hostnet_read(d->hostnet, buf, size);

	if (n >= 0) {
		*read_size = (size_t)n;
		return KILN_OK;
	}
	if (n == -EAGAIN || n == -EINTR)
		return KILN_AGAIN;
	return n == -EMSGSIZE ? KILN_EINVAL /* too large: dropped (platform.h) */
			      : KILN_EUNSPEC;
}

static enum kiln_result host_write(struct unix_device *d, const uint8_t *buf, size_t size)
{
	/* hostnet drops what the host cannot take now, as a wire would. */
	return hostnet_write(d->hostnet, buf, size) == 0 ? KILN_OK : KILN_EUNSPEC;
}

static enum kiln_result host_write_offload(struct unix_device *d,
					   const struct kiln_net_offload *o, const uint8_t *buf,
					   size_t size)
{
	struct hostnet_offload ho = {o->csum_start, o->csum_offset, o->seg_size, o->hdr_len};
	int rc = hostnet_write_offload(d->hostnet, &ho, buf, size);
	return rc == 0 ? KILN_OK : rc == -EINVAL ? KILN_EINVAL : KILN_EUNSPEC;
}

static kiln_handle_set_t host_wait(kiln_time_t deadline)
{
	static struct hostnet *nets[UNIX_MAX_HANDLE];
	static unsigned handle[UNIX_MAX_HANDLE];
	unsigned n = 0;

	for (unsigned h = 1; h <= UNIX_MAX_HANDLE; h++) {
		struct unix_device *d = &unix_devices[h];
		if (d->attached && d->type == KILN_DEVICE_NET && d->hostnet) {
			nets[n] = d->hostnet;
			handle[n++] = h;
		}
	}
	kiln_time_t now = kiln_clock_monotonic();
	kiln_time_t left = deadline > now ? deadline - now : 0;
	uint64_t mask = hostnet_wait(nets, n, left > (kiln_time_t)INT64_MAX ? -1 : (int64_t)left);
	kiln_handle_set_t ready = 0;
	for (unsigned i = 0; i < n; i++)
		if (mask & (1ull << i))
			ready |= (kiln_handle_set_t)1 << handle[i];
	return ready;
}

static const struct unix_net_backend host_backend = {
	.read = host_read,
	.write = host_write,
	.write_offload = host_write_offload,
};

/* --net-mac:NAME=MAC, else the address derived from the appliance, the
 * device and its backend (hostnet_default_mac): the same at every start,
 * so a DHCP server gives a restarted appliance its lease again. */
static int device_mac(const char *name, const char *spec, uint8_t mac[6], char *err,
		      size_t errlen)
{
	const struct unix_options *o = unix_opts;

	for (unsigned j = 0; o && j < o->nmac; j++)
		if (strlen(name) == o->mac[j].name_len &&
		    memcmp(name, o->mac[j].name, o->mac[j].name_len) == 0) {
			if (hostnet_parse_mac(o->mac[j].value, mac))
				return 0;
			snprintf(err, errlen, "--net-mac:%s=%s: expected six hex pairs like "
				 "02:00:00:00:00:01, not a multicast address", name,
				 o->mac[j].value);
			return -1;
		}
	hostnet_default_mac(unix_program, name, spec, mac);
	return 0;
}

int kiln_unix_net_attach(const struct kiln_device *mdev, unsigned handle,
			 const char *value, char *err, size_t errlen)
{
	struct unix_device *d = &unix_devices[handle];
	struct hostnet_options opts;
	char why[400];
	uint8_t mac[6];

	if (options_once(err, errlen) < 0)
		return -1;
	opts = host_opts;
	/* The unix target's stack takes offloads (platform.h). */
	opts.offload = !(unix_opts && unix_opts->no_offload);
	opts.appliance = unix_program;
	opts.device = mdev->name;
	/* Two user-mode devices cannot both listen on one host port. */
	if (strcmp(value, "user") == 0) {
		if (forwards_given_out)
			opts.forward_count = 0;
		forwards_given_out = true;
	}
	if (device_mac(mdev->name, value, mac, err, errlen) < 0)
		return -1;
	d->hostnet = hostnet_open(value, mac, &opts, why, sizeof why);
	if (d->hostnet == NULL) {
		/* user-mode errors name the device themselves; a forward may
		 * come from kiln.conf, not from an option the user typed */
		if (strcmp(value, "user") == 0)
			snprintf(err, errlen, "%s", why);
		else
			snprintf(err, errlen, "--net:%s=%s: %s", mdev->name, value, why);
		return -1;
	}
	d->name = mdev->name;
	d->type = KILN_DEVICE_NET;
	memcpy(d->net_info.mac_address, mac, sizeof mac);
	d->net_info.mtu = hostnet_mtu(d->hostnet);
	/* The same bits by design (hostnet.h). */
	d->net_info.offloads = hostnet_offloads(d->hostnet);
	d->attached = true;
	unix_net = &host_backend;
	unix_wait_devices = host_wait;
	return 0;
}
