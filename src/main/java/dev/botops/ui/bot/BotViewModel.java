package dev.botops.ui.bot;

import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.BotStatus;
import dev.botops.bot.LoggedMessage;
import dev.botops.lease.LeaseHolder;
import dev.botops.ui.common.Batcher;
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
 * The bot screen: state and reason, who holds the lease, Start / Stop, the 409 conflict banner with Retry,
 * the counters, and recent activity (messages in and out from {@code message_log}, and state changes).
 * State changes arrive on bot threads and reach the UI thread batched; counters are read on {@link #refresh()}.
 * It lives as long as the dashboard (its status listener goes when the bot closes with the app).
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

    private final Optional<BotService> bot;
    private final TaskExecutor tasks;
    private final Batcher<BotStatus> changes;
    private final Deque<Activity> stateChanges = new ArrayDeque<>();
    private List<Activity> messages = List.of();
    private long messagesLoadedAt = -1;
    private boolean loadingMessages;

    private final ReadOnlyObjectWrapper<BotState> state = new ReadOnlyObjectWrapper<>(BotState.STOPPED);
    private final ReadOnlyStringWrapper reason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper since = new ReadOnlyStringWrapper("");
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

    /**
     * @param bot      the bot of this instance; empty when {@code bot.enabled} is false
     * @param fxThread how to run on the UI thread ({@code Platform::runLater})
     */
    public BotViewModel(Optional<BotService> bot, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.bot = bot;
        this.tasks = tasks;
        this.changes = new Batcher<>(fxThread, this::stateChanged);
        if (bot.isEmpty()) {
            reason.set("The bot does not run in this instance (bot.enabled is false).");
            mode.set("—");
            return;
        }
        BotService service = bot.get();
        service.addStatusListener(changes::add);
        BotStatus now = service.status();
        mode.set(now.sandbox() ? "Sandbox: the local Bot API emulator (no bot token set)" : "Telegram");
        stateChanged(List.of(now));
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

    /** A Start, Stop or Retry is in progress. */
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

    /** Reads the counters now and reloads the messages when new updates came in (the view calls it every second). */
    public void refresh() {
        if (bot.isEmpty()) {
            return;
        }
        BotStatus status = bot.get().status();
        show(status);
        if (status.updates() != messagesLoadedAt && !loadingMessages) {
            loadingMessages = true;
            long seen = status.updates();
            tasks.run("bot activity", () -> toActivity(bot.get().recentMessages(ACTIVITY_SIZE)), loaded -> {
                loadingMessages = false;
                messagesLoadedAt = seen;
                messages = loaded;
                showActivity();
            }, error -> {
                loadingMessages = false;
                message.set("Could not read the message log: " + error.getMessage());
            });
        }
    }

    /** Stops polling and frees the lease (a standby instance takes over); Start competes for it again. */
    public void stop() {
        command("stop bot", "Stopping the bot (the batch in hand finishes, the offset is confirmed)…", service -> service.pause(),
                "Stopped. The lease is free: a standby instance, if any, takes over.");
    }

    public void start() {
        command("start bot", "Starting the bot: competing for the lease…", service -> service.resume(),
                "Started: the bot polls as soon as this instance holds the lease.");
    }

    /** After a conflict: poll again (once the other poller is gone). */
    public void retry() {
        command("retry bot", "Retrying…", service -> service.retry(), "Polling again.");
    }

    private void command(String name, String doing, Consumer<BotService> action, String done) {
        if (bot.isEmpty() || working.get()) {
            return;
        }
        working.set(true);
        updateButtons();
        message.set(doing);
        BotService service = bot.get();
        Callable<BotStatus> call = () -> {
            action.accept(service);
            return service.status();
        };
        tasks.run(name, call, status -> {
            working.set(false);
            show(status);
            message.set(done);
        }, error -> {
            working.set(false);
            updateButtons();
            message.set("Could not " + name + ": " + error.getMessage());
        });
    }

    private void stateChanged(List<BotStatus> batch) {
        for (BotStatus s : batch) {
            if (!stateChanges.isEmpty() && stateChanges.peekFirst().text().equals(stateLine(s))) {
                continue;
            }
            stateChanges.addFirst(new Activity(Instant.now(), ActivityKind.STATE, stateLine(s)));
            while (stateChanges.size() > STATE_CHANGES_KEPT) {
                stateChanges.removeLast();
            }
        }
        show(batch.get(batch.size() - 1));
        showActivity();
    }

    private static String stateLine(BotStatus s) {
        return s.state() + ": " + s.reason();
    }

    private void show(BotStatus s) {
        state.set(s.state());
        reason.set(s.reason());
        since.set("since " + Formats.time(s.since()));
        leaseHolder.set(holderText(s.activeHolder()));
        updates.set(Formats.count(s.updates()));
        errors.set(Formats.count(s.errors()));
        conflicts.set(Formats.count(s.conflicts()));
        rateLimited.set(Formats.count(s.rateLimited()));
        conflict.set(s.state() == BotState.CONFLICT);
        updateButtons();
    }

    private void updateButtons() {
        boolean stopped = state.get() == BotState.STOPPED;
        canStart.set(bot.isPresent() && !working.get() && stopped);
        canStop.set(bot.isPresent() && !working.get() && !stopped);
    }

    private String holderText(Optional<LeaseHolder> holder) {
        if (holder.isEmpty()) {
            return "unknown (no heartbeat seen yet)";
        }
        LeaseHolder h = holder.get();
        boolean me = bot.map(b -> b.holderId().equals(h.holderId())).orElse(false);
        return (me ? "this instance: " : "another instance: ") + h.holderId() + " on " + h.host() + " (pid " + h.pid() + "), since "
                + Formats.time(h.acquiredAt());
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
