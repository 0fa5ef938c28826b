package org.virtreplay.ingest.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process told to stop (SIGTERM) while it keeps opening outputs inside an open output's
 * temporary leaves no temporary behind: the shutdown hook removes the open ones, and an output
 * opened after it began must not re-create the removed temporary as its parent. Each round kills
 * the child at a moment of its loop nobody chooses; before the hook and {@code open} shared a lock,
 * some of these rounds left {@code .out.tmp-N-N} behind.
 */
class AtomicOutputShutdownTest {
    @TempDir
    Path tmp;

    @Test
    void aTerminatedProcessLeavesNoTemporaryEvenWhileOpeningOutputs() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        for (int round = 0; round < 8; round++) {
            Path dir = Files.createDirectory(tmp.resolve("r" + round));
            Process p = new ProcessBuilder(java, "-cp", cp, ShutdownRaceChild.class.getName(),
                    dir.resolve("out").toString()).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                assertEquals("open", r.readLine());
                Thread.sleep(20 + 15 * round); // somewhere in the loop of opens
                p.destroy(); // SIGTERM: the shutdown hooks run
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not stop");
            }
            List<String> left;
            try (Stream<Path> s = Files.list(dir)) {
                left = s.map(x -> x.getFileName().toString()).toList();
            }
            assertEquals(List.of(), left, "round " + round + " left " + left + " in " + dir + File.separator);
        }
    }
}
