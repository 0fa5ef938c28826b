package org.virtreplay.ingest.lackey;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.tukaani.xz.XZInputStream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.io.FileFailures;
import org.virtreplay.ingest.trace.GzipMembers;

/**
 * Reads a lackey trace file (plain, gzip, xz or zstd, recognised by their magic bytes) and hands
 * its records to a consumer in batches. Parsing runs on a reader thread while the calling thread
 * consumes: two threads, a few reused batches, bounded memory whatever the trace length.
 */
public final class LackeyReader {

    /** Receives the records, on the calling thread, in trace order. */
    @FunctionalInterface
    public interface Consumer {
        void accept(LackeyBatch batch);
    }

    /** Summary of a read: lines read, records given, malformed lines skipped (lenient reads). */
    public record Result(long lines, long records, long skipped) {
        public Result(long lines, long records) {
            this(lines, records, 0);
        }
    }

    private static final int BATCH = 1 << 15;
    private static final int BATCHES = 4;

    private LackeyReader() { }

    /**
     * Opens {@code file} with the decompressor its first bytes call for. A file too short or too
     * damaged for its decompressor's header is bad input: {@code FILE: truncated gzip data}.
     */
    public static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no such file");
        }
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        FileFailures.Format f = FileFailures.Format.PLAIN;
        try {
            raw.mark(8);
            byte[] m = raw.readNBytes(6);
            raw.reset();
            f = format(m);
            return switch (f) {
                case GZIP -> new GzipMembers(raw); // strict: no bytes after the last member
                case XZ -> new BufferedInputStream(new XZInputStream(raw), 1 << 16);
                case ZSTD -> new BufferedInputStream(new ZstdInputStream(raw), 1 << 16);
                default -> raw;
            };
        } catch (IOException | RuntimeException e) {
            raw.close();
            if (e instanceof BadInputException) {
                throw e;
            }
            throw new BadInputException(file + ": " + FileFailures.reading(e, f), e);
        }
    }

    /** The compression whose magic bytes {@code m} starts with (gzip, xz, zstd), else plain. */
    private static FileFailures.Format format(byte[] m) {
        if (m.length >= 2 && (m[0] & 0xFF) == 0x1F && (m[1] & 0xFF) == 0x8B) {
            return FileFailures.Format.GZIP;
        }
        if (m.length >= 6 && (m[0] & 0xFF) == 0xFD && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z'
                && m[5] == 0) {
            return FileFailures.Format.XZ;
        }
        if (m.length >= 4 && (m[0] & 0xFF) == 0x28 && (m[1] & 0xFF) == 0xB5 && (m[2] & 0xFF) == 0x2F
                && (m[3] & 0xFF) == 0xFD) {
            return FileFailures.Format.ZSTD;
        }
        return FileFailures.Format.PLAIN;
    }

    /** The format of {@code file} by its magic bytes, for the words of a read failure. */
    private static FileFailures.Format format(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return format(in.readNBytes(6));
        } catch (IOException e) {
            return FileFailures.Format.PLAIN;
        }
    }

    /**
     * Reads the whole file, calling {@code consumer} for each batch on this thread. Bad lines are
     * collected (up to {@code maxErrors}) and thrown at the end as one {@link BadInputException};
     * the consumer has then seen the good records before, so callers must not publish output when
     * this throws.
     */
    public static Result read(Path file, int maxErrors, Consumer consumer) throws IOException {
        return read(file, file.toString(), maxErrors, false, consumer);
    }

    /**
     * As {@link #read(Path, int, Consumer)}, naming the file {@code name} in messages; a lenient
     * read skips malformed lines and counts them ({@link Result#skipped()}) instead.
     */
    public static Result read(Path file, String name, int maxErrors, boolean lenient, Consumer consumer)
            throws IOException {
        BlockingQueue<LackeyBatch> free = new ArrayBlockingQueue<>(BATCHES);
        BlockingQueue<LackeyBatch> full = new ArrayBlockingQueue<>(BATCHES + 1);
        for (int i = 0; i < BATCHES; i++) {
            free.add(new LackeyBatch(BATCH));
        }
        LackeyParser parser = new LackeyParser(name, maxErrors, 1 << 20, lenient);
        Throwable[] failure = new Throwable[1];
        InputStream in = open(file);
        Thread reader = new Thread(() -> {
            try (in) {
                while (true) {
                    LackeyBatch b = free.take();
                    if (!parser.next(in, b)) {
                        b.last = true;
                        full.put(b);
                        return;
                    }
                    full.put(b);
                }
            } catch (Throwable t) {
                failure[0] = t;
                LackeyBatch end = new LackeyBatch(1);
                end.last = true;
                full.offer(end);
            }
        }, "lackey-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                LackeyBatch b = full.take();
                if (b.last) {
                    break;
                }
                consumer.accept(b);
                free.put(b);
            }
            reader.join();
        } catch (InterruptedException e) {
            reader.interrupt();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + name, e);
        }
        if (failure[0] != null) {
            Throwable t = failure[0];
            if (t instanceof IOException io) {
                throw new BadInputException(name + ": " + FileFailures.reading(io, format(file)), io);
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new UncheckedIOException(new IOException(t));
        }
        if (!parser.problems().isEmpty()) {
            throw new BadInputException(parser.problems());
        }
        return new Result(parser.lines(), parser.records(), parser.skipped());
    }
}
