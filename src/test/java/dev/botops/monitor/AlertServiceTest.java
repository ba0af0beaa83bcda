package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.botops.db.Database;
import dev.botops.db.Work;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertServiceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private AdminSql sql;
    private Database db;

    @BeforeAll
    void setUp(TestDatabase testDb) {
        sql = new AdminSql(testDb.admin());
        db = testDb.newDatabase();
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    private AlertService service() {
        AlertService service = new AlertService(db, clock);
        service.load();
        return service;
    }

    /** Waits until the writer and the listeners have caught up with every change made so far. */
    private static void settled(AlertService alerts) {
        assertThat(alerts.flush(Duration.ofSeconds(30))).as("alert writes and listeners done").isTrue();
    }

    private long rows(String ruleId) {
        return sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = '" + ruleId + "'");
    }

    /** Records what listeners are told. */
    private static final class Recorder implements AlertListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void raised(Alert alert) {
            events.add("raised " + alert.ruleId() + " " + alert.severity());
        }

        @Override
        public void resolved(Alert alert) {
            events.add("resolved " + alert.ruleId());
        }

        @Override
        public void acknowledged(Alert alert) {
            events.add("acknowledged " + alert.ruleId());
        }
    }

    @Test
    void raisingAnActiveRuleAgainKeepsOneAlert() {
        AlertService alerts = service();
        Recorder recorder = new Recorder();
        alerts.addListener(recorder);

        for (int i = 0; i < 3; i++) {
            alerts.raise("again", Severity.WARNING, "Storage at 8" + i + " %", "");
            clock.advance(Duration.ofSeconds(5));
        }
        settled(alerts);

        assertThat(rows("again")).isEqualTo(1);
        assertThat(alerts.active("again")).map(Alert::message).contains("Storage at 82 %");
        assertThat(recorder.events).containsExactly("raised again WARNING");
    }

    @Test
    void severityChangeUpdatesTheRowAndTellsListenersAgain() {
        AlertService alerts = service();
        Recorder recorder = new Recorder();
        alerts.addListener(recorder);

        alerts.raise("escalates", Severity.WARNING, "getting full", "");
        alerts.raise("escalates", Severity.CRITICAL, "nearly full", "");
        settled(alerts);

        assertThat(rows("escalates")).isEqualTo(1);
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'escalates' AND severity = 'CRITICAL'")).isEqualTo(1);
        assertThat(recorder.events).containsExactly("raised escalates WARNING", "raised escalates CRITICAL");
    }

    @Test
    void resolvingRecordsResolvedAtAndTellsListeners() {
        AlertService alerts = service();
        Recorder recorder = new Recorder();
        alerts.addListener(recorder);
        alerts.raise("resolves", Severity.WARNING, "something", "do this");
        clock.advance(Duration.ofMinutes(3));

        alerts.resolve("resolves");
        settled(alerts);

        assertThat(alerts.active("resolves")).isEmpty();
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'resolves' AND resolved_at = last_seen"
                + " AND resolved_at - first_seen = interval '3 minutes'")).isEqualTo(1);
        assertThat(recorder.events).containsExactly("raised resolves WARNING", "resolved resolves");
    }

    @Test
    void resolvingAnInactiveRuleDoesNothing() {
        AlertService alerts = service();
        Recorder recorder = new Recorder();
        alerts.addListener(recorder);

        alerts.resolve("never-raised");
        settled(alerts);

        assertThat(rows("never-raised")).isZero();
        assertThat(recorder.events).isEmpty();
    }

    @Test
    void activeAlertsAndTheirFirstSeenSurviveARestart() {
        AlertService before = service();
        before.raise("survives", Severity.CRITICAL, "kept", "hint");
        settled(before);
        Alert raised = before.active("survives").orElseThrow();
        before.close();
        clock.advance(Duration.ofHours(1));

        AlertService after = service();

        assertThat(after.active("survives")).hasValueSatisfying(alert -> {
            assertThat(alert.id()).isEqualTo(raised.id());
            assertThat(alert.firstSeen()).isEqualTo(raised.firstSeen());
            assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
        });
    }

    @Test
    void secondInstanceRaisingTheSameRuleJoinsTheActiveAlert() {
        AlertService first = service();
        AlertService second = new AlertService(db, clock);
        first.raise("shared", Severity.WARNING, "from the first", "");
        settled(first);
        clock.advance(Duration.ofMinutes(1));

        second.raise("shared", Severity.WARNING, "from the second", "");
        settled(second);

        assertThat(rows("shared")).isEqualTo(1);
        assertThat(second.active("shared").orElseThrow().firstSeen()).isEqualTo(first.active("shared").orElseThrow().firstSeen());
    }

    @Test
    void failingListenerDoesNotKeepOthersFromBeingTold() {
        AlertService alerts = service();
        Recorder recorder = new Recorder();
        alerts.addListener(new AlertListener() {
            @Override
            public void raised(Alert alert) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void resolved(Alert alert) {
                throw new IllegalStateException("listener bug");
            }
        });
        alerts.addListener(recorder);

        alerts.raise("robust", Severity.INFO, "fine", "");
        settled(alerts);

        assertThat(recorder.events).containsExactly("raised robust INFO");
        assertThat(rows("robust")).isEqualTo(1);
    }

    @Test
    void alertWithoutRuleIdOrMessageIsRefused() {
        AlertService alerts = service();

        assertThatThrownBy(() -> alerts.raise(" ", Severity.WARNING, "message", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ruleId");
        assertThatThrownBy(() -> alerts.raise("rule", Severity.WARNING, "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message");
    }

    @Test
    void recentListsAlertHistoryNewestFirst() {
        AlertService alerts = service();
        alerts.raise("history-old", Severity.WARNING, "old", "");
        alerts.resolve("history-old");
        clock.advance(Duration.ofMinutes(1));
        alerts.raise("history-new", Severity.WARNING, "new", "");
        settled(alerts);

        List<Alert> recent = alerts.recent(2);

        assertThat(recent).extracting(Alert::ruleId).containsExactly("history-new", "history-old");
        assertThat(recent.get(1).active()).isFalse();
    }

    @Test
    void readersRaisesAndListenersDoNotWaitWhileAWriteIsHeldUpByALock() throws Exception {
        // Writes that wait up to a minute for a lock, so the write is certainly still waiting while we read.
        AlertService alerts = new AlertService(db, clock, new Work("alerts-held", Duration.ofMinutes(1), Duration.ofMinutes(1)));
        alerts.load();
        Recorder recorder = new Recorder();
        alerts.addListener(recorder);
        try (Connection holder = sql.open("lock-holder")) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE alerts IN EXCLUSIVE MODE"); // blocks writes, not reads
            }
            alerts.raise("held-a", Severity.WARNING, "first", "");
            await().atMost(Duration.ofSeconds(30)).until(this::writerWaitsOnALock);

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                alerts.raise("held-b", Severity.CRITICAL, "second", "");
                alerts.resolve("held-a");
                assertThat(alerts.active()).extracting(Alert::ruleId).contains("held-b").doesNotContain("held-a");
                assertThat(alerts.activeSeverities()).containsKey("held-b").doesNotContainKey("held-a");
                assertThat(alerts.active("held-b")).isPresent();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> recorder.events.equals(List.of("raised held-a WARNING", "raised held-b CRITICAL", "resolved held-a")));
                assertThat(alerts.recent(50)).filteredOn(a -> a.ruleId().startsWith("held-")).extracting(Alert::ruleId, Alert::active)
                        .containsExactlyInAnyOrder(tuple("held-b", true), tuple("held-a", false));
            });
            assertThat(writerWaitsOnALock()).as("the write was still waiting for the lock all along").isTrue();
            holder.rollback();
        }
        settled(alerts);

        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'held-a' AND resolved_at IS NOT NULL")).isEqualTo(1);
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'held-b' AND resolved_at IS NULL")).isEqualTo(1);
        alerts.close();
    }

    private boolean writerWaitsOnALock() {
        return sql.queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'botops:alerts-held'"
                + " AND wait_event_type = 'Lock'") == 1;
    }

    @Test
    void acknowledgingKeepsWhoAndWhenAndTellsListeners() {
        AlertService alerts = service();
        Recorder recorder = new Recorder();
        alerts.addListener(recorder);
        alerts.raise("acked", Severity.WARNING, "needs a look", "");
        settled(alerts);
        long id = alerts.active("acked").orElseThrow().id();

        AlertCommandResult result = alerts.acknowledge(id, "alice@laptop");
        settled(alerts);

        assertThat(result.done()).isTrue();
        assertThat(alerts.active("acked")).hasValueSatisfying(alert -> {
            assertThat(alert.acknowledgedBy()).isEqualTo("alice@laptop");
            assertThat(alert.acknowledgedAt()).isEqualTo(clock.instant());
        });
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE alert_id = " + id
                + " AND acknowledged_by = 'alice@laptop' AND acknowledged_at IS NOT NULL")).isEqualTo(1);
        assertThat(recorder.events).containsExactly("raised acked WARNING", "acknowledged acked");
    }

    @Test
    void aSecondAcknowledgementKeepsTheFirst() {
        AlertService alerts = service();
        alerts.raise("acked-twice", Severity.WARNING, "needs a look", "");
        settled(alerts);
        long id = alerts.active("acked-twice").orElseThrow().id();
        alerts.acknowledge(id, "alice");

        AlertCommandResult again = alerts.acknowledge(id, "bob");

        assertThat(again.done()).isTrue();
        assertThat(again.message()).contains("already acknowledged by alice");
        assertThat(alerts.active("acked-twice").orElseThrow().acknowledgedBy()).isEqualTo("alice");
    }

    @Test
    void acknowledgingAResolvedOrUnknownAlertIsRefused() {
        AlertService alerts = service();
        alerts.raise("gone", Severity.WARNING, "brief", "");
        settled(alerts);
        long id = alerts.active("gone").orElseThrow().id();
        alerts.resolve("gone");
        settled(alerts);

        assertThat(alerts.acknowledge(id, "alice")).satisfies(result -> {
            assertThat(result.done()).isFalse();
            assertThat(result.message()).contains("was resolved");
        });
        assertThat(alerts.acknowledge(987_654_321L, "alice")).satisfies(result -> {
            assertThat(result.done()).isFalse();
            assertThat(result.message()).contains("No alert has id 987654321");
        });
    }

    @Test
    void anAcknowledgementMadeByAnotherProcessIsSeenAtTheNextRefresh() {
        AlertService alerts = service();
        Recorder recorder = new Recorder();
        alerts.addListener(recorder);
        alerts.raise("acked-elsewhere", Severity.WARNING, "needs a look", "");
        settled(alerts);
        long id = alerts.active("acked-elsewhere").orElseThrow().id();
        AlertService elsewhere = service();

        elsewhere.acknowledge(id, "bob@server");
        clock.advance(AlertService.REFRESH_EVERY.plusSeconds(1));
        alerts.sync();
        settled(alerts);

        assertThat(alerts.active("acked-elsewhere").orElseThrow().acknowledgedBy()).isEqualTo("bob@server");
        assertThat(recorder.events).containsExactly("raised acked-elsewhere WARNING", "acknowledged acked-elsewhere");
    }

    @Test
    void aSilenceIsInForceUntilItExpiresAndRecordsWhoSilenced() {
        AlertService alerts = service();

        AlertCommandResult result = alerts.silence("silenced-rule", Duration.ofHours(2), "alice");

        assertThat(result.done()).isTrue();
        assertThat(alerts.silences()).singleElement().satisfies(silence -> {
            assertThat(silence.rule()).isEqualTo("silenced-rule");
            assertThat(silence.until()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
            assertThat(silence.silencedBy()).isEqualTo("alice");
        });
        assertThat(service().silences()).extracting(Silence::rule).contains("silenced-rule");
        clock.advance(Duration.ofHours(2));
        assertThat(alerts.silences()).extracting(Silence::rule).doesNotContain("silenced-rule");
    }

    @Test
    void liftingASilenceEndsItAndSaysWhenThereWasNone() {
        AlertService alerts = service();
        alerts.silence("lifted-rule", Duration.ofHours(1), "alice");

        assertThat(alerts.unsilence("lifted-rule", "bob").done()).isTrue();
        assertThat(alerts.silences()).extracting(Silence::rule).doesNotContain("lifted-rule");
        assertThat(sql.queryLong("SELECT count(*) FROM alert_silences WHERE rule_id = 'lifted-rule' AND lifted_by = 'bob'")).isEqualTo(1);
        assertThat(alerts.unsilence("lifted-rule", "bob").done()).isFalse();
    }
}
