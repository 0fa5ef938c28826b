package org.virtreplay.ingest.trace;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A local file for parquet-java's reader, read through a {@link FileChannel} straight into the
 * reader's buffers. parquet's {@code LocalInputFile} fills a buffer through a temporary array of
 * the same size, which for {@code mem.parquet} doubled the bytes allocated per row group.
 */
final class ChannelInputFile implements InputFile {
    private final Path path;

    ChannelInputFile(Path path) {
        this.path = path;
    }

    @Override
    public long getLength() throws IOException {
        return Files.size(path);
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        return new Stream(FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static final class Stream extends SeekableInputStream {
        private final FileChannel ch;
        private final ByteBuffer one = ByteBuffer.allocate(1);

        Stream(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public long getPos() throws IOException {
            return ch.position();
        }

        @Override
        public void seek(long pos) throws IOException {
            ch.position(pos);
        }

        @Override
        public int read() throws IOException {
            one.clear();
            return ch.read(one) <= 0 ? -1 : one.get(0) & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : ch.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void readFully(byte[] b) throws IOException {
            readFully(ByteBuffer.wrap(b));
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            readFully(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public int read(ByteBuffer buf) throws IOException {
            return ch.read(buf);
        }

        @Override
        public void readFully(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new EOFException("reached the end of the file with " + buf.remaining() + " bytes left to read");
                }
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
