package org.virtreplay.analysis.progress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress is drawn when stderr's descriptor points at a terminal, whatever stdout is. */
class StderrTest {
    @TempDir
    Path tmp;

    private Path link(String name, String target) throws IOException {
        return Files.createSymbolicLink(tmp.resolve(name), Path.of(target));
    }

    @Test
    void aPseudoTerminalOrTtyIsATerminal() throws IOException {
        assertTrue(Stderr.isTerminalDevice(link("pts", "/dev/pts/3")));
        assertTrue(Stderr.isTerminalDevice(link("tty", "/dev/tty1")));
    }

    @Test
    void aFileOrPipeIsNot() throws IOException {
        assertFalse(Stderr.isTerminalDevice(link("file", "/tmp/run.log")));
        assertFalse(Stderr.isTerminalDevice(link("pipe", "pipe:[12345]")));
        assertFalse(Stderr.isTerminalDevice(link("null", "/dev/null")));
        assertFalse(Stderr.isTerminalDevice(tmp), "not a link at all");
    }
}
