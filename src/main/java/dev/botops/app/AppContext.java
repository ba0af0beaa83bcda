package dev.botops.app;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.EmbeddedPostgresServer;
import dev.botops.db.Migrations;
import dev.botops.monitor.AlertRules;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.DatabaseMonitor;
import dev.botops.monitor.HealthCheck;
import dev.botops.monitor.MetricHistory;
import dev.botops.monitor.MonitorService;
import java.nio.file.Path;
import java.time.Clock;
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
    private final Clock clock = Clock.systemUTC();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private EmbeddedPostgresServer embedded;
    private Database database;
    private String schemaVersion;
    private AlertService alerts;
    private DatabaseMonitor databaseMonitor;
    private MetricHistory metricHistory;
    private AlertRules alertRules;
    private MonitorService monitor;
    private volatile boolean closed;

    private AppContext(Settings settings) {
        this.settings = settings;
    }

    /** Opens the context (see {@link #open}) and starts the background services (monitor, ...). */
    public static AppContext start(Settings settings) {
        AppContext context = open(settings);
        try {
            context.startServices();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        return context;
    }

    /**
     * Connects (starting the embedded PostgreSQL when no DATABASE_URL is set), migrates the schema and builds
     * the services without starting any background work: for one-shot commands such as {@code status}.
     */
    public static AppContext open(Settings settings) {
        AppContext context = new AppContext(settings);
        try {
            context.startDatabase();
            context.buildMonitoring();
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

    private void buildMonitoring() {
        alerts = register(new AlertService(database, clock));
        alerts.load();
        databaseMonitor = new DatabaseMonitor(database, settings, clock);
        metricHistory = new MetricHistory(database, settings);
        alertRules = new AlertRules(settings);
        monitor = register(new MonitorService(settings, databaseMonitor, metricHistory, alertRules, alerts, clock));
    }

    private void startServices() {
        monitor.start();
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

    /** Where every part raises and resolves alerts. */
    public AlertService alerts() {
        return alerts;
    }

    /** The running monitor: cached snapshots, history, forecast. */
    public MonitorService monitor() {
        return monitor;
    }

    public MetricHistory metricHistory() {
        return metricHistory;
    }

    /** A one-shot health check that records nothing ({@code botops status}). */
    public HealthCheck healthCheck() {
        return new HealthCheck(databaseMonitor, metricHistory, alertRules, alerts, clock);
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
