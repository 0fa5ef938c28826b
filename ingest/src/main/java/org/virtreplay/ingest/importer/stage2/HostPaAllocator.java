package org.virtreplay.ingest.importer.stage2;

import java.util.Locale;
import org.virtreplay.engine.BadInputException;

/**
 * Deterministic host physical addresses for guest memory whose host PA was not recorded (a
 * stage-2 dump prints IPA ranges only). Addresses are handed out upward from {@link #BASE} in the
 * order asked for, so the same sources in the same order give the same PAs.
 *
 * <p>The range {@code [BASE, LIMIT)} = [512 GiB, 960 GiB) stays clear of what the replay engine
 * itself places: RAM of memslots without a PA from 128 GiB upward
 * ({@code Stage2Manager.DEFAULT_HOST_RAM_BASE}) and its stage-2 table pool at 960 GiB
 * ({@code Stage2Ports.S2_POOL_BASE}); everything stays below 2^40, the smallest output size a KVM
 * host programs.
 */
public final class HostPaAllocator {
    /** First host PA handed out: 512 GiB. */
    public static final long BASE = 0x80_0000_0000L;
    /** End of the range: the engine's stage-2 table pool starts here (960 GiB). */
    public static final long LIMIT = 0xF0_0000_0000L;

    private long next = BASE;

    /**
     * The lowest free PA that is congruent to {@code ipa} modulo {@code align} (a power of two), so
     * that blocks of up to {@code align} bytes can map IPA to PA one to one. Call {@link #use} with
     * the bytes taken before the next call.
     */
    public long place(long ipa, long align) {
        return next + ((ipa - next) & (align - 1));
    }

    /** Marks {@code [pa, pa + size)} as taken. */
    public void use(long pa, long size) {
        long end = pa + size;
        if (Long.compareUnsigned(end, LIMIT) > 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "the host PA range for imported guest memory [0x%x, 0x%x) is full: the stage-2 layouts map more "
                            + "than %d GiB", BASE, LIMIT, (LIMIT - BASE) >> 30));
        }
        next = end;
    }

    /** The next free PA. */
    public long next() {
        return next;
    }
}
