package org.virtreplay.engine.replay;

import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;

/**
 * The modelled host of one replay.
 *
 * @param peCount          physical PEs
 * @param core             TLB organisation of every PE (a preset, possibly with overrides)
 * @param replacement      TLB replacement policy
 * @param seed             seed of every random choice
 * @param hyp              GIC and scheduler configuration
 * @param cost             cycle costs of the hypervisor paths
 * @param s2BackingBytes   stage-2 backing of RAM memslots; 0 = as the trace says
 * @param staleCheckEvery  check every n-th TLB hit against the tables (0 = never)
 */
public record ReplayConfig(int peCount, CorePreset core, Replacement replacement, long seed, HypConfig hyp,
        CostModel cost, long s2BackingBytes, int staleCheckEvery) {

    public ReplayConfig {
        if (peCount < 1) {
            throw new IllegalArgumentException("peCount must be >= 1");
        }
        if (hyp.peCount() != peCount) {
            throw new IllegalArgumentException("hyp.peCount must equal peCount");
        }
    }
}
