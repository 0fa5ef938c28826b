package org.virtreplay.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge judged: each promise check finds a breach written by hand, and passes what the
 * documentation calls good, so that a quiet suite means kept promises and not a blind checker.
 */
class PromisesTest {

    @TempDir
    Path tmp;

    private Case caseWith(Path in, Path work, List<Path> files, List<String> keys) {
        return new Case("t", 1, 0, "m", List.of("run"), in, work, work.resolve("out"), new Case.Places(files, keys),
                List.of("report/report.html"), true, Case.Expect.ANY);
    }

    private static WorkerClient.Outcome exit(int code, String err) {
        return new WorkerClient.Outcome(code, "", err, 5, false, "", "");
    }

    private static List<String> promises(List<Promises.Breach> b) {
        return b.stream().map(Promises.Breach::promise).toList();
    }

    @Test
    void aGoodExit2LineBreaksNothing() {
        Path mem = tmp.resolve("in/trace/mem.csv");
        Case c = caseWith(tmp.resolve("in"), tmp.resolve("work"), List.of(tmp.resolve("in/trace"), mem), List.of());
        String err = mem + ":12: column 'va': expected 0x-hex address, got 'zz12'\nstopped after 1 problems\n";
        assertEquals(List.of(), Promises.checkRun(c, exit(2, err)));
        // a whole-file problem needs no line
        assertEquals(List.of(), Promises.checkRun(c, exit(2, mem + ": not a readable Parquet file (no magic)\n")));
    }

    @Test
    void eachBrokenMessagePromiseIsFound() {
        Path mem = tmp.resolve("in/trace/mem.csv");
        Case c = caseWith(tmp.resolve("in"), tmp.resolve("work"), List.of(mem), List.of("'pes'"));
        assertEquals(List.of("exit-code"), promises(Promises.checkRun(c, exit(1,
                "virtreplay: internal error (please report it): java.lang.IllegalStateException: x\n"
                        + "\tat org.virtreplay.engine.Foo.bar(Foo.java:3)\n"))));
        assertTrue(promises(Promises.checkRun(c, exit(2, mem + ":3: bad\n\tat java.base/x.Y.z(Y.java:1)\n")))
                .contains("no-stack-trace"));
        assertEquals(List.of("one-line-message"), promises(Promises.checkRun(c, exit(2, mem + ":3: column 'va': "
                + "expected 0x-hex address, got '" + "a".repeat(101) + "'\n"))));
        assertEquals(List.of("one-line-message"), promises(Promises.checkRun(c, exit(2, mem + ":3: " + "x".repeat(Promises.MAX_LINE)
                + "\n"))));
        assertEquals(List.of("plain-words"), promises(Promises.checkRun(c, exit(2, mem
                + ": not a readable Parquet file (org.apache.parquet.io.LocalInputFile@61a485d2)\n"))));
        assertEquals(List.of("plain-words"), promises(Promises.checkRun(c, exit(2, mem + ":1: cannot read: null\n"))));
        // no file, no key
        assertEquals(List.of("names-the-place"), promises(Promises.checkRun(c, exit(2,
                "stage-2 table pool exhausted at 0x4000\n"))));
        // a value problem without its line
        assertEquals(List.of("names-the-place"), promises(Promises.checkRun(c, exit(2, mem
                + ": column 'va': expected 0x-hex address, got 'zz'\n"))));
        // the command's own intermediate file instead of the user's
        assertEquals(List.of("names-the-place"), promises(Promises.checkRun(c, exit(2, c.out()
                + "/trace/map.parquet:row 3: stage-2 table pool exhausted\n"))));
        // a key names the place of a scenario problem
        assertEquals(List.of(), promises(Promises.checkRun(c, exit(2, "scenario key 'pes': expected 0..4096\n"))));
        assertEquals(List.of("exit-code"), promises(Promises.checkRun(c, exit(137, ""))));
        assertEquals(List.of("one-line-message"), promises(Promises.checkRun(c, exit(2, ""))));
        WorkerClient.Outcome hang = new WorkerClient.Outcome(-1, "", "", 15000, true, "Mmu.translate (top: X.y)", "");
        List<Promises.Breach> h = Promises.checkRun(c, hang);
        assertEquals("hang in Mmu.translate", h.get(0).signature());
    }

