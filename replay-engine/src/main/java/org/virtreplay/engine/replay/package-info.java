/**
 * The replay event loop's engine side: {@link org.virtreplay.engine.replay.Replayer} holds one
 * modelled host (PEs with TLBs, the MMU, the hypervisor's stage-2 management through
 * {@link org.virtreplay.engine.replay.Stage2Port}, the GIC and scheduler model) and takes a trace's
 * events, already merged in timestamp order by the caller, as primitives.
 */
package org.virtreplay.engine.replay;
