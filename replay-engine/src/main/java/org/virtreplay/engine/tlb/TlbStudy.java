package org.virtreplay.engine.tlb;

import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Mmu;

/**
 * A one-VM, one-vCPU TLB study of an address trace (the engine behind {@code virtreplay tlb}): a
 * {@link FirstTouchVm} for the tables and one {@link TranslationUnit} for the TLBs. Each trace
 * access is split at the lookup page size ({@link FirstTouchVm#lookupPageSize()}) and each page is
 * looked up once, in the order of the access's bytes (an access crossing 2^64 continues at VA 0).
 * Allocation-free per access.
 */
public final class TlbStudy {
    /** Access kinds, as {@link TranslationUnit#access} takes them. */
    public static final int READ = 0, WRITE = 1, MODIFY = 2, FETCH = 3;

    public final FirstTouchVm vm;
    public final TranslationUnit unit;
    private final int pageShift;
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
        unit.access(addr, kind, 0);
        pageLookups++;
        long a = addr;
        while (more-- != 0) {
            a = ((a >>> shift) + 1) << shift;
            unit.access(a, kind, 0);
            pageLookups++;
        }
    }
}
