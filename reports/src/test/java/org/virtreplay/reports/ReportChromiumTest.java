package org.virtreplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance check of the HTML report in a real browser: Debian's headless Chromium opens it
 * with no console message (the report has no script, so any message is the browser complaining),
 * every chart's SVG is in the DOM with a real size and drawn content, and a screenshot is taken
 * and is not blank. A control page proves that the detectors catch a console error and an empty
 * chart. Skipped where /usr/bin/chromium is absent.
 */
class ReportChromiumTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM), "SKIPPED: " + CHROMIUM + " is not installed, so the HTML report "
                + "is not checked in a browser (apt-get install chromium; .ci/run installs it in CI)");
    }

    /** Injected into a copy of the page: records errors, then measures each chart after load. */
    private static final String PROBE_HEAD = "<script>window.__errs=[];window.addEventListener('error',"
            + "function(e){window.__errs.push(String(e.message||(e.target&&(e.target.src||e.target.href))))},true);"
            + "</script>";
    private static final String PROBE_END = "<script>window.addEventListener('load',function(){"
            + "var figs=document.querySelectorAll('figure.chart');var bad=[];var n=0;"
            + "figs.forEach(function(f){var s=f.querySelector('svg');n++;"
            + "if(!s){bad.push('nosvg'+n);return;}var r=s.getBoundingClientRect();"
            + "var k=s.querySelectorAll('path,rect,line,polyline,polygon,text,circle,ellipse').length;"
            + "if(!(r.width>200&&r.height>100&&k>10)){bad.push(s.id+':'+Math.round(r.width)+'x'"
            + "+Math.round(r.height)+':'+k);}});"
            + "document.title='PROBE charts='+n+' bad=['+bad.join(' ')+'] errors='+window.__errs.length;});"
            + "</script>";
    private static final Pattern TITLE = Pattern.compile("<title>PROBE charts=(\\d+) bad=\\[([^\\]]*)\\] errors=(\\d+)"
            + "</title>");

    private record Run(int exit, String stdout, List<String> consoleLines) {
    }

    private Run chromium(Path page, String... mode) throws IOException, InterruptedException {
        return chromiumAt(1280, page, mode);
    }

    private Run chromiumAt(int width, Path page, String... mode) throws IOException, InterruptedException {
        Path ud = Files.createTempDirectory(tmp, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + ud, "--enable-logging=stderr",
                "--v=0", "--window-size=" + width + ",4000"));
        cmd.addAll(List.of(mode));
        cmd.add(page.toUri().toString());
        Path out = tmp.resolve("chromium.out");
        Path err = tmp.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 180 s: " + cmd);
        }
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
            if (line.contains(":CONSOLE")) {
                console.add(line);
            }
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), console);
    }

    private static Path probeCopy(Path html, Path to) throws IOException {
        String s = Files.readString(html, StandardCharsets.UTF_8);
        s = s.replaceFirst("<head>", "<head>" + PROBE_HEAD).replace("</body>", PROBE_END + "</body>");
        Files.writeString(to, s, StandardCharsets.UTF_8);
        return to;
    }

    @Test
    void controlPageProvesTheDetectorsWork() throws Exception {
        Path ctl = tmp.resolve("control.html");
        Files.writeString(ctl, "<!DOCTYPE html><html><head><title>c</title></head><body>"
                + "<figure class=\"chart\"><svg id=\"ok\" width=\"400\" height=\"200\">"
                + "<rect width=\"1\" height=\"1\"/>".repeat(12) + "</svg></figure>"
                + "<figure class=\"chart\"><svg id=\"empty\" width=\"0\" height=\"0\"></svg></figure>"
                + "<script>console.error('vr-control-error')</script></body></html>");
        Run r = chromium(probeCopy(ctl, tmp.resolve("control-probe.html")), "--dump-dom");
        assertEquals(0, r.exit());
        assertTrue(r.consoleLines().stream().anyMatch(l -> l.contains("vr-control-error")),
                "the console-error detector no longer sees console.error in this Chromium: " + r.consoleLines());
        Matcher m = TITLE.matcher(r.stdout());
        assertTrue(m.find(), "probe did not run: " + r.stdout());
        assertEquals("2", m.group(1));
        assertEquals("empty:0x0:0", m.group(2));
    }

    @Test
    void reportOpensCleanlyWithEveryChartVisible() throws Exception {
        Path run = tmp.resolve("run");
        RunFixtures.generated(run, true);
        RunFixtures.validation(run);
        Reports.write(run, run.resolve("report"), ReportFormat.HTML);
        Path html = run.resolve("report/report.html");
        String text = Files.readString(html, StandardCharsets.UTF_8);
        int figures = text.split("<figure class=\"chart\">", -1).length - 1;
        assertTrue(figures >= 10, "charts in the report: " + figures);
        // Model vs recording: one chart per quantity (6) and the statement about unjudged rows
        String validation = text.substring(text.indexOf("<section id=\"validation\">"));
        validation = validation.substring(0, validation.indexOf("</section>"));
        assertEquals(6, validation.split("<figure class=\"chart\">", -1).length - 1, "validation charts");
        assertTrue(validation.contains("5 of 11 rows rest on too few observations to judge the model by"),
                "statement on unjudged rows");

        // 1. the page as shipped: screenshot, and not one console message
        Path png = tmp.resolve("report.png");
        Run shot = chromium(html, "--screenshot=" + png, "--hide-scrollbars");
        assertEquals(0, shot.exit());
        assertEquals(List.of(), shot.consoleLines(), "console messages while loading the report");
        assertTrue(Files.size(png) > 20_000, "screenshot too small: " + Files.size(png));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 50, "screenshot looks blank: " + colours.size() + " colours");
        Path keep = Path.of(System.getProperty("java.io.tmpdir"), "virtreplay-report-screenshot.png");
        Files.copy(png, keep, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(html, keep.resolveSibling("virtreplay-report-sample.html"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("report screenshot: " + keep);

        // 2. a probed copy: every chart's <svg> in the DOM, sized, with drawn content; no errors
        assertEveryChartVisible(chromium(probeCopy(html, html.resolveSibling("report-probe.html")), "--dump-dom"),
                figures);
    }

    /** The probe's verdict: every chart of the page in the DOM, sized and drawn; no error, no console message. */
    private static void assertEveryChartVisible(Run probe, int figures) {
        assertEquals(0, probe.exit());
        Matcher m = TITLE.matcher(probe.stdout());
        assertTrue(m.find(), "probe did not run; DOM title missing");
        assertEquals(Integer.toString(figures), m.group(1), "charts found in the DOM");
        assertEquals("", m.group(2), "charts not visible (id:WxH:elements)");
        assertEquals("0", m.group(3), "page errors");
        assertEquals(List.of(), probe.consoleLines(), "console messages while loading the page");
    }

    /**
     * Measures, after load: the height of each new section of issue 17 (0 when absent or hidden),
     * and the smallest chart text as drawn, in CSS pixels (its font size times the chart's scale,
     * the SVG's rendered width over its viewBox width).
     */
    private static final String SECTIONS_PROBE = "<script>window.__errs=[];window.addEventListener('error',"
            + "function(e){window.__errs.push(String(e.message))},true);window.addEventListener('load',function(){"
            + "var ids=['per-vm','fault-sources','irq-threshold'];var hs=ids.map(function(i){"
            + "var e=document.getElementById(i);return i+':'+(e?Math.round(e.getBoundingClientRect().height):0);});"
            + "var min=1e9;document.querySelectorAll('figure.chart svg').forEach(function(s){"
            + "var k=s.getBoundingClientRect().width/s.viewBox.baseVal.width;"
            + "s.querySelectorAll('text').forEach(function(t){var f=parseFloat(getComputedStyle(t).fontSize);"
            + "if(f>0&&t.textContent.trim().length>0){min=Math.min(min,f*k);}});});"
            + "document.title='SECTIONS '+hs.join(' ')+' minfont='+min.toFixed(2)+' errors='+window.__errs.length;});"
            + "</script>";
    private static final Pattern SECTIONS = Pattern.compile("<title>SECTIONS per-vm:(\\d+) fault-sources:(\\d+) "
            + "irq-threshold:(\\d+) minfont=([0-9.]+) errors=(\\d+)</title>");

    @Test
    void answerSectionsAreVisibleAndChartTextReadableAt900Pixels() throws Exception {
        Path run = tmp.resolve("run900");
        RunFixtures.generated(run, true);
        Reports.write(run, run.resolve("report"), ReportFormat.HTML);
        Path html = run.resolve("report/report.html");
        String s = Files.readString(html, StandardCharsets.UTF_8).replace("</body>", SECTIONS_PROBE + "</body>");
        Path probe = html.resolveSibling("report-sections.html");
        Files.writeString(probe, s, StandardCharsets.UTF_8);
        Run r = chromiumAt(900, probe, "--dump-dom");
        assertEquals(0, r.exit());
        assertEquals(List.of(), r.consoleLines(), "console messages while loading the report");
        Matcher m = SECTIONS.matcher(r.stdout());
        assertTrue(m.find(), "probe did not run; DOM title missing");
        for (int g = 1; g <= 3; g++) {
            assertTrue(Integer.parseInt(m.group(g)) > 100, "section " + g + " not visible: " + m.group());
        }
        // 9 CSS px: the smallest text we call readable (tick labels are 13 px at full size)
        assertTrue(Double.parseDouble(m.group(4)) >= 9.0, "chart text too small at 900 px: " + m.group());
        assertEquals("0", m.group(5), "page errors");
    }

    /**
     * compare's page (issue 17 item 3): two different runs side by side, opened at 900 px: every
     * chart drawn and sized, no page error, no console message.
     */
    @Test
    void comparePageOpensCleanlyWithEveryChartVisibleAt900Pixels() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        RunFixtures.generated(a, true);
        RunFixtures.small(b, true);
        org.virtreplay.analysis.summary.Comparison c = org.virtreplay.analysis.summary.Comparison.of(a.toString(),
                org.virtreplay.analysis.summary.SummaryReader.read(a), b.toString(),
                org.virtreplay.analysis.summary.SummaryReader.read(b));
        Path html = tmp.resolve(CompareHtml.FILE);
        CompareHtml.write(html, c);
        String text = Files.readString(html, StandardCharsets.UTF_8);
        int figures = text.split("<figure class=\"chart\">", -1).length - 1;
        assertTrue(figures >= 3, "charts on the compare page: " + figures);
        assertEveryChartVisible(chromiumAt(900, probeCopy(html, tmp.resolve("compare-probe.html")), "--dump-dom"),
                figures);
    }
}
