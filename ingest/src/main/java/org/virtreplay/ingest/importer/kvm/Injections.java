package org.virtreplay.ingest.importer.kvm;

import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_SET_IRQ;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_TIMER_UPDATE_IRQ;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.VGIC_UPDATE_IRQ_PENDING;

import java.util.Arrays;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Interrupt injections into {@code irq} rows. KVM traces one injection twice: the origin event
 * ({@code kvm_irq_line}, {@code kvm_set_irq}, {@code kvm_timer_update_irq}) and, inside the same
 * {@code kvm_vgic_inject_irq} call on the same thread, {@code vgic_update_irq_pending}. So an
 * origin is held per thread until that thread's next record: a matching vGIC event makes one row
 * with the vGIC's INTID and target and the origin's source; anything else writes the origin alone.
 */
final class Injections {
    private final SourceSink[] srcs;
    private final long[][] used;
    private final long[][] skipped;
    private final int sgiReason;
    private final Row row = new Row(TableKind.IRQ);
    private boolean[] pend = new boolean[0];
    private long[] ts = new long[0];
    private int[] intid = new int[0];
    private int[] vcpu = new int[0];
    private int[] level = new int[0];
    private int[] event = new int[0];
    private int[] src = new int[0];
    /** Injections seen as an origin and a vGIC event, written as one row. */
    long merged;

    /**
     * @param used      records used, by file and event (counted here for the rows made)
     * @param skipped   records skipped, by file and reason
     * @param sgiReason the reason index of SGIs, which no row can take (their sender is not traced)
     */
    Injections(SourceSink[] srcs, long[][] used, long[][] skipped, int sgiReason) {
        this.srcs = srcs;
        this.used = used;
        this.skipped = skipped;
        this.sgiReason = sgiReason;
    }

    void ensure(int t) {
        if (t < pend.length) {
            return;
        }
        int n = Math.max(t + 1, Math.max(64, pend.length * 2));
        pend = Arrays.copyOf(pend, n);
        ts = Arrays.copyOf(ts, n);
        intid = Arrays.copyOf(intid, n);
        vcpu = Arrays.copyOf(vcpu, n);
        level = Arrays.copyOf(level, n);
        event = Arrays.copyOf(event, n);
        src = Arrays.copyOf(src, n);
    }

    /** An origin event {@code ev} of thread t; held until the thread's next record. */
    void origin(int t, long time, int id, int target, int lvl, int ev, int file) {
        flush(t);
        pend[t] = true;
        ts[t] = time;
        intid[t] = id;
        vcpu[t] = id < 32 ? target : -1;
        level[t] = lvl;
        event[t] = ev;
        src[t] = file;
    }

    /** Writes thread t's held origin, if any, as a row of its own. */
    void flush(int t) {
        if (t < pend.length && pend[t]) {
            pend[t] = false;
            emit(src[t], ts[t], t, intid[t], vcpu[t], level[t], event[t]);
        }
    }

    /** A vgic_update_irq_pending of thread t: one row with the held origin if it matches, else its own. */
    void vgic(int t, long time, int id, int target, int lvl, int file) {
        if (pend[t] && (event[t] == KVM_SET_IRQ || intid[t] == id) && (level[t] != 0) == (lvl != 0)) {
            pend[t] = false;
            used[file][VGIC_UPDATE_IRQ_PENDING]++;
            merged++;
            emit(src[t], ts[t], t, id, target, lvl, event[t]);
            return;
        }
        flush(t);
        emit(file, time, t, id, target, lvl, VGIC_UPDATE_IRQ_PENDING);
    }

    /** At the end of the stream: every held origin is written. */
    void finish() {
        for (int t = 0; t < pend.length; t++) {
            flush(t);
        }
    }

    /** The architected timer PPIs KVM uses by default: 26 EL2 physical, 27 virtual, 28 EL2 virtual, 30 physical. */
    static boolean isTimerPpi(int id) {
        return id == 26 || id == 27 || id == 28 || id == 30;
    }

    private void emit(int file, long time, int thread, int id, int target, int lvl, int ev) {
        if (id < 16) {
            skipped[file][sgiReason]++;
            return;
        }
        Row r = row;
        // ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts
        r.set(0, time);
        r.set(1, id);
        r.set(2, 0); // vm: completed from the thread when the trace is written
        r.set(3, id < 32 ? target : -1);
        int source;
        if (id >= 8192) {
            source = 3; // its
        } else if (id < 32 && (ev == KVM_TIMER_UPDATE_IRQ || (ev == VGIC_UPDATE_IRQ_PENDING && isTimerPpi(id)))) {
            source = 1; // timer
        } else {
            source = 0; // device
        }
        r.set(4, source);
        r.set(5, -1);
        r.set(6, 1); // level: the events report line levels (docs/import.md)
        r.set(7, lvl != 0 ? 0 : 1);
        r.setNull(8);
        r.setNull(9);
        r.setNull(10);
        srcs[file].addDeferred(r, thread);
        used[file][ev]++;
    }
}
