package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTable;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.StaleTranslationRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;

/**
 * Issue 19's acceptance: a generated trace with remaps (each followed by the guest's TLBI) run as
 * it is reports no stale translation; the same trace with every {@code tlbi} row removed reports
 * some, each pointing at a stage-1 remap row of map.csv whose TLBI was among the removed rows;
 * and the detector changes no other figure (the tables with it off equal those with it on, but
 * for the stale columns and table).
 */
class StaleAcceptanceTest {
    @TempDir
    static Path tmp;
    static Path withTlbi;
    static Path withoutTlbi;

    @BeforeAll
    static void generate() throws IOException {
        withTlbi = tmp.resolve("g");
        String[] r = RunAcceptanceTest.exec("generate", "--out", withTlbi.toString(), "--vms", "2", "--vcpus", "2",
                "--pes", "2", "--accesses", "200000", "--remap-hz", "5000", "--seed", "5", "-q");
        assertEquals("0", r[0], r[1] + r[2]);
        withoutTlbi = tmp.resolve("g-no-tlbi");
        Files.createDirectories(withoutTlbi);
        try (var s = Files.list(withTlbi)) {
            for (Path f : s.toList()) {
                Files.copy(f, withoutTlbi.resolve(f.getFileName()));
            }
        }
        List<String> tlbi = Files.readAllLines(withTlbi.resolve("tlbi.csv"));
        assertTrue(tlbi.size() > 1, "the generated trace has TLBI rows");
        Files.writeString(withoutTlbi.resolve("tlbi.csv"), tlbi.get(0) + "\n");
    }

    private static String[] run(Path trace, String out, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "run";
        args[1] = trace.toString();
        args[2] = "--out=" + tmp.resolve(out);
        args[3] = "-q";
        System.arraycopy(more, 0, args, 4, more.length);
        String[] r = RunAcceptanceTest.exec(args);
        assertEquals("0", r[0], r[1] + r[2]);
        return r;
    }

    @Test
    void withTheTlbiRowsNoneWithoutThemEachPointsAtARemapThatLackedMaintenance() throws IOException {
        String[] ok = run(withTlbi, "ok");
        RunOutput okOut = RunOutput.open(tmp.resolve("ok/metrics"));
        assertEquals(List.of(), okOut.readAll(MetricTables.STALE_TRANSLATIONS));
        assertEquals("0", okOut.runInfo().get(RunInfo.STALE_TRANSLATIONS));
        assertFalse(ok[2].contains("stale translations"), ok[2]);

        String[] bad = run(withoutTlbi, "bad");
        RunOutput badOut = RunOutput.open(tmp.resolve("bad/metrics"));
        List<StaleTranslationRow> rows = badOut.readAll(MetricTables.STALE_TRANSLATIONS);
        assertFalse(rows.isEmpty(), "removing the TLBIs leaves stale translations");
        String n = badOut.runInfo().get(RunInfo.STALE_TRANSLATIONS);
        assertEquals(Integer.toString(rows.size()), n);
        assertTrue(bad[2].contains("stale translations: " + n + " (see stale_translations)"), bad[2]);

        List<String> map = Files.readAllLines(withTlbi.resolve("map.csv"));
        List<String> tlbi = Files.readAllLines(withTlbi.resolve("tlbi.csv"));
        for (StaleTranslationRow s : rows) {
            assertEquals(1, s.stage(), s.toString());
            assertTrue(s.changeSource().startsWith("map.csv:"), s.toString());
            int line = Integer.parseInt(s.changeSource().substring("map.csv:".length()));
            // ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op
            String[] m = map.get(line - 1).split(",", -1);
            assertEquals(List.of("1", "map"), List.of(m[2], m[11]), map.get(line - 1));
            long ia = addr(m[5]);
            assertEquals(s.va() & -4096L, ia & -4096L, s.toString());
            assertEquals(Long.parseLong(m[0]), (long) s.changeNs(), s.toString());
            assertTrue(s.fillNs() < s.changeNs() && s.changeNs() <= s.hitNs(), s.toString());
            // a remap: the page was mapped before this row
            boolean before = false;
            for (int i = 1; i < line - 1 && !before; i++) {
                String[] e = map.get(i).split(",", -1);
                before = e[2].equals("1") && e[11].equals("map") && addr(e[5]) == ia
                        && e[1].equals(Integer.toString(s.vm()));
            }
            assertTrue(before, "map.csv:" + line + " remaps a mapped page");
            // The original trace invalidated that page between the fill and the hit: the maintenance
            // that was removed. (The generator breaks before make: unmap, TLBI, map; the row named
            // is the latest change after the fill, the map.)
            boolean tlbiAfter = false;
            for (int i = 1; i < tlbi.size() && !tlbiAfter; i++) {
                // ts,pe,vm,vcpu,op,asid,addr,ttl,pages
                String[] t = tlbi.get(i).split(",", -1);
                long ts = Long.parseLong(t[0]);
                tlbiAfter = ts > s.fillNs() && ts <= s.hitNs() && !t[6].isEmpty()
                        && (addr(t[6]) & -4096L) == ia && t[2].equals(Integer.toString(s.vm()));
            }
            assertTrue(tlbiAfter, "the original trace has a TLBI of " + m[5] + " between the fill and the hit, " + s);
            assertEquals("no TLBI after the change", s.why());
        }
    }

    @Test
    void theDetectorChangesNoOtherFigure() {
        run(withoutTlbi, "on");
        run(withoutTlbi, "off", "--set", "tlb.stale_check=off");
        RunOutput on = RunOutput.open(tmp.resolve("on/metrics"));
        RunOutput off = RunOutput.open(tmp.resolve("off/metrics"));
        assertFalse(off.has(MetricTables.STALE_TRANSLATIONS));
        long stale = 0;
        for (MetricTable<?> t : MetricTables.ALL) {
            if (t == MetricTables.RUN_INFO || t == MetricTables.STALE_TRANSLATIONS) {
                continue;
            }
            if (t == MetricTables.TLB_STATS) {
                List<TlbStatsRow> a = on.readAll(MetricTables.TLB_STATS);
                stale = a.stream().mapToLong(TlbStatsRow::staleHits).sum();
                assertEquals(off.readAll(MetricTables.TLB_STATS), a.stream().map(StaleAcceptanceTest::noStale).toList());
            } else {
                assertEquals(off.readAll(t), on.readAll(t), t.name());
            }
        }
        assertTrue(stale > 0, "the detector found stale hits in the run with it on");
        Map<String, String> a = new TreeMap<>(on.runInfo());
        Map<String, String> b = new TreeMap<>(off.runInfo());
        for (Map<String, String> m : List.of(a, b)) {
            m.keySet().removeIf(k -> k.contains("stale") || k.startsWith(RunInfo.OPTION_PREFIX));
        }
        assertEquals(b, a);
    }

    /** A trace address: 0x-prefixed hex up to 2^64 - 1 (upper-half VAs), or decimal. */
    private static long addr(String v) {
        return v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
    }

    private static TlbStatsRow noStale(TlbStatsRow r) {
        return new TlbStatsRow(r.pe(), r.vm(), r.vcpu(), r.structure(), r.tlbLevel(), r.pageSize(), r.lookups(),
                r.hits(), r.misses(), r.walks(), r.s1L0Reads(), r.s1L1Reads(), r.s1L2Reads(), r.s1L3Reads(),
                r.s2L0Reads(), r.s2L1Reads(), r.s2L2Reads(), r.s2L3Reads(), 0);
    }
}
