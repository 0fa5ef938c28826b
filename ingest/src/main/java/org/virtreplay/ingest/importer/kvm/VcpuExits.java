package org.virtreplay.ingest.importer.kvm;

import java.util.Arrays;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * The open guest exit of each host thread: opened by {@code kvm_exit}, filled in by the events KVM
 * prints while it handles the exit (ESR, IPA, FAR, PC where the exit has none yet), closed by the
 * thread's next {@code kvm_entry}, which gives its duration. Each exit becomes one {@code exits}
 * row, added keyed by thread (the thread's VM and vCPU are known only at the end).
 */
final class VcpuExits {
    static final int HAS_ESR = 1;
    static final int HAS_PC = 2;
    static final int HAS_IPA = 4;
    static final int HAS_FAR = 8;

    private final SourceSink[] srcs;
    private final KvmEvent.Table words = new KvmEvent.Table();
    private final Row row = new Row(TableKind.EXITS);
    private boolean[] open = new boolean[0];
    private long[] ts = new long[0];
    private int[] pe = new int[0];
    private int[] src = new int[0];
    private String[] type = new String[0];
    private int[] ec = new int[0];
    private int[] has = new int[0];
    private long[] esr = new long[0];
    private long[] pc = new long[0];
    private long[] ipa = new long[0];
    private long[] far = new long[0];
    /** Exits closed by a second kvm_exit of their thread instead of a kvm_entry. */
    long withoutEntry;
    /**
     * Per thread: the last kvm_entry before its first kvm_exit (-1: none), then, once that exit is
     * read, the time from that entry to it (-1: none). The exits table cannot hold it (an entry
     * that closes no exit makes no row), but perf kvm stat on arm64 measures its time from there.
     */
    private long[] firstEntry = new long[0];
    private long[] firstGuestNs = new long[0];
    private boolean[] exited = new boolean[0];

    VcpuExits(SourceSink[] srcs) {
        this.srcs = srcs;
    }

    /** Makes room for thread t. */
    void ensure(int t) {
        if (t < open.length) {
            return;
        }
        int n = Math.max(t + 1, Math.max(64, open.length * 2));
        open = Arrays.copyOf(open, n);
        ts = Arrays.copyOf(ts, n);
        pe = Arrays.copyOf(pe, n);
        src = Arrays.copyOf(src, n);
        type = Arrays.copyOf(type, n);
        ec = Arrays.copyOf(ec, n);
        has = Arrays.copyOf(has, n);
        esr = Arrays.copyOf(esr, n);
        pc = Arrays.copyOf(pc, n);
        ipa = Arrays.copyOf(ipa, n);
        far = Arrays.copyOf(far, n);
        int old = firstEntry.length;
        firstEntry = Arrays.copyOf(firstEntry, n);
        firstGuestNs = Arrays.copyOf(firstGuestNs, n);
        Arrays.fill(firstEntry, old, n, -1);
        Arrays.fill(firstGuestNs, old, n, -1);
        exited = Arrays.copyOf(exited, n);
    }

    /**
     * {@code kvm_exit} of thread t at {@code time} on CPU {@code cpu} (a {@link Payload#kvmExit}
     * just parsed into {@code pl}). An exit still open is closed first, without a duration.
     */
    void open(int t, long time, int cpu, int file, Payload pl) {
        if (open[t]) {
            withoutEntry++;
            emit(t, -1);
        }
        if (!exited[t]) {
            exited[t] = true;
            firstGuestNs[t] = firstEntry[t] < 0 ? -1 : time - firstEntry[t];
        }
        open[t] = true;
        ts[t] = time;
        pe[t] = cpu;
        src[t] = file;
        has[t] = HAS_PC;
        pc[t] = pl.v[1];
        String ty = null;
        if (pl.raw) {
            ty = exceptionType(pl.v[2], pl.v[0]);
        } else if (pl.wEnd > pl.wStart) {
            ty = words.name(words.id(pl.b, pl.wStart, pl.wEnd));
        }
        type[t] = ty;
        // KVM forces the EC to 0 when the exit is not a trap: it then says nothing
        boolean trap = ty == null ? pl.has(0) : ty.equals("TRAP");
        ec[t] = pl.has(0) && trap && pl.v[0] >= 0 && pl.v[0] <= 63 ? (int) pl.v[0] : -1;
    }

    /**
     * kvm_exit's raw {@code ret} (already reduced by ARM_EXCEPTION_CODE) by kvm_arm_exception_type
     * of arch/arm64/include/asm/kvm_asm.h. Kernels before v4.14 numbered TRAP 1 (0 IRQ, 1 TRAP,
     * 2 HYP_GONE): a 1 with a non-zero EC can only be such a trap.
     */
    static String exceptionType(long ret, long ec) {
        if (ret == 1 && ec != 0) {
            return "TRAP";
        }
        return switch ((int) ret) {
            case 0 -> "IRQ";
            case 1 -> "SERROR";
            case 2 -> "TRAP";
            case 3 -> "ILLEGAL";
            case 0xbadca11 -> "HYP_GONE";
            default -> Long.toString(ret);
        };
    }

    /** {@code kvm_entry} of thread t: closes its open exit; false if it has none. */
    boolean close(int t, long time) {
        if (!open[t]) {
            if (!exited[t]) {
                firstEntry[t] = time;
            }
            return false;
        }
        emit(t, time - ts[t]);
        return true;
    }

    /** Thread t's time in the guest before its first exit (from the entry before it), or -1. */
    long firstGuestNs(int t) {
        return t < firstGuestNs.length ? firstGuestNs[t] : -1;
    }

    /**
     * Fills the open exit's fields named in {@code what} ({@code HAS_*}) that it does not have yet;
     * false if thread t has no open exit.
     */
    boolean annotate(int t, int what, long ipaV, long esrV, long farV, long pcV) {
        if (!open[t]) {
            return false;
        }
        int h = has[t];
        if ((what & HAS_IPA) != 0 && (h & HAS_IPA) == 0) {
            ipa[t] = ipaV;
            h |= HAS_IPA;
        }
        if ((what & HAS_ESR) != 0 && (h & HAS_ESR) == 0) {
            esr[t] = esrV;
            h |= HAS_ESR;
        }
        if ((what & HAS_FAR) != 0 && (h & HAS_FAR) == 0) {
            far[t] = farV;
            h |= HAS_FAR;
        }
        if ((what & HAS_PC) != 0 && (h & HAS_PC) == 0) {
            pc[t] = pcV;
            h |= HAS_PC;
        }
        has[t] = h;
        return true;
    }

    /** At the end of the stream: every open exit is written without a duration. */
    void finish() {
        for (int t = 0; t < open.length; t++) {
            if (open[t]) {
                emit(t, -1);
            }
        }
    }

    private void emit(int t, long duration) {
        Row r = row;
        // ts,vm,vcpu,pe,type,ec,ec_name,esr,pc,ipa,far,duration_ns
        r.set(0, ts[t]);
        r.set(1, 0); // vm and vcpu: completed from the thread when the trace is written
        r.set(2, 0);
        r.set(3, pe[t] > 4095 ? -1 : pe[t]);
        r.setText(4, type[t]);
        int h = has[t];
        int e = ec[t];
        if (e < 0 && (h & HAS_ESR) != 0 && (type[t] == null || type[t].isEmpty())) {
            // 32-bit arm's kvm_exit printed only the PC; the ESR a fault event gave holds the EC
            // in bits [31:26] (ESR_ELx.EC, Arm ARM D24.2.40).
            e = (int) ((esr[t] >>> 26) & 0x3f);
        }
        if (e < 0) {
            r.setNull(5);
            r.setNull(6);
        } else {
            r.set(5, e);
            r.setText(6, EsrClass.name(e));
        }
        setOpt(r, 7, (h & HAS_ESR) != 0, esr[t]);
        setOpt(r, 8, (h & HAS_PC) != 0, pc[t]);
        setOpt(r, 9, (h & HAS_IPA) != 0, ipa[t]);
        setOpt(r, 10, (h & HAS_FAR) != 0, far[t]);
        if (duration < 0) {
            r.setNull(11);
        } else {
            r.set(11, duration);
        }
        srcs[src[t]].addDeferred(r, t);
        open[t] = false;
    }

    private static void setOpt(Row r, int c, boolean present, long v) {
        if (present) {
            r.set(c, v);
        } else {
            r.setNull(c);
        }
    }
}
