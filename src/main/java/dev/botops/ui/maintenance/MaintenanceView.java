package dev.botops.ui.maintenance;

import dev.botops.ui.common.Formats;
import dev.botops.ui.common.WhileShowing;
import dev.botops.ui.maintenance.MaintenanceViewModel.CleanupStep;
import dev.botops.ui.maintenance.MaintenanceViewModel.DetailRow;
import dev.botops.ui.maintenance.MaintenanceViewModel.PreviewRow;
import dev.botops.ui.maintenance.MaintenanceViewModel.RunRow;
import dev.botops.ui.maintenance.MaintenanceViewModel.ScheduleRow;
import dev.botops.ui.maintenance.MaintenanceViewModel.VacuumTarget;
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

/** Thin view over {@link MaintenanceViewModel}: binds the cards and the tables, forwards the buttons. */
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
        bindCleanup();
        bindVacuum();
        bindSchedule();
        bindHistory();
        healthButton.disableProperty().bind(model.busy());
        healthButton.setOnAction(e -> model.runHealthCheck());
        healthResult.textProperty().bind(model.healthResult());
        // Scheduled runs and other instances add runs too: keep the history and the next run times current.
        refresher = WhileShowing.repeat(message, REFRESH_EVERY, model::refresh);
    }

    private void bindCleanup() {
        Map<CleanupStep, Node> panels = Map.of(CleanupStep.IDLE, cleanupIdle, CleanupStep.PREVIEWING, cleanupIdle,
                CleanupStep.PREVIEW, cleanupPreview, CleanupStep.RUNNING, cleanupRunning, CleanupStep.RESULT, cleanupResult);
        // Every panel stays managed: the card keeps the size of the largest, so a step change repaints only the card
        // instead of moving (and repainting) everything below it.
        for (Node panel : cleanupSteps.getChildren()) {
            panel.visibleProperty().bind(Bindings.createBooleanBinding(() -> panels.get(model.step().get()) == panel, model.step()));
        }
        cleanupButton.disableProperty().bind(model.busy());
        cleanupButton.textProperty().bind(Bindings.when(model.step().isEqualTo(CleanupStep.PREVIEWING))
                .then("Counting expired rows…").otherwise("Cleanup…"));
        cleanupButton.setOnAction(e -> model.previewCleanup());

        previewSummary.textProperty().bind(model.previewSummary());
        previewTable.setItems(model.previewRows());
        previewTable.getColumns().setAll(List.of(
                column("Table", 190, PreviewRow::table),
                column("Policy", 120, PreviewRow::policy),
                column("Strategy", 110, PreviewRow::strategy),
                column("Rows", 80, PreviewRow::rowsText),
                column("Space", 160, PreviewRow::space)));
        previewTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        confirmButton.textProperty().bind(Bindings.createStringBinding(() -> "Delete " + Formats.count(model.previewTotal().get())
                + " rows", model.previewTotal()));
        confirmButton.disableProperty().bind(model.busy().or(model.previewTotal().isEqualTo(0)));
        confirmButton.setOnAction(e -> model.confirmCleanup());
        backButton.setOnAction(e -> model.closeCleanup());

        progressBar.progressProperty().bind(model.progress());
        progressRows.textProperty().bind(model.progressRows());
        progressRate.textProperty().bind(model.progressRate());
        progressRemaining.textProperty().bind(model.progressRemaining());
        progressTable.textProperty().bind(Bindings.createStringBinding(() -> model.progressTable().get().isEmpty() ? ""
                : "Working on " + model.progressTable().get(), model.progressTable()));
        cancelButton.disableProperty().bind(model.cancelling());
        cancelButton.textProperty().bind(Bindings.when(model.cancelling()).then("Cancelling…").otherwise("Cancel"));
        cancelButton.setOnAction(e -> model.cancelCleanup());

        resultText.textProperty().bind(model.cleanupResult());
        resultTable.setItems(model.cleanupResultRows());
        detailColumns(resultTable);
        doneButton.setOnAction(e -> model.closeCleanup());
    }

    private void bindVacuum() {
        vacuumTables.setItems(model.vacuumTargets());
        vacuumTables.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        // The model owns the choice; the list's selection feeds it (and follows it when the table list is refreshed).
        vacuumTables.getSelectionModel().getSelectedItems().addListener((ListChangeListener<VacuumTarget>) change ->
                syncSelection(() -> model.selectedTargets().setAll(vacuumTables.getSelectionModel().getSelectedItems())));
        model.selectedTargets().addListener((ListChangeListener<VacuumTarget>) change -> syncSelection(() -> {
            vacuumTables.getSelectionModel().clearSelection();
            model.selectedTargets().forEach(t -> vacuumTables.getSelectionModel().select(t));
        }));
        analyzeBox.selectedProperty().bindBidirectional(model.analyze());
        fullBox.selectedProperty().bindBidirectional(model.full());
        fullWarning.textProperty().bind(model.fullWarning());
        fullWarning.visibleProperty().bind(model.fullWarning().isNotEmpty());
        fullWarning.managedProperty().bind(fullWarning.visibleProperty());
        vacuumButton.textProperty().bind(model.vacuumAction());
        vacuumButton.disableProperty().bind(model.canVacuum().not());
        vacuumButton.getStyleClass().add("accent");
        model.full().addListener((obs, was, is) -> {
            vacuumButton.getStyleClass().removeAll("accent", "danger");
            vacuumButton.getStyleClass().add(is ? "danger" : "accent");
        });
        vacuumButton.setOnAction(e -> model.startVacuum());
        vacuumResult.textProperty().bind(model.vacuumResult());
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

    private void bindSchedule() {
        scheduleStatus.textProperty().bind(model.scheduleStatus());
        scheduleTable.setItems(model.schedule());
        scheduleTable.getColumns().setAll(List.of(
                column("Job", 170, ScheduleRow::job),
                column("Next run", 230, ScheduleRow::nextRun),
                column("Last run", 150, ScheduleRow::lastRun),
                column("Last outcome", 200, ScheduleRow::lastOutcome)));
        scheduleTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        pauseButton.disableProperty().bind(model.schedulePaused());
        resumeButton.disableProperty().bind(model.schedulePaused().not());
        pauseButton.setOnAction(e -> model.pauseSchedule());
        resumeButton.setOnAction(e -> model.resumeSchedule());
    }

    private void bindHistory() {
        historyTable.setItems(model.runs());
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
                model.showRun(run.runId());
            }
        });
        // A refreshed history keeps the run the operator was looking at selected.
        model.runs().addListener((ListChangeListener<RunRow>) change -> model.runs().stream()
                .filter(r -> r.runId() == model.selectedRunId().get()).findFirst()
                .ifPresent(r -> historyTable.getSelectionModel().select(r)));
        runSummary.textProperty().bind(model.runSummary());
        detailsTable.setItems(model.runDetails());
        detailColumns(detailsTable);
        runArchives.textProperty().bind(model.runArchives());
        refreshButton.setOnAction(e -> model.refresh());
    }

    private static void detailColumns(TableView<DetailRow> table) {
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().setAll(List.of(
                column("Table", 170, DetailRow::table),
                column("Strategy", 120, DetailRow::strategy),
                column("Rows", 80, DetailRow::rowsText),
                column("Partitions", 90, DetailRow::partitions),
                column("Space", 170, DetailRow::space),
                column("Archive file", 260, DetailRow::archive)));
    }

    private static <T> TableColumn<T, String> column(String title, double width, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }
}
