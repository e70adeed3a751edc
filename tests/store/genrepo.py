#!/usr/bin/env python3
"""genrepo.py COMMITS FILES: a git fast-import stream on stdout for a
repository of COMMITS commits touching FILES files in nested folders
(deterministic; each commit changes a few files, some files are removed and
brought back), for the store's import/export test and bench."""
import random
import sys

commits, files = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(12345)
out = sys.stdout.buffer
paths = ["d%02d/e%02d/file%05d.txt" % (i % 50, (i // 50) % 20, i) for i in range(files)]
mark = 0


def data(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


for c in range(commits):
    out.write(b"commit refs/heads/main\nmark :%d\n" % (c + 1))
    out.write(b"committer Gen Erator <gen@kiln.test> %d +0000\n" % (1700000000 + c * 60))
    data(b"commit %d\n\nchanges a few files\n" % c)
    # The first commits create every file; later ones change a few.
    if c * 50 < files:
        touched = range(c * 50, min(files, c * 50 + 50))
    else:
        touched = [rnd.randrange(files) for _ in range(3)]
    for i in touched:
        if c * 50 >= files and rnd.random() < 0.02:
            out.write(b"D %s\n" % paths[i].encode())
            continue
        body = b"file %d, version %d\n" % (i, c) + b"line of text\n" * (i % 40)
        out.write(b"M 100644 inline %s\n" % paths[i].encode())
        data(body)
out.write(b"reset refs/tags/v1\nfrom :%d\n" % commits)
