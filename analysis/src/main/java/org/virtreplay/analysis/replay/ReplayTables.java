package org.virtreplay.analysis.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.ExitStatsRow;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.StaleTranslationRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.metrics.WalkLengthRow;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.ExitReason;
import org.virtreplay.engine.hyp.ExitStats;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.replay.ReplayConfig;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.engine.stats.LogLinearHistogram;
import org.virtreplay.engine.tlb.MappingChangeLog;
import org.virtreplay.engine.tlb.StaleLog;
import org.virtreplay.engine.tlb.TlbGeometry;
import org.virtreplay.engine.tlb.TlbiOp;
import org.virtreplay.engine.tlb.TranslationUnit;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.MemslotRecord;
import org.virtreplay.ingest.trace.Trace;


/** The metric tables written once at the end of a replay, from the engine's counters (docs/metrics.md). */
final class ReplayTables {

    private ReplayTables() {
    }

    /**
     * {@code tlb_stats}: one row per PE × vCPU × structure × page size (the size of the entry that
     * hit, or of the translation a miss's walk found; 0 for lookups whose walk faulted). Walks and
     * their descriptor reads go on the last structure's row ({@code l2}, or the L1 of their kind
     * without an L2). Stale hits are counted per vCPU and shown on its {@code l1d} row of the page
     * size with the most hits.
     */
    static void writeTlbStats(Replayer rp, Path dir) throws IOException {
        List<TlbStatsRow> rows = new ArrayList<>();
        List<WalkLengthRow> lengths = new ArrayList<>();
        for (int p = 0; p < rp.peCount(); p++) {
            boolean hasL2 = rp.pe(p).l2 != null;
            for (int d = 0; d < rp.vmCount(); d++) {
                int vm = rp.vmId(d);
                for (int v = 0; v < rp.vcpuCount(d); v++) {
                    long stale = rp.counter(p, d, v, Replayer.C_STALE);
                    int staleSize = -1;
                    long best = -1;
                    for (int z = 0; z < Replayer.SIZES; z++) {
                        long h = rp.sizeCounter(p, d, v, z, Replayer.S_L1D_HITS);
                        if (rp.sizeCounter(p, d, v, z, Replayer.S_L1D_LOOKUPS) > 0 && h > best) {
                            best = h;
                            staleSize = z;
                        }
                    }
                    for (int z = 0; z < Replayer.SIZES; z++) {
                        long pageSize = z == 0 ? 0 : 1L << z;
                        long li = rp.sizeCounter(p, d, v, z, Replayer.S_L1I_LOOKUPS);
                        long hi = rp.sizeCounter(p, d, v, z, Replayer.S_L1I_HITS);
                        long ld = rp.sizeCounter(p, d, v, z, Replayer.S_L1D_LOOKUPS);
                        long hd = rp.sizeCounter(p, d, v, z, Replayer.S_L1D_HITS);
                        long wi = rp.sizeCounter(p, d, v, z, Replayer.S_WALKS_I);
                        long wd = rp.sizeCounter(p, d, v, z, Replayer.S_WALKS_D);
                        long[] ri = levels(rp, p, d, v, z, true);
                        long[] rd = levels(rp, p, d, v, z, false);
                        long[] none = new long[8];
                        long st = z == staleSize ? Math.min(stale, hd) : 0;
                        if (hasL2) {
                            long l2l = rp.sizeCounter(p, d, v, z, Replayer.S_L2I_LOOKUPS)
                                    + rp.sizeCounter(p, d, v, z, Replayer.S_L2D_LOOKUPS);
                            long l2h = rp.sizeCounter(p, d, v, z, Replayer.S_L2I_HITS)
                                    + rp.sizeCounter(p, d, v, z, Replayer.S_L2D_HITS);
                            long[] both = new long[8];
                            for (int i = 0; i < 8; i++) {
                                both[i] = ri[i] + rd[i];
                            }
                            addRow(rows, p, vm, v, "l1i", 1, pageSize, li, hi, 0, none, 0);
                            addRow(rows, p, vm, v, "l1d", 1, pageSize, ld, hd, 0, none, st);
                            addRow(rows, p, vm, v, "l2", 2, pageSize, l2l, l2h, wi + wd, both, 0);
                        } else {
                            addRow(rows, p, vm, v, "l1i", 1, pageSize, li, hi, wi, ri, 0);
                            addRow(rows, p, vm, v, "l1d", 1, pageSize, ld, hd, wd, rd, st);
                        }
                    }
                    for (int n = 0; n <= Replayer.WALK_LEN_MAX; n++) {
                        long c = rp.walkLengthCount(p, d, v, n);
                        if (c != 0) {
                            lengths.add(new WalkLengthRow(p, vm, v, n, c));
                        }
                    }
                }
            }
        }
        MetricTableWriter.writeAll(dir, MetricTables.TLB_STATS, rows);
        MetricTableWriter.writeAll(dir, MetricTables.WALK_LENGTHS, lengths);
    }

