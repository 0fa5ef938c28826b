package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Geometry, set indexing, replacement and tag rules of one structure; expectations derived by hand. */
class TlbArrayTest {
    static final int CTX5 = TlbArray.ctx(0, false, 5);
    static final int CTX6 = TlbArray.ctx(0, false, 6);
    static final long P4K = 4096;

    static TlbArray array(int entries, int ways, Replacement p) {
        return new TlbArray("t", entries, ways, p, -1L, 1);
    }

    static void fill4k(TlbArray a, long vpn) {
        a.fill(vpn * P4K, 12, CTX5, -1, vpn * P4K + 0x1_0000_0000L, vpn * P4K, 0);
    }

    static boolean has(TlbArray a, long vpn) {
        return a.find(vpn * P4K, CTX5, 0) >= 0;
    }

    @Test
    void associativityMustDivideEntries() {
        assertThrows(IllegalArgumentException.class, () -> array(48, 5, Replacement.LRU));
        array(48, 48, Replacement.LRU);
        array(1280, 5, Replacement.LRU);
    }

    @Test
    void setIndexIsPageNumberModuloSetCountNotPowerOfTwo() {
        // 48 entries 4-way = 12 sets. VPNs 0, 12, 24, 36, 48 are all in set 0 (n mod 12 = 0); the 5th
        // fill evicts the least recently used, VPN 0. VPN 1 lives in set 1 and is untouched.
        TlbArray a = array(48, 4, Replacement.LRU);
        assertEquals(12, a.sets);
        fill4k(a, 1);
        for (long v : new long[] {0, 12, 24, 36, 48}) {
            fill4k(a, v);
        }
        assertTrue(!has(a, 0));
        assertTrue(has(a, 12) && has(a, 24) && has(a, 36) && has(a, 48) && has(a, 1));
    }

    @Test
    void a76L2Geometry1280x5() {
        // 1280 / 5 = 256 sets; VPNs 0, 256, ..., 1280 share set 0; the sixth evicts VPN 0 (LRU).
        TlbArray a = array(1280, 5, Replacement.LRU);
        assertEquals(256, a.sets);
        for (long v = 0; v <= 1280; v += 256) {
            fill4k(a, v);
        }
        assertTrue(!has(a, 0));
        for (long v = 256; v <= 1280; v += 256) {
            assertTrue(has(a, v), "vpn " + v);
        }
    }

    @Test
    void lruEvictsLeastRecentlyUsedFifoEvictsOldest() {
        // One 2-way set: fill A, fill B, hit A, fill C. LRU evicts B (A was used after B); FIFO
        // evicts A (filled first; hits do not reorder).
        for (Replacement p : new Replacement[] {Replacement.LRU, Replacement.FIFO}) {
            TlbArray a = array(2, 2, p);
            fill4k(a, 10);
            fill4k(a, 11);
            assertTrue(a.lookup(10 * P4K, CTX5, 0) >= 0);
            fill4k(a, 12);
            if (p == Replacement.LRU) {
                assertTrue(has(a, 10) && !has(a, 11) && has(a, 12));
            } else {
                assertTrue(!has(a, 10) && has(a, 11) && has(a, 12));
            }
        }
    }

    @Test
    void treePlruFourWays() {
        // Fully associative 4 entries: fills to ways 0,1,2,3 in order leave every tree bit pointing
        // left-most -> the next victim is way 0 (VPN 0). Then hit VPN 1 (way 1): root -> right,
        // node[0,2) -> left (way 0). Next fill: root points right -> node[2,4) last set by the
        // access to way 3 -> points left -> way 2 (VPN 2) is evicted; true LRU would evict VPN 0.
        TlbArray a = array(4, 4, Replacement.PLRU);
        for (long v = 0; v < 4; v++) {
            fill4k(a, v);
        }
        assertTrue(a.lookup(1 * P4K, CTX5, 0) >= 0);
        fill4k(a, 4);
        assertTrue(has(a, 0) && has(a, 1) && !has(a, 2) && has(a, 3) && has(a, 4));
    }

