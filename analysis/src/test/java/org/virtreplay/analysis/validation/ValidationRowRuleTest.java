package org.virtreplay.analysis.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.analysis.metrics.ValidationRow;

/** The judging threshold and the error columns of one validation row (docs/metrics.md, validation). */
class ValidationRowRuleTest {
    @Test
    void judgedFromThirtyObservationsAndP99FromAHundred() {
        assertTrue(Validation.row("exits", 0, "vm=0", 30, 33.0, 30, 33, Validation.MIN_SAMPLES, "").judged());
        ValidationRow few = Validation.row("exits", 0, "vm=0", 29, 33.0, 29, 33, Validation.MIN_SAMPLES, "");
        assertFalse(few.judged());
        assertEquals("too few observations to judge: 29 (at least 30)", few.note());
        assertFalse(Validation.row("irq_latency_p99_ns", 0, "s", 500, 400.0, 99, 99, Validation.MIN_SAMPLES_P99, "")
                .judged());
        assertTrue(Validation.row("irq_latency_p99_ns", 0, "s", 500, 400.0, 100, 9, Validation.MIN_SAMPLES_P99, "")
                .judged());
    }

    @Test
    void errorsAreAbsoluteAndRelativeToTheObservedValue() {
        ValidationRow r = Validation.row("exit_mean_ns", 1, "vm=1 reason=SYS64", 400, 300.0, 40, 40, 30, "");
        assertEquals(100.0, r.absError());
        assertEquals(0.25, r.relError());
        assertEquals("", r.note());
        ValidationRow zero = Validation.row("exits", 1, "vm=1 reason=WFx", 0, 7.0, 0, 7, 30, "");
        assertEquals(7.0, zero.absError());
        assertNull(zero.relError());
        ValidationRow none = Validation.row("irq_latency_p50_ns", 1, "s", 900, null, 40, 0, 30, "no model");
        assertNull(none.absError());
        assertNull(none.relError());
        assertFalse(none.judged());
        assertEquals("no model", none.note());
    }
}
