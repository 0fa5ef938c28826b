package org.virtreplay.engine.hyp;

import org.virtreplay.engine.stats.LogLinearHistogram;

/**
 * Interrupt-latency results of a run, per (vm, vCPU, class): a {@link LogLinearHistogram} of
 * assertion→acknowledge latencies (ns) and the sum of each latency component, plus per-vCPU
 * counters (maintenance interrupts, exits) and the model's error against observed {@code ack_ts}.
 *
 * <p>A (vCPU, class) histogram is allocated on its first sample (34 KB each), so memory follows
 * what the trace actually uses.
 */
public final class IrqLatencyStats {
    /** Interrupt classes. */
    public static final int CLASS_TIMER = 0;
    public static final int CLASS_SPI = 1;
    public static final int CLASS_IPI = 2;
    public static final int CLASS_LPI = 3;
    public static final int CLASSES = 4;
    public static final String[] CLASS_NAMES = {"timer", "spi", "ipi", "lpi"};

    /**
     * The class ({@code CLASS_*}) the model files an interrupt under, from its INTID and source
     * ({@code Hypervisor.SOURCE_*}): for comparing observed latencies with the model's by the same rule.
     */
    public static int classOf(int intid, int source) {
        return IrqInjection.classify(intid, source);
    }

    /** Latency components. */
    public static final int C_EXIT = 0;
    public static final int C_INJECT = 1;
    public static final int C_SCHED = 2;
    public static final int C_LR_WAIT = 3;
    public static final int C_MASK = 4;
    public static final int COMPONENTS = 5;
    public static final String[] COMPONENT_NAMES = {"exit", "inject", "sched_wait", "lr_wait", "mask_wait"};

    private final int[] vmBase;
    private final int[] vcpus;
    private final LogLinearHistogram[] hist;
    private final long[] compSum;
    private final LogLinearHistogram[] errAbs;
    private final long[] errSignedSum;
    final long[] maintenance;
    final long[] exits;
    final long[] coalesced;
    final long[] withdrawn;

    IrqLatencyStats(int[] vmBase, int[] vcpus, int total) {
        this.vmBase = vmBase;
        this.vcpus = vcpus;
        hist = new LogLinearHistogram[total * CLASSES];
        compSum = new long[total * CLASSES * COMPONENTS];
        errAbs = new LogLinearHistogram[total];
        errSignedSum = new long[total];
        maintenance = new long[total];
        exits = new long[total];
        coalesced = new long[total];
        withdrawn = new long[total];
    }

    void record(int g, int cls, long latency, long[] comp, int compOff) {
        int k = g * CLASSES + cls;
        LogLinearHistogram h = hist[k];
        if (h == null) {
            h = new LogLinearHistogram();
            hist[k] = h;
        }
        h.record(latency);
        int o = k * COMPONENTS;
        for (int c = 0; c < COMPONENTS; c++) {
            compSum[o + c] += comp[compOff + c];
        }
    }

    void recordError(int g, long modelMinusObserved) {
        LogLinearHistogram h = errAbs[g];
        if (h == null) {
            h = new LogLinearHistogram();
            errAbs[g] = h;
        }
        h.record(Math.abs(modelMinusObserved));
        errSignedSum[g] += modelMinusObserved;
    }

    private int g(int vm, int vcpu) {
        if (vm < 0 || vm >= vmBase.length || vcpu < 0 || vcpu >= vcpus[vm]) {
            throw new IllegalArgumentException("no such vCPU " + vm + "/" + vcpu);
        }
        return vmBase[vm] + vcpu;
    }

    public int vmCount() {
        return vmBase.length;
    }

    public int vcpuCount(int vm) {
        return vcpus[vm];
    }

    /** The histogram of (vm, vcpu, class), or null when it has no sample. */
    public LogLinearHistogram histogram(int vm, int vcpu, int cls) {
        return hist[g(vm, vcpu) * CLASSES + cls];
    }

    public long count(int vm, int vcpu, int cls) {
        LogLinearHistogram h = histogram(vm, vcpu, cls);
        return h == null ? 0 : h.count();
    }

    /** Mean of one latency component over the (vm, vcpu, class) samples, NaN when empty. */
    public double componentMean(int vm, int vcpu, int cls, int component) {
        long n = count(vm, vcpu, cls);
        return n == 0 ? Double.NaN : (double) compSum[(g(vm, vcpu) * CLASSES + cls) * COMPONENTS + component] / n;
    }

    public long componentSum(int vm, int vcpu, int cls, int component) {
        return compSum[(g(vm, vcpu) * CLASSES + cls) * COMPONENTS + component];
    }

    /** |model - observed| ack time histogram of a vCPU, or null when the trace had no ack_ts. */
    public LogLinearHistogram ackErrorAbs(int vm, int vcpu) {
        return errAbs[g(vm, vcpu)];
    }

    /** Mean signed error (model - observed) in ns, NaN when no observation. */
    public double ackErrorMean(int vm, int vcpu) {
        LogLinearHistogram h = errAbs[g(vm, vcpu)];
        return h == null ? Double.NaN : (double) errSignedSum[g(vm, vcpu)] / h.count();
    }

    public long maintenanceInterrupts(int vm, int vcpu) {
        return maintenance[g(vm, vcpu)];
    }

    public long exits(int vm, int vcpu) {
        return exits[g(vm, vcpu)];
    }

    /** Assertions merged into an interrupt already pending for the vCPU (no separate latency). */
    public long coalesced(int vm, int vcpu) {
        return coalesced[g(vm, vcpu)];
    }

    /** Level interrupts deasserted before they reached a list register. */
    public long withdrawn(int vm, int vcpu) {
        return withdrawn[g(vm, vcpu)];
    }
}
