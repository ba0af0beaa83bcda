package dev.botops.app;

import dev.botops.config.ConfigKey;
import dev.botops.config.LiveSettings;
import dev.botops.config.Settings;
import dev.botops.config.SettingsStore;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.EmbeddedPostgresServer;
import dev.botops.db.Migrations;
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
    private final LiveSettings liveSettings;
    private final SettingsStore settingsStore;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private EmbeddedPostgresServer embedded;
    private Database database;
    private String schemaVersion;
    private volatile boolean closed;

    private AppContext(Settings settings) {
        this.settings = settings;
        this.liveSettings = new LiveSettings(settings);
        Path file = settings.configFile() != null ? settings.configFile() : settings.dataDir().resolve("botops.properties");
        this.settingsStore = new SettingsStore(file);
    }

    /** Connects (starting the embedded PostgreSQL when no DATABASE_URL is set) and migrates the schema. */
    public static AppContext start(Settings settings) {
        AppContext context = new AppContext(settings);
        try {
            context.startDatabase();
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
