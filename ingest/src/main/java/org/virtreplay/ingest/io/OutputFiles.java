package org.virtreplay.ingest.io;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Opens the files we write so that a full file system is reported as a {@link NoSpaceException}
 * naming the file and how much had been and was being written: the operating system's message
 * ("No space left on device") names neither.
 */
public final class OutputFiles {
    private OutputFiles() {
    }

    /** {@link Files#newOutputStream}, counting what is written. */
    public static OutputStream newOutputStream(Path file, OpenOption... options) throws IOException {
        return new Counting(file.toString(), Files.newOutputStream(file, options));
    }

    /** A UTF-8 writer on {@link #newOutputStream}. */
    public static BufferedWriter newBufferedWriter(Path file, OpenOption... options) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(newOutputStream(file, options), StandardCharsets.UTF_8));
    }

    /** {@link Files#writeString} in UTF-8, counting what is written. */
    public static void writeString(Path file, CharSequence text, OpenOption... options) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = newOutputStream(file, options)) {
            out.write(bytes);
        }
    }

    /**
     * Parquet's {@link LocalOutputFile} with its stream counted: the same bytes, and a full disk
     * reported with the file's name.
     */
    public static OutputFile parquet(Path file) {
        LocalOutputFile local = new LocalOutputFile(file);
        String name = file.toString();
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                return new CountingPosition(name, local.create(blockSizeHint));
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return new CountingPosition(name, local.createOrOverwrite(blockSizeHint));
            }

            @Override
            public boolean supportsBlockSize() {
                return local.supportsBlockSize();
            }

            @Override
            public long defaultBlockSize() {
                return local.defaultBlockSize();
            }

            @Override
            public String getPath() {
                return local.getPath();
            }
        };
    }

    /** True when {@code e} says the file system is full or the user's quota is spent. */
    public static boolean isNoSpace(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return false;
        }
        String l = m.toLowerCase(java.util.Locale.ROOT);
        // Linux and macOS strerror(ENOSPC), strerror(EDQUOT); Windows ERROR_DISK_FULL.
        return l.contains("no space left on device") || l.contains("disk quota exceeded")
                || l.contains("not enough space on the disk");
    }

    private static IOException translate(String file, long written, long attempted, IOException e) {
        return isNoSpace(e) && !(e instanceof NoSpaceException) ? new NoSpaceException(file, written, attempted, e) : e;
    }

    private static final class Counting extends FilterOutputStream {
        private final String file;
        private long written;

        Counting(String file, OutputStream out) {
            super(out);
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw translate(file, written, 1, e);
            }
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw translate(file, written, len, e);
            }
            written += len;
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw translate(file, written, -1, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw translate(file, written, -1, e);
            }
        }
    }

    private static final class CountingPosition extends PositionOutputStream {
        private final String file;
        private final PositionOutputStream out;

        CountingPosition(String file, PositionOutputStream out) {
            this.file = file;
            this.out = out;
        }

        @Override
        public long getPos() throws IOException {
            return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
            long at = out.getPos();
            try {
                out.write(b);
            } catch (IOException e) {
                throw translate(file, at, 1, e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            long at = out.getPos();
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw translate(file, at, len, e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw translate(file, out.getPos(), -1, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw translate(file, out.getPos(), -1, e);
            }
        }
    }
}
