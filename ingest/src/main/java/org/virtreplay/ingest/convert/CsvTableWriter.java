package org.virtreplay.ingest.convert;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.virtreplay.ingest.io.OutputFiles;
import org.virtreplay.ingest.trace.Column;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Writes a table as canonical CSV: header in canonical column order, addresses as lower-case
 * {@code 0x}-hex, numbers in decimal, empty for "not given", {@code \n} line ends, text quoted
 * only when it needs it.
 */
public final class CsvTableWriter implements TableWriter {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();
    private final TableKind kind;
    private final CSVPrinter printer;
    private final String[] fields;
    private long rows;

    public CsvTableWriter(TableKind kind, Path file) throws IOException {
        this.kind = kind;
        this.printer = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(OutputFiles.newOutputStream(file),
                StandardCharsets.UTF_8), 1 << 16), FORMAT);
        this.fields = new String[kind.columns().size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = kind.column(i).name();
        }
        printer.printRecord((Object[]) fields);
    }

    @Override
    public void write(Row row) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            Column c = kind.column(i);
            fields[i] = row.isNull(i) ? "" : c.type() == Column.Type.TEXT ? row.text(i) : row.format(i);
        }
        printer.printRecord((Object[]) fields);
        rows++;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        printer.close();
    }
}
