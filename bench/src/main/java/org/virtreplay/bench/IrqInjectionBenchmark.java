package org.virtreplay.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.SchedPolicy;

/**
 * Cost of modelling one virtual interrupt end to end: {@code onIrq} (injection: ap_list, kick) and
 * {@code advanceTo} far enough for the exit, LR flush, entry, guest acknowledge, handler and EOI to
 * run, with the latency recorded in its histogram. 8 VMs x 2 vCPUs on 4 PEs (pinned, 4 vCPUs per PE
 * time-sliced), interrupts spread round-robin over the vCPUs. Run with {@code -prof gc}: the path
 * must allocate nothing (about 0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IrqInjectionBenchmark {

    /** spi: device SPI (GICv3 software path); timer: HW-mapped vtimer; ipi: SGI; lpi41: GICv4.1 vLPI. */
    @Param({"spi", "timer", "ipi", "lpi41"})
    public String kind;

    private Hypervisor hyp;
    private long t;
    private int i;
    private int intid;
    private int source;

    @Setup
    public void setup() {
        int[] vcpus = {2, 2, 2, 2, 2, 2, 2, 2};
        HypConfig cfg = HypConfig.defaults(4).withPolicy(SchedPolicy.PINNED).withGicV41(kind.equals("lpi41"));
        hyp = new Hypervisor(vcpus, cfg, CostModel.defaults());
        switch (kind) {
            case "timer" -> {
                intid = 27;
                source = Hypervisor.SOURCE_TIMER;
            }
            case "ipi" -> {
                intid = 1;
                source = Hypervisor.SOURCE_IPI;
            }
            case "lpi41" -> {
                intid = 8192;
                source = Hypervisor.SOURCE_ITS;
            }
            default -> {
                intid = 40;
                source = Hypervisor.SOURCE_DEVICE;
            }
        }
    }

    @Benchmark
    public long injectAndDeliver() {
        int k = i++;
        int vm = k & 7;
        int vc = (k >> 3) & 1;
        t += 50_000;
        hyp.onIrq(t, intid, vm, vc, source, vc ^ 1, false, true);
        hyp.advanceTo(t + 49_000);
        return hyp.now();
    }
}
