package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;

class RequirementTest {

    @Test
    void parsesEveryOperator() {
        Requirement r = Requirement.parse("irq_p99_us<=50");
        assertEquals(Metric.IRQ_P99_US, r.metric());
        assertEquals(Requirement.Op.LE, r.op());
        assertEquals(50.0, r.bound(), 0.0);
        assertEquals(Requirement.Op.GE, Requirement.parse(" tlb_hit_rate >= 0.99 ").op());
        assertEquals(Requirement.Op.LT, Requirement.parse("s2_faults<1e3").op());
        assertEquals(1000.0, Requirement.parse("s2_faults<1e3").bound(), 0.0);
        assertEquals(Requirement.Op.GT, Requirement.parse("TLB_HIT_RATE>0.5").op());
        assertEquals(Requirement.Op.EQ, Requirement.parse("s2_faults_mmio=0").op());
        assertEquals("tlb_hit_rate>=0.99", Requirement.parse(" tlb_hit_rate >= 0.99 ").text());
    }

    @Test
    void unknownMetricListsTheKnownOnes() {
        BadInputException e = assertThrows(BadInputException.class, () -> Requirement.parse("irq_p98_us<=50"));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("--require 'irq_p98_us<=50': unknown metric 'irq_p98_us'; known "
                + "metrics: tlb_hit_rate, tlb_mpka,"), e.problems().get(0));
    }

    @Test
    void badExpressionsSayWhatIsExpected() {
        for (String bad : List.of("irq_p99_us", "<=50", "irq_p99_us <= 5 0", "")) {
            BadInputException e = assertThrows(BadInputException.class, () -> Requirement.parse(bad), bad);
            assertTrue(e.problems().get(0).contains("expected METRIC OP NUMBER"), e.problems().get(0));
        }
        BadInputException e = assertThrows(BadInputException.class, () -> Requirement.parse("irq_p99_us<=fast"));
        assertEquals("--require 'irq_p99_us<=fast': expected a number after '<=', got 'fast'", e.problems().get(0));
        assertThrows(BadInputException.class, () -> Requirement.parse("irq_p99_us<=NaN"));
        assertEquals("--require 'irq_p99_us=<50': expected a number after '=', got '<50'",
                assertThrows(BadInputException.class, () -> Requirement.parse("irq_p99_us=<50")).problems().get(0));
    }

    @Test
    void testsAVmAndTreatsUndefinedAsMet() {
        Requirement r = Requirement.parse("irq_p99_us<=50");
        assertTrue(r.test(Rows.row(0, 0, 50.0, 0.99)));
        assertFalse(r.test(Rows.row(0, 0, 50.01, 0.99)));
        assertTrue(r.test(Rows.row(0, 0, null, 0.99))); // no interrupts: none was late
        Requirement h = Requirement.parse("tlb_hit_rate>0.99");
        assertFalse(h.test(Rows.row(0, 0, 1.0, 0.99)));
        assertTrue(h.test(Rows.row(0, 0, 1.0, 0.995)));
    }

    @Test
    void theWorseValueDependsOnTheDirection() {
        assertEquals(70.0, Requirement.parse("irq_p99_us<=50").worse(30.0, 70.0));
        assertEquals(0.9, Requirement.parse("tlb_hit_rate>=0.99").worse(0.9, 0.95));
        assertEquals(0.9, Requirement.parse("tlb_hit_rate>=0.99").worse(null, 0.9));
    }
}
