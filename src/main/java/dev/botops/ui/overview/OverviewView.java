package dev.botops.ui.overview;

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
import java.util.List;
import java.util.Locale;
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
import javafx.scene.layout.HBox;
import javafx.util.StringConverter;

/** Thin view over {@link OverviewViewModel}: binds tiles, range toggles and charts. */
public final class OverviewView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final List<String> TONES = List.of("tone-good", "tone-warning", "tone-danger");

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
        sizeBytes.setTickLabelFormatter(bytesFormatter());
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

        tablesBytes.setTickLabelFormatter(bytesFormatter());
        tablesChart.setData(FXCollections.observableArrayList(List.of(bar("heap"), bar("index"), bar("TOAST"))));
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

    private static StringConverter<Number> bytesFormatter() {
        return new StringConverter<>() {
            @Override
            public String toString(Number bytes) {
                return Formats.bytes(bytes.longValue());
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException();
            }
        };
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

    /** Shows the ten bars, largest at the top: new values in place when the ranking is unchanged, else rebuilt. */
    private void showTables() {
        List<TableBar> bars = new ArrayList<>(model.largestTables());
        Collections.reverse(bars);
        List<String> names = bars.stream().map(TableBar::name).toList();
        List<XYChart.Series<Number, String>> series = tablesChart.getData();
        if (names.equals(tablesNames.getCategories()) && series.get(0).getData().size() == bars.size()) {
            for (int i = 0; i < bars.size(); i++) {
                series.get(0).getData().get(i).setXValue(bars.get(i).heapBytes());
                series.get(1).getData().get(i).setXValue(bars.get(i).indexBytes());
                series.get(2).getData().get(i).setXValue(bars.get(i).toastBytes());
            }
            return;
        }
        tablesNames.getCategories().setAll(names);
        tablesNames.requestAxisLayout();
        List<XYChart.Data<Number, String>> heap = new ArrayList<>();
        List<XYChart.Data<Number, String>> index = new ArrayList<>();
        List<XYChart.Data<Number, String>> toast = new ArrayList<>();
        for (TableBar bar : bars) {
            heap.add(new XYChart.Data<>(bar.heapBytes(), bar.name()));
            index.add(new XYChart.Data<>(bar.indexBytes(), bar.name()));
            toast.add(new XYChart.Data<>(bar.toastBytes(), bar.name()));
        }
        series.get(0).getData().setAll(heap);
        series.get(1).getData().setAll(index);
        series.get(2).getData().setAll(toast);
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
