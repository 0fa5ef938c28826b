package org.virtreplay.ingest.trace;

import java.util.Arrays;
import java.util.List;
import org.virtreplay.engine.UserText;
import org.virtreplay.engine.pe.SysRegName;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * One column of a canonical table: its name, how it is written in CSV and stored in Parquet, and
 * the range the validator allows. Every value is held as a {@code long} while reading (enum-like
 * columns as the index of their symbol); only {@link Type#TEXT} columns are strings.
 *
 * @param name     snake_case column name
 * @param type     representation
 * @param optional whether the value may be empty (CSV) / null (Parquet)
 * @param min      smallest allowed value (numeric types)
 * @param max      largest allowed value (numeric types)
 * @param allowed  if non-empty, the only allowed values (numeric types)
 * @param symbols  symbols of {@link Type#ENUM}, {@link Type#SYSREG} and {@link Type#TLBI} columns
 * @param expected the "expected ..." phrase of this column's validation message
 */
public record Column(String name, Type type, boolean optional, long min, long max, long[] allowed,
        List<String> symbols, String expected) {

    /** How a column is represented. */
    public enum Type {
        /** Decimal integer in CSV, Avro {@code int} (INT32) in Parquet. */
        INT,
        /** Decimal integer in CSV, Avro {@code long} (INT64) in Parquet. */
        LONG,
        /** A byte count: decimal or 0x-hex in CSV, Avro {@code long} in Parquet. */
        SIZE,
        /** 0x-hex, 1 to 16 digits, any 64-bit pattern; Avro {@code long}, two's complement. */
        HEX,
        /** One of a fixed set of lower-case words; Avro {@code enum} (Parquet BINARY, ENUM). */
        ENUM,
        /** An Arm system register name ({@link SysRegName}); Avro {@code string}. */
        SYSREG,
        /** A TLBI mnemonic or DSB barrier ({@link TlbiOp}); Avro {@code string}. */
        TLBI,
        /** Free UTF-8 text; Avro {@code string}. */
        TEXT
    }

    static final long[] NONE = new long[0];

    static Column ts(String name) {
        return new Column(name, Type.LONG, false, 0, Long.MAX_VALUE, NONE, List.of(),
                "expected integer nanoseconds 0..9223372036854775807");
    }

    static Column dec(String name, int min, int max) {
        return new Column(name, Type.INT, false, min, max, NONE, List.of(), "expected integer " + min + ".." + max);
    }

    static Column decOneOf(String name, long... allowed) {
        return new Column(name, Type.INT, false, allowed[0], allowed[allowed.length - 1], allowed, List.of(),
                "expected one of " + join(allowed));
    }

    /** A byte count, written in decimal or 0x-hex. */
    static Column size(String name, long min, long max) {
        return new Column(name, Type.SIZE, false, min, max, NONE, List.of(),
                "expected size in bytes " + min + ".." + max + " (decimal or 0x-hex)");
    }

    static Column sizeOneOf(String name, long... allowed) {
        return new Column(name, Type.SIZE, false, allowed[0], allowed[allowed.length - 1], allowed, List.of(),
                "expected one of " + join(allowed));
    }

    static Column address(String name) {
        return new Column(name, Type.HEX, false, Long.MIN_VALUE, Long.MAX_VALUE, NONE, List.of(),
                "expected 0x-hex address");
    }

    static Column value(String name) {
        return new Column(name, Type.HEX, false, Long.MIN_VALUE, Long.MAX_VALUE, NONE, List.of(),
                "expected 0x-hex value");
    }

    static Column oneOf(String name, String... symbols) {
        return new Column(name, Type.ENUM, false, 0, symbols.length - 1, NONE, List.of(symbols),
                "expected one of " + String.join(", ", symbols));
    }

    static Column sysreg(String name) {
        SysRegName[] v = SysRegName.values();
        String[] s = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = v[i].name();
        }
        return new Column(name, Type.SYSREG, false, 0, v.length - 1, NONE, List.of(s),
                "expected an Arm system register name such as TTBR0_EL1 (list in docs/trace-format.md)");
    }

    static Column tlbi(String name) {
        TlbiOp[] v = TlbiOp.values();
        String[] s = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = v[i].name();
        }
        return new Column(name, Type.TLBI, false, 0, v.length - 1, NONE, List.of(s),
                "expected a TLBI mnemonic such as VAE1IS, or DSB_ISH, DSB_NSH, DSB_OSH, DSB_SY");
    }

    static Column text(String name) {
        return new Column(name, Type.TEXT, false, 0, 0, NONE, List.of(), "expected text");
    }

    /** This column, but allowed to be empty. */
    Column opt() {
        return new Column(name, type, true, min, max, allowed, symbols, expected);
    }

    /** This column with another expected-phrase (for columns with a cross-table meaning). */
    Column expecting(String phrase) {
        return new Column(name, type, optional, min, max, allowed, symbols, phrase);
    }

    /** True for columns that hold a symbol index. */
    public boolean isSymbolic() {
        return type == Type.ENUM || type == Type.SYSREG || type == Type.TLBI;
    }

    /** True if {@code v} is within this numeric column's range (and allowed set, if any). */
    public boolean inRange(long v) {
        if (type == Type.HEX) {
            return true;
        }
        if (v < min || v > max) {
            return false;
        }
        if (allowed.length == 0) {
            return true;
        }
        for (long a : allowed) {
            if (a == v) {
                return true;
            }
        }
        return false;
    }

    /** The validation message for a bad value of this column. */
    public String problem(String where, String raw) {
        return where + ": column '" + name + "': " + expected + ", got " + UserText.quote(raw);
    }

    /** The canonical CSV text of a value of this column (never called for TEXT or null). */
    public String format(long v) {
        switch (type) {
            case HEX:
                return "0x" + Long.toHexString(v);
            case ENUM:
            case SYSREG:
            case TLBI:
                return symbols.get((int) v);
            default:
                return Long.toString(v);
        }
    }

    private static String join(long[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Column c && c.name.equals(name) && c.type == type && c.optional == optional
                && c.min == min && c.max == max && Arrays.equals(c.allowed, allowed) && c.symbols.equals(symbols);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
