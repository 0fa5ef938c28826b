package org.virtreplay.analysis.replay;

import java.nio.file.Path;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.TablePoolExhaustedException;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.trace.Manifest;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * Names the user's input in a problem the model finds while it replays a row: the row's file and
 * line ({@code trace/map.csv:17}), in the user's own trace when the replay reads a Parquet copy of
 * it ({@code run}, {@code sweep}: the copy is deleted when the run fails, and its row numbers are
 * not what the user wrote); and for a full table pool, which no row can be blamed for, the
 * manifest key that sets the pool and what to do about it.
 */
final class ReplayErrors {
    private final Trace trace;
    private final Path origin;

    /** {@code origin}: the user's trace when {@code trace} is the Parquet form converted from it, else null. */
    ReplayErrors(Trace trace, Path origin) {
        this.trace = trace;
        this.origin = origin;
    }

    /** {@code FILE:LINE} or {@code FILE:row N} of row {@code position} of table {@code kind}. */
    String where(TableKind kind, long position) {
        return trace.where(kind, position, origin);
    }

    /**
     * The problem {@code e}, which the model raised while it applied row {@code position} of table
     * {@code kind} (a row of trace VM {@code vm}, -1 for a host-wide row), named by that row, or for
     * a full table pool by the manifest key.
     */
    BadInputException at(BadInputException e, TableKind kind, long position, int vm) {
        String where = where(kind, position);
        if (e instanceof TablePoolExhaustedException p) {
            return new BadInputException(poolProblem(p, vm, where), e);
        }
        return new BadInputException(where + ": " + e.getMessage(), e);
    }

    /**
     * {@code M/manifest.csv:6: key 'host.s2_table_pool' = 0xf000000000,0x4000: no room for another
     * stage-2 table at 0xf000004000 (needed by trace/mem.csv:2); give the pool a larger SIZE}.
     */
    private String poolProblem(TablePoolExhaustedException p, int vm, String where) {
        boolean s2 = p.stage() == 2;
        String key = s2 ? Manifest.S2_POOL : Manifest.s1PoolKey(Math.max(vm, 0));
        Manifest m = trace.manifest();
        Path manifest = (origin != null ? origin : trace.dir()).resolve("manifest.csv");
        String value = m.get(key);
        StringBuilder b = new StringBuilder().append(manifest);
        if (value != null) {
            b.append(':').append(m.line(key)).append(": key '").append(key).append("' = ").append(value);
        } else {
            b.append(": key '").append(key).append("' is not set (default: ")
                    .append(s2 ? "0x" + Long.toHexString(Stage2Ports.S2_POOL_BASE) + "," + Stage2Ports.S2_POOL_SIZE
                            : "the last 4 MiB of vm " + vm + "'s first ram memslot").append(')');
        }
        b.append(": no room for another stage-").append(p.stage()).append(" table at 0x")
                .append(Long.toHexString(p.at())).append(" (needed by ").append(where).append("); ");
        if (value != null) {
            b.append("give the pool a larger SIZE");
        } else {
            b.append("set the key to a larger ").append(s2 ? "host PA range" : "IPA range of the VM's RAM");
        }
        return b.toString();
    }
}