    private static long[] levels(Replayer rp, int p, int d, int v, int sizeLog, boolean fetch) {
        long[] a = new long[8];
        for (int s = 1; s <= 2; s++) {
            for (int l = 0; l < 4; l++) {
                a[(s - 1) * 4 + l] = rp.levelReads(p, d, v, sizeLog, fetch, s, l);
            }
        }
        return a;
    }

    private static void addRow(List<TlbStatsRow> rows, int p, int vm, int v, String name, int level, long pageSize,
            long lookups, long hits, long walks, long[] reads, long stale) {
        if (lookups == 0) {
            return;
        }
        rows.add(new TlbStatsRow(p, vm, v, name, level, pageSize, lookups, hits, lookups - hits, walks, reads[0],
                reads[1], reads[2], reads[3], reads[4], reads[5], reads[6], reads[7], stale));
    }

    static void writeFaults(Replayer rp, Path dir) throws IOException {
        List<Stage2FaultRow> rows = new ArrayList<>();
        for (int d = 0; d < rp.vmCount(); d++) {
            for (int v = 0; v < rp.vcpuCount(d); v++) {
                for (int k = 0; k < 4; k++) {
                    for (int l = -1; l <= 3; l++) {
                        for (int s = 0; s < 2; s++) {
                            for (int c = 0; c < Stage2Port.CAUSES; c++) {
                                long n = rp.s2FaultCount(d, v, k, l, s == 1, c);
                                if (n != 0) {
                                    rows.add(new Stage2FaultRow(rp.vmId(d), v, Replayer.FAULT_KIND_NAMES[k], l, s == 1,
                                            Stage2Port.CAUSE_NAMES[c], n, rp.s2FaultFirst(d, v, k, l, s == 1, c),
                                            rp.s2FaultLast(d, v, k, l, s == 1, c)));
                                }
                            }
                        }
                    }
                }
            }
        }
        MetricTableWriter.writeAll(dir, MetricTables.STAGE2_FAULTS, rows);
    }

    static void writeIrqLatency(Replayer rp, Path dir) throws IOException {
        IrqLatencyStats st = rp.irqStats();
        List<IrqLatencyRow> rows = new ArrayList<>();
        for (int d = 0; d < rp.vmCount(); d++) {
            int vm = rp.vmId(d);
            for (int v = 0; v < rp.vcpuCount(d); v++) {
                for (int c = 0; c < IrqLatencyStats.CLASSES; c++) {
                    long n = st.count(vm, v, c);
                    if (n == 0) {
                        continue;
                    }
                    LogLinearHistogram h = st.histogram(vm, v, c);
                    rows.add(new IrqLatencyRow(vm, v, IrqLatencyStats.CLASS_NAMES[c], n, h.min(), h.percentile(50),
                            h.percentile(90), h.percentile(99), h.percentile(99.9), h.max(), h.mean(),
                            st.componentMean(vm, v, c, IrqLatencyStats.C_EXIT),
                            st.componentMean(vm, v, c, IrqLatencyStats.C_INJECT),
                            st.componentMean(vm, v, c, IrqLatencyStats.C_SCHED),
                            st.componentMean(vm, v, c, IrqLatencyStats.C_LR_WAIT),
                            st.componentMean(vm, v, c, IrqLatencyStats.C_MASK)));
                }
            }
        }
        MetricTableWriter.writeAll(dir, MetricTables.IRQ_LATENCY, rows);
    }

