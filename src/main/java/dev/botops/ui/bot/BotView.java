package dev.botops.ui.bot;

import dev.botops.bot.BotState;
import dev.botops.ui.bot.BotViewModel.Activity;
import dev.botops.ui.common.WhileShowing;
import java.util.Locale;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.util.Duration;

/** Thin view over {@link BotViewModel}. */
public final class BotView {
    private static final Duration REFRESH_EVERY = Duration.seconds(1);
    private static final String STATE_STYLE = "state-";

    private final BotViewModel model;

    @FXML
    private Label mode;
    @FXML
    private Label where;
    @FXML
    private HBox conflictBanner;
    @FXML
    private Label conflictText;
    @FXML
    private Button retryButton;
    @FXML
    private Label state;
    @FXML
    private Label reason;
    @FXML
    private Label since;
    @FXML
    private Button startButton;
    @FXML
    private Button stopButton;
    @FXML
    private Label leaseHolder;
    @FXML
    private Label updates;
    @FXML
    private Label errors;
    @FXML
    private Label conflicts;
    @FXML
    private Label rateLimited;
    @FXML
    private Label message;
    @FXML
    private ListView<Activity> activity;

    private WhileShowing refresher;

    public BotView(BotViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        mode.textProperty().bind(model.mode());
        where.textProperty().bind(model.where());
        conflictBanner.visibleProperty().bind(model.conflict());
        conflictBanner.managedProperty().bind(conflictBanner.visibleProperty());
        conflictText.textProperty().bind(model.reason());
        retryButton.disableProperty().bind(model.working());
        retryButton.setOnAction(e -> model.retry());
        state.textProperty().bind(model.state().asString());
        showStateStyle(model.state().get());
        model.state().addListener((obs, old, now) -> showStateStyle(now));
        reason.textProperty().bind(model.reason());
        since.textProperty().bind(model.since());
        leaseHolder.textProperty().bind(model.leaseHolder());
        updates.textProperty().bind(model.updates());
        errors.textProperty().bind(model.errors());
        conflicts.textProperty().bind(model.conflicts());
        rateLimited.textProperty().bind(model.rateLimited());
        startButton.disableProperty().bind(model.canStart().not());
        stopButton.disableProperty().bind(model.canStop().not());
        startButton.setOnAction(e -> model.startBot());
        stopButton.setOnAction(e -> model.stopBot());
        message.textProperty().bind(model.message());
        activity.setItems(model.activity());
        activity.setCellFactory(list -> new ActivityCell());
        refresher = WhileShowing.repeat(state, REFRESH_EVERY, model::refresh);
    }

    private void showStateStyle(BotState now) {
        state.getStyleClass().removeIf(c -> c.startsWith(STATE_STYLE));
        state.getStyleClass().add(STATE_STYLE + now.name().toLowerCase(Locale.ROOT));
    }

    /** "time  text", styled by kind (a user's message, the bot's reply, a state change). */
    private static final class ActivityCell extends ListCell<Activity> {
        @Override
        protected void updateItem(Activity item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("activity-in", "activity-out", "activity-state");
            if (empty || item == null) {
                setText(null);
                return;
            }
            setText(item.time() + "   " + item.text());
            getStyleClass().add("activity-" + item.kind().name().toLowerCase(Locale.ROOT));
        }
    }
}
