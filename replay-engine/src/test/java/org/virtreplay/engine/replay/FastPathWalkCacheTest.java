package org.virtreplay.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.engine.tlb.TlbArray;
import org.virtreplay.engine.tlb.TlbGeometry;
import org.virtreplay.engine.tlb.TlbiOp;
import org.virtreplay.engine.tlb.TranslationUnit;

/**
 * The same-entry fast path with the walk caches off and on (the analysis test's presets all have
 * them): a random stream of 4 KB pages and a 2 MB block, repeated pages, page-crossing accesses,
 * remaps without TLBI (stale entries), TLBIs and ASID switches, replayed on the engine with the
 * fast path off and on under every policy, must leave every counter the replay exposes equal.
 */
class FastPathWalkCacheTest {

    @Test
    void everyCounterIsTheSameWithAndWithoutTheFastPath() {
        CorePreset n1 = CorePreset.byName("neoverse-n1");
        CorePreset noWalkCaches = n1.withWalkCaches(TlbGeometry.of(0, 1), TlbGeometry.of(0, 1), TlbGeometry.of(0, 1));
        long l1Hits = 0;
        long stale = 0;
        for (CorePreset core : new CorePreset[] {n1, noWalkCaches}) {
            for (Replacement pol : Replacement.values()) {
                List<Long> off = run(core, pol, false, false);
                List<Long> on = run(core, pol, true, false);
                assertEquals(off, on, core.name() + " walk caches " + (core == n1) + ", " + pol);
                // The flat loop (onMemBatch) with the fast path off and on: the same counters.
                assertEquals(off, run(core, pol, false, true), core.name() + " walk caches " + (core == n1) + ", "
                        + pol + ", flat loop");
                assertEquals(off, run(core, pol, true, true), core.name() + " walk caches " + (core == n1) + ", "
                        + pol + ", flat loop and fast path");
                l1Hits += on.get(Replayer.C_L1D_HITS);
                stale += on.get(Replayer.C_STALE);
            }
        }
        assertTrue(l1Hits > 0 && stale > 0, "the stream must hit the L1 and find stale entries");
    }

