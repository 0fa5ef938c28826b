package org.virtreplay.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.ingest.importer.ImportFixture.column;
import static org.virtreplay.ingest.importer.ImportFixture.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.trace.Problems;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/** The sink: offsets, time 0, AT_START, inferred vCPUs, PEs and IPA size, and its manifest. */
class ImportSinkTest {
    @TempDir
    Path dir;

    private static Row sched(long ts, int pe, int vm, int vcpu) {
        Row r = new Row(TableKind.SCHED);
        r.set(0, ts);
        r.set(1, pe);
        r.set(2, vm);
        r.set(3, vcpu);
        r.set(4, 0);
        return r;
    }

    @Test
    void timesGetOffsetsAndStartAtTheEarliestEvent() throws IOException {
        Path work = Files.createDirectories(dir.resolve("w"));
        ImportSink sink = new ImportSink(work, false, new Problems(20), Map.of("b.txt", -500L), 2);
        SourceSink a = sink.source(SourceSpec.of(SourceFormat.KVM_EVENTS, dir.resolve("a.txt")));
        SourceSink b = sink.source(new SourceSpec(SourceFormat.SPE, "web", -1, dir.resolve("b.txt"), "b.txt"));
        int vm = sink.vm("web");
        a.add(sched(2000, 3, vm, 1));
        a.add(sched(1000, 0, vm, 0));
        b.add(sched(1600, 1, vm, 0)); // 1100 after its offset
        a.event(900); // an event that made no row: time 0
        Row map = new Row(TableKind.MAP);
        map.set(0, ImportSink.AT_START);
        map.set(1, vm);
        map.set(2, 2);
        map.setNull(3);
        map.setNull(4);
        map.set(5, 0x100_0000_0000L); // a 1 GiB stage-2 block at IPA 1 TiB: ends beyond 40 bits
        map.set(6, 0x8000_0000L);
        map.set(7, 1L << 30);
        map.setText(8, "rw");
        map.set(9, 0);
        map.setNull(10);
        map.set(11, 0);
        b.add(map);
        Path out = Files.createDirectories(dir.resolve("out"));
        sink.write(out, TraceConverter.Form.CSV);
        assertEquals(List.of("100", "200", "1100"), column(out, "sched", "ts"));
        assertEquals(List.of("0", "1", "3"), column(out, "sched", "pe"));
        assertEquals(List.of("0"), column(out, "map", "ts")); // AT_START
        assertEquals(List.of("2"), column(out, "vms", "vcpus")); // vCPU 1 used: inferred
        assertEquals(List.of("42"), column(out, "vms", "ipa_bits")); // raised to cover 0x100_4000_0000
        Map<String, String> m = manifest(out);
        assertEquals("4", m.get("pe_count"));
        assertEquals("900", m.get("source.ts_epoch_ns"));
        assertEquals("-500", m.get("source.2.offset_ns"));
        assertTrue(m.get("source.inferred.vm.0.vcpus").startsWith("2: "));
        assertTrue(m.get("source.inferred.vm.0.ipa_bits").startsWith("42: "));
        assertEquals("none", m.get("clock")); // no source named its clock
    }

    @Test
    void aRowOutOfItsRangeIsABugOfTheImporterNotAUserError() throws IOException {
        ImportSink sink = new ImportSink(dir, false, new Problems(20), Map.of(), 16);
        SourceSink a = sink.source(SourceSpec.of(SourceFormat.KVM_EVENTS, dir.resolve("a.txt")));
        int vm = sink.vm("x");
        assertThrows(IllegalArgumentException.class, () -> a.add(sched(1, 5000, vm, 0)));
        assertThrows(IllegalArgumentException.class, () -> a.add(sched(1, 0, vm + 1, 0)));
    }
}
