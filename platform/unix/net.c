/* net.c: the net device calls of platform.h on the unix target; reads and
 * writes go to the device's hostnet backend through unix_net (unix.h). */
#include "unix.h"

#define ETH_HEADER 14

const struct unix_net_backend *unix_net;

enum kiln_result kiln_net_acquire(const char *name, kiln_handle_t *handle,
				  struct kiln_net_info *info)
{
	struct unix_device *d = unix_device_find(name, KILN_DEVICE_NET);

	if (d == NULL || handle == NULL)
		return KILN_EINVAL;
	*handle = (kiln_handle_t)(d - unix_devices);
	if (info)
		*info = d->net_info;
	return KILN_OK;
}

enum kiln_result kiln_net_write(kiln_handle_t handle, const uint8_t *buf, size_t size)
{
	struct unix_device *d = unix_device_get(handle, KILN_DEVICE_NET);

	/* Frames shorter than an Ethernet header carry nothing a wire could. */
	if (d == NULL || buf == NULL || size < ETH_HEADER || size > d->net_info.mtu + ETH_HEADER)
		return KILN_EINVAL;
	return unix_net->write(d, buf, size);
}

enum kiln_result kiln_net_write_offload(kiln_handle_t handle, const struct kiln_net_offload *o,
					const uint8_t *buf, size_t size)
{
	struct unix_device *d = unix_device_get(handle, KILN_DEVICE_NET);
	size_t max;

	if (d == NULL || buf == NULL || o == NULL || size < ETH_HEADER)
		return KILN_EINVAL;
	if (!o->csum_start && !o->seg_size)
		return kiln_net_write(handle, buf, size);
	max = o->seg_size ? KILN_NET_TSO_MAX_FRAME : d->net_info.mtu + ETH_HEADER;
	if (size > max || (o->seg_size && !(d->net_info.offloads & KILN_NET_OFFLOAD_TSO4)) ||
	    !(d->net_info.offloads & KILN_NET_OFFLOAD_CSUM))
		return KILN_EINVAL;
	return unix_net->write_offload(d, o, buf, size);
}

enum kiln_result kiln_net_read(kiln_handle_t handle, uint8_t *buf, size_t size,
			       size_t *read_size)
{
	struct unix_device *d = unix_device_get(handle, KILN_DEVICE_NET);

	if (d == NULL || buf == NULL || read_size == NULL)
		return KILN_EINVAL;
	return unix_net->read(d, buf, size, read_size, NULL);
}

enum kiln_result kiln_net_read_offload(kiln_handle_t handle, uint8_t *buf, size_t size,
				       size_t *read_size, unsigned *rx_flags)
{
	struct unix_device *d = unix_device_get(handle, KILN_DEVICE_NET);

	if (d == NULL || buf == NULL || read_size == NULL || rx_flags == NULL)
		return KILN_EINVAL;
	*rx_flags = 0;
	return unix_net->read(d, buf, size, read_size, rx_flags);
}
