package dev.botops.app;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.EmbeddedPostgresServer;
import dev.botops.db.Migrations;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import java.time.Clock;
import java.time.ZoneId;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every service in dependency order, hands them out, and closes them in
 * reverse order. Nothing else constructs services.
 */
public final class AppContext implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AppContext.class);

    private final Settings settings;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private EmbeddedPostgresServer embedded;
    private Database database;
    private String schemaVersion;
    private MaintenanceService maintenance;
    private volatile boolean closed;

    private AppContext(Settings settings) {
        this.settings = settings;
    }

    /** Connects (starting the embedded PostgreSQL when no DATABASE_URL is set) and migrates the schema. */
    public static AppContext start(Settings settings) {
        AppContext context = new AppContext(settings);
        try {
            context.startDatabase();
            context.startMaintenance();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        return context;
    }

    private void startDatabase() {
        ConnectionTarget target;
        if (settings.databaseUrl().isPresent()) {
            var url = settings.databaseUrl().get();
            target = new ConnectionTarget(url.jdbcUrl(), url.user(), url.password() == null ? "" : url.password(), url.display(), false);
        } else {
            String dir = settings.string(ConfigKey.EMBEDDED_DIR);
            Path dataDir = dir.isEmpty() ? settings.dataDir().resolve("pgdata") : Path.of(dir);
            embedded = register(EmbeddedPostgresServer.startOrAttach(dataDir, settings.integer(ConfigKey.EMBEDDED_PORT)));
            target = embedded.target();
        }
        database = register(new Database(settings, target));
        schemaVersion = Migrations.migrate(database);
        log.info("Connected to {} (schema version {})", target.display(), schemaVersion);
    }

    /** Checks the retention policies (a bad one stops the start with a ConfigException) and creates partitions ahead. */
    private void startMaintenance() {
        maintenance = register(MaintenanceService.create(database, settings, alertSink(), Clock.systemDefaultZone(), ZoneId.systemDefault()));
    }

    // TODO(lead): when the monitor's AlertService is on main, build it before maintenance and pass it here.
    private static AlertSink alertSink() {
        return new AlertSink() {
            @Override
            public void raise(String ruleId, Severity severity, String message, String hint) {
                log.warn("Alert {} ({}): {} {}", ruleId, severity, message, hint);
            }

            @Override
            public void resolve(String ruleId) {
                log.info("Alert {} resolved", ruleId);
            }
        };
    }

    /**
     * Starts the background schedules of the dashboard and {@code serve} modes (one-shot commands such as
     * {@code status} and {@code maintenance} never call this). The maintenance schedule runs only when
     * {@code maintenance.scheduler-enabled}; {@code maintenance().scheduler()} starts and stops it later.
     */
    public void startBackgroundServices() {
        if (settings.flag(ConfigKey.MAINTENANCE_SCHEDULER_ENABLED)) {
            maintenance.scheduler().start();
        }
    }

    private <T extends AutoCloseable> T register(T service) {
        closeables.push(service);
        return service;
    }

    public Settings settings() {
        return settings;
    }

    public Database database() {
        return database;
    }

    public String schemaVersion() {
        return schemaVersion;
    }

    public MaintenanceService maintenance() {
        return maintenance;
    }

    /** Closes every service in reverse order of construction; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!closeables.isEmpty()) {
            AutoCloseable service = closeables.pop();
            try {
                service.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", service.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
