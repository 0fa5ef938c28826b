/**
 * The reliability suite (docs/reliability.md): a seeded mutation corpus per input kind, run through
 * the real command line in a worker JVM and judged against the promises every command makes (exit
 * codes, one-line messages that name the place, no partial output, byte-identical reruns, no
 * hang), and fault tests ({@code kill -9} in each phase, a full and a read-only file system).
 * Known open defects are listed in {@code known-failures.txt} beside these classes' resources.
 */
package org.virtreplay.cli.reliability;
