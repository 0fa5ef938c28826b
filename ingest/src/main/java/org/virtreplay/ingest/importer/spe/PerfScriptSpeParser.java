package org.virtreplay.ingest.importer.spe;

import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.TextInput;

/**
 * Reads Arm SPE samples as {@code perf script} prints them, merging the synthetic events of one
 * SPE record back into one {@link SpeSample}.
 *
 * <p><b>Line grammar.</b> perf prints the columns {@code -F} selects in a fixed order, whatever
 * order {@code -F} names them in ({@code tools/perf/builtin-script.c}):
 * <pre>
 *   [COMM] [PID | PID/TID] [[CPU]] SECONDS.FRACTION: [PERIOD] EVENT: [ADDR] [DATA_SRC TEXT] [WEIGHT]
 *   [INS_LAT] [IP [SYM] [(DSO)]] [PHYS_ADDR] ...
 * </pre>
 * COMM may hold spaces ({@code CPU 0/KVM}); the time has 6 decimals (9 with {@code --ns}) and is
 * required; EVENT is a synthetic event of perf's Arm SPE decoder ({@code l1d-access},
 * {@code tlb-miss}, {@code memory}, ...; others are counted as unknown events and skipped). ADDR,
 * IP and PHYS_ADDR are bare hex; DATA_SRC is the {@code perf_mem_data_src} word in hex followed by its
 * text {@code |OP LOAD|LVL ...|SNP ...|TLB ...|LCK ...|BLK ...}; WEIGHT and INS_LAT are decimal.
 * Bare hex columns are told apart by their place around two anchors: the data_src text, and the
 * PC's symbol or DSO (the first non-number after the event), which follows the PC. A column before
 * the PC that is a small decimal number (at most 5 digits, no hex letter) is the weight, anything
 * else there is the data address. A capture that prints hex columns without the PC's symbol or
 * DSO cannot be placed and is reported, so that a PC is never taken for a data address. Every
 * sample line must print the same columns as the first one (a truncated line does not).
 *
 * <p><b>One record, several lines.</b> perf synthesises one sample per event an SPE record has,
 * one after the other, with the same time, CPU, thread and PC. Consecutive lines with that key
 * are merged into one {@link SpeSample} (the union of the events); a line whose event the open
 * sample already has, or whose data address differs, starts a new sample (two records can share a
 * microsecond).
 *
 * <p><b>Header.</b> {@code perf script --header} lines start with {@code #}; the {@code # event :}
 * line of the {@code arm_spe} event gives the sampling interval ({@code sample_period}, or
 * {@code period=} in the event's terms). Lines of a call chain and blank lines are skipped.
 */
public final class PerfScriptSpeParser {

    /** Receives each merged sample, in file order. */
    @FunctionalInterface
    public interface Sink {
        void accept(SpeSample s);
    }

    private static final Pattern PERIOD = Pattern.compile(
            "(?:sample_period(?:, sample_freq \\})?\\s*=\\s*|[/,]period=)(\\d+)");

    private final Issues issues;
    private long period = -1;
    private long periodLine;
    private long lines;
    private long eventLines;
    private long samples;
    private long callchainLines;
    private long headerLines;
    private final TreeMap<String, Long> unknownEvents = new TreeMap<>();

    // the line being parsed: token offsets
    private int[] ts = new int[64];
    private int[] te = new int[64];
    private int nt;
    private String line;

    // the open sample
    private boolean open;
    private long pLine;
    private int pLines;
    private long pTime;
    private int pPrecision;
    private String pComm;
    private int pPid;
    private int pTid;
    private int pCpu;
    private long pIp;
    private boolean pHasIp;
    private long pAddr;
    private boolean pHasAddr;
    private long pPhys;
    private boolean pHasPhys;
    private long pDataSrc;
    private boolean pHasDataSrc;
    private String pDataSrcText;
    private long pWeight;
    private int pEvents;
    private StringBuilder pNames = new StringBuilder();

    // columns of the first sample line
    private int layout = -1;
    private long layoutLine;

