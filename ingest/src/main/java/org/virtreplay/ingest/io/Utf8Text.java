package org.virtreplay.ingest.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.virtreplay.engine.BadInputException;

/**
 * A small text file (a scenario, a grid, a register file) read whole and decoded as strict UTF-8,
 * so that a stray Latin-1 byte is {@code FILE:LINE: not UTF-8 text (byte 0xe9 at offset 1,234)}
 * rather than the JDK's {@code Input length = 1}.
 */
public final class Utf8Text {
    /** These files are read whole: refuse a larger one rather than fail to allocate it. */
    static final long MAX_BYTES = 1L << 30;

    private Utf8Text() {
    }

    /** The file's text; a missing or unreadable file, or bytes that are not UTF-8, are bad input. */
    public static String read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "%s: %,d bytes, too large (at most %,d bytes)", file, size, MAX_BYTES));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException(file + ": " + FileFailures.reading(e, FileFailures.Format.PLAIN));
        }
        return decode(file.toString(), bytes);
    }

    /** Decodes {@code bytes} as strict UTF-8; {@code source} names them in the message. */
    public static String decode(String source, byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new BadInputException(String.format(Locale.ROOT, "%s:%d: not UTF-8 text (byte 0x%02x at offset %,d)",
                    source, line, bytes[at] & 0xFF, at));
        }
        d.flush(out);
        out.flip();
        return out.toString();
    }
}
