package org.virtreplay.cli.reliability;

import java.nio.file.Path;

/**
 * The suite's knobs, as system properties (Maven passes {@code -Dname=value} from its command line
 * to the test JVM). docs/reliability.md describes them; the defaults are the quick mode that runs in
 * every {@code mvn -B verify}.
 */
final class Settings {

    private Settings() {
    }

    /** The corpus seed: the same seed gives the same cases. */
    static long seed() {
        return Long.decode(System.getProperty("reliability.seed", "14"));
    }

    /** Cases per input kind: the kind's quick default unless {@code reliability.cases} is set. */
    static int cases(int quickDefault) {
        String v = System.getProperty("reliability.cases", "");
        return v.isBlank() ? quickDefault : Integer.parseInt(v.strip());
    }

    /** True for a long run ({@code reliability.cases} set): bigger huge fields, all reruns compared. */
    static boolean longMode() {
        return !System.getProperty("reliability.cases", "").isBlank();
    }

    /** Seconds a case may take before it counts as a hang. */
    static long timeoutMs() {
        return Long.parseLong(System.getProperty("reliability.timeout", "15")) * 1000;
    }

    /** When true, known failures (known-failures.txt) fail the suite too: for release checks. */
    static boolean strict() {
        return Boolean.parseBoolean(System.getProperty("reliability.strict", "false"));
    }

    /**
     * Only these cases, e.g. {@code csv#17,lackey#3} (a kind alone: all its cases); to rerun what a
     * failure line names.
     */
    static String only() {
        return System.getProperty("reliability.only", "");
    }

    static boolean selected(String kind, int index) {
        String o = only();
        if (o.isBlank()) {
            return true;
        }
        for (String s : o.split(",")) {
            String t = s.strip();
            if (t.equals(kind) || t.equals(kind + "#" + index)) {
                return true;
            }
        }
        return false;
    }

    /** The highest case number {@code -Dreliability.only} names for {@code kind}, or -1. */
    static int highestSelected(String kind) {
        int max = -1;
        for (String s : only().split(",")) {
            String t = s.strip();
            if (t.startsWith(kind + "#")) {
                max = Math.max(max, Integer.parseInt(t.substring(kind.length() + 1)));
            }
        }
        return max;
    }

    static boolean kindSelected(String kind) {
        String o = only();
        if (o.isBlank()) {
            return true;
        }
        for (String s : o.split(",")) {
            String t = s.strip();
            if (t.equals(kind) || t.startsWith(kind + "#")) {
                return true;
            }
        }
        return false;
    }

    /** Where the findings and the reproducers go (the module's build folder). */
    static Path reportDir() {
        return Path.of(System.getProperty("reliability.report", "target/reliability")).toAbsolutePath();
    }
}
