package dev.botops.testing;

import dev.botops.config.Settings;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PgBouncer (the Debian package, 1.18) in front of the test PostgreSQL, on a free loopback port, in
 * transaction mode (what hosted "pooled" URLs are) or session mode. It serves every database of the test server
 * under its own name, so the app is given the pooler's plain URL ({@link #databaseUrl()}), with nothing added.
 *
 * <p>Its configuration, auth file, pid file and log live in a temporary directory. PgBouncer refuses to run as
 * root: started by root, it runs as {@code postgres} (or {@code nobody}), which then owns that directory.
 * {@code ignore_startup_parameters = extra_float_digits}: what deployments set for JDBC clients, which send it.
 *
 * <p>Without the binary, the tests that need it are skipped with a message saying how to install it; when the
 * environment variable {@code CI} is set, or {@code -Dbotops.test.pgbouncer=required}, they fail instead.
 *
 * <pre>{@code
 * try (PgBouncer bouncer = PgBouncer.in(testDb).start()) {          // transaction mode
 *     Database db = bouncer.newDatabase(Map.of());
 * }
 * }</pre>
 */
public final class PgBouncer implements AutoCloseable {
    /** PgBouncer's {@code pool_mode}. */
    public enum PoolMode { TRANSACTION, SESSION }

    public static final String REQUIRED_PROPERTY = "botops.test.pgbouncer";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> SEARCHED = List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin");

    private final TestDatabase database;
    private final PoolMode mode;
    private final int port;
    private final Path dir;
    private final Process process;

    private PgBouncer(TestDatabase database, PoolMode mode, int port, Path dir, Process process) {
        this.database = database;
        this.mode = mode;
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** A PgBouncer in front of the server that holds {@code database}; its URLs point at that database. */
    public static Builder in(TestDatabase database) {
        return new Builder(database);
    }

    /** What to start. */
    public static final class Builder {
        private final TestDatabase database;
        private PoolMode mode = PoolMode.TRANSACTION;
        private int poolSize = 20;
        private final Map<String, String> users = new LinkedHashMap<>();

        private Builder(TestDatabase database) {
            this.database = database;
            users.put(database.server().user(), database.server().password());
        }

        public Builder mode(PoolMode mode) {
            this.mode = mode;
            return this;
        }

        /**
         * Server connections per database and user ({@code default_pool_size}); 1 makes every client of that pair
         * share one server connection, which shows what one client leaves behind for the next.
         */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /** Another role the pooler lets in (and logs into the server with); the test server's user is always there. */
        public Builder user(String name, String password) {
            users.put(name, password);
            return this;
        }

        public PgBouncer start() {
            Path binary = binary().orElse(null);
            if (binary == null) {
                String install = "install it with `apt-get install -y pgbouncer` (Debian/Ubuntu; the tests expect 1.18 or later)";
                if (required()) {
                    throw new IllegalStateException("PgBouncer is required for the pooler tests (" + whyRequired()
                            + ") but no pgbouncer binary was found in " + SEARCHED + " or on the PATH: " + install + ".");
                }
                Assumptions.abort("PgBouncer is not installed, so the pooler tests are skipped: " + install
                        + ". CI installs it and fails instead of skipping.");
            }
            try {
                return launch(binary);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start PgBouncer", e);
            }
        }

        private PgBouncer launch(Path binary) throws IOException {
            IOException last = null;
            // A free port found now may be taken before PgBouncer binds it: try a few.
            for (int attempt = 1; attempt <= 3; attempt++) {
                Path dir = Files.createTempDirectory("botops-pgbouncer");
                int port = freePort();
                writeFiles(dir, port);
                Optional<String> runAs = runAsUser();
                if (runAs.isPresent()) {
                    handOver(dir, runAs.get());
                }
                List<String> command = new ArrayList<>(List.of(binary.toString()));
                runAs.ifPresent(user -> command.addAll(List.of("-u", user)));
                command.add(dir.resolve("pgbouncer.ini").toString());
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
                PgBouncer bouncer = new PgBouncer(database, mode, port, dir, process);
                try {
                    bouncer.awaitListening();
                    return bouncer;
                } catch (IOException e) {
                    bouncer.close();
                    last = e;
                }
            }
            throw last;
        }

        private void writeFiles(Path dir, int port) throws IOException {
            TestServer server = database.server();
            StringBuilder users = new StringBuilder();
            this.users.forEach((name, password) -> users.append(quoted(name)).append(' ').append(quoted(password)).append('\n'));
            Files.writeString(dir.resolve("userlist.txt"), users, StandardCharsets.UTF_8);
            String ini = String.join("\n",
                    "[databases]",
                    "* = host=" + server.host() + " port=" + server.port(),
                    "",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = trust",
                    "auth_file = " + dir.resolve("userlist.txt"),
                    "pool_mode = " + mode.name().toLowerCase(Locale.ROOT),
                    "default_pool_size = " + poolSize,
                    "max_client_conn = 500",
                    "ignore_startup_parameters = extra_float_digits",
                    "server_login_retry = 1",
                    "logfile = " + dir.resolve("pgbouncer.log"),
                    "pidfile = " + dir.resolve("pgbouncer.pid"),
                    "");
            Files.writeString(dir.resolve("pgbouncer.ini"), ini, StandardCharsets.UTF_8);
        }
    }

    /** The server connection's {@code pool_mode}. */
    public PoolMode mode() {
        return mode;
    }

    public int port() {
        return port;
    }

    /** The pooler's URL for the test database, as a host hands it out: {@code postgresql://user@127.0.0.1:port/db}. */
    public String databaseUrl() {
        return databaseUrl(database.name());
    }

    public String databaseUrl(String databaseName) {
        return "postgresql://" + database.server().user() + "@127.0.0.1:" + port + "/" + databaseName;
    }

    /** The pooler's JDBC URL for the test database, without any parameter. */
    public String jdbcUrl() {
        return jdbcUrl(database.name());
    }

    public String jdbcUrl(String databaseName) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + databaseName;
    }

