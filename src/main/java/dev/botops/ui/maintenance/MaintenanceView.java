package dev.botops.ui.maintenance;

import dev.botops.ui.common.Formats;
import dev.botops.ui.common.WhileShowing;
import dev.botops.ui.maintenance.CleanupModel.Step;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/** Thin view over {@link MaintenanceViewModel}: binds each card to its panel's model, forwards the buttons. */
public final class MaintenanceView {
    private static final Duration REFRESH_EVERY = Duration.seconds(30);

    private final MaintenanceViewModel model;

    @FXML
    private Label message;
    @FXML
    private StackPane cleanupSteps;
    @FXML
    private VBox cleanupIdle;
    @FXML
    private VBox cleanupPreview;
    @FXML
    private VBox cleanupRunning;
    @FXML
    private VBox cleanupResult;
    @FXML
    private Button cleanupButton;
    @FXML
    private Label previewSummary;
    @FXML
    private TableView<PreviewRow> previewTable;
    @FXML
    private Button confirmButton;
    @FXML
    private Button backButton;
    @FXML
    private Label progressTable;
    @FXML
    private ProgressBar progressBar;
    @FXML
    private Label progressRows;
    @FXML
    private Label progressRate;
    @FXML
    private Label progressRemaining;
    @FXML
    private Button cancelButton;
    @FXML
    private Label resultText;
    @FXML
    private TableView<DetailRow> resultTable;
    @FXML
    private Button doneButton;
    @FXML
    private ListView<VacuumTarget> vacuumTables;
    @FXML
    private CheckBox analyzeBox;
    @FXML
    private CheckBox fullBox;
    @FXML
    private Label fullWarning;
    @FXML
    private Button vacuumButton;
    @FXML
    private Label vacuumResult;
    @FXML
    private Button pauseButton;
    @FXML
    private Button resumeButton;
    @FXML
    private Label scheduleStatus;
    @FXML
    private TableView<ScheduleRow> scheduleTable;
    @FXML
    private Button healthButton;
    @FXML
    private Label healthResult;
    @FXML
    private Button refreshButton;
    @FXML
    private TableView<RunRow> historyTable;
    @FXML
    private Label runSummary;
    @FXML
    private TableView<DetailRow> detailsTable;
    @FXML
    private Label runArchives;

    private WhileShowing refresher;

    public MaintenanceView(MaintenanceViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        message.textProperty().bind(model.message());
        bindCleanup(model.cleanup());
        bindVacuum(model.vacuum());
        bindSchedule(model.schedule());
        bindHistory(model.history());
        healthButton.disableProperty().bind(model.busy());
        healthButton.setOnAction(e -> model.health().run());
        healthResult.textProperty().bind(model.health().result());
        // Scheduled runs and other instances add runs too: keep the history and the next run times current.
        refresher = WhileShowing.repeat(message, REFRESH_EVERY, model::refresh);
    }

    private void bindCleanup(CleanupModel cleanup) {
        Map<Step, Node> panels = Map.of(Step.IDLE, cleanupIdle, Step.PREVIEWING, cleanupIdle,
                Step.PREVIEW, cleanupPreview, Step.RUNNING, cleanupRunning, Step.RESULT, cleanupResult);
        // Every panel stays managed: the card keeps the size of the largest, so a step change repaints only the card
        // instead of moving (and repainting) everything below it.
        for (Node panel : cleanupSteps.getChildren()) {
            panel.visibleProperty().bind(Bindings.createBooleanBinding(() -> panels.get(cleanup.step().get()) == panel, cleanup.step()));
        }
        cleanupButton.disableProperty().bind(model.busy());
        cleanupButton.textProperty().bind(Bindings.when(cleanup.step().isEqualTo(Step.PREVIEWING))
                .then("Counting expired rows…").otherwise("Cleanup…"));
        cleanupButton.setOnAction(e -> cleanup.preview());

        previewSummary.textProperty().bind(cleanup.previewSummary());
        previewTable.setItems(cleanup.previewRows());
        previewTable.getColumns().setAll(List.of(
                column("Table", 210, PreviewRow::table),
                column("Policy", 140, PreviewRow::policy),
                column("Strategy", 120, PreviewRow::strategy),
                column("Rows", 80, PreviewRow::rowsText),
                column("To the quota", 110, PreviewRow::quota),
                column("Reusable", 110, PreviewRow::reusable)));
        previewTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        confirmButton.textProperty().bind(Bindings.createStringBinding(() -> "Delete " + Formats.count(cleanup.previewTotal().get())
                + " rows", cleanup.previewTotal()));
        confirmButton.disableProperty().bind(model.busy().or(cleanup.previewTotal().isEqualTo(0)));
        confirmButton.setOnAction(e -> cleanup.confirm());
        backButton.setOnAction(e -> cleanup.close());

        progressBar.progressProperty().bind(cleanup.progress());
        progressRows.textProperty().bind(cleanup.progressRows());
        progressRate.textProperty().bind(cleanup.progressRate());
        progressRemaining.textProperty().bind(cleanup.progressRemaining());
        progressTable.textProperty().bind(Bindings.createStringBinding(() -> cleanup.progressTable().get().isEmpty() ? ""
                : "Working on " + cleanup.progressTable().get(), cleanup.progressTable()));
        cancelButton.disableProperty().bind(cleanup.cancelling());
        cancelButton.textProperty().bind(Bindings.when(cleanup.cancelling()).then("Cancelling…").otherwise("Cancel"));
        cancelButton.setOnAction(e -> cleanup.cancel());

        resultText.textProperty().bind(cleanup.result());
        resultTable.setItems(cleanup.resultRows());
        detailColumns(resultTable);
        doneButton.setOnAction(e -> cleanup.close());
    }

