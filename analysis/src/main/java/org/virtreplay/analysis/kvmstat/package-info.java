/**
 * {@code virtreplay kvm-stat}: guest exits by reason in the layout of {@code perf kvm stat report}
 * (docs/kvm-stat.md), computed from the observed {@code exits} table of an imported recording.
 * The computation ({@link org.virtreplay.analysis.kvmstat.ObservedExits}) is apart from the table
 * and its formatting ({@link org.virtreplay.analysis.kvmstat.ExitReport}) so that a replay's
 * modelled exits can fill the same table later.
 */
package org.virtreplay.analysis.kvmstat;
