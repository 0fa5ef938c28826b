/**
 * The KVM/arm64-like hypervisor and vCPU scheduler as a discrete-event model (time in ns, costs in
 * cycles at a configurable clock, {@link org.virtreplay.engine.hyp.CostModel}), producing per-vCPU
 * interrupt latency ({@link org.virtreplay.engine.hyp.IrqLatencyStats}). Stage-2 fault handling,
 * dirty logging, VMIDs and memslots live beside it in {@code Stage2*}, {@code DirtyLog*},
 * {@code Vmid*} and {@code Memslot*} classes.
 *
 * <h2>API for the replay loop</h2>
 * Construct one {@link org.virtreplay.engine.hyp.Hypervisor} per replay with the vCPU count of each
 * VM, a {@link org.virtreplay.engine.hyp.HypConfig} and a CostModel. Then feed it the trace in
 * non-decreasing timestamp order (all methods take primitives and allocate nothing):
 * <ul>
 * <li>{@code onIrq(ts, intid, vm, vcpu, source, sourceVcpu, level, assert, priority, ackTs, eoiTs)}
 *     for each {@code irq} row ({@code source} = {@code SOURCE_DEVICE/TIMER/IPI/ITS}; {@code vcpu}
 *     -1 routes to vCPU 0; {@code ackTs}/{@code eoiTs} -1 when absent);</li>
 * <li>{@code onSched(ts, pe, vm, vcpu, event)} for each {@code sched} row ({@code SCHED_RUN,
 *     SCHED_PREEMPT, SCHED_BLOCK, SCHED_WAKE});</li>
 * <li>{@code onMask(ts, vm, vcpu, masked)} for each {@code daif} row;</li>
 * <li>{@code advanceTo(ts)} before any other event at ts (the on* methods call it themselves);</li>
 * <li>{@code isRunning(ts, vm, vcpu)} / {@code runningPe(ts, vm, vcpu)}: whether (and where) the
 *     vCPU executes guest code at ts, so that memory accesses can be attributed to a PE, or held
 *     back while the vCPU is in EL2, runnable or blocked; {@code loadedPe(ts, vm, vcpu)} also
 *     answers while the vCPU is in EL2 on its PE.</li>
 * </ul>
 * At the end, {@code advanceTo(lastTs + margin)} lets in-flight interrupts finish, then
 * {@code stats()} gives per (vm, vCPU, class) histograms, component means, maintenance-interrupt
 * and exit counts and the error against observed {@code ack_ts}. {@code setEventSink} receives one
 * callback per acknowledged interrupt (the {@code irq_events} table).
 *
 * <h2>Latency components</h2>
 * Every interrupt's time from assertion to the guest's ICV_IAR1_EL1 read is partitioned into:
 * exit (traps to EL2 on its path), inject (host software: device handling, injection, IPI flight,
 * LR flush, entry, and the guest's vIRQ exception entry), sched_wait (its vCPU was not loaded:
 * runnable, blocked, waking, being switched in), lr_wait (its vCPU ran but it had no list register)
 * and mask_wait (in a list register, or pending in the VPT, while the guest was masked, busy in
 * another handler, or the priority did not allow it). The components sum exactly to the latency.
 */
package org.virtreplay.engine.hyp;
