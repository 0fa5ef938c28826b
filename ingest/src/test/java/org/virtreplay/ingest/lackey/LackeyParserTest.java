package org.virtreplay.ingest.lackey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;
import org.virtreplay.engine.BadInputException;

/** The lackey grammar of Valgrind lk_main.c, error lines, buffer boundaries and decompression. */
class LackeyParserTest {
    @TempDir
    Path dir;

    static final String SAMPLE = """
            ==12345== Lackey, an example Valgrind tool
            ==12345== Command: ./a.out
            I  04005b6,5
             S 7ff000398,8
             L 00600a20,4
             M 7ff000388,4
            SB 04005b6

            I  ffffffffff600000,16
            ==12345== total 4
            """;

    record Rec(int kind, long addr, int size) { }

    static List<Rec> parse(String text, int bufferSize, List<String> problems) throws IOException {
        LackeyParser p = new LackeyParser("t.lackey", 5, bufferSize);
        LackeyBatch b = new LackeyBatch(3);
        List<Rec> out = new ArrayList<>();
        var in = new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
        while (p.next(in, b)) {
            for (int i = 0; i < b.count; i++) {
                out.add(new Rec(b.kind[i], b.addr[i], b.size[i]));
            }
        }
        problems.addAll(p.problems());
        return out;
    }

    static final List<Rec> EXPECTED = List.of(
            new Rec(LackeyParser.FETCH, 0x04005b6L, 5),
            new Rec(LackeyParser.STORE, 0x7ff000398L, 8),
            new Rec(LackeyParser.LOAD, 0x00600a20L, 4),
            new Rec(LackeyParser.MODIFY, 0x7ff000388L, 4),
            new Rec(LackeyParser.FETCH, 0xffffffffff600000L, 16));

    @Test
    void grammar() throws IOException {
        List<String> problems = new ArrayList<>();
        assertEquals(EXPECTED, parse(SAMPLE, 1 << 16, problems));
        assertEquals(List.of(), problems);
    }

    @Test
    void tinyBufferCrlfAndNoFinalNewlineGiveTheSameRecords() throws IOException {
        List<String> problems = new ArrayList<>();
        String crlf = SAMPLE.replace("\n", "\r\n");
        assertEquals(EXPECTED, parse(crlf, 48, problems));
        assertEquals(EXPECTED, parse(SAMPLE.substring(0, SAMPLE.length() - 1), 50, problems));
        assertEquals(EXPECTED, parse(SAMPLE.replace("==12345== total 4\n", ""), 45, problems));
        assertEquals(List.of(), problems);
    }

    @Test
    void badLinesAreReportedWithFileAndLine() throws IOException {
        String text = "I  0400,4\n X 0400,4\nI  zz12,4\n L 1000\n S 1000,0\nhello\n L 2000,8\n";
        List<String> problems = new ArrayList<>();
        List<Rec> recs = parse(text, 1 << 16, problems);
        assertEquals(List.of(new Rec(LackeyParser.FETCH, 0x400, 4), new Rec(LackeyParser.LOAD, 0x2000, 8)), recs);
        assertEquals(5, problems.size());
        assertEquals("t.lackey:2: expected ' L', ' S' or ' M' after the leading space, got ' X 0400,4'",
                problems.get(0));
        assertEquals("t.lackey:3: expected a hex address followed by ',', got 'I  zz12,4'", problems.get(1));
        assertTrue(problems.get(2).startsWith("t.lackey:4: expected a hex address followed by ','"));
        assertTrue(problems.get(3).startsWith("t.lackey:5: expected a decimal size from 1 to 1000000"));
        assertTrue(problems.get(4).startsWith("t.lackey:6: expected 'I  ADDR,SIZE'"));
    }

