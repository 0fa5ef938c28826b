/**
 * Scenario files: the modelled host of a replay (PEs, core preset or TLB overrides, GIC, scheduler,
 * stage-2 backing, cost clock), validated with one clear line per problem.
 */
package org.virtreplay.analysis.scenario;
