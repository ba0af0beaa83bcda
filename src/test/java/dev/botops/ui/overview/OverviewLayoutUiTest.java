package dev.botops.ui.overview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.Screenshots;
import dev.botops.testing.TestDatabase;
import dev.botops.app.desktop.Dashboard;
import dev.botops.ui.DashboardHarness;
import dev.botops.ui.common.Formats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Text;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Overview at the smallest window the dashboard allows and at 1280x800 (headless, real PostgreSQL, the bot in
 * the sandbox): every tile reads in full, and the ten-largest-tables chart keeps a long table name from taking the
 * bars' width and its bytes labels apart. Each size's Overview is also written to {@code target/layout/} to look at
 * (the window, and the whole screen at that width).
 */
@ExtendWith(PostgresExtension.class)
class OverviewLayoutUiTest {
    private static final String LONG_NAME = "reporting.customer_order_line_items_archive_for_the_2024_fiscal_year";
    private static final Path SHOTS = Path.of("target", "layout");

    private static DashboardHarness harness;

    @BeforeAll
    static void open(TestDatabase db) throws Exception {
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA reporting");
            st.execute("CREATE TABLE " + LONG_NAME + " (id bigint, note text)");
            st.execute("INSERT INTO " + LONG_NAME + " SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g");
        }
        harness = DashboardHarness.open(db.settings(Map.of("app.data-dir", Files.createTempDirectory("botops-layout").toString(),
                "monitor.interval", "1h", "maintenance.scheduler-enabled", "false")), true);
    }

    @AfterAll
    static void close() throws Exception {
        harness.close();
    }

    @Test
    void everyTileReadsInFullAtTheSmallestWindow() throws Exception {
        resize(Dashboard.MIN_WIDTH, Dashboard.MIN_HEIGHT);

        assertTilesReadInFull();
    }

    @Test
    void everyTileReadsInFullAt1280x800() throws Exception {
        resize(1280, 800);

        assertTilesReadInFull();
    }

    @Test
    void aLongTableNameIsShortenedOnTheChartAxisAndItsTooltipHasTheFullName() throws Exception {
        resize(Dashboard.MIN_WIDTH, Dashboard.MIN_HEIGHT);
        StackedBarChart<?, ?> chart = (StackedBarChart<?, ?>) harness.scene().lookup("#chart-tables");
        String shortened = Formats.middleEllipsis(LONG_NAME, OverviewView.MAX_LABEL_LENGTH);

        Text label = onFx(() -> axisLabels(chart.getYAxis()).stream().filter(t -> t.getText().equals(shortened)).findFirst().orElseThrow());
        Tooltip tip = (Tooltip) label.getProperties().get("javafx.scene.control.Tooltip");

        assertThat(tip).as("tooltip on the axis label %s", shortened).isNotNull();
        assertThat(tip.getText()).startsWith(LONG_NAME + "\n");
        assertThat(onFx(() -> chart.getYAxis().getWidth() / chart.getWidth())).as("share of the chart's width the names take").isLessThan(0.3);
    }

    @Test
    void theChartsByteLabelsStandApartAtTheSmallestWindow() throws Exception {
        resize(Dashboard.MIN_WIDTH, Dashboard.MIN_HEIGHT);
        StackedBarChart<?, ?> chart = (StackedBarChart<?, ?>) harness.scene().lookup("#chart-tables");

        List<Bounds> labels = onFx(() -> {
            List<Bounds> bounds = new ArrayList<>();
            for (Text text : axisLabels(chart.getXAxis())) {
                bounds.add(text.localToScene(text.getLayoutBounds()));
            }
            bounds.sort(Comparator.comparingDouble(Bounds::getMinX));
            return bounds;
        });

        assertThat(labels).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < labels.size(); i++) {
            assertThat(labels.get(i).getMinX()).as("label %d starts after label %d ends", i, i - 1)
                    .isGreaterThan(labels.get(i - 1).getMaxX());
        }
        assertThat(((NumberAxis) chart.getXAxis()).getTickUnit() % 1024).as("a round binary step").isZero();
    }

    private static void assertTilesReadInFull() throws Exception {
        Node tiles = harness.scene().lookup("#tiles");
        List<String[]> shown = onFx(() -> {
            List<String[]> texts = new ArrayList<>();
            for (Node node : tiles.lookupAll(".label")) {
                Label label = (Label) node;
                Text text = (Text) label.lookup(".text");
                texts.add(new String[] {label.getText(), text == null ? "" : text.getText()});
            }
            return texts;
        });

        assertThat(shown).hasSizeGreaterThanOrEqualTo(15);
        for (String[] texts : shown) {
            assertThat(texts[1]).as("what the label shows").isEqualTo(texts[0]);
        }
    }

    /** The tick labels an axis shows now. */
    private static List<Text> axisLabels(Node axis) {
        List<Text> labels = new ArrayList<>();
        for (Node child : ((javafx.scene.Parent) axis).getChildrenUnmodifiable()) {
            if (child instanceof Text && child.isVisible()) {
                labels.add((Text) child);
            }
        }
        return labels;
    }

    private static void resize(int width, int height) throws Exception {
        onFx(() -> {
            Window window = harness.scene().getWindow();
            window.setWidth(width);
            window.setHeight(height);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        onFx(() -> {
            Screenshots.save(harness.scene(), SHOTS.resolve("overview-" + width + "x" + height + ".png"));
            Screenshots.saveResized(harness.scene(), width, 1100, SHOTS.resolve("overview-" + width + "-whole.png"));
            return null;
        });
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(read));
    }
}