    @Test
    void treePlruFiveWaysGeneralisation() {
        // 5 ways, recursive halving: root [0,5) splits at 3 -> [0,3) and [3,5); [0,3) splits at 2
        // -> [0,2) and {2}. Filling ways 0..4 in order leaves all bits 0 -> victim way 0. After a
        // hit on way 0 the root points right -> [3,5) whose bit (set by the access to way 4) points
        // left -> victim way 3 (VPN 3).
        TlbArray a = array(5, 5, Replacement.PLRU);
        for (long v = 0; v < 5; v++) {
            fill4k(a, v);
        }
        assertTrue(a.lookup(0, CTX5, 0) >= 0);
        fill4k(a, 5);
        assertTrue(has(a, 0) && has(a, 1) && has(a, 2) && !has(a, 3) && has(a, 4) && has(a, 5));
    }

    @Test
    void randomIsSeededAndDeterministic() {
        TlbArray a = array(4, 4, Replacement.RANDOM);
        TlbArray b = array(4, 4, Replacement.RANDOM);
        for (long v = 0; v < 100; v++) {
            fill4k(a, v);
            fill4k(b, v);
        }
        for (long v = 0; v < 100; v++) {
            assertEquals(has(a, v), has(b, v));
        }
        assertEquals(4, a.validCount());
    }

    @Test
    void mixedPageSizesAreProbedPerSize() {
        // A 2 MB entry at VA 0x20_0000 and a 4 KB entry at VA 0x1000 in a 16-entry 4-way array:
        // VA 0x3F_FFFF (last byte of the 2 MB block) hits the 2 MB entry; VA 0x2000 misses.
        TlbArray a = array(16, 4, Replacement.LRU);
        a.fill(0x20_0000L, 21, CTX5, -1, 0x8000_0000L, 0x20_0000L, 0);
        a.fill(0x1000L, 12, CTX5, -1, 0x9000_0000L, 0x1000L, 0);
        int i = a.find(0x3F_FFFFL, CTX5, 0);
        assertTrue(i >= 0);
        assertEquals(21, a.sizeLogOf(i));
        assertEquals(12, a.sizeLogOf(a.find(0x1FFFL, CTX5, 0)));
        assertEquals(-1, a.find(0x2000L, CTX5, 0));
    }

    @Test
    void largerTranslationIsSplitToTheLargestHeldSize() {
        // Holds 4 KB and 64 KB only: a 2 MB translation of VA 0x25_3000 (block base 0x20_0000 -> PA
        // 0x4000_0000) is stored as the 64 KB piece 0x25_0000 with output 0x4000_0000 + 0x5_0000.
        TlbArray a = new TlbArray("t", 8, 8, Replacement.LRU, TlbGeometry.sizes(4096, 65536), 1);
        a.fill(0x25_3000L, 21, CTX5, -1, 0x4000_0000L, 0x20_0000L, 0);
        int i = a.find(0x25_FFFFL, CTX5, 0);
        assertEquals(16, a.sizeLogOf(i));
        assertEquals(0x4005_0000L, a.outOf(i));
        assertEquals(-1, a.find(0x26_0000L, CTX5, 0));
        // Holds only 2 MB and larger: a 4 KB translation cannot be stored.
        TlbArray big = new TlbArray("t", 8, 8, Replacement.LRU, TlbGeometry.sizes(1 << 21, 1 << 30), 1);
        assertEquals(-1, big.fill(0x1000L, 12, CTX5, -1, 0, 0, 0));
    }

    @Test
    void asidAndVmidTags() {
        TlbArray a = array(8, 8, Replacement.LRU);
        a.fill(0x1000L, 12, CTX5, 7, 0xA000L, 0x1000L, 0); // nG=1, ASID 7
        a.fill(0x2000L, 12, CTX5, -1, 0xB000L, 0x2000L, 0); // global
        assertTrue(a.find(0x1000L, CTX5, 7) >= 0);
        assertEquals(-1, a.find(0x1000L, CTX5, 8), "ASID 8 must miss an ASID-7 entry");
        assertTrue(a.find(0x2000L, CTX5, 8) >= 0, "a global entry matches any ASID");
        assertEquals(-1, a.find(0x2000L, CTX6, 8), "another VMID must miss");
    }