    /** A connection target for {@link Database} through the pooler. */
    public ConnectionTarget target() {
        return database().target();
    }

    /**
     * The test database as the app sees it through the pooler: its URLs, targets, settings and pools go through
     * PgBouncer, its admin data source stays direct. Hand it to any harness that takes a {@link TestDatabase}.
     */
    public TestDatabase database() {
        return new TestDatabase(database.server(), database.name(), this);
    }

    /** The test database's settings with {@code database.url} pointing at the pooler, plus the given properties. */
    public Settings settings(Map<String, String> overrides) {
        return database().settings(overrides);
    }

    /** A pool of the app's own through the pooler; the caller closes it. */
    public Database newDatabase(Map<String, String> overrides) {
        return database().newDatabase(overrides);
    }

    /** A plain JDBC client of the pooler (another program on the same role and database), as the user. */
    public Connection connect() throws SQLException {
        return connect(database.server().user(), database.server().password());
    }

    public Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** PgBouncer's own log, for failure messages. */
    public String log() {
        return read(dir.resolve("pgbouncer.log")) + read(dir.resolve("stdout.txt"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("PgBouncer exited with " + process.exitValue() + " on start:\n" + log());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while PgBouncer started", e);
                }
            }
        }
        throw new IOException("PgBouncer did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT.toSeconds() + " s:\n" + log());
    }

    /** True when a missing PgBouncer must fail the tests rather than skip them. */
    static boolean required() {
        return "required".equalsIgnoreCase(System.getProperty(REQUIRED_PROPERTY, "")) || System.getenv("CI") != null;
    }

    private static String whyRequired() {
        return System.getenv("CI") != null ? "the CI environment variable is set" : "-D" + REQUIRED_PROPERTY + "=required";
    }

    static Optional<Path> binary() {
        String configured = System.getProperty(REQUIRED_PROPERTY + ".binary");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        List<String> dirs = new ArrayList<>(SEARCHED);
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
        }
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "pgbouncer")).filter(Files::isExecutable).findFirst();
    }

    /** PgBouncer will not run as root; {@code -u} makes it switch to this user. */
    private static Optional<String> runAsUser() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        for (String candidate : List.of("postgres", "nobody")) {
            try {
                Path passwd = Path.of("/etc/passwd");
                if (Files.readAllLines(passwd).stream().anyMatch(line -> line.startsWith(candidate + ":"))) {
                    return Optional.of(candidate);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("PgBouncer refuses to run as root, and neither user postgres nor nobody exists to run it as.");
    }

    /** The directory and its files belong to the user PgBouncer runs as: it writes its log and pid file there. */
    private static void handOver(Path dir, String user) throws IOException {
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.setOwner(p, owner);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")\n";
        }
    }
}
