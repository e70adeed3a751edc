#!/usr/bin/env python3
# differential.py: sends the same queries to NSD and to kiln's DNS server
# (tests/dns/dns_tool serving lib/dns) and compares what kdig decodes of
# each response: rcode, flags, counts, the question, and the answer,
# authority and additional sections (records sorted; names compared
# case-insensitively except where the query's case must be kept).
# Malformed and non-QUERY messages are sent raw over UDP.
#
#   differential.py [--kiln-addr ADDR] NSD_PORT KILN_PORT ZONEFILE ORIGIN [ZONEFILE ORIGIN...]
#
# NSD is asked on 127.0.0.1; kiln on 127.0.0.1 too unless --kiln-addr names
# the appliance's address (tests/dns/appliance_diff.sh).
#
# Prints one "PASS: dns: differential: ..." or "FAIL: ..." line per query and
# exits 1 if any failed. Run by tests/dns/differential.sh; see docs/dns.md
# for the differences between NSD and kiln that this comparison tolerates.
import json
import re
import socket
import struct
import subprocess
import sys

import random

args = sys.argv[1:]
rand_zone = None
wild_probes = set()  # indices of the random zone's wildcard probes
if '--rand' in args:  # --rand ZONEFILE ORIGIN SEED: a zone from randzone.py
    k = args.index('--rand')
    rand_zone = (args[k + 1], args[k + 2].rstrip('.') + '.', int(args[k + 3]))
    args = args[:k] + args[k + 4:]
kiln_addr = '127.0.0.1'
if '--kiln-addr' in args:  # --kiln-addr ADDR: kiln's server elsewhere (an appliance)
    k = args.index('--kiln-addr')
    kiln_addr = args[k + 1]
    args = args[:k] + args[k + 2:]
nsd_port, kiln_port = int(args[0]), int(args[1])


def addr_of(port):
    return kiln_addr if port == kiln_port else '127.0.0.1'

zones = [(args[i], args[i + 1].rstrip('.') + '.') for i in range(2, len(args), 2)]
origin = zones[0][1]

# --- The queries ---------------------------------------------------------
# Every owner name of every zone (relative names resolved against $ORIGIN).
names = []
for zonefile, zorigin in zones:
    cur = zorigin
    for line in open(zonefile):
        line = line.split(';')[0]
        if line.startswith('$ORIGIN'):
            cur = line.split()[1]
            continue
        if not line.strip() or line.startswith('$') or line[0] in ' \t(':
            continue
        o = line.split()[0]
        if '\\' in o:
            continue
        names.append(cur if o == '@' else o if o.endswith('.') else o + '.' + cur)
names += ['nothere.sub2.' + origin, 'x.host.sub2.' + origin, 'er.sub2.' + origin]
names += [origin, 'b.c.' + origin, 'c.' + origin, 'x.y.z.' + origin, 'z.' + origin,
          'nothere.' + origin, 'deeper.nothere.' + origin, 'www.web.' + origin,
          'below.sub.' + origin, 'deep.below.sub.' + origin, 'x.out.' + origin,
          'sub2.' + origin, 'other.test.', 'example.', 'test.', 'xexample.test.',
          '_tcp.' + origin, 'in-addr.' + origin]
names = sorted(set(names))
common = ['A', 'AAAA', 'MX', 'TXT', 'NS', 'ANY']
rare = ['SOA', 'CNAME', 'SRV', 'PTR', 'CAA', 'HINFO', 'DS', 'TYPE65280', 'TYPE731', 'TYPE999',
        'DNSKEY', 'NSEC', 'TYPE0', 'TYPE65535', 'OPT']
queries = []
for n in names:
    for t in common:
        queries.append((n, t, []))
for t in rare:
    for n in [origin, 'web.' + origin, 'www.' + origin, 'sub.' + origin, 'nothere.' + origin,
              'generic.' + origin, '_sip._udp.' + origin, 'b.c.' + origin, 'sub2.' + origin,
              'www.sub2.' + origin]:
        queries.append((n, t, []))


def oddcase(n):
    return ''.join(c.upper() if i % 2 else c for i, c in enumerate(n))


for n in ['www.', 'web.', 'sub.', 'nothere.', 'b.c.', 'mixed.case.', '_sip._tcp.', '']:
    for t in ['A', 'MX', 'ANY']:
        queries.append((oddcase(n + origin), t, []))
