package org.virtreplay.engine.replay;

import org.virtreplay.engine.hyp.Stage2Manager;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TranslationResult;
import org.virtreplay.engine.tlb.TlbiOp;

/** The stage-2 sides a replay can use. */
public final class Stage2Ports {
    private Stage2Ports() {
    }

    /** Host PA of the hypervisor's stage-2 table pool: 16 GiB at 960 GiB, below host RAM at 1 TiB. */
    public static final long S2_POOL_BASE = 0xF0_0000_0000L;
    public static final long S2_POOL_SIZE = 16L << 30;

    /** KVM/arm64's stage-2 management ({@link Stage2Manager}). */
    public static Stage2Port.Factory kvm() {
        return (mem, base, size) -> new Kvm(size == 0 ? new Stage2Manager(mem, S2_POOL_BASE, S2_POOL_SIZE)
                : new Stage2Manager(mem, base, size));
    }

    private static final class Kvm implements Stage2Port {
        private final Stage2Manager m;
        private int[] vms = new int[0];

        Kvm(Stage2Manager m) {
            this.m = m;
        }

        @Override
        public void addVm(int vm, int ipaBits, int vmidHint) {
            m.addVm(vm, ipaBits, vmidHint);
            vms = java.util.Arrays.copyOf(vms, vms.length + 1);
            vms[vms.length - 1] = vm;
        }

        @Override
        public void addMemslot(int vm, int slot, long ipa, long size, int kind, long pa, long backing) {
            m.addMemslot(vm, slot, ipa, size, kind, pa, backing);
        }

        @Override
        public long vttbr(int vm) {
            return m.vttbr(vm);
        }

        @Override
        public long vtcr(int vm) {
            return m.vtcr(vm);
        }

        @Override
        public void map(int vm, long ipa, long pa, long size, String perm, MemType type) {
            m.map(vm, ipa, pa, size, perm, type);
        }

        @Override
        public void unmap(int vm, long ipa, long size) {
            m.unmap(vm, ipa, size);
        }

        @Override
        public void mapResident(int vm, long ipa, long size) {
            m.mapResident(vm, ipa, size);
        }

        @Override
        public void unmapLeaves(int vm, long ipa, long size) {
            m.unmapLeaves(vm, ipa, size);
        }

        @Override
        public long resolveForTables(int vm, long ipa) {
            return m.resolveForTables(vm, ipa);
        }

        @Override
        public int handleFault(long ts, int vm, int vcpu, TranslationResult res) {
            return m.handleFault(ts, vm, vcpu, res);
        }

        @Override
        public void setTlbSink(TlbSink sink) {
            m.setTlbMaintenance(new Stage2Manager.TlbMaintenance() {
                @Override
                public void tlbi(TlbiOp op, int vmid, long ipa) {
                    sink.tlbi(op, vmOfVmid(vmid), ipa);
                }

                @Override
                public void stage2Changed(int vmid, long ipa, long size, int action) {
                    sink.stage2Changed(vmOfVmid(vmid), ipa, size, action);
                }
            });
        }

        private int vmOfVmid(int vmid) {
            for (int vm : vms) {
                if (m.vmid(vm) == vmid) {
                    return vm;
                }
            }
            return -1;
        }

        @Override
        public boolean vcpuLoad(int pe, int vm) {
            return m.vcpuLoad(pe, vm);
        }

        @Override
        public void adoptVttbr(int vm, long vttbr, long vtcr) {
            m.adoptVttbr(vm, vttbr, vtcr);
        }
    }
}
