package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code translate --security}: the NS bit and the PA space, Secure EL2 needing SCR_EL3.EEL2. */
class TranslateSecurityTest {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int exec(String... args) {
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    @Test
    void nsBitSelectsPaSpaceOnlyInSecureState() throws Exception {
        // ENV-S1 tables; D3 with NS (bit 5) set: 0x9ABC_D723.
        Path regs = dir.resolve("regs");
        Files.writeString(regs, "TCR_EL1 = 0x500803510\nMAIR_EL1 = 0xff\nTTBR0_EL1 = 0x40000000\nSCTLR_EL1 = 0x1005\n");
        Path mem = dir.resolve("mem");
        Files.writeString(mem, "0x40000008 0x40001003\n0x40001010 0x40002003\n0x40002018 0x40003003\n"
                + "0x40003020 0x9abcd723\n");
        String[] base = {"translate", "--regs", regs.toString(), "--memory", mem.toString(), "--va", "0x8080604abc",
            "--el", "1", "--access", "read", "--json"};
        assertEquals(0, exec(base));
        assertTrue(out.contains("\"pa_space\":\"nonsecure\""), out);
        String[] secure = java.util.Arrays.copyOf(base, base.length + 2);
        secure[base.length] = "--security";
        secure[base.length + 1] = "secure";
        assertEquals(0, exec(secure));
        assertTrue(out.contains("\"pa\":\"0x9abcdabc\""), out);
        assertTrue(out.contains("\"pa_space\":\"nonsecure\""), out); // NS=1 in Secure state
        Files.writeString(mem, "0x40000008 0x40001003\n0x40001010 0x40002003\n0x40002018 0x40003003\n"
                + "0x40003020 0x9abcd703\n");
        assertEquals(0, exec(secure));
        assertTrue(out.contains("\"pa_space\":\"secure\""), out);
        // Secure EL2 without SCR_EL3.EEL2 does not exist.
        String[] el2 = secure.clone();
        el2[8] = "2";
        assertEquals(2, exec(el2));
        assertTrue(err.contains("SCR_EL3.EEL2"), err);
    }
}
