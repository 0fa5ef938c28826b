package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 17, item 6: help fits 80 columns, carries no terminal styles when piped, and its examples
 * parse when pasted; a mistyped command or option gets the nearest name; the same thing has the
 * same option name in every command.
 */
class HelpAndVocabularyTest {
    String out;
    String err;

    int exec(String... args) {
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    static List<String> commands() {
        List<String> names = new ArrayList<>(VirtReplay.newCommandLine().getSubcommands().keySet());
        names.remove("help");
        return names;
    }

    @Test
    void everyHelpFits80ColumnsWithoutTerminalStyles() {
        List<String> helps = new ArrayList<>(List.of(""));
        helps.addAll(commands());
        for (String c : helps) {
            assertEquals(0, c.isEmpty() ? exec("--help") : exec(c, "--help"), c);
            for (String line : out.split("\\R")) {
                assertTrue(line.length() <= 80, c + ": " + line.length() + " columns: " + line);
                assertFalse(line.contains("\u001b"), c + ": an ANSI escape in " + line);
            }
        }
    }

    /**
     * The top-level help is a compact list: each command on one line (name and a few words), not its
     * full description, and it ends by pointing to each command's own help.
     */
    @Test
    void topLevelHelpListsEachCommandOnOneLineAndPointsToCommandHelp() {
        assertEquals(0, exec("--help"));
        List<String> lines = out.lines().toList();
        assertEquals("Run 'virtreplay COMMAND --help' for a command's options.", lines.get(lines.size() - 1));
        int head = lines.indexOf("Commands:");
        assertTrue(head > 0, out);
        List<String> names = new ArrayList<>(commands());
        names.add("help");
        for (int i = 0; i < names.size(); i++) {
            String line = lines.get(head + 1 + i);
            // "  NAME  summary": every command once, in order, each line its own (no continuation)
            assertTrue(line.startsWith("  " + names.get(i) + " ") && line.strip().length() > names.get(i).length(),
                    line);
        }
        assertEquals("", lines.get(head + 1 + names.size()), out);
        assertTrue(lines.size() < 30, lines.size() + " lines:\n" + out);
    }

    /**
     * Every option value has a label a user reads (N, HZ, DIR), never picocli's default, the Java
     * field's name in angle brackets ({@code --access-gap-ns=<accessGapNs>}).
     */
    @Test
    void noOptionIsLabelledWithItsJavaFieldName() {
        List<String> helps = new ArrayList<>(List.of(""));
        helps.addAll(commands());
        for (String c : helps) {
            assertEquals(0, c.isEmpty() ? exec("--help") : exec(c, "--help"), c);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("[ =\\[]<[A-Za-z0-9]+>").matcher(out);
            if (m.find()) {
                throw new AssertionError(c + " --help: " + out.substring(Math.max(0, m.start() - 30), m.end()));
            }
        }
    }

    /**
     * Every option and parameter reads as a sentence: a capital first letter (unless it starts with
     * a value the user types, such as {@code text} or {@code vmexit}, or the term {@code vCPUs}) and
     * a final full stop, in every command alike (issue 17 item 6: one vocabulary).
     */
    @Test
    void everyOptionDescriptionIsASentence() {
        java.util.Set<String> literalStarts = java.util.Set.of("vCPUs", "text", "text,", "vmexit:", "handled:");
        CommandLine top = VirtReplay.newCommandLine();
        List<String> bad = new ArrayList<>();
        for (String c : commands()) {
            CommandLine.Model.CommandSpec spec = top.getSubcommands().get(c).getCommandSpec();
            List<CommandLine.Model.ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (CommandLine.Model.ArgSpec a : args) {
                if (a.hidden() || a.description().length == 0) {
                    continue;
                }
                String d = String.join(" ", a.description()).strip();
                String first = d.split(" ", 2)[0];
                boolean capital = Character.isUpperCase(d.charAt(0)) || literalStarts.contains(first);
                boolean stop = d.endsWith(".") || d.endsWith(":");
                if (!capital || !stop) {
                    bad.add(c + " " + (a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel())
                            + ": " + d);
                }
            }
        }
        assertEquals(List.of(), bad);
    }

    /**
     * No wrapped line ends inside a word: picocli's wrapping may break after a '.', '/', '-' or '_' in
     * the middle of a path, a file name or a JSON string ("docs/metrics." then "md)"), which a reader
     * pasting it gets wrong. A continuation line is one indented as its predecessor, or deeper under
     * the first line of an option or a command.
     */
    @Test
    void noWrappedLineSplitsAWord() {
        List<String> helps = new ArrayList<>(List.of(""));
        helps.addAll(commands());
        List<String> split = new ArrayList<>();
        for (String c : helps) {
            assertEquals(0, c.isEmpty() ? exec("--help") : exec(c, "--help"), c);
            String[] lines = out.split("\\R");
            for (int i = 0; i + 1 < lines.length; i++) {
                String a = lines[i];
                String b = lines[i + 1];
                String bs = b.strip();
                if (a.isBlank() || a.endsWith(" ") || bs.isEmpty() || bs.startsWith("-")) {
                    continue;
                }
                int ia = a.length() - a.stripLeading().length();
                int ib = b.length() - bs.length() - (b.length() - b.stripTrailing().length());
                boolean rowStart = a.stripLeading().startsWith("-") || ia == 2;
                boolean continuation = ib == ia || rowStart && ib > ia;
                if (continuation && a.matches(".*\\S[./_=\"{\\[(-]$") && bs.matches("^[a-z0-9\"].*")) {
                    split.add((c.isEmpty() ? "virtreplay" : c) + " --help: '" + a.strip() + "' / '" + bs + "'");
                }
            }
        }
        assertEquals(List.of(), split);
    }

    /**
     * Every example line of every help ("  virtreplay ...", continued by a trailing backslash), as
     * a shell would read it when pasted, parses: no option cut off by a wrapped line.
     */
    @Test
    void everyExampleParsesWhenPasted() {
        int examples = 0;
        for (String c : commands()) {
            exec(c, "--help");
            String[] lines = out.split("\\R");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (!l.startsWith("virtreplay ")) {
                    continue;
                }
                StringBuilder cmd = new StringBuilder(l);
                while (cmd.toString().endsWith("\\") && i + 1 < lines.length) {
                    cmd.setLength(cmd.length() - 1);
                    cmd.append(' ').append(lines[++i].strip());
                }
                List<String> words = shellWords(cmd.toString());
                int redirect = words.indexOf(">");
                if (redirect >= 0) {
                    words = words.subList(0, redirect);
                }
                List<String> args = words.subList(1, words.size());
                try {
                    VirtReplay.newCommandLine().parseArgs(args.toArray(new String[0]));
                } catch (CommandLine.ParameterException e) {
                    throw new AssertionError(c + " --help: the example '" + cmd + "' does not parse: " + e.getMessage());
                }
                examples++;
            }
        }
        assertTrue(examples >= 6, examples + " examples");
    }

