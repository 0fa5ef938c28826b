package org.virtreplay.engine.tlb;

import java.util.ArrayList;
import java.util.List;

/**
 * Hits on TLB entries whose translation no longer matches the page tables: the symptom of a
 * missing or misplaced {@code TLBI} in a guest or hypervisor. Counts every such hit and keeps the
 * first {@code capacity} of them in primitive arrays (nothing allocated when recording).
 */
public final class StaleLog {
    /** One stale hit: the cached PA versus the PA the tables give now ({@code -1} = they fault). */
    public record Hit(int vm, int vcpu, int pe, long va, long when, long cachedPa, long currentPa) {
        @Override
        public String toString() {
            return String.format("vm %d vcpu %d pe %d va 0x%x at access %d: TLB gives pa 0x%x, tables give %s", vm,
                    vcpu, pe, va, when, cachedPa, currentPa < 0 ? "a fault" : String.format("pa 0x%x", currentPa));
        }
    }

    private final int capacity;
    private final int[] vm;
    private final int[] vcpu;
    private final int[] pe;
    private final long[] va;
    private final long[] when;
    private final long[] cachedPa;
    private final long[] currentPa;
    private int kept;
    private long count;

    public StaleLog(int capacity) {
        this.capacity = capacity;
        vm = new int[capacity];
        vcpu = new int[capacity];
        pe = new int[capacity];
        va = new long[capacity];
        when = new long[capacity];
        cachedPa = new long[capacity];
        currentPa = new long[capacity];
    }

    void record(int vmIndex, int vcpuIndex, int peIndex, long addr, long at, long cached, long current) {
        count++;
        if (kept < capacity) {
            vm[kept] = vmIndex;
            vcpu[kept] = vcpuIndex;
            pe[kept] = peIndex;
            va[kept] = addr;
            when[kept] = at;
            cachedPa[kept] = cached;
            currentPa[kept] = current;
            kept++;
        }
    }

    /** Number of stale hits seen (not only those kept). */
    public long count() {
        return count;
    }

    /** The first stale hits, in order (allocates; for reports). */
    public List<Hit> hits() {
        List<Hit> l = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            l.add(new Hit(vm[i], vcpu[i], pe[i], va[i], when[i], cachedPa[i], currentPa[i]));
        }
        return l;
    }
}
