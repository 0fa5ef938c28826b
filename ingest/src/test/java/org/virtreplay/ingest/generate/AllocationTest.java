package org.virtreplay.ingest.generate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-access path allocates nothing: a run with 600 000 more accesses allocates about the same
 * as a shorter one. Measured with the JVM's per-thread allocation counter (HotSpot), so the test
 * skips where that counter is missing. No timing involved.
 */
class AllocationTest {
    @TempDir
    Path tmp;

    private static long allocatedBy(Runnable r) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        r.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }

    private void run(long accesses, String name) {
        GeneratorOptions o = new GeneratorOptions();
        o.accesses = accesses;
        o.remapHz = 0; // the same control events in both runs would be fine too; keep the difference pure
        try {
            GenerateJob.run(o, tmp.resolve(name), Compression.NONE, false, null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void moreAccessesDoNotAllocateMore() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "no per-thread allocation counter on this JVM");
        run(50_000, "warm"); // load classes, JIT
        long small = allocatedBy(() -> run(200_000, "small"));
        long large = allocatedBy(() -> run(800_000, "large"));
        // 600 000 extra accesses: even 8 bytes each would be 4.8 MB. Allow 1 MB for the extra
        // control events (timer ticks, IPIs: a few hundred) and JDK file-system noise.
        long extra = large - small;
        assertTrue(extra < 1_000_000, "600 000 extra accesses allocated " + extra + " bytes (small run " + small
                + ", large run " + large + ")");
    }
}
