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
 * @param s2PoolBase       host PA of the hypervisor's stage-2 table pool (with size 0: the default)
 * @param s2PoolSize       its size in bytes; 0 = {@link Stage2Ports#S2_POOL_BASE} and its default size
 */
public record ReplayConfig(int peCount, CorePreset core, Replacement replacement, long seed, HypConfig hyp,
        CostModel cost, long s2BackingBytes, int staleCheckEvery, long s2PoolBase, long s2PoolSize) {

    /** A host with the default stage-2 table pool. */
    public ReplayConfig(int peCount, CorePreset core, Replacement replacement, long seed, HypConfig hyp,
            CostModel cost, long s2BackingBytes, int staleCheckEvery) {
        this(peCount, core, replacement, seed, hyp, cost, s2BackingBytes, staleCheckEvery, 0, 0);
    }

    /** The same host with its stage-2 tables in {@code [base, base+size)} of host PA. */
    public ReplayConfig withS2Pool(long base, long size) {
        return new ReplayConfig(peCount, core, replacement, seed, hyp, cost, s2BackingBytes, staleCheckEvery, base, size);
    }

    public ReplayConfig {
        if (peCount < 1) {
            throw new IllegalArgumentException("peCount must be >= 1");
        }
        if (hyp.peCount() != peCount) {
            throw new IllegalArgumentException("hyp.peCount must equal peCount");
        }
    }
}
