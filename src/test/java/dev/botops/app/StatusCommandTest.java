package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botops.db.Database;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code botops status} run in-process, as cron would run it, against a real database. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusCommandTest {
    @TempDir
    Path dataDir;

    private TestDatabase testDb;

    @BeforeAll
    void setUp(TestDatabase testDb) {
        this.testDb = testDb;
    }

    @BeforeEach
    void clearAlerts() throws SQLException {
        execute("DELETE FROM alerts");
    }

    /** Exit code and what the command printed. */
    private record Run(int exitCode, String out, String err) {
    }

    private Run status(String... extra) {
        List<String> args = new ArrayList<>(List.of("status", "--set", "database.url=" + testDb.databaseUrl(),
                "--set", "app.data-dir=" + dataDir));
        args.addAll(List.of(extra));
        return run(args);
    }

    private static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    /** A quota that puts the database at about {@code percent} % of it. */
    private String quotaForPercent(double percent) throws SQLException {
        return "limits.storage-quota=" + Math.round(query("SELECT pg_database_size(current_database())") * 100 / percent);
    }

    @Test
    void healthyDatabaseExitsZero() {
        Run run = status();

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).startsWith("BotOps status: OK");
    }

    @Test
    void storageBetweenWarningAndCriticalExitsOne() throws SQLException {
        Run run = status("--set", quotaForPercent(87.5));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        assertThat(run.out()).contains("WARNING  storage:");
    }

    @Test
    void warningRaisedByAnotherPartExitsOne() {
        try (Database db = testDb.newDatabase(); AlertService alerts = new AlertService(db, Clock.systemUTC())) {
            alerts.raise("maintenance-failed", Severity.WARNING, "Last night's cleanup failed", "Run botops maintenance");
        }

        Run run = status();

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("maintenance-failed: Last night's cleanup failed");
    }

    @Test
    void tinyQuotaIsCriticalAndExitsTwo() {
        Run run = status("--set", "limits.storage-quota=1MB");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).startsWith("BotOps status: CRITICAL").contains("CRITICAL storage:");
    }

    @Test
    void statusRecordsNoAlertsOfItsOwn() throws SQLException {
        status("--set", "limits.storage-quota=1MB");

        assertThat(query("SELECT count(*) FROM alerts")).isZero();
    }

    @Test
    void databaseThatIsDownExitsThree() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Run run = run(List.of("status", "--set", "database.url=postgresql://botops:secret-pw@127.0.0.1:" + closedPort + "/botops",
                "--set", "app.data-dir=" + dataDir, "--set", "database.connect-timeout=500ms",
                "--set", "database.retry.max-duration=1s"));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).startsWith("BotOps status: UNREACHABLE").contains("unavailable").doesNotContain("secret-pw");
        assertThat(run.err()).contains("Database unreachable").doesNotContain("secret-pw");
    }

    @Test
    void jsonReportCarriesTheVerdictAndEveryFigure() throws IOException, SQLException {
        Run run = status("--json", "--set", quotaForPercent(87.5));

        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(report.path("health").asText()).isEqualTo("WARNING");
        assertThat(report.path("exitCode").asInt()).isEqualTo(1);
        assertThat(report.path("schemaVersion").asText()).matches("\\d+(\\.\\d+)*");
        assertThat(report.path("storage").path("percentUsed").asDouble()).isBetween(85.0, 90.0);
        assertThat(report.path("connections").path("limit").path("usable").asInt()).isPositive();
        assertThat(report.path("topTables").isArray()).isTrue();
        assertThat(report.path("topTables").get(0).has("totalBytes")).isTrue();
        assertThat(report.path("forecast").path("outcome").asText()).isEqualTo("NOT_ENOUGH_DATA");
        assertThat(report.path("alerts").get(0).path("ruleId").asText()).isEqualTo("storage");
        assertThat(report.path("server").path("xidsUntilWraparound").asLong()).isPositive();
    }

    @Test
    void humanReportShowsSizeConnectionsTablesForecastAndAlerts() {
        Run run = status();

        assertThat(run.out()).contains("Schema version: ", "Storage: ", "of the 10 GB quota", "Connections: ", "usable",
                "this app", "Forecast: ", "not enough data yet", "Top tables:", "botops.", "Alerts:", "(none)");
    }

    private long query(String sql) throws SQLException {
        try (Connection c = testDb.admin().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = testDb.admin().getConnection()) {
            c.createStatement().execute(sql);
        }
    }
}
