package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;
import org.virtreplay.ingest.trace.Trace;

/**
 * What {@link DecodeCpu} attributes to whom: the rows it counts are the table's, decoding on the
 * owner's thread is the owner's (and no decoder thread is claimed), and a decoder thread's whole
 * CPU time covers the decoding it did. No time is asserted, only these relations.
 */
class DecodeCpuTest {
    @TempDir
    static Path tmp;
    static Path trace;
    static final int ROWS = 5_000;

    @BeforeAll
    static void generate() throws IOException {
        GeneratorOptions g = new GeneratorOptions();
        g.seed = 5;
        g.vms = 1;
        g.vcpus = 1;
        g.pes = 1;
        g.accesses = ROWS; // the mem table's rows
        g.accessGapNs = 200;
        g.footprint = "2M";
        g.ram = "32M";
        trace = tmp.resolve("t");
        GenerateJob.run(g, trace, Compression.NONE, false, null);
    }

    private static void drain(MemBatchSource s) {
        MemBatch b = new MemBatch(1000);
        while (s.fill(b)) {
            b.n = 0;
        }
        s.close();
    }

    @Test
    void decodingInLineIsTheOwnersAndHasNoThreadOfItsOwn() {
        Assumptions.assumeTrue(DecodeCpu.SUPPORTED);
        DecodeCpu c = new DecodeCpu();
        drain(c.open(Trace.open(trace)));
        assertEquals(ROWS, c.rows());
        assertEquals(c.totalNs(), c.onOwnerNs());
        assertEquals(-1, c.decoderThreadNs());
        assertTrue(c.totalNs() > 0, "decoding 5,000 rows takes some CPU");
    }

    @Test
    void aDecoderThreadsWholeTimeCoversItsDecoding() throws Exception {
        Assumptions.assumeTrue(DecodeCpu.SUPPORTED);
        DecodeCpu c = new DecodeCpu();
        MemBatchSource s = c.open(Trace.open(trace)); // opened on the owner's thread
        long opened = c.onOwnerNs();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                drain(s);
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.start();
        t.join();
        assertEquals(null, failed.get());
        assertEquals(ROWS, c.rows());
        assertEquals(opened, c.onOwnerNs(), "the fills ran on the other thread");
        long onDecoder = c.totalNs() - c.onOwnerNs();
        assertTrue(onDecoder > 0, "decoding 5,000 rows takes some CPU");
        assertTrue(c.decoderThreadNs() >= onDecoder, c.decoderThreadNs() + " < " + onDecoder);
    }
}
