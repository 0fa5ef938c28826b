package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.hyp.Stage2Harness.VM;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_LAZY_MAP;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_MMIO;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_UNMAPPED;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.FaultKind;
import org.virtreplay.engine.mmu.MemType;

/**
 * Stage-2 fault handling with hand-computed expectations. The VM has a 40-bit IPA space: 4 KB
 * granule, start level 1 with 2 concatenated root tables (arm-reference §2.3), so a first access
 * in an untouched GB faults at level 1 (root entry invalid), a first access in an untouched 2 MB
 * region of a GB that has a level-2 table faults at level 2, and so on. RAM backing is placed at
 * host PA DEFAULT_HOST_RAM_BASE = 0x20_0000_0000 (128 GB, aligned to every backing size).
 */
class Stage2ManagerTest {

    private static final long RAM = Stage2Manager.DEFAULT_HOST_RAM_BASE;

    /**
     * VTCR_EL2 for 40-bit IPA: T0SZ 24 (0x18), start level 1 -> SL0 = 2-1 = 01 (0x40), IRGN0 = ORGN0 =
     * 01 (0x500), SH0 = 11 (0x3000), TG0 4 KB, PS = 101 (0x5_0000), VS = 1 for 16-bit VMIDs
     * (0x8_0000), RES1 bit 31 -> 0x800D_3558. Root: 2 concatenated 4 KB tables = 8 KB, the first
     * 8 KB-aligned address of the pool 0x8000_0000; VMID 5 pinned -> VTTBR 0x0005_0000_8000_0000
     * (ENV-S2's value).
     */
    @Test
    void vtcrAndVttbr() {
        Stage2Harness h = new Stage2Harness();
        assertEquals(0x800D_3558L, h.m.vtcr(VM));
        assertEquals(0x0005_0000_8000_0000L, h.m.vttbr(VM));
        assertFalse(h.m.vcpuLoad(0, VM), "a pinned VMID never allocates");
        assertEquals(5, h.m.vmid(VM));
    }

