package org.virtreplay.engine.mmu;

import org.virtreplay.engine.BadInputException;

/**
 * A translation-table pool has no room for another table. The pools are set by the trace (the
 * manifest's {@code host.s2_table_pool} for the hypervisor's stage-2 tables, {@code vm.N.s1_table_pool}
 * for the stage-1 tables of a VM's {@code map} records), so this is bad input; the engine does not
 * know the keys' file, so the layer that read the trace names them ({@link #stage()} tells which).
 */
public final class TablePoolExhaustedException extends BadInputException {
    private static final long serialVersionUID = 1L;

    private final int stage;
    private final long at;

    /** {@code at}: the address (PA for stage 2, IPA for stage 1) the next table would have taken. */
    public TablePoolExhaustedException(int stage, long at, String message) {
        super(message);
        this.stage = stage;
        this.at = at;
    }

    /** The address the next table would have taken. */
    public long at() {
        return at;
    }

    /** 1: a VM's stage-1 pool; 2: the hypervisor's stage-2 pool. */
    public int stage() {
        return stage;
    }
}
