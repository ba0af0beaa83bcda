package dev.botops.channels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.db.Database;
import dev.botops.monitor.AdminSql;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.Severity;
import dev.botops.testing.StoppablePostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away (a private embedded PostgreSQL this test stops and restarts): the alerts raised
 * meanwhile still reach the channel, from memory, and once the database is back they are recorded as sent and
 * not sent again.
 */
class OfflineDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PATH = "/hooks/ops";

    @TempDir
    Path dataDir;

    private StoppablePostgres server;
    private Database db;
    private AlertService alerts;
    private AlertDispatcher dispatcher;
    private WebhookReceiver receiver;

    @BeforeEach
    void start() throws IOException {
        server = StoppablePostgres.start(dataDir);
        db = server.connect();
        alerts = new AlertService(db, Clock.systemUTC());
        alerts.load();
        receiver = new WebhookReceiver();
        AlertChannels channels = AlertChannels.of(List.of(new WebhookChannel("ops", receiver.url(PATH), WebhookFormat.GENERIC,
                Severity.WARNING, Duration.ofSeconds(5))));
        dispatcher = new AlertDispatcher(db, alerts, channels, "instance-a", new AlertDispatcher.Policy(Duration.ofHours(1),
                Duration.ofHours(6), Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() throws IOException {
        dispatcher.close();
        alerts.close();
        db.close();
        receiver.close();
        server.close();
    }

    private List<String> events() {
        return receiver.receivedAt(PATH).stream().filter(WebhookReceiver.Received::accepted)
                .map(r -> r.body().replaceAll(".*\"event\":\"([a-z]+)\".*\"rule\":\"([a-z-]+)\".*", "$2 $1")).toList();
    }

    @Test
    void alertsRaisedWhileTheDatabaseIsDownGoOutFromMemoryAndAreRecordedOnceItIsBack() throws IOException {
        server.stop();
        alerts.raise("database-unreachable", Severity.CRITICAL, "The database cannot be reached", "Check the server");
        alerts.raise("bot-conflict", Severity.CRITICAL, "Another poller uses this bot token", "Stop the other copy");

        dispatcher.runOnce();
        dispatcher.runOnce();
        alerts.resolve("database-unreachable");
        dispatcher.runOnce();

        assertThat(events()).containsExactlyInAnyOrder("database-unreachable start", "bot-conflict start",
                "database-unreachable resolution");

        server.start();
        StoppablePostgres.awaitReconnect(db);
        alerts.sync();
        assertThat(alerts.flush(WAIT)).isTrue();
        dispatcher.runOnce();
        dispatcher.runOnce();

        assertThat(events()).hasSize(3);
        AdminSql sql = new AdminSql(server.admin());
        assertThat(sql.queryLong("SELECT count(*) FROM botops.alert_deliveries WHERE state = 'SENT' AND sent_by = 'instance-a'")).isEqualTo(3);
        assertThat(sql.queryLong("SELECT count(*) FROM botops.alert_deliveries d JOIN botops.alerts a USING (alert_id)"
                + " WHERE a.rule_id = 'bot-conflict' AND d.event = 'start' AND a.resolved_at IS NULL")).isEqualTo(1);
    }
}
