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
 */
public record CostModel(int clockMhz, int exitCycles, int entryCycles, int lrFlushCycles, int injectCycles,
        int ipiCycles, int deviceHostCycles, int guestAckCycles, int maintenanceCycles, int wakeCycles,
        int vcpuSwitchCycles, int directCycles, int doorbellCycles, long guestHandlerNs) {

    public CostModel {
        if (clockMhz <= 0) {
            throw new IllegalArgumentException("clockMhz must be > 0");
        }
        if (exitCycles < 0 || entryCycles < 0 || lrFlushCycles < 0 || injectCycles < 0 || ipiCycles < 0
                || deviceHostCycles < 0 || guestAckCycles < 0 || maintenanceCycles < 0 || wakeCycles < 0
                || vcpuSwitchCycles < 0 || directCycles < 0 || doorbellCycles < 0 || guestHandlerNs < 0) {
            throw new IllegalArgumentException("costs must be >= 0");
        }
    }

    /** Dall et al. ISCA 2016 calibration at 2.4 GHz (see docs/costs.md). */
    public static CostModel defaults() {
        return new CostModel(2400, 3250, 3000, 250, 1000, 500, 5572, 300, 200, 2000, 10387, 200, 1000, 2000);
    }

    /** The same cycle counts at another clock. */
    public CostModel withClockMhz(int mhz) {
        return new CostModel(mhz, exitCycles, entryCycles, lrFlushCycles, injectCycles, ipiCycles, deviceHostCycles,
                guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles, doorbellCycles,
                guestHandlerNs);
    }

    /** Cycles to nanoseconds, rounded to nearest. */
    public long ns(long cycles) {
        return (cycles * 1000L + clockMhz / 2) / clockMhz;
    }

    /** Names accepted by {@link #with(String, long)} (scenario keys {@code cost.NAME}). */
    public static final java.util.List<String> NAMES = java.util.List.of("clock_mhz", "exit_cycles", "entry_cycles",
            "lr_flush_cycles", "inject_cycles", "ipi_cycles", "device_host_cycles", "guest_ack_cycles",
            "maintenance_cycles", "wake_cycles", "vcpu_switch_cycles", "direct_cycles", "doorbell_cycles",
            "guest_handler_ns");

    /** A copy with one cost replaced, by its snake_case name (see {@link #NAMES}). */
    public CostModel with(String name, long value) {
        if (value < 0 || value > Integer.MAX_VALUE && !name.equals("guest_handler_ns")) {
            throw new IllegalArgumentException("cost." + name + ": expected 0.." + Integer.MAX_VALUE + ", got " + value);
        }
        int v = (int) Math.min(value, Integer.MAX_VALUE);
        return switch (name) {
            case "clock_mhz" -> new CostModel(v, exitCycles, entryCycles, lrFlushCycles, injectCycles, ipiCycles,
                    deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "exit_cycles" -> new CostModel(clockMhz, v, entryCycles, lrFlushCycles, injectCycles, ipiCycles,
                    deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "entry_cycles" -> new CostModel(clockMhz, exitCycles, v, lrFlushCycles, injectCycles, ipiCycles,
                    deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "lr_flush_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, v, injectCycles, ipiCycles,
                    deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "inject_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, v, ipiCycles,
                    deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "ipi_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles, v,
                    deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "device_host_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, v, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "guest_ack_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, deviceHostCycles, v, maintenanceCycles, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "maintenance_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, deviceHostCycles, guestAckCycles, v, wakeCycles, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "wake_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, deviceHostCycles, guestAckCycles, maintenanceCycles, v, vcpuSwitchCycles, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "vcpu_switch_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, v, directCycles,
                    doorbellCycles, guestHandlerNs);
            case "direct_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles, v,
                    doorbellCycles, guestHandlerNs);
            case "doorbell_cycles" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles,
                    directCycles, v, guestHandlerNs);
            case "guest_handler_ns" -> new CostModel(clockMhz, exitCycles, entryCycles, lrFlushCycles, injectCycles,
                    ipiCycles, deviceHostCycles, guestAckCycles, maintenanceCycles, wakeCycles, vcpuSwitchCycles,
                    directCycles, doorbellCycles, value);
            default -> throw new IllegalArgumentException("unknown cost " + UserText.quote(name)
                    + "; expected one of " + NAMES);
        };
    }
}
