package dev.botops.ui.bot;

import dev.botops.bot.BotState;
import dev.botops.bot.LoggedMessage;
import dev.botops.ui.common.Batcher;
import dev.botops.ui.common.CommandResult;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The bot screen: where the bot runs, its state and reason, who holds the lease, Start / Stop, the 409 conflict
 * banner with Retry, the counters, and recent activity (messages in and out from the message log, and state
 * changes). State changes arrive on any thread and reach the UI thread batched; counters are read on
 * {@link #refresh()}. Commands go through the {@link BotSource} and report its answer.
 */
public final class BotViewModel {
    static final int ACTIVITY_SIZE = 40;
    private static final int STATE_CHANGES_KEPT = 20;

    /** What an activity line is about. */
    public enum ActivityKind {
        /** A user's message to the bot. */
        IN,
        /** The bot's reply. */
        OUT,
        /** The bot changed state. */
        STATE
    }

    /** One line of recent activity. */
    public record Activity(Instant at, ActivityKind kind, String text) {
        public String time() {
            return Formats.time(at);
        }
    }

    private final BotSource source;
    private final TaskExecutor tasks;
    private final Batcher<BotSnapshot> changes;
    private Runnable unsubscribe = () -> { };
    private final Deque<Activity> stateChanges = new ArrayDeque<>();
    private List<Activity> messages = List.of();
    private long messagesLoadedAt = -1;
    private boolean loadingMessages;
    private boolean reading;
    private boolean commandable;

    private final ReadOnlyObjectWrapper<BotState> state = new ReadOnlyObjectWrapper<>(BotState.STOPPED);
    private final ReadOnlyStringWrapper reason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper since = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper where = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper leaseHolder = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper mode = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper updates = new ReadOnlyStringWrapper("0");
    private final ReadOnlyStringWrapper errors = new ReadOnlyStringWrapper("0");
    private final ReadOnlyStringWrapper conflicts = new ReadOnlyStringWrapper("0");
    private final ReadOnlyStringWrapper rateLimited = new ReadOnlyStringWrapper("0");
    private final ReadOnlyBooleanWrapper conflict = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper canStart = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper canStop = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper working = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ObservableList<Activity> activity = FXCollections.observableArrayList();

    /** @param fxThread how to run on the UI thread ({@code Platform::runLater}) */
    public BotViewModel(BotSource source, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.source = source;
        this.tasks = tasks;
        this.changes = new Batcher<>(fxThread, this::stateChanged);
    }

    /** Follows the bot's state changes from now on and shows where it stands. */
    public void start() {
        unsubscribe = source.subscribe(changes::add);
        tasks.run("bot state", source::current, now -> stateChanged(List.of(now)),
                error -> message.set("Could not read the bot's state: " + error.getMessage()));
    }

    /** Lets go of the bot's state changes. */
    public void stop() {
        unsubscribe.run();
        unsubscribe = () -> { };
    }

    public ReadOnlyObjectProperty<BotState> state() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty reason() {
        return reason.getReadOnlyProperty();
    }

    /** How long it has been in this state. */
    public ReadOnlyStringProperty since() {
        return since.getReadOnlyProperty();
    }

    /** "Runs on this instance", "Runs on server-a", or "Not running" (the reason says why). */
    public ReadOnlyStringProperty where() {
        return where.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty leaseHolder() {
        return leaseHolder.getReadOnlyProperty();
    }

    /** Telegram or the sandbox emulator. */
    public ReadOnlyStringProperty mode() {
        return mode.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty updates() {
        return updates.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errors() {
        return errors.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty conflicts() {
        return conflicts.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty rateLimited() {
        return rateLimited.getReadOnlyProperty();
    }

    /** Polling stopped on a conflict (409 storm, refused webhook or token): the banner with Retry shows. */
    public ReadOnlyBooleanProperty conflict() {
        return conflict.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canStart() {
        return canStart.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canStop() {
        return canStop.getReadOnlyProperty();
    }

    /** A Start, Stop or Retry is waiting for its answer. */
    public ReadOnlyBooleanProperty working() {
        return working.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** Newest first: messages in and out, and state changes. */
    public ObservableList<Activity> activity() {
        return FXCollections.unmodifiableObservableList(activity);
    }

    /** Reads the counters and reloads the messages when new updates came in (the view calls it every second). */
    public void refresh() {
        if (reading) {
            return;
        }
        reading = true;
        tasks.run("bot status", source::current, now -> {
            reading = false;
            show(now);
            loadMessages(now.counters().updates());
        }, error -> {
            reading = false;
            message.set("Could not read the bot's state: " + error.getMessage());
        });
    }

    private void loadMessages(long seenUpdates) {
        if (seenUpdates == messagesLoadedAt || loadingMessages) {
            return;
        }
        loadingMessages = true;
        tasks.run("bot activity", () -> toActivity(source.recentMessages(ACTIVITY_SIZE)), loaded -> {
            loadingMessages = false;
            messagesLoadedAt = seenUpdates;
            messages = loaded;
            showActivity();
        }, error -> {
            loadingMessages = false;
            message.set("Could not read the message log: " + error.getMessage());
        });
    }

    /** Stops polling and frees the lease (a standby instance takes over); Start competes for it again. */
    public void stopBot() {
        command("stop the bot", "Stopping the bot (the batch in hand finishes, the offset is confirmed)…", source::stopBot);
    }

    public void startBot() {
        command("start the bot", "Starting the bot: competing for the lease…", source::startBot);
    }

    /** After a conflict: poll again (once the other poller is gone). */
    public void retry() {
        command("retry polling", "Retrying…", source::resumePolling);
    }

    private void command(String name, String doing, Callable<CompletionStage<CommandResult>> send) {
        if (!commandable || working.get()) {
            return;
        }
        working.set(true);
        updateButtons();
        message.set(doing);
        tasks.runAndFollow(name, send, result -> {
            working.set(false);
            message.set(result.accepted() ? result.message() : "Not done: " + result.message());
            updateButtons();
            refresh();
        }, error -> {
            working.set(false);
            updateButtons();
            message.set("Could not " + name + ": " + error.getMessage());
        });
    }

    private void stateChanged(List<BotSnapshot> batch) {
        for (BotSnapshot s : batch) {
            if (!stateChanges.isEmpty() && stateChanges.peekFirst().text().equals(stateLine(s))) {
                continue;
            }
            stateChanges.addFirst(new Activity(s.asOf(), ActivityKind.STATE, stateLine(s)));
            while (stateChanges.size() > STATE_CHANGES_KEPT) {
                stateChanges.removeLast();
            }
        }
        show(batch.get(batch.size() - 1));
        showActivity();
    }

    private static String stateLine(BotSnapshot s) {
        return s.state() + ": " + s.reason();
    }

    private void show(BotSnapshot s) {
        commandable = !s.runsOn().nowhereActive();
        state.set(s.state());
        reason.set(s.reason());
        since.set(commandable ? "since " + Formats.time(s.since()) : "");
        where.set(commandable ? "Runs " + s.runsOn().label() : "Not running");
        mode.set(s.mode());
        leaseHolder.set(holderText(s.holder()));
        updates.set(Formats.count(s.counters().updates()));
        errors.set(Formats.count(s.counters().errors()));
        conflicts.set(Formats.count(s.counters().conflicts()));
        rateLimited.set(Formats.count(s.counters().rateLimited()));
        conflict.set(s.state() == BotState.CONFLICT);
        updateButtons();
    }

    private void updateButtons() {
        boolean stopped = state.get() == BotState.STOPPED;
        canStart.set(commandable && !working.get() && stopped);
        canStop.set(commandable && !working.get() && !stopped);
    }

    private static String holderText(Optional<BotSnapshot.Holder> holder) {
        if (holder.isEmpty()) {
            return "unknown (no heartbeat seen yet)";
        }
        BotSnapshot.Holder h = holder.get();
        return (h.thisInstance() ? "this instance: " : "another instance: ") + h.id() + " on " + h.host() + " (pid " + h.pid()
                + "), since " + Formats.time(h.acquiredAt());
    }

    private static List<Activity> toActivity(List<LoggedMessage> logged) {
        List<Activity> result = new ArrayList<>();
        for (LoggedMessage m : logged) {
            String text = m.text() == null ? "(no text)" : m.text().replace('\n', ' ');
            result.add(m.incoming()
                    ? new Activity(m.loggedAt(), ActivityKind.IN, "chat " + m.chatId() + " → bot: " + text)
                    : new Activity(m.loggedAt(), ActivityKind.OUT, "bot → chat " + m.chatId() + ": " + text));
        }
        return List.copyOf(result);
    }

    private void showActivity() {
        List<Activity> all = new ArrayList<>(messages);
        all.addAll(stateChanges);
        // Stable sort: a reply and its message share a timestamp and keep the log's order (reply first).
        all.sort(Comparator.comparing(Activity::at).reversed());
        activity.setAll(all.stream().limit(ACTIVITY_SIZE).collect(Collectors.toList()));
    }
}
