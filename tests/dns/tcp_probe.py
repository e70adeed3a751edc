#!/usr/bin/env python3
# tcp_probe.py: DNS over TCP (RFC 7766) behaviours dig cannot show, against
# a server at ADDR port 53: pipelining, a query split across segments,
# idle timeout, the connection bound, an over-long frame.
#   tcp_probe.py ADDR pipeline N | split | idle S | trickle S | limit K | toolong
# Prints one result line; exits 1 when the behaviour is not as expected.
import socket
import struct
import sys
import time

addr, mode = sys.argv[1], sys.argv[2]


def query(qid, name='web.example.test', qtype=1):
    q = struct.pack('>HHHHHH', qid, 0, 1, 0, 0, 0)
    for label in name.split('.'):
        q += bytes([len(label)]) + label.encode()
    return q + b'\0' + struct.pack('>HH', qtype, 1)


def framed(m):
    return struct.pack('>H', len(m)) + m


def conn(timeout=5.0):
    s = socket.create_connection((addr, 53), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError('closed after %d of %d bytes' % (len(b), n))
        b += c
    return b


def response(s):
    (n,) = struct.unpack('>H', recv_exact(s, 2))
    m = recv_exact(s, n)
    qid, flags, qd, an = struct.unpack('>HHHH', m[:8])
    return qid, flags & 0xf, an


def done(ok, msg):
    print(('ok ' if ok else 'bad ') + msg)
    sys.exit(0 if ok else 1)


if mode == 'pipeline':
    n = int(sys.argv[3])
    s = conn()
    s.sendall(b''.join(framed(query(0x100 + i)) for i in range(n)))
    got = [response(s) for _ in range(n)]
    ids = [g[0] for g in got]
    ok = ids == [0x100 + i for i in range(n)] and all(g[1] == 0 and g[2] == 2 for g in got)
    done(ok, '%d pipelined queries on one connection answered in order' % n if ok else str(got))
elif mode == 'split':
    s = conn()
    for b in framed(query(0x4242)):
        s.sendall(bytes([b]))
        time.sleep(0.005)
    qid, rcode, an = response(s)
    done(qid == 0x4242 and rcode == 0 and an == 2, 'a query sent one byte per segment answered')
elif mode == 'idle':
    limit = float(sys.argv[3])
    s = conn(timeout=limit + 10)
    s.sendall(framed(query(1)))
    response(s)
    t0 = time.monotonic()
    try:
        r = s.recv(1)
    except ConnectionResetError:
        r = b''
    el = time.monotonic() - t0
    done(r == b'' and el < limit + 3, 'idle connection closed by the server after %.1f s' % el)
elif mode == 'trickle':
    # Bytes that never finish a query do not keep the connection open.
    limit = float(sys.argv[3])
    s = conn(timeout=limit + 10)
    t0 = time.monotonic()
    closed = False
    try:
        s.sendall(struct.pack('>H', 100))
        while time.monotonic() - t0 < limit + 5:
            time.sleep(0.25)
            s.sendall(b'\0')
    except OSError:
        closed = True
    if not closed:
        try:
            s.settimeout(1)
            closed = s.recv(1) == b''
        except (OSError, socket.timeout):
            closed = False
    el = time.monotonic() - t0
    done(closed and el < limit + 3, 'a query trickling in a byte per 0.25 s closed after %.1f s' % el)
elif mode == 'limit':
    k = int(sys.argv[3])
    socks = []
    for _ in range(k + 2):
        try:
            socks.append(conn())
        except OSError:  # reset before we set it up: one refused
            socks.append(None)
    time.sleep(0.5)
    answered = 0
    for i, s in enumerate(socks):
        try:
            if s is None:
                continue
            s.sendall(framed(query(i + 1)))
            s.settimeout(2)
            if response(s)[0] == i + 1:
                answered += 1
        except (OSError, EOFError):
            pass
    done(answered == k, '%d of %d connections served with --tcp-conns=%d' % (answered, k + 2, k))
elif mode == 'toolong':
    s = conn()
    s.sendall(struct.pack('>H', 5000) + b'\0' * 100)
    try:
        r = s.recv(10)
    except ConnectionResetError:
        r = b''
    done(r == b'', 'a frame announcing 5000 bytes closes the connection')
else:
    done(False, 'unknown mode ' + mode)
