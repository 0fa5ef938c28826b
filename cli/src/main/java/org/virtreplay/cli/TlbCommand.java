package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.virtreplay.ingest.output.AtomicOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.engine.tlb.TlbArray;
import org.virtreplay.engine.tlb.TlbGeometry;
import org.virtreplay.engine.tlb.TlbStudy;
import org.virtreplay.engine.tlb.TranslationUnit;
import org.virtreplay.ingest.io.OutputFiles;
import org.virtreplay.ingest.lackey.LackeyBatch;
import org.virtreplay.ingest.lackey.LackeyReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code virtreplay tlb TRACE}: a one-line TLB study of an address trace, like drcachesim's TLB
 * simulator but with two-stage translation: one VM, one vCPU at EL0 (ASID 1), real stage-1 and
 * stage-2 tables built on first touch, real nested walks on misses.
 */
@Command(name = "tlb", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        sortOptions = false,
        description = {
            "Replays an address trace through per-PE TLBs (L1 instruction, L1 data, unified L2, and with --core "
                    + "the core's walk caches) in front of a real two-stage table walk, and prints per structure: "
                    + "lookups, hits, misses, miss rate, misses per 1000 instructions, walks and descriptor reads.",
            "",
            "The trace becomes one VM with one vCPU at EL0, ASID 1, VMID 1. Each page is mapped at stage 1 "
                    + "and stage 2 the first time it is touched (IPA and PA in first-touch order). Every access "
                    + "looks up each page it touches, lowest first; an L1 miss looks up the L2, an L2 miss walks "
                    + "the tables and fills both levels.",
            "",
            "Without --core only the structures given by the --tlb-* options exist: L1I and L1D (32 entries "
                    + "fully associative unless sized), and an L2 only with --tlb-l2-entries/--tlb-l2-assoc; with no "
                    + "--tlb-* option at all, drcachesim's defaults (L1s 32 fully associative, L2 1024 entries 4-way). "
                    + "LRU; no walk caches. With --core the "
                    + "preset's structures are used and --tlb-* options override their sizes. Presets: "
                    + "cortex-a72, cortex-a76, neoverse-n1, neoverse-n2, neoverse-v1, neoverse-v2 (docs/cores.md).",
            "",
            "A canonical trace directory is replayed whole on the modelled host, as 'virtreplay replay' does "
                    + "(the scenario's defaults: neoverse-n1, the trace's PEs and schedule), and the table has one "
                    + "row per VM and structure. The options set the scenario keys they mirror (for example, --core sets "
                    + "core, --tlb-l1d-entries sets tlb.l1d.entries, and so on to --s2-block for s2.backing; docs/cli.md); --scenario and "
                    + "--set give the rest. The trace's page tables give the granules."
        },
        footer = {
            "",
            "Examples:",
            "  virtreplay tlb sample-traces/lackey/gzip-30k-text.lackey.zst \\",
            "      --tlb-l1d-entries 64 --tlb-l1d-assoc 64 --tlb-l2-entries 1024 \\",
            "      --tlb-l2-assoc 4 --stats-csv gzip-tlb.csv",
            "  virtreplay tlb sample-traces/quickstart --core cortex-a76 --s2-block 2m",
            "",
            "Exit codes: 0 done, 2 bad input or options, 1 internal error."
        })
