package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code virtreplay translate}'s register and memory files (docs/translate.md): the golden tests'
 * stage-1 environment mutated as text, with registers and descriptors set to random or boundary
 * 64-bit values (a fault is a valid answer, exit 0), and the options at their limits.
 */
class TranslateCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everyMutatedTranslationKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "translate";
    }

    @Override
    public int quickCases() {
        return 70;
    }

    static final List<String> REGISTERS = List.of("TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "SCTLR_EL1",
            "HCR_EL2", "VTTBR_EL2", "VTCR_EL2", "TTBR0_EL2", "TCR_EL2", "SCTLR_EL2", "ID_AA64MMFR0_EL1", "PSTATE.PAN",
            "SCR_EL3", "VSTTBR_EL2", "VSTCR_EL2", "TCR_EL3", "SCTLR_EL3");

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = Files.createDirectories(caseDir.resolve("in"));
        byte[] regs = BaseInputs.REGS.getBytes(StandardCharsets.UTF_8);
        byte[] mem = BaseInputs.MEMORY.getBytes(StandardCharsets.UTF_8);
        String va = "0x8080604abc";
        String el = "1";
        String access = "read";
        List<String> flags = new ArrayList<>();
        String what = "unmutated";
        Case.Expect expect = Case.Expect.ACCEPT;
        if (index > 0) {
            expect = Case.Expect.ANY;
            int p = r.nextInt(100);
            if (p < 25) {
                Mutations.Mutated m = Mutations.generic(regs, r, '=', 20_000);
                regs = m.bytes();
                what = "regs: " + m.what();
            } else if (p < 40) {
                Mutations.Mutated m = Mutations.generic(mem, r, ' ', 20_000);
                mem = m.bytes();
                what = "memory: " + m.what();
            } else if (p < 70) {
                // Any value is a register value: the walk must fault or succeed, never break.
                StringBuilder b = new StringBuilder(new String(regs, StandardCharsets.UTF_8));
                List<String> parts = new ArrayList<>();
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    String reg = REGISTERS.get(r.nextInt(REGISTERS.size()));
                    List<String> high = Mutations.HIGH_ADDRESSES;
                    long random = r.nextInt(2) == 0 ? r.nextLong() : r.nextLong() & 0x0000_00ff_ffff_ffffL;
                    String v = r.nextInt(3) == 0 ? high.get(r.nextInt(high.size())) : "0x" + Long.toHexString(random);
                    b.append(reg).append(" = ").append(v).append('\n');
                    parts.add(reg + "=" + v);
                }
                regs = b.toString().getBytes(StandardCharsets.UTF_8);
                what = "regs " + String.join(" ", parts);
            } else if (p < 85) {
                // descriptors with random bits where the walk reads them
                String[] lines = BaseInputs.MEMORY.split("\n");
                int li = r.nextInt(lines.length);
                String pa = lines[li].split(" ")[0];
                String v = "0x" + Long.toHexString(r.nextLong() | 1);
                lines[li] = pa + " " + v;
                mem = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
                what = "memory line " + (li + 1) + " = " + pa + " " + v;
            } else {
                String[][] opts = {{"--va", "0xffffffffffffffff"}, {"--va", "0x10000000000000000"}, {"--va", "-1"},
                    {"--va", ""}, {"--el", "3"}, {"--el", "-1"}, {"--el", "2147483648"}, {"--access", "exec"},
                    {"--access", "WRITE"}, {"--security", "realm"}, {"--security", "secure"}, {"--va", "0x0"},
                    {"--el", "0"}, {"--el", "2"}};
                String[] o = opts[r.nextInt(opts.length)];
                switch (o[0]) {
                    case "--va" -> va = o[1];
                    case "--el" -> el = o[1];
                    case "--access" -> access = o[1];
                    default -> flags.addAll(List.of(o[0], o[1]));
                }
                what = "option " + o[0] + " '" + o[1] + "'";
            }
            if (r.nextInt(3) == 0) {
                flags.add("--unprivileged");
                what += " --unprivileged";
            }
        }
        Path regsFile = in.resolve("regs.txt");
        Path memFile = in.resolve("mem.txt");
        Files.write(regsFile, regs);
        Files.write(memFile, mem);
        List<String> args = new ArrayList<>(List.of("translate", "--regs", regsFile.toString(), "--memory",
                memFile.toString(), "--va", va, "--el", el, "--access", access));
        if (index % 2 == 0) {
            args.add("--json");
        }
        args.addAll(flags);
        Path work = Files.createDirectories(caseDir.resolve("work"));
        return new Case(name(), index, 0, what, args, in, work, null,
                new Case.Places(List.of(regsFile, memFile), List.of("--va", "--el", "--access", "--security",
                        "--unprivileged", "--regs", "--memory")),
                List.of(), false, expect);
    }
}