    /** Words as sh splits them: blanks separate, double or single quotes group. */
    static List<String> shellWords(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char ch : s.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    w.append(ch);
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                any = true;
            } else if (Character.isWhitespace(ch)) {
                if (any || w.length() > 0) {
                    words.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(ch);
            }
        }
        if (any || w.length() > 0) {
            words.add(w.toString());
        }
        return words;
    }

    @Test
    void anUnknownCommandGetsTheNearest() {
        assertEquals(2, exec("rpelay", "x"));
        assertTrue(err.startsWith("virtreplay: unknown command 'rpelay'; did you mean 'replay'? commands: ingest, "),
                err);
        assertEquals(2, exec("sweeep"));
        assertTrue(err.contains("did you mean 'sweep'?"), err);
        assertEquals(2, exec("frobnicate"));
        assertTrue(err.startsWith("virtreplay: unknown command 'frobnicate'; commands: "), err);
        assertFalse(err.contains("did you mean"), err);
    }

    @Test
    void anUnknownOptionGetsTheNearest() {
        assertEquals(2, exec("run", "t", "--out", "o", "--quite"));
        assertTrue(err.startsWith("virtreplay: unknown option '--quite'; did you mean '--quiet'?"), err);
        // a negatable option's other form is a candidate too
        assertEquals(2, exec("replay", "t", "--out", "o", "--evnts"));
        assertTrue(err.startsWith("virtreplay: unknown option '--evnts'; did you mean '--events'?"), err);
    }

    @Test
    void editDistance() {
        assertEquals(0, Suggest.distance("run", "run"));
        assertEquals(1, Suggest.distance("rpelay", "replay")); // one adjacent swap
        assertEquals(3, Suggest.distance("kitten", "sitting"));
        assertEquals("report", Suggest.nearest("reprot", List.of("replay", "report", "run")));
        assertEquals(null, Suggest.nearest("xyz", List.of("replay", "report", "run")));
    }

    /** The option names of docs/cli.md's table: one name for one thing, whichever command has it. */
    @Test
    void theSameThingHasTheSameName() {
        CommandLine top = VirtReplay.newCommandLine();
        for (String c : List.of("run", "replay", "ingest", "import", "generate", "report", "sweep")) {
            CommandLine.Model.CommandSpec s = top.getSubcommands().get(c).getCommandSpec();
            assertTrue(s.findOption("--out") != null, c + " --out");
            assertTrue(s.findOption("--force") != null, c + " --force");
        }
        for (String c : List.of("run", "replay", "ingest", "import", "generate", "sweep", "tlb", "report")) {
            CommandLine.Model.CommandSpec s = top.getSubcommands().get(c).getCommandSpec();
            assertTrue(s.findOption("-q") != null && s.findOption("--quiet") != null, c + " -q");
            // one meaning too: progress only (import's "summary line only" is --brief)
            assertEquals(List.of("No progress on stderr (progress is shown only on a terminal)."),
                    List.of(s.findOption("-q").description()), c + " -q");
        }
        for (String c : List.of("run", "ingest", "import", "tlb")) {
            CommandLine.Model.OptionSpec o = top.getSubcommands().get(c).getCommandSpec().findOption("--max-errors");
            assertEquals("20", o.defaultValue(), c + " --max-errors");
        }
        for (String c : List.of("run", "replay")) {
            CommandLine.Model.OptionSpec o = top.getSubcommands().get(c).getCommandSpec().findOption("--no-events");
            assertTrue(o.negatable(), c);
            assertEquals("true", o.defaultValue(), c + ": event tables on by default");
        }
        for (String c : List.of("inspect", "translate", "kvm-stat")) {
            assertTrue(top.getSubcommands().get(c).getCommandSpec().findOption("--format") != null, c + " --format");
        }
    }

    @Test
    void oldSpellingsStillWork() {
        // report --out-dir, inspect/translate --json, replay --events, tlb --stale-check: hidden, working
        CommandLine top = VirtReplay.newCommandLine();
        assertTrue(top.getSubcommands().get("report").getCommandSpec().findOption("--out-dir").hidden());
        assertTrue(top.getSubcommands().get("inspect").getCommandSpec().findOption("--json").hidden());
        assertTrue(top.getSubcommands().get("translate").getCommandSpec().findOption("--json").hidden());
        assertTrue(top.getSubcommands().get("tlb").getCommandSpec().findOption("--stale-check").hidden());
        // each alias sets what the new name sets (and the new name's default does not undo it)
        CommandLine cl = VirtReplay.newCommandLine();
        cl.parseArgs("tlb", "t", "--stale-check", "3");
        assertEquals("3", ((TlbCommand) cl.getSubcommands().get("tlb").getCommand()).staleCheck);
        cl = VirtReplay.newCommandLine();
        cl.parseArgs("tlb", "t");
        assertEquals("0", ((TlbCommand) cl.getSubcommands().get("tlb").getCommand()).staleCheck);
        cl = VirtReplay.newCommandLine();
        cl.parseArgs("report", "d", "--out-dir", "r");
        assertEquals(java.nio.file.Path.of("r"), ((ReportCommand) cl.getSubcommands().get("report").getCommand()).outDir);
        cl = VirtReplay.newCommandLine();
        cl.parseArgs("inspect", "--json", "t");
        assertEquals("json", ((InspectCommand) cl.getSubcommands().get("inspect").getCommand()).format);
        cl = VirtReplay.newCommandLine();
        cl.parseArgs("translate", "--regs", "r", "--memory", "m", "--va", "0", "--el", "1", "--access", "read", "--json");
        assertEquals("json", ((TranslateCommand) cl.getSubcommands().get("translate").getCommand()).format);
        cl = VirtReplay.newCommandLine();
        cl.parseArgs("replay", "t", "--out", "o", "--events");
        assertTrue(((ReplayCommand) cl.getSubcommands().get("replay").getCommand()).events);
        cl = VirtReplay.newCommandLine();
        cl.parseArgs("replay", "t", "--out", "o", "--no-events");
        assertFalse(((ReplayCommand) cl.getSubcommands().get("replay").getCommand()).events);
        assertEquals(2, exec("inspect", "--format", "yaml", "t"));
        assertTrue(err.startsWith("virtreplay: --format: expected text or json, got 'yaml'"), err);
    }
}
