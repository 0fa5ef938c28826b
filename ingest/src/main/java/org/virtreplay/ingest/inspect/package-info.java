/**
 * Summaries of a canonical trace for {@code virtreplay inspect}: rows per table, VM and vCPU, time
 * span, address ranges, interrupt mix, as text or JSON.
 */
package org.virtreplay.ingest.inspect;
