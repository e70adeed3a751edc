#!/usr/bin/env python3
# tests/hvt/elfcheck.py: checks an hvt image against hvt-abi.md section 1-2 and
# prints its manifest's devices as "name:type" words (used by tests/hvt/image.sh).
# Exit 1 with one line per problem.
import struct
import sys

PT_LOAD, PT_NOTE, PT_INTERP = 1, 4, 3
PF_X, PF_W = 1, 2


def main(path):
    data = open(path, "rb").read()
    bad = []
    if data[:4] != b"\x7fELF" or data[4] != 2:
        print("not an ELF64 file")
        return 1
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    e_entry, e_phoff = struct.unpack_from("<QQ", data, 24)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    if e_type != 2:
        bad.append("not ET_EXEC (type %d)" % e_type)
    if e_machine != 62:
        bad.append("not x86_64")
    if e_entry < 0x100000:
        bad.append("entry %#x below 1 MiB" % e_entry)
    loads, notes, interp = [], [], False
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_memsz, p_flags))
        elif p_type == PT_NOTE:
            notes.append(data[p_offset:p_offset + p_filesz])
        elif p_type == PT_INTERP:
            interp = True
    end = 0
    for vaddr, memsz, flags in loads:
        if vaddr < 0x100000 or vaddr % 4096 or (vaddr + memsz) % 4096:
            bad.append("PT_LOAD %#x+%#x not 4 KiB aligned at both ends above 1 MiB" % (vaddr, memsz))
        if vaddr < end:
            bad.append("PT_LOAD %#x overlaps or is out of order" % vaddr)
        end = vaddr + memsz
        if flags & PF_W and flags & PF_X:
            bad.append("PT_LOAD %#x is writable and executable" % vaddr)
    if not interp:
        bad.append("no PT_INTERP")
    kinds, devices = [], []
    for n in notes:
        namesz, descsz, ntype = struct.unpack_from("<III", n, 0)
        name = n[12:12 + namesz]
        if name != b"Solo5\0":
            bad.append("note named %r" % name)
            continue
        if ntype == 0x31494241:
            kinds.append("ABI1")
            target, version = struct.unpack_from("<II", n, 20)
            if descsz != 16 or target != 1 or version != 2:
                bad.append("ABI1 note: descsz %d target %d version %d" % (descsz, target, version))
        elif ntype == 0x3154464D:
            kinds.append("MFT1")
            version, entries = struct.unpack_from("<II", n, 24)
            if version != 1 or not 1 <= entries <= 64 or descsz != 4 + 8 + 104 * entries:
                bad.append("MFT1 note: version %d entries %d descsz %d" % (version, entries, descsz))
                continue
            for i in range(entries):
                e = n[32 + 104 * i:32 + 104 * (i + 1)]
                ename = e[:68].split(b"\0")[0].decode()
                etype, = struct.unpack_from("<I", e, 68)
                attached = e[96]
                if attached:
                    bad.append("entry %d attached in the image" % i)
                if i == 0:
                    if ename or etype != 1 << 30:
                        bad.append("e[0] is not the empty RESERVED_FIRST entry")
                else:
                    devices.append("%s:%s" % (ename, {1: "block", 2: "net"}.get(etype, etype)))
        else:
            bad.append("unknown note type %#x" % ntype)
    if sorted(kinds) != ["ABI1", "MFT1"]:
        bad.append("want one ABI1 and one MFT1 PT_NOTE, got %s" % kinds)
    for b in bad:
        print(b)
    if not bad:
        print(" ".join(devices))
    return 1 if bad else 0


sys.exit(main(sys.argv[1]))
