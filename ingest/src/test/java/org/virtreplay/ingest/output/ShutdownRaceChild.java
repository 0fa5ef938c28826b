package org.virtreplay.ingest.output;

import java.nio.file.Path;

/**
 * The child process of {@link AtomicOutputShutdownTest}: opens an output directory, says so, and
 * then opens and closes an output inside its temporary again and again (as {@code run}'s replay
 * opens its tables inside the run's temporary) until it is killed.
 */
public final class ShutdownRaceChild {
    private ShutdownRaceChild() {
    }

    public static void main(String[] args) throws Exception {
        AtomicOutput outer = AtomicOutput.directory(Path.of(args[0]), false);
        System.out.println("open");
        System.out.flush();
        for (long i = 0; ; i++) {
            try (AtomicOutput inner = AtomicOutput.directory(outer.path().resolve("metrics" + (i & 7)), true)) {
                inner.path(); // opened and, unless committed, removed by close
            } catch (java.io.IOException e) {
                // shutting down: the outer temporary is gone or going
            }
        }
    }
}
