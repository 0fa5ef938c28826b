package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceDigestTest {

    @Test
    void backgroundDigestIsTheDigestOfTheFilesInNameOrder(@TempDir Path dir) throws Exception {
        Path trace = Files.createDirectory(dir.resolve("mytrace"));
        Files.writeString(trace.resolve("b.csv"), "bb\n");
        Files.writeString(trace.resolve("a.csv"), "a\n");
        Files.createDirectory(trace.resolve("sub")); // not a file: not digested
        // Independently: SHA-256 over "a.csv" NUL "a\n" "b.csv" NUL "bb\n".
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update("a.csv\0a\nb.csv\0bb\n".getBytes(StandardCharsets.UTF_8));
        String expected = "sha256:" + HexFormat.of().formatHex(md.digest());

        ReplayJob.Provenance pv = TraceDigest.start(trace).join();
        assertEquals("mytrace", pv.input());
        assertEquals(expected, pv.digest());
    }

    @Test
    void aReadErrorIsThrownByJoin(@TempDir Path dir) {
        TraceDigest d = TraceDigest.start(dir.resolve("missing"));
        assertThrows(UncheckedIOException.class, d::join);
    }
}
