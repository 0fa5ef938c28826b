package org.virtreplay.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.virtreplay.engine.gic.IchLr;
import org.virtreplay.engine.gic.VirtualCpuInterface;

/**
 * The virtual CPU interface alone: write one list register (4 LRs), the guest's ICV_IAR1_EL1 read
 * (highest-priority selection, PMR and preemption checks, activation, APR update) and its
 * ICV_EOIR1_EL1 write (priority drop, deactivation). Must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IrqListRegisterBenchmark {
    private final VirtualCpuInterface vgic = new VirtualCpuInterface(4);
    private int i;

    @Setup
    public void setup() {
        vgic.setGuestState(0xF0, 1, false);
    }

    @Benchmark
    public int listRegisterAckEoi() {
        int id = 32 + (i++ & 511);
        vgic.setLr(0, IchLr.encode(id, IchLr.STATE_PENDING, 0xA0, true, false, 0, false));
        int got = vgic.readIar1();
        vgic.writeEoir1(got);
        return got;
    }
}