    // fields of the current line
    private long time;
    private int precision;
    private String comm;
    private int pid;
    private int tid;
    private int cpu;
    private long ip;
    private boolean hasIp;
    private long addr;
    private boolean hasAddr;
    private long phys;
    private boolean hasPhys;
    private boolean physPrinted;
    private long dataSrc;
    private boolean hasDataSrc;
    private String dataSrcText;
    private long weight;
    private boolean hasWeight;
    private boolean hasSym;

    public PerfScriptSpeParser(Issues issues) {
        this.issues = issues;
    }

    /** The SPE sampling interval from the header, or -1. */
    public long period() {
        return period;
    }

    /** The header line that gave {@link #period()}. */
    public long periodLine() {
        return periodLine;
    }

    public long lines() {
        return lines;
    }

    /** Lines that were one synthetic SPE event each. */
    public long eventLines() {
        return eventLines;
    }

    /** Merged samples given to the sink. */
    public long samples() {
        return samples;
    }

    public long callchainLines() {
        return callchainLines;
    }

    public long headerLines() {
        return headerLines;
    }

    /** Event lines of events that are not Arm SPE synthetic events, by name. */
    public SortedMap<String, Long> unknownEvents() {
        return unknownEvents;
    }

    /** True if the capture prints the data address column. */
    public boolean hasAddrColumn() {
        return layout >= 0 && (layout & 1) != 0;
    }

    /** True if the capture prints the data_src column. */
    public boolean hasDataSrcColumn() {
        return layout >= 0 && (layout & 2) != 0;
    }

    /** True if the capture prints the phys_addr column. */
    public boolean hasPhysColumn() {
        return layout >= 0 && (layout & 8) != 0;
    }

    /** True if the capture prints the weight column. */
    public boolean hasWeightColumn() {
        return layout >= 0 && (layout & 16) != 0;
    }

    /** Reads every line of {@code in}. */
    public void parse(TextInput in, Sink sink) {
        String s;
        while ((s = in.next()) != null) {
            lines++;
            long ln = in.lineNumber();
            line = s;
            tokenize();
            if (nt == 0) {
                continue;
            }
            if (s.charAt(ts[0]) == '#') {
                headerLines++;
                header(s, ln);
                continue;
            }
            parseLine(ln, sink);
        }
        flush(sink);
    }

    private void header(String s, long ln) {
        if (period >= 0 || !s.contains("arm_spe") || !s.contains("event")) {
            return;
        }
        Matcher m = PERIOD.matcher(s);
        if (m.find()) {
            try {
                period = Long.parseLong(m.group(1));
                periodLine = ln;
            } catch (NumberFormatException e) {
                // too many digits: not a period perf could print; leave it unknown
            }
        }
    }

