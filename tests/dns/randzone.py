#!/usr/bin/env python3
# randzone.py: writes a random but valid zone for the differential test, the
# same for the same seed: names sharing prefixes (so empty non-terminals),
# mixed case, delegations with and without glue, occluded data, CNAME chains,
# loops and dead ends, MX/SRV/NS targets in and out of the zone, RRsets large
# enough to truncate, and wildcards (RFC 4592): at existing names, at names
# that are only empty non-terminals, at the apex, below cuts (occluded),
# with A, AAAA, TXT, MX and CNAME, wildcards that are themselves empty
# non-terminals, and CNAME/MX targets that only a wildcard answers.
#
#   randzone.py SEED ORIGIN > zonefile
import random
import sys

seed, origin = int(sys.argv[1]), sys.argv[2].rstrip('.') + '.'
rng = random.Random(seed)
words = ['a', 'b', 'mail', 'www', 'x1', 'srv', '_tcp', 'deep', 'n-9', 'Q']


def rname(depth):
    return '.'.join(rng.choice(words) for _ in range(depth))


spelling = {}


def mixcase(n):
    # One spelling per name, and a name's spelling ends with its parent's:
    # kiln compresses only exact-case suffixes (it never changes a name's
    # case), NSD lower-cases everything, so a zone that spells one name two
    # ways makes kiln's responses a few octets longer than NSD's, which moves
    # where optional data stops. docs/dns.md notes this; here names are
    # spelt consistently so that the comparison stays exact.
    if n == '':
        return ''
    low = n.lower()
    if low not in spelling:
        first, _, parent = n.partition('.')
        first = ''.join(c.upper() if rng.random() < 0.3 else c.lower() for c in first)
        spelling[low] = first + ('.' + mixcase(parent) if parent else '')
    return spelling[low]


names = sorted({rname(rng.randint(1, 4)) for _ in range(140)})
out = ['$ORIGIN ' + origin, '$TTL 3600',
       '@ SOA ns1 hostmaster 1 7200 900 1209600 %d' % rng.choice([60, 300, 7200]),
       '@ NS ns1', '@ NS ns2.elsewhere.', 'ns1 A 192.0.2.1']
taken = set()
cuts = []
for n in names:
    low = n.lower()
    if low in taken or low == 'ns1':
        continue
    taken.add(low)
    owner = mixcase(n)
    if any(low.endswith('.' + c) for c in cuts):
        # Below a cut: only glue (and occluded data NSD keeps too).
        out.append('%s A 198.51.100.%d' % (owner, rng.randint(1, 254)))
        continue
    r = rng.random()
    if r < 0.12:
        cuts.append(low)
        out.append('%s NS ns.%s' % (owner, owner))
        out.append('%s NS %s' % (owner, rng.choice(['ns1', 'ns9.elsewhere.', mixcase(rng.choice(names))])))
        if rng.random() < 0.7:
            out.append('ns.%s A 203.0.113.%d' % (owner, rng.randint(1, 254)))
        if rng.random() < 0.4:
            out.append('ns.%s AAAA 2001:db8::%x' % (owner, rng.randint(1, 0xffff)))
        continue
    if r < 0.30:
        target = rng.choice([mixcase(rng.choice(names)), mixcase(rname(2)), 'out.elsewhere.', owner])
        out.append('%s CNAME %s' % (owner, target))
        continue
    for _ in range(rng.randint(1, 4)):
        t = rng.choice(['A', 'A', 'AAAA', 'MX', 'TXT', 'SRV', 'PTR', 'CAA', 'NS-target-A',
                        'TXT-escapes', 'HINFO', 'GENERIC'])
        if t == 'A':
            for _ in range(rng.choice([1, 1, 2, 3, 35])):
                out.append('%s A 192.0.2.%d' % (owner, rng.randint(1, 254)))
        elif t == 'AAAA':
            out.append('%s AAAA 2001:db8:%x::%x' % (owner, rng.randint(0, 0xffff), rng.randint(1, 0xffff)))
        elif t == 'MX':
            out.append('%s MX %d %s' % (owner, rng.randint(0, 50), rng.choice([mixcase(rng.choice(names)), 'mx.elsewhere.', 'ns1'])))
        elif t == 'TXT':
            out.append('%s TXT "%s" "%s"' % (owner, 'x' * rng.randint(0, 250), 'y' * rng.randint(0, 120)))
        elif t == 'SRV':
            out.append('%s SRV %d %d %d %s' % (owner, rng.randint(0, 9), rng.randint(0, 9), rng.randint(1, 65535), mixcase(rng.choice(names))))
        elif t == 'PTR':
            out.append('%s PTR %s' % (owner, mixcase(rng.choice(names))))
        elif t == 'CAA':
            out.append('%s CAA 0 issue "ca%d.example"' % (owner, rng.randint(0, 9)))
        elif t == 'TXT-escapes':
            def esc(b):
                if b in (34, 92):
                    return '\\' + chr(b)
                if b < 32 or b > 126 or rng.random() < 0.1:
                    return '\\%03d' % b
                return chr(b)
            body = ''.join(esc(rng.randint(0, 255)) for _ in range(rng.randint(0, 40)))
            out.append('%s TXT "%s" ""' % (owner, body))
        elif t == 'HINFO':
            out.append('%s HINFO "cpu %d" os%d' % (owner, rng.randint(0, 9), rng.randint(0, 9)))
        elif t == 'GENERIC':
            n = rng.randint(0, 12)
            out.append('%s TYPE%d \\# %d %s' % (owner, rng.choice([65000, 65280, 4321]), n,
                                               ''.join('%02x' % rng.randint(0, 255) for _ in range(n))))
        else:
            out.append('%s A 192.0.2.%d' % (owner, rng.randint(1, 254)))