for opts in [['+noedns'], ['+bufsize=512'], ['+bufsize=600'], ['+bufsize=1232'], ['+bufsize=4096'],
             ['+bufsize=100'], ['+dnssec'], ['+edns=1'], ['+tcp'], ['+noedns', '+tcp'],
             ['+rec'], ['+cdflag'], ['+adflag'], ['+tcflag', '+aaflag'], ['+nsid'],
             ['+noedns', '+noignore'], ['+bufsize=512', '+noignore']]:  # TC, then TCP
    for n, t in [('many.', 'A'), ('big.', 'TXT'), ('', 'MX'), ('web.', 'A'), ('sub.', 'A'),
                 ('nothere.', 'A'), ('', 'ANY'), ('_sip._udp.', 'SRV')]:
        queries.append((n + origin, t, opts))
for n in ['web.' + origin, 'sub.' + origin, 'other.test.']:
    queries.append((n, 'A', ['-c', 'CH']))
    queries.append((n, 'A', ['-c', 'ANY']))

# Wildcards (lib/dns/tests/zones/wild.test.zone, RFC 4592 2.2.1's example and
# more): names that match a wildcard, names blocked by an existing node or
# an empty non-terminal, names below cuts, CNAMEs and additional data from
# wildcards, literal '*' labels, odd case.
if any(zo == 'wild.test.' for _, zo in zones):
    wild = [('host3', 'MX A TXT ANY AAAA CNAME DS NS SOA'), ('foo.bar', 'TXT MX'),
            ('host1', 'MX TXT'), ('sub.*', 'MX TXT'), ('_telnet._tcp.host1', 'SRV A'),
            ('host.subdel', 'A MX'), ('ghost.*', 'MX TXT'), ('_tcp.host1', 'A TXT'),
            ('*', 'MX TXT A'), ('a.cn', 'A AAAA CNAME TXT ANY MX'), ('x.y.cn', 'A'),
            ('x.loop', 'A CNAME'), ('again.loop', 'A'), ('again.loop2', 'A'), ('x.loop2', 'A'), ('q.mxa', 'MX A ANY'), ('x.chain', 'A AAAA'),
            ('y.e', 'A TXT'), ('q.y.e', 'A'), ('z.e', 'A TXT MX'), ('x.y.e', 'A TXT'),
            ('q.ew', 'TXT A ANY'), ('*.ew', 'TXT'), ('a.*.ew', 'TXT'), ('b.q.ew', 'TXT'),
            ('x.subdel', 'A'), ('*.subdel', 'A'), ('x.deleg', 'A'), ('ns.deleg', 'A'),
            ('x.deleg2', 'A NS'), ('deleg2', 'NS A'),
            ('q.cut', 'A'), ('x.in.cut', 'A'), ('in.cut', 'A NS'), ('q.mxg', 'MX'),
            ('lit.*.x.sub.*', 'A'), ('foo.x.sub.*', 'A'), ('x.sub.*', 'A'),
            ('q.multi', 'ANY A AAAA SRV HINFO TYPE65280 TXT'), ('b.a.multi', 'TXT A'),
            ('q.a.multi', 'A'), ('QQ.MiXeD', 'A'), ('Zz.Cn', 'A'), ('HoSt3', 'MX'),
            ('a.out', 'A'), ('q.wns', 'NS TXT A ANY DS'), ('*.wns', 'NS TXT A DS'),
            ('x.*.wns', 'A'), ('deep.er.name.host3', 'TXT')]
    for n, ts in wild:
        for t in ts.split():
            queries.append((n + '.wild.test.', t, []))
    for opts in [['+noedns'], ['+tcp'], ['+bufsize=512']]:
        for n, t in [('host3', 'MX'), ('q.multi', 'A'), ('q.mxa', 'MX'), ('a.cn', 'A')]:
            queries.append((oddcase(n) + '.wild.test.', t, opts))


