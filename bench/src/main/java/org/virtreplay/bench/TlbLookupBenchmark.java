package org.virtreplay.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.engine.tlb.TlbStudy;

/**
 * The TLB lookup path of {@code virtreplay tlb}, per page lookup: {@link TlbStudy#access} on a
 * Neoverse-N1 preset (48-entry fully associative L1s, 1280-entry 5-way L2, walk caches) with real
 * two-stage tables. Three access streams of 4096 page lookups each, all pre-generated:
 * <ul>
 *   <li>{@code l1Hits}: 32 data pages, repeated (every lookup after warm-up hits the L1 D-TLB);</li>
 *   <li>{@code l2Hits}: 512 data pages round robin (misses a 48-entry L1, hits the 1280-entry L2);</li>
 *   <li>{@code mixed}: a lackey-like mix, 3 fetches per data access, over 24 code and 40 data pages.</li>
 * </ul>
 * Run with {@code -prof gc}: every path must allocate nothing (0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TlbLookupBenchmark {
    private static final int N = 4096;

    private TlbStudy study;
    private final long[] hot = new long[N];
    private final long[] wide = new long[N];
    private final long[] mixAddr = new long[N];
    private final int[] mixKind = new int[N];

    @Setup
    public void setup() {
        study = new TlbStudy(CorePreset.byName("neoverse-n1"), Granule.K4, Granule.K4, 0, Replacement.LRU, 1);
        long seed = 42;
        for (int i = 0; i < N; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            int r = (int) (seed >>> 33);
            hot[i] = 0x7f00_0000_0000L + ((long) (r & 31) << 12) + (r & 0xFF8);
            wide[i] = 0x7e00_0000_0000L + ((long) (i % 512) << 12) + 64;
            if (i % 4 != 3) {
                mixKind[i] = TlbStudy.FETCH;
                mixAddr[i] = 0x40_0000L + ((long) ((r >>> 8) % 24) << 12) + (r & 0xFFC);
            } else {
                mixKind[i] = (r & 1) == 0 ? TlbStudy.READ : TlbStudy.WRITE;
                mixAddr[i] = 0x7ff0_0000_0000L + ((long) ((r >>> 8) % 40) << 12) + (r & 0xFF8);
            }
        }
        // Warm up: map every page once so that the measured loop never builds tables.
        for (int i = 0; i < N; i++) {
            study.access(TlbStudy.READ, hot[i], 8);
            study.access(TlbStudy.READ, wide[i], 8);
            study.access(mixKind[i], mixAddr[i], 4);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long l1Hits() {
        TlbStudy s = study;
        for (int i = 0; i < N; i++) {
            s.access(TlbStudy.READ, hot[i], 8);
        }
        return s.pageLookups;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long l2Hits() {
        TlbStudy s = study;
        for (int i = 0; i < N; i++) {
            s.access(TlbStudy.READ, wide[i], 8);
        }
        return s.pageLookups;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long mixed() {
        TlbStudy s = study;
        for (int i = 0; i < N; i++) {
            s.access(mixKind[i], mixAddr[i], 4);
        }
        return s.pageLookups;
    }
}
