/**
 * {@code virtreplay kvm-stat}: guest exits by reason in the layout of {@code perf kvm stat report}
 * (docs/kvm-stat.md), computed from the observed {@code exits} table of an imported recording
 * ({@link org.virtreplay.analysis.kvmstat.ObservedExits}) or from a replay's modelled
 * {@code exit_stats} ({@link org.virtreplay.analysis.kvmstat.ModelledExits}); both fill the same
 * table and formatting ({@link org.virtreplay.analysis.kvmstat.ExitReport}), and
 * {@link org.virtreplay.analysis.kvmstat.ExitComparison} sets the two side by side.
 */
package org.virtreplay.analysis.kvmstat;
