package org.virtreplay.engine.tlb;

import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Mmu;

/**
 * A one-VM, one-vCPU TLB study of an address trace (the engine behind {@code virtreplay tlb}): a
 * {@link FirstTouchVm} for the tables and one {@link TranslationUnit} for the TLBs. Each trace
 * access is split at the lookup page size ({@link FirstTouchVm#lookupPageSize()}) and each page is
 * looked up once, in the order of the access's bytes (an access crossing 2^64 continues at VA 0).
 * Allocation-free per access.
 *
 * <p>Each page lookup first tries the translation unit's same-entry fast path
 * ({@link TranslationUnit#accessIfL1MruHit}), as the replay's per-row path does: most lookups of
 * a lackey trace hit the entry their L1 hit last, and the fast path counts that hit without the
 * lookup's search, leaving
 * every counter and the replacement state as {@link TranslationUnit#access} would
 * ({@code TlbStudyTest} compares the two on random traces under every policy). It took the model's
 * thread of {@code virtreplay tlb} on a 45 M-line trace from 0.67-0.70 to 0.55-0.57 CPU-s
 * (docs/performance.md, "TLB").
 */
public final class TlbStudy {
    /** Access kinds, as {@link TranslationUnit#access} takes them. */
    public static final int READ = 0, WRITE = 1, MODIFY = 2, FETCH = 3;

    public final FirstTouchVm vm;
    public final TranslationUnit unit;
    private final int pageShift;
    private boolean fastPath = true;
    /** Page lookups made (one per page an access touches). */
    public long pageLookups;
    /** Trace accesses seen, by kind. */
    public long fetches, loads, stores, modifies;

    public TlbStudy(CorePreset core, Granule s1Gran, Granule s2Gran, long s2Block, Replacement policy, long seed) {
        vm = new FirstTouchVm(s1Gran, s2Gran, s2Block);
        unit = new TranslationUnit(0, core, vm.regs, new Mmu(vm.mem), policy, seed);
        unit.setWalkListener(vm);
        long page = vm.lookupPageSize();
        pageShift = Long.numberOfTrailingZeros(page);
    }

    /** Turns the same-entry fast path off (or on again), for comparing the two; on by default. */
    public void setFastPath(boolean on) {
        fastPath = on;
    }

    /** One trace access of {@code size} bytes (at least 1) at {@code addr}. */
    public void access(int kind, long addr, int size) {
        switch (kind) {
            case FETCH -> {
                fetches++;
                unit.instructions++;
            }
            case READ -> loads++;
            case WRITE -> stores++;
            default -> modifies++;
        }
        // Byte i is at addr + i modulo 2^64: an access crossing 2^64 continues at VA 0
        // (docs/fidelity.md, TLB), so pages are counted modulo 2^(64 - pageShift).
        final int shift = pageShift;
        long more = (((addr + (size <= 0 ? 0 : size - 1)) >>> shift) - (addr >>> shift)) & (-1L >>> shift);
        unit.now++;
        lookup(addr, kind);
        pageLookups++;
        long a = addr;
        while (more-- != 0) {
            a = ((a >>> shift) + 1) << shift;
            lookup(a, kind);
            pageLookups++;
        }
    }

    private void lookup(long va, int kind) {
        if (!fastPath || !unit.accessIfL1MruHit(va, kind, 0)) {
            unit.access(va, kind, 0);
        }
    }
}
