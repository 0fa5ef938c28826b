package org.virtreplay.cli.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tukaani.xz.XZInputStream;
import org.virtreplay.cli.VirtReplay;

/**
 * The valid inputs the corpus mutates, made once per test JVM: a small generated canonical trace
 * that has rows in every table the generator writes (CSV and its ingested Parquet form), the head
 * of a real lackey trace, a scenario, a grid and a translate environment.
 */
final class BaseInputs {

    private BaseInputs() {
    }

    private static Path dir;
    private static Path csvTrace;
    private static Path parquetTrace;

    /**
     * The generator's options for the small trace: 2 VMs x 2 vCPUs on 2 PEs, 600 accesses spread
     * over ~6 ms so that interrupts, schedule changes, TLB maintenance and mask windows happen too.
     */
    static final List<String> GENERATE = List.of("generate", "-q", "--seed", "14", "--vms", "2", "--vcpus", "2",
            "--pes", "2", "--accesses", "600", "--access-gap-ns", "20000", "--procs", "2", "--footprint", "32k",
            "--text-pages", "2", "--kernel-data", "2M", "--ram", "16M", "--s2-page-sizes", "2m,4k", "--passthrough",
            "--asid-max", "8", "--exec-hz", "400", "--remap-hz", "200", "--hyp-tlbi-hz", "200", "--timer-hz",
            "1000", "--spi-hz", "500", "--ipi-hz", "200", "--lpi-hz", "100", "--guest-slice-us", "1000", "--busy-us",
            "3000", "--mmio", "0.01", "--cross-page", "0.01", "--daif-hz", "2000");

    static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("virtreplay-reliability-");
            Path d = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Corpus.deleteTree(d);
                } catch (RuntimeException e) {
                    // best effort: a worker may still be writing there as the JVM ends
                }
            }));
        }
        return dir;
    }

    /** Runs the CLI in this JVM and insists that it succeeds: these are the suite's valid inputs. */
    static void cli(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = VirtReplay.execute(args.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err,
                true));
        if (exit != 0) {
            throw new IllegalStateException("making a base input failed: virtreplay " + String.join(" ", args)
                    + " -> exit " + exit + "\n" + err);
        }
    }

    /** The small trace in CSV; its manifest without the generator's option keys, so that mutations hit the rest. */
    static synchronized Path csvTrace() throws IOException {
        if (csvTrace == null) {
            Path t = dir().resolve("csv-trace");
            List<String> args = new ArrayList<>(GENERATE);
            args.add("--out");
            args.add(t.toString());
            cli(args);
            Path m = t.resolve("manifest.csv");
            List<String> kept = Files.readAllLines(m).stream().filter(l -> !l.startsWith("generator.")).toList();
            Files.write(m, kept);
            csvTrace = t;
        }
        return csvTrace;
    }

    /** The small trace as {@code virtreplay ingest} writes it. */
    static synchronized Path parquetTrace() throws IOException {
        if (parquetTrace == null) {
            Path t = dir().resolve("parquet-trace");
            cli(List.of("ingest", csvTrace().toString(), "--out", t.toString(), "-q"));
            parquetTrace = t;
        }
        return parquetTrace;
    }

    private static Path earlierRun;

    /** A complete {@code run} of the small trace: what an earlier run left at OUT. */
    static synchronized Path earlierRun() throws IOException {
        if (earlierRun == null) {
            Path o = dir().resolve("earlier-run");
            cli(List.of("run", csvTrace().toString(), "--out", o.toString(), "-q"));
            earlierRun = o;
        }
        return earlierRun;
    }

    /** The first {@code lines} lines of the bundled lackey trace of /bin/true (banner included). */
    static byte[] lackey(int lines) throws IOException {
        Path xz = repo().resolve("sample-traces/lackey/true.lackey.xz");
        StringBuilder b = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new XZInputStream(Files.newInputStream(xz)),
                StandardCharsets.ISO_8859_1))) {
            String l;
            for (int i = 0; i < lines && (l = r.readLine()) != null; i++) {
                b.append(l).append('\n');
            }
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The repository root (Surefire runs in the module's directory). */
    static Path repo() {
        Path p = Path.of("..").toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("sample-traces"))) {
            throw new IllegalStateException("no sample-traces beside " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Copies a trace directory's files into {@code to}. */
    static void copyDir(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> s = Files.list(from)) {
                for (Path p : s.toList()) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A scenario that sets every key to a valid value other than its default where the small trace
     * allows it (2 PEs: the trace's schedule names PEs 0 and 1).
     */
    static final String SCENARIO = """
            # reliability suite: a valid scenario for the small trace
            pes = 2
            core = neoverse-n1
            tlb.l1i.entries = 48
            tlb.l1i.assoc = 48
            tlb.l1d.entries = 32
            tlb.l1d.assoc = 32
            tlb.l2.entries = 640
            tlb.l2.assoc = 5
            tlb.replacement = plru
            gic.list_registers = 2
            gic.v4 = true
            sched.policy = trace
            sched.quantum_us = 500
            s2.backing = trace
            cost.clock_mhz = 2000
            seed = 7
            """;

    /** A grid of four points on the small trace. */
    static final String GRID = """
            # reliability suite: 2 x 2 points
            vms = 1, 2
            s2.backing = 4k, 2m
            """;

    /** translate's ENV-S1 of the golden tests (arm-reference 15.0): a 4-level 4 KB walk to PA 0x9abcdabc. */
    static final String REGS = """
            # ENV-S1
            HCR_EL2 = 0x80000000
            SCTLR_EL1 = 0x1005
            TCR_EL1 = 0x0000_0005_0080_3510
            MAIR_EL1 = 0x44FF
            TTBR0_EL1 = 0x40000000
            """;

    static final String MEMORY = """
            0x40000008 0x40001003
            0x40001010 0x40002003
            0x40002018 0x40003003
            0x40003020 0x9abcd703
            """;
}
