package org.virtreplay.reports;

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
                    + "stages). Without walk caches a 4 KB walk with 4 + 4 levels makes 24 reads.</p>\n");
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
}
