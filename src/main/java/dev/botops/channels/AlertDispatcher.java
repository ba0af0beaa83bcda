package dev.botops.channels;

import dev.botops.channels.DeliveryOutbox.Claimed;
import dev.botops.channels.DeliveryPlanner.Planned;
import dev.botops.concurrent.Threads;
import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.db.DatabaseException;
import dev.botops.db.Work;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to the configured channels, once per (alert, channel, event) however many instances run.
 *
 * <p>Any instance that has a channel configured may deliver to it; the database decides who sends each
 * message. Every {@code poll} (and at once when an alert of this instance changes) the {@code alerts-delivery}
 * thread plans what is due from the {@code alerts} table ({@link DeliveryPlanner}), records it in the outbox
 * (a row per delivery, unique), claims due rows with an expiry, sends, and marks them sent. A failed attempt is
 * retried with backoff (or after the receiver's {@code Retry-After}) until {@code alerts.delivery.give-up-after},
 * then recorded as failed and raised as the {@code alert-delivery:<channel>} alert. An instance that stops
 * mid-send leaves its claim to expire, and another instance sends the message. While the database cannot be
 * reached, the alerts raised meanwhile go out from memory ({@link OfflineDeliveries}).
 */
public final class AlertDispatcher implements AlertListener, AutoCloseable {
    /** The rule raised when a channel gives up on a delivery: {@code alert-delivery:<channel>}. */
    public static final String DELIVERY_RULE_PREFIX = "alert-delivery:";
    private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final Work WORK = new Work("alerts-delivery", Duration.ofSeconds(10), Duration.ofSeconds(2));
    private static final int CLAIM_BATCH = 10;
    private static final int MAX_BATCHES = 10;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(15);
    private static final Duration WAIT_FOR_WRITES = Duration.ofSeconds(2);

    /**
     * How delivery paces itself.
     *
     * @param poll          how often due deliveries are looked for (other instances' alerts, retries, reminders)
     * @param reminderEvery reminder cadence ({@code bot.alert-reminder})
     * @param giveUpAfter   how long a failing delivery is retried ({@code alerts.delivery.give-up-after})
     * @param firstRetry    first backoff; doubles per attempt up to {@code maxRetry}
     * @param claimFor      how long a claim holds: longer than one attempt can take
     */
    public record Policy(Duration poll, Duration reminderEvery, Duration giveUpAfter, Duration firstRetry, Duration maxRetry,
                         Duration claimFor) {
        public static Policy from(Settings settings) {
            Duration timeout = settings.duration(ConfigKey.ALERT_DELIVERY_TIMEOUT);
            return new Policy(Duration.ofSeconds(5), settings.duration(ConfigKey.BOT_ALERT_REMINDER),
                    settings.duration(ConfigKey.ALERT_DELIVERY_GIVE_UP), Duration.ofSeconds(2), Duration.ofMinutes(5),
                    timeout.multipliedBy(2).plusSeconds(30));
        }

        /** Backoff before attempt {@code attempts + 1}, with 20 % jitter so instances do not retry in step. */
        Duration backoff(int attempts) {
            long millis = firstRetry.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
            long capped = Math.min(millis, maxRetry.toMillis());
            return Duration.ofMillis(Math.round(capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
        }
    }

    private final Database database;
    private final AlertService alerts;
    private final AlertChannels channels;
    private final String instance;
    private final Policy policy;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon("alerts-delivery"));
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final OfflineDeliveries offline = new OfflineDeliveries();
    /** Only the delivery thread reads and writes it: a failing database is logged once per outage. */
    private boolean databaseFailing;
    private volatile boolean started;

    public AlertDispatcher(Database database, AlertService alerts, AlertChannels channels, String instance, Policy policy, Clock clock) {
        this.database = database;
        this.alerts = alerts;
        this.channels = channels;
        this.instance = instance;
        this.policy = policy;
        this.clock = clock;
    }

    /** Listens for this instance's alert changes and starts polling; nothing when no channel is configured. */
    public synchronized void start() {
        if (started || channels.isEmpty()) {
            return;
        }
        started = true;
        alerts.addListener(this);
        long poll = policy.poll().toMillis();
        executor.scheduleWithFixedDelay(this::runSafely, 0, poll, TimeUnit.MILLISECONDS);
        log.info("Alert delivery to {} channel(s): {}", channels.all().size(), String.join(", ", channels.names()));
    }

    public AlertChannels channels() {
        return channels;
    }

    @Override
    public void raised(Alert alert) {
        wake();
    }

    @Override
    public void resolved(Alert alert) {
        wake();
    }

    @Override
    public void acknowledged(Alert alert) {
        wake();
    }

    /** Looks for due deliveries now rather than at the next poll (coalesced: one pending wake at a time). */
    private void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    wakeQueued.set(false);
                    // The change that woke us is written by the alert writer; give it a moment to reach the table.
                    alerts.flush(WAIT_FOR_WRITES);
                    runSafely();
                });
            } catch (RejectedExecutionException e) {
                wakeQueued.set(false);
            }
        }
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Alert delivery run failed", e);
        }
    }

    /**
     * One pass: plan and record what is due, then claim and send due deliveries until none is left (bounded).
     * Called on the delivery thread, or by tests.
     *
     * @return deliveries sent in this pass
     */
    public int runOnce() {
        if (channels.isEmpty()) {
            return 0;
        }
        Instant now = now();
        try {
            plan(now);
            int sent = 0;
            for (int batch = 0; batch < MAX_BATCHES; batch++) {
                List<Claimed> claimed = database.inTransaction(WORK, c ->
                        DeliveryOutbox.claim(c, instance, channels.names(), policy.claimFor(), now(), CLAIM_BATCH));
                for (Claimed delivery : claimed) {
                    sent += deliver(delivery) ? 1 : 0;
                }
                if (claimed.size() < CLAIM_BATCH) {
                    break;
                }
            }
            databaseWorks();
            return sent;
        } catch (DatabaseException e) {
            databaseFails(e);
            offline.deliver(alerts, channels, instance, now);
            return 0;
        }
    }

    /**
     * Records what went out from memory during an outage, reads the state (one attempt: an outage is handled
     * by delivering from memory, not by waiting here), and records what is due.
     */
    private void plan(Instant now) {
        DeliveryOutbox.State state = database.once(WORK, c -> {
            if (!offline.isEmpty()) {
                offline.record(c, instance, now, policy.giveUpAfter());
            }
            return DeliveryOutbox.read(c, now);
        });
        List<DeliveryPlanner.Channel> planned = channels.all().stream()
                .map(ch -> new DeliveryPlanner.Channel(ch.name(), ch.minSeverity())).toList();
        // An alert sent from memory whose row appeared after the record step above waits one run for it.
        List<Alert> plannable = state.alerts().stream().filter(a -> !offline.covers(a)).toList();
        List<Planned> due = DeliveryPlanner.plan(plannable, state.recorded(), state.silences(), planned, policy.reminderEvery(), now);
        if (!due.isEmpty()) {
            int added = database.inTransaction(WORK, c -> DeliveryOutbox.record(c, due, now, policy.giveUpAfter()));
            log.debug("Planned {} alert deliveries ({} new)", due.size(), added);
        }
    }

    /** Sends one claimed delivery and records the outcome; true when sent. */
    private boolean deliver(Claimed delivery) {
        Optional<AlertChannel> channel = channels.named(delivery.channel());
        if (channel.isEmpty()) {
            return false;
        }
        if (!database.inTransaction(WORK, c -> DeliveryOutbox.renew(c, delivery.deliveryId(), instance, policy.claimFor()))) {
            log.info("Alert {} {} to {}: another instance took it over", delivery.alert().ruleId(), delivery.event(), delivery.channel());
            return false;
        }
        Notification notification = new Notification(delivery.kind(), delivery.key(), delivery.alert(), delivery.reminder(),
                instance, now());
        SendResult result = channel.get().send(notification);
        String what = delivery.alert().ruleId() + " " + delivery.event() + " to " + delivery.channel();
        if (result.delivered()) {
            boolean recorded = database.inTransaction(WORK, c -> DeliveryOutbox.sent(c, delivery.deliveryId(), instance, now()));
            if (!recorded) {
                log.warn("Alert {} was sent, but its claim had expired (the attempt took longer than {}); another instance may"
                        + " send it again", what, policy.claimFor());
            }
            log.info("Alert {} delivered (alert {}, attempt {})", what, delivery.alert().id(), delivery.attempts());
            alerts.resolve(DELIVERY_RULE_PREFIX + delivery.channel());
            return true;
        }
        Duration after = result.outcome() == SendResult.Outcome.FAILED ? null
                : result.retryAfter() != null ? result.retryAfter() : policy.backoff(delivery.attempts());
        boolean gaveUp = database.inTransaction(WORK, c ->
                DeliveryOutbox.failed(c, delivery.deliveryId(), instance, after, result.detail(), now()));
        if (gaveUp) {
            log.warn("Alert {} could not be delivered after {} attempt(s): {}; giving up", what, delivery.attempts(), result.detail());
            AlertChannel failing = channel.get();
            alerts.raise(DELIVERY_RULE_PREFIX + failing.name(), Severity.WARNING,
                    "Alerts could not be delivered to channel " + failing.name() + " (" + failing.kind() + ", "
                            + failing.destination() + "): " + result.detail(),
                    "Check the channel's settings and the receiver, then send a test alert: botops alerts test " + failing.name() + ".");
        } else {
            log.info("Alert {} not delivered yet (attempt {}): {}; next attempt in {} ms", what, delivery.attempts(), result.detail(),
                    after.toMillis());
        }
        return false;
    }

    /**
     * "Send a test alert" to one channel (empty: to every channel); a channel that takes it is no longer
     * failing ({@code alert-delivery:<channel>} resolves).
     */
    public List<AlertChannels.TestResult> test(Optional<String> channelName) {
        List<AlertChannels.TestResult> results = channels.test(channelName, instance, now());
        results.stream().filter(AlertChannels.TestResult::delivered).forEach(r -> alerts.resolve(DELIVERY_RULE_PREFIX + r.channel()));
        return results;
    }

    private void databaseWorks() {
        if (databaseFailing) {
            databaseFailing = false;
            log.info("Alert delivery reaches the database again");
        }
    }

    private void databaseFails(DatabaseException e) {
        if (!databaseFailing) {
            databaseFailing = true;
            log.warn("Alert delivery cannot reach the database ({}); it retries every {} s", e.getMessage(), policy.poll().toSeconds());
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Stops listening and polling; a delivery in progress finishes (bounded by the channel's timeout). */
    @Override
    public synchronized void close() {
        alerts.removeListener(this);
        Threads.shutdown(executor, SHUTDOWN_WAIT, "Alert delivery");
    }
}
