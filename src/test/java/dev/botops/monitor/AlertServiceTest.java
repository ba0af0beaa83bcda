package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.db.Database;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
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

        assertThat(rows("never-raised")).isZero();
        assertThat(recorder.events).isEmpty();
    }

    @Test
    void activeAlertsAndTheirFirstSeenSurviveARestart() {
        AlertService before = service();
        before.raise("survives", Severity.CRITICAL, "kept", "hint");
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
        clock.advance(Duration.ofMinutes(1));

        second.raise("shared", Severity.WARNING, "from the second", "");

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

        List<Alert> recent = alerts.recent(2);

        assertThat(recent).extracting(Alert::ruleId).containsExactly("history-new", "history-old");
        assertThat(recent.get(1).active()).isFalse();
    }
}
