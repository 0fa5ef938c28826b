package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.io.FileFailures;

/**
 * A Parquet table read column by column with parquet-column's low-level {@link ColumnReader}
 * (no Avro records, no Hadoop {@code Path}): a row costs a few primitive reads and, for enum-like
 * columns, a lookup that allocates nothing once a dictionary value has been seen.
 *
 * <p>Any flat schema with the table's column names is accepted, whether or not we wrote it: integer
 * columns may be INT32 or INT64, enum-like and text columns BINARY (UTF-8).
 */
final class ParquetTableSource implements TableSource {

    private final TableKind kind;
    private final String file;
    private final Problems problems;
    private ParquetFileReader reader;
    private MessageType schema;
    private String createdBy;
    private final ColumnDescriptor[] desc;
    private final ColumnReader[] readers;
    private final SymbolLookup[] lookups;
    private long rowsLeftInGroup;
    private long row;
    private boolean done;
    /** The row last filled (for {@link #raw}); its values are all valid when raw is asked. */
    private Row last;
    private final Column[] cols;
    /** Per column: 0 = INT32, 1 = INT64, 2 = text, 3 = symbol. */
    private final int[] how;

    ParquetTableSource(TableKind kind, Path path, Problems problems) {
        this.kind = kind;
        this.file = path.toString();
        this.problems = problems;
        int n = kind.columns().size();
        this.desc = new ColumnDescriptor[n];
        this.readers = new ColumnReader[n];
        this.lookups = new SymbolLookup[n];
        this.cols = kind.columns().toArray(new Column[0]);
        this.how = new int[n];
        try {
            // page CRCs (written by default) catch damage that still decodes, e.g. in raw zstd blocks
            reader = ParquetFileReader.open(new LocalInputFile(path),
                    ParquetReadOptions.builder(ParquetConf.plain()).usePageChecksumVerification(true).build());
            schema = reader.getFooter().getFileMetaData().getSchema();
            createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
        } catch (IOException | RuntimeException e) {
            problems.add(file + ": " + FileFailures.reading(e, FileFailures.Format.PARQUET));
            done = true;
            closeQuietly();
            return;
        }
        // after parquet-mr's own checks (they say more about a short or cut file), the one it skips
        String magic = ParquetMagic.problem(path);
        if (magic != null) {
            problems.add(file + ": not a Parquet file (" + magic + ")");
            done = true;
            closeQuietly();
            return;
        }
        done = !mapColumns();
    }

    private boolean mapColumns() {
        boolean ok = true;
        boolean[] named = new boolean[desc.length];
        for (ColumnDescriptor d : schema.getColumns()) {
            String name = String.join(".", d.getPath());
            int k = kind.indexOf(name);
            if (k >= 0) {
                named[k] = true;
            }
            if (k < 0) {
                problems.add(file + ": unknown column " + UserText.quote(name) + " (the " + kind.tableName()
                        + " table has columns " + kind.header() + ")");
                ok = false;
                continue;
            }
            Column c = kind.column(k);
            PrimitiveTypeName t = d.getPrimitiveType().getPrimitiveTypeName();
            boolean typeOk = d.getMaxRepetitionLevel() == 0 && switch (c.type()) {
                case INT, LONG, SIZE, HEX -> t == PrimitiveTypeName.INT32 || t == PrimitiveTypeName.INT64;
                default -> t == PrimitiveTypeName.BINARY;
            };
            if (!typeOk) {
                problems.add(file + ": column " + UserText.quote(name) + ": expected "
                        + (c.type() == Column.Type.INT || c.type() == Column.Type.LONG || c.type() == Column.Type.SIZE
                                || c.type() == Column.Type.HEX ? "INT32 or INT64" : "BINARY (UTF-8)")
                        + ", got " + (d.getMaxRepetitionLevel() > 0 ? "repeated " : "") + t);
                ok = false;
                continue;
            }
            desc[k] = d;
            if (c.isSymbolic()) {
                lookups[k] = new SymbolLookup(c.symbols());
                how[k] = 3;
            } else if (c.type() == Column.Type.TEXT) {
                how[k] = 2;
            } else {
                how[k] = t == PrimitiveTypeName.INT32 ? 0 : 1;
            }
        }
        for (int k = 0; k < desc.length; k++) {
            if (!named[k] && !kind.column(k).optional()) {
                problems.add(file + ": missing column '" + kind.column(k).name() + "' (the " + kind.tableName()
                        + " table has columns " + kind.header() + ")");
                ok = false;
            }
        }
        return ok;
    }

