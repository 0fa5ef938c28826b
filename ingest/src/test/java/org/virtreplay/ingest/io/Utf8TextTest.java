package org.virtreplay.ingest.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;

/** Small text files: UTF-8 or one line that says where not (the JDK says "Input length = 1"). */
class Utf8TextTest {
    @TempDir
    Path tmp;

    @Test
    void utf8IsReadAsItIs() throws IOException {
        Path f = tmp.resolve("s.txt");
        Files.write(f, "pes = 4\n# café\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("pes = 4\n# café\n", Utf8Text.read(f));
    }

    @Test
    void aLatin1ByteIsNamedWithItsLineAndOffset() throws IOException {
        Path f = tmp.resolve("s.txt");
        // "pes = 4\n" is 8 bytes; "core = caf" 10 more: the Latin-1 é (0xe9) is byte 18, on line 2.
        Files.write(f, new byte[] {'p', 'e', 's', ' ', '=', ' ', '4', '\n', 'c', 'o', 'r', 'e', ' ', '=', ' ', 'c', 'a',
            'f', (byte) 0xe9, '\n'});
        BadInputException e = assertThrows(BadInputException.class, () -> Utf8Text.read(f));
        assertEquals(f + ":2: not UTF-8 text (byte 0xe9 at offset 18)", e.problems().get(0));
    }

    @Test
    void aMissingFileOrADirectory() throws IOException {
        Path f = tmp.resolve("none.txt");
        assertEquals(f
                + ": no such file", assertThrows(BadInputException.class, () -> Utf8Text.read(f)).problems().get(0));
        assertEquals(tmp + ": is a directory, expected a file",
                assertThrows(BadInputException.class, () -> Utf8Text.read(tmp)).problems().get(0));
    }
}
