package org.virtreplay.engine.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.hyp.ExitReason;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Hcr;
import org.virtreplay.engine.mmu.Mair;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.TableBuilder;
import org.virtreplay.engine.mmu.TablePoolExhaustedException;
import org.virtreplay.engine.pe.SecurityState;
import org.virtreplay.engine.pe.SysRegAccess;
import org.virtreplay.engine.pe.SysRegName;
import org.virtreplay.engine.pe.SysRegOutcome;

/**
 * Replays the trace's changes to what translation reads: system-register writes (with the
 * architecture's access rules, so an UNDEFINED write is lost and counted), mapping changes realised
 * as descriptors in the guest's stage-1 or the VM's stage-2 tables, and raw descriptor writes. These
 * are rare events that change the registers and tables the per-access path then uses, and they
 * share the per-VM view of the guest's TCR_EL1 / MAIR_EL1 and stage-1 table pool, so they live
 * together and away from the hot path.
 */
final class GuestStateReplay {

    private static final long DEFAULT_POOL_BYTES = 4L << 20;
    /** Attr0 Normal WB (0xFF), Attr1 Device-nGnRE (0x04), Attr2 Normal NC (0x44). */
    static final long DEFAULT_MAIR = 0x0000_0000_0044_04FFL;

    private final ReplayConfig cfg;
    private final ReplayHost host;
    /** Takes the guest exit of a trapped register write. */
    private Hypervisor hyp;

    private final List<long[]> ramSlots = new ArrayList<>();
    private final Map<Integer, long[]> defaultPool = new HashMap<>();
    private long[] vmMair, vmTcr;               // latest guest MAIR_EL1 / TCR_EL1 of the VM (for map records)
    private boolean[] vttbrWritten;
    private long[] s1PoolNext, s1PoolEnd;
    /** Recorded stage-2 map rows of RAM dropped (replicas: the rows point at the recorded VM's memory). */
    private long s2MapsDropped;
    /** Recorded stage-2 map and unmap rows of RAM re-expressed at a scenario's stage-2 backing override. */
    private long s2MapsRebacked;

    private final SysRegOutcome sysregOutcome = new SysRegOutcome();
    /** (vm, vcpu, ESR) -> count of UNDEFINED or trapped system-register writes; rare, so a map. */
    private final TreeMap<String, long[]> sysregExceptions = new TreeMap<>();

    GuestStateReplay(ReplayConfig cfg, ReplayHost host) {
        this.cfg = cfg;
        this.host = host;
    }

    /** A RAM memslot declared before the start (for dropping recorded RAM maps, and the default pool). */
    void addRamSlot(int vm, long ipa, long size) {
        ramSlots.add(new long[] {vm, ipa, size});
        if (!defaultPool.containsKey(vm)) {
            // Default stage-1 table pool: the last 4 MiB of the VM's first RAM memslot (docs/trace-format.md).
            long poolSize = Math.min(size, DEFAULT_POOL_BYTES);
            defaultPool.put(vm, new long[] {ipa + size - poolSize, poolSize});
        }
    }

    /** Sizes the per-VM state; after {@link ReplayHost#layout}. */
    void start(Hypervisor hyp) {
        this.hyp = hyp;
        int n = host.vmIds.length;
        vmMair = new long[n];
        vttbrWritten = new boolean[n];
        vmTcr = new long[n];
        s1PoolNext = new long[n];
        s1PoolEnd = new long[n];
        for (int i = 0; i < n; i++) {
            long[] pool = defaultPool.get(host.vmIds[i]);
            if (pool != null) {
                s1PoolNext[i] = pool[0];
                s1PoolEnd[i] = pool[0] + pool[1];
            }
        }
    }

    void setS1TablePool(int d, long ipa, long size) {
        s1PoolNext[d] = ipa;
        s1PoolEnd[d] = ipa + size;
    }

    long stage2MapsDropped() {
        return s2MapsDropped;
    }

    long stage2MapsRebacked() {
        return s2MapsRebacked;
    }

    private boolean inRam(int vm, long ipa) {
        for (long[] r : ramSlots) {
            if (r[0] == vm && ipa - r[1] >= 0 && ipa - r[1] < r[2]) {
                return true;
            }
        }
        return false;
    }