    @Test
    void stopsAfterMaxErrors() throws IOException {
        LackeyParser p = new LackeyParser("f", 2, 1 << 10);
        LackeyBatch b = new LackeyBatch(16);
        var in = new ByteArrayInputStream("x\ny\nz\nI  10,1\n".getBytes(StandardCharsets.US_ASCII));
        while (p.next(in, b)) {
            // drain
        }
        assertTrue(p.tooManyErrors());
        assertEquals(2, p.problems().size());
    }

    @Test
    void tooManyHexDigits() throws IOException {
        List<String> problems = new ArrayList<>();
        parse(" L 12345678901234567,4\n", 1 << 10, problems);
        assertEquals(List.of("t.lackey:1: address has more than 16 hex digits, got ' L 12345678901234567,4'"),
                problems);
    }

    void write(Path p, String kind) throws IOException {
        try (OutputStream raw = Files.newOutputStream(p);
                OutputStream o = switch (kind) {
                    case "gz" -> new GZIPOutputStream(raw);
                    case "xz" -> new XZOutputStream(raw, new LZMA2Options());
                    case "zst" -> new ZstdOutputStream(raw);
                    default -> raw;
                }) {
            o.write(SAMPLE.getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void readsPlainGzipXzAndZstdByMagicBytes() throws IOException {
        for (String kind : new String[] {"plain", "gz", "xz", "zst"}) {
            Path p = dir.resolve("t." + kind);
            write(p, kind);
            List<Rec> got = new ArrayList<>();
            LackeyReader.Result r = LackeyReader.read(p, 10, b -> {
                for (int i = 0; i < b.count; i++) {
                    got.add(new Rec(b.kind[i], b.addr[i], b.size[i]));
                }
            });
            assertEquals(EXPECTED, got, kind);
            assertEquals(10, r.lines(), kind);
            assertEquals(5, r.records(), kind);
        }
    }

    @Test
    void readerThrowsBadInputAfterBadLines() throws IOException {
        Path p = dir.resolve("bad.lackey");
        Files.writeString(p, "I  10,4\nnonsense\n");
        BadInputException e = assertThrows(BadInputException.class, () -> LackeyReader.read(p, 10, b -> { }));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith(p + ":2: "));
        assertThrows(BadInputException.class, () -> LackeyReader.read(dir.resolve("missing"), 10, b -> { }));
    }

    @Test
    void manyBatchesKeepOrder() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            sb.append(i % 2 == 0 ? "I  " : " L ").append(Integer.toHexString(i * 16)).append(",4\n");
        }
        Path p = dir.resolve("big.lackey");
        Files.writeString(p, sb);
        long[] expect = {0};
        boolean[] ok = {true};
        LackeyReader.read(p, 10, b -> {
            for (int i = 0; i < b.count; i++) {
                ok[0] &= b.addr[i] == expect[0] * 16 && b.kind[i] == (expect[0] % 2 == 0 ? 3 : 0);
                expect[0]++;
            }
        });
        assertTrue(ok[0]);
        assertEquals(100_000, expect[0]);
        assertFalse(expect[0] == 0);
    }

