package org.virtreplay.ingest.importer.kvm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The events the importer reads, as small ints, and a byte-level name table: looking up an event
 * name allocates nothing. Names not in the table are interned on first sight (for the count of
 * unknown events), so a trace full of other events costs one small object per distinct name.
 */
final class KvmEvent {
    static final int KVM_ENTRY = 0;
    static final int KVM_EXIT = 1;
    static final int KVM_GUEST_FAULT = 2;
    static final int KVM_ACCESS_FAULT = 3;
    static final int KVM_MMIO = 4;
    static final int KVM_MMIO_EMULATE = 5;
    static final int KVM_USERSPACE_EXIT = 6;
    static final int KVM_IRQ_LINE = 7;
    static final int KVM_SET_IRQ = 8;
    static final int VGIC_UPDATE_IRQ_PENDING = 9;
    static final int KVM_TIMER_UPDATE_IRQ = 10;
    static final int KVM_WFX_ARM64 = 11;
    static final int KVM_VCPU_WAKEUP = 12;
    static final int KVM_HVC_ARM64 = 13;
    static final int KVM_HANDLE_SYS_REG = 14;
    static final int KVM_SYS_ACCESS = 15;
    static final int SCHED_SWITCH = 16;
    static final int SCHED_WAKEUP = 17;
    /** Known, read for completeness, not imported: their wakeups duplicate sched_wakeup. */
    static final int SCHED_WAKING = 18;
    static final int SCHED_WAKEUP_NEW = 19;
    static final int KNOWN = 20;

    static final String[] NAMES = {
        "kvm_entry", "kvm_exit", "kvm_guest_fault", "kvm_access_fault", "kvm_mmio", "kvm_mmio_emulate",
        "kvm_userspace_exit", "kvm_irq_line", "kvm_set_irq", "vgic_update_irq_pending", "kvm_timer_update_irq",
        "kvm_wfx_arm64", "kvm_vcpu_wakeup", "kvm_hvc_arm64", "kvm_handle_sys_reg", "kvm_sys_access",
        "sched_switch", "sched_wakeup", "sched_waking", "sched_wakeup_new"
    };

    /** Events only a vCPU thread emits (they run in the vCPU's KVM_RUN). */
    static boolean isVcpuEvent(int ev) {
        return ev <= KVM_USERSPACE_EXIT || ev == KVM_WFX_ARM64 || ev == KVM_VCPU_WAKEUP || ev == KVM_HVC_ARM64
                || ev == KVM_HANDLE_SYS_REG || ev == KVM_SYS_ACCESS;
    }

    /** Interrupt injections: any thread of the VMM (or a kernel worker for irqfd) may emit them. */
    static boolean isIrqEvent(int ev) {
        return ev == KVM_IRQ_LINE || ev == KVM_SET_IRQ || ev == VGIC_UPDATE_IRQ_PENDING || ev == KVM_TIMER_UPDATE_IRQ;
    }

    /** Open-addressing table from name bytes to id (known ids first, then interned unknown names). */
    static final class Table {
        private byte[][] keys = new byte[64][];
        private int[] ids = new int[64];
        private final List<String> names = new ArrayList<>();
        private int size;

        Table() {
            for (String n : NAMES) {
                byte[] k = n.getBytes(StandardCharsets.US_ASCII);
                put(k, names.size());
                names.add(n);
            }
        }

        /** The id of the name b[s..e), interning it if new. */
        int id(byte[] b, int s, int e) {
            int h = hash(b, s, e);
            int mask = keys.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                byte[] k = keys[i];
                if (k == null) {
                    byte[] nk = Arrays.copyOfRange(b, s, e);
                    int id = names.size();
                    names.add(new String(nk, StandardCharsets.UTF_8));
                    put(nk, id);
                    return id;
                }
                if (k.length == e - s && Arrays.equals(k, 0, k.length, b, s, e)) {
                    return ids[i];
                }
            }
        }

        String name(int id) {
            return names.get(id);
        }

        int count() {
            return names.size();
        }

        private void put(byte[] k, int id) {
            if ((size + 1) * 2 > keys.length) {
                byte[][] ok = keys;
                int[] oi = ids;
                keys = new byte[ok.length * 2][];
                ids = new int[ok.length * 2];
                size = 0;
                for (int i = 0; i < ok.length; i++) {
                    if (ok[i] != null) {
                        put(ok[i], oi[i]);
                    }
                }
            }
            int mask = keys.length - 1;
            int i = hash(k, 0, k.length) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            ids[i] = id;
            size++;
        }

        private static int hash(byte[] b, int s, int e) {
            int h = 0x811c9dc5;
            for (int i = s; i < e; i++) {
                h = (h ^ b[i]) * 0x01000193;
            }
            return h ^ (h >>> 16);
        }
    }

    private KvmEvent() {
    }
}
