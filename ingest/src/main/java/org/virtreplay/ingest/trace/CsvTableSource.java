package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.importer.FormatSniffer;
import org.virtreplay.ingest.io.FileFailures;

/**
 * A CSV table: plain, gzip, xz or zstd (by extension), strict UTF-8, a header row naming the
 * columns in any order. Records come from Apache Commons CSV, or for the big {@code mem} table
 * from the fast splitter of {@link CsvRecords.Fast} (which still hands quoted lines to Commons
 * CSV). See docs/trace-format.md for the messages.
 */
final class CsvTableSource implements TableSource {

    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreEmptyLines(false)
            .get();

    private final TableKind kind;
    private final String file;
    private final Path path;
    private final Problems problems;
    private final Compression compression;
    private CsvRecords records;
    /** fileColumnOf[kindCol] = index in the file's records, or -1 if the column is absent. */
    private final int[] fileColumnOf;
    private int fileColumns;
    private long line;
    private boolean done;
    /** A problem already reported ended the file (so an empty result is not "empty file"). */
    private boolean failed;

    CsvTableSource(TableKind kind, Path path, Problems problems, boolean fast) {
        this.kind = kind;
        this.file = path.toString();
        this.path = path;
        this.problems = problems;
        this.compression = Compression.of(path.getFileName().toString());
        this.fileColumnOf = new int[kind.columns().size()];
        StrictUtf8Reader reader;
        try {
            reader = new StrictUtf8Reader(compression.open(path));
        } catch (IOException | RuntimeException e) {
            done = true;
            problems.add(file + ":1: " + streamMessage(e));
            return;
        }
        records = fast ? new CsvRecords.Fast(reader) : new CsvRecords.Commons(reader);
        done = !readHeader();
    }

    /** A failure of the file or its decompressor, in words ({@code truncated gzip data}). */
    private String streamMessage(Throwable e) {
        return FileFailures.reading(e, switch (compression) {
            case NONE -> FileFailures.Format.PLAIN;
            case GZIP -> FileFailures.Format.GZIP;
            case XZ -> FileFailures.Format.XZ;
            case ZSTD -> FileFailures.Format.ZSTD;
        });
    }

    private boolean readHeader() {
        if (!nextRecord()) {
            if (!failed) {
                problems.add(file + ":1: empty file, expected a header line naming the columns ("
                        + kind.header() + ")");
            }
            return false;
        }
        Arrays.fill(fileColumnOf, -1);
        List<String> bad = new ArrayList<>();
        fileColumns = records.size();
        boolean ok = true;
        for (int i = 0; i < fileColumns; i++) {
            String name = records.get(i).toString();
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            int k = kind.indexOf(name);
            if (k < 0) {
                bad.add(file + ":" + line + ": unknown column " + UserText.quote(name) + " (the "
                        + kind.tableName()
                        + " table has columns " + kind.header() + ")");
                ok = false;
            } else if (fileColumnOf[k] >= 0) {
                bad.add(file + ":" + line + ": duplicate column " + UserText.quote(name));
                ok = false;
            } else {
                fileColumnOf[k] = i;
            }
        }
        for (int k = 0; k < fileColumnOf.length; k++) {
            Column c = kind.column(k);
            if (fileColumnOf[k] < 0 && !c.optional()) {
                bad.add(file + ":" + line + ": missing column '" + c.name() + "' (the " + kind.tableName()
                        + " table has columns " + kind.header() + ")");
                ok = false;
            }
        }
        if (!ok) {
            // Another format's text under a table's name (a lackey log saved as mem.csv) is named as
            // such in one line, not as a problem per word of its first line.
            FormatSniffer.Format f = FormatSniffer.sniffContent(path);
            if (f != FormatSniffer.Format.UNKNOWN && f != FormatSniffer.Format.TRACE_TABLE) {
                bad = List.of(file + ":1: " + f.description() + ", not the " + kind.tableName() + " table of a "
                        + "canonical trace (its header is " + kind.header() + "); " + (f == FormatSniffer.Format.LACKEY
                        ? "import it: 'virtreplay import --lackey vm0:0=" + file + " --out DIR'" : f.hint(path)));
            }
            bad.forEach(problems::add);
        }
        return ok;
    }

    /** Moves to the next record; false at the end or after a problem that ends the file. */
    private boolean nextRecord() {
        try {
            if (records.next()) {
                line = records.line();
                return true;
            }
            done = true;
            return false;
        } catch (StrictUtf8Reader.StreamProblem p) {
            done = true;
            failed = true;
            problems.add(file + ":" + p.line + ": "
                    + (p.badUtf8 ? p.getMessage() + " (the file must be UTF-8)"
                            : p.asIs ? p.getMessage() : streamMessage(p.getCause() != null ? p.getCause() : p)));
            return false;
        } catch (CsvRecords.MalformedCsv e) {
            done = true;
            failed = true;
            problems.add(file + ":" + e.line + ": malformed CSV (" + FileFailures.words(e.getMessage()) + ")");
            return false;
        }
    }

    @Override
    public TableKind kind() {
        return kind;
    }

    @Override
    public boolean next(Row row) {
        while (!done && nextRecord()) {
            if (records.size() != fileColumns) {
                problems.add(where() + ": expected " + fileColumns + " columns (" + joinHeader() + "), got "
                        + records.size());
                continue;
            }
            boolean ok = true;
            for (int k = 0; k < fileColumnOf.length; k++) {
                int f = fileColumnOf[k];
                if (f < 0) {
                    row.setNull(k);
                } else if (!FieldParser.parse(kind.column(k), records.get(f), row, k)) {
                    problems.add(kind.column(k).problem(where(), records.get(f).toString()));
                    ok = false;
                }
            }
            if (ok) {
                return true;
            }
        }
        return false;
    }

    private String joinHeader() {
        String[] names = new String[fileColumns];
        for (int k = 0; k < fileColumnOf.length; k++) {
            if (fileColumnOf[k] >= 0) {
                names[fileColumnOf[k]] = kind.column(k).name();
            }
        }
        return String.join(",", names);
    }

    @Override
    public String where() {
        return file + ":" + line;
    }

    @Override
    public long position() {
        return line;
    }

    @Override
    public String positionLabel() {
        return "line";
    }

    @Override
    public String raw(int col) {
        int f = fileColumnOf[col];
        return f < 0 || records == null || f >= records.size() ? "" : records.get(f).toString();
    }

    @Override
    public boolean hasColumn(int col) {
        return fileColumnOf[col] >= 0;
    }

    @Override
    public void close() {
        if (records != null) {
            records.close();
        }
    }
}
