package org.virtreplay.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Mair;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TableBuilder;
import org.virtreplay.engine.mmu.TranslationResult;

/**
 * Cost of one uncached translation: a 4-level stage-1 walk (4 descriptor reads) and a 4+4-level
 * nested walk (24 reads), 4 KB granule, 48-bit VA and IPA. Run with {@code -prof gc}: the walk must
 * allocate nothing (about 0 B/op). The VA cycles over 64 mapped pages so that the index arithmetic
 * is not constant-folded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WalkBenchmark {
    private static final long MAIR = 0xFFL;
    private static final long VA_BASE = 0x0000_7F00_0000_0000L;
    private static final int PAGES = 64;

    private Mmu mmu;
    private MmuRegisters stage1Only;
    private MmuRegisters nested;
    private final TranslationResult res = new TranslationResult();
    private int i;

    @Setup
    public void setup() {
        PhysicalMemory mem = new PhysicalMemory();
        // Stage 2: 48-bit IPA from level 0; maps the stage-1 table pool and the data pages.
        TableBuilder s2 = TableBuilder.stage2(mem, Granule.K4, 48, 0, 0x3000_0000L, 0x3000_1000L, 1 << 20, false);
        s2.map(0x1000_0000L, 0x2000_0000L, 64 * 4096, "rw", MemType.NORMAL_WB, false);
        s2.map(0x5000_0000L, 0x7000_0000L, PAGES * 4096, "rwx", MemType.NORMAL_WB, false);
        TableBuilder s1 = TableBuilder.stage1(mem, Granule.K4, 48, 0x1000_0000L, 0x1000_1000L, 60 * 4096,
                new Mair(MAIR), s2::resolve);
        // A second, identity-placed copy of stage 1 for the stage-1-only case (tables at PA = IPA).
        TableBuilder s1flat = TableBuilder.stage1(mem, Granule.K4, 48, 0x4000_0000L, 0x4000_1000L, 60 * 4096,
                new Mair(MAIR), null);
        for (int p = 0; p < PAGES; p++) {
            s1.map(VA_BASE + p * 4096L, 0x5000_0000L + p * 4096L, 4096, "rw", MemType.NORMAL_WB, true);
            s1flat.map(VA_BASE + p * 4096L, 0x5000_0000L + p * 4096L, 4096, "rw", MemType.NORMAL_WB, true);
        }
        mmu = new Mmu(mem);
        stage1Only = regs(0x4000_0000L, false);
        nested = regs(0x1000_0000L, true);
    }

    private static MmuRegisters regs(long ttbr0, boolean stage2) {
        MmuRegisters r = new MmuRegisters();
        r.set("TCR_EL1", 0x0000_0005_0080_3510L);
        r.set("MAIR_EL1", MAIR);
        r.set("SCTLR_EL1", 0x1005);
        r.set("TTBR0_EL1", ttbr0);
        if (stage2) {
            r.set("HCR_EL2", 1);
            r.set("VTCR_EL2", 0x8005_0090L);
            r.set("VTTBR_EL2", 0x3000_0000L);
        }
        return r;
    }

    /**
     * CPU-time cross-check for a shared machine, where JMH's wall-clock averages mostly measure the
     * scheduler: runs each walk kind for a few seconds and divides the thread's CPU time by the walk
     * count. Run: {@code java -cp "bench/target-mmu/classes:bench/target-mmu/lib/*"
     * org.virtreplay.bench.WalkBenchmark}.
     */
    public static void main(String[] args) {
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        WalkBenchmark b = new WalkBenchmark();
        b.setup();
        for (int round = 0; round < 3; round++) {
            for (int kind = 0; kind < 2; kind++) {
                long sink = 0;
                long n = 0;
                long cpu0 = tmx.getCurrentThreadCpuTime();
                long wallEnd = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < wallEnd) {
                    for (int k = 0; k < 10_000; k++) {
                        sink += kind == 0 ? b.stage1FourLevel() : b.nestedFourPlusFour();
                    }
                    n += 10_000;
                }
                long cpu = tmx.getCurrentThreadCpuTime() - cpu0;
                System.out.printf("round %d %-18s %8.1f ns CPU/walk (%d walks, sink %d)%n", round,
                        kind == 0 ? "stage1FourLevel" : "nestedFourPlusFour", (double) cpu / n, n, sink & 1);
            }
        }
    }

    @Benchmark
    public long stage1FourLevel() {
        i = (i + 1) & (PAGES - 1);
        mmu.translate(stage1Only, VA_BASE + i * 4096L + 0x18, 1, AccessType.READ, false, res);
        return res.pa;
    }

    @Benchmark
    public long nestedFourPlusFour() {
        i = (i + 1) & (PAGES - 1);
        mmu.translate(nested, VA_BASE + i * 4096L + 0x18, 1, AccessType.READ, false, res);
        return res.pa + res.reads;
    }
}
