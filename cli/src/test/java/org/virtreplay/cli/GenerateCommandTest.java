package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.convert.TraceConverter;

/**
 * {@code virtreplay generate} end to end: exit codes and messages for bad options, and the checked-in
 * quickstart sample regenerated from the exact command in its SCENARIO.md.
 */
class GenerateCommandTest {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int exec(String... args) {
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    /** The repository's sample-traces/quickstart, from the cli module's directory (Maven's cwd). */
    private static Path quickstart() {
        return sample("quickstart");
    }

    /** The repository's sample-traces/NAME, from the cli module's directory (Maven's cwd). */
    static Path sample(String name) {
        Path p = Path.of("..", "sample-traces", name);
        assertTrue(Files.isDirectory(p), "sample-traces/" + name + " not found from " + Path.of("").toAbsolutePath());
        return p;
    }

    /** The regeneration command of sample NAME's SCENARIO.md, with --out pointed at {@code target}. */
    static String[] scenarioCommand(String name, Path target) throws IOException {
        String cmd = null;
        for (String line : Files.readAllLines(sample(name).resolve("SCENARIO.md"))) {
            if (line.startsWith("bin/virtreplay generate ")) {
                cmd = line;
            }
        }
        assertTrue(cmd != null, "SCENARIO.md holds no 'bin/virtreplay generate' line");
        String[] words = cmd.substring("bin/virtreplay ".length()).trim().split(" +");
        List<String> args = new ArrayList<>(List.of(words));
        int i = args.indexOf("--out");
        assertEquals("sample-traces/" + name, args.get(i + 1));
        args.set(i + 1, target.toString());
        return args.toArray(new String[0]);
    }

    /** Regenerates sample NAME into {@code target} and compares every table with the checked-in one. */
    static void assertRegeneratesIdentically(String name, Path target) throws IOException {
        IngestTestSupport.Result r = IngestTestSupport.run(scenarioCommand(name, target));
        assertEquals(0, r.exit(), r.err());
        List<String> mine = tableFiles(sample(name));
        assertEquals(tableFiles(target), mine);
        assertEquals(10, mine.size(), mine.toString());
        for (String f : mine) {
            assertArrayEquals(content(sample(name).resolve(f)), content(target.resolve(f)),
                    f + " differs from the checked-in sample");
        }
    }

    @Test
    void quickstartRegeneratesIdentically() throws IOException {
        assertRegeneratesIdentically("quickstart", dir.resolve("quickstart"));
    }

    @Test
    void quickstartHasWhatTheIssueAsksFor() throws IOException {
        Path q = quickstart();
        String vms = text(q.resolve("vms.csv"));
        assertEquals(4, vms.split("\n").length, "3 VMs");
        assertTrue(text(q.resolve("manifest.csv")).contains("\npe_count,4\n"));
        String sched = text(q.resolve("sched.csv.gz"));
        int vcpus = 0;
        for (String line : vms.split("\n")) {
            if (!line.startsWith("vm,")) {
                vcpus += Integer.parseInt(line.split(",")[2]);
            }
        }
        assertTrue(vcpus >= 6, "at least 6 vCPUs over 4 PEs");
        assertTrue(sched.contains(",preempt\n"), "overcommit: preemptions");
        String map = text(q.resolve("map.csv.gz"));
        assertTrue(map.contains(",2,") && map.contains(",2097152,rwx,normal_wb,,map\n"), "2 MB stage-2 blocks");
        assertTrue(map.contains(",rwu,normal_wb,1,map\n"), "stage-1 user pages");
        String sys = text(q.resolve("sysreg.csv.gz"));
        assertTrue(sys.split("TTBR0_EL1").length - 1 > 6, "context switches beyond the initial TTBR0 writes");
        String tlbi = text(q.resolve("tlbi.csv.gz"));
        assertTrue(tlbi.contains("VALE1IS") && tlbi.contains("IPAS2E1IS") && tlbi.contains("ASIDE1IS"));
        String irq = text(q.resolve("irq.csv.gz"));
        assertTrue(irq.contains(",27,") && irq.contains(",timer,") && irq.contains(",device,"));
    }

    @Test
    void quickstartPassesValidation() {
        // The ingest module's validating reader reads all of it and writes Parquet.
        TraceConverter.convert(quickstart(), dir.resolve("pq"), TraceConverter.Form.PARQUET, 20, false);
        assertTrue(Files.exists(dir.resolve("pq").resolve("mem.parquet")));
    }

