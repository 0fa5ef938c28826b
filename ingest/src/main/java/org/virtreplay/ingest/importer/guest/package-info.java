/**
 * Importer of a guest's stage-1 kernel page-table dump ({@code /sys/kernel/debug/kernel_page_tables}
 * of an arm64 guest): the line parser
 * ({@link org.virtreplay.ingest.importer.guest.KernelPageTablesParser}) and the reader that turns
 * the linear map into stage-1 map rows ({@link org.virtreplay.ingest.importer.guest.KernelPageTables}).
 */
package org.virtreplay.ingest.importer.guest;
