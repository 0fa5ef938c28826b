package org.virtreplay.ingest.convert;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes a Parquet file's footer independent of the JVM that wrote it. parquet-java lists each
 * column chunk's encodings in the iteration order of a {@code HashSet} of enum constants, whose
 * hash codes are identity hashes, so two processes writing the same rows can order that list
 * differently (apache/parquet-java#3215, open): same rows, different bytes. This sorts every
 * such list by encoding number and writes the footer back in place. The thrift compact encoding
 * of a list of enum values has the same length in any order, so only those bytes change; if the
 * re-encoded footer had a different length the file is left as it was.
 */
public final class FooterOrder {
    private FooterOrder() {
    }

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    /** Sorts the encodings lists of {@code file}'s footer; returns true if it changed the file. */
    public static boolean sortEncodings(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < 12) {
                return false;
            }
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, tail, size - 8);
            byte[] magic = new byte[4];
            tail.position(4);
            tail.get(magic);
            int len = tail.getInt(0);
            if (!java.util.Arrays.equals(magic, MAGIC) || len <= 0 || len > size - 12) {
                return false; // not a plain (unencrypted) Parquet file: leave it alone
            }
            long start = size - 8 - len;
            ByteBuffer footer = ByteBuffer.allocate(len);
            readFully(ch, footer, start);
            FileMetaData md = Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
            boolean changed = false;
            for (RowGroup rg : md.getRow_groups()) {
                for (ColumnChunk cc : rg.getColumns()) {
                    ColumnMetaData cmd = cc.getMeta_data();
                    if (cmd == null || cmd.getEncodings() == null) {
                        continue;
                    }
                    List<Encoding> sorted = new ArrayList<>(cmd.getEncodings());
                    sorted.sort(Comparator.comparingInt(Encoding::getValue));
                    if (!sorted.equals(cmd.getEncodings())) {
                        cmd.setEncodings(sorted);
                        changed = true;
                    }
                }
            }
            if (!changed) {
                return false;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(len);
            Util.writeFileMetaData(md, out);
            if (out.size() != len) {
                return false;
            }
            ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
            while (b.hasRemaining()) {
                ch.write(b, start + b.position());
            }
            return true;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        b.flip();
    }
}
