package org.virtreplay.reports.sweep;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.virtreplay.reports.Charts;

/**
 * The sweep study's one chart type, which the run report does not have: a metric against one
 * swept parameter, one line per combination of the other parameters (the median VM), a shaded
 * band from the best to the worst VM, the requirement's bound as a horizontal line and the knee
 * as a vertical one. Palette and SVG rendering are the run report's ({@link Charts}).
 */
final class SweepCharts {
    private SweepCharts() {
    }

    static final int WIDTH = 1000;
    static final int HEIGHT = 360;
    private static final Color[] PALETTE = Charts.PALETTE;

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /** A vertical knee line at category {@code x} of series {@code series}. */
    record Knee(int series, double x, String label) {
    }

    /**
     * True when a latency axis should be logarithmic: its plotted values, all positive, span more than
     * two decades (largest / smallest &gt; 100), where a linear axis would flatten every small value
     * against zero.
     */
    static boolean logScale(YIntervalSeriesCollection data) {
        if (data.getSeriesCount() == 0) {
            return false;
        }
        double lo = minY(data);
        double hi = maxY(data);
        return lo > 0 && hi / lo > 100;
    }

    static JFreeChart bands(String title, String xLabel, List<String> xValues, String yLabel,
            YIntervalSeriesCollection data, Double bound, String boundLabel, List<Knee> knees) {
        return bands(title, xLabel, xValues, yLabel, data, bound, boundLabel, knees, false);
    }

    /** As above; with {@code log} the value axis is logarithmic (base 10), labelled so. */
    static JFreeChart bands(String title, String xLabel, List<String> xValues, String yLabel,
            YIntervalSeriesCollection data, Double bound, String boundLabel, List<Knee> knees, boolean log) {
        SymbolAxis x = new SymbolAxis(xLabel, xValues.toArray(new String[0]));
        x.setTickLabelFont(TICK);
        x.setLabelFont(LABEL);
        x.setGridBandsVisible(false);
        x.setRange(-0.3, xValues.size() - 0.7);
        ValueAxis y;
        DecimalFormat fmt = new DecimalFormat("#,##0.####", DecimalFormatSymbols.getInstance(Locale.ROOT));
        if (log) {
            LogAxis la = new LogAxis(yLabel + " (log scale)");
            la.setBase(10);
            la.setNumberFormatOverride(fmt);
            y = la;
        } else {
            NumberAxis na = new NumberAxis(yLabel);
            na.setAutoRangeIncludesZero(false);
            na.setNumberFormatOverride(fmt);
            y = na;
        }
        y.setTickLabelFont(TICK);
        y.setLabelFont(LABEL);
        DeviationRenderer r = new DeviationRenderer(true, true);
        r.setAlpha(0.18f);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            Color c = PALETTE[i % PALETTE.length];
            r.setSeriesPaint(i, c);
            r.setSeriesFillPaint(i, c);
            r.setSeriesStroke(i, new BasicStroke(2.0f));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlineVisible(false);
        if (bound != null) {
            ValueMarker m = new ValueMarker(bound, new Color(0xD55E00), dashed(1.5f));
            m.setLabel(boundLabel);
            m.setLabelFont(TICK);
            m.setLabelPaint(new Color(0xD55E00));
            m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(m);
            // keep the bound in view even when every point is far from it
            double lo = Math.min(bound, data.getSeriesCount() == 0 ? bound : minY(data));
            double hi = Math.max(bound, data.getSeriesCount() == 0 ? bound : maxY(data));
            if (log && lo > 0) {
                y.setRange(lo / 1.25, hi * 1.25); // the same margin on a log axis: a factor, not a difference
            } else if (!log) {
                double pad = (hi - lo) * 0.08 + (hi == lo ? Math.abs(hi) * 0.05 + 1e-9 : 0);
                y.setRange(lo - pad, hi + pad);
            }
        }
        int row = 0;
        for (Knee k : knees) {
            ValueMarker m = new ValueMarker(k.x(), PALETTE[k.series() % PALETTE.length], dashed(2.0f));
            m.setLabel(k.label());
            m.setLabelFont(TICK);
            m.setLabelPaint(PALETTE[k.series() % PALETTE.length]);
            m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
            // text to the right of the line, one row per knee so that labels do not overlap
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            m.setLabelOffset(new RectangleInsets(4 + 16 * row++, 4, 4, 4));
            plot.addDomainMarker(m);
        }
        JFreeChart c = new JFreeChart(title, TITLE, plot, true);
        c.setBackgroundPaint(Color.WHITE);
        c.setAntiAlias(true);
        TextTitle t = c.getTitle();
        t.setPaint(new Color(0x222222));
        LegendTitle l = c.getLegend();
        l.setItemFont(TICK);
        l.setFrame(BlockBorder.NONE);
        l.setPosition(RectangleEdge.BOTTOM);
        return c;
    }

    private static BasicStroke dashed(float width) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    }

    private static double minY(YIntervalSeriesCollection d) {
        double m = Double.POSITIVE_INFINITY;
        for (int s = 0; s < d.getSeriesCount(); s++) {
            for (int i = 0; i < d.getItemCount(s); i++) {
                m = Math.min(m, d.getStartYValue(s, i));
            }
        }
        return Double.isInfinite(m) ? 0 : m;
    }

    private static double maxY(YIntervalSeriesCollection d) {
        double m = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < d.getSeriesCount(); s++) {
            for (int i = 0; i < d.getItemCount(s); i++) {
                m = Math.max(m, d.getEndYValue(s, i));
            }
        }
        return Double.isInfinite(m) ? 0 : m;
    }

    /** Renders to an {@code <svg>} element with its own id prefix (several live in one page). */
    static String svg(JFreeChart chart, String id) {
        return Charts.svg(chart, id, WIDTH, HEIGHT);
    }
}
