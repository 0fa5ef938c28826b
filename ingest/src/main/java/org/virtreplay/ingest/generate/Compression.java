package org.virtreplay.ingest.generate;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.io.OutputFiles;

/** Compression of the generated event tables; the file name gets the matching extension. */
public enum Compression {
    NONE(""), GZ(".gz"), ZST(".zst"), XZ(".xz");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** {@code ""}, {@code .gz}, {@code .zst} or {@code .xz}. */
    public String extension() {
        return extension;
    }

    /** From {@code none|gz|zst|xz} (also {@code gzip}, {@code zstd}). */
    public static Compression parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "none", "" -> NONE;
            case "gz", "gzip" -> GZ;
            case "zst", "zstd" -> ZST;
            case "xz" -> XZ;
            default -> throw new BadInputException("option '--compress': expected none, gz, zst or xz, got "
                    + UserText.quote(s));
        };
    }

    /**
     * Opens a new file for writing through this compression. gzip's header carries no time stamp
     * here (the JDK writes MTIME = 0), so output stays byte-identical from run to run.
     */
    OutputStream open(Path file) throws IOException {
        OutputStream raw = new BufferedOutputStream(OutputFiles.newOutputStream(file), 1 << 16);
        try {
            return switch (this) {
                case NONE -> raw;
                case GZ -> new GZIPOutputStream(raw, 1 << 16);
                case ZST -> new ZstdOutputStream(raw, 3);
                case XZ -> new XZOutputStream(raw, new LZMA2Options(3));
            };
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
