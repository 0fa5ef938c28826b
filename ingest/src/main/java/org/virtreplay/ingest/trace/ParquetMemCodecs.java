package org.virtreplay.ingest.trace;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page decompression for {@link ParquetMemBatchSource}: ZSTD pages are decompressed in one call
 * ({@link Zstd#decompressByteArray}) into an array of the page's known size, where parquet's
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

    @Override
    public void release() {
        parquet.release();
    }

    /** One ZSTD frame (or several, as zstd's one-shot API accepts) to a page of known size. */
    private static final class Zstd1 implements BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            byte[] in = bytes.toByteArray();
            byte[] out = new byte[uncompressedSize];
            long n = Zstd.decompressByteArray(out, 0, out.length, in, 0, in.length);
            if (Zstd.isError(n)) {
                throw new IOException("zstd: " + Zstd.getErrorName(n));
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
