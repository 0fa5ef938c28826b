package org.virtreplay.ingest.trace;

import java.nio.file.Path;

/** Picks the reader of a CSV table: the fast mem reader, or Commons CSV for everything else. */
final class TableSources {
    private TableSources() {
    }

    static TableSource csv(TableKind kind, Path path, Problems problems) {
        return new CsvTableSource(kind, path, problems, kind == TableKind.MEM);
    }
}