    private void tokenize() {
        nt = 0;
        int n = line.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && !isSpace(line.charAt(i))) {
                i++;
            }
            if (nt == ts.length) {
                ts = java.util.Arrays.copyOf(ts, nt * 2);
                te = java.util.Arrays.copyOf(te, nt * 2);
            }
            ts[nt] = start;
            te[nt] = i;
            nt++;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private void parseLine(long ln, Sink sink) {
        int t = -1;
        for (int i = 0; i < nt; i++) {
            if (isTime(i)) {
                t = i;
                break;
            }
        }
        if (t < 0) {
            if (isSpace(line.charAt(0)) && isHex(0)) {
                callchainLines++; // "\t ffff... sym (dso)": a frame of a call chain
                return;
            }
            issues.malformed(ln, "not a sample line", "expected a perf script sample line 'COMM TID [CPU] "
                    + "SECONDS.FRACTION: EVENT: ...' with the time column, got " + Issues.quote(line));
            return;
        }
        if (!parseTime(t)) {
            issues.malformed(ln, "bad time", "expected the time as seconds with 1 to 9 decimals, got "
                    + Issues.quote(tok(t)));
            return;
        }
        int ev = t + 1;
        if (ev < nt && isDecimal(ev) && ev + 1 < nt) {
            ev++; // the period column (always 1 for SPE)
        }
        if (ev >= nt || line.charAt(te[ev] - 1) != ':' || te[ev] - ts[ev] < 2) {
            issues.malformed(ln, "no event name", "expected the event name 'NAME:' after the time, got "
                    + Issues.quote(ev < nt ? tok(ev) : line));
            return;
        }
        String name = line.substring(ts[ev], te[ev] - 1);
        int bit = SpeSample.eventBit(name);
        if (bit == SpeSample.OTHER) {
            unknownEvents.merge(name, 1L, Long::sum);
            return;
        }
        parsePrefix(t);
        String err = parseRest(ev + 1);
        if (err != null) {
            issues.malformed(ln, "bad columns", err);
            return;
        }
        int lay = (hasAddr ? 1 : 0) | (hasDataSrc ? 2 : 0) | (hasIp ? 4 : 0) | (physPrinted ? 8 : 0)
                | (hasWeight ? 16 : 0) | (hasSym ? 32 : 0) | (cpu >= 0 ? 64 : 0);
        if (layout < 0) {
            layout = lay;
            layoutLine = ln;
        } else if (lay != layout) {
            issues.malformed(ln, "columns differ", "expected the columns of line " + layoutLine + " ("
                    + describe(layout) + "), got " + describe(lay) + " (a truncated or differently printed line)");
            return;
        }
        eventLines++;
        boolean same = open && pTime == time && pCpu == cpu && pTid == tid && pHasIp == hasIp && pIp == ip
                && (!pHasAddr || !hasAddr || pAddr == addr) && (pEvents & bit) == 0;
        if (!same) {
            flush(sink);
            open = true;
            pLine = ln;
            pLines = 0;
            pTime = time;
            pPrecision = precision;
            pComm = comm;
            pPid = pid;
            pTid = tid;
            pCpu = cpu;
            pIp = ip;
            pHasIp = hasIp;
            pHasAddr = false;
            pHasPhys = false;
            pHasDataSrc = false;
            pWeight = -1;
            pEvents = 0;
            pNames.setLength(0);
        }
        pLines++;
        pEvents |= bit;
        pNames.append(pNames.length() == 0 ? "" : ";").append(name);
        if (hasAddr && !pHasAddr) {
            pAddr = addr;
            pHasAddr = true;
        }
        if (hasPhys && !pHasPhys) {
            pPhys = phys;
            pHasPhys = true;
        }
        if (hasDataSrc && !pHasDataSrc) {
            pDataSrc = dataSrc;
            pHasDataSrc = true;
            pDataSrcText = dataSrcText;
        }
        if (hasWeight && pWeight < 0) {
            pWeight = weight;
        }
    }

    private static String describe(int lay) {
        StringBuilder b = new StringBuilder();
        String[] names = {"addr", "data_src", "ip", "phys_addr", "weight", "sym/dso", "cpu"};
        for (int i = 0; i < names.length; i++) {
            if ((lay & (1 << i)) != 0) {
                b.append(b.length() == 0 ? "" : ", ").append(names[i]);
            }
        }
        return b.length() == 0 ? "no address columns" : b.toString();
    }

    private void flush(Sink sink) {
        if (!open) {
            return;
        }
        open = false;
        samples++;
        sink.accept(new SpeSample(pLine, pLines, pTime, pPrecision, pComm, pPid, pTid, pCpu, pIp, pHasIp, pAddr,
                pHasAddr, pPhys, pHasPhys, pDataSrc, pHasDataSrc, pHasDataSrc ? pDataSrcText : null, pWeight, pEvents,
                pNames.toString()));
    }

