package org.virtreplay.engine.hyp;

/**
 * KVM/arm64's VMID allocator (arch/arm64/kvm/vmid.c, itself the arm64 ASID allocator), modelled
 * step by step so that a replay issues {@code TLBI ALLE1IS} exactly when KVM would.
 *
 * <p>State, as in KVM: a global 64-bit {@code generation} that advances by {@code 2^bits} on each
 * rollover; each VM holds {@code generation | vmid}; a bitmap of the VMIDs used in the current
 * generation; per physical CPU an {@code active} VMID (the one running there, or the "invalid"
 * marker {@code 2^bits} after the vCPU was put) and a {@code reserved} VMID (the one it was running at
 * the last rollover). VMID 0 is never handed out.
 *
 * <p>{@link #load} is {@code kvm_arm_vmid_update} on vCPU load: if the VM's VMID is of the current
 * generation and the CPU's active slot is not being reset, it just becomes active (fast path).
 * Otherwise a new VMID is chosen: the VM's old number again if a CPU still has it reserved or it is
 * free in the new generation; else the next free bit at or after a rotating cursor (the last VMID
 * handed out). When no bit is free at or after the cursor the allocator rolls over: generation +1,
 * bitmap cleared except for each CPU's active (or, if it had none, reserved) VMID, and one broadcast
 * {@code TLBI ALLE1IS} — there is no deferred per-CPU flush as for ASIDs. Note that free bits
 * below the cursor do not prevent a rollover: KVM does not search them.
 *
 * <p>VMIDs a trace pins (the recorded hypervisor's, {@link #pin}) belong to their VMs for the whole
 * replay: the allocator never hands them out, also not after a rollover, so a VM it numbers (one
 * the trace left to it, or a sweep's replica) never shares a VMID, and with it TLB entries, with a
 * pinned VM. KVM has no such VMIDs; this is the model's rule for mixing recorded and modelled ones.
 *
 * <p>Allocation-free after construction. Not thread-safe (KVM's spinlock is not needed in a
 * single-threaded replay).
 */
public final class VmidAllocator {

    private final int bits;
    private final long firstVersion;
    private final long[] map;
    /** VMIDs pinned by the trace: always set in {@link #map}. */
    private final long[] pinned;
    private final long[] active;
    private final long[] reserved;
    private long generation;
    private int curIdx = 1;
    private long rollovers;
    /** Per VM (index): generation | vmid, 0 = never allocated. Grows when more VMs register. */
    private long[] vmVmid = new long[16];

