package org.virtreplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Short unique chart labels: the cut, the ellipsis, and the tags that keep labels apart. */
class ChartLabelsTest {
    @Test
    void shortTextsAreKeptAndLongOnesCutToFortyWithAnEllipsis() {
        assertEquals("vm0", ChartLabels.shorten("vm0"));
        String forty = "0123456789".repeat(4);
        assertEquals(forty, ChartLabels.shorten(forty));
        // 41 characters: the first 39, then "…" = 40.
        assertEquals(forty.substring(0, 39) + "…", ChartLabels.shorten(forty + "x"));
        assertEquals("ab…", ChartLabels.shorten("abcdef", 3));
    }

    @Test
    void lineBreaksBecomeSpacesAndSurrogatePairsAreNotSplit() {
        // Each control or line-separator character becomes one space.
        assertEquals("a b  c d", ChartLabels.shorten("a\nb\r\tc\u2028d"));
        // U+1F600 is two chars, one code point: 4 code points fit as they are, a fifth makes a cut.
        String smile = new String(Character.toChars(0x1F600));
        assertEquals(smile.repeat(4), ChartLabels.shorten(smile.repeat(4), 4));
        assertEquals(smile.repeat(3) + "…", ChartLabels.shorten(smile.repeat(5), 4));
    }

    @Test
    void namesSharingTheirFirstFortyCharactersAreTaggedWithTheirIds() {
        String prefix = "tenant-".repeat(10); // 70 characters
        Map<Integer, String> names = new LinkedHashMap<>();
        names.put(1, prefix + "one");
        names.put(2, prefix + "two");
        names.put(3, "db");
        Map<Integer, String> l = ChartLabels.unique(names, vm -> " (vm " + vm + ")");
        // " (vm 1)" is 7 characters: 32 of the name, "…", the tag = 40.
        assertEquals(prefix.substring(0, 32) + "… (vm 1)", l.get(1));
        assertEquals(prefix.substring(0, 32) + "… (vm 2)", l.get(2));
        assertEquals("db", l.get(3), "a label that clashes with nothing keeps no tag");
    }

    @Test
    void aNameThatLooksLikeATaggedLabelIsTaggedToo() {
        // vm 1 and 2 share a label, so they are tagged "x (vm 1)", "x (vm 2)"; vm 3 is literally named
        // "x (vm 1)", which then clashes with vm 1's tagged label: it is tagged as well.
        Map<Integer, String> names = new LinkedHashMap<>();
        names.put(1, "x");
        names.put(2, "x");
        names.put(3, "x (vm 1)");
        Map<Integer, String> l = ChartLabels.unique(names, vm -> " (vm " + vm + ")");
        assertEquals(List.of("x (vm 1)", "x (vm 2)", "x (vm 1) (vm 3)"), List.copyOf(l.values()));
    }

    @Test
    void distinctTextsGetNumberedTagsOnlyWhenTheirLabelsClash() {
        String a = "structure-".repeat(5) + "a";
        String b = "structure-".repeat(5) + "b";
        Map<String, String> l = ChartLabels.unique(List.of("l1d", a, b, a));
        assertEquals("l1d", l.get("l1d"));
        // " #2" is 3 characters: 36 of the text, "…", the tag.
        assertEquals(a.substring(0, 36) + "… #2", l.get(a));
        assertEquals(b.substring(0, 36) + "… #3", l.get(b));
        assertEquals(3, l.size());
    }
}
