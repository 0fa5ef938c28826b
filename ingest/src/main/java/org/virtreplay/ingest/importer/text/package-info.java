/**
 * Reading the text files that {@code virtreplay import} takes (page-table dumps, {@code perf script}
 * output, ...): opening them plain or compressed ({@link org.virtreplay.ingest.importer.text.TextInput}),
 * numbering their lines, and collecting the one-line {@code FILE:LINE: ...} problems of a strict
 * import or the counted skips of a lenient one ({@link org.virtreplay.ingest.importer.text.Issues});
 * and the line loop and order rule both page-table dump readers share
 * ({@link org.virtreplay.ingest.importer.text.PtdumpParser}).
 */
package org.virtreplay.ingest.importer.text;
