package org.virtreplay.engine.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** T29 and the ICH_LR field layout (arm-reference §11.5, §15.4). */
class GicListRegisterTest {

    @Test
    void t29VirtualTimerHwMapped() {
        // vINTID 27 = 0x1B in [31:0]; pINTID 27 << 32 = 0x1B_0000_0000; prio 0xA0 << 48;
        // Group (bit 60) + HW (bit 61) + State 01 (bit 62) = top nibble 0b0111 = 7.
        long lr = IchLr.encode(27, IchLr.STATE_PENDING, 0xA0, true, true, 27, false);
        assertEquals(0x70A0_001B_0000_001BL, lr);
        assertEquals(27, IchLr.vintid(lr));
        assertEquals(27, IchLr.pintid(lr));
        assertTrue(IchLr.hw(lr));
        assertFalse(IchLr.eoi(lr));
    }

    @Test
    void t29LevelSpiSetsEoiBit() {
        // vINTID 40 = 0x28; EOI bit 41 = 0x200_0000_0000; Group + Pending = 0b0101 = 5 in the top nibble.
        long lr = IchLr.encode(40, IchLr.STATE_PENDING, 0xA0, true, false, 0, true);
        assertEquals(0x50A0_0200_0000_0028L, lr);
        assertTrue(IchLr.eoi(lr));
        assertEquals(0xA0, IchLr.priority(lr));
        assertEquals(IchLr.STATE_PENDING, IchLr.state(lr));
    }

    @Test
    void eoiBitIsPintidBitNineWhenHw() {
        // pINTID 512 sets bit 41, but with HW=1 that bit is pINTID[9], not EOI.
        long lr = IchLr.encode(600, IchLr.STATE_ACTIVE, 0, true, true, 512, false);
        assertEquals(512, IchLr.pintid(lr));
        assertFalse(IchLr.eoi(lr));
        assertEquals(1L << 63, lr & (3L << 62));
    }
}