    private void bindVacuum(VacuumModel vacuum) {
        vacuumTables.setItems(vacuum.targets());
        vacuumTables.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        // The model owns the choice; the list's selection feeds it (and follows it when the table list is refreshed).
        vacuumTables.getSelectionModel().getSelectedItems().addListener((ListChangeListener<VacuumTarget>) change ->
                syncSelection(() -> vacuum.selected().setAll(vacuumTables.getSelectionModel().getSelectedItems())));
        vacuum.selected().addListener((ListChangeListener<VacuumTarget>) change -> syncSelection(() -> {
            vacuumTables.getSelectionModel().clearSelection();
            vacuum.selected().forEach(t -> vacuumTables.getSelectionModel().select(t));
        }));
        analyzeBox.selectedProperty().bindBidirectional(vacuum.analyze());
        fullBox.selectedProperty().bindBidirectional(vacuum.full());
        fullWarning.textProperty().bind(vacuum.fullWarning());
        fullWarning.visibleProperty().bind(vacuum.fullWarning().isNotEmpty());
        fullWarning.managedProperty().bind(fullWarning.visibleProperty());
        vacuumButton.textProperty().bind(vacuum.action());
        vacuumButton.disableProperty().bind(vacuum.canRun().not());
        vacuumButton.getStyleClass().add("accent");
        vacuum.full().addListener((obs, was, is) -> {
            vacuumButton.getStyleClass().removeAll("accent", "danger");
            vacuumButton.getStyleClass().add(is ? "danger" : "accent");
        });
        vacuumButton.setOnAction(e -> vacuum.run());
        vacuumResult.textProperty().bind(vacuum.result());
    }

    /** The list's selection and the model's choice follow each other; this stops the echo. */
    private boolean syncingSelection;

    private void syncSelection(Runnable sync) {
        if (syncingSelection) {
            return;
        }
        syncingSelection = true;
        try {
            sync.run();
        } finally {
            syncingSelection = false;
        }
    }

    private void bindSchedule(ScheduleModel schedule) {
        scheduleStatus.textProperty().bind(schedule.status());
        scheduleTable.setItems(schedule.rows());
        scheduleTable.getColumns().setAll(List.of(
                column("Job", 170, ScheduleRow::job),
                column("Next run", 230, ScheduleRow::nextRun),
                column("Last run", 150, ScheduleRow::lastRun),
                column("Last outcome", 200, ScheduleRow::lastOutcome)));
        scheduleTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        pauseButton.disableProperty().bind(schedule.paused().or(schedule.working()));
        resumeButton.disableProperty().bind(schedule.paused().not().or(schedule.working()));
        pauseButton.setOnAction(e -> schedule.pause());
        resumeButton.setOnAction(e -> schedule.resume());
    }

    private void bindHistory(RunHistoryModel history) {
        historyTable.setItems(history.rows());
        historyTable.getColumns().setAll(List.of(
                column("Run", 50, r -> Long.toString(r.runId())),
                column("Kind", 150, RunRow::kind),
                column("Trigger", 170, RunRow::trigger),
                column("Started", 150, RunRow::started),
                column("Took", 60, RunRow::duration),
                column("Outcome", 120, RunRow::outcome),
                column("Rows", 80, RunRow::rowsText),
                column("Database", 150, RunRow::database)));
        historyTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        historyTable.getSelectionModel().selectedItemProperty().addListener((obs, old, run) -> {
            if (run != null) {
                history.show(run.runId());
            }
        });
        // A refreshed history keeps the run the operator was looking at selected.
        history.rows().addListener((ListChangeListener<RunRow>) change -> history.rows().stream()
                .filter(r -> r.runId() == history.selectedRunId().get()).findFirst()
                .ifPresent(r -> historyTable.getSelectionModel().select(r)));
        runSummary.textProperty().bind(history.summary());
        detailsTable.setItems(history.details());
        detailColumns(detailsTable);
        runArchives.textProperty().bind(history.archives());
        refreshButton.setOnAction(e -> model.refresh());
    }

    private static void detailColumns(TableView<DetailRow> table) {
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().setAll(List.of(
                column("Table", 210, DetailRow::table),
                column("Strategy", 120, DetailRow::strategy),
                column("Rows", 80, DetailRow::rowsText),
                column("Partitions", 100, DetailRow::partitions),
                column("To the quota", 110, DetailRow::quota),
                column("Reusable", 110, DetailRow::reusable),
                column("Archive file", 220, DetailRow::archive)));
    }

    private static <T> TableColumn<T, String> column(String title, double width, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }
}
