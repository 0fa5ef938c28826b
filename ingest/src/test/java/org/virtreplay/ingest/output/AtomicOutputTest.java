package org.virtreplay.ingest.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;

/** {@link AtomicOutput}: what is at the target after a commit, a failure, and a dead process's leftovers. */
class AtomicOutputTest {
    @TempDir
    Path tmp;

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aCommittedDirectoryAppearsWholeUnderItsName() throws IOException {
        Path out = tmp.resolve("sub/out");
        try (AtomicOutput o = AtomicOutput.directory(out, false)) {
            assertEquals(tmp.resolve("sub"), o.path().getParent());
            assertTrue(o.path().getFileName().toString().startsWith(".out.tmp-" + ProcessHandle.current().pid() + "-"));
            Files.writeString(o.path().resolve("a.txt"), "a");
            assertFalse(Files.exists(out), "visible before the commit");
            o.commit();
        }
        assertEquals(List.of("out"), names(tmp.resolve("sub")));
        assertEquals("a", Files.readString(out.resolve("a.txt")));
    }

    @Test
    void withoutACommitNothingIsLeft() throws IOException {
        Path out = tmp.resolve("out");
        try (AtomicOutput o = AtomicOutput.directory(out, false)) {
            Files.createDirectories(o.path().resolve("x/y"));
            Files.writeString(o.path().resolve("x/y/z"), "z");
        }
        assertEquals(List.of(), names(tmp));
    }

    @Test
    void anExistingTargetIsRefusedWithoutForceAndReplacedWholeWithIt() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("old.txt"), "old");
        BadInputException e = assertThrows(BadInputException.class, () -> AtomicOutput.directory(out, false));
        assertEquals(List.of(out + ": already exists; use --force to replace it"), e.problems());
        assertEquals(List.of("out"), names(tmp), "a refused output leaves no temporary");
        try (AtomicOutput o = AtomicOutput.directory(out, true)) {
            Files.writeString(o.path().resolve("new.txt"), "new");
            assertEquals(List.of("old.txt"), names(out), "replaced before the commit");
            o.commit();
        }
        assertEquals(List.of("new.txt"), names(out));
        assertEquals(List.of("out"), names(tmp), "the old one is deleted after the rename");
    }

    @Test
    void aTargetThatIsOrHoldsAnInputIsRefusedEvenWithForce() throws IOException {
        Path in = tmp.resolve("a/in");
        Files.createDirectories(in);
        for (Path out : List.of(in, tmp.resolve("a"), tmp.resolve("a/./in/.."))) {
            BadInputException e = assertThrows(BadInputException.class, () -> AtomicOutput.directory(out, true, in));
            assertTrue(e.getMessage().contains("is or holds the input"), e.getMessage());
        }
        Path file = tmp.resolve("f");
        Files.writeString(file, "x");
        BadInputException e = assertThrows(BadInputException.class, () -> AtomicOutput.directory(file, true));
        assertEquals(List.of(file + ": exists and is not a directory; remove it or choose another path"), e.problems());
        e = assertThrows(BadInputException.class, () -> AtomicOutput.file(tmp.resolve("a"), true));
        assertEquals(List.of(tmp.resolve("a") + ": is a directory; expected a file name, such as "
                + tmp.resolve("a").resolve("out.csv")), e.problems());
        e = assertThrows(BadInputException.class, () -> AtomicOutput.directory(file.resolve("x/out"), true));
        assertEquals(List.of(file.resolve("x/out") + ": cannot be created: " + file
                + " is not a directory; choose another path"),
                e.problems());
        assertEquals(List.of("a", "f"), names(tmp));
    }

    @Test
    void aFileIsReplacedByRename() throws IOException {
        Path out = tmp.resolve("stats.csv");
        Files.writeString(out, "old");
        try (AtomicOutput o = AtomicOutput.file(out, true)) {
            assertTrue(Files.isRegularFile(o.path()));
            Files.writeString(o.path(), "new");
            assertEquals("old", Files.readString(out));
            o.commit();
        }
        assertEquals("new", Files.readString(out));
        assertEquals(List.of("stats.csv"), names(tmp));
        try (AtomicOutput o = AtomicOutput.file(out, true)) {
            Files.writeString(o.path(), "never");
        }
        assertEquals("new", Files.readString(out));
        assertEquals(List.of("stats.csv"), names(tmp));
    }

    @Test
    void staleTemporariesOfDeadProcessesGoOthersStay() throws Exception {
        long dead = deadPid();
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        Path out = tmp.resolve("out");
        for (String n : List.of(".out.tmp-" + dead + "-3", ".out.partial-" + dead, ".out.tmp-" + live + "-0",
                ".out.tmp-x", ".other.tmp-" + dead + "-0", ".out.tmpfoo-" + dead)) {
            Files.createDirectories(tmp.resolve(n).resolve("d"));
            Files.writeString(tmp.resolve(n).resolve("d/f"), "f");
        }
        Files.writeString(tmp.resolve(".out.tmp-" + dead + "-4"), "a stale file");
        List<Path> removed = AtomicOutput.removeStale(out);
        assertEquals(3, removed.size(), removed.toString());
        assertEquals(List.of(".other.tmp-" + dead + "-0", ".out.tmp-" + live + "-0", ".out.tmp-x",
                ".out.tmpfoo-" + dead), names(tmp));
    }

    /** Killed between moving the old target aside and renaming the new one in: the old one comes back. */
    @Test
    void anOldTargetMovedAsideByADeadProcessIsRestored() throws Exception {
        long dead = deadPid();
        Path out = tmp.resolve("out");
        Files.createDirectories(tmp.resolve(".out.old-" + dead + "-1"));
        Files.writeString(tmp.resolve(".out.old-" + dead + "-1/keep"), "old");
        Files.createDirectories(tmp.resolve(".out.tmp-" + dead + "-0"));
        AtomicOutput.removeStale(out);
        assertEquals(List.of("out"), names(tmp));
        assertEquals("old", Files.readString(out.resolve("keep")));
        // with the target present (killed after the second rename) the old one is only deleted
        Files.createDirectories(tmp.resolve(".out.old-" + dead + "-2"));
        AtomicOutput.removeStale(out);
        assertEquals(List.of("out"), names(tmp));
        assertEquals(List.of("keep"), names(out));
    }

    @Test
    void anInjectedFaultFailsThePhase() throws IOException {
        System.setProperty(AtomicOutput.FAIL_AT, "commit:out");
        try {
            Path out = tmp.resolve("out");
            try (AtomicOutput o = AtomicOutput.directory(out, false)) {
                IOException e = assertThrows(IOException.class, o::commit);
                assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            }
            assertEquals(List.of(), names(tmp));
            AtomicOutput.phase("commit:other"); // another phase: nothing happens
        } finally {
            System.clearProperty(AtomicOutput.FAIL_AT);
        }
    }
}
