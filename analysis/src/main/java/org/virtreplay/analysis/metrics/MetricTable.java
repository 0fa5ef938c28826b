package org.virtreplay.analysis.metrics;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;

/**
 * A metric table: its file name, whether a replay must write it, and its columns, which are the
 * components of the row record {@code R} in declaration order. The Avro schema (and hence the
 * Parquet schema) is derived from the record, so the Java type and the file format cannot drift.
 *
 * @param <R> the row record
 */
public final class MetricTable<R extends Record> {

    /** The Avro namespace of every metric table's record schema. */
    public static final String NAMESPACE = "org.virtreplay.metrics";

    private final String name;
    private final boolean optional;
    private final Class<R> rowType;
    private final List<Column> columns;
    private final MethodHandle[] accessors;
    private final MethodHandle constructor;
    private final Schema schema;

    /**
     * A metric table outside this package (e.g. {@code sweep_results}): the schema is derived from
     * the public row record {@code rowType} exactly as for the tables of {@link MetricTables}.
     */
    public static <R extends Record> MetricTable<R> of(String name, boolean optional, Class<R> rowType, String doc) {
        return new MetricTable<>(name, optional, rowType, doc);
    }

    MetricTable(String name, boolean optional, Class<R> rowType, String doc) {
        this.name = name;
        this.optional = optional;
        this.rowType = rowType;
        RecordComponent[] comps = rowType.getRecordComponents();
        List<Column> cols = new ArrayList<>(comps.length);
        accessors = new MethodHandle[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            for (int i = 0; i < comps.length; i++) {
                RecordComponent rc = comps[i];
                types[i] = rc.getType();
                cols.add(new Column(Column.snakeCase(rc.getName()), typeOf(rc.getType()),
                        rc.getType() == Long.class || rc.getType() == Double.class));
                accessors[i] = lookup.unreflect(rc.getAccessor());
            }
            constructor = lookup.findConstructor(rowType, MethodType.methodType(void.class, types));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("row record " + rowType.getName() + " is not public", e);
        }
        this.columns = Collections.unmodifiableList(cols);
        SchemaBuilder.FieldAssembler<Schema> fa = SchemaBuilder.record(name).namespace(NAMESPACE).doc(doc).fields();
        for (Column c : cols) {
            Schema prim = switch (c.type()) {
                case INT -> Schema.create(Schema.Type.INT);
                case LONG -> Schema.create(Schema.Type.LONG);
                case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
                case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
                case STRING -> Schema.create(Schema.Type.STRING);
            };
            Schema s = c.nullable() ? Schema.createUnion(Schema.create(Schema.Type.NULL), prim) : prim;
            if (c.nullable()) {
                fa = fa.name(c.name()).type(s).withDefault(null);
            } else {
                fa = fa.name(c.name()).type(s).noDefault();
            }
        }
        this.schema = fa.endRecord();
    }

    private static Column.Type typeOf(Class<?> t) {
        if (t == int.class) {
            return Column.Type.INT;
        } else if (t == long.class || t == Long.class) {
            return Column.Type.LONG;
        } else if (t == double.class || t == Double.class) {
            return Column.Type.DOUBLE;
        } else if (t == boolean.class) {
            return Column.Type.BOOLEAN;
        } else if (t == String.class) {
            return Column.Type.STRING;
        }
        throw new IllegalArgumentException("unsupported column type " + t);
    }

    /** The table name, which is also the file name without {@code .parquet}. */
    public String name() {
        return name;
    }

    public String fileName() {
        return name + ".parquet";
    }

    /**
     * True for the tables an output may lack: the per-event tables, written only on request
     * ({@code --events}), and {@code exit_stats}, which every replay writes but outputs of versions
     * before it lack (so that {@code report} still reads them).
     */
    public boolean optional() {
        return optional;
    }

    public Class<R> rowType() {
        return rowType;
    }

    public List<Column> columns() {
        return columns;
    }

    public Schema schema() {
        return schema;
    }

    /** Copies the row's values into {@code rec} (a record of {@link #schema()}), field by field. */
    void fill(R row, GenericRecord rec) {
        try {
            for (int i = 0; i < accessors.length; i++) {
                Object v = accessors[i].invoke(row);
                if (v == null && !columns.get(i).nullable()) {
                    throw new IllegalArgumentException(name + "." + columns.get(i).name() + " must not be null");
                }
                rec.put(i, v);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The value of column {@code i} of {@code row}. */
    public Object value(R row, int i) {
        try {
            return accessors[i].invoke(row);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Builds a row from values already converted to the columns' Java types. */
    R newRow(Object[] values) {
        try {
            return rowType.cast(constructor.invokeWithArguments(values));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
