package org.virtreplay.engine.replay;

import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * Turns TLB maintenance into invalidations of the modelled TLBs: the guest's and the recorded
 * hypervisor's TLBI rows from the trace, and the maintenance the hypervisor model issues for its
 * own stage-2 changes. Both need the right context loaded on the issuing PE first (the operation
 * is tagged with its VMID and ASID) and an Xt operand built from the trace's fields; keeping them
 * together keeps that choice of PE and context in one place.
 */
final class TlbiDispatch {

    private final ReplayHost host;
    private final Hypervisor hyp;

    TlbiDispatch(ReplayHost host, Hypervisor hyp) {
        this.host = host;
        this.hyp = hyp;
    }

    /** See {@link Replayer#onTlbi}; the caller has counted the event. */
    void onTlbi(long ts, int pe, int vm, int vcpu, TlbiOp op, int asid, long addr, boolean hasAddr, int ttl,
            int pages) {
        if (op.isBarrier()) {
            return;
        }
        int peCount = host.pes.length;
        if (pe >= peCount) {
            pe = -1; // a host with fewer PEs than the recorded one (capacity studies): where the vCPU is now
        }
        int d = host.denseOrFail(vm);
        int[] vcpuBase = host.vcpuBase;
        int[] vcpuCount = host.vcpuCount;
        int[] loaded = host.loaded;
        int f;
        int p;
        int el;
        if (vcpu >= 0) {
            f = vcpuBase[d] + vcpu;
            p = pe >= 0 ? pe : hyp.loadedPe(ts, vm, vcpu);
            if (p < 0) {
                p = host.lastPe[f] >= 0 ? host.lastPe[f] : f % peCount;
            }
            el = 1;
        } else {
            p = pe >= 0 ? pe : 0;
            int cur = loaded[p];
            f = cur >= vcpuBase[d] && cur < vcpuBase[d] + vcpuCount[d] ? cur : vcpuBase[d];
            el = 2;
        }
        if (p >= peCount) {
            throw new BadInputException("tlbi on PE " + p + " but the host has " + peCount + " PEs");
        }
        if (loaded[p] != f) {
            host.load(p, f, d);
        }
        long xt = operand(op, asid, addr, hasAddr, ttl, pages, host.pageShift[f]);
        host.tlbHost.tlbi(p, op, xt, el);
    }

    /**
     * TLB maintenance the hypervisor issues for its own stage-2 changes (break-before-make, dirty
     * logging, VMID rollover): executed at EL2 on PE 0 in the VM's context ({@code vm} -1: any).
     */
    void hypervisorTlbi(TlbiOp op, int vm, long ipa) {
        int p = 0;
        int[] vmIndexOf = host.vmIndexOf;
        if (vm >= 0 && vm < vmIndexOf.length && vmIndexOf[vm] >= 0) {
            int d = vmIndexOf[vm];
            int cur = host.loaded[p];
            int f = cur >= host.vcpuBase[d] && cur < host.vcpuBase[d] + host.vcpuCount[d] ? cur : host.vcpuBase[d];
            if (host.loaded[p] != f) {
                host.load(p, f, d);
            }
        }
        long xt = op.target() == TlbiOp.Target.IPAS2 ? (ipa >>> 12) & ((1L << 40) - 1) : 0;
        host.tlbHost.tlbi(p, op, xt, 2);
    }

    /** Builds the TLBI register operand (Xt) from the trace's fields (Arm ARM C5.5 operand formats). */
    static long operand(TlbiOp op, int asid, long addr, boolean hasAddr, int ttl, int pages, int granShift) {
        long asidBits = asid >= 0 ? ((long) asid & 0xFFFF) << 48 : 0;
        int tg = granShift == 12 ? 1 : granShift == 14 ? 2 : 3; // TTL/TG encoding: 01 4K, 10 16K, 11 64K
        if (op.isRange()) {
            // Xt: ASID[63:48] TG[47:46] SCALE[45:44] NUM[43:39] TTL[38:37] BaseADDR[36:0] (granule units).
            long n = Math.max(1, pages);
            int scale = 0;
            while (scale < 3 && n > 32L << (5 * scale + 1)) {
                scale++;
            }
            long unit = 1L << (5 * scale + 1);
            long num = Math.min(31, (n + unit - 1) / unit - 1);
            long base = hasAddr ? (addr >>> granShift) & ((1L << 37) - 1) : 0;
            long ttlBits = ttl >= 0 ? ttl & 3 : 0;
            return asidBits | ((long) tg << 46) | ((long) scale << 44) | (num << 39) | (ttlBits << 37) | base;
        }
        long ttlField = ttl >= 0 ? ((long) (tg << 2 | (ttl & 3))) << 44 : 0;
        if (op.target() == TlbiOp.Target.IPAS2) {
            return ttlField | ((hasAddr ? addr : 0) >>> 12) & ((1L << 40) - 1);
        }
        if (op.hasAddress()) {
            return asidBits | ttlField | (((hasAddr ? addr : 0) >>> 12) & ((1L << 44) - 1));
        }
        return asidBits;
    }
}
