package org.virtreplay.cli;

import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.UserText;
import picocli.CommandLine;

/**
 * The nearest command or option to a mistyped one, by edit distance: "unknown command 'rpelay';
 * did you mean 'replay'?" instead of picocli's "Unmatched argument at index 0".
 */
final class Suggest {
    private Suggest() {
    }

    /** One line for the first unmatched word, or null to keep picocli's message. */
    static String forUnmatched(CommandLine.UnmatchedArgumentException ex) {
        List<String> unmatched = ex.getUnmatched();
        if (unmatched.isEmpty()) {
            return null;
        }
        String word = unmatched.get(0);
        CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
        if (!word.startsWith("-") && !spec.subcommands().isEmpty()) {
            List<String> names = new ArrayList<>();
            spec.subcommands().forEach((name, cl) -> names.add(name));
            String best = nearest(word, names);
            return "unknown command " + UserText.quote(word) + "; "
                    + (best != null ? "did you mean '" + best + "'? " : "") + "commands: " + String.join(", ", names);
        }
        if (word.startsWith("-")) {
            String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            List<String> options = new ArrayList<>();
            for (CommandLine.Model.OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    for (String n : o.names()) {
                        options.add(n);
                        if (o.negatable()) {
                            options.add(spec.negatableOptionTransformer().makeNegative(n, spec));
                        }
                    }
                }
            }
            String best = nearest(name, options);
            if (best != null) {
                return "unknown option " + UserText.quote(name) + "; did you mean '" + best + "'?";
            }
        }
        return null;
    }

    /** The candidate closest to {@code word}, if it is close: at most a third of its letters (at least 2) differ. */
    static String nearest(String word, List<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best != null && bestD <= Math.max(2, word.length() / 3) ? best : null;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
