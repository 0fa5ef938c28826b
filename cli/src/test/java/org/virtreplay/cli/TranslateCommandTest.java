package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code virtreplay translate} end to end: options, files, exit codes, JSON and text output. */
class TranslateCommandTest {
    @TempDir
    Path dir;

    private String[] outErr;

    private int exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VirtReplay.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        outErr = new String[] {out.toString(), err.toString()};
        return code;
    }

    private Path envS1() throws Exception {
        Path regs = dir.resolve("regs.txt");
        Files.writeString(regs, """
                # ENV-S1 (arm-reference 15.0)
                TCR_EL1 = 0x0000_0005_0080_3510
                MAIR_EL1 = 0x44FF
                TTBR0_EL1 = 0x40000000
                SCTLR_EL1 = 0x1005
                """);
        Files.writeString(dir.resolve("mem.txt"), """
                0x40000008 0x40001003
                0x40001010 0x40002003
                0x40002018 0x40003003
                0x40003020 0x9abcd703
                """);
        return regs;
    }

    @Test
    void jsonSuccessT01() throws Exception {
        // T01: PA 0x9ABC_DABC, MAIR 0xFF, ISH, 4 KB, 4 reads.
        Path regs = envS1();
        int code = exec("translate", "--regs", regs.toString(), "--memory", dir.resolve("mem.txt").toString(),
                "--va", "0x8080604abc", "--el", "1", "--access", "read", "--json");
        assertEquals(0, code, outErr[1]);
        String json = outErr[0].trim();
        assertTrue(json.contains("\"outcome\":\"ok\",\"pa\":\"0x9abcdabc\""), json);
        assertTrue(json.contains("\"attr\":\"0xff\",\"sh\":\"ISH\",\"size\":4096"), json);
        assertTrue(json.contains("\"reads\":4"), json);
    }

    @Test
    void jsonFaultT10AndText() throws Exception {
        // T10: EL0 read of an AP=00 page: Permission L3 to EL1, ESR 0x9200_000F.
        Path regs = envS1();
        int code = exec("translate", "--regs", regs.toString(), "--memory", dir.resolve("mem.txt").toString(),
                "--va", "0x8080604abc", "--el", "0", "--access", "read", "--json");
        assertEquals(0, code);
        String json = outErr[0];
        assertTrue(json.contains("\"outcome\":\"fault\",\"stage\":1,\"fault\":\"permission\",\"level\":3,"
                + "\"s1ptw\":false,\"target_el\":1,\"esr\":\"0x9200000f\",\"far\":\"0x8080604abc\""), json);
        code = exec("translate", "--regs", regs.toString(), "--memory", dir.resolve("mem.txt").toString(),
                "--va", "0x8080604abc", "--el", "0", "--access", "read");
        assertEquals(0, code);
        assertTrue(outErr[0].contains("permission fault at level 3"), outErr[0]);
    }

    @Test
    void unknownRegisterIsExit2() throws Exception {
        Path regs = dir.resolve("bad.txt");
        Files.writeString(regs, "TCR_EL7 = 1\nMAIR_EL1 = zz\n");
        Files.writeString(dir.resolve("mem.txt"), "");
        int code = exec("translate", "--regs", regs.toString(), "--memory", dir.resolve("mem.txt").toString(),
                "--va", "0", "--el", "1", "--access", "read");
        assertEquals(2, code);
        assertTrue(outErr[1].contains("bad.txt:1: unknown register 'TCR_EL7'"), outErr[1]);
        assertTrue(outErr[1].contains("bad.txt:2: register MAIR_EL1: expected 0x-hex or decimal value, got 'zz'"),
                outErr[1]);
        assertTrue(!outErr[1].contains("Exception"), outErr[1]);
    }

    @Test
    void badMemoryAndOptionsAreExit2() throws Exception {
        Path regs = envS1();
        Files.writeString(dir.resolve("m2.txt"), "0x40000004 0x1\n");
        assertEquals(2, exec("translate", "--regs", regs.toString(), "--memory", dir.resolve("m2.txt").toString(),
                "--va", "0", "--el", "1", "--access", "read"));
        assertTrue(outErr[1].contains("8-byte-aligned"), outErr[1]);
        assertEquals(2, exec("translate", "--regs", regs.toString(), "--memory", dir.resolve("mem.txt").toString(),
                "--va", "0", "--el", "1", "--access", "poke"));
        assertEquals(2, exec("translate", "--regs", regs.toString(), "--memory", dir.resolve("nope.txt").toString(),
                "--va", "0", "--el", "1", "--access", "read"));
    }

    @Test
    void helpShowsJsonShape() {
        assertEquals(0, exec("translate", "--help"));
        assertTrue(outErr[0].contains("\"outcome\":\"ok\""), outErr[0]);
    }
}
