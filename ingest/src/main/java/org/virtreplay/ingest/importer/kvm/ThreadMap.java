package org.virtreplay.ingest.importer.kvm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtreplay.ingest.importer.ImportSink;
import org.virtreplay.ingest.importer.VmSpec;

/**
 * Which VM and vCPU each host thread of a KVM trace is (trace-formats.md §1.6, §8.3). KVM events
 * name threads, not VMs: the importer first reads the whole trace once to learn every thread
 * (its comm, tgid, what it emitted, where it first appeared), then {@link #resolve} places them:
 *
 * <ol>
 * <li>{@code --vm NAME=PID[,TID...]}: threads TID..., the thread PID and every thread whose tgid is
 * PID belong to NAME;</li>
 * <li>the tgid column ({@code options/record-tgid}): the vCPU threads of one process are one VM,
 * named by the process id; other threads of that process (the VMM's I/O thread injecting
 * interrupts) belong to it too;</li>
 * <li>threads still unplaced go to the only VM there is (or one new VM if there is none, named
 * as the one VM the other sources name, else {@code vm0}), unless two of them claim the same vCPU
 * index by name; otherwise each is one error line naming it and the options that fix it.</li>
 * </ol>
 *
 * vCPU indices come from the thread names ({@code CPU N/KVM} of QEMU, {@code kvm-vcpu-N} of
 * kvmtool); threads without one take the lowest free index in the order they first appeared.
 */
final class ThreadMap {
    private static final Pattern QEMU = Pattern.compile("CPU (\\d{1,6})/KVM");
    private static final Pattern KVMTOOL = Pattern.compile("kvm-vcpu-(\\d{1,6})");

    /** One host thread. */
    static final class Thread {
        final int tid;
        final int tag;
        String comm;
        byte[] commBytes;
        int nameIndex = -1;
        int tgid = -1;
        long vcpuEvents;
        long irqEvents;
        long schedMentions;
        long firstTs = Long.MAX_VALUE;
        int firstFile = Integer.MAX_VALUE;
        long firstLine;
        String firstWhere;
        int vm = -1;
        int vcpu = -1;
        String placedBy;

        Thread(int tid, int tag) {
            this.tid = tid;
            this.tag = tag;
        }

        boolean isVcpu() {
            return vcpuEvents > 0 || (nameIndex >= 0 && (schedMentions > 0 || irqEvents > 0));
        }

        boolean needsVm() {
            return isVcpu() || irqEvents > 0;
        }

        String describe() {
            return tid < 0 ? "of the records without a 'COMM-PID [CPU]' prefix" : "'" + comm + "' (tid " + tid + ")";
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private long[] keys = new long[256];
    private int[] idx = new int[256];
    private final List<String> tags = new ArrayList<>();

    ThreadMap() {
        Arrays.fill(keys, Long.MIN_VALUE);
        tags.add("");
    }

    /** The id of a file/instance prefix of trace-cmd report ("" = none). */
    int tag(String t) {
        int i = tags.indexOf(t);
        if (i < 0) {
            tags.add(t);
            i = tags.size() - 1;
        }
        return i;
    }

    private static long key(int tag, int tid) {
        return ((long) tag << 32) | (tid & 0xffffffffL);
    }

    /** The index of thread (tag, tid), or -1. */
    int find(int tag, int tid) {
        long k = key(tag, tid);
        int mask = keys.length - 1;
        for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == Long.MIN_VALUE) {
                return -1;
            }
            if (keys[i] == k) {
                return idx[i];
            }
        }
    }

    /** The index of thread (tag, tid), adding it if new. */
    int get(int tag, int tid) {
        int i = find(tag, tid);
        if (i >= 0) {
            return i;
        }
        Thread t = new Thread(tid, tag);
        threads.add(t);
        put(key(tag, tid), threads.size() - 1);
        return threads.size() - 1;
    }

    private void put(long k, int v) {
        if ((threads.size() + 1) * 2 > keys.length) {
            long[] ok = keys;
            int[] oi = idx;
            keys = new long[ok.length * 2];
            idx = new int[ok.length * 2];
            Arrays.fill(keys, Long.MIN_VALUE);
            for (int i = 0; i < ok.length; i++) {
                if (ok[i] != Long.MIN_VALUE) {
                    insert(ok[i], oi[i]);
                }
            }
        }
        insert(k, v);
    }

    private void insert(long k, int v) {
        int mask = keys.length - 1;
        int i = mix(k) & mask;
        while (keys[i] != Long.MIN_VALUE) {
            i = (i + 1) & mask;
        }
        keys[i] = k;
        idx[i] = v;
    }

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    Thread thread(int i) {
        return threads.get(i);
    }

    int size() {
        return threads.size();
    }

