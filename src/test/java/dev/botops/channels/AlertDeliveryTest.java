package dev.botops.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.channels.WebhookReceiver.Answer;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.db.Work;
import dev.botops.monitor.AdminSql;
import dev.botops.monitor.AlertRules;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.DatabaseMonitor;
import dev.botops.monitor.MetricHistory;
import dev.botops.monitor.MonitorService;
import dev.botops.monitor.MutableClock;
import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances on one database, each with the same three webhook channels (generic, Slack, Discord) pointing at
 * one local receiver: every start, reminder and resolution of a storage alert provoked by a tiny quota arrives
 * exactly once per channel, also when the receiver first answers 503 or 429, and when an instance dies holding
 * a claim.
 */
@ExtendWith(PostgresExtension.class)
class AlertDeliveryTest {
    private static final String TOKEN = "T0KEN-9f8e7d6c";
    private static final String GENERIC = "/hooks/generic-" + TOKEN;
    private static final String SLACK = "/services/T000/B000/" + TOKEN;
    private static final String DISCORD = "/api/webhooks/123/" + TOKEN;
    private static final Duration REMINDER = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final DeliveryFixture fixture = new DeliveryFixture();
    private final MutableClock clock = new MutableClock(Instant.now());
    private TestDatabase testDb;
    private AdminSql sql;
    private WebhookReceiver receiver;

    @BeforeEach
    void setUp() {
        testDb = fixture.database();
        sql = fixture.sql();
        receiver = fixture.receiver();
    }

    /** One app instance: its own pool, alert service, monitor (quota from {@code quota}) and dispatcher. */
    private final class Instance {
        final Database db;
        final AlertService alerts;
        final MonitorService monitor;
        final AlertDispatcher dispatcher;

        Instance(String name, Duration giveUpAfter) {
            db = own(testDb.newDatabase());
            alerts = own(new AlertService(db, clock));
            alerts.load();
            Settings settings = settings("10GB");
            monitor = own(new MonitorService(settings, new DatabaseMonitor(db, settings, clock), new MetricHistory(db, settings),
                    new AlertRules(settings), alerts, clock));
            AlertChannels channels = AlertChannels.of(List.of(
                    new WebhookChannel("generic", receiver.url(GENERIC), WebhookFormat.GENERIC, Severity.WARNING, Duration.ofSeconds(5)),
                    new WebhookChannel("slack", receiver.url(SLACK), WebhookFormat.SLACK, Severity.WARNING, Duration.ofSeconds(5)),
                    new WebhookChannel("discord", receiver.url(DISCORD), WebhookFormat.DISCORD, Severity.WARNING, Duration.ofSeconds(5))));
            AlertDispatcher.Policy policy = new AlertDispatcher.Policy(Duration.ofMillis(200), REMINDER, giveUpAfter,
                    Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30));
            dispatcher = own(new AlertDispatcher(db, alerts, channels, name, policy, clock));
            monitor.start();
        }

