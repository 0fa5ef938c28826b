package org.virtreplay.reports;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Short, unique labels for chart text that comes from a trace or a table (VM names, structure and
 * cause names, sweep parameters). JFreeChart fits a category label, a legend item or a title to its
 * space by measuring ever longer prefixes of it, which takes time quadratic in its length (an
 * 80,000-character VM name took 52 s; a 10 MB one, valid in a trace, never finished). Charts get
 * these labels; tables keep the full text.
 *
 * <p>Labels stay distinct: where two texts would give the same label, each is tagged with what
 * tells its key apart (" (vm 3)", " #2"), which ends the label, so no two tagged labels can be equal.
 */
public final class ChartLabels {
    /** The longest label, in characters (code points), tag included. */
    public static final int MAX = 40;

    private ChartLabels() {
    }

    /**
     * {@code s} in at most {@code max} code points (at least 2): cut, with "…" as its last
     * character, when longer. Line breaks and other control characters become spaces, so a label
     * is one line. Reads at most {@code max + 1} code points of {@code s}.
     */
    public static String shorten(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 2 * max + 2));
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (n == max) {
                // One code point too many: the last one kept makes room for the ellipsis.
                b.setLength(b.offsetByCodePoints(b.length(), -1));
                return b.append('…').toString();
            }
            b.appendCodePoint(Character.isISOControl(cp) || Character.getType(cp) == Character.LINE_SEPARATOR
                    || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR ? ' ' : cp);
            n++;
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** {@link #shorten(String, int)} to {@link #MAX}. */
    public static String shorten(String s) {
        return shorten(s, MAX);
    }

    /**
     * Distinct labels of at most {@link #MAX} code points for the texts of {@code texts}' keys, in
     * its order. A key whose label would equal another's is labelled with its text shortened to
     * leave room for {@code tag.apply(key)}, appended; the tag must differ per key and end in
     * something that cannot end a text's tagged prefix (as ")" after " (vm N" or the digits after
     * " #"), so that tagged labels are distinct. Repeated until every label is distinct.
     */
    public static <K> Map<K, String> unique(Map<K, String> texts, Function<K, String> tag) {
        Set<K> tagged = new HashSet<>();
        while (true) {
            Map<K, String> labels = new LinkedHashMap<>();
            Map<String, K> owner = new HashMap<>();
            Set<K> clash = new HashSet<>();
            for (Map.Entry<K, String> e : texts.entrySet()) {
                K k = e.getKey();
                String l;
                if (tagged.contains(k)) {
                    String t = tag.apply(k);
                    l = shorten(e.getValue(), Math.max(2, MAX - t.codePointCount(0, t.length()))) + t;
                } else {
                    l = shorten(e.getValue());
                }
                labels.put(k, l);
                K before = owner.putIfAbsent(l, k);
                if (before != null) {
                    clash.add(before);
                    clash.add(k);
                }
            }
            clash.removeAll(tagged);
            if (clash.isEmpty()) {
                return labels;
            }
            tagged.addAll(clash);
        }
    }

    /**
     * Distinct labels for distinct texts (structure names, causes…), keyed by the text; texts that
     * would share a label are tagged " #1", " #2"… in the order given.
     */
    public static Map<String, String> unique(Collection<String> texts) {
        Map<String, String> byText = new LinkedHashMap<>();
        Map<String, Integer> index = new HashMap<>();
        for (String t : texts) {
            if (byText.putIfAbsent(t, t) == null) {
                index.put(t, index.size() + 1);
            }
        }
        return unique(byText, t -> " #" + index.get(t));
    }
}
