package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botops.channels.AlertChannels;
import dev.botops.channels.AlertDispatcher;
import dev.botops.channels.DeliveryFixture;
import dev.botops.channels.WebhookChannel;
import dev.botops.channels.WebhookFormat;
import dev.botops.channels.WebhookReceiver;
import dev.botops.db.Database;
import dev.botops.monitor.AdminSql;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.MutableClock;
import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.Ports;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code botops alerts} and its sub-commands, run in-process against a real database. */
@ExtendWith(PostgresExtension.class)
class AlertsCommandTest {
    private static final Duration REMINDER = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @RegisterExtension
    final DeliveryFixture fixture = new DeliveryFixture();
    private TestDatabase testDb;
    private AdminSql sql;
    private WebhookReceiver receiver;

    @BeforeEach
    void setUp() {
        testDb = fixture.database();
        sql = fixture.sql();
        receiver = fixture.receiver();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run alerts(String... args) {
        List<String> all = new ArrayList<>(List.of("alerts"));
        all.addAll(List.of(args));
        all.addAll(List.of("--set", "database.url=" + testDb.databaseUrl(), "--set", "app.data-dir=" + dataDir));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    private <T extends AutoCloseable> T own(T closeable) {
        return fixture.own(closeable);
    }

    /** An instance's alert service, and its delivery to one generic webhook of the receiver. */
    private record Instance(AlertService alerts, AlertDispatcher dispatcher) {
    }

    private Instance instance(String name, MutableClock clock) {
        Database db = own(testDb.newDatabase());
        AlertService alerts = own(new AlertService(db, clock));
        alerts.load();
        AlertChannels channels = AlertChannels.of(List.of(new WebhookChannel("ops", receiver.url("/hooks/ops"), WebhookFormat.GENERIC,
                Severity.WARNING, Duration.ofSeconds(5))));
        AlertDispatcher dispatcher = own(new AlertDispatcher(db, alerts, channels, name, new AlertDispatcher.Policy(Duration.ofHours(1),
                REMINDER, Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30)), clock));
        return new Instance(alerts, dispatcher);
    }

    private long alertId(String rule) {
        return sql.queryLong("SELECT alert_id FROM alerts WHERE rule_id = '" + rule + "' AND resolved_at IS NULL");
    }

    @Test
    void acknowledgingFromTheCommandLineStopsTheRemindersOnBothInstances() {
        MutableClock clock = new MutableClock(Instant.now());
        Instance a = instance("instance-a", clock);
        Instance b = instance("instance-b", clock);
        a.alerts().raise("bot-conflict", Severity.CRITICAL, "Another poller uses this bot token", "Stop the other copy");
        b.alerts().raise("bot-conflict", Severity.CRITICAL, "Another poller uses this bot token", "Stop the other copy");
        a.alerts().flush(WAIT);
        b.alerts().flush(WAIT);
        long id = alertId("bot-conflict");
        a.dispatcher().runOnce();
        b.dispatcher().runOnce();
        clock.advance(REMINDER);
        b.dispatcher().runOnce();
        a.dispatcher().runOnce();
        assertThat(receiver.deliveredAt("/hooks/ops")).containsExactly(id + ":start", id + ":reminder:1");

        Run ack = alerts("ack", String.valueOf(id), "--by", "alice@laptop");

        assertThat(ack.exitCode()).as(ack.err()).isZero();
        assertThat(ack.out()).contains("acknowledged by alice@laptop");
        for (int hour = 0; hour < 3; hour++) {
            clock.advance(REMINDER);
            a.dispatcher().runOnce();
            b.dispatcher().runOnce();
        }
        assertThat(receiver.deliveredAt("/hooks/ops")).containsExactly(id + ":start", id + ":reminder:1");
        // Both instances show who acknowledged it once they read it back.
        clock.advance(Duration.ofMinutes(1));
        a.alerts().sync();
        b.alerts().sync();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(a.alerts().active("bot-conflict").orElseThrow().acknowledgedBy()).isEqualTo("alice@laptop");
            assertThat(b.alerts().active("bot-conflict").orElseThrow().acknowledgedBy()).isEqualTo("alice@laptop");
        });
    }

    @Test
    void jsonListsEveryActiveAlertWithWhoAcknowledgedAndTheSilenceInForce() throws IOException {
        MutableClock clock = new MutableClock(Instant.now());
        Instance a = instance("instance-a", clock);
        a.alerts().raise("maintenance-failed", Severity.WARNING, "Nightly cleanup failed", "Run botops maintenance");
        a.alerts().raise("bot-token", Severity.CRITICAL, "Telegram rejected the token", "Check TELEGRAM_BOT_TOKEN");
        a.alerts().flush(WAIT);
        long failed = alertId("maintenance-failed");
        assertThat(alerts("ack", String.valueOf(failed), "--by", "alice").exitCode()).isZero();
        assertThat(alerts("silence", "bot-*", "2h", "--by", "bob").exitCode()).isZero();

        Run list = alerts("--json");

        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(list.out());
        assertThat(json.get("alerts")).hasSize(2);
        JsonNode critical = json.get("alerts").get(0);
        assertThat(critical.get("rule").asText()).isEqualTo("bot-token");
        assertThat(critical.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(critical.get("acknowledgedBy").isNull()).isTrue();
        assertThat(Instant.parse(critical.get("silencedUntil").asText())).isAfter(Instant.now().plus(Duration.ofMinutes(119)));
        assertThat(critical.get("silencedBy").asText()).isEqualTo("bob");
        JsonNode warning = json.get("alerts").get(1);
        assertThat(warning.get("id").asLong()).isEqualTo(failed);
        assertThat(warning.get("message").asText()).isEqualTo("Nightly cleanup failed");
        assertThat(warning.get("acknowledgedBy").asText()).isEqualTo("alice");
        assertThat(warning.get("acknowledgedAt").asText()).isNotEmpty();
        assertThat(warning.get("startedAt").asText()).isNotEmpty();
        assertThat(warning.get("resolvedAt").isNull()).isTrue();
        assertThat(warning.get("silencedUntil").isNull()).isTrue();
        assertThat(json.get("silences").get(0).get("rule").asText()).isEqualTo("bot-*");

        Run text = alerts();
        assertThat(text.out()).contains("CRITICAL bot-token since").contains("acknowledged by alice").contains("silenced until");
    }

    @Test
    void refusalsAndBadUsageHaveTheirExitCodes() {
        assertThat(alerts("ack", "987654321")).satisfies(run -> {
            assertThat(run.exitCode()).isEqualTo(AlertsCommand.EXIT_REFUSED);
            assertThat(run.err()).contains("No alert has id 987654321");
        });
        assertThat(alerts("unsilence", "storage").exitCode()).isEqualTo(AlertsCommand.EXIT_REFUSED);
        assertThat(alerts("silence", "storage", "forever")).satisfies(run -> {
            assertThat(run.exitCode()).isEqualTo(Launcher.EXIT_CONFIG);
            assertThat(run.err()).contains("Invalid duration 'forever'");
        });
        assertThat(alerts("silence", "storage", "1h").exitCode()).isZero();
        assertThat(alerts("unsilence", "storage", "--by", "carol").exitCode()).isZero();
        assertThat(sql.queryLong("SELECT count(*) FROM alert_silences WHERE rule_id = 'storage' AND lifted_by = 'carol'")).isEqualTo(1);
    }

    @Test
    void unreachableDatabaseExitsThree() {
        StringWriter err = new StringWriter();
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("alerts", "--set", "database.url=postgres://u:secretpw@127.0.0.1:" + Ports.closed() + "/db",
                "--set", "database.connect-timeout=1s", "--set", "database.retry.max-attempts=1", "--set", "app.data-dir=" + dataDir);

        assertThat(code).isEqualTo(StatusCommand.EXIT_UNREACHABLE);
        assertThat(err.toString()).contains("Database unreachable").doesNotContain("secretpw");
    }

    @Test
    void testSendsToEveryChannelAndReportsTheReceiversAnswerWithoutTheUrl() {
        String token = "T0KEN-abc123";
        String ok = "--set=alerts.webhook.ok.url=" + receiver.url("/hooks/ok-" + token);
        String down = "--set=alerts.webhook.down.url=http://127.0.0.1:" + Ports.closed() + "/hooks/down-" + token;

        Run both = alerts("test", ok, down, "--set=alerts.webhook.down.format=slack");
        Run one = alerts("test", "ok", ok, down);
        Run unknown = alerts("test", "nope", ok);

        assertThat(both.exitCode()).isEqualTo(AlertsCommand.EXIT_REFUSED);
        assertThat(both.out()).contains("ok (webhook (generic), http://127.0.0.1:").contains("/****): delivered");
        assertThat(both.err()).contains("down (webhook (slack)").contains("FAILED: no answer from the receiver");
        assertThat(both.out() + both.err()).doesNotContain(token);
        assertThat(one.exitCode()).isZero();
        assertThat(receiver.receivedAt("/hooks/ok-" + token)).hasSize(2)
                .allSatisfy(r -> assertThat(r.body()).contains("\"event\":\"test\""));
        assertThat(unknown.exitCode()).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(unknown.err()).contains("No channel 'nope'; configured: ok");
    }
}