    /**
     * {@code exit_stats}: one row per vCPU and exit reason the model took (or left unfinished). The
     * share is of the trace's time from 0 to its last event; {@code el2_ns} adds the world switch
     * (exit and entry cost) of each counted exit to the handled time.
     */
    static void writeExits(Replayer rp, Path dir) throws IOException {
        ExitStats st = rp.hypervisor().exitStats();
        CostModel cost = rp.hypervisor().costModel();
        long worldSwitch = cost.ns(cost.exitCycles()) + cost.ns(cost.entryCycles());
        long span = rp.lastTs();
        List<ExitStatsRow> rows = new ArrayList<>();
        for (int d = 0; d < rp.vmCount(); d++) {
            int vm = rp.vmId(d);
            for (int v = 0; v < rp.vcpuCount(d); v++) {
                for (int r = 0; r < ExitReason.COUNT; r++) {
                    long n = st.count(vm, v, r);
                    long open = st.unfinished(vm, v, r);
                    if (n == 0 && open == 0) {
                        continue;
                    }
                    long total = st.totalNs(vm, v, r);
                    String ecName = ExitReason.ecName(r);
                    rows.add(new ExitStatsRow(vm, v, ExitReason.type(r), ExitReason.ec(r), ecName == null ? "" : ecName,
                            ExitReason.key(r), n, total, st.minNs(vm, v, r), st.maxNs(vm, v, r),
                            n == 0 ? 0.0 : (double) total / n, st.stddevNs(vm, v, r), total + n * worldSwitch,
                            span <= 0 ? 0.0 : (double) total / span, open));
                }
            }
        }
        MetricTableWriter.writeAll(dir, MetricTables.EXIT_STATS, rows);
    }

