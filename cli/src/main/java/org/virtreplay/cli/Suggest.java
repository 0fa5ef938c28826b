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

    /** The candidate closest to {@code word}, if it is close (see {@link UserText#nearest}). */
    static String nearest(String word, List<String> candidates) {
        return UserText.nearest(word, candidates);
    }

    static int distance(String a, String b) {
        return UserText.distance(a, b);
    }
}
