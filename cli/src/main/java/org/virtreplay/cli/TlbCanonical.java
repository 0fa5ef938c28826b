package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.ReplayConfig;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.engine.tlb.TlbGeometry;
import org.virtreplay.ingest.io.OutputFiles;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.Trace;

/**
 * {@code virtreplay tlb} on a canonical trace: every VM through the modelled host's TLBs (the full
 * replay, whose TLB model is the one {@code replay} writes into {@code tlb_stats}), then one row
 * per VM and structure, summed over PEs, vCPUs and page sizes. The replay's tables go to a
 * temporary directory that is deleted afterwards: only the table (and {@code --stats-csv}) remain.
 */
final class TlbCanonical {
    private TlbCanonical() {
    }

    /** Counters of one VM's structure. */
    private static final class Sum {
        long lookups;
        long hits;
        long misses;
        long walks;
        long reads;
        long stale;
    }

    static void run(Path trace, Scenario sc, Map<String, String> options, boolean quiet, PrintWriter out,
            Path statsCsv) throws IOException {
        Trace t = Trace.open(trace);
        ReplayConfig cfg = ReplayJob.config(sc, t.manifest().peCount());
        ReplayJob.checkScheduleFits(sc, t);
        Path tmp = Files.createTempDirectory("virtreplay-tlb-");
        try {
            Path metrics = tmp.resolve("metrics");
            ReplayJob.Result r = ReplayJob.run(new ReplayJob.Options(trace, metrics, sc, "tlb", -1_000_000L, false,
                    quiet, false, VirtReplay.version(), options), Stage2Ports.kvm());
            Map<Integer, Map<String, Sum>> byVm = new TreeMap<>();
            MetricTableReader.forEach(metrics.resolve(MetricTables.TLB_STATS.fileName()), MetricTables.TLB_STATS,
                    (TlbStatsRow row) -> {
                        Sum s = byVm.computeIfAbsent(row.vm(), k -> new TreeMap<>(TlbCanonical::byLevel))
                                .computeIfAbsent(row.structure(), k -> new Sum());
                        s.lookups += row.lookups();
                        s.hits += row.hits();
                        s.misses += row.misses();
                        s.walks += row.walks();
                        s.reads += row.descriptorReads();
                        s.stale += row.staleHits();
                    });
            out.printf(Locale.ROOT, "trace %s: %,d VMs, %,d events (%,d memory accesses) replayed on %s (%d PEs)%n",
                    trace, t.vms().size(), r.events(), r.accesses(), sc.get(Scenario.Key.CORE), cfg.peCount());
            out.printf(Locale.ROOT, "model: L1I %s, L1D %s, L2 %s, %s replacement, stage-2 backing %s%n",
                    geometry(cfg.core().l1i()), geometry(cfg.core().l1d()), geometry(cfg.core().l2()),
                    cfg.replacement().name().toLowerCase(Locale.ROOT), sc.get(Scenario.Key.S2_BACKING));
            out.printf(Locale.ROOT, "%-4s %-9s %14s %14s %12s %10s %12s %14s%n", "vm", "structure", "lookups", "hits",
                    "misses", "miss rate", "walks", "desc reads");
            long stale = 0;
            for (Map.Entry<Integer, Map<String, Sum>> vm : byVm.entrySet()) {
                for (Map.Entry<String, Sum> e : vm.getValue().entrySet()) {
                    Sum s = e.getValue();
                    stale += s.stale;
                    out.printf(Locale.ROOT, "%-4d %-9s %,14d %,14d %,12d %9.4f%% %,12d %,14d%n", vm.getKey(), e.getKey(),
                            s.lookups, s.hits, s.misses, s.lookups == 0 ? 0.0 : 100.0 * s.misses / s.lookups, s.walks,
                            s.reads);
                }
            }
            if (stale > 0) {
                out.printf(Locale.ROOT, "stale translations: %,d hits on entries that no longer match the tables%n",
                        stale);
            }
            out.printf(Locale.ROOT, "time: %.2f s%n", r.wallNs() / 1e9);
            if (statsCsv != null) {
                writeCsv(statsCsv, trace, byVm);
            }
        } finally {
            AtomicOutput.deleteTree(tmp);
        }
    }

    /** l1i, l1d, then l2 (and anything else by name). */
    private static int byLevel(String a, String b) {
        List<String> order = List.of("l1i", "l1d", "l2");
        int ia = order.indexOf(a);
        int ib = order.indexOf(b);
        if (ia < 0 || ib < 0) {
            return ia < 0 && ib < 0 ? a.compareTo(b) : ia < 0 ? 1 : -1;
        }
        return Integer.compare(ia, ib);
    }

    private static String geometry(TlbGeometry g) {
        if (g == null || g.entries() == 0) {
            return "none";
        }
        return g.ways() == g.entries() ? g.entries() + " entries, fully associative"
                : g.entries() + " entries, " + g.ways() + "-way";
    }

    private static void writeCsv(Path file, Path trace, Map<Integer, Map<String, Sum>> byVm) throws IOException {
        try (AtomicOutput o = AtomicOutput.file(file, true, trace);
                Writer w = OutputFiles.newBufferedWriter(o.path())) {
            w.write("vm,structure,lookups,hits,misses,miss_rate,walks,descriptor_reads,stale_hits\n");
            for (Map.Entry<Integer, Map<String, Sum>> vm : byVm.entrySet()) {
                for (Map.Entry<String, Sum> e : vm.getValue().entrySet()) {
                    Sum s = e.getValue();
                    w.write(String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%.6f,%d,%d,%d\n", vm.getKey(), e.getKey(),
                            s.lookups, s.hits, s.misses, s.lookups == 0 ? 0.0 : (double) s.misses / s.lookups, s.walks,
                            s.reads, s.stale));
                }
            }
            w.close();
            o.commit();
        }
    }
}
