package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;

import static org.virtreplay.reports.ReportPage.td;

import org.jfree.data.category.DefaultCategoryDataset;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.metrics.WalkLengthRow;

/**
 * Translation-table walks: the walk-length distribution (from walk_lengths, when written) and the
 * mean descriptor reads per walk by stage and level.
 */
final class WalksSection implements ReportSection {
    @Override
    public String id() {
        return "walks";
    }

    @Override
    public String title() {
        return "Translation-table walks";
    }

    @Override
    public String navLabel() {
        return "Walks";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        if (d.hasWalkLengths && !d.walkLengths.isEmpty()) {
            DefaultCategoryDataset ds = new DefaultCategoryDataset();
            int maxReads = 0;
            for (WalkLengthRow r : d.walkLengths) {
                maxReads = Math.max(maxReads, r.descriptorReads());
            }
            for (int vm : d.vms) {
                long[] perReads = new long[maxReads + 1];
                boolean any = false;
                for (WalkLengthRow r : d.walkLengths) {
                    if (r.vm() == vm) {
                        perReads[r.descriptorReads()] += r.walks();
                        any = true;
                    }
                }
                if (any) {
                    for (int n = 0; n <= maxReads; n++) {
                        ds.addValue(perReads[n], d.chartVmLabel(vm), Integer.toString(n));
                    }
                }
            }
            h.append("<p>Walk-length distribution: how many walks made each number of descriptor reads (both "
                    + "stages). ").append(esc(maxCaption(d))).append("</p>\n");
            page.chart(Charts.bars("Walk length (descriptor reads per walk)", "descriptor reads per walk", "walks",
                    ds, true, false));
        } else {
            page.none("walk_lengths is not in this run (written with --events); the distribution of walk lengths "
                    + "is not available. Mean reads per walk by stage and level follow.");
        }
        DefaultCategoryDataset lv = new DefaultCategoryDataset();
        String[] names = {"S1 L0", "S1 L1", "S1 L2", "S1 L3", "S2 L0", "S2 L1", "S2 L2", "S2 L3"};
        h.append("<table><thead><tr><th>VM</th><th class=\"n\">walks</th><th class=\"n\">descriptor reads</th>"
                + "<th class=\"n\">mean reads / walk</th><th class=\"n\">stage 1</th><th class=\"n\">stage 2</th>"
                + "</tr></thead><tbody>\n");
        boolean anyWalks = false;
        for (int vm : d.vms) {
            long walks = 0;
            long[] reads = new long[8];
            for (TlbStatsRow r : d.tlb) {
                if (r.vm() == vm) {
                    walks += r.walks();
                    long[] x = {r.s1L0Reads(), r.s1L1Reads(), r.s1L2Reads(), r.s1L3Reads(), r.s2L0Reads(),
                        r.s2L1Reads(), r.s2L2Reads(), r.s2L3Reads()};
                    for (int i = 0; i < 8; i++) {
                        reads[i] += x[i];
                    }
                }
            }
            if (walks == 0) {
                continue;
            }
            anyWalks = true;
            long s1 = reads[0] + reads[1] + reads[2] + reads[3];
            long s2 = reads[4] + reads[5] + reads[6] + reads[7];
            for (int i = 0; i < 8; i++) {
                lv.addValue((double) reads[i] / walks, names[i], d.chartVmLabel(vm));
            }
            h.append("<tr><td>").append(page.vmLink(vm)).append("</td>").append(td(Html.count(walks)))
                    .append(td(Html.count(s1 + s2))).append(td(Html.num((double) (s1 + s2) / walks, 2)))
                    .append(td(Html.num((double) s1 / walks, 2))).append(td(Html.num((double) s2 / walks, 2)))
                    .append("</tr>\n");
        }
        h.append("</tbody></table>\n");
        if (anyWalks) {
            page.chart(Charts.bars("Mean descriptor reads per walk, by stage and level", "VM", "reads per walk", lv,
                    true, false));
        } else {
            page.none("No walks in this run.");
        }
    }

    /**
     * The longest walk the configuration allows, per VM, from the levels its walks started at
     * (tlb_stats' per-level reads: the lowest level with reads is the start level that TCR_EL1 /
     * VTCR_EL2 set, whatever the granule). A walk of n stage-1 levels and m stage-2 levels reads
     * each of the n stage-1 descriptors after a stage-2 walk of its table's IPA (m reads), then
     * walks the output IPA at stage 2: n(m + 1) + m reads, 24 for 4 + 4 levels (Arm ARM
     * D8.2, two-stage translation), without walk caches.
     */
    static String maxCaption(ReportData d) {
        java.util.TreeMap<String, java.util.List<String>> byShape = new java.util.TreeMap<>();
        for (int vm : d.vms) {
            long[] reads = new long[8];
            for (TlbStatsRow r : d.tlb) {
                if (r.vm() == vm) {
                    long[] x = {r.s1L0Reads(), r.s1L1Reads(), r.s1L2Reads(), r.s1L3Reads(), r.s2L0Reads(),
                        r.s2L1Reads(), r.s2L2Reads(), r.s2L3Reads()};
                    for (int i = 0; i < 8; i++) {
                        reads[i] += x[i];
                    }
                }
            }
            int n = levels(reads, 0);
            int m = levels(reads, 4);
            if (n == 0 && m == 0) {
                continue;
            }
            String shape = n + " + " + m;
            byShape.computeIfAbsent(shape, k -> new java.util.ArrayList<>()).add(d.vmLabel(vm));
        }
        if (byShape.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("The longest walk without walk caches, from the levels the walks start at "
                + "(stage 1 + stage 2): ");
        boolean first = true;
        for (var e : byShape.entrySet()) {
            String[] nm = e.getKey().split(" \\+ ");
            int n = Integer.parseInt(nm[0]);
            int m = Integer.parseInt(nm[1]);
            b.append(first ? "" : "; ").append(e.getKey()).append(" levels → ").append(n * (m + 1) + m)
                    .append(" reads");
            if (byShape.size() > 1) {
                b.append(" (").append(String.join(", ", e.getValue())).append(')');
            }
            first = false;
        }
        return b.append('.').toString();
    }

    /** Levels from the lowest one with reads to level 3, in {@code reads[from..from+3]}; 0 without reads. */
    private static int levels(long[] reads, int from) {
        for (int l = 0; l < 4; l++) {
            if (reads[from + l] > 0) {
                return 4 - l;
            }
        }
        return 0;
    }
}
