package org.virtreplay.engine.tlb;

import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Mair;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TableBuilder;
import org.virtreplay.engine.stats.LongSet;

/**
 * One VM with one vCPU at EL0 (ASID 1, VMID 1) whose stage-1 and stage-2 tables are built on
 * demand: the first time a page is about to be walked, it is mapped at stage 1 (VA page to the
 * next free IPA page) and, if its IPA is not yet covered, at stage 2 (to the next free PA unit),
 * with {@link TableBuilder}, so that the walks are real nested walks over real descriptors. This is
 * how an address-only trace (Valgrind lackey) is given a two-stage translation.
 *
 * <p>Layout: 48-bit VA (TTBR0_EL1, T0SZ=16, EPD1=1) and 48-bit IPA/PA. Stage-1 root at IPA
 * {@value #S1_ROOT_IPA}, stage-1 tables allocated upward from the next granule, each table page
 * mapped at stage 2 (at the stage-2 granule) before it is used; data IPAs from
 * {@value #DATA_IPA_BASE} and data PAs from {@value #DATA_PA_BASE} in first-touch order; stage-2
 * root at PA {@value #S2_ROOT_PA} with its tables above it. Data pages are "rwxu" (EL0 read, write,
 * execute), Normal Write-Back, non-global (nG=1, so TLB entries carry ASID 1).
 *
 * <p>The mapping happens before the walk and is not itself counted: a lackey trace has no page
 * faults, so the model treats every page as resident (see docs/fidelity.md, section TLB).
 */
public final class FirstTouchVm implements TranslationUnit.WalkListener {
    public static final long S1_ROOT_IPA = 0x4000_0000L;
    public static final long DATA_IPA_BASE = 0x1_0000_0000L;
    public static final long S2_ROOT_PA = 0x8000_0000L;
    public static final long TABLE_PA_BASE = 0xC000_0000L;
    public static final long DATA_PA_BASE = 0x10_0000_0000L;
    public static final int ASID = 1;
    public static final int VMID = 1;

    public final Granule s1Gran;
    public final Granule s2Gran;
    /** Bytes each stage-2 mapping covers: the stage-2 granule, or the block size asked for. */
    public final long s2Unit;
    public final PhysicalMemory mem = new PhysicalMemory();
    public final MmuRegisters regs = new MmuRegisters();
    private final TableBuilder s1;
    private final TableBuilder s2;

    private final LongSet s1Pages = new LongSet(1 << 12);
    private final LongSet s2Units = new LongSet(1 << 12);
    private long nextDataIpa = DATA_IPA_BASE;
    private long nextDataPa = DATA_PA_BASE;
    private long nextTablePa = TABLE_PA_BASE;

    /**
     * @param s2Block 0 for stage-2 pages at the stage-2 granule, or a block size (2 MB, 32 MB,
     *                512 MB, 1 GB) that the stage-2 granule allows
     */
    public FirstTouchVm(Granule s1Gran, Granule s2Gran, long s2Block) {
        this.s1Gran = s1Gran;
        this.s2Gran = s2Gran;
        this.s2Unit = s2Block == 0 ? s2Gran.bytes : s2Block;
        if (s2Block != 0 && !blockSizeAllowed(s2Gran, s2Block)) {
            throw new IllegalArgumentException(String.format("a %d KB stage-2 granule has no %d MB block",
                    s2Gran.bytes >> 10, s2Block >> 20));
        }
        int s2Start = TableBuilder.stage2StartLevel(s2Gran, 48);
        s2 = TableBuilder.stage2(mem, s2Gran, 48, s2Start, S2_ROOT_PA, S2_ROOT_PA + 0x10_0000L, 0x3FF0_0000L, false);
        s1 = TableBuilder.stage1(mem, s1Gran, 48, S1_ROOT_IPA, S1_ROOT_IPA + s1Gran.bytes, 0x3000_0000L,
                new Mair(0xFF), s2::resolve);
        mapTableIpa(S1_ROOT_IPA);
        long tg0 = switch (s1Gran) { case K4 -> 0; case K64 -> 1; case K16 -> 2; };
        long vtg0 = switch (s2Gran) { case K4 -> 0; case K64 -> 1; case K16 -> 2; };
        long tcr = 16 | (1L << 8) | (1L << 10) | (3L << 12) | (tg0 << 14) | (1L << 23) | (5L << 32);
        long vtcr = 16 | ((long) TableBuilder.sl0For(s2Gran, s2Start) << 6) | (1L << 8) | (1L << 10) | (3L << 12)
                | (vtg0 << 14) | (5L << 16) | (1L << 31);
        regs.set("TCR_EL1", tcr);
        regs.set("TTBR0_EL1", ((long) ASID << 48) | S1_ROOT_IPA);
        regs.set("MAIR_EL1", 0xFF);
        regs.set("SCTLR_EL1", 1);
        regs.set("HCR_EL2", (1L << 31) | 1);
        regs.set("VTCR_EL2", vtcr);
        regs.set("VTTBR_EL2", ((long) VMID << 48) | S2_ROOT_PA);
    }

    static boolean blockSizeAllowed(Granule g, long size) {
        for (int level = 0; level < 3; level++) {
            if (g.blockAllowed(level) && (1L << g.levelShift(level)) == size) {
                return true;
            }
        }
        return false;
    }

    /** The size at which an access must be split into page lookups: the smallest translation unit. */
    public long lookupPageSize() {
        return Math.min(s1Gran.bytes, s2Unit);
    }

    /** Number of VA pages mapped so far. */
    public int pagesMapped() {
        return s1Pages.size();
    }

    @Override
    public void beforeWalk(long va, int el) {
        long page = va >>> s1Gran.g;
        if ((va >>> 48) != 0 || !s1Pages.add(page)) {
            return; // already mapped, or outside the VA range (the walk will fault)
        }
        long ipa = nextDataIpa;
        nextDataIpa += s1Gran.bytes;
        mapIpa(ipa, s1Gran.bytes, false);
        ensureS1TablesMapped();
        s1.map(page << s1Gran.g, ipa, s1Gran.bytes, "rwxu", MemType.NORMAL_WB, true);
    }

    /** Makes sure the next few stage-1 table pages the builder may allocate are mapped at stage 2. */
    private void ensureS1TablesMapped() {
        long next = s1.poolNext();
        for (int i = 0; i < 4; i++) {
            mapTableIpa(next + i * s1Gran.bytes);
        }
    }

    private void mapTableIpa(long ipa) {
        mapIpa(ipa, s1Gran.bytes, true);
    }

    /** Maps the stage-2 unit(s) covering {@code [ipa, ipa+len)} if not yet mapped. */
    private void mapIpa(long ipa, long len, boolean table) {
        // Counted in units, not compared against ipa + len, which would wrap at 2^64 and never end.
        long first = ipa & -s2Unit;
        long units = ((ipa + len - 1 - first) >>> Long.numberOfTrailingZeros(s2Unit)) + 1;
        for (long a = first; units-- > 0; a += s2Unit) {
            if (s2Units.add(a / s2Unit)) {
                long pa;
                if (table) {
                    nextTablePa = (nextTablePa + s2Unit - 1) & -s2Unit;
                    pa = nextTablePa;
                    nextTablePa += s2Unit;
                } else {
                    nextDataPa = (nextDataPa + s2Unit - 1) & -s2Unit;
                    pa = nextDataPa;
                    nextDataPa += s2Unit;
                }
                s2.map(a, pa, s2Unit, "rwx", MemType.NORMAL_WB, false);
            }
        }
    }
}
