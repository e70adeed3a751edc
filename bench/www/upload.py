#!/usr/bin/env python3
"""bench/www/upload.py: the two ends of bench/www's upload measurement.

  upload.py send ADDR PORT FILE   send FILE (sendfile(2): no copy in the
                                  sender), shut the writing side, wait for
                                  the receiver's "LENGTH" line; print MB/s
                                  (0 if the length is not FILE's)
  upload.py recv ADDR PORT        accept one connection, read it to its end
                                  in 1 MiB reads, answer "LENGTH\\n", exit:
                                  the Linux twin of the www appliance's
                                  discard service (port 9)

Both sides move bytes in C (the kernel, recv_into); Python only loops.
"""
import os
import socket
import sys
import time


def send(addr, port, path):
    size = os.path.getsize(path)
    with socket.create_connection((addr, int(port)), timeout=120) as s, open(path, "rb") as f:
        t0 = time.monotonic()
        s.sendfile(f)
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(64)
            if not chunk:
                break
            reply += chunk
        t1 = time.monotonic()
    ok = reply.split()[-1:] == [str(size).encode()]
    print("%.1f" % (size / (t1 - t0) / 1e6 if ok else 0))


def recv(addr, port):
    with socket.create_server((addr, int(port))) as ls:
        c, _ = ls.accept()
        with c:
            buf = bytearray(1 << 20)
            total = 0
            while True:
                n = c.recv_into(buf)
                if n == 0:
                    break
                total += n
            c.sendall(b"%d\n" % total)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "send":
        send(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "recv":
        recv(*sys.argv[2:])
    else:
        sys.exit(__doc__)
