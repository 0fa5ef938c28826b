package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-traces/backing (issue 17, the README's second question: what does a 2 MB stage-2 backing
 * buy on Neoverse N1?). The sample is hand-written: this test rebuilds every file from the rules
 * of its SCENARIO.md and compares the bytes, so the derivation there rests on what the files hold.
 */
class BackingSampleTest {
    @TempDir
    Path tmp;

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

    /**
     * The commands of SCENARIO.md's "The question, answered" (the README gives the same), as a
     * user types them from the repository root.
     */
    static List<String> scenarioCommands() throws IOException {
        List<String> cmds = new ArrayList<>();
        boolean in = false;
        for (String l : Files.readAllLines(sample().resolve("SCENARIO.md"))) {
            if (l.equals("```sh")) {
                in = true;
            } else if (l.equals("```")) {
                if (in) {
                    break;
                }
            } else if (in) {
                cmds.add(l);
            }
        }
        return cmds;
    }

    /**
     * The README's answer to "what does a 2 MB stage-2 backing buy (on Neoverse N1)?": its commands,
     * run on the sample, and compare's first line checked against the hand derivation of
     * SCENARIO.md (summarised here; every count follows from the files' rules above).
     *
     * <p>512 pages, 64 in each of the 2 MB blocks 1 … 8; blocks 1 … 7 (448 pages) first touched in
     * the trace, block 8 (64 pages) resident in the recording. 8 reads per page, the first of which
     * walks (and, after a stage-2 fault, walks again), the other 7 hit the L1 TLB (3,584 hits).
     * <ul>
     * <li>A, 4 KB: 448 faults (one per first-touched page). Walks 448 × 2 + 64 = 960. Descriptor
     *     reads, 4 stage-1 levels each needing a 3-level stage-2 walk, then the final stage-2 walk:
     *     19 per full walk; a faulting one stops at the missing level-2 entry (16 + 2 = 18, the first
     *     page of each of the 7 blocks) or level-3 entry (16 + 3 = 19): 7 × 18 + 441 × 19 + 512 × 19
     *     = 18,233, 18.99 per walk.</li>
     * <li>B, 2 MB: 7 faults (the first page of blocks 1 … 7; block 8 is mapped as a block because the
     *     recording shows it resident). Walks 7 × 2 + 505 = 519, each 4 × (2 + 1) + 2 = 14 reads.</li>
     * <li>Translation time, N1 preset (L1 hit 1 cycle, 4 per descriptor read left after the walk
     *     caches, docs/cores.md) at 2,400 MHz: A (8,505 reads of faulting walks + 1,553 after the walk
     *     caches) × 4 + 3,584 = 43,816 cycles = 18,257 ns; B (98 + 526) × 4 + 3,584 = 6,080 cycles =
     *     2,533 ns (SCENARIO.md tabulates the walk-cache reads per walk).</li>
     * <li>Exits are the stage-2 aborts, each with the same time in EL2.</li>
     * </ul>
     * Changes: faults 7 / 448 − 1 = −98.4 % (−98 %); reads per walk 14 / (18,233 / 960) − 1 = −26.3 %
     * (−26 %); translation time 2,533 / 18,257 − 1 = −86.1 % (−86 %); then the two other largest
     * changes, exits and time in EL2, −98.4 % each (walks −46 %, miss rate −40 %, translations −9.7 %
     * are smaller).
     */
    @Test
    void compareStatesWhatA2MbBackingBuysInItsFirstLine() throws IOException {
        List<String> cmds = scenarioCommands();
        assertEquals(3, cmds.size(), cmds.toString());
        String readme = Files.readString(Path.of("..", "README.md"));
        String sampleDir = sample().toAbsolutePath().normalize().toString();
        String out = null;
        for (String cmd : cmds) {
            assertTrue(readme.contains(cmd), "the README gives the command: " + cmd);
            assertTrue(cmd.startsWith("bin/virtreplay "), cmd);
            List<String> args = new ArrayList<>();
            for (String w : Arrays.asList(cmd.substring("bin/virtreplay ".length()).split(" "))) {
                args.add(w.equals("sample-traces/backing") ? sampleDir
                        : w.startsWith("out") ? tmp.resolve(w).toString() : w);
            }
            String[] r = RunAcceptanceTest.exec(args.toArray(new String[0]));
            assertEquals("0", r[0], cmd + "\n" + r[1] + r[2]);
            out = r[1];
        }
        String first = out.lines().findFirst().orElseThrow();
        assertEquals("B vs A (s2.backing trace → 2m): stage-2 faults −98 %, descriptor reads per walk −26 %, "
                + "translation time −86 %; also exits −98 %, time in EL2 −98 %", first);
        // the evidence, per VM: the same hand counts
        assertRow(out, "stage-2 faults", "448", "7");
        assertRow(out, "walks", "960", "519");
        assertRow(out, "descriptor reads per walk", "18.99", "14.00");
        assertRow(out, "translations", "4,544", "4,103");
        assertRow(out, "translation time", "18.26 µs", "2.53 µs");
        assertRow(out, "exits", "448", "7");
    }

    private static void assertRow(String text, String label, String a, String b) {
        for (String line : text.split("\n")) {
            List<String> cells = Arrays.asList(line.strip().split(" {2,}"));
            if (cells.get(0).equals(label)) {
                assertEquals(List.of(a, b), cells.subList(1, 3), line);
                return;
            }
        }
        throw new AssertionError("no row " + label + " in\n" + text);
    }
}
