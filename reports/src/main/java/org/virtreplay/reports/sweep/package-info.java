/**
 * The sweep study: a self-contained HTML page of a capacity sweep's {@code sweep_results}, with
 * each metric charted against each swept parameter (percentile bands across VMs), the knee and
 * the requirements' bounds marked, and the answers table. See docs/sweep.md.
 */
package org.virtreplay.reports.sweep;
