package org.virtreplay.ingest.importer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Names the format of a file from its first lines, so that a file given to the wrong command is
 * answered with one line naming what it is and the command that reads it, instead of a parse error
 * per line. It only guesses: a file it does not recognise is {@link Format#UNKNOWN}, and the
 * command's own reader then reports the lines it cannot read.
 */
public final class FormatSniffer {

    /** The formats a user may hand to the wrong command, each with the command that reads it. */
    public enum Format {
        /** A Valgrind lackey log ({@code I  ADDR,SIZE} lines). */
        LACKEY("a Valgrind lackey log", "use 'virtreplay tlb %s' for a TLB study, or "
                + "'virtreplay import --lackey vm0:0=%s --out DIR' for a trace to replay"),
        /** ftrace / trace-cmd report text with kvm:* events. */
        KVM_EVENTS("ftrace or trace-cmd text with KVM events", "import it: 'virtreplay import --kvm-events %s --out DIR'"),
        /** ftrace / trace-cmd report text without kvm:* events in its first lines. */
        FTRACE("ftrace or trace-cmd text", "import it (with its kvm:* events): "
                + "'virtreplay import --kvm-events %s --out DIR'"),
        /** perf script output of Arm SPE samples. */
        PERF_SPE("perf script output of Arm SPE samples", "import it: 'virtreplay import --spe vm0=%s --out DIR'"),
        /** A KVM stage2_page_tables debugfs dump. */
        STAGE2_PTDUMP("a KVM stage-2 page-table dump", "import it: 'virtreplay import --stage2 vm0=%s --out DIR'"),
        /** A guest's arm64 kernel_page_tables dump. */
        GUEST_PTDUMP("an arm64 kernel page-table dump", "import it: 'virtreplay import --guest-tables vm0=%s --out DIR'"),
        /** One table file of a canonical trace (CSV or Parquet). */
        TRACE_TABLE("one table of a canonical trace", "give the directory that holds it, %s"),
        /** Nothing this class recognises. */
        UNKNOWN("", "");

        private final String description;
        private final String hint;

        Format(String description, String hint) {
            this.description = description;
            this.hint = hint;
        }

        /** What the file is, e.g. "a Valgrind lackey log". */
        public String description() {
            return description;
        }

        /** What to do with {@code file} instead: the command that reads it, as the user would type it. */
        public String hint(Path file) {
            Path parent = file.getParent() != null ? file.getParent() : file.toAbsolutePath().getParent();
            String f = this == TRACE_TABLE ? String.valueOf(parent) : file.toString();
            return hint.replace("%s", f);
        }
    }

    private static final int MAX_LINES = 40;
    private static final int MAX_CHARS = 1 << 16;

    private static final Pattern LACKEY = Pattern.compile("^(I  | [LSM] )\\s*[0-9a-fA-F]+,\\d+\\s*$|^==\\d+==.*|^SB [0-9a-fA-F]+\\s*$");
    // perf script: COMM PID [CPU] TIME: PERIOD EVENT: ... (the period between time and event)
    private static final Pattern PERF_SCRIPT = Pattern.compile("\\[\\d+\\]\\s+\\d+\\.\\d+:\\s+\\d+\\s+[\\w:-]+:");
    // ftrace/trace-cmd: [COMM-PID [CPU] FLAGS] TIME: EVENT:
    private static final Pattern FTRACE = Pattern.compile("(^|\\s)\\d+\\.\\d{6}:\\s+[a-z_][\\w]*:");
    private static final Pattern KVM_EVENT = Pattern.compile("\\d+\\.\\d{6}:\\s+kvm_\\w+:");
    private static final Pattern PTDUMP_RANGE = Pattern.compile("^0x[0-9a-fA-F]+-0x[0-9a-fA-F]+\\s+\\d+[KMGTP]?\\s+(\\S+)");
    private static final Pattern PTDUMP_MARKER = Pattern.compile("^---\\[ .* \\]---\\s*$");

    private FormatSniffer() {
    }

    /**
     * The format of {@code file} (plain or compressed) by its name and first lines; UNKNOWN when
     * it cannot be read or matches nothing here.
     */
    public static Format sniff(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (isTableName(name)) {
            return Format.TRACE_TABLE;
        }
        return sniffContent(file);
    }

    /**
     * The format of {@code file} by its first lines alone, whatever its name: a table file of a
     * trace whose header is not a table's may hold another format's text (a lackey log saved as
     * mem.csv).
     */
    public static Format sniffContent(Path file) {
        try (InputStream in = SourceFiles.open(file, file.toString(), "sniffed");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lines = 0;
            int lackey = 0;
            int perf = 0;
            int ftrace = 0;
            int kvm = 0;
            int ranges = 0;
            int numericLevel = 0;
            boolean guestIpa = false;
            int chars = 0;
            String line;
            while (lines < MAX_LINES && chars < MAX_CHARS && (line = r.readLine()) != null) {
                chars += line.length() + 1;
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                if (LACKEY.matcher(line).find()) {
                    lackey++;
                } else if (PERF_SCRIPT.matcher(line).find()) {
                    perf++;
                } else if (FTRACE.matcher(line).find()) {
                    ftrace++;
                    if (KVM_EVENT.matcher(line).find()) {
                        kvm++;
                    }
                } else if (PTDUMP_MARKER.matcher(line).find()) {
                    ranges++;
                    guestIpa |= line.contains("Guest IPA");
                } else {
                    var m = PTDUMP_RANGE.matcher(line);
                    if (m.find()) {
                        ranges++;
                        if (m.group(1).chars().allMatch(Character::isDigit)) {
                            numericLevel++;
                        }
                    }
                }
            }
            if (lines == 0) {
                return Format.UNKNOWN;
            }
            // Most of the lines read must agree: one stray line does not name a format.
            int half = (lines + 1) / 2;
            if (lackey >= half) {
                return Format.LACKEY;
            }
            if (perf >= half) {
                return Format.PERF_SPE;
            }
            // email-wrapped ftrace puts every event on two lines: a third of them suffices
            if (ftrace * 3 >= lines) {
                return kvm > 0 ? Format.KVM_EVENTS : Format.FTRACE;
            }
            if (ranges >= half) {
                // The stage-2 dump prints the level as a number, the kernel's as PGD/PUD/PMD/PTE.
                return guestIpa || numericLevel * 2 >= ranges ? Format.STAGE2_PTDUMP : Format.GUEST_PTDUMP;
            }
            return Format.UNKNOWN;
        } catch (IOException | RuntimeException e) {
            return Format.UNKNOWN; // unreadable: the command's own reader says why
        }
    }

    private static boolean isTableName(String name) {
        int dot = name.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String rest = name.substring(dot);
        boolean tableFile = rest.equals(".parquet") || rest.equals(".csv") || rest.equals(".csv.gz")
                || rest.equals(".csv.xz") || rest.equals(".csv.zst");
        return tableFile && (name.substring(0, dot).equals("manifest")
                || TableKind.byTableName(name.substring(0, dot)) != null);
    }

    /** Whether {@code dir} holds a canonical trace (its manifest). */
    public static boolean isTraceDirectory(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("manifest.csv"));
    }
}
