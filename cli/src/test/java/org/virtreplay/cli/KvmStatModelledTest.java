package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code virtreplay kvm-stat} on a replay's output: the modelled exits of the hand-built trace
 * analysis/src/test/resources/traces/exits under the costs of ExitStatsReplayTest (1000 MHz; exit
 * 100, entry 200, flush 10, inject 40, IPI 20, device host 300, stage-2 fault 1000, MMIO 2000, trap
 * 30), whose exits that test derives by hand: DABT_LOW 1,010, 1,010, 2,010, 2,010 ns (two lazy maps,
 * two MMIO reads), SYS64 40, WFx 19,910, IRQ 10; 7 samples, 26,000 ns.
 *
 * <p>DABT_LOW: 4 / 7 = 57.14 %, 6,040 / 26,000 = 23.23 %, min 1.01, max 2.01, avg 1.51 us; mean 1,510,
 * squared deviations 4 x 500^2 = 1e6, sample variance 1e6 / 3, of the mean / 4, square root 288.68,
 * over 1,510 = 19.12 %. IRQ 1 / 7 = 14.29 %, 10 / 26,000 = 0.04 %; SYS64 40 / 26,000 = 0.15 %; WFx
 * 19,910 / 26,000 = 76.58 %.
 */
class KvmStatModelledTest {
    @TempDir
    Path tmp;

    static final String[] COSTS = {"--set", "cost.clock_mhz=1000", "--set", "cost.exit_cycles=100", "--set",
        "cost.entry_cycles=200", "--set", "cost.lr_flush_cycles=10", "--set", "cost.inject_cycles=40", "--set",
        "cost.ipi_cycles=20", "--set", "cost.device_host_cycles=300", "--set", "cost.s2_fault_cycles=1000", "--set",
        "cost.mmio_cycles=2000", "--set", "cost.trap_cycles=30"};

    private static final String HEAD = "Analyze events for all VMs, all VCPUs:\n\n"
            + "             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n\n";

    static final String MODELLED = HEAD
            + "            DABT_LOW          4    57.14%    23.23%      1.01us      2.01us      1.51us ( +-  19.12% )\n"
            + "                 IRQ          1    14.29%     0.04%      0.01us      0.01us      0.01us ( +-   0.00% )\n"
            + "               SYS64          1    14.29%     0.15%      0.04us      0.04us      0.04us ( +-   0.00% )\n"
            + "                 WFx          1    14.29%    76.58%     19.91us     19.91us     19.91us ( +-   0.00% )\n"
            + "\nTotal Samples:7, Total events handled time:26.00us.\n";

    /**
     * The observations added to traces/exits for --compare, numbers chosen: DABT_LOW 1,000, 1,000,
     * 1,000, 2,000, 2,000 ns (5, avg 1,400), IRQ 8 and 12 (2, avg 10), HVC64 500, WFx 20,000, and an
     * IRQ exit with no entry after it (not counted). 9 samples, 27,520 ns.
     */
    static final String EXITS_CSV = "ts,vm,vcpu,pe,type,ec,ec_name,esr,pc,ipa,far,duration_ns\n"
            + "1000,0,0,0,TRAP,0x24,DABT_LOW,,,0x40000000,,1000\n"
            + "20000,0,0,0,TRAP,0x24,DABT_LOW,,,0x40001000,,1000\n"
            + "25000,0,0,0,TRAP,0x24,DABT_LOW,,,0x40002000,,1000\n"
            + "30000,0,0,0,TRAP,0x24,DABT_LOW,,,0x9000000,,2000\n"
            + "40000,0,0,0,TRAP,0x24,DABT_LOW,,,0x9000000,,2000\n"
            + "50000,0,0,0,IRQ,,,,,,,8\n"
            + "60000,0,0,0,TRAP,0x16,HVC64,,,,,500\n"
            + "70000,0,0,0,TRAP,0x01,WFx,,,,,20000\n"
            + "100000,0,0,0,IRQ,,,,,,,12\n"
            + "100500,0,0,0,IRQ,,,,,,,\n";