    @Test
    void lenientParserCountsBadLinesAndKeepsTheGoodOnes() throws IOException {
        // 3 good records (lines 1, 2, 4) and 2 bad lines (3: bad address, 5: size 0); with a problem
        // limit of 1 a strict parser would stop, a lenient one reads to the end without messages.
        String text = "I  0400,4\n L 1000,8\nI  zz12,4\n S 2000,8\n M 3000,0\n";
        LackeyParser p = new LackeyParser("t.lackey", 1, 1 << 10, true);
        LackeyBatch b = new LackeyBatch(16);
        List<Rec> out = new ArrayList<>();
        var in = new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
        while (p.next(in, b)) {
            for (int i = 0; i < b.count; i++) {
                out.add(new Rec(b.kind[i], b.addr[i], b.size[i]));
            }
        }
        assertEquals(List.of(new Rec(LackeyParser.FETCH, 0x400, 4), new Rec(LackeyParser.LOAD, 0x1000, 8),
                new Rec(LackeyParser.STORE, 0x2000, 8)), out);
        assertEquals(2, p.skipped());
        assertEquals(List.of(), p.problems());
    }
    /** Reference for {@link LackeyParser#hex8}: each byte on its own, by Character.digit. */
    static long hex8Reference(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int c = b[i] & 0xFF;
            int d = c < 128 ? Character.digit((char) c, 16) : -1;
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    @Test
    void eightDigitWordMatchesDigitByDigit() {
        Random r = new Random(18);
        byte[] hexChars = "0123456789abcdefABCDEF".getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[8];
        int valid = 0;
        for (int n = 0; n < 200_000; n++) {
            for (int i = 0; i < 8; i++) {
                // mostly hex digits, sometimes any byte (the neighbours of the ranges above all)
                b[i] = r.nextInt(4) != 0 ? hexChars[r.nextInt(hexChars.length)] : (byte) r.nextInt(256);
            }
            long word = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            long expected = hex8Reference(b);
            assertEquals(expected, LackeyParser.hex8(word), () -> new String(b, StandardCharsets.ISO_8859_1));
            valid += expected >= 0 ? 1 : 0;
        }
        assertTrue(valid > 10_000, "the random words include many valid ones: " + valid);
        for (int c = 0; c < 256; c++) { // every byte value in every position
            for (int pos = 0; pos < 8; pos++) {
                java.util.Arrays.fill(b, (byte) '7');
                b[pos] = (byte) c;
                long word = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                assertEquals(hex8Reference(b), LackeyParser.hex8(word), "byte " + c + " at " + pos);
            }
        }
    }

    @Test
    void randomAddressesOfEveryLengthAndCase() throws IOException {
        // Addresses of 1 to 16 digits in mixed case (lackey prints 8 or more in lower case); the
        // expected value is Java's own parse of the same digits.
        Random r = new Random(1818);
        StringBuilder text = new StringBuilder();
        List<Rec> expected = new ArrayList<>();
        String kinds = "ILSM";
        for (int n = 0; n < 20_000; n++) {
            int digits = 1 + r.nextInt(16);
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < digits; i++) {
                char c = Character.forDigit(r.nextInt(16), 16);
                hex.append(r.nextBoolean() ? Character.toUpperCase(c) : c);
            }
            int size = 1 + r.nextInt(r.nextBoolean() ? 9 : 4096);
            char k = kinds.charAt(r.nextInt(4));
            text.append(k == 'I' ? "I  " : " " + k + " ").append(hex).append(',').append(size).append('\n');
            int kind = switch (k) {
                case 'I' -> LackeyParser.FETCH;
                case 'L' -> LackeyParser.LOAD;
                case 'S' -> LackeyParser.STORE;
                default -> LackeyParser.MODIFY;
            };
            expected.add(new Rec(kind, Long.parseUnsignedLong(hex.toString(), 16), size));
        }
        for (int buffer : new int[] {40, 1 << 20}) {
            List<String> problems = new ArrayList<>();
            assertEquals(expected, parse(text.toString(), buffer, problems), "buffer " + buffer);
            assertEquals(List.of(), problems);
        }
    }

    /** Records, problems, lines and records read by a parser of {@code text}, the word path on or off. */
    record Outcome(List<Rec> records, List<String> problems, long lines, long count, long skipped) { }

    static Outcome parseBoth(String text, int bufferSize, int batch, int maxErrors, boolean lenient, boolean words)
            throws IOException {
        LackeyParser p = new LackeyParser("t.lackey", maxErrors, bufferSize, lenient);
        p.setWholeLineWords(words);
        LackeyBatch b = new LackeyBatch(batch);
        List<Rec> out = new ArrayList<>();
        var in = new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
        while (p.next(in, b)) {
            for (int i = 0; i < b.count; i++) {
                out.add(new Rec(b.kind[i], b.addr[i], b.size[i]));
            }
        }
        return new Outcome(out, List.copyOf(p.problems()), p.lines(), p.records(), p.skipped());
    }

