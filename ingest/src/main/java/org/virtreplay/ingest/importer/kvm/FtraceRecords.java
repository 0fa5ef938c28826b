package org.virtreplay.ingest.importer.kvm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.importer.TextLines;

/**
 * The records of one ftrace-like text file, one at a time, parsed at byte level into reused fields
 * (no object per record). Accepts, per line (trace-formats.md §1.2–§1.4):
 *
 * <pre>
 *   [FILE: ] COMM-PID [(TGID) ][CPU] [FLAGS ]SECS.FRAC: EVENT: PAYLOAD     kernel trace / trace_pipe, trace-cmd report
 *   COMM PID[/TID] [CPU] SECS.FRAC: [SYSTEM:]EVENT: PAYLOAD                perf script
 *   SECS.FRAC: EVENT: PAYLOAD                                              a capture whose prefix was cut off
 * </pre>
 *
 * COMM may hold spaces and '-' (the PID is the last {@code -DIGITS} before the CPU); FLAGS are 4 to
 * 8 of {@code [.a-zA-Z0-9]}; FRAC has 1 to 9 digits (6 = usec, 9 = nsec output). Lines starting
 * with {@code #}, {@code cpus=N}, {@code version = N}, blank lines and lost-event markers
 * ({@code CPU:N [LOST M EVENTS]}, {@code CPU:N [M EVENTS DROPPED]}) are not records; the header's
 * {@code #P:N} and {@code cpus=N} give the number of CPUs. Any other line continues the record
 * before it (a mail client wrapped it, §1.6) and is joined to it with one space; such a line with
 * no record before it is malformed.
 */
final class FtraceRecords implements Closeable {
    private final TextLines lines;
    private final SourceSink src;
    private final String label;

    // the record being assembled (pending) and the one handed out (current): swapped
    private byte[] pend = new byte[512];
    private int pendLen;
    private boolean hasPend;
    private final Fields pendF = new Fields();
    private byte[] cur = new byte[512];
    private int curLen;
    final Fields f = new Fields();

    /** CPUs the header announced ({@code #P:N}, {@code cpus=N}), or 0. */
    int headerCpus;
    /** Events the kernel or trace-cmd reported lost. */
    long lostEvents;
    /** Logical records handed out. */
    long records;
    /** Physical lines that continued a record (wrapped captures). */
    long continuations;
    /** Timestamp precision: the largest number of fraction digits seen. */
    int fracDigits;

    /** The parsed prefix of a record; offsets index the record's bytes. */
    static final class Fields {
        long line;
        /** The last physical line of the record (after joined continuation lines). */
        long lastLine;
        int tagStart;
        int tagEnd;
        int commStart;
        int commEnd;
        int pid;
        int tgid;
        int cpu;
        long ts;
        int evStart;
        int evEnd;
        int payStart;
        int payEnd;
        boolean bare;

        void copy(Fields o) {
            line = o.line;
            lastLine = o.lastLine;
            tagStart = o.tagStart;
            tagEnd = o.tagEnd;
            commStart = o.commStart;
            commEnd = o.commEnd;
            pid = o.pid;
            tgid = o.tgid;
            cpu = o.cpu;
            ts = o.ts;
            evStart = o.evStart;
            evEnd = o.evEnd;
            payStart = o.payStart;
            payEnd = o.payEnd;
            bare = o.bare;
        }
    }

    private final boolean report;

    /** @param report whether to report malformed lines (the second pass does; the first stays silent) */
    FtraceRecords(TextLines lines, SourceSink src, boolean report) {
        this.lines = lines;
        this.src = src;
        this.report = report;
        this.label = src.spec().label();
    }

    /** The bytes of the current record. */
    byte[] buf() {
        return cur;
    }

    int length() {
        return curLen;
    }

    long linesRead() {
        return lines.lineNumber();
    }