    /**
     * First touch of every 4 KB page of an 8 MB RAM slot at IPA 0x4000_0000 backed by 2 MB pages:
     * one stage-2 fault per 2 MB = 4 faults, each mapping a 2 MB block. The first finds root entry 1
     * invalid (level 1); the next three find entries 1..3 of the new level-2 table invalid (level 2).
     * PA = 0x20_0000_0000 + (IPA - 0x4000_0000).
     */
    @Test
    void firstTouchOfTwoMegabyteBackedSlotFaultsOncePer2Mb() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4000_0000L, 8L << 20, Memslot.RAM, -1, 2L << 20);
        for (long ipa = 0x4000_0000L; ipa < 0x4080_0000L; ipa += 4096) {
            assertTrue(h.read(ipa + 0x123));
            assertEquals(RAM + (ipa - 0x4000_0000L) + 0x123, h.res.pa);
        }
        assertEquals(4, h.total(-1));
        assertEquals(4, h.total(CAUSE_LAZY_MAP));
        assertEquals(1, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 1, false, CAUSE_LAZY_MAP));
        assertEquals(3, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 2, false, CAUSE_LAZY_MAP));
        assertEquals(2, h.m.leafLevel(VM, 0x4060_0000L));
        // Leaf: 2 MB block (bits[1:0]=01), MemAttr 1111, S2AP 11, SH 11, AF, XN 00 -> low bits 0x7FD.
        assertEquals(RAM + 0x60_0000L | 0x7FDL, h.m.leafDescriptor(VM, 0x4060_0000L));
        assertEquals(2, h.res.s2Level);
        assertEquals(2L << 20, h.res.s2Size);
    }

    /**
     * 1 GB backing, 2 GB slot at IPA 0x4000_0000 (1 GB aligned; PA 1 GB aligned): one fault per GB,
     * both at level 1 (the root entries 1 and 2), each mapping a level-1 block.
     */
    @Test
    void firstTouchOfOneGigabyteBackedSlot() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4000_0000L, 2L << 30, Memslot.RAM, -1, 1L << 30);
        for (long ipa = 0x4000_0000L; ipa < 0xC000_0000L; ipa += 2L << 20) {
            assertTrue(h.write(ipa));
        }
        assertEquals(2, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 1, false, CAUSE_LAZY_MAP));
        assertEquals(2, h.total(-1));
        assertEquals(1, h.m.leafLevel(VM, 0xBFFF_F000L));
        assertEquals(RAM + (0xBFFF_F000L - 0x4000_0000L), h.m.leafDescriptor(VM, 0xBFFF_F000L) & 0xFFFF_C000_0000L
                | (0xBFFF_F000L & 0x3FFF_FFFFL));
    }

    /**
     * A 2 MB-backed slot whose IPA is 1 MB off the 2 MB alignment (0x4010_0000, 4 MB): the backing PA
     * is 2 MB aligned, so IPA and PA disagree modulo 2 MB and KVM falls back to 4 KB pages: 1024 faults.
     * Levels: the very first at 1; the first page of each later 2 MB region (0x4020_0000, 0x4040_0000)
     * at 2; the other 1021 at 3.
     */
    @Test
    void misalignedSlotFallsBackToPages() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4010_0000L, 4L << 20, Memslot.RAM, -1, 2L << 20);
        for (long ipa = 0x4010_0000L; ipa < 0x4050_0000L; ipa += 4096) {
            assertTrue(h.read(ipa));
            assertEquals(RAM + (ipa - 0x4010_0000L), h.res.pa);
        }
        assertEquals(1024, h.total(CAUSE_LAZY_MAP));
        assertEquals(1, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 1, false, CAUSE_LAZY_MAP));
        assertEquals(2, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 2, false, CAUSE_LAZY_MAP));
        assertEquals(1021, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 3, false, CAUSE_LAZY_MAP));
    }

    /**
     * A 3 MB slot at 0x4000_0000 with 2 MB backing: the first 2 MB fit a block (1 fault, level 1);
     * a 2 MB block at 0x4020_0000 would leave the slot, so its 256 pages are mapped one by one
     * (first at level 2, 255 at level 3): 257 faults.
     */
    @Test
    void slotTooSmallForTheLastBlock() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4000_0000L, 3L << 20, Memslot.RAM, -1, 2L << 20);
        for (long ipa = 0x4000_0000L; ipa < 0x4030_0000L; ipa += 4096) {
            assertTrue(h.read(ipa));
        }
        assertEquals(257, h.total(CAUSE_LAZY_MAP));
        assertEquals(1, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 2, false, CAUSE_LAZY_MAP));
        assertEquals(255, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 3, false, CAUSE_LAZY_MAP));
        assertEquals(3, h.m.leafLevel(VM, 0x402F_F000L));
    }

    /**
     * An emulated device (MMIO slot, 4 KB at 0x0900_0000): nothing is ever mapped, so all 15
     * accesses (10 writes, 5 reads) exit, each a translation fault at level 1 (root entry 0 invalid),
     * cause mmio, not retried. WnR from the syndrome gives 10 writes.
     */
    @Test
    void mmioSlotAccessesAlwaysExit() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 3, 0x0900_0000L, 4096, Memslot.MMIO, -1, 0);
        int nisv = 0;
        for (int i = 0; i < 15; i++) {
            assertFalse(h.access(0x0900_0000L + 8 * (i % 4), i < 10 ? AccessType.WRITE : AccessType.READ));
            assertEquals(1, h.nCauses);
            assertEquals(CAUSE_MMIO, h.causes[0]);
            nisv += (h.res.esr & (1L << 24)) == 0 ? 1 : 0;
        }
        assertEquals(15, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 1, false, CAUSE_MMIO));
        assertEquals(15, h.m.mmioExits(VM));
        assertEquals(10, h.m.mmioWrites(VM));
        assertEquals(nisv, h.m.mmioNisv(VM));
        assertEquals(0, h.m.leafDescriptor(VM, 0x0900_0000L));
    }

    /** A data access to an IPA in no memslot is an MMIO exit (KVM hands it to the VMM); a fetch there gets an abort injected. */
    @Test
    void noSlotDataIsMmioFetchIsInjected() {
        Stage2Harness h = new Stage2Harness();
        assertFalse(h.read(0x2000_0000L));
        assertEquals(CAUSE_MMIO, h.causes[0]);
        assertFalse(h.access(0x2000_0000L, AccessType.FETCH));
        assertEquals(CAUSE_UNMAPPED, h.causes[0]);
        assertEquals(1, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 1, false, CAUSE_UNMAPPED));
    }

    /**
     * A pass-through device slot (64 KB at IPA 0x1000_0000 -> PA 0x7000_0000) is mapped when added, as
     * Device-nGnRE (MemAttr 0001), read/write, XN: 16 pages x (read + write) = 32 accesses, 0 faults,
     * PA = 0x7000_0000 + offset. Leaf = page (11) | MemAttr 0001 (0x4) | S2AP 11 (0xC0) | SH 10
     * (0x200) | AF (0x400) | XN 10 (bit 54) -> 0x0040_0000_7000_06C7 for the first page.
     */
    @Test
    void deviceSlotAccessesNeverExit() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 4, 0x1000_0000L, 64L << 10, Memslot.DEVICE, 0x7000_0000L, 0);
        for (long off = 0; off < (64L << 10); off += 4096) {
            assertTrue(h.read(0x1000_0000L + off + 4));
            assertEquals(0x7000_0000L + off + 4, h.res.pa);
            assertTrue(h.write(0x1000_0000L + off));
        }
        assertEquals(0, h.total(-1));
        assertEquals(0x0040_0000_7000_06C7L, h.m.leafDescriptor(VM, 0x1000_0000L));
        // A fetch from device memory: stage-2 XN -> permission fault; KVM refuses (-ENOEXEC) -> abort injected.
        assertFalse(h.access(0x1000_0000L, AccessType.FETCH));
        assertEquals(CAUSE_UNMAPPED, h.causes[0]);
    }

    /**
     * A read-only slot (KVM_MEM_READONLY, e.g. emulated UEFI flash), 64 MB at IPA 0, 4 KB backing:
     * read 0x1000 -> lazy map, read-only (translation fault at level 1: root entry 0 invalid);
     * write 0x1000 -> permission fault at level 3 -> MMIO exit, not retried, the page stays read-only;
     * write 0x2000 (unmapped) -> translation fault at level 3 -> MMIO exit; read 0x2000 -> lazy map (level 3).
     */
    @Test
    void readOnlySlotWritesExit() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 9, 0, 64L << 20, Memslot.ROM, -1, 4096);
        assertTrue(h.read(0x1000));
        assertEquals(RAM + 0x1000, h.res.pa);
        assertFalse(h.write(0x1000));
        assertEquals(CAUSE_MMIO, h.causes[0]);
        assertEquals(0, h.m.leafDescriptor(VM, 0x1000) & (1L << 7), "still read-only");
        assertFalse(h.write(0x2000));
        assertTrue(h.read(0x2000));
        var c = h.m.counters();
        assertEquals(1, c.get(VM, 0, FaultKind.TRANSLATION, 1, false, CAUSE_LAZY_MAP));
        assertEquals(1, c.get(VM, 0, FaultKind.TRANSLATION, 3, false, CAUSE_LAZY_MAP));
        assertEquals(1, c.get(VM, 0, FaultKind.PERMISSION, 3, false, CAUSE_MMIO));
        assertEquals(1, c.get(VM, 0, FaultKind.TRANSLATION, 3, false, CAUSE_MMIO));
        assertEquals(2, h.m.mmioWrites(VM));
    }

    /** An IPA beyond the VM's 40-bit space: the MMU reports a level-0 translation fault; KVM injects an abort. */
    @Test
    void ipaBeyondVmSizeIsInjected() {
        Stage2Harness h = new Stage2Harness();
        assertFalse(h.read(0x100_0000_0000L));
        assertEquals(CAUSE_UNMAPPED, h.causes[0]);
        assertEquals(1, h.m.counters().get(VM, 0, FaultKind.TRANSLATION, 0, false, CAUSE_UNMAPPED));
    }

    /** Counters are per vCPU: the same fault kind from vCPU 0 and vCPU 3 are separate rows, visited in key order. */
    @Test
    void countersPerVcpuInKeyOrder() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 3, 0x0900_0000L, 4096, Memslot.MMIO, -1, 0);
        h.mmu.translate(h.regs, 0x0900_0000L, 1, AccessType.READ, false, h.res);
        h.m.handleFault(10, VM, 3, h.res);
        h.m.handleFault(20, VM, 0, h.res);
        h.m.handleFault(30, VM, 3, h.res);
        StringBuilder b = new StringBuilder();
        h.m.forEachCounter((vm, vcpu, kind, level, s1ptw, cause, count, first, last) -> b.append(vm).append('/')
                .append(vcpu).append('/').append(kind.jsonName).append('/').append(level).append('/').append(s1ptw)
                .append('/').append(Stage2Manager.causeName(cause)).append('/').append(count).append('/')
                .append(first).append('/').append(last).append('\n'));
        assertEquals("1/0/translation/1/false/mmio/1/20/20\n1/3/translation/1/false/mmio/2/10/30\n", b.toString());
    }

    @Test
    void badSlotsAreRefused() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4000_0000L, 2L << 20, Memslot.RAM, -1, 2L << 20);
        assertThrows(BadInputException.class, () -> h.m.addMemslot(VM, 1, 0x4010_0000L, 4096, Memslot.RAM, -1, 4096));
        assertThrows(BadInputException.class, () -> h.m.addMemslot(VM, 2, 0x5000_0000L, 4096, Memslot.RAM, -1, 12345));
        assertThrows(BadInputException.class, () -> h.m.addMemslot(VM, 3, 0x5000_0800L, 4096, Memslot.RAM, -1, 4096));
        assertThrows(BadInputException.class, () -> h.m.addMemslot(VM, 4, 0xFF_FFFF_F000L, 8192, Memslot.RAM, -1, 4096));
        assertThrows(BadInputException.class, () -> h.m.addMemslot(7, 0, 0x4000_0000L, 4096, Memslot.RAM, -1, 4096));
    }

    /**
     * Recorded stage-2 {@code map} ranges must lie in the VM's 40-bit IPA space: a page ending
     * exactly at 2^40 maps and translates; a range beyond it would alias lower IPAs through the
     * tables' index bits, and one ending at 2^64 or spanning 2^62 bytes would take 2^50 steps, so
     * both are refused at once.
     */
    @Test
    void mapAndUnmapRangesStayInsideTheIpaSpace() {
        Stage2Harness h = new Stage2Harness();
        h.m.map(VM, 0xFF_FFFF_F000L, 0x1_0000_0000L, 4096, "rw", MemType.NORMAL_WB);
        assertTrue(h.read(0xFF_FFFF_FFF8L));
        assertEquals(0x1_0000_0FF8L, h.res.pa);
        assertThrows(BadInputException.class,
                () -> h.m.map(VM, 0x100_0000_0000L, 0x2_0000_0000L, 4096, "rw", MemType.NORMAL_WB));
        assertThrows(BadInputException.class,
                () -> h.m.map(VM, 0xFFFF_FFFF_FFFF_F000L, 0x2_0000_0000L, 4096, "rw", MemType.NORMAL_WB));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThrows(BadInputException.class, () -> h.m.unmap(VM, 0x8000_0000_0000_0000L, 1L << 62));
            assertThrows(BadInputException.class, () -> h.m.unmap(VM, 0xFFFF_FFFF_FFFF_F000L, 4096));
        });
        // The page at the top is still mapped: nothing beyond 2^40 touched it.
        assertTrue(h.read(0xFF_FFFF_F000L));
        h.m.unmap(VM, 0xFF_FFFF_F000L, 4096);
        assertFalse(h.read(0xFF_FFFF_F000L), "unmapped, outside every memslot: an MMIO exit");
    }

    /** A memslot whose end wraps past 2^64 is refused; one ending exactly at 2^40 is accepted. */
    @Test
    void memslotsEndingAtOrWrappingPastTheTop() {
        Stage2Harness h = new Stage2Harness();
        assertThrows(BadInputException.class,
                () -> h.m.addMemslot(VM, 0, 0xFFFF_FFFF_FFFF_F000L, 0x2000, Memslot.RAM, -1, 4096));
        assertThrows(BadInputException.class,
                () -> h.m.addMemslot(VM, 1, 0x4000_0000L, 0x2000, Memslot.DEVICE, 0xFFFF_FFFF_FFFF_F000L, 4096));
        h.m.addMemslot(VM, 2, 0xFF_FFE0_0000L, 2L << 20, Memslot.RAM, -1, 2L << 20);
        assertTrue(h.read(0xFF_FFFF_FFF8L));
        assertEquals(1, h.total(CAUSE_LAZY_MAP));
    }
}