    /**
     * Observed vs modelled: DABT_LOW 5 vs 4, (4 - 5) / 5 = -20 %; avg 1.40 vs 1.51 us, (1,510 - 1,400)
     * / 1,400 = +7.86 %. IRQ 2 vs 1, -50 %; avg 10 vs 10 ns, 0 %. HVC64 observed only; WFx 1 vs 1, 0 %,
     * 20,000 vs 19,910 ns, -0.45 %; SYS64 modelled only (after the observed reasons). Totals: 9 vs 7
     * samples, -22.22 %; 27,520 vs 26,000 ns, -1,520 / 27,520 = -5.52 %.
     */
    static final String COMPARED = "Observed vs modelled exits for all VMs, all VCPUs:\n\n"
            + "             VM-EXIT  Obs Samples  Mod Samples     Diff%   Obs Avg time   Mod Avg time     Diff%\n\n"
            + "            DABT_LOW            5            4   -20.00%         1.40us         1.51us    +7.86%\n"
            + "                 IRQ            2            1   -50.00%         0.01us         0.01us    +0.00%\n"
            + "               HVC64            1            –         –         0.50us              –         –\n"
            + "                 WFx            1            1    +0.00%        20.00us        19.91us    -0.45%\n"
            + "               SYS64            –            1         –              –         0.04us         –\n"
            + "\nTotal Samples: observed 9, modelled 7 (-22.22%); Total events handled time: observed 27.52us, "
            + "modelled 26.00us (-5.52%).\n";

    /** A copy of traces/exits in the temp dir, with the observed exits above when {@code observed}. */
    private Path trace(String name, boolean observed) throws IOException {
        Path src = Path.of("..", "analysis", "src", "test", "resources", "traces", "exits").toAbsolutePath()
                .normalize();
        Path dst = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        if (observed) {
            Files.writeString(dst.resolve("exits.csv"), EXITS_CSV);
        }
        return dst;
    }

    private static IngestTestSupport.Result ok(String... args) {
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    private static String[] with(String[] head, String... more) {
        String[] a = new String[head.length + more.length];
        System.arraycopy(head, 0, a, 0, head.length);
        System.arraycopy(more, 0, a, head.length, more.length);
        return a;
    }

    private Path replayed(Path trace, String out) {
        Path o = tmp.resolve(out);
        ok(with(new String[] {"replay", trace.toString(), "--out", o.toString()}, COSTS));
        return o;
    }

    private static void assertOneLine(IngestTestSupport.Result r, String contains) {
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(contains), r.err());
    }

    @Test
    void modelledExitsOfAReplayAsPerfPrintsThem() throws IOException {
        Path m = replayed(trace("plain", false), "m");
        assertEquals(MODELLED, ok("kvm-stat", m.toString()).out());
        // by average time: WFx 19,910, DABT_LOW 1,510, SYS64 40, IRQ 10
        assertEquals(List.of("reason", "WFx", "DABT_LOW", "SYS64", "IRQ"), ok("kvm-stat", m.toString(), "-k", "time",
                "--format", "csv").out().lines().map(l -> l.split(",")[0]).toList());
        // CSV in ns: 4 / 7, 6,040 / 26,000, relative deviation 100 x sqrt(1e6 / 3 / 4) / 1,510
        assertEquals("DABT_LOW,4,57.1429,23.2308,1010,2010,1510.0000,19.1176",
                ok("kvm-stat", m.toString(), "--format", "csv").out().lines().toList().get(1));
        assertTrue(ok("kvm-stat", m.toString(), "--format", "json").out().startsWith("{\"event\":\"vmexit\",\"time\":"
                + "\"handled\",\"scope\":\"all VMs, all VCPUs\",\"total_samples\":7,\"total_time_ns\":26000,"));
        // the one VM by name, and its vCPU 0: the same exits; vCPU 1 does not exist, so no exits
        assertEquals(MODELLED.replace("all VMs, all VCPUs", "VM 0 'a', VCPU 0"),
                ok("kvm-stat", m.toString(), "--vm", "a", "--vcpu", "0").out());
        assertEquals("no exits with a handled time for all VMs, VCPU 1\n",
                ok("kvm-stat", m.toString(), "--vcpu", "1").out());
        IngestTestSupport.Result vm = IngestTestSupport.run("kvm-stat", m.toString(), "--vm", "web");
        assertEquals(2, vm.exit());
        assertEquals("virtreplay: option '--vm': expected a VM of " + m + " (0 'a'), got 'web'", vm.errLines().get(0));
        assertOneLine(IngestTestSupport.run("kvm-stat", m.toString(), "--event", "mmio"),
                "--event mmio is not available for modelled exits");
        assertOneLine(IngestTestSupport.run("kvm-stat", m.toString(), "--time", "guest"),
                "--time guest is not available for modelled exits");
    }