    /** {@code batch}: the accesses between two other events go to {@link Replayer#onMemBatch} in chunks of random length. */
    private static List<Long> run(CorePreset core, Replacement pol, boolean fast, boolean batch) {
        String before = System.getProperty(Replayer.FAST_PATH_PROPERTY);
        System.setProperty(Replayer.FAST_PATH_PROPERTY, Boolean.toString(fast));
        Replayer rp;
        try {
            rp = new Replayer(new ReplayConfig(1, core, pol, 3, HypConfig.defaults(1), CostModel.defaults(), 0, 3),
                    Stage2Ports.kvm());
            rp.addVm(0, "a", 1, 40, -1);
            rp.addMemslot(0, 0, 0x4000_0000L, 64L << 20, Stage2Port.MEMSLOT_RAM, -1, 2L << 20);
            rp.start();
        } finally {
            if (before == null) {
                System.clearProperty(Replayer.FAST_PATH_PROPERTY);
            } else {
                System.setProperty(Replayer.FAST_PATH_PROPERTY, before);
            }
        }
        rp.setS1TablePool(0, 0x43C0_1000L, 0x3F_F000L);
        rp.onSysreg(0, 0, 0, 0, 1, "TCR_EL1", 0x2_B510_3510L);
        rp.onSysreg(0, 0, 0, 0, 1, "MAIR_EL1", 0x44_04FFL);
        rp.onSysreg(0, 0, 0, 0, 1, "SCTLR_EL1", 1);
        rp.onSysreg(0, 0, 0, 0, 1, "TTBR0_EL1", (1L << 48) | 0x43C0_0000L);
        final int pages = 96; // more than the 48-entry L1s: evictions
        for (int i = 0; i < pages; i++) {
            rp.onMap(0, 0, 1, 0x43C0_0000L, 0x8000_0000L + i * 4096L, 0x4000_0000L + i * 4096L, 4096, "rwxu",
                    "normal_wb", true, false);
        }
        rp.onMap(0, 0, 1, 0x43C0_0000L, 0x1_0000_0000L, 0x4020_0000L, 2L << 20, "rwu", "normal_wb", false, false);
        SplittableRandom r = new SplittableRandom(pol.ordinal() * 31L + 5);
        Batch b = new Batch(rp, new SplittableRandom(7));
        long ts = 1;
        long va = 0x8000_0000L;
        for (int n = 0; n < 60_000; n++, ts++) {
            int e = r.nextInt(1000);
            if (e < 9) {
                b.flush(); // the accesses before another event are replayed before it
            }
            if (e < 4) { // remap a page without TLBI: its cached entries go stale
                int i = r.nextInt(pages);
                rp.onMap(ts, 0, 1, 0x43C0_0000L, 0x8000_0000L + i * 4096L, 0x4010_0000L + r.nextInt(64) * 4096L,
                        4096, "rwxu", "normal_wb", true, false);
            } else if (e < 7) {
                TlbiOp op = e == 4 ? TlbiOp.VAE1 : e == 5 ? TlbiOp.ASIDE1 : TlbiOp.VMALLE1;
                rp.onTlbi(ts, 0, 0, 0, op, 1 + r.nextInt(2), 0x8000_0000L + r.nextInt(pages) * 4096L, op == TlbiOp.VAE1,
                        -1, -1);
            } else if (e < 9) { // a process switch: ASID 1 or 2, same tables
                rp.onSysreg(ts, 0, 0, 0, 1, "TTBR0_EL1", ((1L + r.nextInt(2)) << 48) | 0x43C0_0000L);
            } else {
                if (r.nextInt(10) >= 6) { // else the same page again
                    va = r.nextInt(4) == 0 ? 0x1_0000_0000L + r.nextLong(2L << 20)
                            : 0x8000_0000L + r.nextInt(pages) * 4096L + r.nextInt(4096);
                }
                int access = r.nextInt(4); // READ, WRITE, FETCH, READ_WRITE as the trace codes them
                int size = r.nextInt(50) == 0 ? 16 : 8;
                if (batch) {
                    b.add(ts, access, va - (va & 7), size);
                } else {
                    rp.onMem(ts, 0, 0, 0, access, va - (va & 7), size);
                }
            }
        }
        b.flush();
        rp.finish(0);
        List<Long> v = new ArrayList<>();
        for (int c = 0; c < Replayer.NC; c++) {
            v.add(rp.counter(0, 0, 0, c));
        }
        v.add(rp.vmLookups(0));
        v.add(rp.vmMisses(0));
        for (int s = 0; s < Replayer.SIZES; s++) {
            for (int c = 0; c < Replayer.NS; c++) {
                v.add(rp.sizeCounter(0, 0, 0, s, c));
            }
            for (int st = 1; st <= 2; st++) {
                for (int l = 0; l < 4; l++) {
                    v.add(rp.levelReads(0, 0, 0, s, false, st, l));
                    v.add(rp.levelReads(0, 0, 0, s, true, st, l));
                }
            }
        }
        for (int k = 0; k <= Replayer.WALK_LEN_MAX; k++) {
            v.add(rp.walkLengthCount(0, 0, 0, k));
        }
        TranslationUnit tu = rp.pe(0);
        v.addAll(List.of(tu.walksI, tu.walksD, tu.readsI, tu.readsD, tu.readsUncached, tu.faults,
                tu.permissionFaultsOnHit, tu.cycles));
        for (TlbArray a : new TlbArray[] {tu.l1i, tu.l1d, tu.l2, tu.s1wc, tu.s2wc, tu.ipac}) {
            if (a != null) {
                v.addAll(List.of(a.lookups, a.hits, a.misses, a.fills, a.evictions, a.invalidated, (long) a.validCount()));
            }
        }
        return v;
    }

    /** Accesses collected for {@link Replayer#onMemBatch}, handed over in chunks of 1 to 64 rows. */
    private static final class Batch {
        final Replayer rp;
        final SplittableRandom chunks;
        final long[] ts = new long[4096];
        final long[] va = new long[4096];
        final int[] access = new int[4096];
        final int[] size = new int[4096];
        final int[] zero = new int[4096];
        int n;

        Batch(Replayer rp, SplittableRandom chunks) {
            this.rp = rp;
            this.chunks = chunks;
        }

        void add(long t, int acc, long a, int sz) {
            ts[n] = t;
            access[n] = acc;
            va[n] = a;
            size[n] = sz;
            if (++n == ts.length) {
                flush();
            }
        }

        void flush() {
            int from = 0;
            while (from < n) {
                int to = Math.min(n, from + 1 + chunks.nextInt(64));
                // Sometimes a limit inside the chunk: the loop stops at the first row due at or after
                // it, except the first row, which is always replayed.
                long limit = chunks.nextInt(4) == 0 ? ts[to - 1] : Long.MAX_VALUE;
                int stop = rp.onMemBatch(ts, zero, zero, zero, access, va, size, from, to, limit);
                assertEquals(limit == Long.MAX_VALUE || from == to - 1 ? to : to - 1, stop);
                from = stop;
            }
            n = 0;
        }
    }
}
