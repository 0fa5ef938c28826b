package org.virtreplay.ingest.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Register values against the Arm ARM field layouts (arm-reference.md §1.2-§1.10, §2.3), each
 * expected constant assembled by hand in the comment above it.
 */
class GuestRegsTest {
    @Test
    void tcrEl1For40BitIpa() {
        // T0SZ=16 -> 0x10; IRGN0=01 -> 0x100; ORGN0=01 -> 0x400; SH0=11 -> 0x3000; TG0=00;
        // T1SZ=16 -> 0x10_0000; IRGN1=01 -> 0x100_0000; ORGN1=01 -> 0x400_0000; SH1=11 -> 0x3000_0000;
        // TG1=10 (4 KB in TG1's encoding) -> 0x8000_0000; IPS=010 (40 bits) -> 0x2_0000_0000.
        // Sum: 0x2_B510_3510.
        long tcr = GuestRegs.tcrEl1(40);
        assertEquals(0x0000_0002_B510_3510L, tcr);
        assertEquals(16, tcr & 0x3f, "T0SZ");
        assertEquals(16, (tcr >>> 16) & 0x3f, "T1SZ");
        assertEquals(0b00, (tcr >>> 14) & 3, "TG0 = 4 KB");
        assertEquals(0b10, (tcr >>> 30) & 3, "TG1 = 4 KB");
        assertEquals(0, (tcr >>> 22) & 1, "A1: ASID from TTBR0");
        assertEquals(0, (tcr >>> 36) & 1, "AS: 8-bit ASID");
        // IPS for 48 bits is 101.
        assertEquals(0b101, (GuestRegs.tcrEl1(48) >>> 32) & 7);
    }

    @Test
    void mairSctlrHcr() {
        // Attr0 = 0xFF normal WB, Attr1 = 0x04 Device-nGnRE, Attr2 = 0x44 normal NC.
        assertEquals(0xFF, GuestRegs.MAIR_EL1 & 0xff);
        assertEquals(0x04, (GuestRegs.MAIR_EL1 >>> 8) & 0xff);
        assertEquals(0x44, (GuestRegs.MAIR_EL1 >>> 16) & 0xff);
        // SCTLR_EL1: M,C,SA,SA0 = 0x1D; EOS(11)+I(12) = 0x1800; 20,22,23 = 0xD0_0000; 28,29 = 0x3000_0000.
        assertEquals(0x30D0_181DL, GuestRegs.SCTLR_EL1);
        assertEquals(1, GuestRegs.SCTLR_EL1 & 1, "M");
        assertEquals(0, (GuestRegs.SCTLR_EL1 >>> 19) & 1, "WXN");
        assertEquals(0, (GuestRegs.SCTLR_EL1 >>> 25) & 1, "EE");
        // HCR_EL2: VM(0)=1, FMO(3)=8, IMO(4)=0x10, TWI(13)=0x2000, RW(31)=0x8000_0000.
        assertEquals(0x8000_2019L, GuestRegs.HCR_EL2);
    }

    @Test
    void stage2StartLevelsAndConcatenation() {
        // 4 KB granule, KVM: levels = max(2, (ipa - 8) / 9): 32 -> 2 (L2), 36 -> 3, 40 -> 3, 42 -> 3 (L1),
        // 44 -> 4, 48 -> 4 (L0). Concatenated roots = 2^(ipa - (n*9 + 21)), n = 3 - start:
        // 32 @ L2: 2^(32-30) = 4; 36 @ L1: 36-39 < 0 -> 1; 40 @ L1: 2; 42 @ L1: 8; 44, 48 @ L0: 1.
        assertEquals(2, GuestRegs.s2StartLevel(32));
        assertEquals(1, GuestRegs.s2StartLevel(36));
        assertEquals(1, GuestRegs.s2StartLevel(40));
        assertEquals(1, GuestRegs.s2StartLevel(42));
        assertEquals(0, GuestRegs.s2StartLevel(44));
        assertEquals(0, GuestRegs.s2StartLevel(48));
        assertEquals(4, GuestRegs.s2RootTables(32));
        assertEquals(1, GuestRegs.s2RootTables(36));
        assertEquals(2, GuestRegs.s2RootTables(40));
        assertEquals(8, GuestRegs.s2RootTables(42));
        assertEquals(1, GuestRegs.s2RootTables(48));
    }

    @Test
    void vtcrEl2() {
        // 40-bit IPA, 48-bit PA: T0SZ=24 (0x18), SL0=01 (start L1) -> 0x40, IRGN0/ORGN0=01 -> 0x500,
        // SH0=11 -> 0x3000, TG0=00, PS=101 -> 0x5_0000, RES1 bit 31 -> 0x8000_0000. Sum 0x8005_3558.
        assertEquals(0x8005_3558L, GuestRegs.vtcrEl2(40, 48));
        // 48-bit IPA: T0SZ=16 (0x10), SL0=10 (start L0) -> 0x80: 0x8005_3590.
        assertEquals(0x8005_3590L, GuestRegs.vtcrEl2(48, 48));
        // 32-bit IPA, 40-bit PA: T0SZ=32 (0x20), SL0=00 (start L2), PS=010 -> 0x2_0000: 0x8002_3520.
        assertEquals(0x8002_3520L, GuestRegs.vtcrEl2(32, 40));
    }

    @Test
    void ttbrFields() {
        // ASID 5 in [63:48], BADDR 0x4000_1000.
        assertEquals(0x0005_0000_4000_1000L, GuestRegs.ttbr(5, 0x4000_1000L));
        // VMID 3, root 0xC000_0002_0000 -> 0x0003_C000_0002_0000.
        assertEquals(0x0003_C000_0002_0000L, GuestRegs.ttbr(3, 0xC000_0002_0000L));
    }
}
