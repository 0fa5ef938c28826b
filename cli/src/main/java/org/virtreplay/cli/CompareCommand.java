package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.summary.CompareText;
import org.virtreplay.analysis.summary.Comparison;
import org.virtreplay.analysis.summary.OutputDirs;
import org.virtreplay.analysis.summary.SummaryReader;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.reports.CompareHtml;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay compare A B}: two replay outputs side by side (docs/compare.md). */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {
            "Compares two replay outputs: the first line states in one sentence what changed in the "
                    + "configuration, the change in stage-2 faults, descriptor reads per walk and translation time, "
                    + "and the two other figures that changed most; then the "
                    + "configuration differences (run_info keys, trace identity) and every per-VM figure of the "
                    + "summary (translations, TLB hit rate, walks, descriptor reads per walk, stage-2 faults by "
                    + "cause, exits, interrupt n/p50/p99) with A, B, B - A and the relative change. VMs are matched "
                    + "by id.",
            "A and B are each the output directory of 'run' (holding metrics/), a metrics directory of "
                    + "'replay', or a sweep point (SWEEP/points/NNN). With --out, DIR/compare.txt and "
                    + "DIR/compare.html (charts of A and B per VM) are written, whole, under a temporary name "
                    + "and renamed at the end."
        },
        footer = {"", "Example (what does a 2 MB stage-2 backing buy on Neoverse N1?):",
            "  virtreplay run sample-traces/backing --out out/4k --set core=neoverse-n1",
            "  virtreplay run sample-traces/backing --out out/2m --set core=neoverse-n1 \\",
            "      --set s2.backing=2m",
            "  virtreplay compare out/4k out/2m --out out/cmp"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:compared", "1:internal error",
            "2:bad input: A or B missing, not a replay output, or a table unreadable; DIR exists (without --force); "
                + "bad option"})
public final class CompareCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "The reference output.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The output compared with A.")
    Path b;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write DIR/compare.txt and DIR/compare.html.")
    Path out;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "Format on stdout (default: ${DEFAULT-VALUE}); compare.txt is always text.")
    String format;

    @Option(names = "--force", description = "Replace DIR, whole, if it exists.")
    boolean force;

    /** The file name of the text in the output directory. */
    static final String TEXT_FILE = "compare.txt";

    @Override
    public Integer call() throws IOException {
        String f = format.strip().toLowerCase(Locale.ROOT);
        if (!f.equals("text") && !f.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format: expected text or json, got " + UserText.quote(format));
        }
        Path da = OutputDirs.metricsDir(a);
        Path db = OutputDirs.metricsDir(b);
        if (out != null) {
            AtomicOutput.check(out, force, a, b);
        }
        Comparison c = Comparison.of(a.toString(), SummaryReader.read(da), b.toString(), SummaryReader.read(db));
        String text = CompareText.render(c);
        if (out != null) {
            try (AtomicOutput o = AtomicOutput.directory(out, force, a, b)) {
                Files.writeString(o.path().resolve(TEXT_FILE), text, StandardCharsets.UTF_8);
                CompareHtml.write(o.path().resolve(CompareHtml.FILE), c);
                o.commit();
            }
        }
        PrintWriter pw = spec.commandLine().getOut();
        pw.print(f.equals("json") ? CompareText.json(c) : text);
        pw.flush();
        return VirtReplay.EXIT_OK;
    }
}
