package dev.botops.app.desktop;

import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.BotStatus;
import dev.botops.bot.LoggedMessage;
import dev.botops.ui.bot.BotSnapshot;
import dev.botops.ui.bot.BotSource;
import dev.botops.ui.common.CommandResult;
import dev.botops.ui.common.RunsOn;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot of this process for the screens: its status as a {@link BotSnapshot} that says it runs here, and the
 * operator's commands carried out at once (each answered when done). Without a bot in this process every snapshot
 * says so and every command is refused.
 */
final class ServicesBotSource implements BotSource {
    static final String NOT_HERE = "The bot does not run in this instance (bot.enabled is false).";
    private static final Logger log = LoggerFactory.getLogger(ServicesBotSource.class);

    private final Optional<BotService> bot;
    private final String instance;
    /** What every reading says when no bot runs here. */
    private final BotSnapshot none = BotSnapshot.none(NOT_HERE, Instant.now());
    /** The bot keeps its listeners for life: the screens subscribe here, and let go here. */
    private final List<Consumer<BotSnapshot>> listeners = new CopyOnWriteArrayList<>();

    /** @param instance this instance's name ({@code app.instance-name}) */
    ServicesBotSource(Optional<BotService> bot, String instance) {
        this.bot = bot;
        this.instance = instance;
        bot.ifPresent(service -> service.addStatusListener(status -> publish(snapshot(service, status))));
    }

    private void publish(BotSnapshot snapshot) {
        for (Consumer<BotSnapshot> listener : listeners) {
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                log.warn("A bot screen's listener failed", e);
            }
        }
    }

    @Override
    public Runnable subscribe(Consumer<BotSnapshot> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public BotSnapshot current() {
        return bot.map(service -> snapshot(service, service.status())).orElse(none);
    }

    private BotSnapshot snapshot(BotService service, BotStatus s) {
        Optional<BotSnapshot.Holder> holder = s.activeHolder().map(h -> new BotSnapshot.Holder(h.holderId(), h.host(), h.pid(),
                h.acquiredAt(), h.holderId().equals(service.holderId())));
        return new BotSnapshot(RunsOn.thisInstance(instance), s.state(), s.reason(), s.since(), holder, s.sandbox(), s.botUsername(),
                new BotSnapshot.Counters(s.updates(), s.errors(), s.conflicts(), s.rateLimited(), s.updatesPerMinute(), s.sendQueue(),
                        s.unreadableAnswers(), s.lastError()), Instant.now());
    }

    @Override
    public List<LoggedMessage> recentMessages(int limit) {
        return bot.map(service -> service.recentMessages(limit)).orElse(List.of());
    }

    @Override
    public CompletionStage<CommandResult> stopBot() {
        return command(service -> {
            service.pause();
            return CommandResult.accepted("Stopped. The lease is free: a standby instance, if any, takes over.");
        });
    }

    @Override
    public CompletionStage<CommandResult> startBot() {
        return command(service -> {
            service.resume();
            return CommandResult.accepted("Started: the bot polls as soon as this instance holds the lease.");
        });
    }

    @Override
    public CompletionStage<CommandResult> resumePolling() {
        return command(service -> {
            BotState state = service.status().state();
            if (state != BotState.CONFLICT) {
                return CommandResult.refused("nothing to resume: polling is not stopped on a conflict (the bot is " + state + ").");
            }
            service.retry();
            return CommandResult.accepted("Polling again.");
        });
    }

    /** In this process a command is carried out at once (on the caller's background thread). */
    private CompletionStage<CommandResult> command(Function<BotService, CommandResult> action) {
        return CompletableFuture.completedFuture(bot.map(action).orElseGet(() -> CommandResult.refused(NOT_HERE)));
    }
}
