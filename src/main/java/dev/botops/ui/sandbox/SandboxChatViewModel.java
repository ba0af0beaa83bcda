package dev.botops.ui.sandbox;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.ui.common.Batcher;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * A chat with the bot as a Telegram user would have it, through the local Bot API emulator: what the operator
 * types is posted as a user's message, and the bot's replies to that chat appear as the emulator sees them sent.
 * It lives as long as the dashboard (its emulator listener goes when the sandbox closes with the app).
 */
public final class SandboxChatViewModel {
    /** The sandbox user: a fixed Telegram user id and name, so its portfolio carries over between sessions. */
    public static final long USER_ID = 7_000_001L;
    public static final String USER_NAME = "Sandbox operator";
    /** The chat keeps its latest lines only, so it stays small over days of running. */
    static final int MAX_LINES = 500;

    /** One chat bubble. */
    public record ChatLine(Instant at, boolean fromUser, String text) {
        public String time() {
            return Formats.time(at);
        }
    }

    private final BotApiEmulator emulator;
    private final TaskExecutor tasks;
    private final ObservableList<ChatLine> lines = FXCollections.observableArrayList();
    private final StringProperty draft = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");

    /** @param fxThread how to run on the UI thread ({@code Platform::runLater}) */
    public SandboxChatViewModel(BotApiEmulator emulator, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.emulator = emulator;
        this.tasks = tasks;
        Batcher<SentMessage> replies = new Batcher<>(fxThread, this::received);
        emulator.addListener(sent -> {
            if (sent.chatId() == USER_ID) {
                replies.add(sent);
            }
        });
        // Replies sent before this screen was first opened (the emulator keeps what it sent in this process).
        received(emulator.sentTo(USER_ID));
        message.set("You are " + USER_NAME + " (user id " + USER_ID + ") in a private chat with the sandbox bot. Try /start, /help, /buy AAPL 1.");
    }

    public ObservableList<ChatLine> lines() {
        return FXCollections.unmodifiableObservableList(lines);
    }

    /** What the operator is typing. */
    public StringProperty draft() {
        return draft;
    }

    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** Sends the draft as the sandbox user's message; the bot's reply arrives as a new line. */
    public void send() {
        String text = draft.get() == null ? "" : draft.get().strip();
        if (text.isEmpty()) {
            return;
        }
        draft.set("");
        add(new ChatLine(Instant.now(), true, text));
        tasks.run("sandbox message", () -> emulator.post(UserMessage.privateChat(USER_ID, USER_NAME, text)), updateId -> {
        }, error -> message.set("Could not send: " + error.getMessage()));
    }

    private void received(List<SentMessage> sent) {
        for (SentMessage m : sent) {
            add(new ChatLine(m.sentAt(), false, m.text()));
        }
    }

    private void add(ChatLine line) {
        lines.add(line);
        if (lines.size() > MAX_LINES) {
            lines.remove(0, lines.size() - MAX_LINES);
        }
    }
}
