package org.virtreplay.analysis.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.replay.ReplayObserver;
import org.virtreplay.engine.hyp.ExitReason;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.ingest.convert.ParquetTableWriter;
import org.virtreplay.ingest.convert.TableWriter;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.IrqRecord;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * Writes a copy of the replayed trace with the model's observations (docs/trace-format.md,
 * "Observation tables"): an {@code exits} table with one row per modelled exit and the {@code irq}
 * table with each acknowledged assertion's modelled {@code ack_ts}. Every table is written in the
 * Parquet form {@code virtreplay ingest} writes; the manifest is copied as it is.
 *
 * <p>What is held in memory: the exits of a vCPU reported out of time order (an exit counted while
 * another of the same vCPU is still open) until no earlier one can follow ({@link
 * Hypervisor#exitWatermark}); and the {@code irq} rows from the oldest assertion not yet
 * acknowledged, withdrawn or coalesced on, since rows keep their file order. Both are bounded by
 * what is in flight in the model, not by the trace's length (an interrupt the guest never
 * acknowledges holds the rows after it until the end).
 */
public final class ObservationEmitter implements ReplayObserver {
    private static final int X_TS = TableKind.EXITS.indexOf("ts");
    private static final int X_VM = TableKind.EXITS.indexOf("vm");
    private static final int X_VCPU = TableKind.EXITS.indexOf("vcpu");
    private static final int X_PE = TableKind.EXITS.indexOf("pe");
    private static final int X_TYPE = TableKind.EXITS.indexOf("type");
    private static final int X_EC = TableKind.EXITS.indexOf("ec");
    private static final int X_EC_NAME = TableKind.EXITS.indexOf("ec_name");
    private static final int X_IPA = TableKind.EXITS.indexOf("ipa");
    private static final int X_DURATION = TableKind.EXITS.indexOf("duration_ns");
    private static final int I_TS = TableKind.IRQ.indexOf("ts");
    private static final int I_INTID = TableKind.IRQ.indexOf("intid");
    private static final int I_ACK = TableKind.IRQ.indexOf("ack_ts");
    private static final int I_EOI = TableKind.IRQ.indexOf("eoi_ts");

    private final Trace trace;
    private final Path dir;
    private final long guestHandlerNs;
    private Hypervisor hyp;
    private IrqLatencyStats stats;
    private TableWriter exitW;
    private final Row exitRow = new Row(TableKind.EXITS);
    private final Map<Long, ExitBuffer> buffers = new HashMap<>();
    private TableWriter irqW;
    private TableCursor irqIn;
    private final ArrayDeque<Pending> irqRows = new ArrayDeque<>();
    /** The assertions awaiting their acknowledge, by VM, target vCPU and INTID, oldest first. */
    private final Map<Long, ArrayDeque<Pending>> unacked = new HashMap<>();
    private final Map<Long, long[]> dropped = new HashMap<>();

    /**
     * Replays {@code o} and writes {@code trace}'s copy with the model's observations into {@code
     * obsDir}, atomically (nothing at {@code obsDir} unless the replay and the copy succeed).
     */
    public static ReplayJob.Result replay(ReplayJob.Options o, Stage2Port.Factory s2, Path obsDir) throws IOException {
        AtomicOutput.check(obsDir, o.force(), o.trace(), o.out());
        if (obsDir.toAbsolutePath().normalize().equals(o.out().toAbsolutePath().normalize())) {
            throw new org.virtreplay.engine.BadInputException("--emit-observations " + obsDir
                    + ": the same directory as --out; give the observations a directory of their own");
        }
        try (AtomicOutput out = AtomicOutput.directory(obsDir, o.force(), o.trace(), o.out())) {
            ObservationEmitter em = new ObservationEmitter(Trace.open(o.trace()), out.path(),
                    ReplayJob.costModel(o.scenario()).guestHandlerNs());
            ReplayJob.Result r = ReplayJob.run(o, s2, em);
            out.commit();
            return r;
        }
    }

    /**
     * Replays {@code o} and writes the copy with the observations into {@code dir}, a directory
     * inside an output the caller writes atomically ({@code run --emit-observations}).
     */
    public static ReplayJob.Result replayInto(ReplayJob.Options o, Stage2Port.Factory s2, Path dir) throws IOException {
        Files.createDirectories(dir);
        return ReplayJob.run(o, s2, new ObservationEmitter(Trace.open(o.trace()), dir,
                ReplayJob.costModel(o.scenario()).guestHandlerNs()));
    }

    /**
     * @param guestHandlerNs the handler time the model gives an interrupt without observed
     *     {@code ack_ts} and {@code eoi_ts}, to keep that time where a row has an {@code eoi_ts}
     */
    public ObservationEmitter(Trace trace, Path dir, long guestHandlerNs) {
        this.trace = trace;
        this.dir = dir;
        this.guestHandlerNs = guestHandlerNs;
    }

    @Override
    public void start(Replayer rp) throws IOException {
        hyp = rp.hypervisor();
        stats = rp.irqStats();
        exitW = new ParquetTableWriter(TableKind.EXITS, dir.resolve("exits.parquet"));
        if (trace.has(TableKind.IRQ)) {
            irqW = new ParquetTableWriter(TableKind.IRQ, dir.resolve("irq.parquet"));
            irqIn = trace.cursor(TableKind.IRQ);
        }
    }

    private static long key(int vm, int vcpu) {
        return (long) vm << 32 | vcpu;
    }

    private static long key(int vm, int vcpu, int intid) {
        return ((long) vm << 16 | vcpu) << 32 | intid;
    }

    // ------------------------------------------------------------------ exits

    @Override
    public void onExit(long kvmExitTs, int vm, int vcpu, int pe, int reason, long ipa, long handledNs) {
        ExitBuffer b = buffers.computeIfAbsent(key(vm, vcpu), k -> new ExitBuffer(vm, vcpu));
        b.add(kvmExitTs, pe, reason, ipa, handledNs);
        try {
            b.flush(hyp.exitWatermark(vm, vcpu));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One vCPU's exits not yet written, in kvm_exit time order (stable). */
    private final class ExitBuffer {
        final int vm;
        final int vcpu;
        long[] ts = new long[4];
        long[] ipa = new long[4];
        long[] dur = new long[4];
        int[] pe = new int[4];
        int[] reason = new int[4];
        int n;

        ExitBuffer(int vm, int vcpu) {
            this.vm = vm;
            this.vcpu = vcpu;
        }

        void add(long t, int p, int r, long a, long d) {
            if (n == ts.length) {
                ts = java.util.Arrays.copyOf(ts, 2 * n);
                ipa = java.util.Arrays.copyOf(ipa, 2 * n);
                dur = java.util.Arrays.copyOf(dur, 2 * n);
                pe = java.util.Arrays.copyOf(pe, 2 * n);
                reason = java.util.Arrays.copyOf(reason, 2 * n);
            }
            int i = n;
            while (i > 0 && ts[i - 1] > t) {
                ts[i] = ts[i - 1];
                ipa[i] = ipa[i - 1];
                dur[i] = dur[i - 1];
                pe[i] = pe[i - 1];
                reason[i] = reason[i - 1];
                i--;
            }
            ts[i] = t;
            ipa[i] = a;
            dur[i] = d;
            pe[i] = p;
            reason[i] = r;
            n++;
        }

        /** Writes the exits at or before {@code watermark}. */
        void flush(long watermark) throws IOException {
            int w = 0;
            while (w < n && ts[w] <= watermark) {
                writeExit(vm, vcpu, ts[w], pe[w], reason[w], ipa[w], dur[w]);
                w++;
            }
            if (w > 0) {
                System.arraycopy(ts, w, ts, 0, n - w);
                System.arraycopy(ipa, w, ipa, 0, n - w);
                System.arraycopy(dur, w, dur, 0, n - w);
                System.arraycopy(pe, w, pe, 0, n - w);
                System.arraycopy(reason, w, reason, 0, n - w);
                n -= w;
            }
        }
    }

    private void writeExit(int vm, int vcpu, long ts, int pe, int reason, long ipa, long dur) throws IOException {
        Row r = exitRow;
        for (int c = 0; c < TableKind.EXITS.columns().size(); c++) {
            r.setNull(c);
        }
        r.set(X_TS, ts);
        r.set(X_VM, vm);
        r.set(X_VCPU, vcpu);
        r.set(X_PE, pe);
        r.setText(X_TYPE, ExitReason.type(reason));
        if (ExitReason.ec(reason) >= 0) {
            r.set(X_EC, ExitReason.ec(reason));
            r.setText(X_EC_NAME, ExitReason.ecName(reason));
        }
        if ((reason == ExitReason.DABT_LOW || reason == ExitReason.IABT_LOW) && ipa >= 0) {
            r.set(X_IPA, ipa);
        }
        r.set(X_DURATION, dur);
        exitW.write(r);
    }

    // ------------------------------------------------------------------ irq

    /** An {@code irq} row waiting to be written, with the modelled acknowledge once known. */
    private static final class Pending {
        final Row row;
        boolean resolved;
        long ack = -1;

        Pending(Row row) {
            this.row = row;
        }
    }

    @Override
    public void irqApplied(IrqRecord x) throws IOException {
        if (irqIn == null || !irqIn.next()) {
            throw new IllegalStateException("irq row without its table row");
        }
        Row in = irqIn.row();
        if (in.get(I_TS) != x.ts() || in.getInt(I_INTID) != x.intid()) {
            throw new IllegalStateException("irq rows out of step at " + irqIn.where());
        }
        Pending p = new Pending(in.copy());
        irqRows.addLast(p);
        int vcpu = x.vcpu() < 0 ? 0 : x.vcpu();
        // The model coalesces an assertion onto a pending one and withdraws a pending level
        // interrupt at its deassertion; its counters say which happened to this row.
        long[] seen = dropped.computeIfAbsent(key(x.vm(), vcpu), k -> new long[2]);
        long coalesced = stats.coalesced(x.vm(), vcpu);
        long withdrawn = stats.withdrawn(x.vm(), vcpu);
        long k = key(x.vm(), vcpu, x.intid());
        if (withdrawn != seen[1]) {
            // The model withdraws the oldest pending instance (the ap_list keeps age order among equals).
            ArrayDeque<Pending> q = unacked.get(k);
            Pending w = q == null ? null : q.pollFirst();
            if (w != null) {
                w.resolved = true;
            }
        }
        if (x.deassert() || coalesced != seen[0]) {
            p.resolved = true;
        } else {
            // Several instances of one INTID can be in flight: one asserted while another is still
            // being injected (not yet on the ap_list, where the model coalesces) is an instance of its own.
            unacked.computeIfAbsent(k, q -> new ArrayDeque<>()).addLast(p);
        }
        seen[0] = coalesced;
        seen[1] = withdrawn;
        drainIrq();
    }

    @Override
    public void onAck(long assertTs, long ackTs, int intid, int vm, int vcpu, int cls) {
        ArrayDeque<Pending> q = unacked.get(key(vm, vcpu, intid));
        Pending p = null;
        if (q != null) {
            for (java.util.Iterator<Pending> it = q.iterator(); it.hasNext();) {
                Pending c = it.next();
                if (c.row.get(I_TS) == assertTs) {
                    p = c;
                    it.remove();
                    break;
                }
            }
        }
        if (p == null) {
            throw new IllegalStateException("acknowledge of vm " + vm + " vcpu " + vcpu + " INTID " + intid
                    + " asserted at " + assertTs + " matches no irq row");
        }
        p.ack = ackTs;
        p.resolved = true;
        try {
            drainIrq();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void drainIrq() throws IOException {
        while (!irqRows.isEmpty() && irqRows.peekFirst().resolved) {
            writeIrq(irqRows.pollFirst());
        }
    }

    private void writeIrq(Pending p) throws IOException {
        Row r = p.row;
        if (p.ack >= 0) {
            if (!r.isNull(I_EOI)) {
                // Keep the guest's handler time the model used (eoi - ack as observed, else the cost model's).
                boolean both = !r.isNull(I_ACK) && r.get(I_EOI) >= r.get(I_ACK);
                long handler = both ? r.get(I_EOI) - r.get(I_ACK) : guestHandlerNs;
                r.set(I_EOI, p.ack + handler);
            }
            r.set(I_ACK, p.ack);
        } else {
            r.setNull(I_ACK);
        }
        irqW.write(r);
    }

    // ------------------------------------------------------------------ end

    @Override
    public void finish() throws IOException {
        for (ExitBuffer b : new java.util.TreeMap<>(buffers).values()) {
            b.flush(Long.MAX_VALUE);
        }
        exitW.close();
        if (irqW != null) {
            for (Pending p : irqRows) {
                p.resolved = true; // never acknowledged within the drain
            }
            drainIrq();
            if (irqIn.next()) {
                throw new IllegalStateException("irq rows left after the replay at " + irqIn.where());
            }
            irqIn.close();
            irqW.close();
        }
        Files.copy(trace.dir().resolve("manifest.csv"), dir.resolve("manifest.csv"));
        for (TableKind kind : TableKind.values()) {
            if (!trace.has(kind) || kind == TableKind.IRQ || kind == TableKind.EXITS) {
                continue;
            }
            try (TableWriter w = new ParquetTableWriter(kind, dir.resolve(kind.tableName() + ".parquet"))) {
                if (kind == TableKind.VMS || kind == TableKind.MEMSLOTS) {
                    for (Row r : trace.smallTableRows(kind)) {
                        w.write(r);
                    }
                } else {
                    try (TableCursor c = trace.cursor(kind)) {
                        while (c.next()) {
                            w.write(c.row());
                        }
                    }
                }
            }
        }
    }
}
