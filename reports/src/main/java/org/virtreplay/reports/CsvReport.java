package org.virtreplay.reports;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.virtreplay.analysis.metrics.MetricCsv;
import org.virtreplay.analysis.metrics.MetricTable;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;

/** One CSV file per metric table present, as {@link MetricCsv} writes it (RFC 4180, every column). */
public final class CsvReport {
    private CsvReport() {
    }

    /** Writes {@code <table>.csv} files into {@code outDir}; returns them in table order. */
    public static List<Path> write(RunOutput run, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>();
        for (MetricTable<?> t : MetricTables.ALL) {
            if (!run.has(t)) {
                continue;
            }
            Path target = outDir.resolve(t.name() + ".csv");
            MetricCsv.write(run.file(t), target);
            written.add(target);
        }
        return written;
    }

    static void writeTable(Path parquet, Writer w) throws IOException {
        MetricCsv.writeTable(parquet, w);
    }

    static String quote(String s) {
        return MetricCsv.quote(s);
    }
}
