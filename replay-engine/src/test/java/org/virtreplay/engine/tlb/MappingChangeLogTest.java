package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which recorded changes a TLB entry of a given size and place sees (all values worked out by hand). */
class MappingChangeLogTest {
    private static final long SRC = MappingChangeLog.source(MappingChangeLog.SRC_MAP_ROW, 7);

    @Test
    void aPageChangeIsSeenByTheEntriesThatCoverItOnly() {
        MappingChangeLog log = new MappingChangeLog(2, 1 << 10);
        log.changed(0, 1, 0x8000_3000L, 4096, 150, SRC); // seq 1
        // a 4 KB entry of that page, filled before (seq 0): sees change 1 with its time and source
        assertEquals(1, log.changedSince(0, 1, 0x8000_3010L, 12, 0));
        assertEquals(150, log.foundNs);
        assertEquals(7, MappingChangeLog.sourcePosition(log.foundSrc));
        // filled after it: nothing
        assertEquals(0, log.changedSince(0, 1, 0x8000_3010L, 12, 1));
        // the neighbouring 4 KB page: nothing; a 2 MB entry holding both: sees it
        assertEquals(0, log.changedSince(0, 1, 0x8000_4000L, 12, 0));
        assertEquals(1, log.changedSince(0, 1, 0x8000_0000L, 21, 0));
        // the other stage, the other VM: nothing; and only VM 0's clock moved
        assertEquals(0, log.changedSince(0, 2, 0x8000_3000L, 12, 0));
        assertEquals(0, log.changedSince(1, 1, 0x8000_3000L, 12, 0));
        assertEquals(1, log.vmClock[0]);
        assertEquals(0, log.vmClock[1]);
    }

    @Test
    void aWideChangeIsSeenByEveryPageOfItsLevel() {
        MappingChangeLog log = new MappingChangeLog(1, 1 << 10);
        // 2 MB = 512 pages > 64: recorded as one 2 MB unit, seen by each 4 KB entry inside it
        log.changed(0, 2, 0x4000_0000L, 2 << 20, 10, SRC);
        assertEquals(1, log.changedSince(0, 2, 0x401F_F000L, 12, 0));
        assertEquals(0, log.changedSince(0, 2, 0x4020_0000L, 12, 0));
        // 65 GB: more than 64 units of 1 GB: the whole VM and stage
        log.changed(0, 2, 0, 65L << 30, 20, SRC);
        assertEquals(2, log.changedSince(0, 2, 0x7_0000_0000L, 12, 0));
        assertEquals(0, log.changedSince(0, 1, 0x7_0000_0000L, 12, 0));
        // a descriptor write of unknown place (vm -1) is every VM's
        log.changed(-1, 1, 0, 0, 30, SRC);
        assertEquals(3, log.changedSince(0, 1, 0x1234_5000L, 12, 0));
    }

    @Test
    void aFullLogForgetsThePagesButNotThatTheyChanged() {
        // 1024 slots, half full at 512; each 4 KB change takes 3 (its page, its 2 MB and 1 GB units),
        // and a change is refused room when fewer than 2 * 64 + 4 would remain: the log overflows
        // at the change after 127 of them (3 * 127 = 381 > 512 - 132).
        MappingChangeLog log = new MappingChangeLog(1, 1024);
        for (int i = 0; i < 130; i++) {
            log.changed(0, 1, (long) i << 30, 4096, i, SRC);
        }
        // page 0's change is forgotten as a page, but not as a change: an entry filled before it
        // still sees one
        long seq = log.changedSince(0, 1, 0, 12, 0);
        assertEquals(true, seq > 0);
        // stage 2 never changed, but after the overflow every VM and stage counts as changed
        long s2 = log.changedSince(0, 2, 0x4000_0000L, 12, 0);
        assertEquals(128, s2);
        assertEquals("change_log_full", MappingChangeLog.actionName(log.foundSrc));
    }

    @Test
    void theTlbiSeenAfterAChangeIsThePagesOwnElseTheVmsLast() {
        MappingChangeLog log = new MappingChangeLog(1, 1 << 10);
        log.changed(0, 1, 0x8000_0000L, 4096, 150, SRC); // seq 1
        log.tlbiSeen(0, 1, true, 0x8000_0000L, TlbiOp.VALE1IS.ordinal(), 2, -1, 0, 155, SRC);
        log.tlbiSeen(0, 1, false, 0, TlbiOp.ASIDE1IS.ordinal(), 3, -1, 0, 156, SRC);
        assertEquals(true, log.tlbiAfter(0, 1, 0x8000_0010L, 1));
        assertEquals(TlbiOp.VALE1IS.ordinal(), log.tlbiOp);
        assertEquals(2, log.tlbiAsid);
        assertEquals(true, log.tlbiAfter(0, 1, 0x9000_0000L, 1));
        assertEquals(TlbiOp.ASIDE1IS.ordinal(), log.tlbiOp);
        log.changed(0, 1, 0x8000_0000L, 4096, 160, SRC); // seq 2: both TLBIs were before it
        assertEquals(false, log.tlbiAfter(0, 1, 0x8000_0000L, 2));
    }
}
