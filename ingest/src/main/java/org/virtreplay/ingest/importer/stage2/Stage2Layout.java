package org.virtreplay.ingest.importer.stage2;

import org.virtreplay.engine.mmu.Granule;

/**
 * Turns the ranges of a stage-2 dump (second pass, granule known) into the VM's memslots and its
 * stage-2 {@code map} rows.
 *
 * <ul>
 * <li><b>Memslots.</b> Each run of adjacent valid ranges with the same leaf size (the size one entry
 *     at the range's level maps with the granule) becomes one RAM memslot whose {@code s2_page_size}
 *     is that leaf size. Unmapped ranges end a run: the dump does not say whether they are guest RAM
 *     not touched yet, emulated MMIO or nothing.</li>
 * <li><b>Host PAs.</b> Each memslot gets a contiguous host range from a {@link HostPaAllocator},
 *     congruent to its IPA modulo max(leaf size, 2 MiB), so a replay can map it with blocks.</li>
 * <li><b>Map rows.</b> A coalesced range is split into its leaf entries (an {@code 18M} level-2
 *     range of a 4K granule is nine 2M blocks), one {@code map} row each, with the permissions of
 *     the line. Entries with the Access flag clear (aged by KVM) and entries with neither read nor
 *     write permission are not mapped: the replay takes a stage-2 fault on their first access, as
 *     the host would (an Access flag fault, a Permission fault). They are counted.</li>
 * </ul>
 */
public final class Stage2Layout {

    /** Receives the layout, in IPA order. */
    public interface Out {
        /** A RAM memslot {@code [ipa, ipa + size)} at host {@code pa}, backed by {@code pageSize} leaves. */
        void memslot(long ipa, long size, long pa, long pageSize, long firstLine);

        /** One leaf entry: IPA {@code ipa} to host {@code pa}, {@code size} bytes, {@code perm} letters. */
        void map(long ipa, long pa, long size, String perm, long line);
    }

    private static final long MB2 = 2L << 20;

    private final Granule granule;
    private final HostPaAllocator pas;
    private final Out out;
    private boolean open;
    private long runIpa;
    private long runEnd;
    private long runLeaf;
    private long runPa;
    private long runLine;
    private long memslots;
    private long mapRows;
    private long afClearEntries;
    private long noAccessEntries;
    private long singleElExecEntries;
    private long mappedBytes;

    public Stage2Layout(Granule granule, HostPaAllocator pas, Out out) {
        this.granule = granule;
        this.pas = pas;
        this.out = out;
    }

    /** The bytes one entry at {@code level} maps. */
    public long leafSize(int level) {
        return 1L << granule.levelShift(level);
    }

    /** Takes the next range of the dump. */
    public void accept(Stage2Range r) {
        if (!r.valid()) {
            closeRun();
            return;
        }
        long leaf = leafSize(r.level());
        if (!open || r.start() != runEnd || leaf != runLeaf) {
            closeRun();
            open = true;
            runIpa = r.start();
            runLeaf = leaf;
            runLine = r.line();
            runPa = pas.place(runIpa, Math.max(leaf, MB2));
        }
        runEnd = r.end();
        long entries = r.size() / leaf;
        mappedBytes += r.size();
        if (!r.af()) {
            afClearEntries += entries;
            return;
        }
        if (!r.read() && !r.write()) {
            noAccessEntries += entries;
            return;
        }
        if (r.xn() == Stage2Range.EXEC_EL0 || r.xn() == Stage2Range.EXEC_EL1) {
            singleElExecEntries += entries;
        }
        String perm = r.perm();
        for (long ipa = r.start(); ipa != r.end(); ipa += leaf) {
            out.map(ipa, runPa + (ipa - runIpa), leaf, perm, r.line());
            mapRows++;
        }
    }

    /** Ends the last memslot. */
    public void finish() {
        closeRun();
    }

    private void closeRun() {
        if (!open) {
            return;
        }
        open = false;
        long size = runEnd - runIpa;
        pas.use(runPa, size);
        out.memslot(runIpa, size, runPa, runLeaf, runLine);
        memslots++;
    }

    public long memslots() {
        return memslots;
    }

    public long mapRows() {
        return mapRows;
    }

    /** Leaf entries left unmapped because their Access flag is clear. */
    public long afClearEntries() {
        return afClearEntries;
    }

    /** Leaf entries left unmapped because they allow neither reads nor writes. */
    public long noAccessEntries() {
        return noAccessEntries;
    }

    /** Leaf entries executable at one EL only (FEAT_XNX), mapped without {@code x}. */
    public long singleElExecEntries() {
        return singleElExecEntries;
    }

    /** Bytes of IPA space in valid ranges. */
    public long mappedBytes() {
        return mappedBytes;
    }
}
