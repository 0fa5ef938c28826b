package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The leading magic of a Parquet file. A Parquet file starts and ends with the four bytes
 * {@code PAR1}; parquet-mr checks only the trailing ones (it reads the footer from the end), so a
 * file whose first bytes were overwritten would be read as if nothing were wrong. Every reader of
 * a Parquet input checks the leading magic too, once parquet-mr has opened the file (its own
 * words for a short or cut file say more).
 */
public final class ParquetMagic {
    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};

    private ParquetMagic() {
    }

    /**
     * Null if {@code file} starts with {@code PAR1}; otherwise what is wrong, for the message
     * {@code FILE: not a Parquet file (DETAIL)}, e.g. {@code no PAR1 magic at its start; its first
     * bytes are 00 00 00 00}. A file that cannot be opened gives null:
     * the Parquet reader then reports it in its own words.
     */
    public static String problem(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(MAGIC.length);
        } catch (IOException e) {
            return null;
        }
        if (head.length == MAGIC.length && java.util.Arrays.equals(head, MAGIC)) {
            return null;
        }
        StringBuilder got = new StringBuilder();
        for (byte b : head) {
            got.append(got.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xff));
        }
        return "no PAR1 magic at its start; " + (head.length == 0 ? "it is empty"
                : "its first bytes are " + got);
    }
}