# The random zone: each owner with three random types, names below owners
# that do not exist, and random case.
if rand_zone:
    rfile, rorigin, seed = rand_zone
    rng = random.Random(seed)
    rtypes = ['A', 'AAAA', 'MX', 'TXT', 'SRV', 'PTR', 'CAA', 'NS', 'CNAME', 'SOA', 'ANY', 'DS',
              'HINFO', 'TYPE65280', 'TYPE4321']
    rnames = set()
    for line in open(rfile):
        if line.startswith('$') or not line.strip():
            continue
        o = line.split()[0]
        rnames.add(rorigin if o == '@' else o + '.' + rorigin)
    for n in sorted(rnames):
        for t in rng.sample(rtypes, 3):
            queries.append((oddcase(n) if rng.random() < 0.3 else n, t,
                            rng.choice([[], [], ['+noedns'], ['+bufsize=1232']])))
        if rng.random() < 0.3:
            queries.append(('zz.' + n, rng.choice(rtypes), []))
    # Wildcards: the parent of every '*' label; names that match the
    # wildcard (one and two labels below it), names below the wildcard
    # itself, below the empty non-terminal, the existing name and the cut
    # that randzone.py may put beside it.
    wild_probes = set()
    wtypes = ['A', 'AAAA', 'TXT', 'MX', 'CNAME', 'ANY', 'NS', 'DS', 'SRV', 'SOA']
    wparents = sorted({n.lower().split('*.', 1)[1] if n.startswith('*.') else
                       n.lower().split('.*.', 1)[1] for n in rnames
                       if n.startswith('*.') or '.*.' in n})
    for par in wparents:
        probes = ['w%d.' % k for k in range(3)] + ['a.b.', 'Hit.Odd.Case.', 'ghost.*.', 'x.*.',
                                                  'q.ent.', 'q.c.ent.', 'x.cut.', 'q.lit.', 'lit.']
        for pre in probes:
            for t in rng.sample(wtypes, 2):
                queries.append((pre + par, t, rng.choice([[], [], ['+noedns'], ['+bufsize=1232']])))
                wild_probes.add(len(queries) - 1)


def kdig(port, name, qtype, opts):
    cmd = ['kdig', '@' + addr_of(port), '-p', str(port), '+norec', '+json', '+ignore', '+timeout=2',
           '+retry=1'] + opts + [name, qtype]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout
    try:
        return json.loads(out)
    except ValueError:
        return {'error': out.strip()[:200] or 'no response'}


# Types whose RDATA holds names: NSD lower-cases names it loads, kiln keeps
# the zone file's case (RFC 4343 4.1); both are correct, so these compare by
# their text, case-insensitively.
NAMED = {2: 'rdataNS', 5: 'rdataCNAME', 6: 'rdataSOA', 12: 'rdataPTR', 15: 'rdataMX',
         33: 'rdataSRV'}


def rrs(d, key):
    out = []
    for r in d.get(key, []):
        if r.get('TYPE') == 41:
            continue
        rd = r.get('RDATAHEX', '')
        if r.get('TYPE') in NAMED and NAMED[r['TYPE']] in r:
            rd = r[NAMED[r['TYPE']]].lower()
        out.append((r['NAME'].lower(), r['TYPE'], r.get('CLASS'), r.get('TTL'), rd))
    return sorted(out)


def opt(d):
    for r in d.get('additionalRRs', []):
        if r.get('TYPE') == 41:
            return (r.get('CLASS'), r.get('TTL'))
    return None


HDR = ['QR', 'Opcode', 'AA', 'TC', 'RD', 'RA', 'AD', 'CD', 'RCODE', 'QDCOUNT', 'QNAME',
       'QTYPE', 'QCLASS']


def normal(d, qname, qtype):
    if 'error' in d:
        return {'error': d['error']}
    n = {k: d.get(k) for k in HDR}
    n['answer'] = rrs(d, 'answerRRs')
    n['authority'] = rrs(d, 'authorityRRs')
    n['additional'] = rrs(d, 'additionalRRs')
    n['opt'] = opt(d)
    # The owner of records answering the question itself keeps the query's
    # case (both servers write it as a pointer to the question).
    n['qcase'] = sorted(r['NAME'] for r in d.get('answerRRs', [])
                        if r['NAME'].lower() == qname.lower())
    if qtype == 'ANY' and n['answer']:
        # RFC 8482: both return one RRset; kiln follows NSD's choice, so
        # this compares exactly. (Kept as its own key for clearer output.)
        n['any_types'] = sorted({r[1] for r in n['answer']})
    return n


failed = 0
total = 0


def report(ok, what, why=''):
    global failed, total
    total += 1
    if ok:
        print('PASS: dns: differential: ' + what)
    else:
        failed += 1
        print('FAIL: dns: differential: %s: %s' % (what, why))


# What NSD answered the wildcard probes, to show that they hit and miss.
outcomes = {'answer': 0, 'nodata': 0, 'nxdomain': 0, 'referral': 0, 'other': 0}
for qi, (name, qtype, opts) in enumerate(queries):
    a = normal(kdig(nsd_port, name, qtype, opts), name, qtype)
    b = normal(kdig(kiln_port, name, qtype, opts), name, qtype)
    if qi in wild_probes:
        # kdig's JSON (RFC 8427) gives RCODE as a number, flags as booleans.
        rc, aa = a.get('RCODE'), a.get('AA')
        o = ('answer' if a.get('answer') else 'nxdomain' if rc == 3 else
             'referral' if not aa and a.get('authority') else
             'nodata' if rc == 0 else 'other')
        outcomes[o] += 1
    what = ' '.join([name, qtype] + opts)
    if a == b and 'error' not in a:
        report(True, what)
    else:
        diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
        report(False, what, 'nsd vs kiln: %s' % json.dumps(diff)[:600])


