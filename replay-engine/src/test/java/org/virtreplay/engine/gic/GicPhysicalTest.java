package org.virtreplay.engine.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Distributor routing, redistributor SGIs/PPIs/LPIs and the physical CPU interface. */
class GicPhysicalTest {

    private static long[] fourPes() {
        return new long[] {Distributor.defaultAffinity(0), Distributor.defaultAffinity(1),
                Distributor.defaultAffinity(2), Distributor.defaultAffinity(3)};
    }

    @Test
    void irouterRoutesByAffinity() {
        Distributor d = new Distributor(63, fourPes());
        d.configure(40, true, 0xA0, true, false, 2); // Aff0 = 2
        d.configure(41, true, 0xA0, true, false, 0x1_0000_0000L); // Aff3 = 1: no such PE
        d.configure(42, true, 0xA0, true, false, Distributor.IROUTER_IRM | 3);
        assertEquals(2, d.route(40));
        assertEquals(-1, d.route(41));
        assertEquals(0, d.route(42), "1-of-N picks the lowest PE, deterministically");
    }

    @Test
    void acknowledgeByPriorityWithPmrAndPreemption() {
        Distributor d = new Distributor(63, fourPes());
        Redistributor r = new Redistributor(0);
        CpuInterface c = new CpuInterface(1, d, r, 5, 5);
        c.setPmr(0xF0);
        c.setBpr1(3); // group priority bits [7:3]
        d.configure(40, true, 0xA0, true, false, 1);
        d.configure(41, true, 0x90, true, false, 1);
        d.configure(42, true, 0x80, true, false, 0); // routed to PE 0: invisible here
        d.drive(40, true);
        d.drive(41, true);
        d.drive(42, true);
        assertEquals(41, c.readIar1());
        assertEquals(0x90, c.runningPriority());
        assertTrue(d.active(41));
        // 0xA0 cannot preempt 0x90.
        assertEquals(IntId.SPURIOUS, c.readIar1());
        c.writeEoir1(41); // EOImode 0: drop + deactivate
        assertFalse(d.active(41));
        assertEquals(40, c.readIar1());
    }

    @Test
    void pmrMasksEqualPriority() {
        Distributor d = new Distributor(63, fourPes());
        Redistributor r = new Redistributor(0);
        CpuInterface c = new CpuInterface(0, d, r, 5, 5);
        c.setPmr(0xA0);
        d.configure(40, true, 0xA0, true, false, 0);
        d.drive(40, true);
        assertFalse(c.irqAsserted());
        c.setPmr(0xA8);
        assertTrue(c.irqAsserted());
    }

    @Test
    void eoiMode1NeedsDir() {
        Distributor d = new Distributor(63, fourPes());
        Redistributor r = new Redistributor(0);
        CpuInterface c = new CpuInterface(0, d, r, 5, 5);
        c.setPmr(0xF0);
        c.setEoiMode1(true);
        r.configurePrivate(27, true, 0xA0, true);
        r.drive(27, true);
        assertEquals(27, c.readIar1());
        c.writeEoir1(27);
        assertEquals(0xFF, c.runningPriority());
        assertTrue(r.active(27), "priority dropped, still active");
        c.writeDir(27);
        assertFalse(r.active(27));
    }

    @Test
    void sgiAndLpiFromTables() {
        Distributor d = new Distributor(63, fourPes());
        Redistributor r = new Redistributor(64);
        CpuInterface c = new CpuInterface(0, d, r, 5, 5);
        c.setPmr(0xF0);
        r.configurePrivate(1, true, 0xC0, false);
        r.drive(1, true);
        r.setLpiProperty(8195, 0x83, true); // priority held as 0x83 & 0xFC = 0x80
        assertEquals(0x80 | Redistributor.LPI_PROP_GROUP1 | Redistributor.LPI_PROP_ENABLE, r.lpiProperty(8195));
        r.setLpiPending(8195, true);
        assertEquals(8195, c.hppir1());
        assertEquals(8195, c.readIar1());
        assertFalse(r.lpiPending(8195), "LPIs have no active state: acknowledge clears pending");
        c.writeEoir1(8195);
        assertEquals(1, c.readIar1());
    }
}
