package org.virtreplay.analysis.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.FaultEventRow;
import org.virtreplay.analysis.metrics.IrqEventRow;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.TimelineRow;
import org.virtreplay.analysis.progress.ProgressMeter;
import org.virtreplay.analysis.validation.Validation;
import org.virtreplay.analysis.validation.ValidationProbes;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.engine.stats.LogLinearHistogram;
import org.virtreplay.engine.tlb.MappingChangeLog;
import org.virtreplay.ingest.trace.DaifRecord;
import org.virtreplay.ingest.trace.IrqRecord;
import org.virtreplay.ingest.trace.MapRecord;
import org.virtreplay.ingest.trace.PteRecord;
import org.virtreplay.ingest.trace.RecordReader;
import org.virtreplay.ingest.trace.SchedRecord;
import org.virtreplay.ingest.trace.SysregRecord;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.TlbiRecord;
import org.virtreplay.ingest.trace.Trace;


/**
 * The merge of a trace's tables into one stream in timestamp order, driving the engine's
 * {@link Replayer}: at equal timestamps scheduling comes first, then register writes, descriptor
 * writes and mappings, TLB maintenance, masking, interrupts and last memory accesses, so that a
 * configuration change at time t applies to the accesses at t (docs/trace-format.md, "Order of
 * events"). The per-event tables ({@code fault_events}, {@code irq_events}, {@code timeline}) are
 * written as they are produced, so memory use does not depend on the trace's length.
 */
final class EventMerge {

    private static final int K_SCHED = 0, K_SYSREG = 1, K_PTE = 2, K_MAP = 3, K_TLBI = 4, K_DAIF = 5, K_IRQ = 6,
            K_MEM = 7;
    /** The table of each {@code K_} index. */
    private static final TableKind[] KINDS = {TableKind.SCHED, TableKind.SYSREG, TableKind.PTE, TableKind.MAP,
        TableKind.TLBI, TableKind.DAIF, TableKind.IRQ, TableKind.MEM};

    private EventMerge() {
    }

    /** Replays the whole trace into {@code rp}, writing the per-event tables into {@code dir}; returns the memory accesses. */
    static long replay(Trace trace, Replayer rp, ReplayJob.Options o, Path dir, Instances inst, ReplayErrors errors)
            throws IOException {
        return replay(trace, rp, o, dir, inst, errors, null, null, new DecodeCpu());
    }

