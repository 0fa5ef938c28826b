package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.cli.IngestTestSupport.baseTrace;
import static org.virtreplay.cli.IngestTestSupport.names;
import static org.virtreplay.cli.IngestTestSupport.run;
import static org.virtreplay.cli.IngestTestSupport.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect} and {@code run} on the small trace of {@link IngestTestSupport#baseTrace}:
 * mem rows (ts, vm, vcpu, access, va, size) = (1,0,0,r,0x1000,8), (2,0,1,w,0x2000,4),
 * (3,1,0,x,0x3000,4); the expected figures below are counted from those by hand.
 */
class InspectCommandTest {
    @TempDir
    Path tmp;

    @Test
    void jsonOnCsvAndParquetGiveTheSameFigures() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        write(in.resolve("irq.csv"), "ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts\n"
                + "5,27,0,0,timer,-1,level,assert,,,\n6,33,0,-1,device,-1,level,assert,,,\n"
                + "7,1,1,0,ipi,0,edge,assert,,,\n8,27,0,0,timer,-1,level,deassert,,,\n");
        IngestTestSupport.Result csv = run("inspect", "--json", in.toString());
        assertEquals(0, csv.exit(), csv.err());
        String j = csv.out();
        assertTrue(j.contains("\"mem\":{\"file\":\"mem.csv\",\"rows\":3,\"first_ts\":1,\"last_ts\":3}"), j);
        // irq ts 5..8, mem 1..3: the whole trace spans 1..8
        assertTrue(j.contains("\"time_span\":{\"first_ts\":1,\"last_ts\":8}"), j);
        // vm 0: lowest VA 0x1000, highest byte 0x2000 + 4 - 1
        assertTrue(j.contains("\"va_min\":\"0x1000\",\"va_max\":\"0x2003\""), j);
        assertTrue(j.contains("\"va_min\":\"0x3000\",\"va_max\":\"0x3003\""), j);
        assertTrue(j.contains("\"accesses\":{\"r\":1,\"w\":1,\"x\":1,\"rw\":0}"), j);
        // 27 twice (PPI, timer), 33 (SPI, device), 1 (SGI, ipi)
        assertTrue(j.contains("\"irq_by_class\":{\"SGI\":1,\"PPI\":2,\"SPI\":1,\"LPI\":0}"), j);
        assertTrue(j.contains("\"irq_by_source\":{\"device\":1,\"timer\":2,\"ipi\":1,\"its\":0}"), j);
        // vm 0: vcpu -1 has the routed SPI; vcpu 0 one access and the two timer events; vcpu 1 one access
        assertTrue(j.contains("{\"vcpu\":-1,\"mem\":0,\"sysreg\":0,\"tlbi\":0,\"irq\":1,\"sched\":0,\"daif\":0}"), j);
        assertTrue(j.contains("{\"vcpu\":0,\"mem\":1,\"sysreg\":0,\"tlbi\":0,\"irq\":2,\"sched\":0,\"daif\":0}"), j);

        Path pq = tmp.resolve("pq");
        assertEquals(0, run("ingest", in.toString(), "--out", pq.toString()).exit());
        IngestTestSupport.Result p = run("inspect", "--json", pq.toString());
        assertEquals(0, p.exit(), p.err());
        // the same summary apart from the directory and the file names
        assertEquals(j.replace(in.toString(), "DIR").replace(".csv\"", ""),
                p.out().replace(pq.toString(), "DIR").replace(".parquet\"", ""));
    }

    @Test
    void textSummary() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        IngestTestSupport.Result r = run("inspect", in.toString());
        assertEquals(0, r.exit(), r.err());
        String t = r.out();
        assertTrue(t.contains("format_version 1, clock synthetic, time unit ns, 2 PEs"), t);
        assertTrue(t.contains("  vm 0 'a': 2 vCPUs, 40-bit IPA"), t);
        assertTrue(t.contains("    memslot 0 ram [0x0, 0x40000000), stage-2 pages 4096"), t);
        assertTrue(t.contains("accesses: r 1, w 1, x 1, rw 0"), t);
        assertTrue(t.contains("time span 1 .. 3 ns"), t);
    }

    /**
     * A VM name of 300,003 characters with a line break (valid in a trace, quoted in CSV): the text
     * shows it quoted, its line break escaped, cut to 80 characters with its length, on the VM's one line; the JSON keeps it whole.
     */
    @Test
    void aLongVmNameIsCutInTheTextAndWholeInTheJson() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        String name = "n\nm" + "x".repeat(300_000);
        write(in.resolve("vms.csv"), "vm,name,vcpus,ipa_bits,vmid\n0,\"" + name + "\",2,40,\n1,b,1,40,\n");
        IngestTestSupport.Result r = run("inspect", in.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\n  vm 0 'n\\nm" + "x".repeat(76) + "…' (300,003 characters): 2 vCPUs, 40-bit IPA\n"),
                r.out().substring(0, Math.min(2000, r.out().length())));
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() < 200, () -> "a long line: " + line.substring(0, 100));
        }
        IngestTestSupport.Result j = run("inspect", "--json", in.toString());
        assertEquals(0, j.exit(), j.err());
        assertTrue(j.out().contains("\"name\":\"n\\nm" + "x".repeat(300_000) + "\""), "the JSON has the whole name");
    }

    @Test
    void inspectReportsBadInputWithExit2() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n1,0,0,0,r,zz12,8\n");
        IngestTestSupport.Result r = run("inspect", in.toString());
        assertEquals(2, r.exit());
        assertEquals(List.of(in.resolve("mem.csv") + ":2: column 'va': expected 0x-hex address, got 'zz12'"),
                r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void runIngestsThenInspects() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        Path out = tmp.resolve("out");
        IngestTestSupport.Result r = run("run", in.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        // run = ingest (CSV) + replay + report
        assertEquals(List.of("metrics", "report", "trace"), names(out));
        assertEquals(List.of("manifest.csv", "mem.parquet", "memslots.parquet", "vms.parquet"), names(out.resolve("trace")));
        assertTrue(Files.exists(out.resolve("metrics").resolve("tlb_stats.parquet")));
        assertTrue(r.err().contains("report: " + out.resolve("report").resolve("report.html")), r.err());
        // a second run replaces its output only with --force
        assertEquals(2, run("run", in.toString(), "--out", out.toString()).exit());
        IngestTestSupport.Result again = run("run", in.toString(), "--out", out.toString(), "--force");
        assertEquals(0, again.exit(), again.err());
        assertEquals(List.of("metrics", "report", "trace"), names(out));
    }

    @Test
    void runOnParquetReplaysWithoutIngesting() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        Path pq = tmp.resolve("pq");
        assertEquals(0, run("ingest", in.toString(), "--out", pq.toString()).exit());
        Path out = tmp.resolve("out");
        IngestTestSupport.Result r = run("run", pq.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        // a Parquet trace is replayed as it is: nothing to ingest
        assertEquals(List.of("metrics", "report"), names(out));
    }

    @Test
    void exportBackToCsv() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        Path pq = tmp.resolve("pq");
        Path back = tmp.resolve("back");
        assertEquals(0, run("ingest", in.toString(), "--out", pq.toString()).exit());
        IngestTestSupport.Result r = run("ingest", pq.toString(), "--to", "csv", "--out", back.toString());
        assertEquals(0, r.exit(), r.err());
        // these tables of baseTrace are written in canonical form, so their bytes come back unchanged
        for (String f : List.of("manifest.csv", "vms.csv", "mem.csv")) {
            assertEquals(Files.readString(in.resolve(f)), Files.readString(back.resolve(f)), f);
        }
        // memslots gives its size as 0x40000000; the canonical form of a size is decimal: 2^30
        assertEquals("vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,1073741824,ram,,4096\n",
                Files.readString(back.resolve("memslots.csv")));
    }

    @Test
    void helpWorks() {
        for (String cmd : List.of("ingest", "inspect", "run")) {
            IngestTestSupport.Result r = run(cmd, "--help");
            assertEquals(0, r.exit(), cmd);
            assertTrue(r.out().startsWith("Usage: virtreplay " + cmd), r.out());
        }
    }
}
