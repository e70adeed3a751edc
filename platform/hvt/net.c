/* net.c: network devices (include/kiln/platform.h) over the NET_READ/NET_WRITE
 * hypercalls. Its own archive member: an appliance that never calls these
 * does not link them (the hello image holds no network code). */
#include <string.h>

#include <kiln/platform.h>

#include "hvt.h"

#define ETH_HEADER 14

enum kiln_result kiln_net_acquire(const char *name, kiln_handle_t *handle,
				  struct kiln_net_info *info)
{
	int h = hvt_device_find(name, MFT_DEV_NET_BASIC);
	const struct mft_entry *e;

	if (h < 0)
		return KILN_EINVAL;
	e = hvt_device((uint64_t)h, MFT_DEV_NET_BASIC);
	*handle = (kiln_handle_t)h;
	if (info != NULL) {
		memcpy(info->mac_address, e->u.net_basic.mac, sizeof(info->mac_address));
		info->mtu = e->u.net_basic.mtu;
		info->offloads = 0; /* the Solo5 ABI has none */
	}
	return KILN_OK;
}

enum kiln_result kiln_net_write(kiln_handle_t handle, const uint8_t *buf, size_t size)
{
	const struct mft_entry *e = hvt_device(handle, MFT_DEV_NET_BASIC);
	struct hvt_hc_net_io io = {0};

	if (e == NULL || size > (size_t)e->u.net_basic.mtu + ETH_HEADER)
		return KILN_EINVAL;
	io.handle = handle;
	io.data = (uint64_t)(uintptr_t)buf;
	io.len = size;
	io.ret = HVT_EUNSPEC;
	hvt_hypercall(HVT_HYPERCALL_NET_WRITE, &io);
	return hvt_result(io.ret);
}

enum kiln_result kiln_net_write_offload(kiln_handle_t handle, const struct kiln_net_offload *o,
					const uint8_t *buf, size_t size)
{
	/* No offloads offered: only a request for none is valid. */
	if (o == NULL || o->csum_start || o->seg_size)
		return KILN_EINVAL;
	return kiln_net_write(handle, buf, size);
}

enum kiln_result kiln_net_read_offload(kiln_handle_t handle, uint8_t *buf, size_t size,
				       size_t *read_size, unsigned *rx_flags)
{
	if (rx_flags == NULL)
		return KILN_EINVAL;
	*rx_flags = 0;
	return kiln_net_read(handle, buf, size, read_size);
}

enum kiln_result kiln_net_read(kiln_handle_t handle, uint8_t *buf, size_t size,
			       size_t *read_size)
{
	const struct mft_entry *e = hvt_device(handle, MFT_DEV_NET_BASIC);
	struct hvt_hc_net_io io = {0};

	if (e == NULL)
		return KILN_EINVAL;
	io.handle = handle;
	io.data = (uint64_t)(uintptr_t)buf;
	io.len = size;
	io.ret = HVT_EUNSPEC;
	hvt_hypercall(HVT_HYPERCALL_NET_READ, &io);
	if (io.ret == HVT_OK) {
		if (io.len > size)
			return KILN_EUNSPEC; /* a monitor that overran: never trust it further */
		*read_size = io.len;
	}
	return hvt_result(io.ret);
}