    @Test
    void partialOutputAndIncompleteOutputAreFound() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(in.resolve("a.csv"), "x\n");
        Case c = caseWith(in, work, List.of(), List.of());
        Snapshot in0 = Snapshot.of(in);
        Snapshot w0 = Snapshot.of(work);
        // a failed command that left a temporary sibling
        Files.createDirectories(work.resolve(".out.partial-123"));
        assertEquals(List.of("no-partial-output"), promises(Promises.checkFiles(c, 2, in0, w0, Snapshot.of(in),
                Snapshot.of(work))));
        Corpus.deleteTree(work.resolve(".out.partial-123"));
        // a successful one: complete, with nothing beside it
        Files.createDirectories(work.resolve("out/report"));
        Files.writeString(work.resolve("out/report/report.html"), "<html>");
        assertEquals(List.of(), Promises.checkFiles(c, 0, in0, w0, Snapshot.of(in), Snapshot.of(work)));
        // ... but not with a temporary inside
        Files.writeString(work.resolve("out/report/.report.html.tmp"), "");
        assertEquals(List.of("no-partial-output"), promises(Promises.checkFiles(c, 0, in0, w0, Snapshot.of(in),
                Snapshot.of(work))));
        Files.delete(work.resolve("out/report/.report.html.tmp"));
        Files.delete(work.resolve("out/report/report.html"));
        assertEquals(List.of("complete-output"), promises(Promises.checkFiles(c, 0, in0, w0, Snapshot.of(in),
                Snapshot.of(work))));
        // an input changed
        Files.writeString(in.resolve("a.csv"), "y\n");
        assertTrue(promises(Promises.checkFiles(c, 2, in0, w0, Snapshot.of(in), Snapshot.of(work)))
                .contains("inputs-untouched"));
    }

    @Test
    void rerunsDifferOnlyInTimingJson() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a/metrics"));
        Path b = Files.createDirectories(tmp.resolve("b/metrics"));
        Files.writeString(a.resolve("t.parquet"), "same");
        Files.writeString(b.resolve("t.parquet"), "same");
        Files.writeString(a.resolve("timing.json"), "{\"wall\":1}");
        Files.writeString(b.resolve("timing.json"), "{\"wall\":2}");
        assertEquals(List.of(), Promises.checkRerun(Snapshot.of(a.getParent()), Snapshot.of(b.getParent()), 0));
        Files.writeString(b.resolve("t.parquet"), "other");
        List<Promises.Breach> d = Promises.checkRerun(Snapshot.of(a.getParent()), Snapshot.of(b.getParent()), 0);
        assertEquals("rerun differs: [~metrics/t.parquet]", d.get(0).signature());
    }

    @Test
    void signaturesDropTheParticulars() {
        assertEquals(Promises.normalize("/x/mem.csv:12: column 'va': expected 0x-hex address, got 'zz12'", 80),
                Promises.normalize("/y/irq.csv:7: column 'va': expected 0x-hex address, got '0xq'", 80));
        assertEquals("IllegalStateException: boom at Foo.bar", Promises.internalError(
                "virtreplay: internal error (please report it): java.lang.IllegalStateException: boom\n"
                        + "\tat java.base/java.util.X.y(X.java:1)\n\tat org.virtreplay.a.Foo.bar(Foo.java:2)\n"));
        assertEquals("UncheckedIOException > IOException: No space left on device", Promises.internalError(
                "virtreplay: internal error (please report it): java.io.UncheckedIOException: java.io.IOException: "
                        + "No space left on device\n"));
    }

    @Test
    void theKnownDefectsListParsesAndMatches() {
        Findings.loadKnown(); // the list in the resources parses (it may be empty)
        List<Findings.Known> known = Findings.parseKnown("# a comment\n\n1 | ^no-hang: hang in (ReplayJob|Charts)\\.\n");
        assertEquals(1, known.size());
        assertEquals("1", known.get(0).item());
        Findings f = new Findings("t", known);
        assertNotNull(f.knownAs("no-hang: hang in ReplayJob.emitWindow"));
        assertNull(f.knownAs("exit-code: exit 1: NullPointerException at Replayer.onIrq"));
    }

    @Test
    void mutationsDependOnTheSeedAlone() {
        byte[] text = "ts,vm,va\n1,0,0x10\n2,0,0x20\n3,1,0x30\n".getBytes(StandardCharsets.UTF_8);
        for (long seed = 0; seed < 200; seed++) {
            Mutations.Mutated a = Mutations.generic(text, new SplittableRandom(seed), ',', 1000);
            Mutations.Mutated b = Mutations.generic(text, new SplittableRandom(seed), ',', 1000);
            assertArrayEquals(a.bytes(), b.bytes());
            assertEquals(a.what(), b.what());
        }
        assertEquals(Corpus.caseSeed("csv", 5), Corpus.caseSeed("csv", 5));
        assertFalse(Corpus.caseSeed("csv", 5) == Corpus.caseSeed("csv", 6));
        assertFalse(Corpus.caseSeed("csv", 5) == Corpus.caseSeed("lackey", 5));
    }
}
