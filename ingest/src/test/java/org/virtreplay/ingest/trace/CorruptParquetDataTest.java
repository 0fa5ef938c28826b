package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.convert.ParquetTableWriter;

/** Damage inside a Parquet file's data (footer intact) is reported by row, not as a crash. */
class CorruptParquetDataTest {
    @TempDir
    Path tmp;

    @Test
    void scribbledDataPages() throws IOException {
        Path dir = Fixtures.write(tmp.resolve("in"), Map.of(
                "manifest.csv", "key,value\nformat_version,1\ntime_unit,ns\nclock,none\npe_count,1\n",
                "vms.csv", "vm,name,vcpus,ipa_bits,vmid\n0,a,1,40,\n"));
        Path mem = dir.resolve("mem.parquet");
        try (ParquetTableWriter w = new ParquetTableWriter(TableKind.MEM, mem)) {
            Row r = new Row(TableKind.MEM);
            for (int i = 0; i < 100_000; i++) {
                r.set(0, i);
                r.set(1, 0);
                r.set(2, 0);
                r.set(3, 0);
                r.set(4, i % 4);
                r.set(5, (long) i * 0x9E3779B97F4A7C15L); // incompressible, so the pages are large
                r.set(6, 8);
                w.write(r);
            }
        }
        byte[] b = Files.readAllBytes(mem);
        // overwrite 4 KiB in the middle of the column chunks (the footer is at the end, well after)
        for (int i = b.length / 3; i < b.length / 3 + 4096; i++) {
            b[i] = (byte) 0xa5;
        }
        Files.write(mem, b);
        BadInputException e = assertThrows(BadInputException.class, () -> {
            try (MemCursor m = Trace.open(dir).mem()) {
                while (m.next()) {
                    // a zstd frame or page header that no longer decodes must end in a report
                }
            }
        });
        assertEquals(1, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().get(0).matches(java.util.regex.Pattern.quote(mem.toString())
                + ":row [0-9]+: corrupt Parquet data \\(.*\\)"), e.problems().get(0));
    }
}
