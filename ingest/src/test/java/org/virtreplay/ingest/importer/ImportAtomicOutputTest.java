package org.virtreplay.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.output.AtomicOutput;

/**
 * {@code import} writes through {@link AtomicOutput} (issue 14 item 3): the trace and the external
 * sort's run files live in the output's temporary, so a failure leaves nothing beside {@code --out},
 * a dead process's leftovers are removed by the next import into the same {@code --out}, and
 * {@code --force} replaces an existing directory whole, as for every other command.
 */
class ImportAtomicOutputTest {
    @TempDir
    Path dir;

    /** host-tgid.txt (4 kvm_exit records) copied beside the output, so that the directory listing is ours. */
    private Path input() throws IOException {
        return Files.copy(ImportFixture.kvmSample("host-tgid.txt"), dir.resolve("host-tgid.txt"));
    }

    /** One row per table in memory: every table of more than one row spills sorted runs to disk. */
    private static ImportOptions options(Path out, boolean force, Path in) {
        return new ImportOptions(out, TraceConverter.Form.CSV, force, false, 20, null, List.of(), Map.of(),
                List.of(SourceSpec.of(SourceFormat.KVM_EVENTS, in)), 1);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aFailureAfterTheRunsAreSpilledLeavesNothing() throws Exception {
        Path in = input();
        Path out = dir.resolve("t");
        for (String phase : List.of(ImportJob.PHASE_READ, ImportJob.PHASE_WRITTEN)) {
            System.setProperty(AtomicOutput.FAIL_AT, phase);
            try {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ImportJob.run(options(out,
                        false, in)));
                assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            } finally {
                System.clearProperty(AtomicOutput.FAIL_AT);
            }
            assertEquals(List.of("host-tgid.txt"), names(), phase);
        }
        // without the injected failure the same options import (the runs were really spilled and merged)
        ImportJob.run(options(out, false, in));
        assertEquals(4, ImportFixture.table(out, "exits").size());
        assertEquals(List.of("host-tgid.txt", "t"), names());
        assertFalse(Files.exists(out.resolve(".runs")));
    }

    @Test
    void aBadRecordLeavesNothingEitherAfterRunsWereSpilled() throws Exception {
        Path in = input();
        // a bad number in the last record, after three exits went to runs on disk
        List<String> lines = Files.readAllLines(in);
        int last = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("kvm_exit:")) {
                last = i;
            }
        }
        lines.set(last, lines.get(last).replaceFirst("PC: 0x", "PC: 0xzz"));
        Files.write(in, lines);
        Path out = dir.resolve("t");
        assertThrows(BadInputException.class, () -> ImportJob.run(options(out, false, in)));
        assertEquals(List.of("host-tgid.txt"), names());
    }

    @Test
    void leftoversOfADeadImportAreRemovedByTheNextImportIntoTheSameOut() throws Exception {
        Path in = input();
        long dead = deadPid();
        // what kill -9 leaves: this version's temporary with its runs, and the older .partial-PID form
        Path tmp = dir.resolve(".t.tmp-" + dead + "-0");
        Files.createDirectories(tmp.resolve(".runs"));
        Files.writeString(tmp.resolve(".runs/exits.0.run"), "half a run");
        Path partial = dir.resolve(".t.partial-" + dead);
        Files.createDirectories(partial.resolve(".runs"));
        Files.writeString(partial.resolve(".runs/irq.3.run"), "half a run");
        // a live process's temporary and another output's leftovers are not this import's business
        long live = ProcessHandle.current().pid();
        Path liveTmp = Files.createDirectory(dir.resolve(".t.tmp-" + live + "-99"));
        Path other = Files.createDirectory(dir.resolve(".u.tmp-" + dead + "-0"));

        ImportJob.run(options(dir.resolve("t"), false, in));
        assertFalse(Files.exists(tmp));
        assertFalse(Files.exists(partial));
        assertTrue(Files.isDirectory(liveTmp));
        assertTrue(Files.isDirectory(other));
        Files.delete(liveTmp);
        assertEquals(List.of(".u.tmp-" + dead + "-0", "host-tgid.txt", "t"), names());
    }

    @Test
    void forceReplacesTheWholeDirectoryAndOnlyWithForce() throws Exception {
        Path in = input();
        Path out = Files.createDirectory(dir.resolve("t"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        BadInputException e = assertThrows(BadInputException.class, () -> ImportJob.run(options(out, false, in)));
        assertEquals(out + ": already exists; use --force to replace it", e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));

        // a failure with --force keeps the old directory as it was
        System.setProperty(AtomicOutput.FAIL_AT, ImportJob.PHASE_WRITTEN);
        try {
            assertThrows(UncheckedIOException.class, () -> ImportJob.run(options(out, true, in)));
        } finally {
            System.clearProperty(AtomicOutput.FAIL_AT);
        }
        assertEquals(List.of("keep.txt"), listing(out));
        assertEquals(List.of("host-tgid.txt", "t"), names());

        ImportJob.run(options(out, true, in));
        // replaced whole, never merged: the old file is gone
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertEquals(4, ImportFixture.table(out, "exits").size());
        assertEquals(List.of("host-tgid.txt", "t"), names());

        // an --out that holds a source is refused, --force or not, and the source stays
        Path inside = Files.copy(in, out.resolve("src.txt"));
        BadInputException h = assertThrows(BadInputException.class, () -> ImportJob.run(options(out, true, inside)));
        assertTrue(h.getMessage().contains("is or holds the input"), h.getMessage());
        assertTrue(Files.exists(inside));

        // an --out that is a file is refused
        Path file = Files.writeString(dir.resolve("f"), "x");
        BadInputException f = assertThrows(BadInputException.class, () -> ImportJob.run(options(file, true, in)));
        assertEquals(file + ": exists and is not a directory; remove it or choose another path", f.getMessage());
    }

    private static List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
