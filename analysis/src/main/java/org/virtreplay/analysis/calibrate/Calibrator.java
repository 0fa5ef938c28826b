package org.virtreplay.analysis.calibrate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.analysis.kvmstat.ExitReasons;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.replay.ReplayObserver;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.gic.IntId;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.ExitReason;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * Fits the free costs of the cost model to a recording (docs/calibrate.md): the model's medians
 * ({@link Statistics}) are close to linear in the costs, so the fit is Gauss–Newton on the relative
 * residuals, with a Jacobian from forward differences of in-process replays of the trace, kept
 * while the steps improve the fit (chord iterations: one replay per step) and recomputed once when
 * they stop doing so. Before fitting, each free cost must move some statistic and must not be a
 * combination of the other free costs' effects (modified Gram–Schmidt on the scaled Jacobian
 * columns, in {@link #FREE} order); otherwise the recording does not constrain it, and the fit is
 * refused with one line naming the cost and the observation that would constrain it.
 */
public final class Calibrator {
    /**
     * The costs fitted by default, in the order their identifiability is checked: a cost is
     * refused when its effect is (nearly) a combination of those before it, so the cost named is
     * the one the missing observation would free.
     */
    public static final List<String> FREE = List.of("lr_flush_cycles", "inject_cycles", "s2_fault_cycles",
            "mmio_cycles", "trap_cycles", "wake_cycles", "entry_cycles", "device_host_cycles", "exit_cycles");

    /** What would constrain each free cost, for the refusal. */
    static final Map<String, String> NEEDS = Map.of(
            "lr_flush_cycles", "observed exits with their durations (exits.duration_ns), e.g. IRQ exits of kicks",
            "inject_cycles", "SYS64 exits of IPI sends (irq rows with source ipi) or timer interrupt latencies",
            "s2_fault_cycles", "stage-2 aborts on RAM (DABT_LOW or IABT_LOW exits whose ipa lies in a ram memslot)",
            "mmio_cycles", "MMIO aborts (DABT_LOW exits whose ipa lies in an mmio memslot)",
            "trap_cycles", "trapped system-register writes (SYS64 exits besides IPI sends, e.g. under HCR_EL2.TVM)",
            "wake_cycles", "WFx exits ended by an interrupt to the blocked vCPU (sched block rows) under a modelled "
                    + "schedule (sched.policy pinned or fair)",
            "entry_cycles", "interrupt latencies (irq ack_ts) of timer interrupts to running vCPUs",
            "device_host_cycles", "latencies (irq ack_ts) of device (spi) or ITS (lpi) interrupts",
            "exit_cycles", "latencies (irq ack_ts) of IPIs besides timer interrupts: only the sender's extra exit "
                    + "separates the exit cost from the entry cost");

    /** A scaled Jacobian column shorter than this moves no statistic enough to fit its cost. */
    static final double MIN_EFFECT = 0.01;
    /** Relative residual of a column after projecting out the others below which it is not separable. */
    static final double MIN_INDEPENDENT = 0.02;
    static final int MAX_STEPS = 12;

    /**
     * @param trace    the recording (with an {@code exits} table and/or {@code irq.ack_ts})
     * @param out      the scenario file to write
     * @param base     the starting scenario (host and held costs); its {@code cost.*} values start the fit
     * @param fixed    free costs to hold at their value in {@code base}
     * @param progress where progress lines go, or null
     */
    public record Options(Path trace, Path out, Scenario base, List<String> fixed, boolean force,
            PrintWriter progress) {
    }

    /** One fitted statistic. */
    public record Fit(String name, long samples, double observed, double modelled) {
        public double residual() {
            return modelled - observed;
        }
    }

    /** The fitted costs (every cost, in {@link CostModel#NAMES} order), the statistics and the replays run. */
    public record Result(CostModel cost, List<String> fitted, List<Fit> fits, List<String> tooFew, int replays) {
    }

    private final Options o;
    private final Path work;
    private final Path replayTrace;
    private final Trace trace;
    private final List<String> names = new ArrayList<>();
    private double[] observed;
    private final List<String> tooFew = new ArrayList<>();
    private final List<String> free = new ArrayList<>();
    private final Map<String, Long> obsCounts = new LinkedHashMap<>();
    private int replays;

    private Calibrator(Options o, Path work) {
        this.o = o;
        this.work = work;
        Trace t = Trace.open(o.trace());
        Statistics obs = observe(t);
        for (String n : obs.names()) {
            if (obs.count(n) >= Statistics.MIN_SAMPLES) {
                names.add(n);
                obsCounts.put(n, obs.count(n));
            } else {
                tooFew.add(n + " (" + obs.count(n) + ")");
            }
        }
        if (names.isEmpty()) {
            throw new BadInputException(o.trace() + ": nothing to calibrate against: the trace has no observed exits "
                    + "with durations (exits.duration_ns) and no interrupt acknowledges (irq.ack_ts) in groups of at "
                    + "least " + Statistics.MIN_SAMPLES + "; import a recording's KVM events (virtreplay import)");
        }
        observed = new double[names.size()];
        for (int i = 0; i < observed.length; i++) {
            observed[i] = obs.median(names.get(i));
        }
        boolean traceSchedule = o.base().get(Scenario.Key.SCHED_POLICY).equals("trace");
        for (String f : FREE) {
            // Replaying the recorded schedule, the recording says when a blocked vCPU runs again:
            // the wake-up cost has no effect, so it is held rather than refused.
            if (!o.fixed().contains(f) && !(traceSchedule && f.equals("wake_cycles"))) {
                free.add(f);
            }
        }
        if (t.hasCsvTables()) {
            // Every replay would parse the CSV again: convert once, as run does.
            Path p = work.resolve("trace");
            TraceConverter.convert(o.trace(), p, TraceConverter.Form.PARQUET, Trace.DEFAULT_MAX_ERRORS, true);
            replayTrace = p;
            trace = Trace.open(p);
        } else {
            replayTrace = o.trace();
            trace = t;
        }
    }

    /** Runs the fit and writes the scenario file. */
    public static Result run(Options o) throws IOException {
        AtomicOutput.checkFile(o.out(), o.force(), o.trace());
        for (String f : o.fixed()) {
            if (!CostModel.NAMES.contains(f)) {
                throw new BadInputException("--fix: unknown cost '" + f + "'; expected one of " + CostModel.NAMES);
            }
        }
        Path work = Files.createTempDirectory("virtreplay-calibrate");
        try {
            Calibrator c = new Calibrator(o, work);
            Result r = c.fit();
            try (AtomicOutput out = AtomicOutput.file(o.out(), o.force(), o.trace())) {
                Files.writeString(out.path(), c.scenarioText(r), StandardCharsets.UTF_8);
                out.commit();
            }
            return r;
        } finally {
            AtomicOutput.deleteTree(work);
        }
    }

    // ------------------------------------------------------------------ statistics

    private static Statistics observe(Trace t) {
        Statistics s = new Statistics(t.memslots());
        if (t.has(TableKind.EXITS)) {
            int cVm = TableKind.EXITS.indexOf("vm");
            int cIpa = TableKind.EXITS.indexOf("ipa");
            int cDur = TableKind.EXITS.indexOf("duration_ns");
            try (TableCursor c = t.cursor(TableKind.EXITS)) {
                while (c.next()) {
                    Row r = c.row();
                    // keyed as kvm-stat and the validation table key it: a trap by its EC name, any
                    // other exit by its type (kvm_exit prints the last ESR's class for an IRQ exit too)
                    String reason = ExitReasons.of(r);
                    if (r.isNull(cDur) || reason.equals("(none)")) {
                        continue; // an exit without its entry, or of no known reason
                    }
                    s.add(s.exitName(r.getInt(cVm), reason, r.isNull(cIpa) ? -1 : r.get(cIpa)), r.get(cDur));
                }
            }
        }
        if (t.has(TableKind.IRQ)) {
            int cTs = TableKind.IRQ.indexOf("ts");
            int cIntid = TableKind.IRQ.indexOf("intid");
            int cSource = TableKind.IRQ.indexOf("source");
            int cEvent = TableKind.IRQ.indexOf("event");
            int cAck = TableKind.IRQ.indexOf("ack_ts");
            try (TableCursor c = t.cursor(TableKind.IRQ)) {
                while (c.next()) {
                    Row r = c.row();
                    if (r.isNull(cAck) || !"assert".equals(r.symbol(cEvent))) {
                        continue;
                    }
                    s.add(latencyName(classOf(r.getInt(cIntid), r.symbol(cSource))), r.get(cAck) - r.get(cTs));
                }
            }
        }
        return s;
    }

    /** The model's interrupt class of an {@code irq} row (as the hypervisor model classifies it). */
    static int classOf(int intid, String source) {
        if (source.equals("timer") || intid == IntId.VTIMER_PPI || intid == IntId.PTIMER_PPI) {
            return IrqLatencyStats.CLASS_TIMER;
        }
        if (intid <= IntId.SGI_LAST || source.equals("ipi")) {
            return IrqLatencyStats.CLASS_IPI;
        }
        return intid >= IntId.LPI_FIRST ? IrqLatencyStats.CLASS_LPI : IrqLatencyStats.CLASS_SPI;
    }

    static String latencyName(int cls) {
        return "irq " + IrqLatencyStats.CLASS_NAMES[cls] + " latency";
    }

    /** The model's statistics under {@code cost}, from an in-process replay. */
    private double[] model(CostModel cost) throws IOException {
        replays++;
        Scenario sc = o.base();
        long[] v = cost.values();
        for (int i = 0; i < v.length; i++) {
            sc = sc.with(Scenario.key("cost." + CostModel.NAMES.get(i)), Long.toString(v[i]));
        }
        Statistics s = new Statistics(trace.memslots());
        ReplayObserver obs = new ReplayObserver() {
            @Override
            public void onExit(long kvmExitTs, int vm, int vcpu, int pe, int reason, long ipa, long handledNs) {
                s.add(s.exitName(vm, ExitReason.key(reason), ipa), handledNs);
            }

            @Override
            public void onAck(long assertTs, long ackTs, int intid, int vm, int vcpu, int cls) {
                s.add(latencyName(cls), ackTs - assertTs);
            }
        };
        Path out = work.resolve("replay");
        ReplayJob.Options ro = new ReplayJob.Options(replayTrace, out, sc, "calibrate", -1_000_000L, false, true, true,
                "calibrate", Map.of());
        if (!replayTrace.equals(o.trace())) {
            ro = ro.withOrigin(o.trace());
        }
        ReplayJob.run(ro, Stage2Ports.kvm(), obs);
        AtomicOutput.deleteTree(out);
        double[] m = new double[names.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = s.median(names.get(i));
        }
        return m;
    }

    // ------------------------------------------------------------------ fit

    private double cost(double[] m) {
        double c = 0;
        for (int i = 0; i < m.length; i++) {
            double r = rel(m[i], i);
            c += r * r;
        }
        return c;
    }

    private double rel(double model, int i) {
        if (Double.isNaN(model)) {
            return 1.0; // the model produced none of them: as far off as can be told
        }
        return (model - observed[i]) / Math.max(1.0, observed[i]);
    }

    private static double scale(long v) {
        return Math.max(v, 1000);
    }

    private Result fit() throws IOException {
        CostModel p = ReplayJob.costModel(o.base());
        int n = free.size();
        say("calibrate: %d statistics, %d free costs; replaying the trace %d times for the first Jacobian",
                names.size(), n, n + 1);
        double[] m = dropUnmodelled(model(p));
        double[][] cols = jacobian(p, m);
        checkConstrained(cols);
        double c = cost(m);
        int jacobians = 1;
        for (int step = 0; step < MAX_STEPS; step++) {
            double[] delta = solve(cols, m);
            long[] v = p.values();
            boolean moved = false;
            double largest = 0;
            for (int j = 0; j < n; j++) {
                int k = CostModel.NAMES.indexOf(free.get(j));
                long nv = Math.max(0, Math.round(v[k] + delta[j] * scale(v[k])));
                if (nv != v[k]) {
                    moved = true;
                    largest = Math.max(largest, Math.abs(nv - v[k]) / scale(v[k]));
                }
                v[k] = nv;
            }
            if (!moved) {
                break;
            }
            CostModel q = CostModel.of(v);
            double[] mq = model(q);
            double cq = cost(mq);
            say("calibrate: step %d: rms relative residual %.4f%% (was %.4f%%), largest change %.2f%%", step + 1,
                    100 * Math.sqrt(cq / names.size()), 100 * Math.sqrt(c / names.size()), 100 * largest);
            if (cq <= c) {
                p = q;
                m = mq;
                c = cq;
                if (cq == 0 || largest < 2e-3) {
                    break; // the medians are met, or the steps are down to rounding
                }
            } else if (jacobians < 2) {
                say("calibrate: no improvement; a new Jacobian at the best point (%d replays)", n);
                cols = jacobian(p, m);
                jacobians++;
            } else {
                break;
            }
        }
        List<Fit> fits = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            fits.add(new Fit(names.get(i), obsCounts.get(names.get(i)), observed[i], m[i]));
        }
        return new Result(p, List.copyOf(free), fits, List.copyOf(tooFew), replays);
    }

    /**
     * Leaves out the statistics the model has no sample of (the recording has exits of a reason the
     * model does not take for this trace): no cost can bring them closer.
     */
    private double[] dropUnmodelled(double[] m) {
        List<String> keep = new ArrayList<>();
        List<Double> obs = new ArrayList<>();
        List<Double> mod = new ArrayList<>();
        for (int i = 0; i < m.length; i++) {
            if (Double.isNaN(m[i])) {
                tooFew.add(names.get(i) + " (the model has none)");
            } else {
                keep.add(names.get(i));
                obs.add(observed[i]);
                mod.add(m[i]);
            }
        }
        if (keep.isEmpty()) {
            throw new BadInputException(o.trace() + ": nothing to calibrate against: the model takes none of the "
                    + "observed kinds of exit or interrupt (" + String.join(", ", names) + ") when it replays the trace");
        }
        names.clear();
        names.addAll(keep);
        observed = obs.stream().mapToDouble(Double::doubleValue).toArray();
        return mod.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Scaled columns: change of each relative residual per relative change of each free cost. */
    private double[][] jacobian(CostModel p, double[] m) throws IOException {
        int n = free.size();
        double[][] cols = new double[n][];
        for (int j = 0; j < n; j++) {
            String name = free.get(j);
            long v = p.get(name);
            long h = Math.max(200, Math.round(0.1 * v));
            double[] mj = model(p.with(name, v + h));
            double[] col = new double[names.size()];
            for (int i = 0; i < col.length; i++) {
                double d = Double.isNaN(mj[i]) || Double.isNaN(m[i]) ? 0 : mj[i] - m[i];
                col[i] = d / Math.max(1.0, observed[i]) * scale(v) / h;
            }
            cols[j] = col;
            say("calibrate: Jacobian %d/%d (%s)", j + 1, n, name);
        }
        return cols;
    }

    /**
     * Refuses a free cost that no statistic moves, or whose effect is a combination of the effects
     * of the costs before it in {@link #FREE} order (modified Gram–Schmidt).
     */
    private void checkConstrained(double[][] cols) {
        List<double[]> basis = new ArrayList<>();
        for (int j = 0; j < cols.length; j++) {
            double[] u = cols[j].clone();
            double norm = norm(u);
            String name = free.get(j);
            if (norm < MIN_EFFECT) {
                throw refusal(name, "no observed statistic depends on it");
            }
            for (double[] b : basis) {
                double d = dot(u, b);
                for (int i = 0; i < u.length; i++) {
                    u[i] -= d * b[i];
                }
            }
            double rest = norm(u);
            if (rest < MIN_INDEPENDENT * norm) {
                throw refusal(name, "its effect on the observed statistics cannot be told from that of "
                        + String.join(", ", free.subList(0, j)));
            }
            for (int i = 0; i < u.length; i++) {
                u[i] /= rest;
            }
            basis.add(u);
        }
    }

    private BadInputException refusal(String name, String why) {
        return new BadInputException(String.format(Locale.ROOT, "%s: the recording does not constrain cost.%s (%s); "
                + "it needs %s; hold it with --fix %s=VALUE (or --set cost.%s=VALUE and --fix %s)", o.trace(), name,
                why, NEEDS.get(name), name, name, name));
    }

    /** The Gauss–Newton step in scaled units: least squares of J·δ = −r (normal equations). */
    private double[] solve(double[][] cols, double[] m) {
        int n = cols.length;
        double[] r = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            r[i] = rel(m[i], i);
        }
        double[][] a = new double[n][n + 1];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                a[j][k] = dot(cols[j], cols[k]);
            }
            a[j][j] *= 1 + 1e-9;
            a[j][n] = -dot(cols[j], r);
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[piv][c])) {
                    piv = i;
                }
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            for (int i = 0; i < n; i++) {
                if (i != c && a[c][c] != 0) {
                    double f = a[i][c] / a[c][c];
                    for (int k = c; k <= n; k++) {
                        a[i][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = a[j][j] == 0 ? 0 : a[j][n] / a[j][j];
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private void say(String fmt, Object... args) {
        if (o.progress() != null) {
            o.progress().println(String.format(Locale.ROOT, fmt, args));
            o.progress().flush();
        }
    }

    // ------------------------------------------------------------------ output

    /** The scenario file: the host keys set in the base scenario, every cost, and the fit as comments. */
    String scenarioText(Result r) {
        StringBuilder b = new StringBuilder();
        b.append("# virtreplay calibrate: cost model fitted to ").append(o.trace().toAbsolutePath().normalize()
                .getFileName()).append(" by least squares on medians (docs/calibrate.md)\n");
        b.append("# fitted: ").append(String.join(", ", r.fitted())).append('\n');
        b.append("# held at the starting scenario's values: ");
        List<String> held = new ArrayList<>();
        for (String n : CostModel.NAMES) {
            if (!r.fitted().contains(n)) {
                held.add(n);
            }
        }
        b.append(String.join(", ", held)).append('\n');
        b.append("#\n");
        b.append(String.format(Locale.ROOT, "# %-24s %8s %14s %14s %12s %9s%n", "statistic (median, ns)", "samples",
                "observed", "modelled", "residual", "rel."));
        for (Fit f : r.fits()) {
            b.append(String.format(Locale.ROOT, "# %-24s %8d %14.1f %14.1f %12.1f %8.3f%%%n", f.name(), f.samples(),
                    f.observed(), f.modelled(), f.residual(), 100 * f.residual() / Math.max(1.0, f.observed())));
        }
        if (!r.tooFew().isEmpty()) {
            b.append("# left out (fewer than ").append(Statistics.MIN_SAMPLES).append(" samples, or none modelled): ")
                    .append(String.join(", ", r.tooFew())).append('\n');
        }
        b.append("# replays run: ").append(r.replays()).append('\n');
        b.append('\n');
        for (Scenario.Key k : Scenario.Key.values()) {
            if (!k.keyName().startsWith("cost.") && o.base().origin(k) != null) {
                b.append(k.keyName()).append(" = ").append(o.base().get(k)).append('\n');
            }
        }
        long[] v = r.cost().values();
        for (int i = 0; i < v.length; i++) {
            b.append("cost.").append(CostModel.NAMES.get(i)).append(" = ").append(v[i]).append('\n');
        }
        return b.toString();
    }

    static {
        // Every free cost has its refusal text.
        for (String f : FREE) {
            if (!NEEDS.containsKey(f) || !CostModel.NAMES.contains(f)) {
                throw new ExceptionInInitializerError("calibrate: no refusal text for " + f);
            }
        }
    }
}
