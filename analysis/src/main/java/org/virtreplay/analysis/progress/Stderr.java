package org.virtreplay.analysis.progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process's standard error is a terminal, which decides whether progress is drawn.
 * {@code System.console()} alone cannot say: on Java 17 it is null as soon as standard output is
 * redirected, so {@code virtreplay run ... > summary.txt} (stdout carries the summary) lost its
 * progress although stderr was still the user's terminal. On Linux the descriptor's link in
 * {@code /proc/self/fd} names the device; elsewhere the console test is kept.
 */
public final class Stderr {
    private Stderr() {
    }

    private static final Path FD2 = Path.of("/proc/self/fd/2");

    /** True when file descriptor 2 is a terminal (as far as this platform lets us tell). */
    public static boolean isTerminal() {
        if (Files.isSymbolicLink(FD2)) {
            return isTerminalDevice(FD2);
        }
        return System.console() != null;
    }

    /** Whether the link {@code fdLink} (a {@code /proc/PID/fd/N} entry) points at a terminal device. */
    static boolean isTerminalDevice(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
