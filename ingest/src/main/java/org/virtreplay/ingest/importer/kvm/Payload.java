package org.virtreplay.ingest.importer.kvm;

/**
 * Parses the payload of one record at byte level into reused fields ({@link #v} values,
 * {@link #wStart}/{@link #wEnd} for a word such as the exit type), for each event in the printk
 * forms of old and new kernels (trace-formats.md §1.5) and the {@code trace-cmd report -R} raw
 * form ({@code name=value} fields, decimal or {@code 0x}-hex). Each {@code parse*} method returns
 * false if the payload is not one of the forms; {@link #expected} then says what was expected.
 */
final class Payload {
    byte[] b;
    int p;
    int e;
    /** Parsed values; meaning per event (see each method). */
    final long[] v = new long[8];
    /** Which values were present (bit i for v[i]). */
    int present;
    int wStart;
    int wEnd;
    int w2Start;
    int w2End;
    /** True if the payload was in the raw {@code name=value} form. */
    boolean raw;

    void reset(byte[] buf, int start, int end) {
        b = buf;
        p = start;
        e = end;
        present = 0;
        raw = false;
        wStart = wEnd = w2Start = w2End = 0;
    }

    // ---- primitives ----

    private boolean lit(String s) {
        int n = s.length();
        if (e - p < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        p += n;
        return true;
    }

    private void spaces() {
        while (p < e && b[p] == ' ') {
            p++;
        }
    }

    private boolean end() {
        return p == e;
    }

    /** Fields a patched kernel appended after the stock payload ("; NAME: VALUE ..."): skipped. */
    private boolean appended() {
        if (e - p > 2 && b[p] == ';' && b[p + 1] == ' ') {
            p = e;
            return true;
        }
        return false;
    }

    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = 0; c < 10; c++) {
            HEX['0' + c] = (byte) c;
        }
        for (int c = 0; c < 6; c++) {
            HEX['a' + c] = (byte) (10 + c);
            HEX['A' + c] = (byte) (10 + c);
        }
    }

    private static int hexDigit(byte c) {
        return HEX[c & 0xff];
    }

    /** 1 to 16 hex digits without a prefix into v[i]. */
    private boolean hexBare(int i) {
        int s = p;
        long x = 0;
        int d;
        while (p < e && (d = hexDigit(b[p])) >= 0) {
            x = (x << 4) | d;
            p++;
        }
        if (p == s || p - s > 16) {
            return false;
        }
        v[i] = x;
        present |= 1 << i;
        return true;
    }

    /** "0x" HEX, or a bare "0" (printf's %#x of zero has no prefix). */
    private boolean hex0x(int i) {
        if (lit("0x") || lit("0X")) {
            return hexBare(i);
        }
        if (p < e && b[p] == '0' && (p + 1 == e || hexDigit(b[p + 1]) < 0)) {
            p++;
            v[i] = 0;
            present |= 1 << i;
            return true;
        }
        return false;
    }

    /** A signed decimal (at most 18 digits) into v[i]. */
    private boolean dec(int i) {
        boolean neg = p < e && b[p] == '-';
        if (neg) {
            p++;
        }
        int s = p;
        long x = 0;
        while (p < e && b[p] >= '0' && b[p] <= '9') {
            x = x * 10 + (b[p] - '0');
            p++;
        }
        if (p == s || p - s > 18) {
            return false;
        }
        v[i] = neg ? -x : x;
        present |= 1 << i;
        return true;
    }

    /** A raw value: decimal or 0x-hex (libtraceevent prints long fields in hex). */
    private boolean num(int i) {
        if (p + 1 < e && b[p] == '0' && (b[p + 1] == 'x' || b[p + 1] == 'X')) {
            return hex0x(i);
        }
        return dec(i);
    }

    /** A word up to (not including) {@code stop} or the end: into wStart/wEnd. */
    private boolean wordUntil(char stop) {
        int s = p;
        while (p < e && b[p] != stop) {
            p++;
        }
        wStart = s;
        wEnd = p;
        return p > s;
    }

    /** Raw form: " name=" then a number into v[i]. */
    private boolean field(String name, int i) {
        spaces();
        return lit(name) && lit("=") && num(i);
    }

    private boolean startsRaw(String firstField) {
        int save = p;
        spaces();
        boolean r = lit(firstField) && p < e && b[p] == '=';
        p = save;
        return r;
    }

    // ---- events ----

    /** kvm_entry: v0 = PC. "PC: 0x%016lx" (older: 0x%08lx); raw vcpu_pc=. */
    boolean kvmEntry() {
        if (startsRaw("vcpu_pc")) {
            raw = true;
            return field("vcpu_pc", 0) && endRaw();
        }
        return lit("PC: ") && hex0x(0) && end();
    }

    static final String KVM_ENTRY = "'PC: 0xADDR'";

    /**
     * kvm_exit: wStart..wEnd = exit type as printed (empty if the form has none), v0 = EC (absent
     * in the oldest form), w2 = EC name as printed, v1 = PC; raw: v2 = ret.
     * Forms: "TYPE: HSR_EC: 0x%04x (NAME), PC: 0x%016lx", "HSR_EC: 0x%04x (NAME), PC: 0x%08lx",
     * "PC: 0x%08lx"; raw "ret=N esr_ec=N vcpu_pc=N".
     */
    boolean kvmExit() {
        if (startsRaw("ret")) {
            raw = true;
            return field("ret", 2) && field("esr_ec", 0) && field("vcpu_pc", 1) && endRaw();
        }
        if (lit("PC: ")) {
            // The oldest (32-bit arm) form; a kernel patched to print more after it (the
            // "; exit count: N" of ftrace-kvm-arm32-guest-fault-homework) still has the PC first.
            return hex0x(1) && (end() || appended());
        }
        if (!lit("HSR_EC: ")) {
            int s = p;
            while (p < e && b[p] != ':' && b[p] != ' ') {
                p++;
            }
            if (p == s || !lit(": HSR_EC: ")) {
                return false;
            }
            wStart = s;
            wEnd = p - ": HSR_EC: ".length();
        }
        if (!hex0x(0) || !lit(" (")) {
            return false;
        }
        int ns = p;
        while (p < e && b[p] != ')') {
            p++;
        }
        w2Start = ns;
        w2End = p;
        return p > ns && lit("), PC: ") && hex0x(1) && end();
    }

    static final String KVM_EXIT = "'TYPE: HSR_EC: 0xEC (NAME), PC: 0xADDR' (or an older form without TYPE or EC)";

    /** kvm_guest_fault: v0 ipa, v1 hsr (ESR), v2 hxfar (FAR), v3 pc. */
    boolean kvmGuestFault() {
        if (startsRaw("vcpu_pc")) {
            raw = true;
            return field("vcpu_pc", 3) && field("hsr", 1) && field("hxfar", 2) && field("ipa", 0) && endRaw();
        }
        return lit("ipa ") && hex0x(0) && lit(", hsr ") && hex0x(1) && lit(", hxfar ") && hex0x(2)
                && lit(", pc ") && hex0x(3) && end();
    }

    static final String KVM_GUEST_FAULT = "'ipa 0xIPA, hsr 0xESR, hxfar 0xFAR, pc 0xPC'";

    /** kvm_access_fault: v0 ipa. "IPA: %lx" (no 0x). */
    boolean kvmAccessFault() {
        if (startsRaw("ipa")) {
            raw = true;
            return field("ipa", 0) && endRaw();
        }
        return lit("IPA: ") && hexBare(0) && end();
    }

    static final String KVM_ACCESS_FAULT = "'IPA: HEX'";

    /** kvm_mmio: w = direction, v0 len, v1 gpa, v2 val; raw type (v3) len gpa val. */
    boolean kvmMmio() {
        if (startsRaw("type")) {
            raw = true;
            return field("type", 3) && field("len", 0) && field("gpa", 1) && field("val", 2) && endRaw();
        }
        if (!lit("mmio ")) {
            return false;
        }
        if (!wordUntil(' ')) {
            return false;
        }
        return lit(" len ") && dec(0) && lit(" gpa ") && hex0x(1) && lit(" val ") && hex0x(2) && end();
    }

    static final String KVM_MMIO = "'mmio read|write|unsatisfied-read len N gpa 0xIPA val 0xVALUE'";

    /** kvm_mmio_emulate: v0 pc, v1 instr, v2 cpsr. */
    boolean kvmMmioEmulate() {
        if (startsRaw("vcpu_pc")) {
            raw = true;
            return field("vcpu_pc", 0) && field("instr", 1) && field("cpsr", 2) && endRaw();
        }
        return lit("Emulate MMIO at: ") && hex0x(0) && lit(" (instr: ") && hexBare(1) && lit(", cpsr: ")
                && hexBare(2) && lit(")") && end();
    }

    static final String KVM_MMIO_EMULATE = "'Emulate MMIO at: 0xPC (instr: HEX, cpsr: HEX)'";

    /** kvm_userspace_exit: w = reason word, v0 = the number in parentheses; raw reason (v0) errno (v1). */
    boolean kvmUserspaceExit() {
        if (startsRaw("reason")) {
            raw = true;
            return field("reason", 0) && field("errno", 1) && endRaw();
        }
        return lit("reason ") && wordUntil(' ') && lit(" (") && dec(0) && lit(")") && end();
    }

    static final String KVM_USERSPACE_EXIT = "'reason NAME (N)'";

    /** kvm_irq_line: w = "CPU" | "VGIC PPI" | "VGIC SPI" | "UNKNOWN", v0 type, v1 vcpu_idx, v2 num, v3 level. */
    boolean kvmIrqLine() {
        if (startsRaw("type")) {
            raw = true;
            return field("type", 0) && field("vcpu_idx", 1) && field("irq_num", 2) && field("level", 3) && endRaw();
        }
        if (!lit("Inject ")) {
            return false;
        }
        int s = p;
        while (p < e && !(b[p] == ' ' && lit(" interrupt ("))) {
            p++;
        }
        if (p >= e) {
            return false;
        }
        wStart = s;
        wEnd = p - " interrupt (".length();
        return dec(0) && lit("), vcpu->idx: ") && dec(1) && lit(", num: ") && dec(2) && lit(", level: ")
                && dec(3) && end();
    }

    static final String KVM_IRQ_LINE = "'Inject VGIC SPI|VGIC PPI|CPU interrupt (T), vcpu->idx: N, num: N, level: 0|1'";

    /** kvm_set_irq: v0 gsi, v1 level, v2 source. */
    boolean kvmSetIrq() {
        if (startsRaw("gsi")) {
            raw = true;
            return field("gsi", 0) && field("level", 1) && field("irq_source_id", 2) && endRaw();
        }
        return lit("gsi ") && dec(0) && lit(" level ") && dec(1) && lit(" source ") && dec(2) && end();
    }

    static final String KVM_SET_IRQ = "'gsi N level 0|1 source N'";

    /** vgic_update_irq_pending: v0 vcpu, v1 irq, v2 level ("level:" with a colon). */
    boolean vgicUpdateIrqPending() {
        return vcpuIrqLevel(", level: ");
    }

    static final String VGIC_UPDATE_IRQ_PENDING = "'VCPU: N, IRQ N, level: 0|1'";

    /** kvm_timer_update_irq: v0 vcpu, v1 irq, v2 level ("level" without a colon). */
    boolean kvmTimerUpdateIrq() {
        return vcpuIrqLevel(", level ");
    }

    /**
     * The two VGIC/timer events print the same raw fields and the same text but for the words
     * before the level ({@code levelLit}): v0 vcpu, v1 irq, v2 level.
     */
    private boolean vcpuIrqLevel(String levelLit) {
        if (startsRaw("vcpu_id")) {
            raw = true;
            return field("vcpu_id", 0) && field("irq", 1) && field("level", 2) && endRaw();
        }
        return lit("VCPU: ") && dec(0) && lit(", IRQ ") && dec(1) && lit(levelLit) && dec(2) && end();
    }

    static final String KVM_TIMER_UPDATE_IRQ = "'VCPU: N, IRQ N, level 0|1'";

    /** kvm_wfx_arm64: v0 = 1 for wfe, 0 for wfi; v1 pc. */
    boolean kvmWfx() {
        if (startsRaw("vcpu_pc")) {
            raw = true;
            return field("vcpu_pc", 1) && field("is_wfe", 0) && endRaw();
        }
        if (!lit("guest executed wf") || p >= e) {
            return false;
        }
        byte c = b[p++];
        if (c != 'i' && c != 'e') {
            return false;
        }
        v[0] = c == 'e' ? 1 : 0;
        present |= 1;
        return lit(" at: ") && hex0x(1) && end();
    }

    static final String KVM_WFX_ARM64 = "'guest executed wfi|wfe at: 0xPC'";

    /** kvm_vcpu_wakeup: w = wait|poll, v0 ns, w2 = valid|invalid (absent in old kernels); raw ns waited valid. */
    boolean kvmVcpuWakeup() {
        if (startsRaw("ns")) {
            raw = true;
            return field("ns", 0) && field("waited", 1) && field("valid", 2) && endRaw();
        }
        if (!wordUntil(' ')) {
            return false;
        }
        if (!lit(" time ") || !dec(0) || !lit(" ns")) {
            return false;
        }
        if (end()) {
            return true;
        }
        if (!lit(", polling ")) {
            return false;
        }
        int s = p;
        p = e;
        w2Start = s;
        w2End = e;
        return e > s;
    }

    static final String KVM_VCPU_WAKEUP = "'wait|poll time N ns, polling valid|invalid'";

    /** kvm_hvc_arm64: v0 pc, v1 r0, v2 imm. */
    boolean kvmHvc() {
        if (startsRaw("vcpu_pc")) {
            raw = true;
            return field("vcpu_pc", 0) && field("r0", 1) && field("imm", 2) && endRaw();
        }
        return lit("HVC at ") && hex0x(0) && lit(" (r0: ") && hex0x(1) && lit(", imm: ") && hex0x(2) && lit(")")
                && end();
    }

    static final String KVM_HVC_ARM64 = "'HVC at 0xPC (r0: 0xR0, imm: 0xIMM)'";

    /** kvm_handle_sys_reg: v0 hsr (ESR). */
    boolean kvmHandleSysReg() {
        if (startsRaw("hsr")) {
            raw = true;
            return field("hsr", 0) && endRaw();
        }
        return lit("HSR ") && hex0x(0) && end();
    }

    static final String KVM_HANDLE_SYS_REG = "'HSR 0xESR'";

    /** kvm_sys_access: v0 pc, w = register name, v1..v5 Op0, Op1, CRn, CRm, Op2, w2 = read|write. */
    boolean kvmSysAccess() {
        if (startsRaw("vcpu_pc")) {
            // raw: vcpu_pc=.. is_write=.. name=.. Op0=.. ...: only the PC is needed
            raw = true;
            return field("vcpu_pc", 0);
        }
        if (!lit("PC: ") || !hexBare(0) || !lit(" ")) {
            return false;
        }
        if (!wordUntil(' ') || !lit(" (")) {
            return false;
        }
        for (int i = 1; i <= 5; i++) {
            if (!dec(i) || !lit(i < 5 ? "," : ") ")) {
                return false;
            }
        }
        int s = p;
        p = e;
        w2Start = s;
        w2End = e;
        return e > s;
    }

    static final String KVM_SYS_ACCESS = "'PC: HEX NAME (Op0,Op1,CRn,CRm,Op2) read|write'";

    /**
     * sched_switch: w = prev_comm, v0 prev_pid, v1 prev_prio, w2 = prev_state text (raw: v4 the
     * state number), v2 next_pid, v3 next_prio, and {@link #nextCommStart}..{@link #nextCommEnd}.
     * Comms may hold spaces: fields are found by their {@code key=} markers.
     */
    boolean schedSwitch() {
        if (!lit("prev_comm=")) {
            return false;
        }
        int cs = p;
        int m = find(" prev_pid=");
        if (m < 0) {
            return false;
        }
        wStart = cs;
        wEnd = m;
        p = m + " prev_pid=".length();
        if (!dec(0) || !lit(" prev_prio=") || !dec(1) || !lit(" prev_state=")) {
            return false;
        }
        int ss = p;
        int arrow = find(" ==> next_comm=");
        int next;
        if (arrow >= 0) {
            w2Start = ss;
            w2End = arrow;
            next = arrow + " ==> next_comm=".length();
        } else {
            // raw form: prev_state=NUMBER next_comm=...
            raw = true;
            if (!num(4) || !lit(" next_comm=")) {
                return false;
            }
            w2Start = w2End = ss;
            next = p;
        }
        p = next;
        int nm = find(" next_pid=");
        if (nm < 0) {
            return false;
        }
        nextCommStart = next;
        nextCommEnd = nm;
        p = nm + " next_pid=".length();
        if (!dec(2) || !lit(" next_prio=") || !dec(3)) {
            return false;
        }
        return end() || b[p] == ' '; // newer trees may append fields (next_policy=...)
    }

    int nextCommStart;
    int nextCommEnd;

    static final String SCHED_SWITCH = "'prev_comm=COMM prev_pid=N prev_prio=N prev_state=S ==> next_comm=COMM "
            + "next_pid=N next_prio=N'";

    /** sched_wakeup (and _new, sched_waking): w = comm, v0 pid, v1 prio, v2 target_cpu. */
    boolean schedWakeup() {
        if (!lit("comm=")) {
            return false;
        }
        int cs = p;
        int m = find(" pid=");
        if (m < 0) {
            return false;
        }
        wStart = cs;
        wEnd = m;
        p = m + " pid=".length();
        if (!dec(0) || !lit(" prio=") || !dec(1)) {
            return false;
        }
        if (lit(" success=")) { // kernels before 4.x
            if (!dec(3)) {
                return false;
            }
        }
        if (end()) {
            return true; // raw forms of some versions leave target_cpu out
        }
        return lit(" target_cpu=") && dec(2) && (end() || b[p] == ' ');
    }

    static final String SCHED_WAKEUP = "'comm=COMM pid=N prio=N target_cpu=NNN'";

    private boolean endRaw() {
        spaces();
        return true; // raw records may carry further fields (common_* or newer ones)
    }

    /** Position of {@code s} at or after p, or -1. */
    private int find(String s) {
        int n = s.length();
        outer:
        for (int i = p; i + n <= e; i++) {
            for (int j = 0; j < n; j++) {
                if (b[i + j] != s.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    boolean has(int i) {
        return (present & (1 << i)) != 0;
    }

    /** True if word [s, e) equals {@code t}. */
    boolean wordIs(int s, int end, String t) {
        if (end - s != t.length()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (b[s + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
