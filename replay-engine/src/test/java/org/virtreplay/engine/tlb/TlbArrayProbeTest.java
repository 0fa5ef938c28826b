package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/**
 * A quiet probe (the SPE validation's) leaves the lookup caches as they were, so a later lookup
 * returns the entry it would have returned without the probe. Set-up: a 4 KB entry P at
 * 0x20_0000 filled first, then a 2 MB block B over the same address (a remap without TLBI leaves
 * both). A lookup of 0x20_1000 (only B covers it) leaves B in the last-hit register; a lookup of
 * 0x20_0000 then returns B from that register, while the full search, sizes ascending, would
 * find P first.
 */
class TlbArrayProbeTest {
    private static TlbArray twoMatching() {
        TlbArray a = new TlbArray("t", 4, 4, Replacement.LRU, -1L, 1);
        int p = a.fill(0x20_0000L, 12, 1, -1, 0x1000_0000L, 0, 0);
        int b = a.fill(0x20_0000L, 21, 1, -1, 0x4000_0000L, 0, 0);
        assertNotEquals(p, b);
        assertEquals(b, a.find(0x20_1000L, 1, -1));
        return a;
    }

    @Test
    void aQuietProbeLeavesTheNextLookupAsItWas() {
        TlbArray plain = twoMatching();
        int expected = plain.find(0x20_0000L, 1, -1);
        TlbArray probed = twoMatching();
        probed.fill(0x80_0000L, 12, 1, -1, 0x2000_0000L, 0, 0);
        probed.findQuietly(0x80_0000L, 1, -1);
        assertEquals(expected, probed.find(0x20_0000L, 1, -1));
    }

    @Test
    void aPlainLookupInBetweenWouldHaveChangedIt() {
        // The contrast that makes the test above able to fail: find() moves the last-hit register.
        TlbArray plain = twoMatching();
        int expected = plain.find(0x20_0000L, 1, -1);
        TlbArray moved = twoMatching();
        moved.fill(0x80_0000L, 12, 1, -1, 0x2000_0000L, 0, 0);
        moved.find(0x80_0000L, 1, -1);
        assertNotEquals(expected, moved.find(0x20_0000L, 1, -1));
    }
}
