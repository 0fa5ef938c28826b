package org.virtreplay.cli.reliability;

import java.nio.file.Path;
import java.util.List;

/**
 * One case of the corpus: a command line over inputs that one mutation (or none, for case 0)
 * produced, and what the promises need to know to judge it.
 *
 * @param kind      the input kind ({@link InputKind#name()})
 * @param index     the case's number within its kind; 0 is the unmutated input
 * @param seed      the seed of the case's random choices
 * @param mutation  what was done to the valid input, in a few words
 * @param args      the command line after {@code virtreplay}
 * @param in        the directory that holds every input; a command must not change it
 * @param work      the directory that holds {@code out}; a command may add {@code out} and nothing else
 * @param out       the output path given to the command ({@code --out}, {@code --stats-csv}), or null
 * @param places    how an exit-2 line may name the place of a problem
 * @param complete  paths relative to {@code out} that a successful run must have written (empty
 *                  string: {@code out} itself); with a leading '!', a path it must not leave there
 * @param rerun     whether a successful run is run again and its files compared
 * @param expect    what the documented format says of the mutated input, where it says something
 */
record Case(String kind, int index, long seed, String mutation, List<String> args, Path in, Path work, Path out,
        Places places, List<String> complete, boolean rerun, Expect expect) {

    /** Whether the input is valid (must exit 0), invalid (must exit 2), or either may be right. */
    enum Expect {
        ANY, ACCEPT, REJECT
    }

    /** The place an exit-2 line must name: one of the files (with a line or row where one applies) or keys. */
    record Places(List<Path> files, List<String> keys) {
    }

    Case withSeed(long s) {
        return new Case(kind, index, s, mutation, args, in, work, out, places, complete, rerun, expect);
    }

    String id() {
        return kind + "#" + index;
    }

    /** The command line as a user would type it, with the case's directory as the current one. */
    String commandLine(Path caseDir) {
        StringBuilder b = new StringBuilder("virtreplay");
        String root = caseDir.toString() + "/";
        for (String a : args) {
            String s = a.replace(root, "");
            if (s.length() > 120) {
                s = s.substring(0, 60) + "…(" + s.length() + " chars)";
            }
            boolean quote = s.isEmpty() || s.matches(".*[\\s\"'<>|&;].*");
            b.append(' ').append(quote ? "'" + s.replace("'", "'\\''") + "'" : s);
        }
        return b.toString();
    }
}