# Wildcards. Their RDATA names point at ordinary names, at names only a
# wildcard answers ('w<k>.' + parent) and out of the zone.
def wtarget():
    if wilds and rng.random() < 0.4:
        par = rng.choice(wilds)
        return 'w%d' % rng.randint(0, 9) + ('' if par == '@' else '.' + par)
    return rng.choice([mixcase(rng.choice(names)), 'ns1', 'out.elsewhere.'])


wilds = []
parents = ['@'] + [mixcase(rname(rng.randint(1, 3))) for _ in range(10)] + \
    [mixcase(rng.choice(names)) for _ in range(8)] + [mixcase(c) for c in cuts[:2]]
for par in parents:
    low = par.lower()
    if low in [w.lower() for w in wilds]:
        continue
    wilds.append(par)
for par in wilds:
    w = '*' if par == '@' else '*.' + par
    r = rng.random()
    if r < 0.2:
        out.append('%s CNAME %s' % (w, wtarget()))
    elif r < 0.3:
        # Only a name below it has data: the wildcard is an empty
        # non-terminal, which matches but holds nothing.
        out.append('%s.%s TXT "below a wildcard"' % (rng.choice(['x', 'sub', 'Q']), w))
    else:
        for _ in range(rng.randint(1, 4)):
            t = rng.choice(['A', 'A', 'AAAA', 'TXT', 'MX', 'MX'])
            if t == 'A':
                for _ in range(rng.choice([1, 2, 35])):
                    out.append('%s A 192.0.2.%d' % (w, rng.randint(1, 254)))
            elif t == 'AAAA':
                out.append('%s AAAA 2001:db8:%x::%x' % (w, rng.randint(0, 0xffff), rng.randint(1, 0xffff)))
            elif t == 'TXT':
                out.append('%s TXT "wild %d"' % (w, rng.randint(0, 99)))
            else:
                out.append('%s MX %d %s' % (w, rng.randint(0, 50), wtarget()))
    if rng.random() < 0.3:
        # An existing name beside the wildcard: it, not the wildcard, answers.
        out.append('%s A 192.0.2.%d' % ('lit' if par == '@' else 'lit.' + par, rng.randint(1, 254)))
    if rng.random() < 0.2:
        # An empty non-terminal beside it (only its child has data).
        out.append('%s A 192.0.2.%d' % ('c.ent' if par == '@' else 'c.ent.' + par, rng.randint(1, 254)))
    if rng.random() < 0.15 and par != '@':
        # A delegation beside it: names below the cut get a referral.
        out.append('cut.%s NS ns1' % par)
print('\n'.join(out))