    /**
     * {@link #replay}, telling {@code observer} (if not null) what the model did, and reading the
     * {@code mem} rows from {@code sharedMem} (if not null) instead of decoding the table, which
     * {@code decodeCpu} times when this replay decodes it.
     */
    static long replay(Trace trace, Replayer rp, ReplayJob.Options o, Path dir, Instances inst, ReplayErrors errors,
            ReplayObserver observer, SharedMem.Cursor sharedMem, DecodeCpu decodeCpu) throws IOException {
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
        ValidationProbes probes = new ValidationProbes(trace);
        rp.setFaultSink(probes);
        if (faultW != null) {
            rp.setFaultSink((ts, pe, vm, vcpu, kind, level, s1ptw, cause, va, ipa, esr) -> {
                probes.onFault(ts, pe, vm, vcpu, kind, level, s1ptw, cause, va, ipa, esr);
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
            if (observer != null) {
                observer.onAck(assertTs, ackTs, intid, vm, vcpu, cls);
            }
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

        EventHeads heads = new EventHeads(trace, observer);
        PrefetchedMem mem = sharedMem != null ? new PrefetchedMem(sharedMem)
                : new PrefetchedMem(decodeCpu.open(trace), o.readAhead(), MemRun.packerFor(inst, rp));
        MemRun memRun = new MemRun(mem, inst, rp, progress);
        try {
            boolean memHas = mem.next();
            long[] winLookups = new long[nvm];
            long[] winMisses = new long[nvm];
            long[] winFaults = new long[nvm];
            long windowStart = Long.MIN_VALUE;
            long windowEnd = Long.MIN_VALUE;
            long firstTs = 0;
            long windows = 0;
            while (true) {
                // The earliest non-memory event; ties go to the lower kind.
                int best = heads.earliest();
                long bestTs = best < 0 ? Long.MAX_VALUE : heads.ts[best];
                long speTs = probes.nextTs();
                if (speTs < bestTs && (!memHas || speTs <= mem.ts())) {
                    // An SPE sample: probed after the other events of its time, before its accesses.
                    probes.probeNext(rp);
                    continue;
                }
                if (best < 0 && !memHas) {
                    break;
                }
                final boolean memFirst = memHas && (best < 0 || mem.ts() < bestTs);
                long nextTs = memFirst ? mem.ts() : bestTs;
                if (windowEnd == Long.MIN_VALUE) {
                    firstTs = nextTs;
                    windowStart = Math.floorDiv(nextTs, window) * window;
                    windowEnd = windowEnd(windowStart, window);
                    windows = 1;
                }
                if (nextTs >= windowEnd && windowEnd != Long.MAX_VALUE) {
                    windows += Math.floorDiv(nextTs, window) - Math.floorDiv(windowStart, window);
                    if (windows > TimelineWindows.MAX_WINDOWS || windows < 0) {
                        // Checked before writing the windows up to nextTs, so a gap in time is refused at
                        // once. The span was not known before the replay (a CSV table): read the
                        // remaining timestamps to name it.
                        throw TimelineWindows.tooMany(firstTs, heads.lastTs(mem, memHas, nextTs), window);
                    }
                }
                while (nextTs >= windowEnd && windowEnd != Long.MAX_VALUE) {
                    emitWindow(rp, timeW, windowStart, windowEnd, winLookups, winMisses, winFaults, winAcked, winIrq);
                    windowStart = windowEnd;
                    windowEnd = windowEnd(windowStart, window);
                }
                if (memFirst) {
                    // Memory accesses dominate: run them in a tight loop until another event or the window ends.
                    try {
                        memHas = memRun.run(Math.min(Math.min(bestTs, speTs), windowEnd));
                    } catch (BadInputException e) {
                        // the model refused the current row (the reader's problems name their rows)
                        throw mem.readerFailed() ? e : errors.at(e, TableKind.MEM, mem.pos(), mem.vm());
                    }
                    if (ioFail[0] != null) {
                        throw ioFail[0];
                    }
                    continue;
                }
                heads.apply(best, rp, inst, errors);
                memRun.processed++;
            }
            rp.finish(DRAIN_NS);
            if (windowEnd != Long.MIN_VALUE) {
                // Interrupts acknowledged during the drain belong to the last window(s).
                long last = Math.max(rp.lastTs(), windowStart);
                while (last >= windowEnd && windowEnd != Long.MAX_VALUE) {
                    emitWindow(rp, timeW, windowStart, windowEnd, winLookups, winMisses, winFaults, winAcked, winIrq);
                    windowStart = windowEnd;
                    windowEnd = windowEnd(windowStart, window);
                }
                emitWindow(rp, timeW, windowStart, windowEnd, winLookups, winMisses, winFaults, winAcked, winIrq);
            }
            progress.finish(memRun.processed);
            if (ioFail[0] != null) {
                throw ioFail[0];
            }
            Validation.write(dir, Validation.rows(trace, rp, probes));
        } finally {
            mem.close();
            heads.close();
            probes.close();
        }
        timeW.close();
        if (faultW != null) {
            faultW.close();
        }
        if (irqW != null) {
            irqW.close();
        }
        return memRun.accesses;
    }

    /**
     * The end of the window starting at {@code start}; the last window ends at 2^63-1 instead of
     * wrapping (trace timestamps go up to 2^63-1) and holds an event at that time too.
     */
    private static long windowEnd(long start, long window) {
        return start > Long.MAX_VALUE - window ? Long.MAX_VALUE : start + window;
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
                total += MetricTableReader.info(trace.file(k)).rows();
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

        /** Told of every {@code irq} row once the model has it; null for none. */
        private final ReplayObserver observer;

        EventHeads(Trace trace, ReplayObserver observer) {
            this.observer = observer;
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
                // A head at 2^63-1 (a valid ts) is still a head: compare only once there is a best.
                if (head[k] != null && (best < 0 || ts[k] < bestTs)) {
                    best = k;
                    bestTs = ts[k];
                }
            }
            return best;
        }

        /** Gives table {@code k}'s head to the model (once per VM instance), then reads its next record. */
        void apply(int k, Replayer rp, Instances inst, ReplayErrors errors) throws IOException {
            try {
                // The row a mapping change or a TLBI came from, for the stale-translation detector.
                int src = k == K_MAP ? MappingChangeLog.SRC_MAP_ROW : k == K_PTE ? MappingChangeLog.SRC_PTE_ROW
                        : k == K_TLBI ? MappingChangeLog.SRC_TLBI_ROW : 0;
                rp.setEventSource(src == 0 ? -1 : MappingChangeLog.source(src, readers[k].position()));
                for (int id : inst.of(vmOf(head[k]))) {
                    dispatch(rp, k, head[k], id, inst.isReplicated());
                }
                if (k == K_IRQ && observer != null) {
                    observer.irqApplied((IrqRecord) head[k]);
                }
                rp.setEventSource(-1);
            } catch (BadInputException e) {
                // Name the record the model refused.
                throw errors.at(e, KINDS[k], readers[k].position(), vmOf(head[k]));
            }
            head[k] = advance(k);
            ts[k] = tsOf(head[k]);
        }

        /**
         * The greatest timestamp of {@code seen}, every head and every record after them, and the
         * {@code mem} rows from the current one ({@code memHas}) on: reads the rest of the trace's
         * timestamps without replaying them, to name a refused replay's span.
         */
        long lastTs(PrefetchedMem mem, boolean memHas, long seen) {
            long last = seen;
            for (int k = 0; k < K_MEM; k++) {
                while (head[k] != null) {
                    last = Math.max(last, ts[k]);
                    head[k] = advance(k);
                    ts[k] = tsOf(head[k]);
                }
            }
            for (boolean has = memHas; has; has = mem.next()) {
                last = Math.max(last, mem.ts());
            }
            return last;
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
}
