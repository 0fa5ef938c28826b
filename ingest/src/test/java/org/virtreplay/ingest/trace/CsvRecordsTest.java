package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast splitter gives the same records and line numbers as Commons CSV. */
class CsvRecordsTest {

    private static List<String> read(String text, boolean fast) throws Exception {
        StrictUtf8Reader r = new StrictUtf8Reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        try (CsvRecords rec = fast ? new CsvRecords.Fast(r) : new CsvRecords.Commons(r)) {
            while (rec.next()) {
                StringBuilder b = new StringBuilder().append(rec.line()).append(':');
                for (int i = 0; i < rec.size(); i++) {
                    b.append(i == 0 ? "" : "|").append(rec.get(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void plainQuotedCrlfAndBlankLines() throws Exception {
        String text = "a,b,c\r\n1,,3\n\n\"x,y\",\"he said \"\"hi\"\"\",z\n\"multi\nline\",2,3\nlast,no,newline";
        // by hand: header on line 1; "1,,3" on 2; line 3 blank; the quoted record on 4; the
        // two-line record starts on 5 and ends on 6; the last record is line 7
        List<String> expected = List.of("1:a|b|c", "2:1||3", "4:x,y|he said \"hi\"|z", "5:multi\nline|2|3",
                "7:last|no|newline");
        assertEquals(expected, read(text, true));
        assertEquals(expected, read(text, false));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 70000, 200000})
    void longLinesAndBufferBoundaries(int width) throws Exception {
        String wide = "v".repeat(width);
        StringBuilder t = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            t.append(i).append(',').append(wide).append('\n');
            expected.add(i + ":" + i + "|" + wide);
        }
        assertEquals(expected, read(t.toString(), true));
    }

    @Test
    void unclosedQuote() {
        CsvRecords.MalformedCsv e = assertThrows(CsvRecords.MalformedCsv.class,
                () -> read("a,b\n1,\"open\n2,3\n", true));
        assertEquals(2, e.line);
    }

    @Test
    void badUtf8HasItsLine() {
        byte[] b = "a,b\n1,2\n3,".getBytes(StandardCharsets.US_ASCII);
        byte[] bad = java.util.Arrays.copyOf(b, b.length + 3);
        bad[b.length] = (byte) 0xc3; // a 2-byte lead followed by a non-continuation byte: malformed
        bad[b.length + 1] = '4';
        bad[b.length + 2] = '\n';
        StrictUtf8Reader r = new StrictUtf8Reader(new ByteArrayInputStream(bad));
        CsvRecords rec = new CsvRecords.Fast(r);
        StrictUtf8Reader.StreamProblem p = assertThrows(StrictUtf8Reader.StreamProblem.class, () -> {
            while (rec.next()) {
                // lines 1 and 2 are fine
            }
        });
        assertEquals(3, p.line);
        assertEquals("invalid UTF-8 byte 0xc3", p.getMessage());
    }
}