# --- Raw messages: malformed queries and other opcodes --------------------
def wire_name(n):
    out = b''
    for label in n.rstrip('.').split('.'):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def raw(port, msg):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    s.sendto(msg, (addr_of(port), port))
    try:
        r = s.recv(65535)
    except socket.timeout:
        r = None
    s.close()
    return r


def summary(r):
    if r is None:
        return 'no response'
    if len(r) < 12:
        return 'short %d' % len(r)
    id_, flags, qd, an, ns, ar = struct.unpack('>HHHHHH', r[:12])
    return {'id': id_, 'flags': '%04x' % flags, 'counts': (qd, an, ns, ar)}


q = wire_name('web.' + origin) + struct.pack('>HH', 1, 1)
soa_rr = wire_name(origin) + struct.pack('>HHIH', 6, 1, 0, 0)
raw_cases = [
    ('qdcount 0', struct.pack('>HHHHHH', 0x1111, 0, 0, 0, 0, 0)),
    ('qdcount 2', struct.pack('>HHHHHH', 0x1112, 0, 2, 0, 0, 0) + q + q),
    ('question cut short', struct.pack('>HHHHHH', 0x1113, 0, 1, 0, 0, 0) + q[:5]),
    ('qdcount 1 without question', struct.pack('>HHHHHH', 0x1114, 0, 1, 0, 0, 0)),
    ('opcode IQUERY', struct.pack('>HHHHHH', 0x1115, 1 << 11, 1, 0, 0, 0) + q),
    ('opcode STATUS', struct.pack('>HHHHHH', 0x1116, 2 << 11, 1, 0, 0, 0) + q),
    ('opcode 3', struct.pack('>HHHHHH', 0x1117, 3 << 11, 1, 0, 0, 0) + q),
    ('opcode NOTIFY', struct.pack('>HHHHHH', 0x111e, 4 << 11, 1, 0, 0, 0) + wire_name(origin) + struct.pack('>HH', 6, 1)),
    ('opcode 6', struct.pack('>HHHHHH', 0x111f, 6 << 11, 1, 0, 0, 0) + q),
    ('trailing bytes after the question', struct.pack('>HHHHHH', 0x1120, 0, 1, 0, 0, 0) + q + b'\x01\x02'),
    ('ANCOUNT 1 in a query', struct.pack('>HHHHHH', 0x1121, 0, 1, 1, 0, 0) + q + soa_rr),
    ('two OPT records', struct.pack('>HHHHHH', 0x1122, 0, 1, 0, 0, 2) + q + b'\0\0\x29\x04\xd0\0\0\0\0\0\0' * 2),
    ('OPT with a name', struct.pack('>HHHHHH', 0x1123, 0, 1, 0, 0, 1) + q + b'\x01a\0\0\x29\x04\xd0\0\0\0\0\0\0'),
    ('EDNS size 0', struct.pack('>HHHHHH', 0x1124, 0, 1, 0, 0, 1) + q + b'\0\0\x29\0\0\0\0\0\0\0\0'),
    ('opcode UPDATE', struct.pack('>HHHHHH', 0x1118, 5 << 11, 1, 0, 0, 0) + q),
    ('a response (QR set)', struct.pack('>HHHHHH', 0x1119, 0x8000, 1, 0, 0, 0) + q),
    ('eleven bytes', b'\x11\x1a' + b'\0' * 9),
    ('pointer loop in question', struct.pack('>HHHHHH', 0x111b, 0, 1, 0, 0, 0) + b'\xc0\x0c\0\1\0\1'),
    ('AXFR over UDP', struct.pack('>HHHHHH', 0x111c, 0, 1, 0, 0, 0) + wire_name(origin) + struct.pack('>HH', 252, 1)),
    ('IXFR over UDP', struct.pack('>HHHHHH', 0x111d, 0, 1, 0, 0, 0) + wire_name(origin) + struct.pack('>HH', 251, 1)),
]
for what, msg in raw_cases:
    a, b = summary(raw(nsd_port, msg)), summary(raw(kiln_port, msg))
    report(a == b, 'raw: ' + what, 'nsd %s vs kiln %s' % (a, b))

if wild_probes:
    print('# wildcard probes of the random zone: %d (NSD: %s)' %
          (len(wild_probes), ', '.join('%s %d' % kv for kv in outcomes.items())))
print('# differential: %d compared, %d differ' % (total, failed))
sys.exit(1 if failed else 0)
