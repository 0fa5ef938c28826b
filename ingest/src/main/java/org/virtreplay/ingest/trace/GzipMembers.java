package org.virtreplay.ingest.trace;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip file (RFC 1952) read strictly: one or more members, each with its header, deflate data
 * and trailer checked (CRC-32 and ISIZE), and nothing after the last member.
 *
 * <p>{@link java.util.zip.GZIPInputStream} also reads concatenated members, but it ends the stream
 * without a word at bytes after a member that do not start another one, so a file with trailing
 * garbage (a botched concatenation, a partial copy over an older file) would be taken as complete.
 * Here such bytes are an error, as they are for the xz and zstd readers.
 */
public final class GzipMembers extends InputStream {
    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

    private final InputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    /** File offset of {@code buf[0]}. */
    private long bufStart;
    private boolean inMember;
    private boolean done;
    private long memberOut;
    private final byte[] one = new byte[1];

    /** Opens the stream and reads the first member's header (so a file that is not gzip fails here). */
    public GzipMembers(InputStream in) throws IOException {
        this.in = in;
        readHeader(true);
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
        if (n == 0) {
            return 0;
        }
        while (!done) {
            if (!inMember) {
                if (!readHeader(false)) {
                    done = true;
                    break;
                }
            }
            int got;
            try {
                got = inflater.inflate(b, off, n);
            } catch (DataFormatException e) {
                throw new ZipException(e.getMessage() == null ? "invalid deflate data" : e.getMessage());
            }
            if (got > 0) {
                crc.update(b, off, got);
                memberOut += got;
                return got;
            }
            if (inflater.finished()) {
                pos = len - inflater.getRemaining();
                readTrailer();
            } else if (inflater.needsDictionary()) {
                throw new ZipException("deflate data needs a preset dictionary");
            } else if (inflater.needsInput()) {
                if (!fill()) {
                    throw new EOFException();
                }
                inflater.setInput(buf, pos, len - pos);
            }
        }
        return -1;
    }

    /**
     * Reads a member header; false at the end of the file after a member. {@code first}: the file's
     * first member, which must be there.
     */
    private boolean readHeader(boolean first) throws IOException {
        long at = bufStart + pos;
        if (pos == len && !fill()) {
            if (first) {
                throw new EOFException();
            }
            return false;
        }
        crc.reset();
        int id1 = headerByte();
        int id2 = pos < len || fill() ? headerByte() : -1;
        if (id1 != 0x1f || id2 != 0x8b) {
            throw new ZipException(first ? "Not in GZIP format"
                    : "data after the last gzip member, at byte " + at + ", is not another member");
        }
        if (headerByte() != 8) {
            throw new ZipException("unsupported compression method in the gzip member at byte " + at);
        }
        int flags = headerByte();
        if ((flags & 0xe0) != 0) {
            throw new ZipException("reserved flag bits set in the gzip member header at byte " + at);
        }
        for (int i = 0; i < 6; i++) { // MTIME, XFL, OS
            headerByte();
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = headerByte() | headerByte() << 8;
            for (int i = 0; i < xlen; i++) {
                headerByte();
            }
        }
        if ((flags & FNAME) != 0) {
            while (headerByte() != 0) {
                // the original file name
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (headerByte() != 0) {
                // a comment
            }
        }
        if ((flags & FHCRC) != 0) {
            int expected = (int) crc.getValue() & 0xffff;
            if ((rawByte() | rawByte() << 8) != expected) {
                throw new ZipException("corrupt gzip header (header CRC) at byte " + at);
            }
        }
        inflater.reset();
        inflater.setInput(buf, pos, len - pos);
        crc.reset();
        memberOut = 0;
        inMember = true;
        return true;
    }

    private void readTrailer() throws IOException {
        long crc32 = rawInt();
        long isize = rawInt();
        if (crc32 != crc.getValue()) {
            throw new ZipException("corrupt gzip data (CRC-32 mismatch)");
        }
        if (isize != (memberOut & 0xffffffffL)) {
            throw new ZipException("corrupt gzip data (length mismatch)");
        }
        inMember = false;
    }

    private int headerByte() throws IOException {
        int b = rawByte();
        crc.update(b);
        return b;
    }

    private long rawInt() throws IOException {
        return (rawByte() | rawByte() << 8 | rawByte() << 16 | (long) rawByte() << 24) & 0xffffffffL;
    }

    private int rawByte() throws IOException {
        if (pos == len && !fill()) {
            throw new EOFException();
        }
        return buf[pos++] & 0xff;
    }

    /** Reads more of the file into an empty buffer; false at its end. */
    private boolean fill() throws IOException {
        bufStart += len;
        pos = 0;
        len = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        len = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
