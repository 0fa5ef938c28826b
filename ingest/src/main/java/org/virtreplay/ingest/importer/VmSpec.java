package org.virtreplay.ingest.importer;

import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.BadInputException;

/**
 * {@code --vm NAME=PID[,TID...]}: the VM called NAME is the VMM process PID (its threads, by tgid)
 * plus the threads TID... (for traces without a tgid column).
 */
public record VmSpec(String name, int pid, List<Integer> tids) {

    public VmSpec {
        tids = List.copyOf(tids);
    }

    /** Parses the option's value; a bad one is a usage error (exit 2). */
    public static VmSpec parse(String s) {
        int eq = s.indexOf('=');
        String usage = "--vm: expected NAME=PID[,TID...] (e.g. web=4242 or web=4242,4250,4251), got '" + s + "'";
        if (eq <= 0 || eq == s.length() - 1) {
            throw new BadInputException(usage);
        }
        String name = s.substring(0, eq);
        String[] ids = s.substring(eq + 1).split(",", -1);
        List<Integer> tids = new ArrayList<>();
        int pid = -1;
        for (int i = 0; i < ids.length; i++) {
            if (!ids[i].matches("[0-9]{1,9}")) {
                throw new BadInputException(usage);
            }
            int v = Integer.parseInt(ids[i]);
            if (i == 0) {
                pid = v;
            } else {
                tids.add(v);
            }
        }
        return new VmSpec(name, pid, tids);
    }
}
