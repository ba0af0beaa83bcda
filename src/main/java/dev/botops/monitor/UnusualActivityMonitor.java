package dev.botops.monitor;

import dev.botops.concurrent.Threads;
import dev.botops.db.DatabaseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the unusual-activity rules on their own slow cadence ({@code alerts.unusual.every}, on the
 * {@code monitor-unusual} thread), apart from the monitor's snapshots: records this instance's error counters,
 * reads the history, and raises and resolves the rules' alerts. A run that cannot read the history changes no
 * alert. Prunes its samples past the history retention once an hour.
 */
public final class UnusualActivityMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UnusualActivityMonitor.class);
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final ActivityHistory history;
    private final UnusualActivityRules rules;
    private final AlertService alerts;
    private final Supplier<Optional<ActivityHistory.BotCounters>> bot;
    private final String instance;
    private final Duration every;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon("monitor-unusual"));
    /** Only the monitor-unusual thread (or a test calling {@link #runOnce}) touches it. */
    private Instant nextPruneAt;

    public UnusualActivityMonitor(ActivityHistory history, UnusualActivityRules rules, AlertService alerts,
                                  Supplier<Optional<ActivityHistory.BotCounters>> bot, String instance, Duration every, Clock clock) {
        this.history = history;
        this.rules = rules;
        this.alerts = alerts;
        this.bot = bot;
        this.instance = instance;
        this.every = every;
        this.clock = clock;
    }

    public void start() {
        executor.scheduleWithFixedDelay(this::runSafely, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Unusual-activity check failed", e);
        }
    }

    /** One check: sample, read, evaluate, raise and resolve. Returns the findings (empty when the history cannot be read). */
    public List<AlertRules.Finding> runOnce() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        UnusualActivityRules.History read;
        try {
            history.record(instance, now, bot.get().orElse(null));
            read = history.read(now);
        } catch (DatabaseException e) {
            log.debug("Unusual-activity check skipped: {}", e.getMessage());
            return List.of();
        }
        List<AlertRules.Finding> findings = rules.evaluate(read, alerts.activeSeverities());
        Set<String> firing = findings.stream().map(AlertRules.Finding::ruleId).collect(Collectors.toSet());
        for (AlertRules.Finding finding : findings) {
            alerts.raise(finding.ruleId(), finding.severity(), finding.message(), finding.hint());
        }
        for (String ruleId : alerts.activeSeverities().keySet()) {
            if (UnusualActivityRules.owns(ruleId) && !firing.contains(ruleId)) {
                alerts.resolve(ruleId);
            }
        }
        pruneIfDue(now);
        return findings;
    }

    private void pruneIfDue(Instant now) {
        if (nextPruneAt != null && now.isBefore(nextPruneAt)) {
            return;
        }
        nextPruneAt = now.plus(PRUNE_EVERY);
        try {
            history.prune(now);
        } catch (DatabaseException e) {
            log.debug("Activity samples not pruned: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        Threads.shutdown(executor, SHUTDOWN_WAIT, "The unusual-activity check");
    }
}
