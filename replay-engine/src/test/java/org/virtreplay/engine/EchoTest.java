package org.virtreplay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Echoed values: one short line, with the length of what was cut. */
class EchoTest {
    @Test
    void shortValuesStayAsTheyAre() {
        assertEquals("web-frontend", Echo.cut("web-frontend"));
        String eighty = "x".repeat(80);
        assertEquals(eighty, Echo.cut(eighty));
    }

    @Test
    void longValuesAreCutTo80CharactersAndSayTheirLength() {
        assertEquals("y".repeat(80) + "… (81 characters)", Echo.cut("y".repeat(81)));
        assertEquals("ab".repeat(40) + "… (10485760 characters)", Echo.cut("ab".repeat(5 * 1024 * 1024)));
    }

    @Test
    void lineBreaksBecomeSpacesAndCodePointsAreCountedWhole() {
        assertEquals("a b c d", Echo.cut("a\nb\r\nc\u2028d".replace("\r\n", "\r")));
        // 81 musical symbols (2 chars each in UTF-16): 80 are kept, none split
        String g = "\uD834\uDD1E";
        assertEquals(g.repeat(80) + "… (81 characters)", Echo.cut(g.repeat(81)));
    }
}
