/**
 * The replay event loop's engine side: {@link org.virtreplay.engine.replay.Replayer} holds one
 * modelled host (PEs with TLBs, the MMU, the hypervisor's stage-2 management through
 * {@link org.virtreplay.engine.replay.Stage2Port}, the GIC and scheduler model) and takes a trace's
 * events, already merged in timestamp order by the caller, as primitives. Behind it, one
 * package-private unit per kind of work: {@code MemoryAccessPath} (memory accesses),
 * {@code GuestStateReplay} (system registers, map and descriptor records), {@code Stage2FaultLog}
 * (stage-2 fault records), {@code TlbiDispatch} (TLB maintenance) and {@code ReplayHost} (the PEs
 * and vCPU contexts they share).
 */
package org.virtreplay.engine.replay;
