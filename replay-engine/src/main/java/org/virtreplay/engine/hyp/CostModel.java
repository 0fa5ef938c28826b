package org.virtreplay.engine.hyp;

import org.virtreplay.engine.UserText;
/**
 * Cycle costs of the hypervisor and GIC paths, converted to nanoseconds at {@code clockMhz}. The
 * defaults reproduce the KVM/arm64 microbenchmarks of Dall et al., ISCA 2016 (X-Gene, 2.4 GHz,
 * non-VHE KVM), as documented with their uncertainty in docs/costs.md: hypercall = exit + flush +
 * entry = 6,500; virtual IPI = exit + inject + ipi + exit + flush + entry + guestAck = 11,550
 * (paper 11,557); I/O latency in = deviceHost + inject + ipi + exit + flush + entry + guestAck =
 * 13,872.
 *
 * @param clockMhz          PE clock used to convert cycles to ns
 * @param exitCycles        guest trap to EL2 plus saving guest state and dispatching the exit
 * @param entryCycles       restoring guest state and ERET to the guest
 * @param lrFlushCycles     vgic flush (sort + fill list registers, write ICH_HCR/VMCR) per entry
 * @param injectCycles      kvm_vgic_inject_irq / queue on the ap_list / kick decision (also the
 *                          emulation of a trapped ICC_SGI1R_EL1 write)
 * @param ipiCycles         physical SGI flight time to the PE running the target vCPU
 * @param deviceHostCycles  host handling of a device interrupt before injection (physical IRQ,
 *                          irqfd/eventfd signalling)
 * @param guestAckCycles    guest vIRQ exception entry plus the ICV_IAR1_EL1 read
 * @param maintenanceCycles host handling of the maintenance interrupt (besides exit and entry)
 * @param wakeCycles        waking a blocked (WFI) vCPU thread
 * @param vcpuSwitchCycles  switching a PE from one vCPU to another (VM switch, Dall16 10,387)
 * @param directCycles      GICv4.1 delivery of a vLPI/vSGI to a resident vPE (no exit)
 * @param doorbellCycles    GICv4.1 doorbell for a non-resident vPE (host LPI handler + kick)
 * @param guestHandlerNs    guest interrupt handler duration from ack to EOI when the trace has no
 *                          eoi_ts (ns, not cycles: it is guest work)
 * @param s2FaultCycles     KVM's handling of a stage-2 abort on RAM (kvm_handle_guest_abort → user_mem_abort:
 *                          map on first touch, relax write protection for dirty logging, set the access
 *                          flag, or inject an abort), between the exit and the vgic flush
 * @param mmioCycles        KVM's handling of a stage-2 abort on an emulated (MMIO) region until the device
 *                          model has the access (decode, ioeventfd or the in-kernel device)
 * @param trapCycles        emulation of a trapped system-register write (HCR_EL2.TVM and the like)
 */
public record CostModel(int clockMhz, int exitCycles, int entryCycles, int lrFlushCycles, int injectCycles,
        int ipiCycles, int deviceHostCycles, int guestAckCycles, int maintenanceCycles, int wakeCycles,
        int vcpuSwitchCycles, int directCycles, int doorbellCycles, long guestHandlerNs, int s2FaultCycles,
        int mmioCycles, int trapCycles) {

    public CostModel {
        if (clockMhz <= 0) {
            throw new IllegalArgumentException("clockMhz must be > 0");
        }
        for (long v : new long[] {exitCycles, entryCycles, lrFlushCycles, injectCycles, ipiCycles, deviceHostCycles,
                guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles, doorbellCycles,
                guestHandlerNs, s2FaultCycles, mmioCycles, trapCycles}) {
            if (v < 0) {
                throw new IllegalArgumentException("costs must be >= 0");
            }
        }
    }

    /**
     * Dall et al. ISCA 2016 calibration at 2.4 GHz (see docs/costs.md). The stage-2 fault cost has no
     * published source (a model input); the MMIO cost is Dall16's "I/O latency out" (6,024) minus the
     * exit (3,250); a trapped register write costs nothing beyond its exit and entry, as Dall16's
     * hypercall (exit + flush + entry = 6,500) leaves nothing for the handler.
     */
    public static CostModel defaults() {
        return new CostModel(2400, 3250, 3000, 250, 1000, 500, 5572, 300, 200, 2000, 10387, 200, 1000, 2000, 8000,
                2774, 0);
    }

    /** The same cycle counts at another clock. */
    public CostModel withClockMhz(int mhz) {
        return with("clock_mhz", mhz);
    }

    /** Cycles to nanoseconds, rounded to nearest. */
    public long ns(long cycles) {
        return (cycles * 1000L + clockMhz / 2) / clockMhz;
    }

    /** Names accepted by {@link #with(String, long)} (scenario keys {@code cost.NAME}), in field order. */
    public static final java.util.List<String> NAMES = java.util.List.of("clock_mhz", "exit_cycles", "entry_cycles",
            "lr_flush_cycles", "inject_cycles", "ipi_cycles", "device_host_cycles", "guest_ack_cycles",
            "maintenance_cycles", "wake_cycles", "vcpu_switch_cycles", "direct_cycles", "doorbell_cycles",
            "guest_handler_ns", "s2_fault_cycles", "mmio_cycles", "trap_cycles");

    /** The fields in {@link #NAMES} order. */
    public long[] values() {
        return new long[] {clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles, ipiCycles,
                deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                doorbellCycles, guestHandlerNs, s2FaultCycles, mmioCycles, trapCycles};
    }

    /** The value of one field by its snake_case name. */
    public long get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown cost " + UserText.quote(name) + "; expected one of " + NAMES);
        }
        return values()[i];
    }

    /** A model from values in {@link #NAMES} order. */
    public static CostModel of(long[] v) {
        if (v.length != NAMES.size()) {
            throw new IllegalArgumentException("expected " + NAMES.size() + " costs, got " + v.length);
        }
        return new CostModel((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4], (int) v[5], (int) v[6],
                (int) v[7], (int) v[8], (int) v[9], (int) v[10], (int) v[11], (int) v[12], v[13], (int) v[14],
                (int) v[15], (int) v[16]);
    }

    /** A copy with one cost replaced, by its snake_case name (see {@link #NAMES}). */
    public CostModel with(String name, long value) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown cost " + UserText.quote(name) + "; expected one of " + NAMES);
        }
        if (value < 0 || value > Integer.MAX_VALUE && !name.equals("guest_handler_ns")) {
            throw new IllegalArgumentException("cost." + name + ": expected 0.." + Integer.MAX_VALUE + ", got " + value);
        }
        long[] v = values();
        v[i] = value;
        return of(v);
    }
}
