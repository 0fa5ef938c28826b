package org.virtreplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.TimelineRow;

/** CSV export: exact bytes written out by hand from the fixture, RFC 4180 quoting. */
class ReportCsvTest {
    @TempDir
    Path tmp;

    @Test
    void tlbStatsCsvIsExactlyTheRowsWithCrlf() throws Exception {
        RunFixtures.small(tmp, true);
        CsvReport.write(org.virtreplay.analysis.metrics.RunOutput.open(tmp), tmp.resolve("out"));
        String csv = Files.readString(tmp.resolve("out/tlb_stats.csv"));
        assertEquals("pe,vm,vcpu,structure,tlb_level,page_size,lookups,hits,misses,walks,s1_l0_reads,s1_l1_reads,"
                + "s1_l2_reads,s1_l3_reads,s2_l0_reads,s2_l1_reads,s2_l2_reads,s2_l3_reads,stale_hits\r\n"
                + "0,1,0,l1d,1,4096,100,90,10,0,0,0,0,0,0,0,0,0,0\r\n"
                + "0,1,0,l2,2,4096,10,6,4,4,1,1,2,4,0,2,2,4,1\r\n", csv);
        String faults = Files.readString(tmp.resolve("out/stage2_faults.csv"));
        assertEquals("vm,vcpu,kind,level,s1ptw,cause,count,first_ts,last_ts\r\n"
                + "1,0,translation,3,false,lazy_map,2,100,1500000\r\n"
                + "1,0,permission,3,false,dirty_log,1,1200000,1200000\r\n", faults);
    }

    @Test
    void quotingFollowsRfc4180() throws Exception {
        RunFixtures.small(tmp, true);
        CsvReport.write(org.virtreplay.analysis.metrics.RunOutput.open(tmp), tmp.resolve("out"));
        String info = Files.readString(tmp.resolve("out/run_info.csv"));
        assertTrue(info.contains("\r\noption.note,\"a,b \"\"c\"\"\"\r\n"), info);
        assertTrue(info.contains("\r\nvm.1.name,\"<script>alert(1)</script> & \"\"dq\"\" 'sq'\"\r\n"), info);
        assertEquals("plain", CsvReport.quote("plain"));
        assertEquals("\"a\r\nb\"", CsvReport.quote("a\r\nb"));
        assertEquals("\"x\"\"y\"", CsvReport.quote("x\"y"));
        assertEquals("\"1,5\"", CsvReport.quote("1,5"));
    }

    @Test
    void nullIsAnEmptyFieldAndEmptyTablesKeepTheirHeader() throws Exception {
        RunFixtures.small(tmp, false);
        MetricTableWriter.writeAll(tmp, MetricTables.TIMELINE,
                java.util.List.of(new TimelineRow(0, 1_000_000, 1, 0, 0, null, 0, 0, null)));
        MetricTableWriter.writeAll(tmp, MetricTables.STAGE2_FAULTS, java.util.List.of());
        CsvReport.write(org.virtreplay.analysis.metrics.RunOutput.open(tmp), tmp.resolve("out"));
        assertEquals("window_start_ns,window_end_ns,vm,tlb_lookups,tlb_hits,tlb_hit_rate,stage2_faults,interrupts,"
                + "irq_p99_ns\r\n0,1000000,1,0,0,,0,0,\r\n", Files.readString(tmp.resolve("out/timeline.csv")));
        assertEquals("vm,vcpu,kind,level,s1ptw,cause,count,first_ts,last_ts\r\n",
                Files.readString(tmp.resolve("out/stage2_faults.csv")));
    }
}