    @Test
    void wholeLineWordsReadTheTwoCommonForms() throws IOException {
        // Values written out by hand: 0x0400a8ff, 0x1ffefff8a8 (ten digits), upper case too.
        String text = "I  0400a8ff,7\n S 1ffefff8a8,8\n L 0400A8FF,1\n M 1FFEFFF8A8,9\n";
        List<Rec> expected = List.of(new Rec(LackeyParser.FETCH, 0x0400a8ffL, 7),
                new Rec(LackeyParser.STORE, 0x1ffefff8a8L, 8), new Rec(LackeyParser.LOAD, 0x0400a8ffL, 1),
                new Rec(LackeyParser.MODIFY, 0x1ffefff8a8L, 9));
        // The same lines repeated, so that all but the last 16 bytes are past the word path's margin.
        String many = text.repeat(50);
        Outcome o = parseBoth(many, 1 << 16, 64, 5, false, true);
        assertEquals(200, o.records().size());
        for (int i = 0; i < 200; i++) {
            assertEquals(expected.get(i % 4), o.records().get(i), "record " + i);
        }
        assertEquals(List.of(), o.problems());
        assertEquals(200, o.lines());
    }

    @Test
    void wholeLineWordsGiveTheGeneralPathsRecordsAndMessages() throws IOException {
        // Random mixes of the two common forms, their near misses (size 0, two size digits, 7, 9,
        // 11, 16 and 17 digits, a bad byte anywhere, CR LF, no newline at the end) and other lines,
        // parsed with the word path on and off, at buffer sizes that cut lines at every offset.
        Random r = new Random(4018);
        String[] prefixes = {"I  ", " L ", " S ", " M ", " X ", "I ", "i  ", " l ", "IL ", "  L"};
        String[] others = {"", "==1234== Lackey", "SB 04005b6", "\r", "hello", " L ", "I  ,4", "I  04005b6"};
        for (int round = 0; round < 60; round++) {
            StringBuilder text = new StringBuilder();
            int lines = 1 + r.nextInt(400);
            for (int n = 0; n < lines; n++) {
                if (r.nextInt(10) == 0) {
                    text.append(others[r.nextInt(others.length)]).append('\n');
                    continue;
                }
                StringBuilder line = new StringBuilder(r.nextInt(5) != 0 ? prefixes[r.nextInt(4)]
                        : prefixes[r.nextInt(prefixes.length)]);
                int digits = r.nextInt(3) != 0 ? (r.nextBoolean() ? 8 : 10) : 1 + r.nextInt(17);
                for (int i = 0; i < digits; i++) {
                    char c = Character.forDigit(r.nextInt(16), 16);
                    line.append(r.nextInt(8) == 0 ? Character.toUpperCase(c) : c);
                }
                line.append(',').append(r.nextInt(4) != 0 ? 1 + r.nextInt(9) : r.nextInt(200));
                if (r.nextInt(20) == 0) { // one byte replaced by anything, a high byte among them
                    int at = r.nextInt(line.length());
                    line.setCharAt(at, (char) r.nextInt(256));
                }
                text.append(line).append(r.nextInt(15) == 0 ? "\r\n" : "\n");
            }
            if (r.nextBoolean() && text.length() > 0) {
                text.setLength(text.length() - 1); // the last line without its newline
            }
            String t = text.toString();
            int buffer = r.nextBoolean() ? 64 + r.nextInt(64) : 1 << 16;
            int batch = 1 + r.nextInt(40);
            int maxErrors = r.nextBoolean() ? 3 : 10_000;
            boolean lenient = r.nextInt(4) == 0;
            Outcome general = parseBoth(t, buffer, batch, maxErrors, lenient, false);
            Outcome words = parseBoth(t, buffer, batch, maxErrors, lenient, true);
            assertEquals(general, words, "round " + round + ", buffer " + buffer + ":\n" + t);
        }
    }
}
