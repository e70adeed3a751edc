/* gdb.c: the tender's gdb remote stub (--gdb[=PORT]; docs/tender.md).
 *
 * Before the guest runs, the tender listens on 127.0.0.1:PORT, says the gdb
 * command to attach, and waits for one connection. It then speaks gdb's
 * remote serial protocol: ? g G p m M c s Z0/z0 and Z1/z1 (breakpoints, both
 * kinds in the vcpu's debug registers DR0-DR3 through KVM_SET_GUEST_DEBUG:
 * four at most; this machine's hypervisor cannot run an int3 under KVM's
 * software breakpoints) k D
 * and qSupported; anything else gets the empty reply ("not supported").
 * Guest addresses are the guest's physical ones (hvt identity-maps its
 * memory) and every access is checked against guest memory. When the guest
 * halts, gdb is told its exit status (W). Registers: the 64-bit general
 * ones, rip, eflags and the six segment selectors, in gdb's amd64 order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tender.h"

#define GDB_BUF 4096
#define GDB_MAX_BREAKPOINTS 4 /* DR0-DR3 */
#define GDB_NREGS 24 /* rax..r15 (16), rip, eflags, cs ss ds es fs gs */

int tender_gdb_fd = -1;
static struct tender_vm *gvm;
static struct {
	uint64_t addr;
	bool used;
} bps[GDB_MAX_BREAKPOINTS];

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void send_packet(const char *data)
{
	char buf[GDB_BUF * 2 + 8];
	size_t n = strlen(data);
	unsigned sum = 0;
	if (n > sizeof buf - 5)
		n = sizeof buf - 5;
	buf[0] = '$';
	memcpy(buf + 1, data, n);
	for (size_t i = 0; i < n; i++)
		sum += (uint8_t)data[i];
	snprintf(buf + 1 + n, 4, "#%02x", sum & 0xff);
	size_t len = n + 4, off = 0;
	while (off < len) {
		ssize_t w = write(tender_gdb_fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			tender_die("gdb: the connection is gone");
		off += (size_t)w;
	}
}

static int read_byte(void)
{
	uint8_t c;
	for (;;) {
		ssize_t r = read(tender_gdb_fd, &c, 1);
		if (r == 1)
			return c;
		if (r < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

/* One packet's payload into buf (NUL-terminated), acknowledged; -1 if gdb
 * went away. A ^C (0x03) outside a packet is returned as "\x03". */
static int recv_packet(char *buf, size_t cap)
{
	for (;;) {
		int c;
		do {
			c = read_byte();
			if (c < 0)
				return -1;
			if (c == 3) {
				buf[0] = 3, buf[1] = '\0';
				return 1;
			}
		} while (c != '$');
		size_t n = 0;
		unsigned sum = 0;
		bool overflow = false;
		while ((c = read_byte()) >= 0 && c != '#') {
			if (n + 1 < cap)
				buf[n++] = (char)c;
			else
				overflow = true;
			sum += (unsigned)c;
		}
		int h = c < 0 ? -1 : hexval(read_byte()), l = c < 0 ? -1 : hexval(read_byte());
		if (h < 0 || l < 0)
			return -1;
		buf[n] = '\0';
		if (overflow || (unsigned)(h * 16 + l) != (sum & 0xff)) {
			(void)!write(tender_gdb_fd, "-", 1);
			continue;
		}
		(void)!write(tender_gdb_fd, "+", 1);
		return (int)n;
	}
}

/* Guest memory at [addr, addr+len), or NULL if any of it is outside. */
static uint8_t *guest_range(uint64_t addr, uint64_t len)
{
	if (addr > gvm->mem.size || len > gvm->mem.size - addr)
		return NULL;
	return gvm->mem.base + addr;
}

/* The image's code and read-only data are mapped read-only on the host
 * (W^X, vm.c): gdb may read them, not write them. */
static bool guest_writable(uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < gvm->mem.nro; i++)
		if (len && addr < gvm->mem.ro_end[i] && addr + len > gvm->mem.ro_start[i])
			return false;
	return true;
}

static void put_le(char *out, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++, v >>= 8)
		snprintf(out + 2 * i, 3, "%02x", (unsigned)(v & 0xff));
}

static uint64_t get_le(const char *in, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | (uint64_t)(hexval(in[2 * i]) << 4 | hexval(in[2 * i + 1]));
	return v;
}

/* Register n's value and size in gdb's amd64 numbering. */
static int reg_get(const struct kvm_regs *r, const struct kvm_sregs *s, int n, uint64_t *v)
{
	const uint64_t gp[16] = {r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp,
				 r->r8,  r->r9,  r->r10, r->r11, r->r12, r->r13, r->r14, r->r15};
	const uint16_t seg[6] = {s->cs.selector, s->ss.selector, s->ds.selector,
				 s->es.selector, s->fs.selector, s->gs.selector};
	if (n < 16)
		*v = gp[n];
	else if (n == 16)
		*v = r->rip;
	else if (n == 17)
		*v = r->rflags;
	else if (n < GDB_NREGS)
		*v = seg[n - 18];
	else
		return 0;
	return n <= 16 ? 8 : 4;
}

static void reg_set(struct kvm_regs *r, int n, uint64_t v)
{
	__u64 *gp[16] = {&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp, &r->rsp,
			    &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15};
	if (n < 16)
		*gp[n] = v;
	else if (n == 16)
		r->rip = v;
	else if (n == 17)
		r->rflags = v;
	/* segment selectors: read-only here */
}

static void get_state(struct kvm_regs *r, struct kvm_sregs *s)
{
	if (ioctl(gvm->vcpu_fd, KVM_GET_REGS, r) < 0 || ioctl(gvm->vcpu_fd, KVM_GET_SREGS, s) < 0)
		tender_die("gdb: cannot read the vcpu's registers: %s", strerror(errno));
}

static void set_debug(bool step)
{
	struct kvm_guest_debug d;
	memset(&d, 0, sizeof d);
	d.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP |
		    (step ? KVM_GUESTDBG_SINGLESTEP : 0);
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (bps[i].used) {
			d.arch.debugreg[i] = bps[i].addr;
			d.arch.debugreg[7] |= 1ull << (2 * i); /* Li: execute, 1 byte */
		}
	if (ioctl(gvm->vcpu_fd, KVM_SET_GUEST_DEBUG, &d) < 0)
		tender_die("gdb: KVM_SET_GUEST_DEBUG: %s", strerror(errno));
}

static bool parse_addr_len(const char *p, uint64_t *addr, uint64_t *len, const char **rest)
{
	char *end;
	*addr = strtoull(p, &end, 16);
	if (*end != ',')
		return false;
	*len = strtoull(end + 1, &end, 16);
	*rest = end;
	return true;
}

/* Breakpoints live in the vcpu's debug registers DR0-DR3 (this machine's
 * hypervisor cannot run an int3 under KVM's software breakpoints): four at
 * most, set with the next KVM_SET_GUEST_DEBUG. */
static const char *breakpoint(bool insert, uint64_t addr)
{
	if (!guest_range(addr, 1))
		return "E14";
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (bps[i].used && bps[i].addr == addr) {
			if (!insert)
				bps[i].used = false;
			return "OK";
		}
	if (!insert)
		return "OK";
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (!bps[i].used) {
			bps[i].addr = addr;
			bps[i].used = true;
			return "OK";
		}
	return "E28"; /* ENOSPC: four breakpoints at most */
}

/* Serve gdb's commands until it resumes the guest (c, s, D). */
static void serve(void)
{
	static char in[GDB_BUF], out[GDB_BUF * 2 + 1];
	struct kvm_regs r;
	struct kvm_sregs s;

	for (;;) {
		int n = recv_packet(in, sizeof in);
		if (n < 0)
			tender_die("gdb: the connection is gone");
		const char *reply = out;
		out[0] = '\0';
		switch (in[0]) {
		case '?':
		case 3:
			reply = "S05";
			break;
		case 'g': {
			get_state(&r, &s);
			size_t o = 0;
			for (int i = 0; i < GDB_NREGS; i++) {
				uint64_t v;
				int size = reg_get(&r, &s, i, &v);
				put_le(out + o, v, size);
				o += 2 * (size_t)size;
			}
			break;
		}
		case 'G': {
			get_state(&r, &s);
			const char *p = in + 1;
			for (int i = 0; i < 18 && strlen(p) >= 16; i++) {
				int size = i <= 16 ? 8 : 4;
				reg_set(&r, i, get_le(p, size));
				p += 2 * size;
			}
			reply = ioctl(gvm->vcpu_fd, KVM_SET_REGS, &r) < 0 ? "E05" : "OK";
			break;
		}
		case 'p': {
			uint64_t v;
			get_state(&r, &s);
			int size = reg_get(&r, &s, (int)strtol(in + 1, NULL, 16), &v);
			if (size)
				put_le(out, v, size);
			else
				reply = "E00"; /* a register this stub does not have */
			break;
		}
		case 'm': {
			uint64_t addr, len;
			const char *rest;
			uint8_t *p;
			if (!parse_addr_len(in + 1, &addr, &len, &rest) || len > GDB_BUF ||
			    !(p = guest_range(addr, len))) {
				reply = "E14"; /* EFAULT */
				break;
			}
			for (uint64_t i = 0; i < len; i++)
				snprintf(out + 2 * i, 3, "%02x", p[i]);
			break;
		}
		case 'M': {
			uint64_t addr, len;
			const char *rest;
			uint8_t *p;
			if (!parse_addr_len(in + 1, &addr, &len, &rest) || *rest != ':' ||
			    strlen(rest + 1) != 2 * len || !(p = guest_range(addr, len)) ||
			    !guest_writable(addr, len)) {
				reply = "E14";
				break;
			}
			for (uint64_t i = 0; i < len; i++)
				p[i] = (uint8_t)get_le(rest + 1 + 2 * i, 1);
			reply = "OK";
			break;
		}
		case 'Z':
		case 'z':
			if ((in[1] != '0' && in[1] != '1') || in[2] != ',') {
				reply = ""; /* hardware and watch points: not supported */
				break;
			}
			reply = breakpoint(in[0] == 'Z', strtoull(in + 3, NULL, 16));
			break;
		case 'c':
		case 's':
			set_debug(in[0] == 's');
			return;
		case 'D':
			send_packet("OK");
			memset(bps, 0, sizeof bps);
			set_debug(false);
			close(tender_gdb_fd);
			tender_gdb_fd = -1;
			return;
		case 'k':
			tender_die("gdb: killed by the debugger");
		case 'H':
			reply = "OK";
			break;
		case 'q':
			if (strncmp(in, "qSupported", 10) == 0)
				reply = "PacketSize=1000";
			else if (strcmp(in, "qAttached") == 0)
				reply = "1";
			else
				reply = "";
			break;
		default:
			reply = "";
		}
		send_packet(reply);
	}
}

void tender_gdb_start(struct tender_vm *vm, const struct tender_args *a)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(a->gdb_port)};
	int one = 1;

	gvm = vm;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		tender_die("gdb: socket: %s", strerror(errno));
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0)
		tender_die("--gdb: cannot listen on 127.0.0.1:%u: %s; pick another port with "
			   "--gdb=PORT", a->gdb_port, strerror(errno));
	fprintf(stderr, "tender: waiting for gdb on 127.0.0.1:%u; attach with: gdb -ex 'target "
		"remote 127.0.0.1:%u' %s\n", a->gdb_port, a->gdb_port, a->image);
	tender_gdb_fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (tender_gdb_fd < 0)
		tender_die("gdb: accept: %s", strerror(errno));
	close(l);
	setsockopt(tender_gdb_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	set_debug(false);
	serve(); /* the guest stands at its entry point until gdb resumes it */
}

void tender_gdb_stop(struct tender_vm *vm)
{
	(void)vm;
	if (tender_gdb_fd < 0)
		tender_guest_fault("guest fault: a debug exit (int3) with no debugger attached "
				   "at rip 0x%llx", (unsigned long long)vm->run->debug.arch.pc);
	send_packet("S05");
	serve();
}

void tender_gdb_exited(int status)
{
	char w[8];
	if (tender_gdb_fd < 0)
		return;
	snprintf(w, sizeof w, "W%02x", status & 0xff);
	send_packet(w);
}
