package org.virtreplay.reports;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sections that state answers (issue 17, item 2) on {@link RunFixtures#small}, by hand. */
class ReportAnswersHtmlTest {
    @TempDir
    Path tmp;

    private String page(boolean events, long thresholdUs) throws Exception {
        Path run = Files.createTempDirectory(tmp, "run");
        RunFixtures.small(run, events);
        Path out = run.resolveSibling(run.getFileName() + "-report");
        Reports.write(run, out, ReportFormat.HTML, false, thresholdUs);
        return Files.readString(out.resolve(Reports.HTML_FILE));
    }

    @Test
    void shareAboveTheThresholdCountsTheInterruptsAboveIt() throws Exception {
        // two timer interrupts, 1000 and 3000 ns: above 2 µs is the second, 1 of 2 = 50.00 %
        String html = page(true, 2);
        assertTrue(html.contains("1 of 2 interrupts (50.00 %) took longer than 2 µs."), html);
        assertTrue(html.contains("threshold 2 µs"), "the threshold line is labelled in the chart");
        // n = 2 is below 100: marked
        assertTrue(html.contains("<td class=\"n\">1.00 †</td>"), html);
        // the default, 50 µs: none above
        assertTrue(page(true, 50).contains("0 of 2 interrupts (0.00 %) took longer than 50 µs."));
    }

    @Test
    void withoutEventsTheSectionsSayWhatIsMissing() throws Exception {
        String html = page(false, 50);
        assertTrue(html.contains("fault_events is not in this run (replay with --events), so faults cannot be placed "
                + "in memslots"), html);
        assertTrue(html.contains("irq_events is not in this run (replay with --events), so the host-wide "
                + "distribution"), html);
        // the VM is still listed with its faults by cause (3: lazy_map 2, dirty_log 1)
        assertTrue(html.contains("3 stage-2 faults: 3 (lazy_map 2, dirty_log 1)"), html);
    }

    @Test
    void faultsOfAnOutputWithoutMemslotsSayWhy() throws Exception {
        String html = page(true, 50);
        // run_info of the fixture records no memslots (as outputs before this version)
        assertTrue(html.contains("does not record the memslots"), html);
        assertTrue(html.contains(": 2 of 3 stage-2 faults are lazy mappings (memslots not recorded in run_info); "
                + "1 is a dirty-logging write fault (memslots not recorded in run_info)"), html);
    }
}