    /** COMM, PID/TID and [CPU] before the time token {@code t}. */
    private void parsePrefix(int t) {
        int j = t - 1;
        cpu = -1;
        pid = -1;
        tid = -1;
        comm = null;
        if (j >= 0 && line.charAt(ts[j]) == '[' && line.charAt(te[j] - 1) == ']' && te[j] - ts[j] > 2
                && digits(ts[j] + 1, te[j] - 1)) {
            cpu = (int) Math.min(Integer.MAX_VALUE, decimal(ts[j] + 1, te[j] - 1));
            j--;
        }
        if (j >= 0) {
            int slash = line.indexOf('/', ts[j]);
            if (slash > ts[j] && slash < te[j] - 1 && digits(ts[j], slash) && digits(slash + 1, te[j])) {
                pid = (int) decimal(ts[j], slash);
                tid = (int) decimal(slash + 1, te[j]);
                j--;
            } else if (digits(ts[j], te[j])) {
                tid = (int) decimal(ts[j], te[j]);
                j--;
            }
        }
        if (j >= 0) {
            comm = line.substring(ts[0], te[j]).replaceAll("\\s+", " ");
        }
    }

    /**
     * The columns after the event name, from token {@code from}: returns null when they are placed,
     * or what was expected and found.
     */
    private String parseRest(int from) {
        hasIp = false;
        hasAddr = false;
        hasPhys = false;
        physPrinted = false;
        hasDataSrc = false;
        dataSrcText = null;
        hasWeight = false;
        hasSym = false;
        ip = 0;
        addr = 0;
        int k = -1;
        for (int i = from; i < nt; i++) {
            if (line.startsWith("|OP", ts[i])) {
                k = i;
                break;
            }
        }
        int ipFrom = from;
        if (k >= 0) {
            if (k - 1 < from || !isHex(k - 1)) {
                return "expected the data_src word (hex) before its text '|OP ...', got " + Issues.quote(line);
            }
            dataSrc = hex(k - 1);
            hasDataSrc = true;
            int pre = k - 1 - from;
            if (pre > 1 || (pre == 1 && !isHex(from))) {
                return "expected at most the data address before data_src, got " + Issues.quote(
                        line.substring(ts[from], te[k - 2]));
            }
            if (pre == 1) {
                addr = hex(from);
                hasAddr = true;
            }
            int blk = line.indexOf("|BLK", ts[k]);
            if (blk < 0) {
                return "expected the data_src text to end with '|BLK ...', got " + Issues.quote(line.substring(ts[k]));
            }
            int p = blk + 4;
            while (true) {
                while (p < line.length() && isSpace(line.charAt(p))) {
                    p++;
                }
                if (line.startsWith("N/A", p) || line.startsWith("Data", p) || line.startsWith("Addr", p)) {
                    p = line.startsWith("N/A", p) ? p + 3 : p + 4;
                } else {
                    break;
                }
            }
            dataSrcText = line.substring(ts[k], p).strip();
            ipFrom = nt;
            for (int i = k; i < nt; i++) {
                if (ts[i] >= p) {
                    ipFrom = i;
                    break;
                }
            }
        }
        int s = -1;
        for (int i = ipFrom; i < nt; i++) {
            if (!isHex(i)) {
                s = i;
                break;
            }
        }
        if (s < 0) {
            if (ipFrom < nt) {
                return "expected the PC with its symbol or DSO after the numeric columns (perf script -F ...,ip,sym,..."
                        + "), got only numbers " + Issues.quote(line.substring(ts[ipFrom]))
                        + ": without it the data address cannot be told from the PC";
            }
            return null;
        }
        if (s == ipFrom) {
            return "expected the PC (hex) before " + Issues.quote(tok(s)) + ", got none";
        }
        ip = hex(s - 1);
        hasIp = true;
        hasSym = true;
        int pre = s - 1 - ipFrom;
        int w = ipFrom;
        if (k < 0 && pre >= 1 && !smallDecimal(ipFrom)) {
            addr = hex(ipFrom);
            hasAddr = true;
            w++;
            pre--;
        }
        if (pre > 2) {
            return "expected at most the weight and ins_lat columns before the PC, got " + Issues.quote(
                    line.substring(ts[w], te[s - 2]));
        }
        if (pre >= 1) {
            if (!isDecimal(w)) {
                return "expected the weight (decimal) before the PC, got " + Issues.quote(tok(w));
            }
            weight = decimal(ts[w], te[w]);
            hasWeight = true;
        }
        int end = -1;
        for (int i = s; i < nt; i++) {
            if (line.charAt(ts[i]) == '(') {
                for (int j = i; j < nt; j++) {
                    if (line.charAt(te[j] - 1) == ')') {
                        end = j + 1;
                        break;
                    }
                }
                if (end < 0) {
                    return "expected the DSO in parentheses to end with ')', got " + Issues.quote(line.substring(ts[i]));
                }
                break;
            }
        }
        if (end < 0) {
            end = s;
            while (end < nt && !isHex(end)) {
                end++;
            }
        }
        if (end < nt) {
            if (!isHex(end)) {
                return "expected phys_addr (hex) after the PC's symbol, got " + Issues.quote(tok(end));
            }
            phys = hex(end);
            physPrinted = true;
            hasPhys = phys != 0;
            for (int i = end + 1; i < nt; i++) {
                if (!isPageSize(i)) {
                    return "expected nothing but page sizes after phys_addr, got " + Issues.quote(tok(i));
                }
            }
        }
        return null;
    }

