package dev.sdbot.bot.features.admin;

import dev.sdbot.scheduler.usage.UsageReport;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;

/** The PNG chart of {@code /admin usage} and of the web console: images and GPU-seconds per day, one panel each, drawn by JFreeChart. */
public final class UsageChart {
    static final int WIDTH = 900;
    static final int HEIGHT = 560;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd");

    static {
        // charts are drawn off-screen; a bot host has no display (an explicit setting wins)
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private UsageChart() {
    }

    public static byte[] png(UsageReport report) {
        DefaultCategoryDataset images = new DefaultCategoryDataset();
        DefaultCategoryDataset gpu = new DefaultCategoryDataset();
        for (UsageReport.Day day : report.daily()) {
            String label = DAY.format(day.day());
            images.addValue(day.images(), "Images", label);
            gpu.addValue(day.gpuMillis() / 1000.0, "GPU-seconds", label);
        }
        NumberAxis imageAxis = new NumberAxis("Images");
        imageAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CategoryPlot imagePlot = new CategoryPlot(images, null, imageAxis, renderer(new Color(0x58, 0x65, 0xF2)));
        CategoryPlot gpuPlot = new CategoryPlot(gpu, null, new NumberAxis("GPU-seconds"), renderer(new Color(0x3B, 0xA5, 0x5C)));
        CategoryAxis days = new CategoryAxis("Day (UTC)");
        days.setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(days);
        plot.add(imagePlot);
        plot.add(gpuPlot);
        JFreeChart chart = new JFreeChart("Usage of the last " + report.days() + " day(s)", JFreeChart.DEFAULT_TITLE_FONT,
                plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("could not draw the usage chart", e);
        }
        return out.toByteArray();
    }

    private static BarRenderer renderer(Color color) {
        BarRenderer renderer = new BarRenderer();
        renderer.setSeriesPaint(0, color);
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        return renderer;
    }
}
