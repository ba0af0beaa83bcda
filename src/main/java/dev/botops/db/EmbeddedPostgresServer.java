package dev.botops.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup default: a real PostgreSQL 17 run from Maven Central jars, its data kept in the user's
 * data directory and reused on the next start. When another process already runs a server on the same
 * data directory (PostgreSQL's own {@code postmaster.pid} says so), this one attaches to it instead of
 * starting a second server, which PostgreSQL would refuse, and leaves it running on close.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String DATABASE = "botops";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String OWNER_FILE = "botops-owner.pid";

    private final EmbeddedPostgres server;
    private final int port;
    private final Path dataDir;

    private EmbeddedPostgresServer(EmbeddedPostgres server, int port, Path dataDir) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts the server on {@code dataDir}, or attaches to the one another process runs there. */
    public static EmbeddedPostgresServer startOrAttach(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir.getParent() != null ? dataDir.getParent() : dataDir);
            Optional<Integer> running = runningPort(dataDir);
            if (running.isPresent() && !ownerAlive(dataDir)) {
                stopOrphan(dataDir);
                running = Optional.empty();
            }
            if (running.isPresent()) {
                log.info("Embedded PostgreSQL on {} is already run by another process; attaching to port {}", dataDir, running.get());
                EmbeddedPostgresServer attached = new EmbeddedPostgresServer(null, running.get(), dataDir);
                attached.ensureDatabase();
                return attached;
            }
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir.toFile())
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "60")
                    .setServerConfig("shared_buffers", "64MB")
                    .setServerConfig("track_counts", "on");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres pg = builder.start();
            EmbeddedPostgresServer started = new EmbeddedPostgresServer(pg, pg.getPort(), dataDir);
            Files.writeString(dataDir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
            log.info("Embedded PostgreSQL started on 127.0.0.1:{} with data in {}", pg.getPort(), dataDir);
            started.ensureDatabase();
            return started;
        } catch (IOException | IllegalStateException e) {
            throw new DatabaseException(DatabaseException.Kind.UNAVAILABLE,
                    "Could not start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage()
                            + ". If another BotOps Console uses this data directory, close it or set DATABASE_URL.", null, e);
        }
    }

    /** True when the process that started the server on this directory is still alive. */
    private static boolean ownerAlive(Path dataDir) throws IOException {
        Path ownerFile = dataDir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(ownerFile)) {
            return false;
        }
        try {
            long pid = Long.parseLong(Files.readString(ownerFile, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * A server whose owning app died without stopping it (killed with SIGKILL, say) would otherwise run for
     * ever and be attached to by every later start; stop it (SIGTERM: with no clients left, PostgreSQL's smart
     * shutdown is immediate) and start afresh.
     */
    private static void stopOrphan(Path dataDir) throws IOException {
        List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        long pid = Long.parseLong(lines.get(0).trim());
        log.warn("Stopping the embedded PostgreSQL (pid {}) left running by a BotOps process that is gone", pid);
        try {
            ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
            if (handle != null) {
                handle.destroy();
                handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned embedded PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the orphaned embedded PostgreSQL (pid " + pid + ") did not stop within 30 s", e);
        }
    }

    /** The port of a live server on this data directory, read from PostgreSQL's own postmaster.pid. */
    static Optional<Integer> runningPort(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 4) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(port) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void ensureDatabase() {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // created concurrently by the other process
                throw SqlErrors.translate(e, "Creating the embedded database");
            }
        }
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public ConnectionTarget target() {
        return new ConnectionTarget(jdbcUrl(DATABASE), "postgres", "",
                "embedded PostgreSQL postgresql://postgres@127.0.0.1:" + port + "/" + DATABASE + " (data in " + dataDir + ")", true);
    }

    /** True when this process owns the server (and stops it on close). */
    public boolean owner() {
        return server != null;
    }

    public int port() {
        return port;
    }

    /** For tests and tools: a superuser data source on the given database. */
    public DataSource adminDataSource(String database) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(jdbcUrl(database));
        ds.setUser("postgres");
        return ds;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            server.close();
            log.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