    /**
     * @param bits  VMID width: 8 or 16 on real hardware (ID_AA64MMFR1_EL1.VMIDBits); 2..16 accepted so
     *              that tests can reach a rollover quickly
     * @param cpus  physical CPUs (PEs); KVM requires more VMIDs than CPUs
     */
    public VmidAllocator(int bits, int cpus) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("VMID width must be 2..16 bits, got " + bits);
        }
        if ((1 << bits) - 1 <= cpus) {
            throw new IllegalArgumentException(
                    "need more VMIDs than CPUs (KVM's requirement): " + ((1 << bits) - 1) + " VMIDs, " + cpus + " CPUs");
        }
        this.bits = bits;
        this.firstVersion = 1L << bits;
        this.map = new long[(1 << bits) / 64 + 1];
        this.pinned = new long[map.length];
        this.active = new long[cpus];
        this.reserved = new long[cpus];
        this.generation = firstVersion;
    }

    public int bits() {
        return bits;
    }

    /** Number of rollovers so far (each issued one TLBI ALLE1IS). */
    public long rollovers() {
        return rollovers;
    }

    /** The current generation number (1 at start, +1 per rollover). */
    public long generation() {
        return generation >>> bits;
    }

    /** The VMID number (without generation) VM {@code vm} holds; 0 if it never ran. */
    public int vmid(int vm) {
        return vm < vmVmid.length ? (int) (vmVmid[vm] & (firstVersion - 1)) : 0;
    }

    /**
     * vCPU of VM {@code vm} (a small dense index chosen by the caller) is loaded on {@code cpu}:
     * makes sure the VM has a VMID of the current generation. Returns true if this call rolled the
     * allocator over, i.e. KVM broadcast {@code TLBI ALLE1IS} (caller: invalidate the TLBs).
     */
    public boolean load(int cpu, int vm) {
        ensureVm(vm);
        long vmid = vmVmid[vm];
        long oldActive = active[cpu];
        // Fast path: KVM's cmpxchg on the per-CPU active slot succeeds unless a rollover zeroed it.
        if (oldActive != 0 && genMatch(vmid) && !isPinned(vmid)) {
            active[cpu] = vmid;
            return false;
        }
        long before = rollovers;
        if (!genMatch(vmid) || isPinned(vmid)) {
            // (a number the trace pinned since this VM got it goes to the pinned VM: take a free one)
            vmid = newVmid(vm);
        }
        active[cpu] = vmid;
        return rollovers != before;
    }

    /**
     * VMID {@code vmid} is the trace's for one of its VMs (which does not allocate): never hand it
     * out to another VM. A VM of the allocator's that holds it moves to a free number at its next
     * {@link #load} (a number unused in this generation has no TLB entries: no invalidation needed).
     */
    public void pin(int vmid) {
        if (vmid <= 0 || vmid >= (1 << bits)) {
            return; // 0 is never handed out; a number beyond the width cannot collide
        }
        pinned[vmid >>> 6] |= 1L << (vmid & 63);
        set(vmid);
    }

    private boolean isPinned(long vmid) {
        int i = (int) (vmid & (firstVersion - 1));
        return (pinned[i >>> 6] & (1L << (i & 63))) != 0;
    }

    /** vCPU put (scheduled out) on {@code cpu}: its VMID need not be reserved at the next rollover. */
    public void put(int cpu) {
        active[cpu] = firstVersion; // KVM's VMID_ACTIVE_INVALID: index 0, never a real VMID
    }

    private boolean genMatch(long vmid) {
        return ((vmid ^ generation) >>> bits) == 0;
    }

    private long newVmid(int vm) {
        long vmid = vmVmid[vm];
        long mask = firstVersion - 1;
        if (vmid != 0 && !isPinned(vmid)) {
            long newVmid = generation | (vmid & mask);
            // Reuse the old number if a CPU reserved it at the rollover, or if it is still free.
            if (updateReserved(vmid, newVmid)) {
                vmVmid[vm] = newVmid;
                return newVmid;
            }
            if (!testAndSet((int) (vmid & mask))) {
                vmVmid[vm] = newVmid;
                return newVmid;
            }
        }
        int idx = nextZero(curIdx);
        if (idx < 0) {
            generation += firstVersion;
            flushContext();
            idx = nextZero(1);
            if (idx < 0) {
                throw new org.virtreplay.engine.BadInputException("no VMID left for another VM: the trace pins "
                        + "or the host runs all " + ((1 << bits) - 1) + " VMIDs");
            }
        }
        set(idx);
        curIdx = idx;
        vmid = generation | idx;
        vmVmid[vm] = vmid;
        return vmid;
    }

    private void flushContext() {
        for (int i = 0; i < map.length; i++) {
            map[i] = pinned[i];
        }
        for (int cpu = 0; cpu < active.length; cpu++) {
            long v = active[cpu];
            active[cpu] = 0;
            if (v == 0) {
                v = reserved[cpu];
            }
            set((int) (v & (firstVersion - 1)));
            reserved[cpu] = v;
        }
        rollovers++; // the broadcast TLBI ALLE1IS of __kvm_flush_vm_context
    }

    private boolean updateReserved(long vmid, long newVmid) {
        boolean hit = false;
        for (int cpu = 0; cpu < reserved.length; cpu++) {
            if (reserved[cpu] == vmid) {
                hit = true;
                reserved[cpu] = newVmid;
            }
        }
        return hit;
    }

    private int nextZero(int from) {
        int n = 1 << bits;
        for (int i = from; i < n; i++) {
            if ((map[i >>> 6] & (1L << (i & 63))) == 0) {
                return i;
            }
        }
        return -1;
    }

    private boolean testAndSet(int i) {
        boolean was = (map[i >>> 6] & (1L << (i & 63))) != 0;
        set(i);
        return was;
    }

    private void set(int i) {
        map[i >>> 6] |= 1L << (i & 63);
    }

    private void ensureVm(int vm) {
        if (vm < 0) {
            throw new IllegalArgumentException("VM index must be >= 0: " + vm);
        }
        if (vm >= vmVmid.length) {
            long[] n = new long[Math.max(vm + 1, vmVmid.length * 2)];
            System.arraycopy(vmVmid, 0, n, 0, vmVmid.length);
            vmVmid = n;
        }
    }
}
