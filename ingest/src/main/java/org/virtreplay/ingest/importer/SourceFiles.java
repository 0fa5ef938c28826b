package org.virtreplay.ingest.importer;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tukaani.xz.XZInputStream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.GzipMembers;

/** Opens a source file, plain or compressed (gzip, xz, zstd, recognised by their magic bytes). */
public final class SourceFiles {
    private SourceFiles() {
    }

    /** The compression a file's first bytes announce: {@code gzip}, {@code xz}, {@code zstd} or {@code plain}. */
    public static String compression(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return compression(in.readNBytes(6));
        }
    }

    private static String compression(byte[] m) {
        if (m.length >= 2 && (m[0] & 0xFF) == 0x1F && (m[1] & 0xFF) == 0x8B) {
            return "gzip";
        }
        if (m.length >= 6 && (m[0] & 0xFF) == 0xFD && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z'
                && m[5] == 0) {
            return "xz";
        }
        if (m.length >= 4 && (m[0] & 0xFF) == 0x28 && (m[1] & 0xFF) == 0xB5 && (m[2] & 0xFF) == 0x2F
                && (m[3] & 0xFF) == 0xFD) {
            return "zstd";
        }
        return "plain";
    }

    /**
     * Opens {@code file} with the decompressor its first bytes call for. A missing file is a
     * {@link BadInputException} naming it and the option ({@code what}) that gave it.
     */
    public static InputStream open(Path file, String label, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(label + ": no such file (" + what + ")");
        }
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(8);
            byte[] m = raw.readNBytes(6);
            raw.reset();
            return switch (compression(m)) {
                case "gzip" -> new GzipMembers(raw); // strict: no bytes after the last member
                case "xz" -> new BufferedInputStream(new XZInputStream(raw), 1 << 16);
                case "zstd" -> new BufferedInputStream(new ZstdInputStream(raw), 1 << 16);
                default -> raw;
            };
        } catch (IOException | RuntimeException e) {
            raw.close();
            // the decompressor's own words when it has some; never its class name or "null"
            String why = e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage() + ")";
            throw new BadInputException(label + ":1: truncated or corrupt compressed data" + why);
        }
    }
}
