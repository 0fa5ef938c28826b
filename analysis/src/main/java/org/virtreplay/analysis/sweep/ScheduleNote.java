package org.virtreplay.analysis.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.virtreplay.analysis.scenario.Scenario;

/**
 * The warning a sweep gives (on stderr when it is done, and atop its study) when points that change the host (their {@code vms}, {@code pes} or
 * {@code overcommit}) asked for the trace's recorded schedule, which names recorded PEs and only the
 * recorded VMs, and so ran the modelled {@code fair} scheduler instead ({@link PointSetup}). The study
 * rebuilds the same sentence from {@code sweep_results} (column {@code sched_replaced}).
 */
public final class ScheduleNote {
    private ScheduleNote() {
    }

    /** Point labels shown before the list is cut with "…". */
    static final int SHOWN = 4;

    /** The warning for the points of {@code setups} whose schedule was replaced, or null when none was. */
    public static String ofSetups(List<PointSetup> setups) {
        Map<Integer, String> labels = new LinkedHashMap<>();
        TreeSet<Long> quanta = new TreeSet<>();
        for (PointSetup s : setups) {
            if (s.scheduleReplaced()) {
                labels.put(s.point().index(), s.point().label());
                quanta.add(s.scenario().getLong(Scenario.Key.SCHED_QUANTUM_US));
            }
        }
        return text(labels, quanta, setups.size());
    }

    /** The same warning from a sweep's rows (one or more per point), or null when no point was affected. */
    public static String ofRows(List<SweepResultRow> rows) {
        Map<Integer, String> labels = new LinkedHashMap<>();
        TreeSet<Long> quanta = new TreeSet<>();
        TreeSet<Integer> points = new TreeSet<>();
        for (SweepResultRow r : rows) {
            points.add(r.point());
            if (r.schedReplaced()) {
                labels.putIfAbsent(r.point(), r.params());
                quanta.add(r.schedQuantumUs());
            }
        }
        return text(labels, quanta, points.size());
    }

    private static String text(Map<Integer, String> labels, TreeSet<Long> quanta, int points) {
        if (labels.isEmpty()) {
            return null;
        }
        List<String> shown = new ArrayList<>();
        for (String l : labels.values()) {
            if (shown.size() == SHOWN) {
                shown.add("…");
                break;
            }
            shown.add(l.isEmpty() ? "(no parameters)" : l);
        }
        String quantum = quanta.size() == 1 ? quanta.first() + " µs quantum"
                : "quantum " + quanta.first() + "–" + quanta.last() + " µs";
        int n = labels.size();
        return (n == points ? (n == 1 ? "the point" : "all " + n + " points") : n + " of " + points + " points")
                + " (" + String.join("; ", shown) + ") " + (n == 1 ? "changes" : "change")
                + " the host's VMs or PEs, which the trace's recorded "
                + "schedule (sched.policy=trace) cannot place: " + (n == 1 ? "it ran" : "they ran")
                + " the modelled fair scheduler (" + quantum + ") instead. Set sched.policy (fair or pinned) in "
                + "the grid or with --set to choose the scheduler.";
    }
}
