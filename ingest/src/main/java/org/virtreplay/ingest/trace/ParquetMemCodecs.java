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
 */
final class ParquetMemCodecs implements CompressionCodecFactory {
    private final CompressionCodecFactory parquet;
    private final Zstd1 zstd = new Zstd1();

    ParquetMemCodecs(CompressionCodecFactory parquet) {
        this.parquet = parquet;
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
            byte[] out = new byte[uncompressedSize];
            int n;
            try {
                n = ctx.decompressByteArray(out, 0, out.length, in, off, len);
            } catch (ZstdException e) {
                throw new IOException("zstd: " + e.getMessage(), e);
            }
            if (n != uncompressedSize) {
                throw new IOException("zstd: page decompressed to " + n + " bytes, its header says " + uncompressedSize);
            }
            return BytesInput.from(out);
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
