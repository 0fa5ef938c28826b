package org.virtreplay.reports;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Builds the report's charts with JFreeChart and renders them to SVG text with JFreeSVG, in one
 * consistent style. Each SVG gets its own id prefix for its definitions (clip paths), so several
 * can live in one HTML document, and the output does not depend on the clock.
 */
public final class Charts {
    private Charts() {
    }

    public static final int WIDTH = 1100;
    public static final int HEIGHT = 400;

    /** A colour-blind-friendly palette (Okabe–Ito, then Tableau-like extensions). */
    public static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0x56B4E9), new Color(0xD55E00), new Color(0xF0E442), new Color(0x000000),
        new Color(0x8C564B), new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x17BECF),
        new Color(0x9467BD), new Color(0xFF9896), new Color(0x98DF8A), new Color(0xC5B0D5)};

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    public static JFreeChart bars(String title, String categoryAxis, String valueAxis, CategoryDataset data,
            boolean stacked, boolean percent) {
        JFreeChart c = stacked
                ? ChartFactory.createStackedBarChart(title, categoryAxis, valueAxis, data, PlotOrientation.VERTICAL,
                        true, false, false)
                : ChartFactory.createBarChart(title, categoryAxis, valueAxis, data, PlotOrientation.VERTICAL, true,
                        false, false);
        CategoryPlot plot = c.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setItemMargin(0.03);
        r.setMaximumBarWidth(0.08);
        for (int i = 0; i < data.getRowCount(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        CategoryAxis x = plot.getDomainAxis();
        x.setTickLabelFont(TICK);
        x.setLabelFont(LABEL);
        x.setMaximumCategoryLabelLines(2);
        if (data.getColumnCount() > 8) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setTickLabelFont(TICK);
        y.setLabelFont(LABEL);
        if (percent) {
            // start the axis near the data when every bar is high, so that 97 % and 99 % look
            // different; the axis is labelled, so the cut is visible
            double min = 100;
            for (int row = 0; row < data.getRowCount(); row++) {
                for (int col = 0; col < data.getColumnCount(); col++) {
                    Number v = data.getValue(row, col);
                    if (v != null) {
                        min = Math.min(min, v.doubleValue());
                    }
                }
            }
            y.setRange(min > 60 ? Math.floor(min / 10) * 10 - 10 : 0, 100);
        }
        y.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        boolean whole = true;
        for (int row = 0; row < data.getRowCount() && whole; row++) {
            for (int col = 0; col < data.getColumnCount() && whole; col++) {
                Number v = data.getValue(row, col);
                whole = v == null || v.doubleValue() == Math.rint(v.doubleValue());
            }
        }
        if (whole && !percent) {
            y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlineVisible(false);
        style(c, true);
        return c;
    }

    public static JFreeChart lines(String title, String xAxis, String yAxis, XYDataset data, boolean logX, boolean steps,
            Double yMax) {
        JFreeChart c = ChartFactory.createXYLineChart(title, xAxis, yAxis, data, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = c.getXYPlot();
        XYLineAndShapeRenderer r = steps ? new XYStepRenderer() : new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(2.0f));
        }
        plot.setRenderer(r);
        DecimalFormat fmt = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
        if (logX) {
            LogAxis x = new LogAxis(xAxis);
            x.setSmallestValue(1e-3);
            x.setBase(10);
            x.setAutoTickUnitSelection(false);
            x.setTickUnit(new NumberTickUnit(1.0)); // in log space: one label per decade
            x.setMinorTickCount(9);
            x.setMinorTickMarksVisible(true);
            x.setNumberFormatOverride(fmt);
            plot.setDomainAxis(x);
        } else {
            NumberAxis x = (NumberAxis) plot.getDomainAxis();
            x.setNumberFormatOverride(fmt);
            x.setAutoRangeIncludesZero(false);
        }
        plot.getDomainAxis().setTickLabelFont(TICK);
        plot.getDomainAxis().setLabelFont(LABEL);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setTickLabelFont(TICK);
        y.setLabelFont(LABEL);
        y.setNumberFormatOverride(fmt);
        if (yMax != null) {
            y.setRange(0, yMax);
        }
        boolean whole = true;
        for (int i = 0; i < data.getSeriesCount() && whole; i++) {
            for (int j = 0; j < data.getItemCount(i) && whole; j++) {
                double v = data.getYValue(i, j);
                whole = v == Math.rint(v);
            }
        }
        if (whole) {
            y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        // counts start at zero; rates and latencies zoom to their data (the axis is labelled)
        y.setAutoRangeIncludesZero(whole);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlineVisible(false);
        style(c, true);
        return c;
    }

    private static void style(JFreeChart c, boolean legend) {
        c.setBackgroundPaint(Color.WHITE);
        c.setAntiAlias(true);
        TextTitle t = c.getTitle();
        if (t != null) {
            t.setFont(TITLE);
            t.setPaint(new Color(0x222222));
        }
        LegendTitle l = c.getLegend();
        if (l != null) {
            l.setVisible(legend);
            l.setItemFont(TICK);
            l.setFrame(BlockBorder.NONE);
            l.setPosition(RectangleEdge.BOTTOM);
        }
    }

    /** Dash patterns of {@link #distinguish}: solid, dashed, dotted, dash-dot. */
    private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {8f, 3f, 2f, 3f}};

    /**
     * Makes the curves of a line chart distinguishable where they coincide: each series gets a dash
     * pattern (solid, dashed, dotted, dash-dot in turn) as well as its colour, so a curve drawn
     * over another still lets the one beneath show through its gaps (markers on ~70 CDF points
     * per curve would hide the curves themselves).
     */
    static void distinguish(JFreeChart c) {
        org.jfree.chart.renderer.xy.XYItemRenderer r = c.getXYPlot().getRenderer();
        int n = c.getXYPlot().getDataset().getSeriesCount();
        for (int i = 0; i < n; i++) {
            float[] dash = DASHES[i % DASHES.length];
            r.setSeriesStroke(i, dash == null ? new BasicStroke(2.0f)
                    : new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
        }
        if (r instanceof XYLineAndShapeRenderer lr) {
            lr.setDrawSeriesLineAsPath(true); // the dash pattern runs along the curve, not per segment
        }
    }

    /** Renders to an {@code <svg>} element with width, height and viewBox, and id {@code id}. */
    public static String svg(JFreeChart chart, String id, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGElement(id, true, new ViewBox(0, 0, width, height), null, null);
    }

    public static Paint color(int i) {
        return PALETTE[i % PALETTE.length];
    }
}
