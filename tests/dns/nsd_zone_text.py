#!/usr/bin/env python3
# nsd_zone_text.py: normalises a zone listing to one "owner ttl type rdata"
# line per record, lower case, sorted: from `nsd-checkzone -p` (default) or
# from `dns_tool check` (--ours), so that differential.sh can diff them.
# RDATA of types kiln shows only in RFC 3597 form (TLSA) is not compared.
import re
import sys

ours = '--ours' in sys.argv
out = []
origin = '.'
owner = None
text = sys.stdin.read()
# Join parenthesised continuations.
text = re.sub(r'\(\s*\n\s*', '', text)
text = re.sub(r'\s*\)', '', text)
for line in text.split('\n'):
    if not line.strip() or line.startswith('zone ') or line.startswith(';'):
        continue
    if line.startswith('$ORIGIN'):
        origin = line.split()[1]
        continue
    f = line.split()
    if line[0] in ' \t':
        f = [owner] + f
    else:
        owner = f[0] if f[0].endswith('.') else f[0] + '.' + origin
        f[0] = owner
    name, ttl, cls, typ = f[0], f[1], f[2], f[3]
    rdata = ' '.join(f[4:])
    if typ.upper() in ('TLSA',):
        rdata = '(rfc3597)'
    out.append(' '.join([name.lower(), ttl, typ.upper(), rdata.lower()]))
print('\n'.join(sorted(out)))
