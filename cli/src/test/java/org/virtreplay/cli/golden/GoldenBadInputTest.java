package org.virtreplay.cli.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code virtreplay translate}: exit code 2, one line naming the file, the line and the
 * offending text (team rule: {@code FILE:LINE: ...}), no stack trace, nothing on stdout.
 */
class GoldenBadInputTest {

    @TempDir
    Path dir;

    private static final String GOOD_REGS = "# ENV-S1\nSCTLR_EL1 = 0x1005\nTCR_EL1 = 0x500803510\n"
            + "MAIR_EL1 = 0x444ff\nTTBR0_EL1 = 0x40000000\n";
    private static final String GOOD_MEM = "0x40000008 0x40001003\n0x40001010 0x40002003\n"
            + "0x40002018 0x40003003\n0x40003020 0x9abcd703\n";

    private Translate.Result run(String regs, String mem, String... extra) throws IOException {
        Path r = dir.resolve("regs.txt");
        Path m = dir.resolve("mem.txt");
        Files.writeString(r, regs);
        Files.writeString(m, mem);
        String[] base = {"translate", "--regs", r.toString(), "--memory", m.toString(), "--json"};
        String[] opts = extra.length > 0 ? extra : new String[] {"--va", "0x8080604abc", "--el", "1", "--access", "read"};
        String[] all = new String[base.length + opts.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(opts, 0, all, base.length, opts.length);
        return Translate.exec(all);
    }

    /** Control: the good files translate (so the failures below are caused by the one bad line). */
    @Test
    void goodInputTranslates() throws IOException {
        run(GOOD_REGS, GOOD_MEM).okPa(0x9ABC_DABCL);
    }

    @Test
    void unknownRegisterName() throws IOException {
        run(GOOD_REGS + "FOO_EL1 = 0x1\n", GOOD_MEM).badInput("regs.txt:6", "FOO_EL1");
    }

    @Test
    void badRegisterValue() throws IOException {
        run("# x\nTCR_EL1 = 0xZZ\n", GOOD_MEM).badInput("regs.txt:2", "0xZZ");
    }

    @Test
    void registerValueWiderThan64Bits() throws IOException {
        run("TCR_EL1 = 0x10000000000000000\n", GOOD_MEM).badInput("regs.txt:1", "0x10000000000000000");
    }

    @Test
    void registerLineWithoutEquals() throws IOException {
        run("SCTLR_EL1 0x1005\n", GOOD_MEM).badInput("regs.txt:1");
    }

    @Test
    void misalignedMemoryAddress() throws IOException {
        run(GOOD_REGS, "0x40000008 0x40001003\n0x40000004 0x1\n").badInput("mem.txt:2", "0x40000004");
    }

    @Test
    void badMemoryValue() throws IOException {
        run(GOOD_REGS, "0x40000008 zz\n").badInput("mem.txt:1", "zz");
    }

    @Test
    void memoryLineWithOneField() throws IOException {
        run(GOOD_REGS, "0x40000008 0x40001003\n0x40001010\n").badInput("mem.txt:2");
    }

    @Test
    void badVirtualAddressOption() throws IOException {
        run(GOOD_REGS, GOOD_MEM, "--va", "zz12", "--el", "1", "--access", "read").badInput("zz12");
    }

    @Test
    void badExceptionLevel() throws IOException {
        run(GOOD_REGS, GOOD_MEM, "--va", "0x1000", "--el", "3", "--access", "read").badInput("3");
    }

    @Test
    void badAccessType() throws IOException {
        run(GOOD_REGS, GOOD_MEM, "--va", "0x1000", "--el", "1", "--access", "modify").badInput("modify");
    }

    @Test
    void missingRegisterFile() {
        Path missing = dir.resolve("no-such-regs.txt");
        Translate.exec("translate", "--regs", missing.toString(), "--memory", missing.toString(), "--va", "0x0",
                "--el", "1", "--access", "read", "--json").badInput("no-such-regs.txt");
    }
}
