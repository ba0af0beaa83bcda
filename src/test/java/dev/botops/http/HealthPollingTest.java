package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.monitor.AdminSql;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 5, acceptance 4: /health reads cached state only; polling it costs the database nothing. */
@ExtendWith(PostgresExtension.class)
class HealthPollingTest {

    @Test
    void polling1000TimesOpensNoDatabaseConnection(TestDatabase testDb) throws SQLException {
        // The monitor takes its first snapshot and then waits an hour: any session of the app seen now is someone else's doing.
        try (RunningApp app = RunningApp.start(testDb, Map.of("monitor.interval", "1h", "monitor.stale-after", "1h")).awaitSnapshot()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> app.context.database().poolStats().active() == 0);
            Timestamp pollingStarted = AppSessions.serverNow(testDb.admin());

            for (int i = 0; i < 1000; i++) {
                assertThat(app.http.get("/health").statusCode()).isEqualTo(200);
            }

            assertThat(AppSessions.startedSince(testDb.admin(), pollingStarted)).as("sessions opened while polling")
                    .noneMatch(session -> !session.endsWith("botops:monitor"));
            assertThat(new AdminSql(testDb.admin()).queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND application_name = 'botops:http'")).as("sessions labelled botops:http").isZero();
            assertThat(app.context.database().poolStats().active()).isZero();
        }
    }
}