        /** The monitor takes a snapshot with the new quota at once; the storage alert follows. */
        void quota(String quota) {
            monitor.reconfigure(settings(quota));
        }
    }

    private Settings settings(String quota) {
        return testDb.settings(Map.of("limits.storage-quota", quota, "monitor.interval", "1s"));
    }

    private <T extends AutoCloseable> T own(T closeable) {
        return fixture.own(closeable);
    }

    private long storageAlertId() {
        return sql.queryLong("SELECT alert_id FROM alerts WHERE rule_id = 'storage' ORDER BY alert_id DESC LIMIT 1");
    }

    /** No delivery is waiting or claimed: nothing more will be sent until something new happens. */
    private boolean outboxSettled() {
        return sql.queryLong("SELECT count(*) FROM alert_deliveries WHERE state = 'PENDING'") == 0;
    }

    private void awaitOnEveryChannel(String key) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (String path : List.of(GENERIC, SLACK, DISCORD)) {
                assertThat(receiver.deliveredAt(path)).as(path).contains(key);
            }
        });
    }

    /** Storage alert from a 1 MB quota on both instances, a reminder an hour later, then a 10 GB quota on both. */
    private void startRemindResolve(Instance a, Instance b) {
        a.quota("1MB");
        b.quota("1MB");
        await().atMost(WAIT).until(() -> sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'storage'") == 1);
        long id = storageAlertId();
        awaitOnEveryChannel(id + ":start");

        clock.advance(REMINDER.plusSeconds(1));
        awaitOnEveryChannel(id + ":reminder:1");

        a.quota("10GB");
        b.quota("10GB");
        awaitOnEveryChannel(id + ":resolution");
        await().atMost(WAIT).until(this::outboxSettled);

        for (String path : List.of(GENERIC, SLACK, DISCORD)) {
            assertThat(receiver.deliveredAt(path)).as(path).containsExactly(id + ":start", id + ":reminder:1", id + ":resolution");
        }
    }

    @Test
    void startReminderAndResolutionArriveOncePerChannelWithTwoInstancesRunning() {
        Instance a = new Instance("instance-a", Duration.ofMinutes(5));
        Instance b = new Instance("instance-b", Duration.ofMinutes(5));
        a.dispatcher.start();
        b.dispatcher.start();

        startRemindResolve(a, b);

        assertThat(receiver.received()).allMatch(WebhookReceiver.Received::accepted);
        assertThat(sql.queryLong("SELECT count(DISTINCT sent_by) FROM alert_deliveries")).isBetween(1L, 2L);
    }

    @Test
    void eachArrivesOnceAlsoWhenTheReceiverFirstAnswersUnavailableOrTooManyRequests() {
        Instance a = new Instance("instance-a", Duration.ofMinutes(5));
        Instance b = new Instance("instance-b", Duration.ofMinutes(5));
        receiver.answerNext(Answer.status(503, "try later"), Answer.status(503), Answer.retryAfter(429, "1"), Answer.status(503));
        a.dispatcher.start();
        b.dispatcher.start();

        startRemindResolve(a, b);

        assertThat(receiver.received()).filteredOn(r -> !r.accepted()).hasSize(4);
        assertThat(sql.queryLong("SELECT count(*) FROM alert_deliveries WHERE attempts > 1")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aDeliveryClaimedByAnInstanceThatDiedIsSentOnceByAnotherAfterTheClaimExpires() {
        Instance b = new Instance("instance-b", Duration.ofMinutes(5));
        b.alerts.raise("maintenance-failed", Severity.WARNING, "Nightly cleanup failed", "Run botops maintenance");
        b.alerts.flush(WAIT);
        // Another instance planned the start, claimed it for 2 s and died before sending.
        List<DeliveryOutbox.Claimed> claimedByTheDead = b.db.inTransaction(Work.CLI, c -> {
            DeliveryOutbox.State state = DeliveryOutbox.read(c, clock.instant());
            List<DeliveryPlanner.Channel> channels = b.dispatcher.channels().all().stream()
                    .map(ch -> new DeliveryPlanner.Channel(ch.name(), ch.minSeverity())).toList();
            DeliveryOutbox.record(c, DeliveryPlanner.plan(state.alerts(), state.recorded(), state.silences(), channels, REMINDER,
                    clock.instant()), clock.instant(), Duration.ofMinutes(5));
            return DeliveryOutbox.claim(c, "instance-dead", b.dispatcher.channels().names(), Duration.ofSeconds(2), clock.instant(), 10);
        });
        assertThat(claimedByTheDead).hasSize(3);

        b.dispatcher.start();

        long id = sql.queryLong("SELECT alert_id FROM alerts WHERE rule_id = 'maintenance-failed'");
        awaitOnEveryChannel(id + ":start");
        await().atMost(WAIT).until(this::outboxSettled);
        for (String path : List.of(GENERIC, SLACK, DISCORD)) {
            assertThat(receiver.deliveredAt(path)).as(path).containsExactly(id + ":start");
        }
        assertThat(sql.queryLong("SELECT count(*) FROM alert_deliveries WHERE sent_by = 'instance-b' AND attempts = 2")).isEqualTo(3);
    }

    @Test
    void aSilencedRuleHearsNothingUntilTheSilenceEndsThenItsStartGoesOutAtOnce() {
        Instance a = new Instance("instance-a", Duration.ofMinutes(5));
        a.alerts.silence(AlertRules.STORAGE, Duration.ofMinutes(30), "alice");
        a.quota("1MB");
        await().atMost(WAIT).until(() -> a.alerts.active(AlertRules.STORAGE).isPresent());
        a.alerts.flush(WAIT);

        a.dispatcher.runOnce();
        assertThat(receiver.received()).isEmpty();
        assertThat(sql.queryLong("SELECT count(*) FROM alert_deliveries")).isZero();

        clock.advance(Duration.ofMinutes(30));
        a.dispatcher.runOnce();

        long id = storageAlertId();
        for (String path : List.of(GENERIC, SLACK, DISCORD)) {
            assertThat(receiver.deliveredAt(path)).as(path).containsExactly(id + ":start");
        }
    }

    @Test
    void anAcknowledgedAlertGetsNoRemindersButItsEscalationStillGoesOut() {
        Instance a = new Instance("instance-a", Duration.ofMinutes(5));
        Instance b = new Instance("instance-b", Duration.ofMinutes(5));
        a.alerts.raise("bot-conflict", Severity.WARNING, "Another poller uses this token", "Stop it");
        a.alerts.flush(WAIT);
        a.dispatcher.runOnce();
        long id = sql.queryLong("SELECT alert_id FROM alerts WHERE rule_id = 'bot-conflict'");

        assertThat(b.alerts.acknowledge(id, "bob@cli").done()).isTrue();
        clock.advance(REMINDER.multipliedBy(3));
        a.dispatcher.runOnce();
        b.dispatcher.runOnce();
        assertThat(receiver.deliveredAt(GENERIC)).containsExactly(id + ":start");

        a.alerts.raise("bot-conflict", Severity.CRITICAL, "Another poller uses this token, still", "Stop it");
        a.alerts.flush(WAIT);
        b.dispatcher.runOnce();
        a.dispatcher.runOnce();

        assertThat(receiver.deliveredAt(GENERIC)).containsExactly(id + ":start", id + ":escalation:CRITICAL");
    }

    @Test
    void aDeliveryThatKeepsFailingIsGivenUpRecordedAndRaisedAsAnAlert() {
        Instance a = new Instance("instance-a", Duration.ofSeconds(2));
        Answer[] errors = new Answer[40];
        java.util.Arrays.fill(errors, Answer.status(500, "internal error"));
        receiver.answerNext(errors);
        a.alerts.raise("maintenance-failed", Severity.WARNING, "Nightly cleanup failed", "Run botops maintenance");
        a.alerts.flush(WAIT);

        a.dispatcher.start();

        await().atMost(WAIT).until(() -> sql.queryLong("SELECT count(*) FROM alert_deliveries d JOIN alerts a USING (alert_id)"
                + " WHERE a.rule_id = 'maintenance-failed' AND d.state = 'FAILED' AND d.done_at IS NOT NULL"
                + " AND d.last_error = 'HTTP 500 from the receiver: internal error'") == 3);
        assertThat(a.alerts.active(AlertDispatcher.DELIVERY_RULE_PREFIX + "generic")).hasValueSatisfying(alert ->
                assertThat(alert.message()).contains("channel generic").contains("http://127.0.0.1:").doesNotContain(TOKEN));
    }
}
