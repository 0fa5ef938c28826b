package org.virtreplay.ingest.io;

import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * A write that failed because the file system was full (or the user's quota spent), with the
 * file, how many bytes of it had been written, and how many more the failing write held.
 */
public final class NoSpaceException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    private final long written;
    private final long attempted;
    /** What the file system had left at the failure (later, a cleanup may have freed space), or -1. */
    private final long usable;

    /**
     * @param written bytes of the file written before the failure
     * @param attempted bytes of the write that failed, or -1 when unknown (a flush or close)
     */
    public NoSpaceException(String file, long written, long attempted, IOException cause) {
        super(file, null, cause.getMessage());
        this.written = written;
        this.attempted = attempted;
        long u;
        try {
            u = java.nio.file.Files.getFileStore(java.nio.file.Path.of(file)).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            u = -1;
        }
        this.usable = u;
        initCause(cause);
    }

    public long written() {
        return written;
    }

    public long attempted() {
        return attempted;
    }

    /** Bytes the file system had free for us when the write failed, or -1 if unknown. */
    public long usable() {
        return usable;
    }
}
