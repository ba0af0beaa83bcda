package dev.botops.ui.sandbox;

import dev.botops.bot.emulator.SentMessage;
import dev.botops.ui.common.Batcher;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

    private final SandboxSource source;
    private final TaskExecutor tasks;
    private final Batcher<SentMessage> replies;
    private Runnable unsubscribe = () -> { };
    /** Replies shown, by message id: one sent while the earlier ones load arrives both ways. */
    private final Set<Long> shown = new LinkedHashSet<>();
    private final ObservableList<ChatLine> lines = FXCollections.observableArrayList();
    private final StringProperty draft = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");

    /** @param fxThread how to run on the UI thread ({@code Platform::runLater}) */
    public SandboxChatViewModel(SandboxSource source, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.source = source;
        this.tasks = tasks;
        this.replies = new Batcher<>(fxThread, this::received);
        message.set("You are " + USER_NAME + " (user id " + USER_ID + ") in a private chat with the sandbox bot. Try /start, /help, /buy AAPL 1.");
    }

    /** Follows the bot's replies from now on, after those it sent before (in this process). */
    public void start() {
        unsubscribe = source.subscribe(USER_ID, replies::add);
        tasks.run("sandbox chat", () -> source.sentTo(USER_ID), this::received,
                error -> message.set("Could not read the chat: " + error.getMessage()));
    }

    public void stop() {
        unsubscribe.run();
        unsubscribe = () -> { };
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
        tasks.run("sandbox message", () -> source.post(USER_ID, USER_NAME, text), updateId -> {
        }, error -> message.set("Could not send: " + error.getMessage()));
    }

    private void received(List<SentMessage> sent) {
        for (SentMessage m : sent) {
            if (shown.add(m.messageId())) {
                add(new ChatLine(m.sentAt(), false, m.text()));
            }
        }
        while (shown.size() > MAX_LINES) {
            shown.remove(shown.iterator().next());
        }
    }

    private void add(ChatLine line) {
        lines.add(line);
        if (lines.size() > MAX_LINES) {
            lines.remove(0, lines.size() - MAX_LINES);
        }
    }
}
