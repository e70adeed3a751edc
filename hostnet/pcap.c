/* pcap.c: frame capture in the classic pcap format (LINKTYPE_ETHERNET), as
 * tshark, tcpdump and wireshark read it. */
#include "backend.h"

#include <errno.h>
#include <string.h>
#include <time.h>

FILE *hostnet_pcap_open(const char *path, char *err, size_t errlen)
{
	/* magic, version 2.4, GMT offset, accuracy, snaplen, Ethernet */
	const uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
	FILE *f = fopen(path, "wb");

	if (!f) {
		snprintf(err, errlen, "--pcap=%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fwrite(header, sizeof(header), 1, f) != 1 || fflush(f) != 0) {
		snprintf(err, errlen, "--pcap=%s: cannot write: %s", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	return f;
}

void pcap_record(FILE *f, const uint8_t *frame, size_t len)
{
	struct timespec ts;
	uint32_t rec[4];

	clock_gettime(CLOCK_REALTIME, &ts);
	rec[0] = (uint32_t)ts.tv_sec;
	rec[1] = (uint32_t)(ts.tv_nsec / 1000);
	rec[2] = rec[3] = (uint32_t)len;
	fwrite(rec, sizeof(rec), 1, f);
	fwrite(frame, len, 1, f);
	/* One flush per frame: a capture must survive the appliance being
	 * killed, and a write per frame is what capture costs anyway. */
	fflush(f);
}
