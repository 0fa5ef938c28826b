package org.virtreplay.analysis.replay;

import org.virtreplay.analysis.progress.ProgressMeter;
import org.virtreplay.engine.replay.MemRowPacker;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;

/**
 * The replay's hot loop: consecutive {@code mem} rows fed to the model until another kind of event
 * or the end of a timeline window is due.
 *
 * <p>It is a method of its own, not a loop inside the event merge, for the JIT's sake: C2 compiles
 * this small method once, as an ordinary method with the model inlined into it, and reuses the
 * code for every run of accesses (and every sweep point). Left inside the merge loop, the same
 * code was compiled on-stack-replacement into the merge method, which is large; each point of a
 * sweep that took a branch the previous points had not (another stage-2 backing, another TLB)
 * threw that compilation away and C2 spent most of a second on the next one, so that C2 used as
 * much CPU as the replay itself and two workers could not scale on two cores.
 */
final class MemRun {
    private final PrefetchedMem mem;
    private final Instances inst;
    private final Replayer rp;
    private final ProgressMeter progress;
    /**
     * Whole batches go to the model's flat loop ({@link Replayer#onMemBatch}) unless VMs are
     * replicated or left out (a row then means zero or several accesses) or the loop is turned off
     * ({@link Replayer#FLAT_LOOP_PROPERTY}).
     */
    private final boolean flat;
    /** The model's row packer, when the flat loop is used: batches it packed need no packing here. */
    private final MemRowPacker packer;
    /** Another packer found to pack as {@link #packer} does (a sweep's shared decoder's). */
    private MemRowPacker accepted;
    /** Events taken from the trace (all tables), for the progress bar. */
    long processed;
    /** Accesses replayed (a replicated VM's row counts once per instance). */
    long accesses;

    MemRun(PrefetchedMem mem, Instances inst, Replayer rp, ProgressMeter progress) {
        this.mem = mem;
        this.inst = inst;
        this.rp = rp;
        this.progress = progress;
        this.flat = flat(inst);
        this.packer = flat ? rp.memRowPacker() : null;
    }

    /** Whether a replay of {@code inst} hands the model whole batches (see {@link #flat}). */
    private static boolean flat(Instances inst) {
        return inst.isIdentity() && Replayer.flatLoop();
    }

    /**
     * The packer a replay of {@code inst} on {@code rp} wants its batches packed with where they are
     * decoded, or null when it replays row by row (the words would go unread).
     */
    static MemRowPacker packerFor(Instances inst, Replayer rp) {
        return flat(inst) ? rp.memRowPacker() : null;
    }

    /**
     * Refills {@code b} from {@code source} and packs its rows with {@code packer} (none: marks them
     * unpacked), as every decoder of a replay or a sweep does; returns what {@code fill} returned. A
     * batch whose filling throws is left marked unpacked.
     */
    static boolean refill(MemBatchSource source, MemRowPacker packer, MemBatch b) {
        b.packedBy = null;
        final boolean more = source.fill(b);
        if (packer != null) {
            packer.pack(b.vm, b.vcpu, b.el, b.access, b.va, b.size, b.meta, 0, b.n);
        }
        b.packedBy = packer;
        return more;
    }

    /**
     * Replays the current row and the following ones while their time is below {@code limit};
     * returns whether a row is left (the caller has checked that the current row is due).
     */
    boolean run(long limit) {
        return flat ? runBatches(limit) : runRows(limit);
    }

    /**
     * The rows of the current batch and the next ones, each batch's due rows in one call of the
     * model's flat loop. When the model throws, the current row is the one it refused.
     */
    private boolean runBatches(long limit) {
        final PrefetchedMem m = mem;
        final Replayer r = rp;
        while (true) {
            final MemBatch b = m.batch();
            final int from = m.row();
            final int stop;
            try {
                // Packed on the reader thread for this model (PrefetchedMem) or for all the points of
                // a sweep (SharedMem), or packed here.
                stop = packedForUs(b.packedBy)
                        ? r.onMemBatch(b.ts, b.meta, b.vm, b.vcpu, b.el, b.access, b.va, b.size, from, b.n, limit)
                        : r.onMemBatch(b.ts, b.vm, b.vcpu, b.el, b.access, b.va, b.size, from, b.n, limit);
            } catch (RuntimeException e) {
                m.seek(r.memBatchFailedRow());
                throw e;
            }
            final long before = processed;
            processed += stop - from;
            accesses += stop - from;
            if ((before >>> 16) != (processed >>> 16)) {
                progress.update(processed);
            }
            if (stop < b.n) {
                m.seek(stop); // due at or after limit
                return true;
            }
            m.seek(b.n - 1);
            if (!m.next()) {
                return false;
            }
            if (m.ts() >= limit) {
                return true;
            }
        }
    }

    /** Whether words packed by {@code by} are this model's; the answer for the last {@code by} is kept. */
    private boolean packedForUs(Object by) {
        if (by == packer || by == accepted) {
            return by != null;
        }
        if (by instanceof MemRowPacker q && q.sameLayout(packer)) {
            accepted = q;
            return true;
        }
        return false;
    }

    /** One row at a time through {@link Replayer#onMem}, once per instance of the row's VM. */
    private boolean runRows(long limit) {
        final PrefetchedMem m = mem;
        final Replayer r = rp;
        boolean has;
        do {
            int[] ids = inst.of(m.vm());
            for (int id : ids) {
                r.onMem(m.ts(), id, m.vcpu(), m.el(), m.access(), m.va(), m.size());
            }
            accesses += ids.length;
            if ((++processed & 0xFFFF) == 0) {
                progress.update(processed);
            }
            has = m.next();
        } while (has && m.ts() < limit);
        return has;
    }
}
