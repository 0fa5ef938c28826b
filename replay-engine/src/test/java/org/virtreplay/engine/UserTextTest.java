package org.virtreplay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UserTextTest {

    @Test
    void shortValuesAreQuotedAsTheyAre() {
        assertEquals("'zz12'", UserText.quote("zz12"));
        assertEquals("''", UserText.quote(""));
        assertEquals("''", UserText.quote(null));
        assertEquals("'vm#1 Ω'", UserText.quote("vm#1 Ω"));
    }

    @Test
    void aTenMegabyteValueIsCutAtEightyCharactersWithItsLength() {
        String v = "0x" + "a".repeat(10 * 1024 * 1024 - 2);
        String q = UserText.quote(v);
        // 80 characters of the value, the ellipsis inside the quotes, then the length with separators.
        assertEquals("'0x" + "a".repeat(78) + "…' (10,485,760 characters)", q);
    }

    @Test
    void eightyCharactersAreNotCutEightyOneAre() {
        assertEquals("'" + "b".repeat(80) + "'", UserText.quote("b".repeat(80)));
        assertEquals("'" + "b".repeat(80) + "…' (81 characters)", UserText.quote("b".repeat(81)));
    }

    @Test
    void lineBreaksAndControlCharactersAreEscaped() {
        assertEquals("'0x1\\n000'", UserText.quote("0x1\n000"));
        assertEquals("'a\\r\\nb\\tc'", UserText.quote("a\r\nb\tc"));
        assertEquals("'\\u001b[31mred'", UserText.quote("\u001b[31mred"));
        // Unicode line and paragraph separators, NEL, a BOM and a right-to-left override.
        assertEquals("'\\u2028\\u2029\\u0085\\ufeff\\u202e'", UserText.quote("\u2028\u2029\u0085\ufeff\u202e"));
    }

    @Test
    void anEscapeOrASurrogatePairIsNeverSplitByTheCut() {
        // 79 letters, then a line feed whose escape (2 characters) would pass 80: cut before it.
        assertEquals("'" + "c".repeat(79) + "…' (81 characters)", UserText.quote("c".repeat(79) + "\nd"));
        // 79 letters, then U+1F600 (a surrogate pair, 2 chars): not split.
        assertEquals("'" + "c".repeat(79) + "…' (82 characters)", UserText.quote("c".repeat(79) + "\uD83D\uDE00d"));
        assertEquals("'x\uD83D\uDE00'", UserText.quote("x\uD83D\uDE00"));
        assertEquals("'\\ud83d'", UserText.quote("\uD83D"));
    }

    @Test
    void oneLineEscapesBreaksAndCapsAWholeMessage() {
        assertEquals("f.csv:2: got 'a\\nb'", UserText.oneLine("f.csv:2: got 'a\nb'"));
        String plain = "x".repeat(400);
        assertEquals(plain, UserText.oneLine(plain));
        String longer = "y".repeat(1000);
        String cut = UserText.oneLine(longer);
        assertEquals("y".repeat(400) + "… (1,000 characters)", cut);
        assertFalse(cut.contains("\n"));
        assertTrue(UserText.oneLine(null).isEmpty());
    }
}