public final class TlbCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE",
            description = "A lackey log (plain text, .gz, .xz or .zst) or a canonical trace directory.")
    Path trace;

    @Option(names = "--input-format", paramLabel = "lackey|canonical",
            description = "Trace format (default: canonical for a directory, lackey for a file).")
    String inputFormat;

    @Option(names = "--core", paramLabel = "PRESET", description = "A real core's TLB organisation.")
    String core;

    @Option(names = "--granule", paramLabel = "4k|16k|64k", defaultValue = "4k",
            description = "Stage-1 translation granule (default 4k).")
    String granule;

    @Option(names = "--s2-granule", paramLabel = "4k|16k|64k",
            description = "Stage-2 translation granule (default: the stage-1 granule).")
    String s2Granule;

    @Option(names = "--s2-block", paramLabel = "SIZE",
            description = "Map stage 2 with blocks of this size (2m or 1g with 4k, 32m with 16k, 512m with 64k).")
    String s2Block;

    @Option(names = "--tlb-l1i-entries", paramLabel = "N", description = "L1 instruction TLB entries.")
    Integer l1iEntries;

    @Option(names = "--tlb-l1i-assoc", paramLabel = "A", description = "L1 instruction TLB associativity.")
    Integer l1iAssoc;

    @Option(names = "--tlb-l1d-entries", paramLabel = "N", description = "L1 data TLB entries.")
    Integer l1dEntries;

    @Option(names = "--tlb-l1d-assoc", paramLabel = "A", description = "L1 data TLB associativity.")
    Integer l1dAssoc;

    @Option(names = "--tlb-l2-entries", paramLabel = "N", description = "Unified L2 TLB entries (0 = no L2).")
    Integer l2Entries;

    @Option(names = "--tlb-l2-assoc", paramLabel = "A", description = "Unified L2 TLB associativity.")
    Integer l2Assoc;

    @Option(names = "--tlb-replacement", paramLabel = "lru|plru|fifo|random", defaultValue = "lru",
            description = "Replacement policy of every structure (default lru).")
    String replacement;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the random policy.")
    long seed;

    // No defaultValue: picocli applies one after parsing, over what the --stale-check alias set.
    @Option(names = "--tlb-stale-check", paramLabel = "N",
            description = "Compare every N-th TLB hit with the page tables (0 or off = no check, the default); "
                    + "exact, as the scenario key tlb.stale_check, checks hits after a mapping change, which a "
                    + "lackey trace never has.")
    String staleCheck = "0";

    /** The name before the scenario key tlb.stale_check gave it its name; kept for scripts. */
    @Option(names = "--stale-check", hidden = true, paramLabel = "N")
    void staleCheckAlias(String n) {
        staleCheck = n;
    }

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "Canonical traces: the scenario file of the modelled host (docs/scenario.md).")
    Path scenarioFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Canonical traces: override one scenario key (repeatable); the options above "
                    + "set the same keys (docs/cli.md).")
    List<String> sets = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet;

    @Option(names = "--max-errors", paramLabel = "N", defaultValue = "20",
            description = "Stop after N problems (default: ${DEFAULT-VALUE}).")
    int maxErrors;

    @Option(names = "--stats-csv", paramLabel = "FILE",
            description = "Also write the statistics as CSV (structure,lookups,hits,misses,...).")
    Path statsCsv;

    @Override
    public Integer call() throws IOException {
        // the same rule as in every command, whatever the input's format
        TraceWriteOptions.checkMaxErrors(spec.commandLine(), maxErrors);
        String format = inputFormat != null ? inputFormat : Files.isDirectory(trace) ? "canonical" : "lackey";
        if (format.equals("canonical")) {
            InputHints.requireTraceDirectory(trace);
            InputHints.requireTlbDirectory(trace);
            if (statsCsv != null) {
                AtomicOutput.checkFile(statsCsv, true, trace);
            }
            TlbCanonical.run(trace, scenario(), commandOptions(), quiet, spec.commandLine().getOut(), statsCsv);
            spec.commandLine().getOut().flush();
            return VirtReplay.EXIT_OK;
        }
        if (!format.equals("lackey")) {
            throw new BadInputException("option '--input-format': expected lackey or canonical, got "
                    + UserText.quote(format));
        }
        for (String o : new String[] {"--scenario", "--set"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                throw new BadInputException("option '" + o + "': only for canonical traces (a lackey log's host "
                        + "is given by the --core and --tlb-* options)");
            }
        }
        InputHints.requireLackeyFile(trace);
        if (statsCsv != null) {
            AtomicOutput.checkFile(statsCsv, true, trace); // before the trace, not after it
        }
        Granule g1 = granule("--granule", granule);
        Granule g2 = s2Granule == null ? g1 : granule("--s2-granule", s2Granule);
        long block = s2Block == null ? 0 : blockSize(s2Block, g2);
        Replacement policy = Replacement.parse(replacement);
        if (policy == null) {
            throw new BadInputException("option '--tlb-replacement': expected lru, plru, fifo or random, got "
                    + UserText.quote(replacement));
        }
        CorePreset cfg = configure();
        TlbStudy study;
        try {
            study = new TlbStudy(cfg, g1, g2, block, policy, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        if (!staleCheck.equals("exact") && !staleCheck.equals("off") && !staleCheck.matches("[0-9]{1,9}")) {
            throw new BadInputException("option '--tlb-stale-check': expected exact, off, 0 or a positive number, got "
                    + UserText.quote(staleCheck));
        }
        study.unit.setStaleCheck(Scenario.staleCheckEvery(staleCheck), null);
        long t0 = System.nanoTime();
        LackeyReader.Result r;
        try (PhaseProgress p = PhaseProgress.start(spec.commandLine().getErr(), "tlb: reading " + trace, quiet)) {
            r = LackeyReader.read(trace, maxErrors, b -> feed(study, b));
        }
        long t1 = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        printTable(out, study, cfg, r, t1 - t0);
        if (statsCsv != null) {
            writeCsv(statsCsv, trace, study);
        }
        out.flush();
        return VirtReplay.EXIT_OK;
    }

    /**
     * The host of a canonical trace: the scenario file (or the defaults), then each option given,
     * as the scenario key it mirrors, then the --set words (docs/cli.md has the mapping).
     */
    private Scenario scenario() {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (String o : new String[] {"--granule", "--s2-granule"}) {
            if (pr.hasMatchedOption(o)) {
                throw new BadInputException("option '" + o + "': a canonical trace's page tables give its granules; "
                        + "use --s2-block (the scenario key s2.backing) to change the stage-2 backing");
            }
        }
        Scenario sc = scenarioFile == null ? Scenario.defaults() : Scenario.read(scenarioFile);
        sc = mirror(sc, pr, "--core", Scenario.Key.CORE, core);
        sc = mirror(sc, pr, "--tlb-l1i-entries", Scenario.Key.TLB_L1I_ENTRIES, l1iEntries);
        sc = mirror(sc, pr, "--tlb-l1i-assoc", Scenario.Key.TLB_L1I_ASSOC, l1iAssoc);
        sc = mirror(sc, pr, "--tlb-l1d-entries", Scenario.Key.TLB_L1D_ENTRIES, l1dEntries);
        sc = mirror(sc, pr, "--tlb-l1d-assoc", Scenario.Key.TLB_L1D_ASSOC, l1dAssoc);
        sc = mirror(sc, pr, "--tlb-l2-entries", Scenario.Key.TLB_L2_ENTRIES, l2Entries);
        sc = mirror(sc, pr, "--tlb-l2-assoc", Scenario.Key.TLB_L2_ASSOC, l2Assoc);
        sc = mirror(sc, pr, "--tlb-replacement", Scenario.Key.TLB_REPLACEMENT, replacement);
        sc = mirror(sc, pr, "--seed", Scenario.Key.SEED, seed);
        boolean stale = pr.hasMatchedOption("--tlb-stale-check") || pr.hasMatchedOption("--stale-check");
        if (stale) {
            sc = sc.with(Scenario.Key.TLB_STALE_CHECK, staleCheck, "--tlb-stale-check");
        }
        sc = mirror(sc, pr, "--s2-block", Scenario.Key.S2_BACKING, s2Block);
        return ReplayCommand.withSets(spec, sc, sets);
    }

    private static Scenario mirror(Scenario sc, CommandLine.ParseResult pr, String option, Scenario.Key key,
            Object value) {
        if (!pr.hasMatchedOption(option)) {
            return sc;
        }
        return sc.with(key, String.valueOf(value).toLowerCase(Locale.ROOT), option + " " + value);
    }

    /** What run_info records of the command line (the replay's tables are deleted, but keep it honest). */
    private Map<String, String> commandOptions() {
        Map<String, String> opts = new TreeMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            opts.put("set." + s.substring(0, eq).strip(), s.substring(eq + 1).strip());
        }
        return opts;
    }

    private static void feed(TlbStudy study, LackeyBatch b) {
        final byte[] k = b.kind;
        final long[] a = b.addr;
        final int[] s = b.size;
        for (int i = 0, n = b.count; i < n; i++) {
            study.access(k[i], a[i], s[i]);
        }
    }

    private CorePreset configure() {
        CorePreset cfg;
        if (core != null) {
            cfg = CorePreset.byName(core.toLowerCase(Locale.ROOT));
            if (cfg == null) {
                throw new BadInputException("option '--core': unknown preset " + UserText.quote(core)
                        + "; expected one of "
                        + String.join(", ", CorePreset.names()));
            }
        } else {
            cfg = CorePreset.custom(TlbGeometry.of(32, 32), TlbGeometry.of(32, 32), TlbGeometry.of(1024, 4));
        }
        cfg = cfg.withL1i(geometry("l1i", cfg.l1i(), l1iEntries, l1iAssoc, false));
        cfg = cfg.withL1d(geometry("l1d", cfg.l1d(), l1dEntries, l1dAssoc, false));
        boolean anyTlbOption = l1iEntries != null || l1iAssoc != null || l1dEntries != null || l1dAssoc != null
                || l2Entries != null || l2Assoc != null;
        if (core == null && anyTlbOption && l2Entries == null && l2Assoc == null) {
            // Without --core, a study that names its TLBs gets only those: no L2 unless asked for.
            return cfg.withL2(TlbGeometry.of(0, 1));
        }
        cfg = cfg.withL2(geometry("l2", cfg.l2(), l2Entries, l2Assoc, true));
        return cfg;
    }

    /**
     * Applies --tlb-X-entries/--tlb-X-assoc to a structure. Giving only the entry count of a fully
     * associative structure keeps it fully associative.
     */
    private static TlbGeometry geometry(String name, TlbGeometry base, Integer entries, Integer assoc, boolean mayBeZero) {
        int e = entries != null ? entries : base.entries();
        int w;
        if (assoc != null) {
            w = assoc;
        } else if (entries != null && base.ways() == base.entries()) {
            w = e;
        } else {
            w = base.ways();
        }
        if (e > Scenario.MAX_TLB_ENTRIES || w > Scenario.MAX_TLB_ENTRIES) {
            // The scenario keys' bound (tlb.*.entries, tlb.*.assoc): far beyond any core, and an
            // array of 2,000,000,000 entries would not fit the heap.
            boolean entriesTooMany = e > Scenario.MAX_TLB_ENTRIES;
            throw new BadInputException(String.format(Locale.ROOT, "option '--tlb-%s-%s': expected at most %,d, "
                    + "as the scenario key tlb.%s.%s, got %d", name, entriesTooMany ? "entries" : "assoc",
                    Scenario.MAX_TLB_ENTRIES, name, entriesTooMany ? "entries" : "assoc", entriesTooMany ? e : w));
        }
        if (e < 0 || (e == 0 && !mayBeZero)) {
            throw new BadInputException("option '--tlb-" + name + "-entries': expected a positive number"
                    + (mayBeZero ? " or 0" : "") + ", got " + e);
        }
        if (e == 0) {
            return TlbGeometry.of(0, 1);
        }
        if (w <= 0 || e % w != 0) {
            throw new BadInputException("option '--tlb-" + name + "-assoc': the associativity " + w
                    + " must be positive and divide the entry count " + e);
        }
        return new TlbGeometry(e, w, base.sizeMask());
    }

    private static Granule granule(String opt, String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "4k" -> Granule.K4;
            case "16k" -> Granule.K16;
            case "64k" -> Granule.K64;
            default -> throw new BadInputException("option '" + opt + "': expected 4k, 16k or 64k, got "
                    + UserText.quote(s));
        };
    }

    private static long blockSize(String s, Granule g) {
        long size = switch (s.toLowerCase(Locale.ROOT)) {
            case "2m" -> 2L << 20;
            case "32m" -> 32L << 20;
            case "512m" -> 512L << 20;
            case "1g" -> 1L << 30;
            default -> throw new BadInputException("option '--s2-block': expected 2m, 32m, 512m or 1g, got "
                    + UserText.quote(s));
        };
        boolean ok = switch (g) {
            case K4 -> size == (2L << 20) || size == (1L << 30);
            case K16 -> size == (32L << 20);
            case K64 -> size == (512L << 20);
        };
        if (!ok) {
            throw new BadInputException("option '--s2-block': a " + (g.bytes >> 10) + "k stage-2 granule has no "
                    + s + " block (4k: 2m, 1g; 16k: 32m; 64k: 512m)");
        }
        return size;
    }

    /** One statistics row. */
    record Row(String structure, int entries, int ways, long lookups, long hits, long misses, long walks,
            long reads) {
        double missRate() {
            return lookups == 0 ? 0 : (double) misses / lookups;
        }
    }

    static List<Row> rows(TlbStudy study) {
        TranslationUnit u = study.unit;
        List<Row> rows = new ArrayList<>();
        rows.add(row("l1i", u.l1i, u.walksI, u.readsI));
        rows.add(row("l1d", u.l1d, u.walksD, u.readsD));
        if (u.l2 != null) {
            rows.add(row("l2", u.l2, u.walks(), u.reads()));
        } else {
            rows.add(new Row("l2", 0, 0, 0, 0, 0, u.walks(), u.reads()));
        }
        if (u.s1wc != null) {
            rows.add(row("s1_walk_cache", u.s1wc, -1, -1));
        }
        if (u.s2wc != null) {
            rows.add(row("s2_walk_cache", u.s2wc, -1, -1));
        }
        if (u.ipac != null) {
            rows.add(row("ipa_cache", u.ipac, -1, -1));
        }
        return rows;
    }

    private static Row row(String name, TlbArray a, long walks, long reads) {
        return new Row(name, a.entries, a.ways, a.lookups, a.hits, a.misses, walks, reads);
    }

    private void printTable(PrintWriter out, TlbStudy study, CorePreset cfg, LackeyReader.Result r,
            long nanos) {
        TranslationUnit u = study.unit;
        double instr = u.instructions;
        out.printf(Locale.ROOT, "trace %s: %,d lines, %,d accesses (%,d fetches, %,d loads, %,d stores, %,d modifies)%n",
                trace, r.lines(), r.records(), study.fetches, study.loads, study.stores,
                study.modifies);
        out.printf(Locale.ROOT, "model: %s, stage-1 %dk, stage-2 %s, %,d pages mapped, %,d page lookups%n",
                cfg.name(), study.vm.s1Gran.bytes >> 10,
                study.vm.s2Unit == study.vm.s2Gran.bytes ? (study.vm.s2Gran.bytes >> 10) + "k"
                        : (study.vm.s2Gran.bytes >> 10) + "k granule, " + (study.vm.s2Unit >> 20) + "m blocks",
                study.vm.pagesMapped(), study.pageLookups);
        out.printf(Locale.ROOT, "%-14s %9s %14s %14s %12s %10s %8s %12s %14s%n", "structure", "geometry", "lookups",
                "hits", "misses", "miss rate", "MPKI", "walks", "desc reads");
        for (Row row : rows(study)) {
            String geo = row.entries() == 0 ? "none" : row.ways() == row.entries() ? row.entries() + "FA"
                    : row.entries() + "x" + row.ways();
            out.printf(Locale.ROOT, "%-14s %9s %,14d %,14d %,12d %9.4f%% %8.3f %12s %14s%n", row.structure(), geo,
                    row.lookups(), row.hits(), row.misses(), 100 * row.missRate(),
                    instr == 0 ? 0.0 : row.misses() * 1000.0 / instr,
                    row.walks() < 0 ? "-" : String.format(Locale.ROOT, "%,d", row.walks()),
                    row.reads() < 0 ? "-" : String.format(Locale.ROOT, "%,d", row.reads()));
        }
        out.printf(Locale.ROOT, "walks: %,d, descriptor reads: %,d (%,d without walk caches), faults: %,d%n",
                u.walks(), u.reads(), u.readsUncached, u.faults);
        if (cfg.l2HitCycles() > 0 || cfg.descReadCycles() > 0) {
            out.printf(Locale.ROOT, "translation cycles (preset latencies): %,d (%.3f per instruction)%n", u.cycles,
                    instr == 0 ? 0.0 : u.cycles / instr);
        }
        if (u.stale.count() > 0) {
            out.printf(Locale.ROOT, "stale translations: %,d hits on entries that no longer match the tables%n",
                    u.stale.count());
            u.stale.hits().stream().limit(10).forEach(h -> out.println("  " + h));
        }
        double secs = nanos / 1e9;
        out.printf(Locale.ROOT, "time: %.2f s, %.1f M page lookups/s%n", secs,
                secs == 0 ? 0.0 : study.pageLookups / secs / 1e6);
    }

    static void writeCsv(Path file, Path trace, TlbStudy study) throws IOException {
        // an existing file is replaced (as a shell redirection would), only once the new one is whole
        try (AtomicOutput o = AtomicOutput.file(file, true, trace);
                Writer w = OutputFiles.newBufferedWriter(o.path())) {
            double instr = study.unit.instructions;
            w.write("structure,lookups,hits,misses,miss_rate,mpki,walks,descriptor_reads,entries,ways\n");
            for (Row row : rows(study)) {
                w.write(String.format(Locale.ROOT, "%s,%d,%d,%d,%.6f,%.6f,%s,%s,%d,%d\n", row.structure(),
                        row.lookups(), row.hits(), row.misses(), row.missRate(),
                        instr == 0 ? 0.0 : row.misses() * 1000.0 / instr,
                        row.walks() < 0 ? "" : Long.toString(row.walks()),
                        row.reads() < 0 ? "" : Long.toString(row.reads()), row.entries(), row.ways()));
            }
            w.close();
            o.commit();
        }
    }
}
