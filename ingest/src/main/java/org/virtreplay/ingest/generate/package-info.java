/**
 * {@code virtreplay generate}: a seeded synthetic workload generator that writes canonical traces
 * (docs/trace-format.md). It simulates, in time order, a host of PEs running the vCPUs of several
 * VMs, each running guest processes with their own ASIDs, and writes what a recorder would see:
 * the memslots, the register writes that set up both translation stages, stage-1 and stage-2
 * {@code map} records, memory accesses, TLB maintenance, interrupts and the vCPU schedule.
 *
 * <p>Everything is drawn from one seed, so the same options give byte-identical files. The
 * per-access path allocates nothing and the whole run streams to disk in memory that depends on
 * the scenario (VMs, vCPUs, footprint), never on the number of accesses.
 */
package org.virtreplay.ingest.generate;