    /** Advances to the next record; false at the end of the file. */
    boolean next() throws IOException {
        while (lines.next()) {
            byte[] b = lines.buf();
            int s = lines.start();
            int e = lines.end();
            while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
                e--;
            }
            int p = s;
            while (p < e && (b[p] == ' ' || b[p] == '\t')) {
                p++;
            }
            if (p == e || b[p] == '#' || startsWith(b, p, e, "cpus=") || startsWith(b, p, e, "version =")
                    || lostMarker(b, p, e)) {
                if (p < e && b[p] == '#') {
                    header(b, p, e);
                } else if (startsWith(b, p, e, "cpus=")) {
                    int n = digits(b, p + 5, e);
                    if (n > 0) {
                        headerCpus = n;
                    }
                }
                if (hasPend) {
                    return emit();
                }
                continue;
            }
            // a new record?
            if (parsePrefix(b, s, e, pendScratch)) {
                boolean had = hasPend;
                if (had) {
                    swap();
                }
                startPending(b, s, e);
                if (had) {
                    return handOut();
                }
                continue;
            }
            if (!hasPend) {
                if (report) {
                    src.malformed(lines.lineNumber(), "expected a trace record 'COMM-PID [CPU] SECS.USECS: EVENT: ...' "
                            + "(ftrace text or trace-cmd report), got '" + shorten(lines.text()) + "'");
                }
                continue;
            }
            // a continuation of the pending record: joined with one space
            int add = e - p;
            ensurePend(pendLen + 1 + add);
            pend[pendLen++] = ' ';
            System.arraycopy(b, p, pend, pendLen, add);
            pendLen += add;
            pendF.payEnd = pendLen;
            pendF.lastLine = lines.lineNumber();
            continuations++;
        }
        if (hasPend) {
            return emit();
        }
        return false;
    }

    private final Fields pendScratch = new Fields();

    private void startPending(byte[] b, int s, int e) {
        int n = e - s;
        ensurePend(n);
        System.arraycopy(b, s, pend, 0, n);
        pendLen = n;
        pendF.copy(pendScratch);
        // offsets of the scratch parse are relative to the line start s
        shift(pendF, -s);
        pendF.line = lines.lineNumber();
        pendF.lastLine = pendF.line;
        hasPend = true;
    }

    private static void shift(Fields x, int d) {
        x.tagStart += d;
        x.tagEnd += d;
        x.commStart += d;
        x.commEnd += d;
        x.evStart += d;
        x.evEnd += d;
        x.payStart += d;
        x.payEnd += d;
    }

    /** Moves the pending record to current (the pending buffer is then free). */
    private void swap() {
        byte[] t = cur;
        cur = pend;
        pend = t;
        curLen = pendLen;
        f.copy(pendF);
        hasPend = false;
        pendLen = 0;
    }

    private boolean emit() {
        swap();
        return handOut();
    }

    private boolean handOut() {
        records++;
        return true;
    }

    private void ensurePend(int n) {
        if (pend.length < n) {
            pend = java.util.Arrays.copyOf(pend, Math.max(n, pend.length * 2));
        }
    }

    private void header(byte[] b, int p, int e) {
        // "# entries-in-buffer/entries-written: N/M   #P:4"
        for (int i = p + 1; i + 2 < e; i++) {
            if (b[i] == '#' && b[i + 1] == 'P' && b[i + 2] == ':') {
                int n = digits(b, i + 3, e);
                if (n > 0) {
                    headerCpus = n;
                }
            }
        }
    }

    private boolean lostMarker(byte[] b, int p, int e) {
        // "CPU:%d [LOST %lu EVENTS]" (kernel), "CPU:%d [%lld EVENTS DROPPED]" (trace-cmd), "CPU %d is empty"
        // cheap first: such lines end with ']' or "empty" (a vCPU thread's records start with "CPU" too)
        if (!startsWith(b, p, e, "CPU") || !(b[e - 1] == ']' || b[e - 1] == 'y')) {
            return false;
        }
        int i = p + 3;
        if (i < e && (b[i] == ':' || b[i] == ' ')) {
            i++;
        }
        int d = i;
        while (i < e && isDigit(b[i])) {
            i++;
        }
        if (i == d) {
            return false;
        }
        String rest = new String(b, i, e - i, StandardCharsets.US_ASCII).trim();
        if (rest.equals("is empty")) {
            return true;
        }
        if (rest.startsWith("[LOST ") && rest.endsWith(" EVENTS]")) {
            lostEvents += parseLong(rest.substring(6, rest.length() - 8));
            return true;
        }
        if (rest.startsWith("[") && rest.endsWith(" EVENTS DROPPED]")) {
            lostEvents += parseLong(rest.substring(1, rest.length() - 16));
            return true;
        }
        return false;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Parses the prefix of the line {@code b[s..e)} (right-stripped) into {@code x}, offsets as in
     * {@code b}. False if the line does not start a record.
     */
    boolean parsePrefix(byte[] b, int s, int e, Fields x) {
        int p = s;
        while (p < e && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        // the CPU bracket: the first '[' DIGITS ']' preceded by a blank
        int cb = -1;
        int ce = -1;
        for (int i = p + 1; i < e - 2; i++) {
            if (b[i] == '[' && isDigit(b[i + 1]) && (b[i - 1] == ' ' || b[i - 1] == '\t')) {
                int j = i + 1;
                while (j < e && isDigit(b[j])) {
                    j++;
                }
                if (j < e && b[j] == ']') {
                    cb = i;
                    ce = j;
                }
                break;
            }
            if (b[i] == ':' && i + 1 < e && b[i + 1] == ' ' && isDigit(b[p]) && allTs(b, p, i)) {
                break; // "SECS.FRAC: " before any bracket: the bare form
            }
        }
        x.tagStart = x.tagEnd = 0;
        x.tgid = -1;
        x.bare = false;
        if (cb < 0) {
            return parseBare(b, p, e, x);
        }
        int cpu = 0;
        for (int i = cb + 1; i < ce; i++) {
            cpu = cpu * 10 + (b[i] - '0');
            if (cpu > 1_000_000) {
                return false;
            }
        }
        int k = cb - 1;
        while (k > p && (b[k] == ' ' || b[k] == '\t')) {
            k--;
        }
        if (b[k] == ')') {
            int open = k - 1;
            while (open > p && b[open] != '(') {
                open--;
            }
            if (b[open] != '(') {
                return false;
            }
            int t = 0;
            boolean any = false;
            boolean dash = false;
            for (int i = open + 1; i < k; i++) {
                if (isDigit(b[i])) {
                    t = t * 10 + (b[i] - '0');
                    any = true;
                } else if (b[i] == '-') {
                    dash = true;
                } else if (b[i] != ' ') {
                    return false;
                }
            }
            x.tgid = any && !dash ? t : -1;
            k = open - 1;
            while (k > p && (b[k] == ' ' || b[k] == '\t')) {
                k--;
            }
        }
        int pidEnd = k + 1;
        while (k >= p && isDigit(b[k])) {
            k--;
        }
        int pidStart = k + 1;
        if (pidStart == pidEnd || pidEnd - pidStart > 9 || k < p) {
            return false;
        }
        int pid = 0;
        for (int i = pidStart; i < pidEnd; i++) {
            pid = pid * 10 + (b[i] - '0');
        }
        int commEnd;
        if (b[k] == '-') {
            commEnd = k;
        } else if (b[k] == '/') { // perf script "COMM PID/TID": the thread is TID
            int q = k - 1;
            while (q >= p && isDigit(b[q])) {
                q--;
            }
            if (q < p || q == k - 1 || b[q] != ' ') {
                return false;
            }
            commEnd = q;
        } else if (b[k] == ' ') {
            commEnd = k;
        } else {
            return false;
        }
        while (commEnd > p && b[commEnd - 1] == ' ') {
            commEnd--;
        }
        if (commEnd <= p) {
            return false;
        }
        int commStart = p;
        // "FILE: COMM-PID ..." of trace-cmd report with several inputs
        for (int i = p; i + 1 < commEnd; i++) {
            if (b[i] == ':' && b[i + 1] == ' ') {
                x.tagStart = p;
                x.tagEnd = i;
                commStart = i + 2;
                while (commStart < commEnd && b[commStart] == ' ') {
                    commStart++;
                }
                break;
            }
        }
        if (commStart >= commEnd) {
            return false;
        }
        x.commStart = commStart;
        x.commEnd = commEnd;
        x.pid = pid;
        x.cpu = cpu;
        int q = ce + 1;
        while (q < e && b[q] == ' ') {
            q++;
        }
        // optional latency flags, then the timestamp (which ends with ':')
        int t0 = q;
        while (q < e && b[q] != ' ') {
            q++;
        }
        if (q <= t0) {
            return false;
        }
        if (b[q - 1] != ':') {
            int n = q - t0;
            if (n < 4 || n > 8) {
                return false;
            }
            for (int i = t0; i < q; i++) {
                byte c = b[i];
                if (!(c == '.' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                    return false;
                }
            }
            while (q < e && b[q] == ' ') {
                q++;
            }
            t0 = q;
            while (q < e && b[q] != ' ') {
                q++;
            }
            if (q <= t0 || b[q - 1] != ':') {
                return false;
            }
        }
        if (!timestamp(b, t0, q - 1, x)) {
            return false;
        }
        return eventAndPayload(b, q, e, x);
    }

    private boolean parseBare(byte[] b, int p, int e, Fields x) {
        int q = p;
        while (q < e && b[q] != ' ') {
            q++;
        }
        if (q - p < 3 || b[q - 1] != ':' || !isDigit(b[p])) {
            return false;
        }
        if (!timestamp(b, p, q - 1, x)) {
            return false;
        }
        x.commStart = x.commEnd = p;
        x.pid = -1;
        x.cpu = -1;
        x.bare = true;
        return eventAndPayload(b, q, e, x);
    }

    private static boolean allTs(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            if (!isDigit(b[i]) && b[i] != '.') {
                return false;
            }
        }
        return true;
    }

    /** SECS.FRAC in b[s..e) (without the ':'); integer counters are counted and refused. */
    private boolean timestamp(byte[] b, int s, int e, Fields x) {
        long sec = 0;
        int i = s;
        while (i < e && isDigit(b[i])) {
            sec = sec * 10 + (b[i] - '0');
            i++;
            if (i - s > 12) {
                return false;
            }
        }
        if (i == s) {
            return false;
        }
        if (i == e) {
            // "%12llu": a raw counter clock; the caller reports it
            x.ts = -1 - sec;
            return true;
        }
        if (b[i] != '.') {
            return false;
        }
        i++;
        int fs = i;
        long frac = 0;
        while (i < e && isDigit(b[i])) {
            frac = frac * 10 + (b[i] - '0');
            i++;
        }
        int digits = i - fs;
        if (i != e || digits == 0 || digits > 9) {
            return false;
        }
        for (int d = digits; d < 9; d++) {
            frac *= 10;
        }
        x.ts = sec * 1_000_000_000L + frac;
        if (digits > fracDigits) {
            fracDigits = digits;
        }
        return true;
    }

    /** After "TS:": spaces, [SYSTEM:]EVENT ':' then the payload. */
    private static boolean eventAndPayload(byte[] b, int q, int e, Fields x) {
        while (q < e && b[q] == ' ') {
            q++;
        }
        int ev = q;
        while (q < e && b[q] != ' ') {
            q++;
        }
        if (q - ev < 2 || b[q - 1] != ':') {
            return false;
        }
        int evEnd = q - 1;
        for (int i = evEnd - 1; i > ev; i--) {
            if (b[i] == ':') { // perf script "kvm:kvm_exit:"
                ev = i + 1;
                break;
            }
        }
        for (int i = ev; i < evEnd; i++) {
            byte c = b[i];
            if (!(c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        x.evStart = ev;
        x.evEnd = evEnd;
        while (q < e && b[q] == ' ') {
            q++;
        }
        x.payStart = q;
        x.payEnd = e;
        return true;
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean startsWith(byte[] b, int p, int e, String s) {
        if (e - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int digits(byte[] b, int p, int e) {
        int n = 0;
        int i = p;
        while (i < e && isDigit(b[i]) && i - p < 6) {
            n = n * 10 + (b[i] - '0');
            i++;
        }
        return n;
    }

    /** Text of the current record's bytes [s, e). */
    String text(int s, int e) {
        return new String(cur, s, e - s, StandardCharsets.UTF_8);
    }

    /** The whole current record, shortened for a message. */
    String recordText() {
        return shorten(text(0, curLen).trim());
    }

    static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    String label() {
        return label;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
