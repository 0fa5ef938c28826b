/**
 * The {@code virtreplay} command line (picocli): one class per subcommand, each a thin layer that
 * parses options, calls ingest, the engine, analysis or reports, and maps problems to exit codes
 * (0 success, 1 internal error, 2 bad input or usage).
 */
package org.virtreplay.cli;
