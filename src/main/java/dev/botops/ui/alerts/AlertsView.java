package dev.botops.ui.alerts;

import dev.botops.monitor.Alert;
import dev.botops.ui.common.Formats;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;

/** Thin view over {@link AlertsViewModel}: active and past alerts coloured by severity, the hint with a Copy button. */
public final class AlertsView {
    private static final List<String> SEVERITY_CLASSES = List.of("severity-critical", "severity-warning", "severity-info");

    private final AlertsViewModel model;

    @FXML
    private Label message;
    @FXML
    private TableView<Alert> activeTable;
    @FXML
    private TableView<Alert> pastTable;
    @FXML
    private Label detail;
    @FXML
    private TextArea hint;
    @FXML
    private Button copyButton;

    public AlertsView(AlertsViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        message.textProperty().bind(model.message());
        detail.textProperty().bind(model.detail());
        hint.textProperty().bind(model.hint());
        copyButton.disableProperty().bind(model.hint().isEmpty());
        copyButton.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(model.copyHint());
            Clipboard.getSystemClipboard().setContent(content);
        });
        setUp(activeTable, model.active(), "Last seen", Alert::lastSeen);
        setUp(pastTable, model.past(), "Resolved", Alert::resolvedAt);
        activeTable.setPlaceholder(new Label("No active alerts"));
        pastTable.setPlaceholder(new Label("No resolved alerts yet"));
        activeTable.getSelectionModel().selectedItemProperty().addListener((obs, old, alert) -> {
            if (alert != null) {
                pastTable.getSelectionModel().clearSelection();
                model.select(alert);
            }
        });
        pastTable.getSelectionModel().selectedItemProperty().addListener((obs, old, alert) -> {
            if (alert != null) {
                activeTable.getSelectionModel().clearSelection();
                model.select(alert);
            }
        });
    }

    private static void setUp(TableView<Alert> table, ObservableList<Alert> items, String lastTitle,
                              Function<Alert, Instant> last) {
        TableColumn<Alert, String> severity = text("Severity", a -> a.severity().name());
        severity.setPrefWidth(90);
        TableColumn<Alert, String> rule = text("Rule", Alert::ruleId);
        rule.setPrefWidth(200);
        TableColumn<Alert, String> text = text("Message", Alert::message);
        text.setPrefWidth(520);
        table.getColumns().add(severity);
        table.getColumns().add(rule);
        table.getColumns().add(text);
        table.getColumns().add(text("First seen", a -> Formats.time(a.firstSeen())));
        table.getColumns().add(text(lastTitle, a -> Formats.time(last.apply(a))));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(Alert alert, boolean empty) {
                super.updateItem(alert, empty);
                getStyleClass().removeAll(SEVERITY_CLASSES);
                if (!empty && alert != null) {
                    getStyleClass().add("severity-" + alert.severity().name().toLowerCase(Locale.ROOT));
                }
            }
        });
        table.setItems(items);
    }

    private static TableColumn<Alert, String> text(String title, Function<Alert, String> value) {
        TableColumn<Alert, String> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
            }
        });
        column.setPrefWidth(150);
        return column;
    }
}