    private boolean isTime(int i) {
        int a = ts[i];
        int b = te[i];
        if (b - a < 4 || line.charAt(b - 1) != ':') {
            return false;
        }
        int dot = -1;
        for (int p = a; p < b - 1; p++) {
            char c = line.charAt(p);
            if (c == '.') {
                if (dot >= 0) {
                    return false;
                }
                dot = p;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dot > a && dot < b - 2;
    }

    private boolean parseTime(int i) {
        int a = ts[i];
        int b = te[i] - 1;
        int dot = line.indexOf('.', a);
        int decimals = b - dot - 1;
        if (decimals > 9 || dot - a > 10) {
            return false;
        }
        long secs = decimal(a, dot);
        long frac = decimal(dot + 1, b);
        long scale = 1;
        for (int d = decimals; d < 9; d++) {
            scale *= 10;
        }
        time = secs * 1_000_000_000L + frac * scale;
        precision = (int) scale;
        return true;
    }

    private String tok(int i) {
        return line.substring(ts[i], te[i]);
    }

    private boolean digits(int a, int b) {
        if (b <= a || b - a > 18) {
            return false;
        }
        for (int p = a; p < b; p++) {
            char c = line.charAt(p);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private boolean isDecimal(int i) {
        return digits(ts[i], te[i]);
    }

    /** A decimal of at most 5 digits: a weight (cycles), never a data address. */
    private boolean smallDecimal(int i) {
        return te[i] - ts[i] <= 5 && isDecimal(i);
    }

    private long decimal(int a, int b) {
        long v = 0;
        for (int p = a; p < b; p++) {
            v = v * 10 + (line.charAt(p) - '0');
        }
        return v;
    }

    /** 1 to 16 hex digits, optionally after {@code 0x}. */
    private boolean isHex(int i) {
        int a = ts[i];
        int b = te[i];
        if (b - a > 2 && line.charAt(a) == '0' && (line.charAt(a + 1) | 0x20) == 'x') {
            a += 2;
        }
        if (b <= a || b - a > 16) {
            return false;
        }
        for (int p = a; p < b; p++) {
            if (Character.digit(line.charAt(p), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private long hex(int i) {
        int a = ts[i];
        int b = te[i];
        if (b - a > 2 && line.charAt(a) == '0' && (line.charAt(a + 1) | 0x20) == 'x') {
            a += 2;
        }
        long v = 0;
        for (int p = a; p < b; p++) {
            v = (v << 4) | Character.digit(line.charAt(p), 16);
        }
        return v;
    }

    /** {@code data_page_size} / {@code code_page_size} columns: {@code 4K}, {@code 2M}, {@code N/A}. */
    private boolean isPageSize(int i) {
        String t = tok(i);
        return t.equals("N/A") || t.matches("\\d+[KMGT]?");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PerfScriptSpeParser[%d lines, %d samples]", lines, samples);
    }
}
