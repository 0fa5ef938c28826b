package org.virtreplay.ingest.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;

/**
 * Heap buffers for one Parquet file reader's column chunks, used again once the reader has
 * released them. parquet-java reads a row group's compressed chunks into buffers of up to 8 MB
 * from its allocator and releases them when the row group is closed; with its plain heap
 * allocator every row group of {@code mem.parquet} was some 100 MB of new humongous arrays (a
 * 200 M-access replay allocated 1 GB this way, zeroed and collected), which also set off most of
 * G1's concurrent cycles. Buffers come back only when {@link ParquetMemBatchSource} closes a row
 * group it has finished with, so at most one row group's worth is ever held.
 *
 * <p>One reader thread; not thread-safe.
 */
final class ChunkBufferPool implements org.apache.parquet.bytes.ByteBufferAllocator {
    private final ArrayList<ByteBuffer> free = new ArrayList<>();
    private final IdentityHashMap<ByteBuffer, Boolean> lent = new IdentityHashMap<>();
    private long fresh;

    @Override
    public ByteBuffer allocate(int size) {
        ByteBuffer best = null;
        int at = -1;
        for (int i = 0; i < free.size(); i++) {
            ByteBuffer b = free.get(i);
            if (b.capacity() >= size && (best == null || b.capacity() < best.capacity())) {
                best = b;
                at = i;
            }
        }
        if (best != null) {
            free.remove(at);
            // as a new buffer: whole, from 0, big-endian
            best.clear().limit(size);
            best.order(ByteOrder.BIG_ENDIAN);
        } else {
            best = ByteBuffer.allocate(size);
            fresh++;
        }
        lent.put(best, Boolean.TRUE);
        return best;
    }

    @Override
    public void release(ByteBuffer b) {
        // only a buffer this pool lent, and only once (a slice or a second release is not reused)
        if (lent.remove(b) != null) {
            free.add(b);
        }
    }

    @Override
    public boolean isDirect() {
        return false;
    }

    /** Buffers allocated anew (not reused) so far. */
    long freshAllocations() {
        return fresh;
    }

    /** Buffers lent and not yet released. */
    int outstanding() {
        return lent.size();
    }
}