    @Override
    public TableKind kind() {
        return kind;
    }

    @Override
    public boolean next(Row out) {
        while (!done) {
            try {
                if (rowsLeftInGroup == 0 && !nextGroup()) {
                    done = true;
                    closeQuietly();
                    return false;
                }
                rowsLeftInGroup--;
                row++;
                if (readRow(out)) {
                    return true;
                }
            } catch (RuntimeException e) {
                if (e instanceof org.virtreplay.engine.BadInputException) {
                    throw e;
                }
                problems.add(file + ":row " + (row == 0 ? 1 : row) + ": "
                        + FileFailures.reading(e, FileFailures.Format.PARQUET));
                done = true;
                closeQuietly();
            } catch (IOException e) {
                problems.add(file + ":row " + (row + 1) + ": " + FileFailures.reading(e, FileFailures.Format.PARQUET));
                done = true;
                closeQuietly();
            }
        }
        return false;
    }

    private boolean nextGroup() throws IOException {
        PageReadStore pages = reader.readNextRowGroup();
        if (pages == null) {
            return false;
        }
        rowsLeftInGroup = pages.getRowCount();
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, NOOP, schema, createdBy);
        for (int k = 0; k < desc.length; k++) {
            readers[k] = desc[k] == null ? null : store.getColumnReader(desc[k]);
        }
        return true;
    }

    /** Reads every column of one row; false (with problems reported) if a value is out of range. */
    private boolean readRow(Row out) {
        last = out;
        boolean ok = true;
        for (int k = 0; k < cols.length; k++) {
            ColumnReader r = readers[k];
            Column c = cols[k];
            if (r == null) {
                out.setNull(k);
                continue;
            }
            if (r.getCurrentDefinitionLevel() < desc[k].getMaxDefinitionLevel()) {
                r.consume();
                out.setNull(k);
                if (!c.optional()) {
                    problems.add(c.problem(where(), ""));
                    ok = false;
                }
                continue;
            }
            switch (how[k]) {
                case 0, 1 -> {
                    long v = how[k] == 0 ? r.getInteger() : r.getLong();
                    r.consume();
                    out.set(k, v);
                    if (!c.inRange(v)) {
                        problems.add(c.problem(where(), c.format(v)));
                        ok = false;
                    }
                }
                case 2 -> {
                    String s = r.getBinary().toStringUsingUTF8();
                    r.consume();
                    out.setText(k, s);
                }
                default -> {
                    Binary b = r.getBinary();
                    int i = lookups[k].find(b);
                    r.consume();
                    if (i < 0) {
                        out.setNull(k);
                        problems.add(c.problem(where(), b.toStringUsingUTF8()));
                        ok = false;
                    } else {
                        out.set(k, i);
                    }
                }
            }
        }
        return ok;
    }

    @Override
    public String where() {
        return file + ":row " + row;
    }

    @Override
    public long position() {
        return row;
    }

    @Override
    public String positionLabel() {
        return "row";
    }

    @Override
    public String raw(int col) {
        return last == null ? "" : last.format(col);
    }

    @Override
    public boolean hasColumn(int col) {
        return desc[col] != null;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                // read-only
            }
            reader = null;
        }
    }

    /**
     * Binary -> symbol index without allocating: dictionary-encoded pages hand out the same
     * {@link Binary} object for the same value, so an identity cache answers almost every row.
     */
    static final class SymbolLookup {
        private final Binary[] symbols;
        private final Map<Binary, Integer> index = new HashMap<>();
        private final Binary[] seen = new Binary[64];
        private final int[] seenIndex = new int[64];
        private int next;

        SymbolLookup(List<String> names) {
            symbols = new Binary[names.size()];
            for (int i = 0; i < symbols.length; i++) {
                symbols[i] = Binary.fromConstantByteArray(names.get(i).getBytes(StandardCharsets.UTF_8));
                index.put(symbols[i], i);
            }
        }

        int find(Binary b) {
            for (int i = 0; i < seen.length; i++) {
                if (seen[i] == b) {
                    return seenIndex[i];
                }
            }
            Integer i = index.get(b);
            int v = i == null ? -1 : i;
            seen[next] = b;
            seenIndex[next] = v;
            next = (next + 1) & 63;
            return v;
        }
    }

    private static final GroupConverter NOOP = new GroupConverter() {
        private final PrimitiveConverter prim = new PrimitiveConverter() { };

        @Override
        public Converter getConverter(int fieldIndex) {
            return prim;
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    };
}
