package org.virtreplay.analysis.replay;

import org.virtreplay.ingest.convert.TraceConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.virtreplay.analysis.metrics.FaultEventRow;
import org.virtreplay.analysis.metrics.IrqEventRow;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TimelineRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.metrics.WalkLengthRow;
import org.virtreplay.analysis.progress.ProgressMeter;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.hyp.SchedPolicy;
import org.virtreplay.engine.replay.ReplayConfig;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.engine.stats.LogLinearHistogram;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.engine.tlb.TlbGeometry;
import org.virtreplay.ingest.trace.DaifRecord;
import org.virtreplay.ingest.trace.IrqRecord;
import org.virtreplay.ingest.trace.MapRecord;
import org.virtreplay.ingest.trace.MemslotRecord;
import org.virtreplay.ingest.trace.PteRecord;
import org.virtreplay.ingest.trace.RecordReader;
import org.virtreplay.ingest.trace.SchedRecord;
import org.virtreplay.ingest.trace.SysregRecord;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.TlbiRecord;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * {@code virtreplay replay}: replays every VM of a canonical trace on the modelled host of a
 * scenario and writes the metric tables (docs/metrics.md).
 *
 * <p>The trace's tables are merged into one stream in timestamp order; at equal timestamps,
 * scheduling comes first, then register writes, descriptor writes and mappings, TLB maintenance,
 * masking, interrupts and last memory accesses, so that a configuration change at time t applies
 * to the accesses at t (docs/trace-format.md, "Order of events"). Within a table, rows keep file order (which validation guarantees is
 * time order per vCPU). Memory use does not depend on the trace's length: every table streams,
 * and the per-event tables ({@code fault_events}, {@code irq_events}, {@code timeline}) are
 * written as they are produced.
 *
 * <p>All tables are written into a temporary directory beside the output, which is renamed into
 * place at the end, so a failed run leaves nothing behind.
 */
public final class ReplayJob {

    /** What to run. */
    public record Options(Path trace, Path out, Scenario scenario, String scenarioName, long windowNs,
            boolean events, boolean quiet, boolean force, String toolVersion, Map<String, String> commandOptions,
            int vmsPerHost, boolean readAhead, Provenance provenance) {

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

    private static final int K_SCHED = 0, K_SYSREG = 1, K_PTE = 2, K_MAP = 3, K_TLBI = 4, K_DAIF = 5, K_IRQ = 6,
            K_MEM = 7;

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
        CostModel cost = CostModel.defaults().withClockMhz(sc.getInt(Scenario.Key.CLOCK_MHZ));
        String backing = sc.get(Scenario.Key.S2_BACKING);
        long s2 = backing.equals("trace") ? 0 : Scenario.pageSize(backing);
        return new ReplayConfig(pes, core, r, sc.getLong(Scenario.Key.SEED), hyp, cost, s2, 0);
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
        if (ways < 0) {
            ways = g != null && g.entries() == entries ? g.ways() : entries;
        }
        if (ways <= 0 || entries % ways != 0) {
            throw new BadInputException("scenario: tlb." + name + ": " + ways + " ways do not divide " + entries
                    + " entries");
        }
        return new TlbGeometry(entries, ways, g == null ? TlbGeometry.ANY_SIZE : g.sizeMask());
    }