    /** Notes a comm of thread i (the bytes b[s..e)); a vCPU name is kept once seen. */
    void comm(int i, byte[] b, int s, int e) {
        Thread t = threads.get(i);
        if (t.nameIndex >= 0 || (t.commBytes != null && Arrays.equals(t.commBytes, 0, t.commBytes.length, b, s, e))) {
            return;
        }
        // a thread keeps its first name unless a later one names a vCPU (QEMU renames its threads
        // after creating them); pid 0 alone is called swapper/N on every CPU
        if (t.comm != null && !startsWith(b, s, e, "CPU ") && !startsWith(b, s, e, "kvm-vcpu-")) {
            return;
        }
        t.commBytes = Arrays.copyOfRange(b, s, e);
        String c = new String(t.commBytes, java.nio.charset.StandardCharsets.UTF_8);
        int n = vcpuIndexOfName(c);
        if (t.comm == null || n >= 0) {
            t.comm = c;
            t.nameIndex = n;
        }
    }

    private static boolean startsWith(byte[] b, int s, int e, String p) {
        if (e - s < p.length()) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            if (b[s + i] != p.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The vCPU index a thread name gives ({@code CPU N/KVM}, {@code kvm-vcpu-N}), or -1. */
    static int vcpuIndexOfName(String comm) {
        Matcher m = QEMU.matcher(comm);
        if (m.matches()) {
            return Integer.parseInt(m.group(1));
        }
        m = KVMTOOL.matcher(comm);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Thread i has a record at (ts, file, line): keeps its first appearance, the earliest of them. */
    void seen(int i, long ts, int file, long line, String label) {
        Thread t = threads.get(i);
        if (ts < t.firstTs || (ts == t.firstTs && (file < t.firstFile || (file == t.firstFile && line < t.firstLine)))) {
            t.firstTs = ts;
            t.firstFile = file;
            t.firstLine = line;
            t.firstWhere = label + ":" + line;
        }
    }

    /**
     * Places every thread that needs a VM (see the class comment). Problems go to {@code errors};
     * messages (the mapping) and what was inferred go to the sink and {@code inferred}.
     *
     * @param otherVmNames the VM names the other sources of the import give, in order
     */
    void resolve(ImportSink sink, List<VmSpec> vmSpecs, List<String> otherVmNames, List<String> errors,
            Map<String, String> inferred) {
        List<Thread> order = new ArrayList<>();
        for (Thread t : threads) {
            if (t.needsVm()) {
                order.add(t);
            }
        }
        order.sort(Comparator.<Thread>comparingLong(t -> t.firstTs).thenComparingInt(t -> t.firstFile)
                .thenComparingLong(t -> t.firstLine));
        // 1. --vm
        for (Thread t : order) {
            for (VmSpec v : vmSpecs) {
                if (t.tid >= 0 && (t.tid == v.pid() || t.tgid == v.pid() || v.tids().contains(t.tid))) {
                    t.vm = sink.vm(v.name());
                    t.placedBy = "--vm " + v.name();
                    break;
                }
            }
        }
        // 2. tgid: a process with vCPU threads is a VM
        Map<Integer, Integer> vmOfTgid = new LinkedHashMap<>();
        for (Thread t : order) {
            if (t.vm < 0 && t.isVcpu() && t.tgid >= 0) {
                int vm = vmOfTgid.computeIfAbsent(t.tgid, g -> sink.vm(Integer.toString(g)));
                t.vm = vm;
                t.placedBy = "tgid " + t.tgid;
            }
        }
        for (Thread t : order) {
            if (t.vm < 0 && t.tgid >= 0 && vmOfTgid.containsKey(t.tgid)) {
                t.vm = vmOfTgid.get(t.tgid);
                t.placedBy = "tgid " + t.tgid;
            }
        }
        // 3. the rest: into the only VM there is
        List<Thread> rest = order.stream().filter(t -> t.vm < 0).toList();
        if (!rest.isEmpty()) {
            int known = sink.vmCount();
            String target = null;
            String why = null;
            if (known == 0 && otherVmNames.size() <= 1) {
                target = otherVmNames.isEmpty() ? "vm0" : otherVmNames.get(0);
                why = otherVmNames.isEmpty() ? "the trace has no tgid column and no --vm was given: its threads are "
                        + "taken as one VM" : "the trace has no tgid column: its threads are taken as the VM '" + target
                        + "' that the other sources name";
            } else if (known == 1 && (otherVmNames.isEmpty() || otherVmNames.stream().allMatch(
                    n -> n.equals(sink.vmName(0))))) {
                target = sink.vmName(0);
                why = "no tgid or --vm TID places them; '" + target + "' is the only VM";
            }
            Map<Integer, Thread> claimed = new LinkedHashMap<>();
            for (Thread t : order) {
                if (t.vm >= 0 && t.nameIndex >= 0 && target != null && sink.vmIfDeclared(target) == t.vm) {
                    claimed.put(t.nameIndex, t);
                }
            }
            for (Thread t : rest) {
                if (target == null) {
                    errors.add(t.firstWhere + ": thread " + t.describe() + " cannot be placed in a VM: it has no tgid "
                            + "and " + (known > 1 ? known + " VMs are known (" + vmList(sink) + ")"
                                    : "the other sources name several VMs (" + String.join(", ", otherVmNames) + ")")
                            + "; give --vm NAME=PID," + (t.tid < 0 ? "TID" : Integer.toString(t.tid))
                            + " for its VM, or record with options/record-tgid");
                    continue;
                }
                if (t.isVcpu() && t.nameIndex >= 0 && claimed.containsKey(t.nameIndex)) {
                    Thread o = claimed.get(t.nameIndex);
                    errors.add(t.firstWhere + ": thread " + t.describe() + " cannot be placed in a VM: thread "
                            + o.describe() + " is also vCPU " + t.nameIndex + ", so they belong to different VMs, and "
                            + "the trace has no tgid column; give --vm NAME=PID,TID... for each VM, or record with "
                            + "options/record-tgid");
                    continue;
                }
                if (t.isVcpu() && t.nameIndex >= 0) {
                    claimed.put(t.nameIndex, t);
                }
                t.vm = sink.vm(target);
                t.placedBy = "inferred";
            }
            if (rest.stream().anyMatch(t -> "inferred".equals(t.placedBy))) {
                inferred.put("vm_of_threads", why);
            }
        }
        if (!errors.isEmpty()) {
            return;
        }
        assignVcpus(order, sink, errors, inferred);
    }

    private static String vmList(ImportSink sink) {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < sink.vmCount(); i++) {
            n.add(sink.vmName(i));
        }
        return String.join(", ", n);
    }

    private void assignVcpus(List<Thread> order, ImportSink sink, List<String> errors, Map<String, String> inferred) {
        Map<Integer, List<Thread>> byVm = new LinkedHashMap<>();
        for (Thread t : order) {
            if (t.isVcpu()) {
                byVm.computeIfAbsent(t.vm, k -> new ArrayList<>()).add(t);
            }
        }
        boolean fromOrder = false;
        for (Map.Entry<Integer, List<Thread>> e : byVm.entrySet()) {
            Map<Integer, Thread> used = new LinkedHashMap<>();
            for (Thread t : e.getValue()) {
                if (t.nameIndex < 0) {
                    continue;
                }
                if (t.nameIndex > 511) {
                    errors.add(t.firstWhere + ": thread " + t.describe() + ": vCPU index " + t.nameIndex
                            + " is beyond 511, the most a trace holds");
                } else if (used.containsKey(t.nameIndex)) {
                    errors.add(t.firstWhere + ": thread " + t.describe() + " and thread "
                            + used.get(t.nameIndex).describe() + " both call themselves vCPU " + t.nameIndex + " of VM '"
                            + sink.vmName(e.getKey()) + "'; give --vm NAME=PID,TID... to tell their VMs apart");
                } else {
                    used.put(t.nameIndex, t);
                    t.vcpu = t.nameIndex;
                }
            }
            int next = 0;
            for (Thread t : e.getValue()) {
                if (t.vcpu >= 0 || t.nameIndex >= 0) {
                    continue;
                }
                while (used.containsKey(next)) {
                    next++;
                }
                if (next > 511) {
                    errors.add(t.firstWhere + ": thread " + t.describe() + ": VM '" + sink.vmName(e.getKey())
                            + "' has more than 512 vCPU threads");
                    break;
                }
                used.put(next, t);
                t.vcpu = next;
                fromOrder = true;
            }
            sink.declareVcpus(e.getKey(), used.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1);
        }
        if (fromOrder) {
            inferred.put("vcpu_index", "threads without a vCPU number in their name (CPU N/KVM, kvm-vcpu-N) got "
                    + "the lowest free index in the order they first appeared");
        }
    }

    /** The mapping chosen, one line per VM, for {@code import} to print. */
    List<String> describe(ImportSink sink) {
        Map<Integer, List<Thread>> byVm = new LinkedHashMap<>();
        for (Thread t : threads) {
            if (t.vm >= 0) {
                byVm.computeIfAbsent(t.vm, k -> new ArrayList<>()).add(t);
            }
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, List<Thread>> e : byVm.entrySet()) {
            List<Thread> ts = new ArrayList<>(e.getValue());
            ts.sort(Comparator.comparingInt((Thread t) -> t.vcpu < 0 ? Integer.MAX_VALUE : t.vcpu)
                    .thenComparingInt(t -> t.tid));
            StringBuilder b = new StringBuilder("vm " + e.getKey() + " '" + sink.vmName(e.getKey()) + "':");
            String sep = " ";
            for (Thread t : ts) {
                b.append(sep).append(t.vcpu >= 0 ? "vcpu " + t.vcpu + " = " : "irq source ").append("thread ")
                        .append(t.describe()).append(" [").append(t.placedBy)
                        .append(t.vcpu >= 0 ? (t.nameIndex >= 0 ? ", index from name" : ", index by first appearance")
                                : "").append(']');
                sep = "; ";
            }
            out.add(b.toString());
        }
        return out;
    }
}
