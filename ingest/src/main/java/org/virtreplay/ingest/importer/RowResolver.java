package org.virtreplay.ingest.importer;

import org.virtreplay.ingest.trace.TableKind;

/**
 * Completes rows an importer had to add before it knew their VM and vCPU (see
 * {@link SourceSink#addDeferred}): the KVM-events importer learns which VM a host thread belongs
 * to only once it has read the whole trace, and keeps to one pass by adding rows keyed by thread.
 */
public interface RowResolver {

    /**
     * Fills in the row's {@code vm} (and {@code vcpu} where the key decides it) in
     * {@code values[off ..]} (canonical column order of {@code kind}; timestamps as added, TEXT
     * columns as dictionary ids: leave those alone). Returns false to drop the row.
     */
    boolean resolve(TableKind kind, int key, long[] values, int off);
}
