package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * sample-traces/backing (issue 17, the README's second question: what does a 2 MB stage-2 backing
 * buy on Neoverse N1?). The sample is hand-written: this test rebuilds every file from the rules
 * of its SCENARIO.md and compares the bytes, so the derivation there rests on what the files hold.
 */
class BackingSampleTest {

    static Path sample() {
        return GenerateCommandTest.sample("backing");
    }

    /** IPA of page j: 64 pages at the start of each 2 MB block 1 … 8 of the memslot at 0x4000_0000. */
    static long ipa(int j) {
        return 0x4020_0000L + (j / 64) * 0x20_0000L + (j % 64) * 0x1000L;
    }

    /** VA of page j: one 2 MB VA region from 0x1000_0000. */
    static long va(int j) {
        return 0x1000_0000L + j * 0x1000L;
    }

    /** The files as SCENARIO.md's "What is in it" describes them. */
    static Map<String, String> expectedFiles() {
        Map<String, String> f = new TreeMap<>();
        f.put("manifest.csv", "key,value\nformat_version,1\ntime_unit,ns\nclock,synthetic\npe_count,1\nname,backing\n"
                + "source.tool,hand-written (sample-traces/backing/SCENARIO.md)\n");
        f.put("vms.csv", "vm,name,vcpus,ipa_bits,vmid\n0,vm0,1,40,1\n");
        f.put("memslots.csv", "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x40000000,67108864,ram,0x100000000,4096\n");
        f.put("sysreg.csv", "ts,pe,vm,vcpu,el,reg,value\n0,0,0,0,1,MAIR_EL1,0x4404ff\n0,0,0,0,1,TCR_EL1,0x2b5103510\n"
                + "0,0,0,0,1,TTBR0_EL1,0x1000040000000\n0,0,0,0,1,SCTLR_EL1,0x30d0181d\n");
        StringBuilder map = new StringBuilder("ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op\n");
        for (int j = 448; j < 512; j++) { // block 8: resident in the recording, 4 KB pages at the slot's host memory
            map.append(String.format(Locale.ROOT, "0,0,2,,,0x%x,0x%x,4096,rw,normal_wb,,map\n", ipa(j),
                    ipa(j) - 0x4000_0000L + 0x1_0000_0000L));
        }
        for (int j = 0; j < 512; j++) {
            map.append(String.format(Locale.ROOT, "0,0,1,0x40000000,1,0x%x,0x%x,4096,rwu,normal_wb,1,map\n", va(j),
                    ipa(j)));
        }
        f.put("map.csv", map.toString());
        StringBuilder mem = new StringBuilder("ts,vm,vcpu,el,access,va,size\n");
        int i = 0;
        for (int j = 0; j < 512; j++) {
            for (int k = 0; k < 8; k++) {
                i++;
                mem.append(10_000L * i).append(",0,0,0,r,0x").append(Long.toHexString(va(j) + k * 0x200L))
                        .append(",8\n");
            }
        }
        f.put("mem.csv", mem.toString());
        return f;
    }

    @Test
    void theFilesAreWhatScenarioMdSays() throws IOException {
        Map<String, String> want = expectedFiles();
        Map<String, String> have = new TreeMap<>();
        try (Stream<Path> s = Files.list(sample())) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("SCENARIO.md")) {
                    have.put(name, Files.readString(p));
                }
            }
        }
        assertEquals(want.keySet(), have.keySet());
        for (String name : want.keySet()) {
            assertEquals(want.get(name), have.get(name), name);
        }
    }
}
