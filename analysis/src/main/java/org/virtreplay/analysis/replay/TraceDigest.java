package org.virtreplay.analysis.replay;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The trace's {@link ReplayJob#provenance} computed on a thread of its own while the replay runs:
 * the digest reads every byte of the trace (about 0.8 CPU-s for the 954 MB Parquet trace of
 * docs/performance.md), which on the replay's thread would come after the model's last event and
 * hold the whole run up by that much. The digest is the same bytes either way.
 */
final class TraceDigest {
    private final FutureTask<ReplayJob.Provenance> task;

    private TraceDigest(Path traceDir) {
        task = new FutureTask<>(() -> ReplayJob.provenance(traceDir));
    }

    /** Starts digesting {@code traceDir} on a daemon thread (one that does not keep a failed run's JVM alive). */
    static TraceDigest start(Path traceDir) {
        TraceDigest d = new TraceDigest(traceDir);
        Thread t = new Thread(d.task, "virtreplay-digest");
        t.setDaemon(true);
        t.start();
        return d;
    }

    /** The provenance, once digested; a read error is thrown as the digest on this thread would have thrown it. */
    ReplayJob.Provenance join() {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while digesting the trace", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                throw u;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        }
    }
}
