package dev.botops.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {
    @TempDir
    Path dir;

    @Test
    void dataSurvivesARestartOnTheSameDirectory() throws SQLException {
        Path data = dir.resolve("pgdata");
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.startOrAttach(data, 0)) {
            assertThat(first.owner()).isTrue();
            execute(first, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        try (EmbeddedPostgresServer second = EmbeddedPostgresServer.startOrAttach(data, 0)) {
            assertThat(query(second, "SELECT v FROM kept")).isEqualTo("still here");
        }
    }

    @Test
    void aSecondCopyOnTheSameDirectoryAttachesToTheRunningServerAndLeavesItRunning() throws SQLException {
        Path data = dir.resolve("pgdata");
        try (EmbeddedPostgresServer owner = EmbeddedPostgresServer.startOrAttach(data, 0)) {
            EmbeddedPostgresServer attached = EmbeddedPostgresServer.startOrAttach(data, 0);
            assertThat(attached.owner()).isFalse();
            assertThat(attached.port()).isEqualTo(owner.port());
            attached.close();
            assertThat(query(owner, "SELECT 'alive'")).isEqualTo("alive");
        }
    }

    @Test
    void aServerLeftRunningByAKilledAppIsStoppedAndReplacedOnTheNextStart() throws Exception {
        Path data = dir.resolve("pgdata");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OrphanMaker.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.contains("STARTED"));
            assertThat(line).as("child started the server").isNotNull();
            child.destroyForcibly().waitFor();
        }
        long orphanPid = Long.parseLong(java.nio.file.Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(orphanPid)).isPresent();

        try (EmbeddedPostgresServer next = EmbeddedPostgresServer.startOrAttach(data, 0)) {
            assertThat(next.owner()).isTrue();
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(query(next, "SELECT 'fresh'")).isEqualTo("fresh");
        }
    }

    private static void execute(EmbeddedPostgresServer server, String sql) throws SQLException {
        try (Connection c = server.adminDataSource(EmbeddedPostgresServer.DATABASE).getConnection();
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(EmbeddedPostgresServer server, String sql) throws SQLException {
        try (Connection c = server.adminDataSource(EmbeddedPostgresServer.DATABASE).getConnection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
