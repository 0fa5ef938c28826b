package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.virtreplay.cli.IngestTestSupport.baseTrace;
import static org.virtreplay.cli.IngestTestSupport.run;
import static org.virtreplay.cli.IngestTestSupport.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 7: a message is one short line. An echoed value is cut to 80 characters with
 * its length and its line breaks escaped; what a library says is put into words naming the file.
 * Each case printed, before the fix, a 10 MB line, a line break inside a message, or a Java
 * class name ({@code java.io.EOFException}, {@code LocalInputFile@61a485d2}, {@code footer is too
 * large: 2355156428to be read}, {@code Input length = 1}).
 */
class OneLineMessagesTest {
    @TempDir
    Path tmp;
    Path in;

    @BeforeEach
    void setUp() throws IOException {
        in = baseTrace(tmp.resolve("in"));
    }

    /** Exit 2, exactly one line on stderr, no Java in it; returns the line. */
    static String oneLine(IngestTestSupport.Result r) {
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertFalse(line.contains("Exception") || line.contains("internal error") || line.contains("\tat ")
                || line.matches(".*@[0-9a-f]{6,}.*") || line.contains("java."), line);
        return line;
    }

    private String ingest() {
        return oneLine(run("ingest", in.toString(), "--out", tmp.resolve("out").toString()));
    }

    @Test
    void aTenMegabyteFieldIsCutToEightyCharactersWithItsLength() throws IOException {
        String va = "0x" + "a".repeat(10 * 1024 * 1024);
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n1,0,0,0,r," + va + ",8\n");
        String expected = in.resolve("mem.csv") + ":2: column 'va': expected 0x-hex address, got '0x" + "a".repeat(78)
                + "…' (10,485,762 characters)";
        assertEquals(expected, ingest());
        // the same validation when replaying or inspecting the CSV trace
        assertEquals(expected, oneLine(run("replay", in.toString(), "-q", "--out", tmp.resolve("m").toString())));
        assertEquals(expected, oneLine(run("inspect", in.toString())));
    }

    @Test
    void aQuotedLineBreakStaysOnOneLine() throws IOException {
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n1,0,0,0,r,\"0x1\n000\",8\n");
        assertEquals(in.resolve("mem.csv") + ":2: column 'va': expected 0x-hex address, got '0x1\\n000'", ingest());
    }

    @Test
    void aLongUnknownColumnNameIsCut() throws IOException {
        String name = "n".repeat(5000);
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size," + name + "\n1,0,0,0,r,0x1000,8,1\n");
        assertEquals(in.resolve("mem.csv") + ":1: unknown column '" + "n".repeat(80) + "…' (5,000 characters) (the mem "
                + "table has columns ts,vm,vcpu,el,access,va,size)", ingest());
    }

    @Test
    void aGzipTableOfTwoBytesIsTruncatedGzipData() throws IOException {
        Files.delete(in.resolve("mem.csv"));
        Files.write(in.resolve("mem.csv.gz"), new byte[] {0x1f, (byte) 0x8b}); // was "(java.io.EOFException)"
        assertEquals(in.resolve("mem.csv.gz") + ":1: truncated gzip data", ingest());
    }

    /** The base trace as Parquet, in {@code tmp/pq}. */
    private Path parquetTrace() {
        Path pq = tmp.resolve("pq");
        assertEquals(0, run("ingest", in.toString(), "--out", pq.toString()).exit());
        return pq;
    }

    @Test
    void aParquetFileWithoutItsTailMagic() throws IOException {
        Path pq = parquetTrace();
        Path mem = pq.resolve("mem.parquet");
        byte[] b = Files.readAllBytes(mem);
        Arrays.fill(b, b.length - 4, b.length, (byte) 0); // was "LocalInputFile@61a485d2 is not a Parquet file…"
        Files.write(mem, b);
        assertEquals(mem + ": not a Parquet file (no PAR1 magic at its end; truncated?)",
                oneLine(run("replay", pq.toString(), "-q", "--out", tmp.resolve("m").toString())));
    }

    @Test
    void aParquetFileWhoseFooterLengthIsBeyondTheFile() throws IOException {
        Path pq = parquetTrace();
        Path mem = pq.resolve("mem.parquet");
        byte[] b = Files.readAllBytes(mem);
        // was "footer is too large: 3221225472to be read"
        ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xC000_0000);
        Files.write(mem, b);
        assertEquals(mem
                + ": not a Parquet file (its footer length, 3,221,225,472 bytes, exceeds the file; truncated?)",
                oneLine(run("inspect", pq.toString())));
    }

    @Test
    void aDamagedMetricTableInAReport() throws IOException {
        Path m = tmp.resolve("m");
        assertEquals(0, run("replay", in.toString(), "-q", "--out", m.toString()).exit());
        Path t = m.resolve("tlb_stats.parquet");
        byte[] b = Files.readAllBytes(t);
        Arrays.fill(b, b.length - 4, b.length, (byte) 0); // the tail magic "PAR1"
        Files.write(t, b);
        assertEquals(t + ": not a Parquet file (no PAR1 magic at its end; truncated?)",
                oneLine(run("report", m.toString(), "--out-dir", tmp.resolve("r").toString())));
    }

    @Test
    void aRegisterFileThatIsNotUtf8() throws IOException {
        Path regs = tmp.resolve("regs.txt");
        // "TCR_EL1 = 0x0\n" is 14 bytes, "MAIR_EL1 = caf" 14 more: the Latin-1 é is byte 28, line 2.
        Files.write(regs, "TCR_EL1 = 0x0\nMAIR_EL1 = caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Path mem = tmp.resolve("mem.txt");
        write(mem, "0x0 0x0\n");
        // was "regs.txt: cannot read: Input length = 1"
        assertEquals(regs + ":2: not UTF-8 text (byte 0xe9 at offset 28)", oneLine(run("translate", "--regs",
                regs.toString(), "--memory", mem.toString(), "--va", "0x0", "--el", "1", "--access", "read")));
    }

    @Test
    void scenarioAndGridValuesAreCutAndEscaped() throws IOException {
        Path sc = tmp.resolve("host.txt");
        write(sc, "core = " + "z".repeat(100_000) + "\n");
        assertEquals(sc + ":1: key 'core': expected one of cortex-a72, cortex-a76, neoverse-n1, neoverse-n2, "
                + "neoverse-v1, neoverse-v2, got '" + "z".repeat(80) + "…' (100,000 characters)",
                oneLine(run("replay", in.toString(), "--scenario", sc.toString(), "-q", "--out",
                        tmp.resolve("m").toString())));
        assertEquals("--set: scenario key 'core': expected one of cortex-a72, cortex-a76, neoverse-n1, neoverse-n2, "
                + "neoverse-v1, neoverse-v2, got 'a\\nb'", oneLine(run("replay", in.toString(), "--set", "core=a\nb",
                "-q", "--out", tmp.resolve("m").toString())));
        Path grid = tmp.resolve("grid.txt");
        Files.write(grid, "pes = 1, caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(grid + ":1: not UTF-8 text (byte 0xe9 at offset 12)", oneLine(run("sweep", in.toString(), "--grid",
                grid.toString(), "-q", "--out", tmp.resolve("s").toString())));
    }

    @Test
    void aLackeyLineOfAHundredThousandCharacters() throws IOException {
        Path t = tmp.resolve("t.lackey");
        write(t, " L " + "q".repeat(100_000) + "\n");
        assertEquals(t + ":1: expected a hex address followed by ',', got ' L " + "q".repeat(77)
                + "…' (100,003 characters)", oneLine(run("tlb", t.toString())));
    }
}
