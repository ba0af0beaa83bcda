package dev.botops.ui.overview;

import dev.botops.ui.common.ByteTicks;
import dev.botops.ui.common.Downsampler.Point;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.SeriesBinding;
import dev.botops.ui.overview.OverviewViewModel.TableBar;
import dev.botops.ui.overview.OverviewViewModel.Tile;
import dev.botops.ui.overview.OverviewViewModel.Tone;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.text.Text;
import javafx.util.StringConverter;

/** Thin view over {@link OverviewViewModel}: binds tiles, range toggles and charts. */
public final class OverviewView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final List<String> TONES = List.of("tone-good", "tone-warning", "tone-danger");
    /** Longest table name on the chart's axis: about a fifth of the chart at the smallest window, in the axis's font. */
    static final int MAX_LABEL_LENGTH = 28;

    private final OverviewViewModel model;

    @FXML
    private Label status;
    @FXML
    private HBox demoBar;
    @FXML
    private Label demoText;
    @FXML
    private Button demoLoad;
    @FXML
    private Button demoRemove;
    @FXML
    private Label sizeValue;
    @FXML
    private Label sizeCaption;
    @FXML
    private ProgressBar sizeBar;
    @FXML
    private Label forecast;
    @FXML
    private Label connectionsValue;
    @FXML
    private Label connectionsCaption;
    @FXML
    private Label botValue;
    @FXML
    private Label botCaption;
    @FXML
    private Label maintenanceValue;
    @FXML
    private Label maintenanceCaption;
    @FXML
    private Label alertsValue;
    @FXML
    private Label alertsCaption;
    @FXML
    private HBox ranges;
    @FXML
    private ProgressIndicator loadingIndicator;
    @FXML
    private LineChart<Number, Number> sizeChart;
    @FXML
    private NumberAxis sizeTime;
    @FXML
    private NumberAxis sizeBytes;
    @FXML
    private LineChart<Number, Number> connectionsChart;
    @FXML
    private NumberAxis connectionsTime;
    @FXML
    private StackedBarChart<Number, String> tablesChart;
    @FXML
    private NumberAxis tablesBytes;
    @FXML
    private CategoryAxis tablesNames;
    /**
     * One per bar row, by its axis label: the full name and the sizes, shown over the row's segments and its label.
     * Kept per label (not rebuilt) so that a label node the axis keeps across updates still shows the current text.
     */
    private final Map<String, Tooltip> rowTips = new HashMap<>();

    public OverviewView(OverviewViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        status.textProperty().bind(model.status());
        bindTile(model.storage(), sizeValue, sizeCaption);
        sizeBar.progressProperty().bind(model.storageFraction());
        forecast.textProperty().bind(model.forecastText());
        bindTile(model.connections(), connectionsValue, connectionsCaption);
        bindTile(model.bot(), botValue, botCaption);
        bindTile(model.maintenance(), maintenanceValue, maintenanceCaption);
        bindTile(model.alerts(), alertsValue, alertsCaption);
        TileValueFit.attach(List.of(sizeValue, connectionsValue, botValue, maintenanceValue, alertsValue));

        demoText.textProperty().bind(model.demoMessage());
        demoBar.visibleProperty().bind(model.demoMessage().isNotEmpty());
        demoBar.managedProperty().bind(demoBar.visibleProperty());
        demoLoad.visibleProperty().bind(model.demoOffered());
        demoLoad.managedProperty().bind(demoLoad.visibleProperty());
        demoLoad.disableProperty().bind(model.demoBusy());
        demoLoad.setOnAction(e -> model.installDemo());
        demoRemove.visibleProperty().bind(model.demoInstalled());
        demoRemove.managedProperty().bind(demoRemove.visibleProperty());
        demoRemove.disableProperty().bind(model.demoBusy());
        demoRemove.setOnAction(e -> model.removeDemo());

        buildRangeToggles();
        loadingIndicator.visibleProperty().bind(model.loading());
        setUpTimeAxis(sizeTime);
        setUpTimeAxis(connectionsTime);
        sizeBytes.setTickLabelFormatter(Formats.bytesTicks(sizeBytes));
        XYChart.Series<Number, Number> size = new XYChart.Series<>();
        size.setName("database size");
        SeriesBinding.bind(model.sizeSeries(), size);
        sizeChart.getData().add(size);
        sizeChart.setAxisSortingPolicy(LineChart.SortingPolicy.NONE);
        connectionsChart.getData().add(series("active", model.activeSeries()));
        connectionsChart.getData().add(series("idle", model.idleSeries()));
        connectionsChart.getData().add(series("idle in transaction", model.idleInTransactionSeries()));
        connectionsChart.setAxisSortingPolicy(LineChart.SortingPolicy.NONE);
        // The plot is the chart less its axis and padding; two points per pixel of it.
        sizeChart.widthProperty().addListener((obs, old, width) -> model.setChartWidth(width.doubleValue() - 80));

        tablesBytes.setTickLabelFormatter(Formats.bytesTicks(tablesBytes));
        tablesBytes.widthProperty().addListener(o -> fitBytesAxis());
        tablesChart.setData(FXCollections.observableArrayList(List.of(bar("heap"), bar("index"), bar("TOAST"))));
        // The axis makes a text node per label whenever its categories change: each gets its row's tooltip.
        tablesNames.getChildrenUnmodifiable().addListener((ListChangeListener<Node>) change -> {
            while (change.next()) {
                change.getAddedSubList().forEach(this::attachRowTip);
            }
        });
        model.largestTables().addListener((ListChangeListener<TableBar>) change -> showTables());
        showTables();
    }

    private void buildRangeToggles() {
        ToggleGroup group = new ToggleGroup();
        for (ChartRange range : ChartRange.values()) {
            ToggleButton button = new ToggleButton(range.label());
            button.setId("range-" + range.label().replace(" ", ""));
            button.setToggleGroup(group);
            button.setSelected(range == model.range().get());
            button.setOnAction(e -> {
                button.setSelected(true);
                model.selectRange(range);
            });
            ranges.getChildren().add(button);
        }
        ranges.getStyleClass().add("segmented");
        model.range().addListener((obs, old, range) -> {
            for (Node node : ranges.getChildren()) {
                ((ToggleButton) node).setSelected(((ToggleButton) node).getText().equals(range.label()));
            }
        });
    }

    private void setUpTimeAxis(NumberAxis axis) {
        axis.lowerBoundProperty().bind(model.windowStart());
        axis.upperBoundProperty().bind(model.windowEnd());
        axis.tickUnitProperty().bind(model.windowEnd().subtract(model.windowStart()).divide(6));
        axis.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
                Instant at = Instant.ofEpochSecond(seconds.longValue());
                return model.range().get().length().toHours() <= 24 ? CLOCK.format(at) : DAY.format(at);
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException();
            }
        });
    }

    private static XYChart.Series<Number, Number> series(String name, ObservableList<Point> points) {
        XYChart.Series<Number, Number> series = new XYChart.Series<>();
        series.setName(name);
        SeriesBinding.bind(points, series);
        return series;
    }

    private static XYChart.Series<Number, String> bar(String name) {
        XYChart.Series<Number, String> series = new XYChart.Series<>();
        series.setName(name);
        return series;
    }

    /**
     * Shows the ten bars, largest at the top: new values in place when the ranking is unchanged, else rebuilt. A long
     * name is shortened in the middle on the axis (the full one is in the row's tooltip), so that no name can take the
     * bars' width.
     */
    private void showTables() {
        List<TableBar> bars = new ArrayList<>(model.largestTables());
        Collections.reverse(bars);
        List<String> labels = axisLabels(bars.stream().map(TableBar::name).toList());
        rowTips.keySet().retainAll(labels);
        for (int i = 0; i < bars.size(); i++) {
            rowTips.computeIfAbsent(labels.get(i), label -> new Tooltip()).setText(rowTip(bars.get(i)));
        }
        fitBytesAxis();
        List<XYChart.Series<Number, String>> series = tablesChart.getData();
        if (labels.equals(tablesNames.getCategories()) && series.get(0).getData().size() == bars.size()) {
            for (int i = 0; i < bars.size(); i++) {
                series.get(0).getData().get(i).setXValue(bars.get(i).heapBytes());
                series.get(1).getData().get(i).setXValue(bars.get(i).indexBytes());
                series.get(2).getData().get(i).setXValue(bars.get(i).toastBytes());
            }
            return;
        }
        tablesNames.getCategories().setAll(labels);
        tablesNames.requestAxisLayout();
        List<XYChart.Data<Number, String>> heap = new ArrayList<>();
        List<XYChart.Data<Number, String>> index = new ArrayList<>();
        List<XYChart.Data<Number, String>> toast = new ArrayList<>();
        for (int i = 0; i < bars.size(); i++) {
            TableBar bar = bars.get(i);
            String label = labels.get(i);
            heap.add(segment(bar.heapBytes(), label));
            index.add(segment(bar.indexBytes(), label));
            toast.add(segment(bar.toastBytes(), label));
        }
        series.get(0).getData().setAll(heap);
        series.get(1).getData().setAll(index);
        series.get(2).getData().setAll(toast);
    }

    private void fitBytesAxis() {
        ByteTicks.apply(tablesBytes, model.largestTables().stream().mapToLong(TableBar::totalBytes).max().orElse(0));
    }

    /** Each name shortened to {@link #MAX_LABEL_LENGTH}, or kept whole where two would shorten alike (categories are unique). */
    static List<String> axisLabels(List<String> names) {
        Set<String> used = new HashSet<>();
        List<String> labels = new ArrayList<>();
        for (String name : names) {
            String label = Formats.middleEllipsis(name, MAX_LABEL_LENGTH);
            labels.add(used.add(label) ? label : name);
        }
        return labels;
    }

    /** A bar segment with its own node (the chart styles a node it is given) that shows the row's tooltip. */
    private XYChart.Data<Number, String> segment(long bytes, String label) {
        XYChart.Data<Number, String> data = new XYChart.Data<>(bytes, label);
        StackPane node = new StackPane();
        Tooltip.install(node, rowTips.get(label));
        data.setNode(node);
        return data;
    }

    private void attachRowTip(Node axisChild) {
        if (axisChild instanceof Text) {
            Tooltip tip = rowTips.get(((Text) axisChild).getText());
            if (tip != null) {
                axisChild.setPickOnBounds(true); // hovering between the letters counts too
                Tooltip.install(axisChild, tip);
            }
        }
    }

    private static String rowTip(TableBar bar) {
        return bar.name() + "\n" + Formats.bytes(bar.totalBytes()) + ": heap " + Formats.bytes(bar.heapBytes()) + " · indexes "
                + Formats.bytes(bar.indexBytes()) + " · TOAST " + Formats.bytes(bar.toastBytes());
    }

    private static void bindTile(ObservableValue<Tile> tile, Label value, Label caption) {
        tile.addListener((obs, old, now) -> showTile(now, value, caption));
        showTile(tile.getValue(), value, caption);
    }

    private static void showTile(Tile tile, Label value, Label caption) {
        value.setText(tile.value());
        caption.setText(tile.caption());
        value.getStyleClass().removeAll(TONES);
        if (tile.tone() != Tone.NEUTRAL) {
            value.getStyleClass().add("tone-" + tile.tone().name().toLowerCase(Locale.ROOT));
        }
    }
}
