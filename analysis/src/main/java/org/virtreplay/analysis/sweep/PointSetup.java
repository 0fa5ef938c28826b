package org.virtreplay.analysis.sweep;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * A sweep point resolved against the trace and the base scenario: the scenario the replay runs
 * (as canonical text, so that it serializes), how many VMs the host runs, their vCPUs and the
 * PE count.
 *
 * <p>Rules (docs/sweep.md): {@code vms = N} runs the trace's first N VMs, replicating them with
 * fresh VM ids when N exceeds the trace's count (instance i runs trace VM i mod T, as
 * {@code ReplayJob} does); {@code overcommit = R} sets {@code pes} = ceil(total vCPUs / R). When a
 * point changes the host's VMs or PEs the recorded schedule no longer fits it (it names recorded
 * PEs and only the recorded VMs), so a {@code trace} scheduling policy becomes {@code fair}.
 *
 * @param vmsPerHost the value for {@code ReplayJob.Options.vmsPerHost}: N, or 0 when the point
 *     does not set {@code vms} (the trace's VMs as they are)
 * @param scheduleReplaced true when the scenario asked for the trace's recorded schedule
 *     ({@code sched.policy = trace}) but the point changes the host, so it runs {@code fair} instead
 */
public record PointSetup(SweepPoint point, String scenarioText, int vmsPerHost, int vms, int vcpus, int pes,
        boolean scheduleReplaced) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The scenario of this point. */
    public Scenario scenario() {
        return Scenario.parse("sweep point " + point.index(), scenarioText);
    }

    /** The vCPU:PE ratio the point actually runs. */
    public double overcommit() {
        return pes == 0 ? 0 : vcpus / (double) pes;
    }

    /** Resolves a point; problems (e.g. more PEs than a host may have) name the point. */
    public static PointSetup of(SweepPoint p, Scenario base, List<VmRecord> traceVms, int tracePes) {
        try {
            return resolve(p, base, traceVms, tracePes);
        } catch (BadInputException e) {
            throw new BadInputException("sweep point " + p.index() + " (" + p.label() + "): " + e.problems().get(0));
        }
    }

    private static PointSetup resolve(SweepPoint p, Scenario base, List<VmRecord> traceVms, int tracePes) {
        Scenario sc = base;
        for (var e : p.params().entrySet()) {
            Scenario.Key k = Scenario.key(e.getKey());
            if (k != null) {
                sc = sc.with(k, e.getValue());
            }
        }
        if (traceVms.isEmpty()) {
            throw new BadInputException("the trace has no VMs");
        }
        String vmsText = p.params().get(Grid.VMS);
        int n = vmsText == null ? traceVms.size() : Integer.parseInt(vmsText);
        int vcpus = 0;
        for (int i = 0; i < n; i++) {
            vcpus += traceVms.get(i % traceVms.size()).vcpus();
        }
        String oc = p.params().get(Grid.OVERCOMMIT);
        if (oc != null) {
            // ceil(vcpus / ratio) in exact decimal arithmetic: 6 vCPUs at 1.5:1 is 4 PEs, not 5.
            int pes = new BigDecimal(vcpus).divide(new BigDecimal(oc), 0, RoundingMode.CEILING).intValueExact();
            sc = sc.with(Scenario.Key.PES, Integer.toString(Math.max(1, pes)));
        }
        boolean hostChanged = vmsText != null || oc != null || p.params().containsKey(Scenario.Key.PES.keyName());
        boolean replaced = hostChanged && sc.get(Scenario.Key.SCHED_POLICY).equals("trace");
        if (replaced) {
            sc = sc.with(Scenario.Key.SCHED_POLICY, "fair");
        }
        int pes = sc.getInt(Scenario.Key.PES);
        if (pes == 0) {
            pes = tracePes;
        }
        return new PointSetup(p, sc.toText(), vmsText == null ? 0 : n, n, vcpus, pes, replaced);
    }
}
