package org.virtreplay.ingest.trace;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page decompression for {@link ParquetMemBatchSource}: ZSTD pages are decompressed in one call,
 * with one reused zstd context, into an array of the page's known size, where parquet's
 * default codec opens a zstd stream per page and copies the output through a
 * {@code DataInputStream}; that stream path was about half of the page decoder's CPU time. Every
 * other codec is parquet's own.
 *
 * <p>A data page of column {@code k} (see {@link #pageOf}) is decompressed into that column's own
 * array, used again for its next page: {@link ParquetMemColumn} is done with a page when it asks
 * for the next one. A new array per page had been most of what a replay allocated (some 15 bytes
 * per access).
 */
final class ParquetMemCodecs implements CompressionCodecFactory {
    private final CompressionCodecFactory parquet;
    private final Zstd1 zstd;

    ParquetMemCodecs(CompressionCodecFactory parquet, int columns) {
        this.parquet = parquet;
        this.zstd = new Zstd1(columns);
    }

    /**
     * The page that the next decompression makes is column {@code k}'s data page (its array is
     * reused); -1: any other page (a dictionary page, say), which gets a new array.
     */
    void pageOf(int k) {
        zstd.column = k;
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return parquet.getCompressor(codec);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return codec == CompressionCodecName.ZSTD ? zstd : parquet.getDecompressor(codec);
    }

    private boolean released;

    /** Idempotent: the file reader may release its codecs on close, and so does the source. */
    @Override
    public void release() {
        if (!released) {
            released = true;
            parquet.release();
            zstd.ctx.close();
        }
    }

    /** One ZSTD frame (or several, as zstd's one-shot API accepts) to a page of known size. */
    private static final class Zstd1 implements BytesInputDecompressor {
        /** One reader thread uses it (a source is read by one thread); closed with the file. */
        final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
        /** Per column, the array its last data page was decompressed into. */
        private final byte[][] pages;
        int column = -1;

        Zstd1(int columns) {
            pages = new byte[columns][];
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            ByteBuffer bb = bytes.toByteBuffer();
            byte[] in;
            int off;
            int len = bb.remaining();
            if (bb.hasArray()) {
                in = bb.array();
                off = bb.arrayOffset() + bb.position();
            } else {
                in = new byte[len];
                bb.duplicate().get(in);
                off = 0;
            }
            byte[] out;
            if (column >= 0) {
                out = pages[column];
                if (out == null || out.length < uncompressedSize) {
                    out = pages[column] = new byte[uncompressedSize];
                }
            } else {
                out = new byte[uncompressedSize];
            }
            int n;
            try {
                n = ctx.decompressByteArray(out, 0, uncompressedSize, in, off, len);
            } catch (ZstdException e) {
                throw new IOException("zstd: " + e.getMessage(), e);
            }
            if (n != uncompressedSize) {
                throw new IOException("zstd: page decompressed to " + n + " bytes, its header says " + uncompressedSize);
            }
            return BytesInput.from(out, 0, uncompressedSize);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            BytesInput b = decompress(BytesInput.from(in), uncompressedSize);
            output.duplicate().put(b.toByteArray());
        }

        @Override
        public void release() {
        }
    }
}
