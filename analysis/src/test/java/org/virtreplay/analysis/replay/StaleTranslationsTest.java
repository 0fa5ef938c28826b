package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.MetricsConsistency;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.StaleTranslationRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;

/**
 * The stale-translation detector in its default (exact) mode on hand-built variants of
 * traces/stale: VM 0, one vCPU on one PE, ASID 1 (TTBR0_EL1 = 0x0001_0000_4100_0000), stage 2
 * maps IPA 0x4000_0000 (2 MB) to PA 0x1_0000_0000; stage 1 maps VA 0x8000_0000 (4 KB, nG) to
 * IPA 0x4000_0000, and the row at 150 ns (map.csv line 4) remaps it to IPA 0x4000_5000. Reads at
 * 100 (a walk fills the entry), 110 (a hit), 160 and 170 (hits on the old entry when nothing
 * removed it). So the old PA of VA 0x8000_0010 is 0x1_0000_0010 and the new one 0x1_0000_5010.
 * The VM's VMID is 1 (the model's allocator, like KVM's, starts at 1).
 */
class StaleTranslationsTest {
    @TempDir
    Path tmp;
    private int runs;

    private static final String TLBI_HEADER = "ts,pe,vm,vcpu,op,asid,addr,ttl,pages\n";
    private static final String MAP_HEADER = "ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op\n";
    private static final String S2_MAP = "0,0,2,,,0x40000000,0x100000000,2097152,rwx,normal_wb,,map\n";

