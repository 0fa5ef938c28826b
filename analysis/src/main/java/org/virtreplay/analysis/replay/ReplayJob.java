package org.virtreplay.analysis.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.hyp.SchedPolicy;
import org.virtreplay.engine.replay.ReplayConfig;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.engine.tlb.TlbGeometry;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.Manifest;
import org.virtreplay.ingest.trace.MemslotRecord;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * {@code virtreplay replay}: replays every VM of a canonical trace on the modelled host of a
 * scenario and writes the metric tables (docs/metrics.md).
 *
 * <p>This class builds the modelled host from the scenario and the trace's VMs and memslots and
 * owns the output directory; {@link EventMerge} merges the trace's tables in time order into the
 * engine, and {@link ReplayTables} writes the tables kept as counters until the end.
 *
 * <p>All tables are written into a temporary directory beside the output, which is renamed into
 * place at the end ({@link AtomicOutput}), so a failed or killed run leaves nothing behind; the
 * wall and CPU times go to {@link RunTiming#FILE}, apart from the tables, which are the same bytes on
 * every run.
 */
public final class ReplayJob {

    /**
     * What to run.
     *
     * @param origin the user's trace when {@code trace} is the Parquet form converted from it (by
     *     {@code run} or a sweep): problems the model finds with a row then name the user's file and
     *     line, not the copy's row; null when {@code trace} is the user's own
     */
    public record Options(Path trace, Path out, Scenario scenario, String scenarioName, long windowNs,
            boolean events, boolean quiet, boolean force, String toolVersion, Map<String, String> commandOptions,
            int vmsPerHost, boolean readAhead, Provenance provenance, Path origin) {

        /** Options naming {@code provenance} in {@code run_info}; {@code trace} is the user's own. */
        public Options(Path trace, Path out, Scenario scenario, String scenarioName, long windowNs, boolean events,
                boolean quiet, boolean force, String toolVersion, Map<String, String> commandOptions,
                int vmsPerHost, boolean readAhead, Provenance provenance) {
            this(trace, out, scenario, scenarioName, windowNs, events, quiet, force, toolVersion, commandOptions,
                    vmsPerHost, readAhead, provenance, null);
        }

        /** The same options with timeline windows {@code ns} wide. */
        public Options withWindow(long ns) {
            return new Options(trace, out, scenario, scenarioName, ns, events, quiet, force, toolVersion,
                    commandOptions, vmsPerHost, readAhead, provenance, origin);
        }

        /** The same options naming {@code pv} in {@code run_info}. */
        public Options withProvenance(Provenance pv) {
            return new Options(trace, out, scenario, scenarioName, windowNs, events, quiet, force, toolVersion,
                    commandOptions, vmsPerHost, readAhead, pv, origin);
        }

        /** The same options, replaying {@code trace}, a Parquet copy of the user's trace {@code origin}. */
        public Options withOrigin(Path origin) {
            return new Options(trace, out, scenario, scenarioName, windowNs, events, quiet, force, toolVersion,
                    commandOptions, vmsPerHost, readAhead, provenance, origin);
        }

        /**
         * Options with the trace's own name and digest in {@code run_info}; {@code readAhead} as
         * given.
         */
        public Options(Path trace, Path out, Scenario scenario, String scenarioName, long windowNs, boolean events,
                boolean quiet, boolean force, String toolVersion, Map<String, String> commandOptions,
                int vmsPerHost, boolean readAhead) {
            this(trace, out, scenario, scenarioName, windowNs, events, quiet, force, toolVersion, commandOptions,
                    vmsPerHost, readAhead, null);
        }

        /**
         * Options with the {@code mem} table read ahead on a second thread ({@code readAhead}), which
         * is what a single replay wants; a sweep running one replay per core turns it off.
         */
        public Options(Path trace, Path out, Scenario scenario, String scenarioName, long windowNs, boolean events,
                boolean quiet, boolean force, String toolVersion, Map<String, String> commandOptions,
                int vmsPerHost) {
            this(trace, out, scenario, scenarioName, windowNs, events, quiet, force, toolVersion, commandOptions,
                    vmsPerHost, true);
        }

        /** The same options without VM replication (the trace's VMs as they are). */
        public Options(Path trace, Path out, Scenario scenario, String scenarioName, long windowNs, boolean events,
                boolean quiet, boolean force, String toolVersion, Map<String, String> commandOptions) {
            this(trace, out, scenario, scenarioName, windowNs, events, quiet, force, toolVersion, commandOptions, 0);
        }
    }

    /**
     * What {@code run_info} names as the input, when the replay reads a copy of it (a sweep's
     * one-time Parquet conversion of a CSV trace): the user's trace directory name and its
     * {@link #digest}.
     */
    public record Provenance(String input, String digest) {
    }

    /** What happened. */
    public record Result(Path out, long events, long accesses, long wallNs) {
    }


    private ReplayJob() {
    }

    /** Builds the modelled host from a scenario and the trace's PE count. */
    public static ReplayConfig config(Scenario sc, int tracePes) {
        int pes = sc.getInt(Scenario.Key.PES);
        if (pes == 0) {
            pes = tracePes;
        }
        CorePreset core = CorePreset.byName(sc.get(Scenario.Key.CORE));
        core = override(core, sc);
        String repl = sc.get(Scenario.Key.TLB_REPLACEMENT);
        Replacement r = repl.isEmpty() ? Replacement.LRU : Replacement.valueOf(repl.toUpperCase(Locale.ROOT));
        SchedPolicy policy = SchedPolicy.valueOf(sc.get(Scenario.Key.SCHED_POLICY).toUpperCase(Locale.ROOT));
        HypConfig hyp = HypConfig.defaults(pes)
                .withPolicy(policy)
                .withListRegisters(sc.getInt(Scenario.Key.GIC_LIST_REGISTERS))
                .withGicV41(sc.getBool(Scenario.Key.GIC_V4))
                .withQuantumNs(sc.getLong(Scenario.Key.SCHED_QUANTUM_US) * 1000L);
        CostModel cost = costModel(sc);
        String backing = sc.get(Scenario.Key.S2_BACKING);
        long s2 = backing.equals("trace") ? 0 : Scenario.pageSize(backing);
        return new ReplayConfig(pes, core, r, sc.getLong(Scenario.Key.SEED), hyp, cost, s2,
                Scenario.staleCheckEvery(sc.get(Scenario.Key.TLB_STALE_CHECK)));
    }

    /** The cost model of a scenario: every {@code cost.*} key, by its name in {@link CostModel#NAMES}. */
    public static CostModel costModel(Scenario sc) {
        CostModel cost = CostModel.defaults();
        for (String name : CostModel.NAMES) {
            cost = cost.with(name, sc.getLong(Scenario.key("cost." + name)));
        }
        return cost;
    }

    private static CorePreset override(CorePreset core, Scenario sc) {
        core = core.withL1i(geometry(core.l1i(), sc, Scenario.Key.TLB_L1I_ENTRIES, Scenario.Key.TLB_L1I_ASSOC, "l1i"));
        core = core.withL1d(geometry(core.l1d(), sc, Scenario.Key.TLB_L1D_ENTRIES, Scenario.Key.TLB_L1D_ASSOC, "l1d"));
        int l2e = sc.getInt(Scenario.Key.TLB_L2_ENTRIES, -1);
        if (l2e == 0) {
            // A zero-entry geometry, not null: TranslationUnit builds every structure from the
            // preset, and a zero-entry one builds to "absent".
            core = core.withL2(new TlbGeometry(0, 0, TlbGeometry.ANY_SIZE));
        } else {
            core = core.withL2(geometry(core.l2(), sc, Scenario.Key.TLB_L2_ENTRIES, Scenario.Key.TLB_L2_ASSOC, "l2"));
        }
        return core;
    }

    private static TlbGeometry geometry(TlbGeometry g, Scenario sc, Scenario.Key entriesKey, Scenario.Key assocKey,
            String name) {
        int entries = sc.getInt(entriesKey, g == null ? -1 : g.entries());
        int ways = sc.getInt(assocKey, -1);
        if (entries < 0) {
            return g;
        }
        boolean presetEntries = sc.get(entriesKey).isEmpty();
        if (ways < 0) {
            ways = g != null && g.entries() == entries ? g.ways() : entries;
        }
        if (entries == 0) {
            // only the L2 may be absent (tlb.l2.entries = 0 is handled before)
            throw new BadInputException(sc.place(entriesKey) + ": key '" + entriesKey.keyName()
                    + "': expected at least 1 entry (only the L2 TLB may be left out with 0), got '0'");
        }
        if (ways <= 0 || entries % ways != 0) {
            // Name the lines of the keys involved, and which values came from the core preset.
            throw new BadInputException(sc.place(entriesKey, assocKey) + ": tlb." + name + ": " + ways + " ways ("
                    + describe(sc, assocKey) + ") do not divide " + entries + " entries ("
                    + (presetEntries ? "the " + sc.get(Scenario.Key.CORE) + " preset's" : describe(sc, entriesKey))
                    + "); choose ways that divide the entries (equal to them: fully associative)");
        }
        return new TlbGeometry(entries, ways, g == null ? TlbGeometry.ANY_SIZE : g.sizeMask());
    }

    /** {@code tlb.l1d.assoc} or {@code tlb.l1d.assoc from --set tlb.l1d.assoc=5}: a key and, off the file, its origin. */
    private static String describe(Scenario sc, Scenario.Key k) {
        String o = sc.origin(k);
        return o != null && o.startsWith("--") ? k.keyName() + " from " + o : k.keyName();
    }

    /** Runs the replay and writes the tables; {@code s2} is the hypervisor's stage-2 side. */
    public static Result run(Options o, Stage2Port.Factory s2) throws IOException {
        return run(o, s2, null);
    }

    /**
     * {@link #run(Options, Stage2Port.Factory)}, telling {@code observer} (if not null) every modelled
     * exit, acknowledge and {@code irq} row; it cannot watch replicated VMs ({@code vmsPerHost}).
     */
    public static Result run(Options o, Stage2Port.Factory s2, ReplayObserver observer) throws IOException {
        return run(o, s2, observer, null);
    }

    /**
     * {@link #run(Options, Stage2Port.Factory, ReplayObserver)} reading the {@code mem} rows from
     * {@code sharedMem}, a stream of the same trace's table decoded once for several replays (a
     * sweep's points), instead of decoding the table itself; null decodes it as usual. The cursor
     * is closed when the replay ends, however it ends.
     */
    public static Result run(Options o, Stage2Port.Factory s2, ReplayObserver observer, SharedMem.Cursor sharedMem)
            throws IOException {
        try {
            return runReplay(o, s2, observer, sharedMem);
        } finally {
            if (sharedMem != null) {
                sharedMem.close(); // a replay that failed before reading must not hold the others up
            }
        }
    }

    private static Result runReplay(Options o, Stage2Port.Factory s2, ReplayObserver observer,
            SharedMem.Cursor sharedMem) throws IOException {
        if (observer != null && o.vmsPerHost() > 0) {
            throw new IllegalArgumentException("observations of replicated VMs are not supported");
        }
        long t0 = System.nanoTime();
        long cpu0 = DecodeCpu.threadCpuNs();
        AtomicOutput.check(o.out(), o.force(), o.trace());
        Trace trace = Trace.open(o.trace());
        TraceDigest digest = o.provenance() == null ? TraceDigest.start(trace.dir()) : null;
        if (o.windowNs() < 0) {
            // The default width, which nobody chose: widened along 1, 2, 5 … for a trace whose span
            // needs more than DEFAULT_MAX_WINDOWS of it (known from Parquet footers), not refused.
            long[] span = TimelineWindows.spanFromFooters(trace);
            o = o.withWindow(span == null ? -o.windowNs()
                    : TimelineWindows.fit(span[0], span[1], -o.windowNs(), TimelineWindows.DEFAULT_MAX_WINDOWS));
        }
        TimelineWindows.checkBeforeReplay(trace, o.windowNs());
        Scenario sc = o.scenario();
        if (o.vmsPerHost() > 0 && sc.get(Scenario.Key.SCHED_POLICY).equals("trace")) {
            // The recorded schedule places the recorded VMs only; replicas need the modelled scheduler.
            sc = sc.with(Scenario.Key.SCHED_POLICY, "fair");
        }
        ReplayConfig cfg = config(sc, trace.manifest().peCount());
        checkScheduleFits(sc, trace);
        long[] pool = trace.manifest().pool(Manifest.S2_POOL); // validated when the trace was opened
        if (pool != null) {
            cfg = cfg.withS2Pool(pool[0], pool[1]);
        }
        ReplayErrors errors = new ReplayErrors(trace, o.origin());
        Replayer rp = new Replayer(cfg, s2);
        Instances inst = Instances.of(trace.vms(), o.vmsPerHost());
        List<VmRecord> vms = trace.vms();
        for (int i = 0; i < inst.count(); i++) {
            VmRecord v = inst.source(i);
            boolean replica = inst.replica(i) > 0;
            try {
                rp.addVm(inst.id(i), replica ? v.name() + "#" + inst.replica(i) : v.name(), v.vcpus(), v.ipaBits(),
                        replica ? -1 : v.vmid());
            } catch (BadInputException e) {
                throw errors.at(e, TableKind.VMS, trace.smallTablePosition(TableKind.VMS, vms.indexOf(v)), v.vm());
            }
        }
        List<MemslotRecord> memslots = trace.memslots();
        for (int j = 0; j < memslots.size(); j++) {
            MemslotRecord m = memslots.get(j);
            int kind = switch (m.kind()) {
                case RAM -> Stage2Port.MEMSLOT_RAM;
                case MMIO -> Stage2Port.MEMSLOT_MMIO;
                case DEVICE -> Stage2Port.MEMSLOT_DEVICE;
            };
            for (int id : inst.of(m.vm())) {
                // A replica gets a fresh host address space for its RAM (the host allocates it).
                long pa = m.pa() == null || (id != m.vm() && kind == Stage2Port.MEMSLOT_RAM) ? -1 : m.pa();
                try {
                    rp.addMemslot(id, m.slot(), m.ipa(), m.size(), kind, pa,
                            m.s2PageSize() == 0 ? 4096 : m.s2PageSize());
                } catch (BadInputException e) {
                    throw errors.at(e, TableKind.MEMSLOTS, trace.smallTablePosition(TableKind.MEMSLOTS, j), m.vm());
                }
            }
        }
        rp.start();
        for (int i = 0; i < inst.count(); i++) {
            if (inst.replica(i) > 0) {
                rp.setReplica(inst.id(i));
            }
        }
        for (VmRecord v : vms) {
            long[] s1pool = trace.manifest().pool(Manifest.s1PoolKey(v.vm())); // validated at open
            if (s1pool != null) {
                for (int id : inst.of(v.vm())) {
                    rp.setS1TablePool(id, s1pool[0], s1pool[1]);
                }
            }
        }

        try (AtomicOutput out = AtomicOutput.directory(o.out(), o.force(), o.trace())) {
            Path tmp = out.path();
            if (observer != null) {
                rp.hypervisor().setExitSink(observer);
                observer.start(rp);
            }
            DecodeCpu decode = new DecodeCpu();
            long accesses = EventMerge.replay(trace, rp, o, tmp, inst, errors, observer, sharedMem, decode);
            if (observer != null) {
                observer.finish();
            }
            ReplayTables.writeTlbStats(rp, tmp);
            ReplayTables.writeFaults(rp, tmp);
            ReplayTables.writeIrqLatency(rp, tmp);
            ReplayTables.writeExits(rp, tmp);
            ReplayTables.writeStaleTranslations(rp, tmp, errors);
            ReplayTables.writeRunInfo(digest != null ? o.withProvenance(digest.join()) : o, sc, trace, rp, tmp, cfg);
            long wall = System.nanoTime() - t0;
            // The model's CPU is this thread's, less the decoding it did in line (none when read ahead).
            long modelCpu = DecodeCpu.SUPPORTED ? DecodeCpu.threadCpuNs() - cpu0 - decode.onOwnerNs() : -1;
            new RunTiming(wall, rp.events(), modelCpu, sharedMem != null ? 0 : decode.totalNs(),
                    decode.decoderThreadNs(), decode.rows()).write(tmp);
            out.commit();
            return new Result(out.target(), rp.events(), accesses, wall);
        }
    }

    /**
     * The recorded schedule ({@code sched.policy = trace}) places vCPUs on the trace's PEs; a host
     * with fewer cannot replay it (a vCPU on a PE the host lacks), and mapping two recorded PEs
     * onto one would run two vCPUs on one PE at once. So refuse, saying what would work; a sweep
     * point that changes {@code pes} runs the fair scheduler instead (docs/sweep.md). The commands
     * call this before they ingest or write anything; {@link #run} checks again.
     */
    public static void checkScheduleFits(Scenario sc, Trace trace) {
        int tracePes = trace.manifest().peCount();
        int pes = sc.getInt(Scenario.Key.PES) == 0 ? tracePes : sc.getInt(Scenario.Key.PES);
        if (pes < tracePes && sc.get(Scenario.Key.SCHED_POLICY).equals("trace") && trace.has(TableKind.SCHED)) {
            throw new BadInputException(String.format(Locale.ROOT, "scenario key 'pes': %d is fewer than the trace's "
                    + "%d PEs (pe_count in %s), on which sched.policy = trace replays its schedule; set pes to 0 or "
                    + "at least %d, or sched.policy to fair or pinned", pes, tracePes,
                    trace.dir().resolve("manifest.csv"), tracePes));
        }
    }

    /** sha256 over the trace's files in name order (name, length, bytes), so renaming a file changes it too. */
    /** The name and digest {@code run_info} records for the trace in {@code traceDir}. */
    public static Provenance provenance(Path traceDir) {
        return new Provenance(traceDir.toAbsolutePath().normalize().getFileName().toString(), digest(traceDir));
    }

    /** SHA-256 over the trace directory's files (name, NUL, bytes), in name order. */
    static String digest(Path traceDir) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> s = Files.list(traceDir)) {
                files = s.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                        .toList();
            }
            byte[] buf = new byte[1 << 16];
            for (Path f : files) {
                md.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                try (InputStream in = Files.newInputStream(f)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