    /** 'virtreplay run' of a CSV trace: OUT and OUT/metrics both give the modelled exits, and OUT/trace the observed. */
    @Test
    void runOutputComparesWithItsIngestedTrace() throws IOException {
        Path out = tmp.resolve("out");
        ok(with(new String[] {"run", trace("rec", true).toString(), "--out", out.toString(), "--format", "csv"},
                COSTS));
        assertEquals(MODELLED, ok("kvm-stat", out.toString()).out());
        assertEquals(MODELLED, ok("kvm-stat", out.resolve("metrics").toString()).out());
        assertEquals(COMPARED, ok("kvm-stat", out.toString(), "--compare").out());
        assertEquals(COMPARED, ok("kvm-stat", out.resolve("metrics").toString(), "--compare").out());
        assertEquals("reason,observed_samples,modelled_samples,samples_diff_pct,observed_avg_ns,modelled_avg_ns,"
                + "avg_diff_pct\n"
                + "DABT_LOW,5,4,-20.0000,1400.0000,1510.0000,7.8571\n"
                + "IRQ,2,1,-50.0000,10.0000,10.0000,0.0000\n"
                + "HVC64,1,,,500.0000,,\n"
                + "WFx,1,1,0.0000,20000.0000,19910.0000,-0.4500\n"
                + "SYS64,,1,,,40.0000,\n", ok("kvm-stat", out.toString(), "--compare", "--format", "csv").out());
        String json = ok("kvm-stat", out.toString(), "--compare", "--format", "json").out();
        assertTrue(json.contains("\"observed_total_samples\":9,\"modelled_total_samples\":7,"
                + "\"observed_total_time_ns\":27520,\"modelled_total_time_ns\":26000,"), json);
        assertTrue(json.contains("{\"reason\":\"SYS64\",\"observed_samples\":null,\"modelled_samples\":1,"), json);
        // vCPU 0 selected on both sides: the same rows, scope named
        assertTrue(ok("kvm-stat", out.toString(), "--compare", "--vcpu", "0").out()
                .startsWith("Observed vs modelled exits for all VMs, VCPU 0:\n"));
    }

    /** 'virtreplay replay' of the trace in place: found beside the output by run_info's name and digest. */
    @Test
    void replayOutputFindsItsInputByNameAndDigest() throws IOException {
        Path rec = trace("rec", true);
        Path m = replayed(rec, "m");
        // a trace named 'trace' beside a replay's output is not taken for run's OUT/trace
        trace("trace", false);
        assertEquals(COMPARED, ok("kvm-stat", m.toString(), "--compare").out());
        // the recording changed since the replay: its digest no longer matches, so it is not taken
        Files.writeString(rec.resolve("exits.csv"), EXITS_CSV.replace(",,2000\n", ",,2001\n"));
        assertOneLine(IngestTestSupport.run("kvm-stat", m.toString(), "--compare"),
                "--compare needs the recording the run replayed: run_info names its input 'rec'");
        // ... unless given: then its exits are compared (two DABT_LOW of 2,001: avg 1,400.4)
        assertTrue(ok("kvm-stat", m.toString(), "--compare", "--trace", rec.toString(), "--format", "csv").out()
                .contains("\nDABT_LOW,5,4,-20.0000,1400.4000,1510.0000,"));
    }

    @Test
    void nothingToCompareWithIsOneLine() throws IOException {
        Path plain = trace("plain", false);
        Path m = replayed(plain, "m");
        assertOneLine(IngestTestSupport.run("kvm-stat", m.toString(), "--compare"),
                "nothing observed to compare with: the trace has no exits table");
        assertOneLine(IngestTestSupport.run("kvm-stat", trace("rec", true).toString(), "--compare"),
                "--compare needs a replay's output (the modelled exits), not a trace");
        IngestTestSupport.Result t = IngestTestSupport.run("kvm-stat", m.toString(), "--trace", plain.toString());
        assertEquals(2, t.exit());
        assertEquals("virtreplay: option '--trace': only with --compare", t.errLines().get(0));
    }
}
