package org.virtreplay.analysis.validation;

import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.replay.FaultSink;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.ingest.trace.MemslotRecord;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * What the {@code validation} table needs from the replay while it runs: the model's stage-2
 * aborts counted per memslot (a {@link FaultSink}: the engine's tables count aborts per vCPU, not
 * per memslot) and, for each SPE sample, whether the model's TLBs would hold the sampled address
 * at the sample's time ({@link #probeNext}, which the event merge calls in time order, after every
 * other event of the same time but before the memory accesses of that time, one of which is the
 * sampled access). Neither changes the replay; both are allocation-free per event.
 */
public final class ValidationProbes implements FaultSink, AutoCloseable {
    // spe_samples columns (docs/trace-format.md; ingest TableKind.SPE_SAMPLES)
    private static final int S_TS = 0, S_VM = 1, S_VCPU = 2, S_EL = 4, S_OP = 5, S_VA = 7, S_TLB = 9;
    /** Symbol indexes of spe_samples.op and .tlb. */
    private static final int OP_LOAD = 0, OP_STORE = 1, TLB_MISS = 1;

    /** Memslots of each VM id: base IPA, size, slot number. */
    final long[][] slotIpa;
    final long[][] slotSize;
    final int[][] slotNo;
    /** Modelled stage-2 aborts per VM id and memslot index; the last index: outside every memslot. */
    final long[][] abortsBySlot;

    /** Per VM id: SPE samples probed, observed misses, modelled misses. */
    final long[] speSamples;
    final long[] speObservedMisses;
    final long[] speModelledMisses;
    private final TableCursor spe;
    private final int[] vcpus;
    private long speTs = Long.MAX_VALUE;

    public ValidationProbes(Trace trace) {
        int ids = 0;
        for (var v : trace.vms()) {
            ids = Math.max(ids, v.vm() + 1);
        }
        vcpus = new int[ids];
        for (var v : trace.vms()) {
            vcpus[v.vm()] = v.vcpus();
        }
        List<List<MemslotRecord>> byVm = new ArrayList<>();
        for (int i = 0; i < ids; i++) {
            byVm.add(new ArrayList<>());
        }
        for (MemslotRecord m : trace.memslots()) {
            byVm.get(m.vm()).add(m);
        }
        slotIpa = new long[ids][];
        slotSize = new long[ids][];
        slotNo = new int[ids][];
        abortsBySlot = new long[ids][];
        for (int i = 0; i < ids; i++) {
            List<MemslotRecord> l = byVm.get(i);
            slotIpa[i] = new long[l.size()];
            slotSize[i] = new long[l.size()];
            slotNo[i] = new int[l.size()];
            abortsBySlot[i] = new long[l.size() + 1];
            for (int j = 0; j < l.size(); j++) {
                slotIpa[i][j] = l.get(j).ipa();
                slotSize[i][j] = l.get(j).size();
                slotNo[i][j] = l.get(j).slot();
            }
        }
        speSamples = new long[ids];
        speObservedMisses = new long[ids];
        speModelledMisses = new long[ids];
        spe = trace.has(TableKind.SPE_SAMPLES) ? trace.cursor(TableKind.SPE_SAMPLES) : null;
        advance();
    }

    /** The memslot index (into this VM's memslots) holding {@code ipa}, or the VM's memslot count if none. */
    int slotOf(int vm, long ipa) {
        long[] base = slotIpa[vm];
        long[] size = slotSize[vm];
        for (int j = 0; j < base.length; j++) {
            if (Long.compareUnsigned(ipa - base[j], size[j]) < 0) {
                return j;
            }
        }
        return base.length;
    }

    @Override
    public void onFault(long ts, int pe, int vm, int vcpu, int kind, int level, boolean s1ptw, int cause, long va,
            long ipa, long esr) {
        if (vm < abortsBySlot.length) { // replicas of a VM (vms per host) have ids of their own: not observed
            abortsBySlot[vm][slotOf(vm, ipa)]++;
        }
    }

    /** The time of the next SPE sample to probe; {@link Long#MAX_VALUE} when there is none. */
    public long nextTs() {
        return speTs;
    }

    /**
     * Probes the next SPE sample against the model (whether the sampled access would hit the
     * TLBs of the PE it would be translated on) and moves to the one after.
     */
    public void probeNext(Replayer rp) {
        Row r = spe.row();
        int vm = r.getInt(S_VM);
        if (!Validation.replayed(rp, vm)) {
            advance(); // a trace VM the host does not run (--vms-per-host below the trace's VMs)
            return;
        }
        long va = r.get(S_VA);
        int el = r.isNull(S_EL) ? (int) (va >>> 55 & 1) : r.getInt(S_EL);
        boolean hit = rp.probeTlbHit(r.get(S_TS), vm, r.getInt(S_VCPU), el, false, va);
        speSamples[vm]++;
        speObservedMisses[vm] += r.get(S_TLB) == TLB_MISS ? 1 : 0;
        speModelledMisses[vm] += hit ? 0 : 1;
        advance();
    }

    /**
     * To the next sample that can be compared: a data access (op {@code load}, {@code store} or
     * not told) of a known vCPU with its VA and TLB outcome.
     */
    private void advance() {
        speTs = Long.MAX_VALUE;
        if (spe == null) {
            return;
        }
        while (spe.next()) {
            Row r = spe.row();
            int vcpu = r.getInt(S_VCPU);
            boolean data = r.isNull(S_OP) || r.get(S_OP) == OP_LOAD || r.get(S_OP) == OP_STORE;
            if (vcpu >= 0 && vcpu < vcpus[r.getInt(S_VM)] && data && !r.isNull(S_VA) && !r.isNull(S_TLB)) {
                speTs = r.get(S_TS);
                return;
            }
        }
    }

    @Override
    public void close() {
        if (spe != null) {
            spe.close();
        }
    }
}
