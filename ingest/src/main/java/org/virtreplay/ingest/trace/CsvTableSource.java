package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV table read with Apache Commons CSV: plain, gzip, xz or zstd (by extension), strict UTF-8,
 * header row naming the columns in any order. See docs/trace-format.md for the messages.
 */
final class CsvTableSource implements TableSource {

    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreEmptyLines(false)
            .get();

    private final TableKind kind;
    private final String file;
    private final Problems problems;
    private final Compression compression;
    private CSVParser parser;
    private Iterator<CSVRecord> it;
    /** fileColumnOf[kindCol] = index in the file's records, or -1 if the column is absent. */
    private final int[] fileColumnOf;
    private int fileColumns;
    private CSVRecord record;
    private long line;
    private boolean done;

    CsvTableSource(TableKind kind, Path path, Problems problems) {
        this.kind = kind;
        this.file = path.toString();
        this.problems = problems;
        this.compression = Compression.of(path.getFileName().toString());
        this.fileColumnOf = new int[kind.columns().size()];
        StrictUtf8Reader reader;
        try {
            reader = new StrictUtf8Reader(compression.open(path));
        } catch (IOException | RuntimeException e) {
            problems.add(file + ":1: " + streamMessage(e.getMessage() == null ? e.toString() : e.getMessage()));
            done = true;
            return;
        }
        try {
            parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        it = parser.iterator();
        done = !readHeader();
    }

    private String streamMessage(String detail) {
        return compression == Compression.NONE
                ? "cannot read file (" + detail + ")"
                : "truncated or corrupt " + compression.label() + " data (" + detail + ")";
    }

    private boolean readHeader() {
        CSVRecord header = nextRecord();
        if (header == null) {
            if (!done) {
                problems.add(file + ":1: empty file, expected a header line naming the columns ("
                        + kind.header() + ")");
            }
            return false;
        }
        Arrays.fill(fileColumnOf, -1);
        fileColumns = header.size();
        boolean ok = true;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            int k = kind.indexOf(name);
            if (k < 0) {
                problems.add(file + ":" + line + ": unknown column '" + name + "' (the " + kind.tableName()
                        + " table has columns " + kind.header() + ")");
                ok = false;
            } else if (fileColumnOf[k] >= 0) {
                problems.add(file + ":" + line + ": duplicate column '" + name + "'");
                ok = false;
            } else {
                fileColumnOf[k] = i;
            }
        }
        for (int k = 0; k < fileColumnOf.length; k++) {
            Column c = kind.column(k);
            if (fileColumnOf[k] < 0 && !c.optional()) {
                problems.add(file + ":" + line + ": missing column '" + c.name() + "' (the " + kind.tableName()
                        + " table has columns " + kind.header() + ")");
                ok = false;
            }
        }
        return ok;
    }

    /** The next record that is not a blank line, or null at the end or on a stream problem. */
    private CSVRecord nextRecord() {
        while (true) {
            long before = parser.getCurrentLineNumber();
            try {
                if (!it.hasNext()) {
                    return null;
                }
                CSVRecord r = it.next();
                line = before + 1;
                if (r.size() == 1 && r.get(0).isEmpty()) {
                    continue; // a blank line
                }
                return r;
            } catch (UncheckedIOException e) {
                streamProblem(e.getCause(), before + 1);
                return null;
            } catch (IllegalStateException e) {
                // Commons CSV reports malformed quoting this way ("EOF reached before encapsulated token finished")
                Throwable c = e.getCause() instanceof IOException ? e.getCause() : e;
                if (c instanceof StrictUtf8Reader.StreamProblem) {
                    streamProblem(c, before + 1);
                } else {
                    problems.add(file + ":" + (before + 1) + ": malformed CSV (" + c.getMessage() + ")");
                    done = true;
                }
                return null;
            }
        }
    }

    private void streamProblem(Throwable cause, long fallbackLine) {
        done = true;
        if (cause instanceof StrictUtf8Reader.StreamProblem p) {
            problems.add(file + ":" + p.line + ": "
                    + (p.badUtf8 ? p.getMessage() + " (the file must be UTF-8)" : streamMessage(p.getMessage())));
        } else {
            problems.add(file + ":" + fallbackLine + ": " + streamMessage(String.valueOf(cause)));
        }
    }

    @Override
    public TableKind kind() {
        return kind;
    }

    @Override
    public boolean next(Row row) {
        while (!done) {
            record = nextRecord();
            if (record == null) {
                done = true;
                return false;
            }
            if (record.size() != fileColumns) {
                problems.add(where() + ": expected " + fileColumns + " columns (" + joinHeader() + "), got "
                        + record.size());
                continue;
            }
            boolean ok = true;
            for (int k = 0; k < fileColumnOf.length; k++) {
                int f = fileColumnOf[k];
                Column c = kind.column(k);
                if (f < 0) {
                    row.setNull(k);
                } else if (!FieldParser.parse(c, record.get(f), row, k)) {
                    problems.add(c.problem(where(), record.get(f)));
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
        return f < 0 || record == null ? "" : record.get(f);
    }

    @Override
    public boolean hasColumn(int col) {
        return fileColumnOf[col] >= 0;
    }

    @Override
    public void close() {
        try {
            if (parser != null) {
                parser.close();
            }
        } catch (IOException e) {
            // closing a read-only stream: nothing of the user's is lost
        }
    }
}