    @Test
    void statistics() {
        TlbArray a = array(4, 4, Replacement.LRU);
        a.lookup(0, CTX5, 0);
        fill4k(a, 0);
        a.lookup(0, CTX5, 0);
        a.lookup(100, CTX5, 0);
        assertEquals(3, a.lookups);
        assertEquals(2, a.hits);
        assertEquals(1, a.misses);
    }

    @Test
    void theHashIndexOfAFullyAssociativeArrayChangesNoLookupFillOrInvalidation() {
        // A 48-entry fully associative L1 keeps a hash index; the same array without it scans
        // every entry. Random fills (several sizes, contexts, ASIDs and global entries), lookups
        // and invalidations of all kinds must give the same entry indexes, counts and contents.
        for (Replacement policy : Replacement.values()) {
            long sizes = (1L << 12) | (1L << 16) | (1L << 21) | (1L << 30);
            TlbArray idx = new TlbArray("l1", 48, 48, policy, sizes, 5, true);
            TlbArray scan = new TlbArray("l1", 48, 48, policy, sizes, 5, false);
            java.util.Random r = new java.util.Random(11);
            int[] logs = {12, 16, 21, 30};
            for (int step = 0; step < 200_000; step++) {
                // addresses from a small range so that lookups hit, nest and collide
                long addr = (long) r.nextInt(1 << 12) << 12 | r.nextInt(4096);
                int c = TlbArray.ctx(r.nextInt(2), false, r.nextInt(3));
                int a = r.nextInt(4) == 0 ? -1 : r.nextInt(3);
                int op = r.nextInt(100);
                String at = policy + " step " + step;
                if (op < 45) {
                    assertEquals(scan.lookup(addr, c, Math.max(a, 0)), idx.lookup(addr, c, Math.max(a, 0)), at);
                } else if (op < 90) {
                    int sl = logs[r.nextInt(logs.length)];
                    long o = r.nextLong() & ~0xFFFL;
                    assertEquals(scan.fill(addr, sl, c, a, o, o ^ 0x1000, step),
                            idx.fill(addr, sl, c, a, o, o ^ 0x1000, step), at);
                } else if (op < 97) {
                    int i = r.nextInt(48);
                    scan.invalidate(i);
                    idx.invalidate(i);
                } else if (op < 99) {
                    long lo = addr & ~0x1FFFFFL;
                    assertEquals(scan.invalidate(TlbArray.CTX_VMID_MASK, c & TlbArray.CTX_VMID_MASK,
                                    TlbArray.ASID_MATCH_OR_GLOBAL, Math.max(a, 0), lo, lo + 0x1FFFFF, false, -1, 0, false),
                            idx.invalidate(TlbArray.CTX_VMID_MASK, c & TlbArray.CTX_VMID_MASK,
                                    TlbArray.ASID_MATCH_OR_GLOBAL, Math.max(a, 0), lo, lo + 0x1FFFFF, false, -1, 0, false), at);
                } else {
                    scan.invalidateAll();
                    idx.invalidateAll();
                }
                assertEquals(scan.validCount(), idx.validCount(), at);
            }
            for (int i = 0; i < 48; i++) {
                assertEquals(scan.isValid(i), idx.isValid(i));
                if (scan.isValid(i)) {
                    assertEquals(scan.baseOf(i), idx.baseOf(i));
                    assertEquals(scan.outOf(i), idx.outOf(i));
                    assertEquals(scan.asidOf(i), idx.asidOf(i));
                }
            }
            assertEquals(scan.hits, idx.hits, policy.toString());
            assertEquals(scan.evictions, idx.evictions, policy.toString());
            assertTrue(scan.hits > 10_000 && scan.evictions > 10_000, "the run must hit and evict: " + scan.hits + " hits, "
                    + scan.evictions + " evictions");
        }
    }
}
