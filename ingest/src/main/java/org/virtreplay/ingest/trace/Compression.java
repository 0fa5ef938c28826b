package org.virtreplay.ingest.trace;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tukaani.xz.XZInputStream;

/** The compressed forms of a CSV table, chosen by file name extension. */
public enum Compression {
    NONE(".csv", "plain"),
    GZIP(".csv.gz", "gzip"),
    XZ(".csv.xz", "xz"),
    ZSTD(".csv.zst", "zstd");

    private final String suffix;
    private final String label;

    Compression(String suffix, String label) {
        this.suffix = suffix;
        this.label = label;
    }

    /** File name suffix, e.g. {@code .csv.gz}. */
    public String suffix() {
        return suffix;
    }

    /** Name used in messages, e.g. {@code gzip}. */
    public String label() {
        return label;
    }

    /** The compression of a CSV file named {@code fileName}, or null if it is not a CSV table name. */
    public static Compression of(String fileName) {
        for (Compression c : new Compression[] {GZIP, XZ, ZSTD, NONE}) {
            if (fileName.endsWith(c.suffix)) {
                return c;
            }
        }
        return null;
    }

    /** Opens the file and its decompressor; headers are read here, so a wrong format fails here. */
    public InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            switch (this) {
                case GZIP:
                    return new GzipMembers(raw); // strict: no bytes after the last member
                case XZ:
                    return new BufferedInputStream(new XZInputStream(raw), 1 << 16);
                case ZSTD:
                    return new BufferedInputStream(new ZstdInputStream(raw), 1 << 16);
                default:
                    return raw;
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
