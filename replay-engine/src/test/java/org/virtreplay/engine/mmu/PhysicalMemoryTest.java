package org.virtreplay.engine.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    @Test
    void sparseReadWriteAndCas() {
        PhysicalMemory m = new PhysicalMemory();
        assertEquals(0, m.read(0x1234_5678_9000L)); // never written: zero (an invalid descriptor)
        // 5000 frames spread over a 48-bit space force the map to grow several times and the frame
        // cache to evict; every value must read back.
        for (long i = 0; i < 5000; i++) {
            m.write((i * 0x1_0000_1000L) & 0xFFFF_FFFF_F000L | 0x18, i + 1);
        }
        for (long i = 0; i < 5000; i++) {
            assertEquals(i + 1, m.read((i * 0x1_0000_1000L) & 0xFFFF_FFFF_F000L | 0x18));
            assertEquals(0, m.read((i * 0x1_0000_1000L) & 0xFFFF_FFFF_F000L | 0x20));
        }
        assertEquals(5000, m.frameCount());
        // CAS: succeeds on the expected value only; the low 3 address bits are ignored.
        assertTrue(m.compareAndSwap(0x4000_3020L, 0, 0x703));
        assertFalse(m.compareAndSwap(0x4000_3020L, 0x303, 0x707));
        assertTrue(m.compareAndSwap(0x4000_3024L, 0x703, 0x707));
        assertEquals(0x707, m.read(0x4000_3020L));
    }
}
