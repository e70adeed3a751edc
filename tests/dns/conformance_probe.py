#!/usr/bin/env python3
# conformance_probe.py: queries dig cannot send, to two servers (kiln's
# appliance and NSD) on port 53 and PORT2: EDNS options past the OPT's
# RDATA, TSIG records misplaced or malformed, a signed query (as dig -y
# sends it), and a zero-length DNS-over-TCP frame. For each, one line
#   CASE kiln=<rcode/counts/closed> nsd=<...>
# and exit 1 if a case differs from the expectation or between the servers.
#   conformance_probe.py KILN_ADDR NSD_ADDR NSD_PORT
import socket
import struct
import sys

kiln, nsd, nsd_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
QNAME = b'\x07example\x04test\x00'


def msg(ar, arcount, an=0):
    return (struct.pack('>HHHHHH', 0x1234, 0x0100, 1, an, 0, arcount) + QNAME +
            struct.pack('>HH', 6, 1) + ar)


def opt(rdata):
    return b'\x00' + struct.pack('>HHIH', 41, 1232, 0, len(rdata)) + rdata


def tsig(rclass=255, mac_len=32, extra=0):
    rd = (b'\x0bhmac-sha256\x00' + struct.pack('>HIHH', 0, 1796696281, 300, mac_len) +
          b'\x07' * 32 + struct.pack('>HHH', 0x1234, 0, 0))
    return b'\x04name\x00' + struct.pack('>HHIH', 250, rclass, 0, len(rd) + extra) + rd


def udp(addr, port, m):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(m, (addr, port))
    try:
        return summary(s.recv(65535))
    except socket.timeout:
        return 'timeout'
    finally:
        s.close()


def summary(r):
    if len(r) < 12:
        return 'short'
    _, flags, qd, an, ns, ar = struct.unpack('>HHHHHH', r[:12])
    out = 'rcode=%d qd=%d an=%d ns=%d ar=%d' % (flags & 15, qd, an, ns, ar)
    if b'\x00\xfa\x00\xff' in r[12:]:
        # a TSIG without other data ends: MAC size (if the MAC is empty),
        # original ID, error, other len
        out += ' tsig_error=%d mac=%d' % struct.unpack('>HH', r[-4:-2] + r[-8:-6])
    return out


def tcp_empty(addr, port):
    """A good framed query, then a frame of length 0, then another query:
    what comes back before the server closes."""
    try:
        s = socket.create_connection((addr, port), timeout=3)
    except OSError as e:
        return 'connect: %s' % e.strerror
    q = msg(b'', 0)
    s.sendall(struct.pack('>H', len(q)) + q + b'\x00\x00' + struct.pack('>H', len(q)) + q)
    got, answers = b'', 0
    try:
        while True:
            c = s.recv(65535)
            if not c:
                break
            got += c
    except socket.timeout:
        return 'open after %d answers' % count_frames(got)
    except ConnectionResetError:
        pass
    finally:
        s.close()
    answers = count_frames(got)
    return 'closed after %d answer%s' % (answers, '' if answers == 1 else 's')


def count_frames(b):
    n, pos = 0, 0
    while pos + 2 <= len(b):
        ln = struct.unpack('>H', b[pos:pos + 2])[0]
        if pos + 2 + ln > len(b):
            break
        n, pos = n + 1, pos + 2 + ln
    return n


cases = [
    ('opt_option_past_rdata', msg(opt(struct.pack('>HH', 10, 8)), 1), 'rcode=1 qd=0 an=0 ns=0 ar=0'),
    ('opt_option_header_cut', msg(opt(b'\x00\x0a\x00'), 1), 'rcode=1 qd=0 an=0 ns=0 ar=0'),
    ('tsig_unknown_key', msg(tsig(), 1), 'rcode=9 qd=0 an=0 ns=0 ar=1 tsig_error=17 mac=0'),
    ('tsig_unknown_key_edns', msg(opt(b'') + tsig(), 2), 'rcode=9 qd=0 an=0 ns=0 ar=2 tsig_error=17 mac=0'),
    ('tsig_before_opt', msg(tsig() + opt(b''), 2), 'rcode=1 qd=0 an=0 ns=0 ar=0'),
    ('tsig_twice', msg(tsig() + tsig(), 2), 'rcode=1 qd=0 an=0 ns=0 ar=0'),
    ('tsig_in_answer', msg(tsig(), 0, an=1), 'rcode=1 qd=0 an=0 ns=0 ar=0'),
    ('tsig_class_in', msg(tsig(rclass=1), 1), 'rcode=1 qd=0 an=0 ns=0 ar=0'),
    ('tsig_mac_past_rdata', msg(tsig(mac_len=40), 1), 'rcode=1 qd=0 an=0 ns=0 ar=0'),
]
bad = 0
for name, m, want in cases:
    a, b = udp(kiln, 53, m), udp(nsd, nsd_port, m)
    ok = a == want and b == want
    bad += not ok
    print('%s %s: kiln=[%s] nsd=[%s] want=[%s]' % ('ok' if ok else 'BAD', name, a, b, want))
a, b = tcp_empty(kiln, 53), tcp_empty(nsd, nsd_port)
want = 'closed after 1 answer'
ok = a == want and b == want
bad += not ok
print('%s tcp_empty_frame: kiln=[%s] nsd=[%s] want=[%s]' % ('ok' if ok else 'BAD', a, b, want))
sys.exit(1 if bad else 0)
