package org.virtreplay.cli.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded mutations of line-oriented text (CSV tables, scenario and grid files, lackey traces,
 * translate's register and memory files). The text is handled as ISO-8859-1 so that every byte,
 * valid UTF-8 or not, is one char and comes back unchanged. Each mutation says what it did in a
 * few words, with the 1-based line, so that a failing case can be read without its files.
 */
final class Mutations {

    private Mutations() {
    }

    /** Bytes and what was done to them. */
    record Mutated(byte[] bytes, String what) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Values that sit on or past a range boundary somewhere: 64-bit and 32-bit limits, addresses
     * just below 2^64, page sizes, malformed numbers, empty fields.
     */
    static final List<String> EXTREMES = List.of(
            "0", "-1", "1", "-0", "007", "0x0", "0x", "0xffffffffffffffff", "0xfffffffffffffffc",
            "0xfffffffffffff000", "0x8000000000000000", "0x7fffffffffffffff", "0x10000000000000000",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
            "2147483647", "2147483648", "4294967296", "65535", "65536", "4096", "4097", "1e3", "NaN", "+1",
            " 7", "", "\"\"", "0X1F", "0x1_000", "99999999999999999999999", "\u00ff");

    /** Addresses near 2^64, where an access or a mapping wraps. */
    static final List<String> HIGH_ADDRESSES = List.of(
            "0xffffffffffffffff", "0xfffffffffffffffc", "0xfffffffffffffff9", "0xfffffffffffff000",
            "0xffffffffffe00000", "0xffff000000000000", "0x8000000000000000", "0x7ffffffffffff000");

    static String latin1(String utf8Text) {
        return new String(utf8Text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The names of {@link #generic}'s operators, for the documentation and the long mode's tally. */
    static final List<String> GENERIC = List.of("flip-byte", "insert-byte", "truncate", "dup-line", "del-line",
            "swap-lines", "swap-fields", "drop-field", "add-field", "huge-field", "extreme-field", "cr-only", "crlf",
            "bom", "quoted-newline", "unmatched-quote", "invalid-utf8", "empty", "header-only", "blank-lines",
            "pad-field", "case-flip", "repeat-line", "nul-byte");

    /**
     * One generic mutation of {@code in}, chosen by {@code r}: {@code sep} separates the fields of a
     * line (',' for CSV, '=' for key = value files, ' ' for whitespace-separated text);
     * {@code hugeMax} bounds the length of a huge field.
     */
    static Mutated generic(byte[] in, SplittableRandom r, char sep, int hugeMax) {
        String op = GENERIC.get(r.nextInt(GENERIC.size()));
        return apply(op, in, r, sep, hugeMax);
    }

    static Mutated apply(String op, byte[] in, SplittableRandom r, char sep, int hugeMax) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        List<String> lines = lines(s);
        int n = lines.size();
        int li = n == 0 ? 0 : r.nextInt(n);
        switch (op) {
            case "flip-byte": {
                if (in.length == 0) {
                    return new Mutated(new byte[] {(byte) 0xff}, "flip-byte on an empty file: one 0xff");
                }
                byte[] b = in.clone();
                int pos = r.nextInt(b.length);
                int v = r.nextInt(256);
                b[pos] = (byte) v;
                return new Mutated(b, String.format(Locale.ROOT, "flip-byte at offset %d (line %d) to 0x%02x", pos,
                        lineOf(in, pos), v));
            }
            case "insert-byte": {
                int[] choice = {0x00, 0xff, 0xc3, '"', ',', '\r', '\n', ' ', '#', '=', '\t'};
                int v = choice[r.nextInt(choice.length)];
                int pos = r.nextInt(in.length + 1);
                byte[] b = new byte[in.length + 1];
                System.arraycopy(in, 0, b, 0, pos);
                b[pos] = (byte) v;
                System.arraycopy(in, pos, b, pos + 1, in.length - pos);
                return new Mutated(b, String.format(Locale.ROOT, "insert-byte 0x%02x at offset %d (line %d)", v, pos,
                        lineOf(b, pos)));
            }
            case "truncate": {
                int pos = in.length == 0 ? 0 : r.nextInt(in.length);
                return new Mutated(Arrays.copyOf(in, pos), "truncate at offset " + pos + " (line " + lineOf(in, pos)
                        + ")");
            }
            case "dup-line": {
                if (n == 0) {
                    break;
                }
                lines.add(li, lines.get(li));
                return new Mutated(join(lines, s), "dup-line " + (li + 1));
            }
            case "del-line": {
                if (n == 0) {
                    break;
                }
                lines.remove(li);
                return new Mutated(join(lines, s), "del-line " + (li + 1));
            }
            case "swap-lines": {
                if (n < 2) {
                    break;
                }
                int lj = r.nextInt(n);
                String t = lines.get(li);
                lines.set(li, lines.get(lj));
                lines.set(lj, t);
                return new Mutated(join(lines, s), "swap-lines " + (li + 1) + " and " + (lj + 1));
            }
            case "swap-fields": {
                List<String> f = fields(lines, li, sep);
                if (f == null || f.size() < 2) {
                    break;
                }
                int a = r.nextInt(f.size());
                int b = r.nextInt(f.size());
                String t = f.get(a);
                f.set(a, f.get(b));
                f.set(b, t);
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "swap-fields " + (a + 1) + " and " + (b + 1) + " of line "
                        + (li + 1));
            }
            case "drop-field": {
                List<String> f = fields(lines, li, sep);
                if (f == null) {
                    break;
                }
                int a = r.nextInt(f.size());
                f.remove(a);
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "drop-field " + (a + 1) + " of line " + (li + 1));
            }
            case "add-field": {
                List<String> f = fields(lines, li, sep);
                if (f == null) {
                    break;
                }
                int a = r.nextInt(f.size() + 1);
                f.add(a, "1");
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "add-field at " + (a + 1) + " of line " + (li + 1));
            }
            case "huge-field": {
                List<String> f = fields(lines, li, sep);
                if (f == null) {
                    break;
                }
                int a = r.nextInt(f.size());
                // Either modest or huge, nothing between: a cost that grows faster than the length
                // (a chart label) must be clearly a hang or clearly none, never a matter of load.
                int len = r.nextBoolean() ? 1000 : hugeMax;
                char[] pad = {'9', 'a', 'f', 'x'};
                char c = pad[r.nextInt(pad.length)];
                String v = (c == 'f' ? "0x" : "") + String.valueOf(c).repeat(len);
                f.set(a, v);
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "huge-field " + (a + 1) + " of line " + (li + 1) + " (" + v.length()
                        + " x '" + c + "')");
            }
            case "extreme-field": {
                List<String> f = fields(lines, li, sep);
                if (f == null) {
                    break;
                }
                int a = r.nextInt(f.size());
                String v = latin1(EXTREMES.get(r.nextInt(EXTREMES.size())));
                f.set(a, v);
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "field " + (a + 1) + " of line " + (li + 1) + " = '" + v + "'");
            }
            case "cr-only":
                return new Mutated(bytes(s.replace("\r\n", "\n").replace('\n', '\r')), "cr-only line ends");
            case "crlf":
                return new Mutated(bytes(s.replace("\r\n", "\n").replace("\n", "\r\n")), "crlf line ends");
            case "bom":
                return new Mutated(bytes("\u00ef\u00bb\u00bf" + s), "utf-8 bom");
            case "quoted-newline": {
                List<String> f = fields(lines, li, sep);
                if (f == null) {
                    break;
                }
                int a = r.nextInt(f.size());
                f.set(a, "\"" + f.get(a) + "\nnext\"");
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "quoted line break in field " + (a + 1) + " of line " + (li + 1));
            }
            case "unmatched-quote": {
                List<String> f = fields(lines, li, sep);
                if (f == null) {
                    break;
                }
                int a = r.nextInt(f.size());
                f.set(a, "\"" + f.get(a));
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "unmatched quote in field " + (a + 1) + " of line " + (li + 1));
            }
            case "invalid-utf8": {
                if (n == 0) {
                    break;
                }
                String[] bad = {"\u00ff", "\u00c0\u00af", "\u00c3(", "\u00ed\u00a0\u0080", "\u00f4\u0090\u0080\u0080"};
                String v = bad[r.nextInt(bad.length)];
                String line = lines.get(li);
                int at = r.nextInt(line.length() + 1);
                lines.set(li, line.substring(0, at) + v + line.substring(at));
                return new Mutated(join(lines, s), "invalid utf-8 in line " + (li + 1));
            }
            case "empty":
                return new Mutated(new byte[0], "empty file");
            case "header-only":
                if (n == 0) {
                    break;
                }
                return new Mutated(bytes(lines.get(0) + "\n"), "first line only");
            case "blank-lines": {
                lines.add(li, "");
                lines.add(li, "");
                return new Mutated(join(lines, s), "blank lines before line " + (li + 1));
            }
            case "pad-field": {
                List<String> f = fields(lines, li, sep);
                if (f == null) {
                    break;
                }
                int a = r.nextInt(f.size());
                f.set(a, " " + f.get(a) + " ");
                lines.set(li, String.join(String.valueOf(sep), f));
                return new Mutated(join(lines, s), "spaces around field " + (a + 1) + " of line " + (li + 1));
            }
            case "case-flip": {
                if (n == 0) {
                    break;
                }
                String line = lines.get(li);
                String t = line.equals(line.toUpperCase(Locale.ROOT)) ? line.toLowerCase(Locale.ROOT)
                        : line.toUpperCase(Locale.ROOT);
                lines.set(li, t);
                return new Mutated(join(lines, s), "case-flip line " + (li + 1));
            }
            case "repeat-line": {
                if (n < 2) {
                    break;
                }
                int at = 1 + r.nextInt(n - 1);
                int times = 50 + r.nextInt(200);
                for (int k = 0; k < times; k++) {
                    lines.add(at, lines.get(at));
                }
                return new Mutated(join(lines, s), "line " + (at + 1) + " repeated " + times + " times");
            }
            case "nul-byte": {
                if (n == 0) {
                    break;
                }
                String line = lines.get(li);
                int at = r.nextInt(line.length() + 1);
                lines.set(li, line.substring(0, at) + "\u0000" + line.substring(at));
                return new Mutated(join(lines, s), "NUL byte in line " + (li + 1));
            }
            default:
                throw new IllegalArgumentException(op);
        }
        // Nothing to apply the operator to (an empty or one-line text): fall back to a flip.
        return apply("flip-byte", in, r, sep, hugeMax);
    }

    /** The lines of a text without their '\n' ends (a final line end gives no extra line). */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    static byte[] join(List<String> lines, String original) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l).append('\n');
        }
        if (!original.endsWith("\n") && b.length() > 0) {
            b.setLength(b.length() - 1);
        }
        return bytes(b.toString());
    }

    /** The fields of line {@code li} split at {@code sep} (no quoting: a mutation may well break it). */
    static List<String> fields(List<String> lines, int li, char sep) {
        if (lines.isEmpty()) {
            return null;
        }
        return new ArrayList<>(Arrays.asList(lines.get(li).split(java.util.regex.Pattern.quote(String.valueOf(sep)),
                -1)));
    }

    /** The 1-based line of byte offset {@code pos}. */
    static int lineOf(byte[] b, int pos) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, b.length); i++) {
            if (b[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Replaces field {@code col} of 1-based line {@code line} (CSV, no quoting in the base files). */
    static byte[] setField(byte[] in, int line, int col, String value) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        List<String> lines = lines(s);
        List<String> f = fields(lines, line - 1, ',');
        f.set(col, value);
        lines.set(line - 1, String.join(",", f));
        return join(lines, s);
    }
}
