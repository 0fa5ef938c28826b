package org.virtreplay.engine.replay;

/**
 * Packs what the flat per-access loop needs of a {@code mem} row into one {@code int}, so that the
 * work can be done where the rows are decoded, on the replay's reader thread, instead of on the
 * model's: the flat vCPU index and the VM's dense index (two dependent table lookups per row), the
 * exception level, the access code in {@link org.virtreplay.engine.tlb.TranslationUnit}'s numbering
 * and whether the access stays inside one 4 KB page. The loop then reads three columns of a row
 * (time, address, this word) instead of seven.
 *
 * <p>A row packs only when it is the plain case: a declared VM, a vCPU below its count, EL and
 * access codes of two bits, and bytes that do not cross a 4 KB boundary (so they cross no page of
 * any granule). Every other row is {@link #GENERAL}: the loop takes it from the full columns
 * exactly as it did before there was a packed word, including whatever error it raises. So a
 * packed row and the same row unpacked are replayed alike (docs/fidelity.md, "The loop's packed
 * rows").
 *
 * <p>Immutable after construction (it copies the layout), so the reader thread may use it.
 */
public final class MemRowPacker {
    /** A row the flat loop takes from the full columns (the sign bit, so that {@code meta < 0} tests it). */
    public static final int GENERAL = 1 << 31;

    static final int F_BITS = 16;
    static final int F_MASK = (1 << F_BITS) - 1;
    static final int D_SHIFT = 16;
    static final int D_MASK = 0xFF;
    static final int EL_SHIFT = 24;
    static final int KIND_SHIFT = 26;

    private final int[] vmIndexOf;
    private final int[] vcpuBase;
    private final int[] vcpuCount;
    /** The layout fits the word's fields; otherwise every row is {@link #GENERAL}. */
    private final boolean fits;

    MemRowPacker(ReplayHost host) {
        this(host.vmIndexOf.clone(), host.vcpuBase.clone(), host.vcpuCount.clone(), host.totalVcpus);
    }

    private MemRowPacker(int[] vmIndexOf, int[] vcpuBase, int[] vcpuCount, int totalVcpus) {
        this.vmIndexOf = vmIndexOf;
        this.vcpuBase = vcpuBase;
        this.vcpuCount = vcpuCount;
        fits = totalVcpus <= F_MASK + 1 && vcpuBase.length <= D_MASK + 1;
    }

    /**
     * The packer of a replay that will declare VM {@code vmIds[i]} with {@code vcpus[i]} vCPUs, in
     * this order, before {@link Replayer#start()}: for a decoder that serves replays not yet
     * created (a sweep's shared stream). A replay uses the words only when its own packer has
     * {@link #sameLayout the same layout}.
     */
    public static MemRowPacker of(int[] vmIds, int[] vcpus) {
        int maxId = -1;
        for (int id : vmIds) {
            maxId = Math.max(maxId, id);
        }
        int[] index = new int[maxId + 1];
        java.util.Arrays.fill(index, -1);
        int[] base = new int[vmIds.length];
        int flat = 0;
        for (int i = 0; i < vmIds.length; i++) {
            index[vmIds[i]] = i;
            base[i] = flat;
            flat += vcpus[i];
        }
        return new MemRowPacker(index, base, vcpus.clone(), flat);
    }

    /** Whether {@code other} packs every row as this one does (the same VMs and vCPUs, in the same order). */
    public boolean sameLayout(MemRowPacker other) {
        return other == this || (other != null && fits == other.fits
                && java.util.Arrays.equals(vmIndexOf, other.vmIndexOf)
                && java.util.Arrays.equals(vcpuBase, other.vcpuBase)
                && java.util.Arrays.equals(vcpuCount, other.vcpuCount));
    }

    /**
     * {@link org.virtreplay.engine.tlb.TranslationUnit}'s code of trace access code {@code access},
     * without a branch: READ 0 -> 0, WRITE 1 -> 1, FETCH 2 -> 3, READ_WRITE 3 -> 2 (the decoder
     * admits no other code).
     */
    static int kind(int access) {
        return access ^ (access >>> 1);
    }

    /** Packs rows {@code from .. to - 1} of the columns into {@code meta}. */
    public void pack(int[] vm, int[] vcpu, int[] el, int[] access, long[] va, int[] size, int[] meta, int from,
            int to) {
        if (!fits) {
            java.util.Arrays.fill(meta, from, to, GENERAL);
            return;
        }
        final int[] index = vmIndexOf;
        for (int i = from; i < to; i++) {
            meta[i] = GENERAL;
            final int v = vm[i];
            final int d = v >= 0 && v < index.length ? index[v] : -1;
            if (d < 0) {
                continue;
            }
            final int c = vcpu[i];
            final int e = el[i];
            final int a = access[i];
            final long addr = va[i];
            // Byte i of the access is at addr + i modulo 2^64; an access that wraps past 2^64 is
            // left to the general path, which counts page numbers modulo 2^(64 - shift).
            final long last = addr + Math.max(size[i], 1) - 1;
            if (c < 0 || c >= vcpuCount[d] || (e & ~3) != 0 || (a & ~3) != 0 || (last >>> 12) != (addr >>> 12)) {
                continue;
            }
            meta[i] = (vcpuBase[d] + c) | d << D_SHIFT | e << EL_SHIFT | kind(a) << KIND_SHIFT;
        }
    }
}
