package org.virtreplay.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TranslateRequest;
import org.virtreplay.engine.mmu.TranslateTool;
import org.virtreplay.engine.mmu.TranslationResult;
import org.virtreplay.ingest.io.Utf8Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code virtreplay translate}: one VMSAv8-64 translation, step by step, for debugging page tables. */
@Command(name = "translate", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        sortOptions = false,
        description = {
            "Translates one virtual address the way an Arm PE would: regime choice, stage-1 walk, stage-2 walk "
                    + "of every stage-1 table address and of the output IPA, permissions, attributes, faults with "
                    + "their syndrome.",
            "",
            "REGS: one 'NAME = VALUE' per line ('#' starts a comment; 0x-hex or decimal). Names: "
                    + "TTBR0_EL1, TTBR1_EL1, TCR_EL1, MAIR_EL1, SCTLR_EL1, HCR_EL2, VTTBR_EL2, VTCR_EL2, TTBR0_EL2, "
                    + "TTBR1_EL2, TCR_EL2, MAIR_EL2, SCTLR_EL2, ID_AA64MMFR0_EL1, PSTATE.PAN, SCR_EL3, VSTTBR_EL2, "
                    + "VSTCR_EL2, TTBR0_EL3, TCR_EL3, MAIR_EL3, SCTLR_EL3. Unset registers are 0, except "
                    + "ID_AA64MMFR0_EL1 (PARange 48 bits) and SCTLR_EL2/SCTLR_EL3 (0x1005: M, C, I).",
            "MEM: one 'PA VALUE' pair per line, both hex: the doubleword at that 8-byte-aligned PA. "
                    + "All other memory reads as zero."
        },
        footer = {
            "",
            "JSON output (--format json), one object. Addresses and register values are 0x-hex lowercase strings "
                    + "without leading zeros; \"attr\" is always two hex digits; counts and levels are numbers.",
            // one line each, under 80 columns: picocli would otherwise wrap them inside a JSON string
            "  success: {\"outcome\":\"ok\",\"pa\":\"0x9abcdabc\",\"ipa\":\"0x9abcdabc\",\"attr\":\"0xff\",",
            "    \"sh\":\"ISH\",\"size\":4096,\"perm\":\"rw-\",\"pa_space\":\"nonsecure\",\"reads\":4,",
            "    \"walk\":[{\"stage\":1,\"level\":0,\"pa\":\"0x40000008\",\"desc\":\"0x40001003\"},...],",
            "    \"updates\":[{\"pa\":\"0x40003020\",\"old\":\"0x9abcd303\",\"new\":\"0x9abcd703\"},...]}",
            "  fault: {\"outcome\":\"fault\",\"stage\":1|2,",
            "    \"fault\":\"translation|access_flag|permission|address_size\",\"level\":3,",
            "    \"s1ptw\":false,\"target_el\":1,\"esr\":\"0x9600000f\",\"far\":\"0x8080604abc\",",
            "    \"hpfar\":\"0x...\",\"ipa\":\"0x...\" (stage-2 faults only),",
            "    \"reads\":4,\"walk\":[...],\"updates\":[...]}",
            "\"size\" is the span of the TLB entry the translation allows: the smaller of the stage-1 and "
                    + "stage-2 leaf sizes (contiguous spans honoured). \"sh\" is NSH, ISH or OSH. \"walk\" lists "
                    + "every descriptor read in order (stage-2 reads for stage-1 table addresses come before "
                    + "the stage-1 read they serve). See docs/translate.md.",
            "",
            "Exit codes: 0 translated or faulted (the fault is the answer), 2 bad input, 1 internal error."
        })
public final class TranslateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--regs", required = true, paramLabel = "REGS", description = "Register file (NAME = VALUE lines).")
    Path regs;

    @Option(names = "--memory", required = true, paramLabel = "MEM", description = "Memory file (PA VALUE lines, hex).")
    Path memory;

    @Option(names = "--va", required = true, paramLabel = "ADDR", description = "Virtual address, 0x-hex or decimal.")
    String va;

    @Option(names = "--el", required = true, paramLabel = "0|1|2", description = "Exception level of the access.")
    int el;

    @Option(names = "--access", required = true, paramLabel = "read|write|fetch", description = "Access type.")
    String access;

    @Option(names = "--unprivileged", description = "An LDTR/STTR-style access: EL0 permissions, no PAN.")
    boolean unprivileged;

    @Option(names = "--security", paramLabel = "secure|nonsecure", defaultValue = "nonsecure",
            description = "Security state of the PE (default nonsecure).")
    String security;

    // No defaultValue: picocli applies one after parsing, over what the --json alias set.
    @Option(names = "--format", paramLabel = "text|json",
            description = "The readable table, or one JSON object (default: text).")
    String format = "text";

    /** The spelling before --format (kvm-stat's word) was used by every command; kept for scripts. */
    @Option(names = "--json", hidden = true)
    void json(boolean on) {
        format = on ? "json" : "text";
    }

    @Override
    public Integer call() {
        boolean json = TextOrJson.isJson(spec, format);
        Long vaValue = TranslateTool.parseNumber(va);
        if (vaValue == null) {
            throw new BadInputException("option '--va': expected 0x-hex or decimal address, got " + UserText.quote(va));
        }
        if (el < 0 || el > 2) {
            throw new BadInputException("option '--el': expected 0, 1 or 2, got '" + el + "'");
        }
        AccessType acc = switch (access.toLowerCase(Locale.ROOT)) {
            case "read" -> AccessType.READ;
            case "write" -> AccessType.WRITE;
            case "fetch" -> AccessType.FETCH;
            default -> throw new BadInputException(
                    "option '--access': expected read, write or fetch, got " + UserText.quote(access));
        };
        if (unprivileged && acc == AccessType.FETCH) {
            throw new BadInputException("option '--unprivileged': applies to read and write accesses only");
        }
        boolean secure = switch (security.toLowerCase(Locale.ROOT)) {
            case "secure" -> true;
            case "nonsecure", "non-secure" -> false;
            default -> throw new BadInputException(
                    "option '--security': expected secure or nonsecure, got " + UserText.quote(security));
        };
        MmuRegisters r = TranslateTool.parseRegisters(readLines(regs), regs.toString());
        PhysicalMemory mem = TranslateTool.parseMemory(readLines(memory), memory.toString(), new PhysicalMemory());
        TranslateRequest req = new TranslateRequest(r, mem, vaValue, el, acc, unprivileged, secure);
        TranslationResult res = TranslateTool.run(req);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(TranslateTool.toJson(res));
        } else {
            out.print(TranslateTool.toText(req, res));
        }
        out.flush();
        return VirtReplay.EXIT_OK;
    }

    private static List<String> readLines(Path p) {
        if (!Files.exists(p)) {
            throw new BadInputException(p + ": no such file");
        }
        // The same line ends as Files.readAllLines (\n, \r, \r\n); bytes that are not UTF-8 are one
        // line naming where, not the JDK's "Input length = 1".
        return Utf8Text.read(p).lines().toList();
    }
}
