package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.virtreplay.ingest.convert.AvroSchemas;

/** The .avsc files in source control are the schemas the column definitions imply. */
class AvroSchemasTest {
    @Test
    void resourcesMatchTableDefinitions() {
        for (TableKind k : TableKind.values()) {
            assertEquals(AvroSchemas.build(k), AvroSchemas.load(k), k.tableName()
                    + ".avsc is stale: regenerate with AvroSchemas.main");
        }
    }

    @Test
    void memSchemaByHand() {
        // docs/trace-format.md: mem is ts long, vm/vcpu/el int, access enum, va long, size int; none nullable
        Schema s = AvroSchemas.load(TableKind.MEM);
        assertEquals("org.virtreplay.trace.v1.Mem", s.getFullName());
        assertEquals(Schema.Type.LONG, s.getField("ts").schema().getType());
        assertEquals(Schema.Type.INT, s.getField("vcpu").schema().getType());
        assertEquals(Schema.Type.ENUM, s.getField("access").schema().getType());
        assertEquals(java.util.List.of("r", "w", "x", "rw"), s.getField("access").schema().getEnumSymbols());
        assertEquals(Schema.Type.LONG, s.getField("va").schema().getType());
        // an optional column is a union with null, default null
        Schema pa = AvroSchemas.load(TableKind.MEMSLOTS).getField("pa").schema();
        assertEquals(Schema.Type.UNION, pa.getType());
        assertEquals(Schema.Type.NULL, pa.getTypes().get(0).getType());
    }
}