    static void writeRunInfo(ReplayJob.Options o, Scenario sc, Trace trace, Replayer rp, Path dir, ReplayConfig cfg)
            throws IOException {
        Map<String, String> e = new TreeMap<>();
        e.put(RunInfo.TOOL_VERSION, o.toolVersion());
        ReplayJob.Provenance pv = o.provenance() != null ? o.provenance() : ReplayJob.provenance(trace.dir());
        e.put(RunInfo.INPUT, pv.input());
        e.put(RunInfo.INPUT_DIGEST, pv.digest());
        e.put(RunInfo.EVENTS_PROCESSED, Long.toString(rp.events()));
        e.put(RunInfo.WINDOW_NS, Long.toString(o.windowNs()));
        e.put(RunInfo.SCENARIO, o.scenarioName());
        sc.asMap().forEach((k, v) -> e.put(RunInfo.SCENARIO_PREFIX + k, v));
        e.put("host.vms", Integer.toString(rp.vmCount()));
        if (o.vmsPerHost() > 0) {
            e.put("host.vms_per_host", Integer.toString(o.vmsPerHost()));
        }
        e.put("host.pes", Integer.toString(cfg.peCount()));
        e.put("host.core", cfg.core().name());
        e.put("host.l1i", geom(cfg.core().l1i()));
        e.put("host.l1d", geom(cfg.core().l1d()));
        e.put("host.l2", geom(cfg.core().l2()));
        o.commandOptions().forEach((k, v) -> e.put(RunInfo.OPTION_PREFIX + k, v));
        long s1Faults = 0, notRunning = 0, readsCached = 0, pageLookups = 0;
        for (int p = 0; p < rp.peCount(); p++) {
            for (int d = 0; d < rp.vmCount(); d++) {
                for (int v = 0; v < rp.vcpuCount(d); v++) {
                    s1Faults += rp.counter(p, d, v, Replayer.C_S1_FAULTS);
                    notRunning += rp.counter(p, d, v, Replayer.C_NOT_RUNNING);
                    readsCached += rp.counter(p, d, v, Replayer.C_READS_I) + rp.counter(p, d, v, Replayer.C_READS_D);
                    pageLookups += rp.counter(p, d, v, Replayer.C_PAGE_LOOKUPS);
                }
            }
        }
        // Totals that have no table of their own (docs/metrics.md, run_info).
        e.put("replay.page_lookups", Long.toString(pageLookups));
        e.put("replay.stage1_faults", Long.toString(s1Faults));
        e.put("replay.accesses_not_running", Long.toString(notRunning));
        e.put("replay.descriptor_reads_after_walk_caches", Long.toString(readsCached));
        e.put("replay.stage2_map_rows_dropped", Long.toString(rp.stage2MapsDropped()));
        e.put("replay.stage2_map_rows_rebacked", Long.toString(rp.stage2MapsRebacked()));
        if (rp.changeLog() != null) {
            long entries = 0;
            for (int p = 0; p < rp.peCount(); p++) {
                entries += rp.pe(p).stale.entries();
            }
            e.put(RunInfo.STALE_TRANSLATIONS, Long.toString(entries));
            e.put(RunInfo.STALE_TRANSLATIONS_BEYOND_CAP, Long.toString(Math.max(0, entries - STALE_ROWS_MAX)));
        }
        rp.sysregExceptions().forEach((k, n) -> e.put("sysreg." + k, Long.toString(n)));
        for (int d = 0; d < rp.vmCount(); d++) {
            e.put(RunInfo.vmNameKey(rp.vmId(d)), rp.vmName(d));
            e.put(RunInfo.vmVcpusKey(rp.vmId(d)), Integer.toString(rp.vcpuCount(d)));
            e.put(RunInfo.vmTranslationNsKey(rp.vmId(d)), Long.toString(translationNs(rp, d, cfg)));
        }
        String name = trace.manifest().get("name");
        if (name != null && !name.isEmpty()) {
            e.put(RunInfo.INPUT_NAME, name);
        }
        // the memslots with the backing the replay used, so that a report can place each fault's IPA
        for (MemslotRecord m : trace.memslots()) {
            long backing = m.kind() == MemslotRecord.Kind.RAM && cfg.s2BackingBytes() > 0 ? cfg.s2BackingBytes()
                    : m.s2PageSize();
            e.put(RunInfo.memslotKey(m.vm(), m.slot()), RunInfo.memslotValue(m.ipa(), m.size(),
                    m.kind().name().toLowerCase(java.util.Locale.ROOT), backing));
        }
        MetricTableWriter.writeAll(dir, MetricTables.RUN_INFO, RunInfo.rows(e));
    }

    /** Rows of {@code stale_translations}: the first ones in hit time; run_info counts the rest. */
    static final int STALE_ROWS_MAX = TranslationUnit.STALE_KEPT;

    /**
     * The first stale hit of each entry, from every PE, in hit time order (then PE), the first
     * {@link #STALE_ROWS_MAX} of them; written when the detector ran. Each PE keeps its first
     * {@link TranslationUnit#STALE_KEPT}, so the merge holds the replay's first ones.
     */
    static void writeStaleTranslations(Replayer rp, Path dir, ReplayErrors errors) throws IOException {
        if (rp.changeLog() == null) {
            return;
        }
        List<StaleLog.Hit> hits = new ArrayList<>();
        for (int p = 0; p < rp.peCount(); p++) {
            hits.addAll(rp.pe(p).stale.hits());
        }
        hits.sort(Comparator.comparingLong(StaleLog.Hit::hitNs).thenComparingInt(StaleLog.Hit::pe));
        List<StaleTranslationRow> rows = new ArrayList<>();
        for (StaleLog.Hit h : hits.subList(0, Math.min(hits.size(), STALE_ROWS_MAX))) {
            String seen = "";
            if (h.tlbiOp() >= 0) {
                TlbiOp op = TlbiOp.values()[h.tlbiOp()];
                StringBuilder b = new StringBuilder(op.name());
                if (h.tlbiAsid() >= 0) {
                    b.append(" ASID ").append(h.tlbiAsid());
                }
                if (h.tlbiAddr() >= 0) {
                    b.append(op.target() == TlbiOp.Target.IPAS2 ? " IPA 0x" : " VA 0x").append(Long.toHexString(h.tlbiAddr()));
                }
                if (h.tlbiTtl() >= 0) {
                    b.append(" TTL ").append(h.tlbiTtl());
                }
                if (h.tlbiPe() >= 0) {
                    b.append(" on PE ").append(h.tlbiPe());
                }
                String src = sourceName(h.tlbiSrc(), errors);
                if (!src.isEmpty()) {
                    b.append(" (").append(src).append(')');
                }
                seen = b.toString();
            }
            rows.add(new StaleTranslationRow(h.vm(), h.vcpu(), h.pe(), h.stage(), h.va(), h.ipa(), h.asid(),
                    h.vmid(), REGIMES[h.regime()], h.fillNs(), h.changeNs() < 0 ? null : h.changeNs(),
                    sourceName(h.changeSrc(), errors), h.hitNs(), h.oldPa(), perm(h.oldPerm()),
                    h.newPa() < 0 ? null : h.newPa(), h.newPerm() < 0 ? "fault" : perm(h.newPerm()), h.missingTlbi(),
                    h.tlbiScope(), seen, h.why()));
        }
        MetricTableWriter.writeAll(dir, MetricTables.STALE_TRANSLATIONS, rows);
    }

