package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(PostgresExtension.class)
class MaintenanceCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private TestDatabase db;

    @BeforeEach
    void oldMessages(TestDatabase db) throws SQLException {
        this.db = db;
        execute("DELETE FROM message_log", "INSERT INTO message_log (direction, text, logged_at) "
                + "SELECT 'IN', 'old', now() - interval '45 days' - g * interval '1 minute' FROM generate_series(1, 300) g");
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "database.url=" + db.databaseUrl(), "--set", "app.data-dir=" + dir));
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void dryRunPrintsWhatWouldBeDeletedAndDeletesNothing() throws SQLException {
        assertThat(run("maintenance", "--dry-run", "--table", "message_log")).isZero();

        assertThat(out.toString()).contains("(dry run) by CLI").contains("botops.message_log").contains("300 rows to delete");
        assertThat(count("message_log")).isEqualTo(300);
    }

    @Test
    void cleanupDeletesExpiredRowsAndExitsZero() throws SQLException {
        assertThat(run("maintenance")).isZero();

        assertThat(out.toString()).contains("CLEANUP by CLI").contains("SUCCEEDED");
        assertThat(count("message_log")).isZero();
    }

    @Test
    void vacuumAfterCleanupReportsTheTablesSizes() {
        assertThat(run("maintenance", "--vacuum", "--table", "message_log")).isZero();

        assertThat(out.toString()).contains("VACUUM botops.message_log").contains("returned");
    }

    @Test
    void fullWithoutVacuumIsAUsageError() {
        assertThat(run("maintenance", "--full")).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("--full needs --vacuum");
    }

    @Test
    void vacuumFullRefusedByTheQuotaGuardExitsNonZeroSayingWhy() {
        assertThat(run("maintenance", "--vacuum", "--full", "--table", "message_log", "--set", "limits.storage-quota=1MB"))
                .isEqualTo(MaintenanceCommand.EXIT_FAILED);
        assertThat(out.toString() + err.toString()).contains("VACUUM FULL of botops.message_log refused");
    }

    @Test
    void tableNoPolicyCoversIsBadUsageWithExitCode2NamingIt() {
        assertThat(run("maintenance", "--table", "no_such_table")).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("No enabled retention policy covers no_such_table");
    }

    @Test
    void vacuumOfASystemCatalogIsRefusedWithExitCode2SayingWhy() throws SQLException {
        assertThat(run("maintenance", "--vacuum", "--table", "pg_catalog.pg_class")).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("Maintenance did not run: pg_catalog.pg_class is a system catalog table");
        assertThat(count("message_log")).isEqualTo(300);
    }

    @Test
    void badRetentionPolicyIsAConfigurationErrorWithExitCode2() {
        assertThat(run("maintenance", "--set", "retention.message_log.column=nope")).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("retention.message_log.column").contains("has no column 'nope'");
    }

    @Test
    void runWhileAnotherInstanceHoldsTheMaintenanceLeaseIsSkippedWithExitCode4() throws SQLException {
        execute("INSERT INTO instance_lease (lease_name, holder_id, holder_host, holder_pid, acquired_at, heartbeat_at, expires_at) "
                + "VALUES ('maintenance', 'server-a:123/0badf00d', 'server-a', 123, now(), now(), now() + interval '1 hour') "
                + "ON CONFLICT (lease_name) DO UPDATE SET holder_id = EXCLUDED.holder_id, holder_host = EXCLUDED.holder_host, "
                + "holder_pid = EXCLUDED.holder_pid, acquired_at = now(), expires_at = EXCLUDED.expires_at");
        try {
            assertThat(run("maintenance")).isEqualTo(MaintenanceCommand.EXIT_SKIPPED);
            assertThat(err.toString()).contains("Another instance is running maintenance").contains("server-a:123 on server-a (pid 123) since");
        } finally {
            execute("DELETE FROM instance_lease WHERE lease_name = 'maintenance'");
        }
        assertThat(count("message_log")).isEqualTo(300);
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private long count(String table) throws SQLException {
        try (Connection c = db.admin().getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