    @Test
    void badOptionsExit2WithOneLineEachAndWriteNothing() {
        Path o = dir.resolve("bad");
        assertEquals(2, exec("generate", "--out", o.toString(), "--vms", "0", "--skew", "zipf,lognormal"));
        assertEquals("option '--vms': expected 1..255, got 0\n"
                + "option '--skew': expected uniform, zipf or seq (comma-separated, per VM), got 'lognormal'\n",
                err.replace(System.lineSeparator(), "\n"));
        assertFalse(Files.exists(o));

        assertEquals(2, exec("generate", "--out", o.toString(), "--compress", "lz4"));
        assertEquals("option '--compress': expected none, gz, zst or xz, got 'lz4'", err.strip());
        assertEquals(2, exec("generate", "--out", o.toString(), "--s2-premap", "some"));
        assertEquals("option '--s2-premap': expected blocks, all or none, got 'some'", err.strip());
        assertEquals(2, exec("generate", "--out", o.toString(), "--ram", "lots"));
        assertEquals("option '--ram': expected a size like 256M, got 'lots'", err.strip());
        assertEquals(2, exec("generate", "--out", o.toString(), "--bogus"));
        assertTrue(err.startsWith("virtreplay: Unknown option: '--bogus'"), err);
        assertEquals(2, exec("generate"));
        assertTrue(err.contains("Missing required option: '--out=DIR'"), err);
        assertFalse(Files.exists(o));
        assertFalse(err.contains("Exception"), err);
    }

    @Test
    void terabyteFootprintIsCheckedNotOutOfMemory() {
        // issue 14: this ended in OutOfMemoryError (exit 1, stack trace) while laying out the pages;
        // 1 GiB + 2 TiB of RAM does not fit the default 40-bit IPA space: one line, exit 2.
        Path o = dir.resolve("tera");
        assertEquals(2, exec("generate", "--out", o.toString(), "--footprint", "1T", "--ram", "2T"));
        assertEquals("option '--ram': 2199023255552 bytes of RAM at IPA 0x40000000 do not fit a 40-bit IPA "
                + "space; raise --ipa-bits or lower --ram", err.strip());
        assertFalse(Files.exists(o));
    }

    @Test
    void ratesAndIntervalsThatWouldOverflowTimeAreRefusedWithOneLine() {
        // issue 14: --timer-hz 1e-12 drew timer times beyond 2^63 ns and wrote irq rows at
        // ts -9223372036854775808, which ingest then rejected. Each bad value: one line, exit 2.
        Path o = dir.resolve("slow");
        String[][] cases = {
            {"--timer-hz", "1e-12", "option '--timer-hz': expected 0 (off) or a rate from 0.001 Hz up, got 1.0E-12"},
            {"--exec-hz", "0.0001", "option '--exec-hz': expected 0 (off) or a rate from 0.001 Hz up, got 1.0E-4"},
            {"--spi-hz", "-1", "option '--spi-hz': expected 0 (off) or a rate from 0.001 Hz up, got -1.0"},
            {"--busy-us", "2e12", "option '--busy-us': expected 0..1e12 us, got 2.0E12"},
            {"--quantum-us", "1e13", "option '--quantum-us': expected a number > 0 and <= 1e12 us, got 1.0E13"},
        };
        for (String[] c : cases) {
            assertEquals(2, exec("generate", "--out", o.toString(), c[0], c[1]), c[0]);
            assertEquals(c[2], err.strip());
            assertFalse(Files.exists(o));
        }
        // the lowest rate is accepted, and its drawn times stay valid nanoseconds
        assertEquals(0, exec("generate", "--out", o.toString(), "-q", "--accesses", "2000", "--timer-hz", "0.001",
                "--remap-hz", "0.001", "--busy-us", "1e12"), err);
        TraceConverter.convert(o, dir.resolve("slow-pq"), TraceConverter.Form.PARQUET, 20, false);
    }

    @Test
    void helpListsTheOptions() {
        assertEquals(0, exec("generate", "--help"));
        for (String opt : new String[] {"--seed", "--vms", "--vcpus", "--pes", "--footprint", "--skew", "--s2-page-sizes",
            "--timer-hz", "--spi-hz", "--ipi-hz", "--compress", "--progress"}) {
            assertTrue(out.contains(opt), opt);
        }
    }

    @Test
    void summaryOnStdout() {
        Path o = dir.resolve("small");
        assertEquals(0, exec("generate", "--out", o.toString(), "--accesses", "5000", "--vms", "1"));
        assertTrue(out.startsWith("wrote " + o + ": 5000 mem, "), out);
        assertTrue(Files.exists(o.resolve("mem.csv")));
        // -q silences progress only, as in every command (docs/cli.md): the result line stays
        Path q = dir.resolve("quiet");
        assertEquals(0, exec("generate", "--out", q.toString(), "--accesses", "5000", "--vms", "1", "-q"));
        assertTrue(out.startsWith("wrote " + q + ": 5000 mem, "), out);
    }

    static List<String> tableFiles(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".md")).sorted().toList();
        }
    }

    /** The bytes of a table, decompressed if it is .gz (compressed bytes depend on the zlib build). */
    static byte[] content(Path p) throws IOException {
        if (p.toString().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(p);
    }

    private static String text(Path p) throws IOException {
        return new String(content(p), StandardCharsets.UTF_8);
    }
}
