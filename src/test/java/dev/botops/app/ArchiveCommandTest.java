package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code botops archive restore}: loads what a cleanup archived back, idempotently, with the usual exit codes. */
@ExtendWith(PostgresExtension.class)
class ArchiveCommandTest {
    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();
    private TestDatabase db;

    @BeforeEach
    void database(TestDatabase db) {
        this.db = db;
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        // The test's own --set come after these, so that they win.
        List<String> all = new ArrayList<>();
        int options = 0;
        while (options < args.length && !args[options].startsWith("--")) {
            all.add(args[options++]);
        }
        all.addAll(List.of("--set", "database.url=" + db.databaseUrl(), "--set", "app.data-dir=" + dir.resolve("data")));
        all.addAll(List.of(args).subList(options, args.length));
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(all.toArray(String[]::new));
    }

    /** A bot's table of its own (keyed or not), 40 rows of which are older than its 30-day policy; cleaned with the default archive. */
    private Path archivedCleanup(String table, boolean keyed) throws SQLException, IOException {
        execute("CREATE TABLE " + table + " (" + (keyed ? "id bigint PRIMARY KEY" : "id bigint") + ", sent_at timestamptz NOT NULL, "
                        + "body text, meta jsonb)",
                "INSERT INTO " + table + " SELECT g, now() - g * interval '1 day' + interval '1 hour', 'message ' || g, jsonb_build_object('n', g) "
                        + "FROM generate_series(1, 70) g");
        assertThat(run("maintenance", "--table", table, "--set", "retention." + table + ".column=sent_at",
                "--set", "retention." + table + ".max-age=30d")).as(err.toString()).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("data").resolve("archive"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("public." + table + "-run")).findFirst().orElseThrow();
        }
    }

    @Test
    void restoreLoadsTheDeletedRowsBackAndASecondRestoreAddsNothing() throws Exception {
        Path archive = archivedCleanup("chat_messages", true);
        assertThat(count("chat_messages")).isEqualTo(30);
        String restoredBefore = checksum("chat_messages");

        assertThat(run("archive", "restore", archive.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Restored 40 of 40 archived row(s) from " + archive + " into public.chat_messages; "
                + "0 already present.");
        assertThat(count("chat_messages")).isEqualTo(70);
        String complete = checksum("chat_messages");
        assertThat(complete).isNotEqualTo(restoredBefore);

        assertThat(run("archive", "restore", archive.toString())).isZero();
        assertThat(out.toString()).contains("Restored 0 of 40 archived row(s)").contains("40 already present.");
        assertThat(checksum("chat_messages")).isEqualTo(complete);
    }

    @Test
    void restoreIntoAnotherTableWithTheSameColumns() throws Exception {
        Path archive = archivedCleanup("chat_log", true);
        execute("CREATE TABLE chat_log_restored (LIKE chat_log INCLUDING ALL)");

        assertThat(run("archive", "restore", archive.toString(), "--into", "public.chat_log_restored")).as(err.toString()).isZero();

        assertThat(out.toString()).contains("Restored 40 of 40").contains("into public.chat_log_restored");
        assertThat(count("chat_log_restored")).isEqualTo(40);
        assertThat(count("chat_log")).isEqualTo(30);
    }

    @Test
    void tableWithoutAKeyIsRestoredOnceComparingWholeRows() throws Exception {
        Path archive = archivedCleanup("keyless_events", false);

        assertThat(run("archive", "restore", archive.toString())).isZero();
        assertThat(out.toString()).contains("Restored 40 of 40").contains("public.keyless_events has no primary key or unique index");
        assertThat(run("archive", "restore", archive.toString())).isZero();

        assertThat(out.toString()).contains("Restored 0 of 40").contains("40 already present");
        assertThat(count("keyless_events")).isEqualTo(70);
        assertThat(number("SELECT count(DISTINCT id) FROM keyless_events")).isEqualTo(70);
    }

    @Test
    void missingFileIsBadUsage() {
        assertThat(run("archive", "restore", dir.resolve("nothing.jsonl.gz").toString())).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("No archive file").contains("nothing.jsonl.gz");
    }

    @Test
    void fileThatIsNoArchiveIsBadUsage() throws IOException {
        Path notGzip = Files.writeString(dir.resolve("public.chat_messages-run1-20261127T030000Z.jsonl.gz"), "{\"id\": 1}\n");

        assertThat(run("archive", "restore", notGzip.toString())).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("Nothing restored:").contains("is not a BotOps archive (gzip-compressed JSON Lines)");
    }

    @Test
    void fileWhoseNameNamesNoTableNeedsInto() throws Exception {
        Path archive = archivedCleanup("renamed_events", true);
        Path renamed = Files.move(archive, dir.resolve("backup.jsonl.gz"));

        assertThat(run("archive", "restore", renamed.toString())).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("Cannot tell from its name which table backup.jsonl.gz was archived from").contains("--into");
    }

    @Test
    void restoreIntoASystemCatalogIsRefused() throws Exception {
        Path archive = archivedCleanup("refused_events", true);

        assertThat(run("archive", "restore", archive.toString(), "--into", "pg_catalog.pg_class")).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("Nothing restored: pg_catalog.pg_class is a system catalog table");
    }

    @Test
    void rowsThatDoNotFitTheTableAreBadUsage() throws Exception {
        Path archive = archivedCleanup("typed_events", true);
        execute("CREATE TABLE typed_other (id bigint PRIMARY KEY, sent_at integer)");

        assertThat(run("archive", "restore", archive.toString(), "--into", "typed_other")).isEqualTo(Launcher.EXIT_CONFIG);
        assertThat(err.toString()).contains("The archived rows do not fit typed_other");
    }

    @Test
    void unreachableDatabaseExitsWith3() throws Exception {
        Path archive = archivedCleanup("unreachable_events", true);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        int code = run("archive", "restore", archive.toString(), "--set", "database.url=postgres://u:p@127.0.0.1:" + closedPort + "/x",
                "--set", "database.connect-timeout=1s", "--set", "database.retry.max-duration=1s");

        assertThat(code).as(err.toString()).isEqualTo(StatusCommand.EXIT_UNREACHABLE);
        assertThat(err.toString()).contains("Database unreachable");
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private long count(String table) throws SQLException {
        return number("SELECT count(*) FROM " + table);
    }

    private long number(String query) throws SQLException {
        try (Connection c = db.admin().getConnection(); ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String checksum(String table) throws SQLException {
        try (Connection c = db.admin().getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM " + table + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
