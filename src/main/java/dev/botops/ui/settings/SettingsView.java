package dev.botops.ui.settings;

import atlantafx.base.theme.Styles;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Thin view over {@link SettingsViewModel}: builds one row per field and binds it. */
public final class SettingsView {
    private final SettingsViewModel model;

    @FXML
    private VBox groups;
    @FXML
    private Button saveButton;
    @FXML
    private Button revertButton;
    @FXML
    private Label message;

    public SettingsView(SettingsViewModel model) {
        this.model = model;
    }

    /** Node id for a field: the property name with dots as dashes ({@code setting-limits-storage-quota}). */
    static String fieldId(SettingsViewModel.Field field) {
        return field.key().property().replace('.', '-');
    }

    @FXML
    private void initialize() {
        String currentGroup = null;
        GridPane grid = null;
        int row = 0;
        for (SettingsViewModel.Field field : model.fields()) {
            if (!field.group().equals(currentGroup)) {
                currentGroup = field.group();
                Label title = new Label(currentGroup);
                title.getStyleClass().add(Styles.TITLE_4);
                grid = new GridPane();
                grid.setHgap(12);
                grid.setVgap(6);
                ColumnConstraints labels = new ColumnConstraints(220);
                ColumnConstraints inputs = new ColumnConstraints(260);
                ColumnConstraints errors = new ColumnConstraints();
                errors.setHgrow(Priority.ALWAYS);
                grid.getColumnConstraints().addAll(labels, inputs, errors);
                groups.getChildren().addAll(title, grid);
                row = 0;
            }
            Label label = new Label(field.label() + (field.needsRestart() ? " ⟳" : ""));
            label.setTooltip(new Tooltip(field.help() + (field.needsRestart() ? " Takes effect after a restart." : "")));
            TextInputControl input = field.secret() ? new PasswordField() : new TextField();
            input.setId("setting-" + fieldId(field));
            input.textProperty().bindBidirectional(field.input());
            if (field.secret()) {
                input.setPromptText(model.secretPrompt(field));
            }
            Label error = new Label();
            error.setId("error-" + fieldId(field));
            error.getStyleClass().add(Styles.DANGER);
            error.setWrapText(true);
            error.textProperty().bind(field.error());
            field.error().addListener((obs, old, text) -> {
                if (text.isEmpty()) {
                    input.pseudoClassStateChanged(Styles.STATE_DANGER, false);
                } else {
                    input.pseudoClassStateChanged(Styles.STATE_DANGER, true);
                }
            });
            grid.addRow(row++, label, input, error);
        }
        message.textProperty().bind(model.message());
        saveButton.disableProperty().bind(model.saving());
        saveButton.setOnAction(e -> model.save());
        revertButton.setOnAction(e -> model.reload());
    }
}