    /** See {@link Replayer#onSysreg}; the caller has counted the event. */
    void onSysreg(long ts, int vm, int vcpu, int el, String reg, long value) {
        int d = host.denseOrFail(vm);
        if (vcpu >= 0) {
            int f = host.vcpuBase[d] + vcpu;
            // The architecture's access rules for a write from the vCPU's EL (Arm ARM D1/D19):
            // UNDEFINED below the register's EL (the write is lost), HCR_EL2.TVM traps EL1 writes of
            // the virtual-memory controls to EL2 (KVM emulates them: the write takes effect).
            SysRegName name = SysRegName.lookup(reg);
            if (name != null) {
                Hcr hcr = Hcr.decode(host.vmReg[d][0]);
                SysRegAccess.check(name, true, el, SecurityState.NON_SECURE, hcr, hcr.effective(), false, sysregOutcome);
                if (sysregOutcome.kind == SysRegOutcome.Kind.UNDEFINED) {
                    countSysregException(vm, vcpu, sysregOutcome.esr, true);
                    return;
                }
                if (sysregOutcome.kind == SysRegOutcome.Kind.TRAPPED) {
                    countSysregException(vm, vcpu, sysregOutcome.esr, false);
                    hyp.onGuestExit(ts, vm, vcpu, ExitReason.SYS64, hyp.trapNs(), -1);
                }
                reg = sysregOutcome.target.armName();
            }
            int r = indexOf(ReplayHost.VCPU_REGS, reg);
            if (r < 0) {
                return;
            }
            if (r == 2) {
                vmTcr[d] = value;
                host.pageShift[f] = Granule.fromTg0((int) ((value >>> 14) & 3)).g;
            } else if (r == 3) {
                vmMair[d] = value;
            }
            host.setContext(f, reg, value);
        } else {
            int r = indexOf(ReplayHost.VM_REGS, reg);
            if (r < 0 || (host.replica[d] && r != 0)) {
                return; // a replica keeps the stage-2 root and VMID the hypervisor model gave it
            }
            if (r == 0 && ((value >>> 31) & 1) == 0) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "vm %d: HCR_EL2 = 0x%x has RW = 0, which makes the guest's EL1 AArch32; virtreplay models "
                                + "AArch64 EL1 and EL2 only (an AArch32 EL0 under an AArch64 EL1 is fine)", vm, value));
            }
            long[] vmReg = host.vmReg[d];
            vmReg[r] = value;
            if (r == 1) {
                vttbrWritten[d] = true;
            }
            if ((r == 1 || r == 2) && vttbrWritten[d]) {
                // The recorded hypervisor chose this root and VMID: build the stage-2 tables there.
                host.s2.adoptVttbr(vm, vmReg[1], vmReg[2]);
            }
            for (int f = host.vcpuBase[d]; f < host.vcpuBase[d] + host.vcpuCount[d]; f++) {
                host.setContext(f, reg, value);
            }
        }
    }

    private void countSysregException(int vm, int vcpu, long esr, boolean undefined) {
        String key = String.format(Locale.ROOT, "%d.%d.%s.0x%08x", vm, vcpu, undefined ? "undefined" : "trapped", esr);
        sysregExceptions.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    SortedMap<String, Long> sysregExceptions() {
        TreeMap<String, Long> m = new TreeMap<>();
        sysregExceptions.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    /** See {@link Replayer#onPte}; the caller has counted the event. */
    void onPte(long pa, long value) {
        host.mem.write(pa, value);
    }

    /** See {@link Replayer#onMap}; the caller has counted the event. */
    void onMap(int vm, int stage, long root, long ia, long oa, long size, String perm, String memtype,
            boolean notGlobal, boolean unmap) {
        int d = host.denseOrFail(vm);
        MemType type = memtype == null || memtype.isEmpty() ? MemType.NORMAL_WB : MemType.fromTraceName(memtype);
        Stage2Port s2 = host.s2;
        if (stage == 2) {
            if (host.replica[d] && inRam(vm, ia)) {
                // The recorded mapping points at the recorded VM's host memory: a replica's RAM
                // faults in lazily at its memslot's backing, as KVM would map it.
                s2MapsDropped++;
                return;
            }
            if (cfg.s2BackingBytes() > 0 && inRam(vm, ia)) {
                // The recorded rows describe the recorded backing, but they also say which RAM is
                // resident: under the scenario's backing that RAM stays mapped, as the faults that
                // mapped it would have mapped it at the new backing (docs/fidelity.md, Replay).
                s2MapsRebacked++;
                if (unmap) {
                    s2.unmapLeaves(vm, ia, size);
                } else {
                    s2.mapResident(vm, ia, size);
                }
                return;
            }
            if (unmap) {
                s2.unmap(vm, ia, size);
            } else {
                s2.map(vm, ia, oa, size, perm, type);
            }
            return;
        }
        // The guest kernel builds its tables for the TCR_EL1 and MAIR_EL1 it runs with; before any
        // vCPU of the VM has written them, assume 48-bit 4K ranges and the canonical MAIR
        // (docs/trace-format.md, map).
        long tcr = vmTcr[d];
        boolean upper = ((ia >>> 55) & 1) != 0;
        int tsz;
        Granule g;
        if (tcr == 0) {
            tsz = 16;
            g = Granule.K4;
        } else {
            tsz = (int) (upper ? (tcr >>> 16) & 0x3F : tcr & 0x3F);
            g = upper ? Granule.fromTg1((int) ((tcr >>> 30) & 3)) : Granule.fromTg0((int) ((tcr >>> 14) & 3));
        }
        int vaBits = 64 - tsz;
        long mask = (1L << vaBits) - 1;
        long poolNext = s1PoolNext[d];
        long poolEnd = s1PoolEnd[d];
        if (poolEnd <= poolNext) {
            throw new TablePoolExhaustedException(1, poolNext, String.format(Locale.ROOT,
                    "vm %d: no room left in the stage-1 table pool to realise map records (set vm.%d.s1_table_pool in the manifest)",
                    vm, vm));
        }
        final int vmId = vm;
        long mair = vmMair[d] != 0 ? vmMair[d] : DEFAULT_MAIR;
        TableBuilder b = TableBuilder.stage1(host.mem, g, vaBits, root, poolNext, poolEnd - poolNext, new Mair(mair),
                ipa -> s2.resolveForTables(vmId, ipa));
        if (unmap) {
            b.unmap(ia & mask, size);
        } else {
            b.map(ia & mask, oa, size, perm, type, notGlobal);
        }
        s1PoolNext[d] = b.poolNext();
    }
}
