package org.virtreplay.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.io.FileFailures;

/**
 * The {@code virtreplay} command. Exit codes: 0 success, 1 internal error, 2 bad input or usage.
 */
@Command(
        name = "virtreplay",
        mixinStandardHelpOptions = true,
        versionProvider = VirtReplay.Version.class,
        description = "Replays memory-access and interrupt traces of Arm (AArch64) VMs through a faithful model "
                + "of the host: two-stage translation, TLBs, GIC and hypervisor.",
        subcommands = {
            IngestCommand.class,
            ImportCommand.class,
            InspectCommand.class,
            KvmStatCommand.class,
            GenerateCommand.class,
            RunCommand.class,
            ReplayCommand.class,
            CalibrateCommand.class,
            TranslateCommand.class,
            TlbCommand.class,
            ReportCommand.class,
            CompareCommand.class,
            SweepCommand.class,
            CommandLine.HelpCommand.class
        })
public final class VirtReplay implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_BAD_INPUT = 2;

    /**
     * What {@code -q}/{@code --quiet} means in every command (docs/cli.md): progress only. A
     * command's result on stdout and its warnings stay, so scripts see the same output with it.
     */
    static final String QUIET_HELP = "No progress on stderr (progress is shown only on a terminal).";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is (on stderr, as for any usage error) and exit 2.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; used by {@link #main} and by tests. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = args.length > 0 && args[0].equals("tlb") ? newTlbCommandLine() : newCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = configure(new CommandLine(new VirtReplay()));
        // The top-level help lists the commands one line each and points to each command's own
        // help, instead of every command's full description (some 80 lines).
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                help -> commandList(cl));
        cl.getCommandSpec().usageMessage().footer("", MORE_HELP);
        return cl;
    }

    static final String MORE_HELP = "Run 'virtreplay COMMAND --help' for a command's options.";

    /**
     * One line per command for the top-level help: what it is for, in a few words, without a final
     * period (a list, as git's; a line ending in '.' before one starting lowercase would read as a
     * wrapped word to HelpAndVocabularyTest).
     */
    private static final Map<String, String> SUMMARIES = Map.ofEntries(
            Map.entry("ingest", "Validates a canonical trace and writes it as Parquet or CSV"),
            Map.entry("import", "Builds a canonical trace from recordings of a real KVM host"),
            Map.entry("inspect", "Prints what a canonical trace holds: rows, VMs, time, addresses"),
            Map.entry("kvm-stat", "Prints guest exits by reason, as 'perf kvm stat report' does"),
            Map.entry("generate", "Writes a synthetic canonical trace"),
            Map.entry("run", "The main job: ingest, replay and report a trace into one DIR"),
            Map.entry("replay", "Replays a canonical trace on the modelled host: metric tables"),
            Map.entry("calibrate", "Fits the cost model's free costs to a recording's exits"),
            Map.entry("translate", "Translates one virtual address as an Arm PE would"),
            Map.entry("tlb", "A TLB study of a lackey log or a canonical trace"),
            Map.entry("report", "Writes the CSV and HTML report of a replay, run or sweep"),
            Map.entry("compare", "Compares two replay outputs: what changed, per VM"),
            Map.entry("sweep", "Replays a trace once per point of a grid of host configurations"),
            Map.entry("help", "Prints the help of a command"));

    /** The "Commands:" section: name and summary, one line each, at most 80 columns. */
    static String commandList(CommandLine cl) {
        int width = 0;
        for (String name : cl.getSubcommands().keySet()) {
            width = Math.max(width, name.length());
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            String line = "  " + e.getKey() + " ".repeat(width - e.getKey().length() + 2)
                    + SUMMARIES.getOrDefault(e.getKey(), "");
            sb.append(line.stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * {@code virtreplay tlb ...} alone: the same top command name, handlers and converters, but
     * only the {@code tlb} subcommand's model is built. picocli reads every subcommand's
     * annotations by reflection when the full tree is made, which loads their classes (and
     * through their fields a part of the analysis and ingest modules); a {@code tlb} study of a
     * few seconds should not pay for the other ten commands (docs/performance.md, section TLB).
     */
    static CommandLine newTlbCommandLine() {
        CommandLine top = new CommandLine(CommandLine.Model.CommandSpec.create().name("virtreplay"));
        top.addSubcommand("tlb", new TlbCommand());
        return configure(top);
    }

    private static CommandLine configure(CommandLine cl) {
        // An empty path would be the working directory: '--out ""' must not write (or, with
        // --force, replace) the directory the user is in. picocli names the option in the refusal.
        cl.registerConverter(Path.class, s -> {
            if (s.isEmpty()) {
                throw new CommandLine.TypeConversionException("expected a path, got an empty string");
            }
            return Path.of(s);
        });
        // Help fits an 80-column terminal (and a pasted email); no ANSI styles unless stdout is a
        // terminal (picocli's AUTO), so a piped --help copies and pastes as plain text.
        cl.setUsageHelpWidth(80);
        cl.setUsageHelpAutoWidth(false);
        cl.setExecutionExceptionHandler(VirtReplay::handleExecutionException);
        cl.setParameterExceptionHandler(VirtReplay::handleParameterException);
        cl.setExitCodeExceptionMapper(t -> t instanceof BadInputException ? EXIT_BAD_INPUT : EXIT_INTERNAL);
        return cl;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String nearest = ex instanceof CommandLine.UnmatchedArgumentException u ? Suggest.forUnmatched(u) : null;
        err.println("virtreplay: " + UserText.oneLine(nearest != null ? nearest : ex.getMessage()));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_BAD_INPUT;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof CommandLine.ParameterException pe) {
            return handleParameterException(pe, parsed.originalArgs().toArray(new String[0]));
        }
        // A user's mistake may reach us wrapped (a worker thread, an UncheckedIOException).
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BadInputException bad) {
                for (String line : bad.problems()) {
                    err.println(UserText.oneLine(line));
                }
                err.flush();
                return EXIT_BAD_INPUT;
            }
        }
        // The environment's: permission denied, a read-only file system, an --out under a regular
        // file, no space left. One line that names the path and says what to do, exit 2.
        boolean hasForce = cmd.getCommandSpec().findOption("--force") != null;
        Path output = outputPath(cmd);
        String noun = output == null ? "output" : output.equals(optionPath(cmd, "--stats-csv")) ? "output file"
                : "output directory";
        String env = FileFailures.environment(ex, output, noun, hasForce);
        if (env != null) {
            err.println(UserText.oneLine(env));
            err.flush();
            return EXIT_BAD_INPUT;
        }
        err.println("virtreplay: internal error (please report it): " + ex);
        ex.printStackTrace(err);
        err.flush();
        return EXIT_INTERNAL;
    }

    /** The path the command writes to (--out, --out-dir or --stats-csv), or null. */
    private static Path outputPath(CommandLine cmd) {
        for (String name : new String[] {"--out", "--out-dir", "--stats-csv"}) {
            Path p = optionPath(cmd, name);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static Path optionPath(CommandLine cmd, String name) {
        CommandLine.Model.OptionSpec o = cmd.getCommandSpec().findOption(name);
        return o != null && o.getValue() instanceof Path p ? p : null;
    }

    /** Reads the version that Maven filtered into the jar. */
    public static String version() {
        try (InputStream in = VirtReplay.class.getResourceAsStream("/virtreplay-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"virtreplay " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
