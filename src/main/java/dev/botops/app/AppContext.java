package dev.botops.app;

import dev.botops.app.demo.DemoData;
import dev.botops.app.demo.DemoTraffic;
import dev.botops.bot.BotConfig;
import dev.botops.bot.BotService;
import dev.botops.bot.Sandbox;
import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.lease.LeaseListener;
import dev.botops.bot.telegram.BotToken;
import dev.botops.config.ConfigKey;
import dev.botops.config.LiveSettings;
import dev.botops.config.Settings;
import dev.botops.config.SettingsStore;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.DatabaseException;
import dev.botops.db.EmbeddedPostgresServer;
import dev.botops.db.Migrations;
import dev.botops.http.HealthEndpoint;
import dev.botops.http.HealthSources;
import dev.botops.http.HttpServerTuning;
import dev.botops.lease.LeaseHolder;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.AlertRules;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.DatabaseMonitor;
import dev.botops.monitor.HealthCheck;
import dev.botops.monitor.MetricHistory;
import dev.botops.monitor.MonitorService;
import dev.botops.monitor.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every service in dependency order, hands them out, and closes them in
 * reverse order. Nothing else constructs services.
 */
public final class AppContext implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AppContext.class);
    /** Raised when the health endpoint cannot bind its address. */
    static final String HTTP_ALERT = "http-endpoint";

    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    private final LiveSettings liveSettings;
    private final SettingsStore settingsStore;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private EmbeddedPostgresServer embedded;
    private Database database;
    private String schemaVersion;
    private AlertService alerts;
    private DatabaseMonitor databaseMonitor;
    private MetricHistory metricHistory;
    private AlertRules alertRules;
    private MonitorService monitor;
    private BotApiEmulator sandbox;
    private BotService bot;
    private MaintenanceService maintenance;
    private volatile HealthEndpoint http;
    private DemoData demoData;
    private DemoTraffic demoTraffic;
    private volatile boolean closed;

    private AppContext(Settings settings) {
        this.settings = settings;
        this.liveSettings = new LiveSettings(settings);
        Path file = settings.configFile() != null ? settings.configFile() : settings.dataDir().resolve("botops.properties");
        this.settingsStore = new SettingsStore(file);
    }

    /**
     * Connects (starting the embedded PostgreSQL when no DATABASE_URL is set), migrates the schema and builds
     * the services; nothing runs in the background until {@link #startBackgroundServices()}.
     */
    public static AppContext start(Settings settings) {
        // Before any HTTP server of the process (the sandbox Bot API's too): the JDK reads these once.
        HttpServerTuning.apply();
        AppContext context = new AppContext(settings);
        try {
            context.startDatabase();
            context.buildMonitoring();
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
        demoData = new DemoData(database, clock);
        log.info("Connected to {} (schema version {})", target.display(), schemaVersion);
    }

    /** The alert service (active alerts loaded), the monitor and its history; nothing runs until started. */
    private void buildMonitoring() {
        alerts = register(new AlertService(database, clock));
        alerts.load();
        databaseMonitor = new DatabaseMonitor(database, settings, clock);
        metricHistory = new MetricHistory(database, settings);
        alertRules = new AlertRules(settings);
        monitor = register(new MonitorService(settings, databaseMonitor, metricHistory, alertRules, alerts, clock));
        // Quota, connection cap and thresholds changed in the settings screen apply at once (acceptance: shrink
        // the quota and the storage alert appears). The status command's one-shot rules keep the start values.
        liveSettings.addListener(monitor::reconfigure);
    }

    /** Checks the retention policies (a bad one stops the start with a ConfigException) and creates partitions ahead. */
    private void startMaintenance() {
        maintenance = register(MaintenanceService.create(database, settings, alerts, Clock.systemDefaultZone(),
                ZoneId.systemDefault()));
    }

    /**
     * Starts the background services of the dashboard and {@code serve} modes (one-shot commands such as
     * {@code status} and {@code maintenance} never call this): the monitor, the bot when {@code bot.enabled},
     * the maintenance schedule when {@code maintenance.scheduler-enabled}, and last the health endpoint when
     * {@code http.enabled} (so it closes first). With the bot enabled, the
     * schedule runs only on the instance that holds the bot lease, so several instances on one database run
     * one schedule (the advisory lock of a run still guards against overlaps during a hand-over).
     */
    public void startBackgroundServices() {
        monitor.start();
        boolean scheduled = settings.flag(ConfigKey.MAINTENANCE_SCHEDULER_ENABLED);
        if (settings.flag(ConfigKey.BOT_ENABLED)) {
            BotService started = startBot(alerts);
            if (scheduled) {
                started.addLeaseListener(new LeaseListener() {
                    @Override
                    public void becameActive() {
                        maintenance.scheduler().start();
                    }

                    @Override
                    public void becameStandby(Optional<LeaseHolder> activeHolder) {
                        maintenance.scheduler().stop();
                    }
                });
            }
        } else if (scheduled) {
            maintenance.scheduler().start();
        }
        resumeDemoTraffic();
        if (settings.flag(ConfigKey.HTTP_ENABLED)) {
            startHttp();
        }
    }

    /**
     * Serves the health endpoint. Registered after the services it reads, so it stops serving before they
     * close. A port that cannot be bound does not stop the app (the bot and the schedule matter more): it
     * is logged and raised as an alert.
     */
    private void startHttp() {
        HealthSources sources = new HealthSources(monitor, alerts, maintenance, this::bot, settings.flag(ConfigKey.BOT_ENABLED),
                database.target().display(), schemaVersion);
        String address = settings.string(ConfigKey.HTTP_BIND) + ":" + settings.integer(ConfigKey.HTTP_PORT);
        try {
            http = register(HealthEndpoint.start(settings, sources, clock));
            alerts.resolve(HTTP_ALERT);
        } catch (IOException | RuntimeException e) {
            log.error("The health endpoint could not start on {}: {}", address, e.getMessage());
            alerts.raise(HTTP_ALERT, Severity.WARNING, "The health endpoint could not start on " + address + ": " + e.getMessage(),
                    "Another program may use the port: set http.port (or http.bind), or http.enabled=false to run without it.");
        }
    }

    /** The health endpoint, once {@link #startBackgroundServices()} started it ({@code http.enabled}). */
    public Optional<HealthEndpoint> http() {
        return Optional.ofNullable(http);
    }

    /** Demo data loaded in an earlier run keeps its simulated users talking after a restart. */
    private void resumeDemoTraffic() {
        if (sandbox == null) {
            return;
        }
        try {
            if (demoData.installed().isPresent()) {
                startDemoTraffic();
            }
        } catch (DatabaseException e) {
            log.warn("Could not check for demo data: {}", e.getMessage());
        }
    }

    /**
     * Builds and starts the bot: against Telegram (or {@code bot.api-url}) with the configured token, or
     * against a local sandbox emulator when no token is set. Registered after the database, so it stops
     * (offset confirmed, lease released) before the pool closes.
     */
    public synchronized BotService startBot(AlertSink alerts) {
        if (closed) {
            throw new IllegalStateException("The app is stopping; the bot is not started");
        }
        if (bot != null) {
            return bot;
        }
        String tokenText = settings.string(ConfigKey.BOT_TOKEN);
        BotConfig config;
        if (tokenText.isEmpty()) {
            sandbox = register(Sandbox.start(database));
            config = BotConfig.from(settings, BotToken.SANDBOX, sandbox.baseUrl());
            log.info("No bot token configured: the bot runs against the sandbox Bot API on {}", sandbox.baseUrl());
        } else {
            config = BotConfig.from(settings, new BotToken(tokenText), settings.string(ConfigKey.BOT_API_URL));
        }
        bot = register(new BotService(config, database, alerts));
        // Admin chats hear about every alert the app raises; the listener goes before the bot stops.
        AlertListener adminAlerts = bot.adminAlerts();
        this.alerts.addListener(adminAlerts);
        register(() -> this.alerts.removeListener(adminAlerts));
        bot.start();
        return bot;
    }

    /** The bot, once {@link #startBot} ran. */
    public Optional<BotService> bot() {
        return Optional.ofNullable(bot);
    }

    /** The sandbox Bot API (post user messages, read replies) when the bot runs without a token. */
    public Optional<BotApiEmulator> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    /** The first-run demo data (load, find, remove). */
    public DemoData demoData() {
        return demoData;
    }

    /**
     * Starts the simulated users' traffic through the sandbox (a message every 3 s); nothing when the bot does
     * not run against the sandbox. Stopped before the sandbox and the bot close.
     */
    public synchronized Optional<DemoTraffic> startDemoTraffic() {
        if (closed || sandbox == null) {
            return Optional.empty();
        }
        if (demoTraffic == null) {
            demoTraffic = register(new DemoTraffic(sandbox, Duration.ofSeconds(3), settings.longValue(ConfigKey.BOT_MARKET_SEED)));
        }
        demoTraffic.start();
        return Optional.of(demoTraffic);
    }

    /** Stops the simulated users (before their rows are removed). */
    public synchronized void stopDemoTraffic() {
        if (demoTraffic != null) {
            demoTraffic.stop();
        }
    }

    private <T extends AutoCloseable> T register(T service) {
        closeables.push(service);
        return service;
    }

    public Settings settings() {
        return settings;
    }

    /** The settings as changed at run time by the settings screen. */
    public LiveSettings liveSettings() {
        return liveSettings;
    }

    /** Where settings changed at run time are saved. */
    public SettingsStore settingsStore() {
        return settingsStore;
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

    /** Retention cleanup, VACUUM, the maintenance schedule and the run log. */
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
