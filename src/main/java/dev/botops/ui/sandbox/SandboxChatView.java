package dev.botops.ui.sandbox;

import dev.botops.ui.sandbox.SandboxChatViewModel.ChatLine;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** Thin view over {@link SandboxChatViewModel}: the chat as bubbles (yours right, the bot's left), an input and Send. */
public final class SandboxChatView {
    private final SandboxChatViewModel model;

    @FXML
    private Label message;
    @FXML
    private ListView<ChatLine> chat;
    @FXML
    private TextField input;
    @FXML
    private Button sendButton;

    public SandboxChatView(SandboxChatViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        message.textProperty().bind(model.message());
        chat.setItems(model.lines());
        chat.setCellFactory(list -> new BubbleCell());
        chat.setFocusTraversable(false);
        // Follow the conversation: the newest line stays in view.
        model.lines().addListener((ListChangeListener<ChatLine>) change -> chat.scrollTo(model.lines().size() - 1));
        input.textProperty().bindBidirectional(model.draft());
        sendButton.disableProperty().bind(model.draft().isEmpty());
        sendButton.setOnAction(e -> {
            model.send();
            input.requestFocus();
        });
    }

    private static final class BubbleCell extends ListCell<ChatLine> {
        private final Label text = new Label();
        private final Label time = new Label();
        private final VBox box = new VBox(2, text, time);

        BubbleCell() {
            text.getStyleClass().add("bubble");
            time.getStyleClass().add("bubble-time");
            // A bubble as wide as its text, at most 560 px, wrapping longer texts (the bot's /help and /portfolio).
            text.setWrapText(true);
            text.setMaxWidth(560);
            text.setMinHeight(Region.USE_PREF_SIZE);
            box.setFillWidth(false);
            setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(ChatLine line, boolean empty) {
            super.updateItem(line, empty);
            if (empty || line == null) {
                setGraphic(null);
                return;
            }
            text.setText(line.text());
            time.setText((line.fromUser() ? "you · " : "bot · ") + line.time());
            text.getStyleClass().removeAll("bubble-user", "bubble-bot");
            text.getStyleClass().add(line.fromUser() ? "bubble-user" : "bubble-bot");
            box.setAlignment(line.fromUser() ? Pos.CENTER_RIGHT : Pos.CENTER_LEFT);
            if (!box.prefWidthProperty().isBound()) {
                // As wide as the list (less its scroll bar), so that alignment can put your lines on the right.
                box.prefWidthProperty().bind(getListView().widthProperty().subtract(36));
            }
            setGraphic(box);
        }
    }
}