    /** Runs the replay and writes the tables; {@code s2} is the hypervisor's stage-2 side. */
    public static Result run(Options o, Stage2Port.Factory s2) throws IOException {
        long t0 = System.nanoTime();
        Path out = o.out().toAbsolutePath().normalize();
        if (Files.exists(out) && !o.force()) {
            throw new BadInputException(out + ": already exists; use --force to replace it");
        }
        Trace trace = Trace.open(o.trace());
        Scenario sc = o.scenario();
        if (o.vmsPerHost() > 0 && sc.get(Scenario.Key.SCHED_POLICY).equals("trace")) {
            // The recorded schedule places the recorded VMs only; replicas need the modelled scheduler.
            sc = sc.with(Scenario.Key.SCHED_POLICY, "fair");
        }
        ReplayConfig cfg = config(sc, trace.manifest().peCount());
        String pool = trace.manifest().get("host.s2_table_pool");
        if (pool != null) {
            long[] ps = parsePool(pool, "host.s2_table_pool", trace.dir());
            cfg = cfg.withS2Pool(ps[0], ps[1]);
        }
        Replayer rp = new Replayer(cfg, s2);
        Instances inst = Instances.of(trace.vms(), o.vmsPerHost());
        for (int i = 0; i < inst.count(); i++) {
            VmRecord v = inst.source(i);
            boolean replica = inst.replica(i) > 0;
            rp.addVm(inst.id(i), replica ? v.name() + "#" + inst.replica(i) : v.name(), v.vcpus(), v.ipaBits(),
                    replica ? -1 : v.vmid());
        }
        for (MemslotRecord m : trace.memslots()) {
            int kind = switch (m.kind()) {
                case RAM -> Stage2Port.MEMSLOT_RAM;
                case MMIO -> Stage2Port.MEMSLOT_MMIO;
                case DEVICE -> Stage2Port.MEMSLOT_DEVICE;
            };
            for (int id : inst.of(m.vm())) {
                // A replica gets a fresh host address space for its RAM (the host allocates it).
                long pa = m.pa() == null || (id != m.vm() && kind == Stage2Port.MEMSLOT_RAM) ? -1 : m.pa();
                rp.addMemslot(id, m.slot(), m.ipa(), m.size(), kind, pa, m.s2PageSize() == 0 ? 4096 : m.s2PageSize());
            }
        }
        rp.start();
        for (int i = 0; i < inst.count(); i++) {
            if (inst.replica(i) > 0) {
                rp.setReplica(inst.id(i));
            }
        }
        for (VmRecord v : trace.vms()) {
            String s1pool = trace.manifest().get("vm." + v.vm() + ".s1_table_pool");
            if (s1pool != null) {
                long[] ps = parsePool(s1pool, "vm." + v.vm() + ".s1_table_pool", trace.dir());
                for (int id : inst.of(v.vm())) {
                    rp.setS1TablePool(id, ps[0], ps[1]);
                }
            }
        }

        Path parent = out.getParent() == null ? Path.of(".") : out.getParent();
        Files.createDirectories(parent);
        // A plain directory (umask permissions, unlike createTempDirectory's 0700), unique per process and time.
        Path tmp = parent.resolve("." + out.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(tmp);
        boolean done = false;
        try {
            long accesses = replayInto(trace, rp, o, tmp, inst);
            writeRunInfo(o, sc, trace, rp, tmp, cfg);
            long wall = System.nanoTime() - t0;
            new RunTiming(wall, rp.events()).write(tmp);
            if (Files.exists(out)) {
                TraceConverter.deleteTree(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return new Result(out, rp.events(), accesses, wall);
        } finally {
            if (!done) {
                TraceConverter.deleteTree(tmp);
            }
        }
    }

    private static long[] parsePool(String v, String key, Path dir) {
        String[] parts = v.split(",");
        try {
            if (parts.length == 2) {
                String a = parts[0].strip().replace("_", "");
                String b = parts[1].strip().replace("_", "");
                long base = a.startsWith("0x") ? Long.parseUnsignedLong(a.substring(2), 16) : Long.parseLong(a);
                long size = b.startsWith("0x") ? Long.parseUnsignedLong(b.substring(2), 16) : Long.parseLong(b);
                return new long[] {base, size};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException(dir.resolve("manifest.csv") + ": key '" + key
                + "': expected '0xIPA,SIZE', got '" + v + "'");
    }

    private static long replayInto(Trace trace, Replayer rp, Options o, Path dir, Instances inst) throws IOException {
        final long window = o.windowNs();
        final int nvm = rp.vmCount();
        final LogLinearHistogram[] winIrq = new LogLinearHistogram[nvm];
        final long[] winAcked = new long[nvm];
        for (int i = 0; i < nvm; i++) {
            winIrq[i] = new LogLinearHistogram();
        }
        Map<Integer, Integer> denseOf = new TreeMap<>();
        for (int i = 0; i < nvm; i++) {
            denseOf.put(rp.vmId(i), i);
        }
        int[] dense = new int[denseOf.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
        denseOf.forEach((id, d) -> dense[id] = d);

        MetricTableWriter<FaultEventRow> faultW = o.events() ? MetricTableWriter.open(dir, MetricTables.FAULT_EVENTS) : null;
        MetricTableWriter<IrqEventRow> irqW = o.events() ? MetricTableWriter.open(dir, MetricTables.IRQ_EVENTS) : null;
        MetricTableWriter<TimelineRow> timeW = MetricTableWriter.open(dir, MetricTables.TIMELINE);
        IOException[] ioFail = new IOException[1];
        if (faultW != null) {
            rp.setFaultSink((ts, pe, vm, vcpu, kind, level, s1ptw, cause, va, ipa, esr) -> {
                try {
                    faultW.write(new FaultEventRow(ts, pe, vm, vcpu, Replayer.FAULT_KIND_NAMES[kind], level, s1ptw,
                            Stage2Port.CAUSE_NAMES[cause], va, ipa, esr));
                } catch (IOException e) {
                    ioFail[0] = e;
                }
            });
        }
        rp.setIrqEventSink((assertTs, ackTs, intid, vm, vcpu, cls, exitNs, injectNs, schedNs, lrNs, maskNs, obs) -> {
            winIrq[dense[vm]].record(ackTs - assertTs);
            winAcked[dense[vm]]++;
            if (irqW != null) {
                try {
                    irqW.write(new IrqEventRow(assertTs, vm, vcpu, IrqLatencyStats.CLASS_NAMES[cls], intid,
                            ackTs - assertTs, exitNs, injectNs, schedNs, lrNs, maskNs));
                } catch (IOException e) {
                    ioFail[0] = e;
                }
            }
        });

        long total = estimateEvents(trace);
        ProgressMeter progress = ProgressMeter.forStderr("replay", total, o.quiet());

        EventHeads heads = new EventHeads(trace);
        PrefetchedMem mem = new PrefetchedMem(trace.memBatches(), o.readAhead());
        MemRun memRun = new MemRun(mem, inst, rp, progress);
        try {
            boolean memHas = mem.next();
            long[] winLookups = new long[nvm];
            long[] winMisses = new long[nvm];
            long[] winFaults = new long[nvm];
            long windowStart = Long.MIN_VALUE;
            long windowEnd = Long.MIN_VALUE;
            while (true) {
                // The earliest non-memory event; ties go to the lower kind.
                int best = heads.earliest();
                long bestTs = best < 0 ? Long.MAX_VALUE : heads.ts[best];
                if (best < 0 && !memHas) {
                    break;
                }
                long nextTs = memHas && mem.ts() < bestTs ? mem.ts() : bestTs;
                if (windowEnd == Long.MIN_VALUE) {
                    windowStart = Math.floorDiv(nextTs, window) * window;
                    windowEnd = windowStart + window;
                }
                while (nextTs >= windowEnd) {
                    emitWindow(rp, timeW, windowStart, windowEnd, winLookups, winMisses, winFaults, winAcked, winIrq);
                    windowStart = windowEnd;
                    windowEnd += window;
                }
                if (memHas && mem.ts() < bestTs) {
                    // Memory accesses dominate: run them in a tight loop until another event or the window ends.
                    memHas = memRun.run(Math.min(bestTs, windowEnd));
                    if (ioFail[0] != null) {
                        throw ioFail[0];
                    }
                    continue;
                }
                heads.apply(best, rp, inst);
                memRun.processed++;
            }
            rp.finish(DRAIN_NS);
            if (windowEnd != Long.MIN_VALUE) {
                // Interrupts acknowledged during the drain belong to the last window(s).
                long last = Math.max(rp.lastTs(), windowStart);
                while (last >= windowEnd) {
                    emitWindow(rp, timeW, windowStart, windowEnd, winLookups, winMisses, winFaults, winAcked, winIrq);
                    windowStart = windowEnd;
                    windowEnd += window;
                }
                emitWindow(rp, timeW, windowStart, windowEnd, winLookups, winMisses, winFaults, winAcked, winIrq);
            }
            progress.finish(memRun.processed);
            if (ioFail[0] != null) {
                throw ioFail[0];
            }
        } finally {
            mem.close();
            heads.close();
        }
        timeW.close();
        if (faultW != null) {
            faultW.close();
        }
        if (irqW != null) {
            irqW.close();
        }
        writeTlbStats(rp, dir);
        writeFaults(rp, dir);
        writeIrqLatency(rp, dir);
        return memRun.accesses;
    }

    /** How long after the last event in-flight interrupts may still complete (ns). */
    static final long DRAIN_NS = 100_000_000L;

    /**
     * The number of events to replay, for the progress bar's percent and ETA: the row counts in
     * the Parquet footers of the event tables (cheap to read). A CSV table has no count without
     * reading it, so with any CSV event table the total is unknown (0) and the bar shows the rate.
     */
    private static long estimateEvents(Trace trace) {
        long total = 0;
        for (TableKind k : new TableKind[] {TableKind.SYSREG, TableKind.PTE, TableKind.MAP, TableKind.MEM,
            TableKind.TLBI, TableKind.IRQ, TableKind.SCHED, TableKind.DAIF}) {
            if (!trace.has(k)) {
                continue;
            }
            if (!trace.isParquet(k)) {
                return 0;
            }
            try {
                total += org.virtreplay.analysis.metrics.MetricTableReader.info(trace.file(k)).rows();
            } catch (BadInputException e) {
                return 0; // the table's own reader reports the problem
            }
        }
        return total;
    }

    private static long tsOf(Object r) {
        if (r == null) {
            return Long.MAX_VALUE;
        }
        if (r instanceof SysregRecord x) {
            return x.ts();
        } else if (r instanceof PteRecord x) {
            return x.ts();
        } else if (r instanceof MapRecord x) {
            return x.ts();
        } else if (r instanceof TlbiRecord x) {
            return x.ts();
        } else if (r instanceof SchedRecord x) {
            return x.ts();
        } else if (r instanceof DaifRecord x) {
            return x.ts();
        } else if (r instanceof IrqRecord x) {
            return x.ts();
        }
        throw new AssertionError(r);
    }

    /**
     * The next record of each non-memory table, in time order. Applying one (the model's handler,
     * then the table's next row) is a method of its own, like {@link MemRun}: the JIT then compiles it
     * apart from the merge loop, and a rarely taken branch in a table reader (the end of a row group)
     * costs a recompilation of this method, not of the whole merge.
     */
    private static final class EventHeads {
        /** The table readers, by kind. */
        private final RecordReader<?>[] readers = new RecordReader<?>[K_MEM];
        private final Object[] head = new Object[K_MEM];
        /** Time of each head; {@link Long#MAX_VALUE} when the table is done. */
        final long[] ts = new long[K_MEM];

        EventHeads(Trace trace) {
            readers[K_SYSREG] = trace.sysregs();
            readers[K_PTE] = trace.ptes();
            readers[K_MAP] = trace.maps();
            readers[K_TLBI] = trace.tlbis();
            readers[K_SCHED] = trace.scheds();
            readers[K_DAIF] = trace.daifs();
            readers[K_IRQ] = trace.irqs();
            // First records in the tables' file order (the order their problems are reported in).
            for (int k : new int[] {K_SYSREG, K_PTE, K_MAP, K_TLBI, K_SCHED, K_DAIF, K_IRQ}) {
                head[k] = advance(k);
                ts[k] = tsOf(head[k]);
            }
        }

        /** The table whose head comes first (ties: the lower kind), or -1 when all are done. */
        int earliest() {
            int best = -1;
            long bestTs = Long.MAX_VALUE;
            for (int k = 0; k < K_MEM; k++) {
                if (head[k] != null && ts[k] < bestTs) {
                    best = k;
                    bestTs = ts[k];
                }
            }
            return best;
        }

        /** Gives table {@code k}'s head to the model (once per VM instance), then reads its next record. */
        void apply(int k, Replayer rp, Instances inst) {
            try {
                for (int id : inst.of(vmOf(head[k]))) {
                    dispatch(rp, k, head[k], id, inst.isReplicated());
                }
            } catch (BadInputException e) {
                // Name the record the model refused.
                throw new BadInputException(where(k) + ": " + e.getMessage());
            }
            head[k] = advance(k);
            ts[k] = tsOf(head[k]);
        }

        private String where(int k) {
            return readers[k].where();
        }

        private Object advance(int k) {
            return readers[k].next();
        }

        void close() {
            for (RecordReader<?> r : readers) {
                r.close();
            }
        }
    }

    /** The VM a record belongs to; -1 for host-wide records (a {@code pte} row without a vm). */
    private static int vmOf(Object r) {
        if (r instanceof SysregRecord x) {
            return x.vm();
        } else if (r instanceof PteRecord x) {
            return -1;
        } else if (r instanceof MapRecord x) {
            return x.vm();
        } else if (r instanceof TlbiRecord x) {
            return x.vm();
        } else if (r instanceof SchedRecord x) {
            return x.vm();
        } else if (r instanceof DaifRecord x) {
            return x.vm();
        } else if (r instanceof IrqRecord x) {
            return x.vm();
        }
        throw new AssertionError(r);
    }

    private static void dispatch(Replayer rp, int k, Object r, int vm, boolean replicated) {
        switch (k) {
            case K_SYSREG -> {
                SysregRecord x = (SysregRecord) r;
                rp.onSysreg(x.ts(), x.pe(), vm, x.vcpu(), x.el(), x.reg().armName(), x.value());
            }
            case K_PTE -> {
                PteRecord x = (PteRecord) r;
                rp.onPte(x.ts(), x.pa(), x.value());
            }
            case K_MAP -> {
                MapRecord x = (MapRecord) r;
                rp.onMap(x.ts(), vm, x.stage(), x.root() == null ? -1 : x.root(), x.ia(),
                        x.oa() == null ? 0 : x.oa(), x.size(), x.perm() == null ? "" : x.perm(), x.memtype(),
                        x.ng() != 0, x.unmap());
            }
            case K_TLBI -> {
                TlbiRecord x = (TlbiRecord) r;
                // Replicas run where the modelled scheduler puts them, not on the recorded PE.
                int pe = replicated && x.vcpu() >= 0 ? -1 : x.pe();
                rp.onTlbi(x.ts(), pe, vm, x.vcpu(), x.op(), x.asid(), x.addr() == null ? 0 : x.addr(),
                        x.addr() != null, x.ttl(), x.pages());
            }
            case K_SCHED -> {
                SchedRecord x = (SchedRecord) r;
                int ev = switch (x.event()) {
                    case RUN -> Hypervisor.SCHED_RUN;
                    case PREEMPT -> Hypervisor.SCHED_PREEMPT;
                    case BLOCK -> Hypervisor.SCHED_BLOCK;
                    case WAKE -> Hypervisor.SCHED_WAKE;
                };
                rp.onSched(x.ts(), x.pe(), vm, x.vcpu(), ev);
            }
            case K_DAIF -> {
                DaifRecord x = (DaifRecord) r;
                rp.onDaif(x.ts(), vm, x.vcpu(), x.mask());
            }
            case K_IRQ -> {
                IrqRecord x = (IrqRecord) r;
                int src = switch (x.source()) {
                    case DEVICE -> Hypervisor.SOURCE_DEVICE;
                    case TIMER -> Hypervisor.SOURCE_TIMER;
                    case IPI -> Hypervisor.SOURCE_IPI;
                    case ITS -> Hypervisor.SOURCE_ITS;
                };
                // An empty priority is the guest's usual 0xA0 (docs/trace-format.md, irq).
                rp.onIrq(x.ts(), x.intid(), vm, x.vcpu(), src, x.sourceVcpu(), x.level(), !x.deassert(),
                        x.priority() < 0 ? 0xA0 : x.priority(), x.ackTs(), x.eoiTs());
            }
            default -> throw new AssertionError(k);
        }
    }

    /**
     * One timeline row per VM for the window: TLB page lookups and hits, stage-2 faults, and the
     * interrupts acknowledged in the window with their p99 latency ({@code acked} is reset).
     */
    private static void emitWindow(Replayer rp, MetricTableWriter<TimelineRow> w, long start, long end,
            long[] lookups, long[] misses, long[] faults, long[] acked, LogLinearHistogram[] h) throws IOException {
        for (int d = 0; d < rp.vmCount(); d++) {
            long l = rp.vmLookups(d) - lookups[d];
            long m = rp.vmMisses(d) - misses[d];
            long f = rp.vmStage2Faults(d) - faults[d];
            long i = acked[d];
            acked[d] = 0;
            lookups[d] = rp.vmLookups(d);
            misses[d] = rp.vmMisses(d);
            faults[d] = rp.vmStage2Faults(d);
            Double rate = l == 0 ? null : (l - m) / (double) l;
            Long p99 = h[d].count() == 0 ? null : h[d].percentile(99.0);
            h[d].reset();
            w.write(new TimelineRow(start, end, rp.vmId(d), l, l - m, rate, f, i, p99));
        }
    }

    /**
     * {@code tlb_stats}: one row per PE × vCPU × structure × page size (the size of the entry that
     * hit, or of the translation a miss's walk found; 0 for lookups whose walk faulted). Walks and
     * their descriptor reads go on the last structure's row ({@code l2}, or the L1 of their kind
     * without an L2). Stale hits are counted per vCPU and shown on its {@code l1d} row of the page
     * size with the most hits.
     */
    private static void writeTlbStats(Replayer rp, Path dir) throws IOException {
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

    private static void writeFaults(Replayer rp, Path dir) throws IOException {
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

    private static void writeIrqLatency(Replayer rp, Path dir) throws IOException {
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

    private static void writeRunInfo(Options o, Scenario sc, Trace trace, Replayer rp, Path dir, ReplayConfig cfg)
            throws IOException {
        Map<String, String> e = new TreeMap<>();
        e.put(RunInfo.TOOL_VERSION, o.toolVersion());
        Provenance pv = o.provenance() != null ? o.provenance() : provenance(trace.dir());
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
        rp.sysregExceptions().forEach((k, n) -> e.put("sysreg." + k, Long.toString(n)));
        for (int d = 0; d < rp.vmCount(); d++) {
            e.put(RunInfo.vmNameKey(rp.vmId(d)), rp.vmName(d));
            e.put(RunInfo.vmVcpusKey(rp.vmId(d)), Integer.toString(rp.vcpuCount(d)));
        }
        MetricTableWriter.writeAll(dir, MetricTables.RUN_INFO, RunInfo.rows(e));
    }

    private static String geom(TlbGeometry g) {
        return g == null || g.entries() == 0 ? "none" : g.entries() + " entries, " + g.ways() + "-way";
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
