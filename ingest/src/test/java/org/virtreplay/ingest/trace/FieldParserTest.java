package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldParserTest {
    private final Row mem = new Row(TableKind.MEM);
    private final Row memslot = new Row(TableKind.MEMSLOTS);

    @ParameterizedTest
    @CsvSource({
        "0x0, 0",
        "0X1, 1",
        "0xfF, 255",
        // 16 digits: any 64-bit pattern, stored two's complement
        "0xffffffffffffffff, -1",
        "0x8000000000000000, -9223372036854775808",
        "0x7fffffffffffffff, 9223372036854775807",
        "0x0000000000000010, 16"
    })
    void hexAddresses(String text, long expected) {
        assertTrue(FieldParser.parse(TableKind.MEM.column(MemCursor.VA), text, mem, MemCursor.VA));
        assertEquals(expected, mem.get(MemCursor.VA));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x", "12", "x12", "0x1g", "0x00000000000000001", " 0x1", "0x1 ", "-0x1", "0x１"})
    void badHexAddresses(String text) {
        assertFalse(FieldParser.parse(TableKind.MEM.column(MemCursor.VA), text, mem, MemCursor.VA));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "9223372036854775807, 9223372036854775807", "007, 7"})
    void timestamps(String text, long expected) {
        assertTrue(FieldParser.parse(TableKind.MEM.column(MemCursor.TS), text, mem, MemCursor.TS));
        assertEquals(expected, mem.get(MemCursor.TS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "9223372036854775808", "99999999999999999999", "+1", "1.0", "1e3", "", "-",
        "-9223372036854775808"})
    void badTimestamps(String text) {
        assertFalse(FieldParser.parse(TableKind.MEM.column(MemCursor.TS), text, mem, MemCursor.TS));
    }

    @Test
    void sizesAreDecimalOrHex() {
        Column size = TableKind.MEMSLOTS.column(3);
        assertTrue(FieldParser.parse(size, "0x40000000", memslot, 3));
        assertEquals(1L << 30, memslot.get(3));
        assertTrue(FieldParser.parse(size, "4096", memslot, 3));
        assertEquals(4096, memslot.get(3));
        // below one page, and a 64-bit pattern that would be negative as a size
        assertFalse(FieldParser.parse(size, "4095", memslot, 3));
        assertFalse(FieldParser.parse(size, "0x8000000000000000", memslot, 3));
    }

    @Test
    void emptyOnlyWhereOptional() {
        assertTrue(FieldParser.parse(TableKind.MEMSLOTS.column(5), "", memslot, 5)); // pa is optional
        assertTrue(memslot.isNull(5));
        assertFalse(FieldParser.parse(TableKind.MEMSLOTS.column(2), "", memslot, 2)); // ipa is not
    }

    @Test
    void enumsAreExactAndCaseSensitive() {
        Column access = TableKind.MEM.column(MemCursor.ACCESS);
        assertTrue(FieldParser.parse(access, "rw", mem, MemCursor.ACCESS));
        assertEquals(MemCursor.READ_WRITE, mem.get(MemCursor.ACCESS));
        assertFalse(FieldParser.parse(access, "R", mem, MemCursor.ACCESS));
        assertFalse(FieldParser.parse(access, "wr", mem, MemCursor.ACCESS));
    }

    @Test
    void registerAndTlbiNames() {
        Row sys = new Row(TableKind.SYSREG);
        assertTrue(FieldParser.parse(TableKind.SYSREG.column(5), "ICH_LR15_EL2", sys, 5));
        assertEquals("ICH_LR15_EL2", sys.symbol(5));
        assertTrue(FieldParser.parse(TableKind.SYSREG.column(5), "TTBR0_EL12", sys, 5));
        assertFalse(FieldParser.parse(TableKind.SYSREG.column(5), "ICH_LR16_EL2", sys, 5));
        Row t = new Row(TableKind.TLBI);
        for (String op : new String[] {"VMALLE1", "VMALLE1IS", "VMALLE1OS", "RVAALE1OS", "IPAS2LE1IS", "ALLE3OS",
            "RIPAS2LE1", "DSB_SY"}) {
            assertTrue(FieldParser.parse(TableKind.TLBI.column(4), op, t, 4), op);
        }
        assertFalse(FieldParser.parse(TableKind.TLBI.column(4), "TLBI VAE1", t, 4));
    }
}