    /** traces/stale with some files replaced. */
    private Path variant(String name, Map<String, String> files) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (var s = Files.list(ReplayScenarioTest.trace("stale"))) {
            for (Path f : s.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        return dir;
    }

    private RunOutput run(Path trace, String... sets) throws IOException {
        RunOutput out = ReplayScenarioTest.replay(trace, tmp.resolve(trace.getFileName() + "-out" + runs++), false,
                sets);
        assertEquals(List.of(), MetricsConsistency.check(out));
        return out;
    }

    private static List<StaleTranslationRow> rows(RunOutput out) {
        return out.readAll(MetricTables.STALE_TRANSLATIONS);
    }

    private static long staleHits(RunOutput out) {
        return out.readAll(MetricTables.TLB_STATS).stream().mapToLong(TlbStatsRow::staleHits).sum();
    }

    @Test
    void remapWithoutTlbiHitAgainIsOneStaleTranslationWithItsTimes() throws IOException {
        RunOutput out = run(ReplayScenarioTest.trace("stale"));
        List<StaleTranslationRow> r = rows(out);
        assertEquals(1, r.size(), r.toString());
        StaleTranslationRow s = r.get(0);
        assertEquals(List.of(0, 0, 0, 1, 1, 1), List.of(s.vm(), s.vcpu(), s.pe(), s.stage(), s.asid(), s.vmid()));
        assertEquals(List.of(0x8000_0010L, 0x4000_0010L), List.of(s.va(), s.ipa()));
        assertEquals(List.of(100L, 150L, 160L), List.of(s.fillNs(), s.changeNs(), s.hitNs()));
        assertTrue(s.changeSource().endsWith("map.csv:4"), s.changeSource());
        assertEquals(List.of(0x1_0000_0010L, 0x1_0000_5010L), List.of(s.oldPa(), s.newPa()));
        assertEquals(List.of("rw-", "rw-"), List.of(s.oldPerm(), s.newPerm()));
        assertEquals("VALE1IS ASID 1 VA 0x80000000, VMID 1", s.missingTlbi());
        assertEquals("", s.tlbiSeen());
        assertEquals("no TLBI after the change", s.why());
        assertEquals("EL1&0", s.regime());
        // both hits after the remap (160, 170) are stale; one entry
        assertEquals(2, staleHits(out));
        assertEquals("1", out.runInfo().get(RunInfo.STALE_TRANSLATIONS));
        assertEquals("0", out.runInfo().get(RunInfo.STALE_TRANSLATIONS_BEYOND_CAP));
    }

    @Test
    void remapFollowedByVale1isLeavesNone() throws IOException {
        RunOutput out = run(variant("vale1is", Map.of("tlbi.csv",
                TLBI_HEADER + "155,0,0,0,VALE1IS,1,0x80000000,,\n156,0,0,0,DSB_ISH,,,,\n")));
        assertEquals(List.of(), rows(out));
        assertEquals(0, staleHits(out));
        assertEquals("0", out.runInfo().get(RunInfo.STALE_TRANSLATIONS));
    }

    @Test
    void tlbiOnAnotherAsidLeavesTheEntryAndSaysSo() throws IOException {
        RunOutput out = run(variant("asid2", Map.of("tlbi.csv",
                TLBI_HEADER + "155,0,0,0,VALE1IS,2,0x80000000,,\n156,0,0,0,DSB_ISH,,,,\n")));
        List<StaleTranslationRow> r = rows(out);
        assertEquals(1, r.size(), r.toString());
        assertTrue(r.get(0).tlbiSeen().startsWith("VALE1IS ASID 2 VA 0x80000000 on PE 0 ("), r.get(0).tlbiSeen());
        assertTrue(r.get(0).tlbiSeen().endsWith("tlbi.csv:2)"), r.get(0).tlbiSeen());
        assertEquals("VALE1IS at 155 ns named ASID 2; the entry has ASID 1", r.get(0).why());
    }

    @Test
    void tlbiWithAWrongTtlHintLeavesTheEntryAndSaysSo() throws IOException {
        // TTL 2 says the leaf is a level-2 block; the entry's leaf is a level-3 page, so the TLBI may
        // (and here does) leave it (Arm ARM D8.13.3, TTL hint).
        RunOutput out = run(variant("ttl2", Map.of("tlbi.csv",
                TLBI_HEADER + "155,0,0,0,VALE1IS,1,0x80000000,2,\n156,0,0,0,DSB_ISH,,,,\n")));
        List<StaleTranslationRow> r = rows(out);
        assertEquals(1, r.size(), r.toString());
        assertEquals("VALE1IS at 155 ns had TTL hint level 2; the entry's leaf is at level 3", r.get(0).why());
        // the right hint removes it
        RunOutput ok = run(variant("ttl3", Map.of("tlbi.csv",
                TLBI_HEADER + "155,0,0,0,VALE1IS,1,0x80000000,3,\n156,0,0,0,DSB_ISH,,,,\n")));
        assertEquals(List.of(), rows(ok));
    }

    /** The stage-2 block moves to PA 0x1_8000_0000 at 150; stage 1 stays. */
    private static final String S2_REMAP = MAP_HEADER + S2_MAP
            + "0,0,1,0x41000000,1,0x80000000,0x40000000,4096,rwu,normal_wb,1,map\n"
            + "150,0,2,,,0x40000000,0x180000000,2097152,rwx,normal_wb,,map\n";

    @Test
    void stage2RemapWithoutIpaInvalidationIsAStage2StaleTranslation() throws IOException {
        RunOutput out = run(variant("s2", Map.of("map.csv", S2_REMAP)));
        List<StaleTranslationRow> r = rows(out);
        assertEquals(1, r.size(), r.toString());
        StaleTranslationRow s = r.get(0);
        assertEquals(2, s.stage());
        assertEquals(List.of(0x1_0000_0010L, 0x1_8000_0010L), List.of(s.oldPa(), s.newPa()));
        assertEquals(List.of(100L, 150L, 160L), List.of(s.fillNs(), s.changeNs(), s.hitNs()));
        assertTrue(s.changeSource().endsWith("map.csv:4"), s.changeSource());
        assertEquals("IPAS2LE1IS IPA 0x40000000 + VMALLE1IS (VMID 1)", s.missingTlbi());
        assertEquals("no TLBI after the change", s.why());

        // IPAS2E1IS alone leaves the combined stage-1+2 entry (Arm ARM D8.13.6)
        RunOutput half = run(variant("s2-ipas2", Map.of("map.csv", S2_REMAP, "tlbi.csv",
                TLBI_HEADER + "155,0,0,-1,IPAS2E1IS,,0x40000000,,\n156,0,0,-1,DSB_ISH,,,,\n")));
        assertEquals(1, rows(half).size(), rows(half).toString());
        assertEquals("IPAS2E1IS at 155 ns invalidated the stage-2 entry but no VMALLE1 followed for the combined "
                + "entry", rows(half).get(0).why());

        RunOutput full = run(variant("s2-full", Map.of("map.csv", S2_REMAP, "tlbi.csv",
                TLBI_HEADER + "155,0,0,-1,IPAS2E1IS,,0x40000000,,\n156,0,0,-1,DSB_ISH,,,,\n"
                        + "157,0,0,-1,VMALLE1IS,,,,\n158,0,0,-1,DSB_ISH,,,,\n")));
        assertEquals(List.of(), rows(full));
    }

    @Test
    void anEntryEvictedBeforeTheNextHitIsNotStale() throws IOException {
        // A one-entry L1 D-TLB and no L2: the read of VA 0x8000_1000 at 120 evicts the entry of
        // 0x8000_0000, so the read at 160 walks and finds the new mapping.
        Map<String, String> files = Map.of(
                "map.csv", MAP_HEADER + S2_MAP
                        + "0,0,1,0x41000000,1,0x80000000,0x40000000,4096,rwu,normal_wb,1,map\n"
                        + "0,0,1,0x41000000,1,0x80001000,0x40001000,4096,rwu,normal_wb,1,map\n"
                        + "150,0,1,0x41000000,1,0x80000000,0x40005000,4096,rwu,normal_wb,1,map\n",
                "mem.csv", "ts,vm,vcpu,el,access,va,size\n100,0,0,0,r,0x80000000,8\n120,0,0,0,r,0x80001000,8\n"
                        + "160,0,0,0,r,0x80000010,8\n");
        RunOutput out = run(variant("evicted", files), "tlb.l1d.entries=1", "tlb.l1d.assoc=1", "tlb.l2.entries=0");
        assertEquals(List.of(), rows(out));
        assertEquals(0, staleHits(out));
        // Control: with the default L1 (48 entries) the entry survives and the hit at 160 is stale.
        RunOutput kept = run(variant("kept", files), "tlb.l2.entries=0");
        assertEquals(1, rows(kept).size());
        assertEquals(160L, rows(kept).get(0).hitNs());
    }

    @Test
    void aGlobalEntryIsHitUnderAnotherAsidAndByAsidTlbiLeavesIt() throws IOException {
        // The mapping is global (ng 0); the vCPU switches to ASID 2 at 140, the remap at 150 is
        // followed by TLBI ASIDE1IS of ASID 1, which leaves global entries (Arm ARM D8.13.4).
        RunOutput out = run(variant("global", Map.of(
                "map.csv", MAP_HEADER + S2_MAP
                        + "0,0,1,0x41000000,,0x80000000,0x40000000,4096,rwu,normal_wb,0,map\n"
                        + "150,0,1,0x41000000,,0x80000000,0x40005000,4096,rwu,normal_wb,0,map\n",
                "sysreg.csv", "ts,pe,vm,vcpu,el,reg,value\n0,0,0,0,1,TCR_EL1,0x2b5103510\n"
                        + "0,0,0,0,1,MAIR_EL1,0x4404ff\n0,0,0,0,1,SCTLR_EL1,0x1\n"
                        + "0,0,0,0,1,TTBR0_EL1,0x0001000041000000\n140,0,0,0,1,TTBR0_EL1,0x0002000041000000\n",
                "tlbi.csv", TLBI_HEADER + "155,0,0,0,ASIDE1IS,1,,,\n156,0,0,0,DSB_ISH,,,,\n")));
        List<StaleTranslationRow> r = rows(out);
        assertEquals(1, r.size(), r.toString());
        StaleTranslationRow s = r.get(0);
        assertEquals(-1, s.asid());
        assertEquals(160L, s.hitNs());
        assertEquals("VAALE1IS VA 0x80000000, VMID 1", s.missingTlbi());
        assertEquals("ASIDE1IS at 155 ns invalidates by ASID, which leaves global entries", s.why());
    }

    @Test
    void aNonGlobalEntryOfAnotherAsidIsStaleWhenItsAsidComesBack() throws IOException {
        // ASID 2 from 140 to 165: the read at 160 misses (the entry is ASID 1's) and walks the new
        // mapping; back on ASID 1 at 165, the read at 170 hits the old entry.
        RunOutput out = run(variant("asid-back", Map.of(
                "sysreg.csv", "ts,pe,vm,vcpu,el,reg,value\n0,0,0,0,1,TCR_EL1,0x2b5103510\n"
                        + "0,0,0,0,1,MAIR_EL1,0x4404ff\n0,0,0,0,1,SCTLR_EL1,0x1\n"
                        + "0,0,0,0,1,TTBR0_EL1,0x0001000041000000\n140,0,0,0,1,TTBR0_EL1,0x0002000041000000\n"
                        + "165,0,0,0,1,TTBR0_EL1,0x0001000041000000\n")));
        List<StaleTranslationRow> r = rows(out);
        assertEquals(1, r.size(), r.toString());
        assertEquals(List.of(1, 100L, 150L, 170L),
                List.of(r.get(0).asid(), r.get(0).fillNs(), r.get(0).changeNs(), r.get(0).hitNs()));
        assertEquals(1, staleHits(out));
    }

    @Test
    void offWritesNoTableAndSampledModeStillExplains() throws IOException {
        RunOutput off = run(ReplayScenarioTest.trace("stale"), "tlb.stale_check=off");
        assertTrue(!off.has(MetricTables.STALE_TRANSLATIONS));
        assertNull(off.runInfo().get(RunInfo.STALE_TRANSLATIONS));
        RunOutput every = run(ReplayScenarioTest.trace("stale"), "tlb.stale_check=1");
        assertEquals(1, rows(every).size());
        assertEquals(150L, rows(every).get(0).changeNs());
    }
}
