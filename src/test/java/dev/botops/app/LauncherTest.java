package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(PostgresExtension.class)
class LauncherTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("BotOps Console 0.");
    }

    @Test
    void helpListsTheSubCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("serve", "status", "maintenance", "--config", "--set");
    }

    @Test
    void missingConfigFileFailsClearlyWithExitCode2() {
        assertThat(run("status", "--config", dir.resolve("missing.properties").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Configuration error: Config file not found").contains("missing.properties");
    }

    @Test
    void badConfigurationValueFailsWithExitCode2NamingTheKey() {
        assertThat(run("status", "--set", "database.pool-size=-3")).isEqualTo(2);
        assertThat(err.toString()).contains("database.pool-size").contains("'-3'").contains("from 1 to 100");
    }

    @Test
    void badDatabaseUrlFailsWithExitCode2WithoutShowingThePassword() {
        assertThat(run("status", "--set", "database.url=postgres://bot:hunter2@host:99999/db")).isEqualTo(2);
        assertThat(err.toString()).contains("database.url").doesNotContain("hunter2");
    }

    @Test
    void statusAgainstAGivenDatabasePrintsTheConnectionWithPasswordMaskedAndTheSchemaVersion(TestDatabase db) {
        // The test server trusts local connections, so any password is accepted: a good check that it is masked.
        String url = db.databaseUrl().replace("postgresql://postgres@", "postgresql://postgres:hunter2@");
        int code = run("status", "--set", "database.url=" + url, "--set", "app.data-dir=" + dir);
        assertThat(err.toString()).doesNotContain("hunter2");
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("postgresql://postgres:****@")
                .contains(db.name())
                .doesNotContain("hunter2")
                .containsPattern("Schema version: +\\d+");
    }

    @Test
    void statusAgainstAnUnreachableDatabaseExitsWith3() {
        int code = run("status", "--set", "database.url=postgres://u:pw@127.0.0.1:1/db",
                "--set", "database.retry.max-attempts=2", "--set", "database.retry.max-duration=2s",
                "--set", "database.connect-timeout=1s", "--set", "app.data-dir=" + dir);
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("Database unreachable");
    }

    @Test
    void statusOnTheEmbeddedDefaultStartsItAndASecondStartReusesTheData() {
        String dataDir = "app.data-dir=" + dir;
        assertThat(run("status", "--set", "database.url=", "--set", dataDir)).isZero();
        assertThat(out.toString()).contains("embedded PostgreSQL").contains(dir.resolve("pgdata").toString());
        Path pgVersion = dir.resolve("pgdata").resolve("PG_VERSION");
        assertThat(pgVersion).exists();
        long created = pgVersion.toFile().lastModified();

        out.getBuffer().setLength(0);
        assertThat(run("status", "--set", "database.url=", "--set", dataDir)).isZero();
        assertThat(out.toString()).containsPattern("Schema version: +\\d+");
        assertThat(pgVersion.toFile().lastModified()).isEqualTo(created);
    }
}
