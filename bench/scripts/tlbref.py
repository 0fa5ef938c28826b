#!/usr/bin/env python3
"""Independent reference TLB simulator for cross-checking `virtreplay tlb` on lackey traces.

Written from the problem statement only (it shares no code with virtreplay): L1 instruction and
L1 data TLBs and an optional unified L2, each `entries` entries `assoc`-way, set = page number
mod (entries/assoc), true LRU (an OrderedDict per set). Every trace access looks up each page it
touches (lowest first) in the L1 of its kind (I = instruction, L/S/M = data; M is one lookup); an
L1 miss looks up the L2; an L2 hit fills the L1; an L2 miss fills the L2 and the L1.
Single address space, one page size (the granule), so tags are page numbers.

Usage: tlbref.py TRACE[.gz|.xz|.zst] --page 4096 --l1i 32/32 --l1d 32/32 [--l2 1024/4]
Prints CSV: structure,lookups,hits,misses
"""
import argparse
import gzip
import lzma
import subprocess
import sys
from collections import OrderedDict


class Tlb:
    def __init__(self, entries, assoc):
        assert entries % assoc == 0
        self.nsets = entries // assoc
        self.assoc = assoc
        self.sets = [OrderedDict() for _ in range(self.nsets)]
        self.lookups = self.hits = self.misses = 0

    def lookup(self, vpn):
        self.lookups += 1
        s = self.sets[vpn % self.nsets]
        if vpn in s:
            s.move_to_end(vpn)
            self.hits += 1
            return True
        self.misses += 1
        return False

    def fill(self, vpn):
        s = self.sets[vpn % self.nsets]
        if vpn in s:
            s.move_to_end(vpn)
            return
        if len(s) >= self.assoc:
            s.popitem(last=False)
        s[vpn] = True


def open_trace(path):
    with open(path, 'rb') as f:
        magic = f.read(6)
    if magic[:2] == b'\x1f\x8b':
        return gzip.open(path, 'rb')
    if magic[:6] == b'\xfd7zXZ\x00':
        return lzma.open(path, 'rb')
    if magic[:4] == b'\x28\xb5\x2f\xfd':
        return subprocess.Popen(['zstd', '-dc', path], stdout=subprocess.PIPE).stdout
    return open(path, 'rb')


def geometry(s):
    e, a = s.split('/')
    return int(e), int(a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('trace')
    ap.add_argument('--page', type=int, default=4096)
    ap.add_argument('--l1i', default='32/32')
    ap.add_argument('--l1d', default='32/32')
    ap.add_argument('--l2', default=None)
    a = ap.parse_args()
    l1i = Tlb(*geometry(a.l1i))
    l1d = Tlb(*geometry(a.l1d))
    l2 = Tlb(*geometry(a.l2)) if a.l2 else None
    page = a.page
    instructions = 0
    for line in open_trace(a.trace):
        if line.startswith(b'I  '):
            tlb = l1i
            instructions += 1
        elif line[:3] in (b' L ', b' S ', b' M '):
            tlb = l1d
        else:
            continue
        addr_s, size_s = line[3:].split(b',')
        addr = int(addr_s, 16)
        size = int(size_s)
        first = addr // page
        last = (addr + size - 1) // page
        for vpn in range(first, last + 1):
            if tlb.lookup(vpn):
                continue
            if l2 is not None and l2.lookup(vpn):
                tlb.fill(vpn)
                continue
            if l2 is not None:
                l2.fill(vpn)
            tlb.fill(vpn)
    print('structure,lookups,hits,misses')
    print('l1i,%d,%d,%d' % (l1i.lookups, l1i.hits, l1i.misses))
    print('l1d,%d,%d,%d' % (l1d.lookups, l1d.hits, l1d.misses))
    if l2 is not None:
        print('l2,%d,%d,%d' % (l2.lookups, l2.hits, l2.misses))
    else:
        print('l2,0,0,0')
    print('# instructions %d' % instructions, file=sys.stderr)


if __name__ == '__main__':
    main()
