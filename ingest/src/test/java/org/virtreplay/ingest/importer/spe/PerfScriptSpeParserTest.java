package org.virtreplay.ingest.importer.spe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.TextInput;

/**
 * perf script output of Arm SPE: the two real samples (copies of /work/shared/samples) and lines
 * written after perf's builtin-script.c for the other column choices. Expected values are read off
 * the lines by hand, as the comments say.
 */
class PerfScriptSpeParserTest {

    static Path resource(String name) {
        try {
            return Path.of(PerfScriptSpeParserTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<SpeSample> parse(TextInput in, Issues issues, PerfScriptSpeParser[] out) {
        PerfScriptSpeParser p = new PerfScriptSpeParser(issues);
        List<SpeSample> list = new ArrayList<>();
        try (in) {
            p.parse(in, list::add);
        }
        if (out != null) {
            out[0] = p;
        }
        issues.finish();
        return list;
    }

    static List<SpeSample> parse(String text, PerfScriptSpeParser[] out) {
        return parse(TextInput.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.txt"),
                Issues.strict("t.txt"), out);
    }

    static List<SpeSample> file(String name, PerfScriptSpeParser[] out) {
        return parse(TextInput.open(resource(name), name), Issues.strict(name), out);
    }

    /**
     * perf-script-arm-spe-addr-physaddr.txt: three lines (l1d-access, tlb-access, memory) of one
     * record: sleep, tid 49337, CPU 4, time 20133.731889 s; columns addr ffff800034123970, ip
     * ffffcbebcde1d5b8 [unknown] ([unknown]), phys_addr 153d19970.
     */
    @Test
    void addrPhysAddrSampleIsOneSample() {
        PerfScriptSpeParser[] p = new PerfScriptSpeParser[1];
        List<SpeSample> s = file("perf-script-arm-spe-addr-physaddr.txt", p);
        assertEquals(1, s.size());
        SpeSample x = s.get(0);
        assertEquals(1, x.line());
        assertEquals(3, x.lines());
        assertEquals(20133_731889_000L, x.timeNs());
        assertEquals(1000, x.precisionNs());
        assertEquals("sleep", x.comm());
        assertEquals(49337, x.tid());
        assertEquals(4, x.cpu());
        assertTrue(x.hasIp());
        assertEquals(0xffffcbebcde1d5b8L, x.ip());
        assertTrue(x.hasAddr());
        assertEquals(0xffff800034123970L, x.addr());
        assertTrue(x.hasPhys());
        assertEquals(0x153d19970L, x.physAddr());
        assertFalse(x.hasDataSrc());
        assertEquals(-1, x.weight());
        assertEquals("l1d-access;tlb-access;memory", x.eventNames());
        assertTrue(x.isMemory());
        assertNull(x.op());
        assertEquals("hit", x.tlb());
        assertEquals("hit", x.l1d());
        assertNull(x.llc());
        assertEquals(3, p[0].eventLines());
        assertTrue(p[0].hasAddrColumn());
        assertTrue(p[0].hasPhysColumn());
    }

    /**
     * perf-script-arm-spe-data-src.txt: four lines (l1d-miss, l1d-access, tlb-access, memory) of one
     * record of ls, tid 14753, CPU 11, time 3678.072400 s; data_src 88000182 = mem_op 0x02 (LOAD),
     * mem_lvl 0x0c (L1 | MISS), mem_dtlb 0x22 (WK | HIT); the hex after the text is the PC (with its
     * symbol and DSO): there is no addr column, so no data address.
     */
    @Test
    void dataSrcSampleIsOneLoadWithoutDataAddress() {
        PerfScriptSpeParser[] p = new PerfScriptSpeParser[1];
        List<SpeSample> s = file("perf-script-arm-spe-data-src.txt", p);
        assertEquals(1, s.size());
        SpeSample x = s.get(0);
        assertEquals(4, x.lines());
        assertEquals(3678_072400_000L, x.timeNs());
        assertEquals("ls", x.comm());
        assertEquals(14753, x.tid());
        assertEquals(11, x.cpu());
        assertEquals(0xffffa7c22b4b2a00L, x.ip());
        assertFalse(x.hasAddr());
        assertFalse(x.hasPhys());
        assertEquals(0x88000182L, x.dataSrc());
        assertEquals("load", x.op());
        assertEquals("hit", x.tlb());
        assertEquals("miss", x.l1d());
        assertEquals("l1d-miss;l1d-access;tlb-access;memory", x.eventNames());
        assertEquals("l1d-access;l1d-miss;tlb-access;memory", x.eventsCanonical());
        assertEquals("|OP LOAD|LVL L1 miss|SNP N/A|TLB Walker hit|LCK No|BLK  N/A", x.dataSrcText());
        assertFalse(p[0].hasAddrColumn());
        assertTrue(p[0].hasDataSrcColumn());
    }

    @Test
    void recordsSharingAMicrosecondStaySeparate() {
        // Two records of the same thread, CPU, time and PC: the second starts when l1d-access repeats.
        String t = """
                 app  100/101 [002]  50.000001:  1  l1d-access: aaaa00001000 ffff000010 [unknown] ([k])
                 app  100/101 [002]  50.000001:  1      memory: aaaa00001000 ffff000010 [unknown] ([k])
                 app  100/101 [002]  50.000001:  1  l1d-access: aaaa00002000 ffff000010 [unknown] ([k])
                 app  100/101 [002]  50.000001:  1    tlb-miss: aaaa00002000 ffff000010 [unknown] ([k])
                 app  100/101 [002]  50.000001:  1      memory: aaaa00002000 ffff000010 [unknown] ([k])
                 app  100/101 [003]  50.000001:  1      memory: aaaa00002000 ffff000010 [unknown] ([k])
                """;
        List<SpeSample> s = parse(t, null);
        assertEquals(3, s.size());
        assertEquals(0xaaaa00001000L, s.get(0).addr());
        assertNull(s.get(0).tlb());
        assertEquals(0xaaaa00002000L, s.get(1).addr());
        assertEquals("miss", s.get(1).tlb());
        assertEquals(100, s.get(1).pid());
        assertEquals(101, s.get(1).tid());
        assertEquals(3, s.get(2).cpu());
    }

    @Test
    void otherColumnChoices() {
        // -F comm,tid,cpu,time,event,addr,ip,sym,dso,weight --ns with a vCPU thread name that has a
        // space, a header giving the period, a call-chain frame and a non-SPE event.
        String t = """
                # ========
                # event : name = arm_spe_0/ts_enable=1,pa_enable=1/, , id = { 5 }, type = 8 (arm_spe_0), size = 136, { sample_period, sample_freq } = 4096, sample_type = IP|TID|TIME
                # ========
                       CPU 0/KVM  4242 [001] 100.000000500:      tlb-miss: ffff80000a000008       73 ffff800010081234 do_work+0x14 ([kernel.kallsyms])
                       CPU 0/KVM  4242 [001] 100.000000500:        memory: ffff80000a000008       73 ffff800010081234 do_work+0x14 ([kernel.kallsyms])
                \tffff800010081234 do_work+0x14 ([kernel.kallsyms])

                       CPU 0/KVM  4242 [001] 100.000000900:        cycles: ffff80000a000008       73 ffff800010081234 do_work+0x14 ([kernel.kallsyms])
                """;
        PerfScriptSpeParser[] p = new PerfScriptSpeParser[1];
        List<SpeSample> s = parse(t, p);
        assertEquals(1, s.size());
        SpeSample x = s.get(0);
        assertEquals("CPU 0/KVM", x.comm());
        assertEquals(4242, x.tid());
        assertEquals(100_000_000_500L, x.timeNs());
        assertEquals(1, x.precisionNs());
        assertEquals(0xffff80000a000008L, x.addr());
        assertEquals(73, x.weight());
        assertEquals(0xffff800010081234L, x.ip());
        assertEquals("miss", x.tlb());
        assertEquals(4096, p[0].period());
        assertEquals(2, p[0].periodLine());
        assertEquals(1, p[0].callchainLines());
        assertEquals(Map.of("cycles", 1L), p[0].unknownEvents());
        assertTrue(p[0].hasWeightColumn());
    }

    @Test
    void hexColumnsWithoutTheSymbolCannotBePlaced() {
        BadInputException e = assertThrows(BadInputException.class, () -> parse(
                "  ls 14753 [011]  3678.072400:  memory: ffffa7c22b4b2a00 ffff000012340000\n", null));
        assertEquals("t.txt:1: expected the PC with its symbol or DSO after the numeric columns (perf script -F "
                + "...,ip,sym,...), got only numbers 'ffffa7c22b4b2a00 ffff000012340000': without it the data address "
                + "cannot be told from the PC", e.getMessage());
    }

    @Test
    void malformedCorpusGivesOneLinePerProblem() {
        String good = "\tsleep 49337 [004] 20133.731889:          1             l1d-access: ffff800034123970 "
                + "ffffcbebcde1d5b8 [unknown] ([unknown])       153d19970\n";
        String[][] cases = {
            {"\tsleep 49337 [004] 20133.731889:          1             memory: ffff800034123970 ffffcbebcde1d5b8 [unk",
                "t.txt:2: expected the columns of line 1 (addr, ip, phys_addr, sym/dso, cpu), got addr, ip, sym/dso, "
                        + "cpu (a truncated or differently printed line)"},
            {"\tsleep 49337 [004] 20133.7318891234567:          1             memory: ffff800034123970 ffffcbebcde1d5b8"
                    + " [unknown] ([unknown])       153d19970",
                "t.txt:2: expected the time as seconds with 1 to 9 decimals, got '20133.7318891234567:'"},
            {"\tsleep 49337 [004] 20133.731889:          1",
                "t.txt:2: expected the event name 'NAME:' after the time, got '1'"},
            {"\tsleep 49337 [004] 20133.731889 1 memory: ffff800034123970",
                "t.txt:2: expected a perf script sample line 'COMM TID [CPU] SECONDS.FRACTION: EVENT: ...' with the "
                        + "time column, got 'sleep 49337 [004] 20133.731889 1 memory: ffff800034123970'"},
            {"\tsleep 49337 [004] 20133.731889:          1             memory: ffff800034123970 ffffcbebcde1d5b8 "
                    + "[unknown] ([unknown])       153d1997z",
                "t.txt:2: expected phys_addr (hex) after the PC's symbol, got '153d1997z'"},
            {"  ls 14753 [011]  3678.072400:  1  memory:  88000182 |OP LOAD|LVL L1 miss ffffa7c22b4b2a00 [unknown]",
                "t.txt:2: expected the data_src text to end with '|BLK ...', got '|OP LOAD|LVL L1 miss "
                        + "ffffa7c22b4b2a00 [unknown]'"},
        };
        for (String[] c : cases) {
            BadInputException e = assertThrows(BadInputException.class, () -> parse(good + c[0] + "\n", null), c[0]);
            assertEquals(List.of(c[1]), e.problems(), c[0]);
            Issues lenient = new Issues("t.txt", true, 20);
            List<SpeSample> s = parse(TextInput.of(new ByteArrayInputStream((good + c[0] + "\n")
                    .getBytes(StandardCharsets.UTF_8)), "t.txt"), lenient, null);
            assertEquals(1, s.size(), c[0]);
            assertEquals(1, lenient.skippedCount(), c[0]);
        }
    }
}
