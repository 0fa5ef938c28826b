package org.virtreplay.analysis.replay;

import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * The VMs a replay runs: the trace's own, or (for capacity studies) the first N of them, or more
 * than the trace has by replicating its VMs with fresh VM ids, VMIDs and host address spaces.
 * Instance i runs trace VM {@code i mod T} (T = the trace's VM count) as replica {@code i / T};
 * replica r of VM v gets id {@code v + r * stride}, stride = 1 + the largest trace VM id.
 */
final class Instances {
    private static final int[] NONE = new int[0];

    private final List<VmRecord> source = new ArrayList<>();
    private final List<Integer> replica = new ArrayList<>();
    private final List<Integer> ids = new ArrayList<>();
    private int[][] byTraceVm;
    private boolean replicated;
    private boolean identity;

    static Instances of(List<VmRecord> vms, int count) {
        Instances in = new Instances();
        int maxId = 0;
        for (VmRecord v : vms) {
            maxId = Math.max(maxId, v.vm());
        }
        int stride = maxId + 1;
        int n = count <= 0 ? vms.size() : count;
        if (vms.isEmpty() && n > 0) {
            throw new BadInputException("the trace has no VMs to place on the host");
        }
        List<List<Integer>> per = new ArrayList<>();
        for (int i = 0; i <= maxId; i++) {
            per.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            VmRecord v = vms.get(i % vms.size());
            int r = i / vms.size();
            long id = v.vm() + (long) r * stride;
            if (id > 0xFFFF) {
                throw new BadInputException(n + " VMs per host: too many replicas of the trace's VMs (VM ids stop at 65535)");
            }
            in.source.add(v);
            in.replica.add(r);
            in.ids.add((int) id);
            per.get(v.vm()).add((int) id);
            in.replicated |= r > 0;
        }
        in.identity = n == vms.size(); // every trace VM once, under its own id
        in.byTraceVm = new int[maxId + 1][];
        for (int i = 0; i <= maxId; i++) {
            in.byTraceVm[i] = per.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return in;
    }

    int count() {
        return ids.size();
    }

    VmRecord source(int i) {
        return source.get(i);
    }

    int replica(int i) {
        return replica.get(i);
    }

    int id(int i) {
        return ids.get(i);
    }

    /**
     * Whether every trace VM runs once under its own id (no replica, none left out): a {@code mem}
     * row then goes to the model as it is, and the replay can hand it whole batches.
     */
    boolean isIdentity() {
        return identity;
    }

    boolean isReplicated() {
        return replicated;
    }

    /** The instance ids that run trace VM {@code vm} (empty when the host runs fewer VMs). */
    int[] of(int vm) {
        if (vm < 0) {
            return HOST;
        }
        return vm < byTraceVm.length ? byTraceVm[vm] : NONE;
    }

    /** A host-wide record (no VM) is applied once. */
    private static final int[] HOST = {-1};
}