    private static final String[] REGIMES = {"EL1&0", "EL2", "EL2&0", "EL3"};

    private static String perm(int p) {
        return ((p & 1) != 0 ? "r" : "-") + ((p & 2) != 0 ? "w" : "-") + ((p & 4) != 0 ? "x" : "-");
    }

    /** A change's or TLBI's source: the trace row ({@code FILE:LINE}, {@code FILE:row N}) or the hypervisor action. */
    static String sourceName(long src, ReplayErrors errors) {
        if (src < 0) {
            return "";
        }
        String action = MappingChangeLog.actionName(src);
        if (action != null) {
            return action;
        }
        long pos = MappingChangeLog.sourcePosition(src);
        String where = switch (MappingChangeLog.sourceKind(src)) {
            case MappingChangeLog.SRC_MAP_ROW -> errors.where(TableKind.MAP, pos);
            case MappingChangeLog.SRC_PTE_ROW -> errors.where(TableKind.PTE, pos);
            case MappingChangeLog.SRC_TLBI_ROW -> errors.where(TableKind.TLBI, pos);
            default -> "";
        };
        // The file name without its directory, as run_info's input: the tables do not depend on
        // where the trace lies (docs/metrics.md, Determinism).
        int slash = Math.max(where.lastIndexOf('/'), where.lastIndexOf(java.io.File.separatorChar));
        return where.substring(slash + 1);
    }

    /**
     * The modelled time a VM's translations took (docs/metrics.md, run_info): the core preset's
     * latencies (L1 hit, L2 hit, per descriptor read left after the walk caches) times their
     * counts over every PE and vCPU, as {@code TranslationUnit.cycles} accumulates them, at the
     * cost model's clock.
     */
    static long translationNs(Replayer rp, int d, ReplayConfig cfg) {
        long l1 = 0, l2 = 0, reads = 0;
        for (int p = 0; p < rp.peCount(); p++) {
            for (int v = 0; v < rp.vcpuCount(d); v++) {
                l1 += rp.counter(p, d, v, Replayer.C_L1I_HITS) + rp.counter(p, d, v, Replayer.C_L1D_HITS);
                l2 += rp.counter(p, d, v, Replayer.C_L2_HITS);
                reads += rp.counter(p, d, v, Replayer.C_READS_I) + rp.counter(p, d, v, Replayer.C_READS_D);
            }
        }
        long cycles = l1 * cfg.core().l1HitCycles() + l2 * cfg.core().l2HitCycles()
                + reads * cfg.core().descReadCycles();
        return cfg.cost().ns(cycles);
    }

    private static String geom(TlbGeometry g) {
        return g == null || g.entries() == 0 ? "none" : g.entries() + " entries, " + g.ways() + "-way";
    }
}
