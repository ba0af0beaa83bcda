package dev.botops.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Every configuration key: property name, environment variable, default, meaning, whether it is secret.
 * Sources, lowest to highest: these defaults, the properties file, environment variables, command-line
 * {@code --set key=value}. The README's configuration table lists the same keys.
 */
public enum ConfigKey {
    // --- database -------------------------------------------------------------------------------
    DATABASE_URL("database.url", "DATABASE_URL", "",
            "PostgreSQL URL (postgres://user:pass@host:5432/db?sslmode=require or jdbc:postgresql://...). Empty: embedded PostgreSQL.",
            ValueType.string(), Secrecy.URL_PASSWORD),
    DATABASE_USER("database.user", null, "", "Database user; overrides the one in the URL.", ValueType.string(), Secrecy.PLAIN),
    DATABASE_PASSWORD("database.password", null, "", "Database password; overrides the one in the URL.", ValueType.string(), Secrecy.SECRET),
    DATABASE_SCHEMA("database.schema", null, "botops",
            "The one schema BotOps keeps its own tables in; created when missing. Nothing outside it is created or changed.",
            ValueType.identifier(), Secrecy.PLAIN),
    POOL_SIZE("database.pool-size", null, "4", "Hard cap on the app's database connections (one pool for the whole process).",
            ValueType.integer(1, 100), Secrecy.PLAIN),
    CONNECT_TIMEOUT("database.connect-timeout", null, "5s", "How long to wait for a connection (TCP connect, and from the pool).",
            ValueType.duration(Duration.ofMillis(250), Duration.ofMinutes(2)), Secrecy.PLAIN),
    SOCKET_TIMEOUT("database.socket-timeout", null, "120s", "A read on a half-open connection gives up after this long.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(6)), Secrecy.PLAIN),
    IDLE_TIMEOUT("database.idle-timeout", null, "30s", "An idle pooled connection is closed after this long (quota plans count idle ones).",
            ValueType.duration(Duration.ofSeconds(10), Duration.ofHours(1)), Secrecy.PLAIN),
    MAX_LIFETIME("database.max-lifetime", null, "5m", "A pooled connection is replaced after this long.",
            ValueType.duration(Duration.ofSeconds(30), Duration.ofHours(2)), Secrecy.PLAIN),
    STATEMENT_TIMEOUT("database.statement-timeout", null, "30s", "Default statement_timeout for the app's own queries.",
            ValueType.duration(Duration.ofMillis(100), Duration.ofHours(6)), Secrecy.PLAIN),
    LOCK_TIMEOUT("database.lock-timeout", null, "5s", "Default lock_timeout for the app's own queries.",
            ValueType.duration(Duration.ofMillis(10), Duration.ofMinutes(10)), Secrecy.PLAIN),
    RETRY_MAX_ATTEMPTS("database.retry.max-attempts", null, "6", "Attempts for work that failed on a transient database error.",
            ValueType.integer(1, 100), Secrecy.PLAIN),
    RETRY_MAX_DURATION("database.retry.max-duration", null, "30s", "Total time bound for retrying one piece of work.",
            ValueType.duration(Duration.ofMillis(100), Duration.ofHours(1)), Secrecy.PLAIN),
    RETRY_INITIAL_DELAY("database.retry.initial-delay", null, "200ms", "First retry delay; doubles each attempt, with jitter.",
            ValueType.duration(Duration.ofMillis(1), Duration.ofMinutes(1)), Secrecy.PLAIN),
    RETRY_MAX_DELAY("database.retry.max-delay", null, "5s", "Longest delay between two attempts.",
            ValueType.duration(Duration.ofMillis(1), Duration.ofMinutes(10)), Secrecy.PLAIN),
    EMBEDDED_DIR("database.embedded.dir", null, "", "Data directory of the embedded PostgreSQL. Empty: <data dir>/pgdata.",
            ValueType.string(), Secrecy.PLAIN),
    EMBEDDED_PORT("database.embedded.port", null, "0", "Port of the embedded PostgreSQL on 127.0.0.1. 0: a free port.",
            ValueType.integer(0, 65535), Secrecy.PLAIN),

    // --- limits and monitoring ------------------------------------------------------------------
    STORAGE_QUOTA("limits.storage-quota", null, "10GB", "The plan's storage quota.",
            ValueType.size(1024 * 1024, 1L << 50), Secrecy.PLAIN),
    CONNECTION_CAP("limits.connection-cap", null, "0", "The plan's connection cap. 0: only the server's own limits apply.",
            ValueType.integer(0, 100_000), Secrecy.PLAIN),
    MONITOR_INTERVAL("monitor.interval", null, "5s", "How often the monitor takes a live snapshot.",
            ValueType.duration(Duration.ofMillis(500), Duration.ofHours(1)), Secrecy.PLAIN),
    MONITOR_SAMPLE_INTERVAL("monitor.sample-interval", null, "1m", "How often a snapshot is persisted for history.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(1)), Secrecy.PLAIN),
    MONITOR_HISTORY_SIZE("monitor.history-size", null, "720", "Live snapshots kept in memory for the charts.",
            ValueType.integer(10, 1_000_000), Secrecy.PLAIN),
    MONITOR_STALE_AFTER("monitor.stale-after", null, "60s", "A snapshot older than this counts as DOWN in /health.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(1)), Secrecy.PLAIN),
    FORECAST_WINDOW("monitor.forecast-window", null, "7d", "Window of history used for the days-until-full forecast.",
            ValueType.duration(Duration.ofMinutes(1), Duration.ofDays(365)), Secrecy.PLAIN),
    MONITOR_HISTORY_RETENTION("monitor.history-retention", null, "90d",
            "Persisted monitor history (samples, daily table sizes, resolved alerts) older than this is deleted by the monitor itself.",
            ValueType.duration(Duration.ofHours(1), Duration.ofDays(3650)), Secrecy.PLAIN),

    // --- alerts ---------------------------------------------------------------------------------
    ALERT_STORAGE_WARNING("alerts.storage.warning", null, "80", "Storage used (% of quota) that raises a warning.", ValueType.percent(), Secrecy.PLAIN),
    ALERT_STORAGE_CRITICAL("alerts.storage.critical", null, "95", "Storage used (% of quota) that is critical.", ValueType.percent(), Secrecy.PLAIN),
    ALERT_CONNECTIONS_WARNING("alerts.connections.warning", null, "80", "Connections used (% of usable limit) that raises a warning.", ValueType.percent(), Secrecy.PLAIN),
    ALERT_CONNECTIONS_CRITICAL("alerts.connections.critical", null, "95", "Connections used (% of usable limit) that is critical.", ValueType.percent(), Secrecy.PLAIN),
    ALERT_HYSTERESIS("alerts.hysteresis", null, "5", "Points below a threshold before its alert clears (no flapping).", ValueType.percent(), Secrecy.PLAIN),
    ALERT_FORECAST_WARNING_DAYS("alerts.forecast.warning-days", null, "14", "Days until the quota is full that raise a warning.",
            ValueType.integer(1, 3650), Secrecy.PLAIN),
    ALERT_FORECAST_CRITICAL_DAYS("alerts.forecast.critical-days", null, "3", "Days until the quota is full that are critical.",
            ValueType.integer(1, 3650), Secrecy.PLAIN),
    ALERT_IDLE_IN_TRANSACTION("alerts.idle-in-transaction", null, "5m", "A session idle in transaction longer than this raises a warning.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(7)), Secrecy.PLAIN),
    ALERT_LONG_QUERY("alerts.long-query", null, "60s", "A query running longer than this raises a warning.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(7)), Secrecy.PLAIN),
    ALERT_DEAD_ROWS_PERCENT("alerts.dead-rows.percent", null, "20", "Dead rows (% of a table) that call for VACUUM.", ValueType.percent(), Secrecy.PLAIN),
    ALERT_DEAD_ROWS_MIN_SIZE("alerts.dead-rows.min-table-size", null, "10MB", "Tables smaller than this never raise the dead-rows alert.",
            ValueType.size(0, 1L << 50), Secrecy.PLAIN),
    ALERT_XID_AGE("alerts.xid-age", null, "1000000000", "Transaction-ID age (wraparound distance) that raises a critical alert.",
            ValueType.integer(1_000_000, 2_000_000_000), Secrecy.PLAIN),

    ALERT_UNUSUAL_ENABLED("alerts.unusual.enabled", null, "true",
            "Raise alerts on unusual activity (growth, silence, errors, newcomers), learned from the stored history.",
            ValueType.bool(), Secrecy.PLAIN),
    ALERT_UNUSUAL_EVERY("alerts.unusual.every", null, "5m", "How often the unusual-activity rules look at the history.",
            ValueType.duration(Duration.ofSeconds(10), Duration.ofHours(1)), Secrecy.PLAIN),
    ALERT_UNUSUAL_GROWTH_FACTOR("alerts.unusual.growth-factor", null, "5",
            "Growth in the last hour, as a multiple of the median hourly growth of the last 7 days, that is unusual.",
            ValueType.integer(2, 1000), Secrecy.PLAIN),
    ALERT_UNUSUAL_GROWTH_FLOOR("alerts.unusual.growth-floor", null, "64MB", "Growth in an hour below this is never unusual.",
            ValueType.size(1024 * 1024, 1L << 40), Secrecy.PLAIN),
    ALERT_UNUSUAL_SILENCE_AFTER("alerts.unusual.silence-after", null, "30m",
            "Shortest time without bot updates that can be unusual (when the last 4 weeks had updates at that time).",
            ValueType.duration(Duration.ofMinutes(5), Duration.ofDays(2)), Secrecy.PLAIN),
    ALERT_UNUSUAL_ERROR_FACTOR("alerts.unusual.error-factor", null, "10",
            "Errors in 15 minutes, as a multiple of the 7-day norm, that are unusual (bot errors, rolled-back transactions).",
            ValueType.integer(2, 1000), Secrecy.PLAIN),
    ALERT_UNUSUAL_ERROR_FLOOR("alerts.unusual.error-floor", null, "20", "Fewer errors than this in 15 minutes are never unusual.",
            ValueType.integer(1, 1_000_000), Secrecy.PLAIN),
    ALERT_UNUSUAL_NEWCOMERS_FLOOR("alerts.unusual.newcomers-floor", null, "5",
            "Other applications' connections must exceed their usual peak by at least this many (and double it) to be unusual.",
            ValueType.integer(1, 10_000), Secrecy.PLAIN),

    // --- alert channels (webhooks are named: alerts.webhook.<name>.url|format|min-severity) ----------
    ALERT_DELIVERY_TIMEOUT("alerts.delivery.timeout", null, "10s", "How long one delivery attempt (a webhook call, an e-mail) may take.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(2)), Secrecy.PLAIN),
    ALERT_DELIVERY_GIVE_UP("alerts.delivery.give-up-after", null, "1h",
            "A delivery that keeps failing (5xx, timeouts, 429) is retried with backoff for this long, then recorded as failed.",
            ValueType.duration(Duration.ofMinutes(1), Duration.ofDays(7)), Secrecy.PLAIN),
    ALERT_EMAIL_HOST("alerts.email.host", null, "", "SMTP server for alert e-mails. Empty: no e-mail channel.",
            ValueType.string(), Secrecy.PLAIN),
    ALERT_EMAIL_PORT("alerts.email.port", null, "587", "SMTP port (587 for STARTTLS, 465 for TLS).",
            ValueType.integer(1, 65535), Secrecy.PLAIN),
    ALERT_EMAIL_SECURITY("alerts.email.security", null, "starttls",
            "starttls (upgrade, required), tls (TLS from the first byte) or none (loopback or trusted networks only).",
            ValueType.choice(MailSecurity.class), Secrecy.PLAIN),
    ALERT_EMAIL_USER("alerts.email.user", null, "", "SMTP user. Empty: no login.", ValueType.string(), Secrecy.PLAIN),
    ALERT_EMAIL_PASSWORD("alerts.email.password", null, "", "SMTP password.", ValueType.string(), Secrecy.SECRET),
    ALERT_EMAIL_FROM("alerts.email.from", null, "", "Sender address of alert e-mails. Empty: the SMTP user.", ValueType.string(), Secrecy.PLAIN),
    ALERT_EMAIL_TO("alerts.email.to", null, "", "Comma-separated recipients of alert e-mails.", ValueType.string(), Secrecy.PLAIN),
    ALERT_EMAIL_MIN_SEVERITY("alerts.email.min-severity", null, "warning", "Least severe alert that is e-mailed.",
            ValueType.choice(AlertLevel.class), Secrecy.PLAIN),

    // --- maintenance ----------------------------------------------------------------------------
    MAINTENANCE_DAILY_AT("maintenance.daily-at", null, "03:00", "Local time of the daily full maintenance.", ValueType.timeOfDay(), Secrecy.PLAIN),
    MAINTENANCE_HEALTH_EVERY("maintenance.health-every", null, "6h", "Cadence of the scheduled health check.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(7)), Secrecy.PLAIN),
    MAINTENANCE_QUICK_EVERY("maintenance.quick-every", null, "2h", "Cadence of the quick cleanup.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(7)), Secrecy.PLAIN),
    MAINTENANCE_QUICK_BUDGET("maintenance.quick-budget", null, "2m", "Time budget of one quick cleanup.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(6)), Secrecy.PLAIN),
    MAINTENANCE_BATCH_TARGET("maintenance.batch-target", null, "50ms", "Target duration of one cleanup batch; the batch size adapts to it.",
            ValueType.duration(Duration.ofMillis(5), Duration.ofSeconds(10)), Secrecy.PLAIN),
    MAINTENANCE_ARCHIVE_DIR("maintenance.archive-dir", null, "", "Where archived rows are written. Empty: <data dir>/archive.",
            ValueType.string(), Secrecy.PLAIN),
    MAINTENANCE_PARTITIONS_AHEAD("maintenance.partitions-ahead", null, "7", "Days of daily partitions created ahead for the partitioned tables.",
            ValueType.integer(1, 366), Secrecy.PLAIN),
    MAINTENANCE_LEASE_TTL("maintenance.lease-ttl", null, "30s",
            "Expiry of the maintenance lease: a run renews it every third of this; an instance that died holding it blocks others this long.",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)), Secrecy.PLAIN),
    MAINTENANCE_SCHEDULER_ENABLED("maintenance.scheduler-enabled", null, "true", "Run the maintenance schedule in dashboard and serve modes.",
            ValueType.bool(), Secrecy.PLAIN),

    // --- HTTP health endpoint -------------------------------------------------------------------
    HTTP_ENABLED("http.enabled", null, "true", "Serve /health, /database/health and /metrics.", ValueType.bool(), Secrecy.PLAIN),
    HTTP_BIND("http.bind", null, "127.0.0.1", "Address the health endpoint binds to.", ValueType.string(), Secrecy.PLAIN),
    HTTP_PORT("http.port", null, "5000", "Port of the health endpoint (0: a free port).", ValueType.integer(0, 65535), Secrecy.PLAIN),
    HTTP_TOKEN("http.token", "BOTOPS_HEALTH_TOKEN", "", "Bearer token for POST /database/cleanup and /database/vacuum. Empty: those refuse.",
            ValueType.string(), Secrecy.SECRET),
    HTTP_THREADS("http.threads", null, "4", "Worker threads that answer requests (the endpoint adds one thread that accepts connections and one that reads them).",
            ValueType.integer(1, 64), Secrecy.PLAIN),
    HTTP_MAX_CONNECTIONS("http.max-connections", null, "2000", "Open connections the endpoint holds at most; beyond it, new ones wait in the operating system's queue until one closes.",
            ValueType.integer(16, 100_000), Secrecy.PLAIN),
    HTTP_IDLE_TIMEOUT("http.idle-timeout", null, "30s", "A connection that sends and receives nothing for this long is closed.",
            ValueType.duration(Duration.ofMillis(500), Duration.ofHours(1)), Secrecy.PLAIN),
    HTTP_HEADER_TIMEOUT("http.header-timeout", null, "10s", "A request's line and headers must arrive within this time of its first byte, however slowly they trickle; otherwise the connection is closed.",
            ValueType.duration(Duration.ofMillis(500), Duration.ofMinutes(10)), Secrecy.PLAIN),
    HTTP_BODY_TIMEOUT("http.body-timeout", null, "30s", "A request's body must arrive within this time of its headers; otherwise the connection is closed.",
            ValueType.duration(Duration.ofMillis(500), Duration.ofMinutes(10)), Secrecy.PLAIN),
    HTTP_MAX_HEADER_SIZE("http.max-header-size", null, "8KB", "Largest request line plus headers: a longer request line is answered 414, larger headers 431, as soon as the limit is passed.",
            ValueType.size(1024, 1024 * 1024), Secrecy.PLAIN),
    HTTP_MAX_BODY_SIZE("http.max-body-size", null, "64KB", "Largest request body; a larger one is answered 413 without being read.",
            ValueType.size(1024, 16 * 1024 * 1024), Secrecy.PLAIN),
    HTTP_MAINTENANCE_RATE("http.maintenance-rate", null, "6", "Cleanup and VACUUM requests accepted per minute over HTTP; more get 429.",
            ValueType.integer(1, 600), Secrecy.PLAIN),

    // --- Telegram bot ---------------------------------------------------------------------------
    BOT_TOKEN("bot.token", "TELEGRAM_BOT_TOKEN", "", "Telegram bot token. Empty: the bot runs against the local sandbox Bot API.",
            ValueType.string(), Secrecy.SECRET),
    BOT_API_URL("bot.api-url", "TELEGRAM_API_URL", "https://api.telegram.org", "Bot API base URL (self-hosted Bot API servers work).",
            ValueType.httpUrl(), Secrecy.PLAIN),
    BOT_ENABLED("bot.enabled", null, "true", "Run the bot (dashboard and serve modes).", ValueType.bool(), Secrecy.PLAIN),
    BOT_ADMIN_CHATS("bot.admin-chats", null, "", "Chat ids that receive alerts.", ValueType.chatIds(), Secrecy.PLAIN),
    BOT_LEASE_TTL("bot.lease-ttl", null, "30s", "Lease expiry: a standby takes over this long after the active instance stops renewing.",
            ValueType.duration(Duration.ofSeconds(2), Duration.ofHours(1)), Secrecy.PLAIN),
    BOT_WEBHOOK_POLICY("bot.webhook-policy", null, "delete", "What to do with a webhook found at start.",
            ValueType.choice(WebhookPolicy.class), Secrecy.PLAIN),
    BOT_CONFLICT_LIMIT("bot.conflict-limit", null, "5", "Consecutive HTTP 409 answers that stop polling and raise an alert.",
            ValueType.integer(1, 1000), Secrecy.PLAIN),
    BOT_STARTING_BALANCE("bot.starting-balance", null, "10000", "Virtual cash a new user starts with.",
            ValueType.integer(1, 1_000_000_000), Secrecy.PLAIN),
    BOT_ALERT_REMINDER("bot.alert-reminder", null, "6h", "Reminder cadence for admin alerts that stay active.",
            ValueType.duration(Duration.ofMinutes(1), Duration.ofDays(7)), Secrecy.PLAIN),
    BOT_MARKET_SEED("bot.market-seed", null, "42", "Seed of the simulated market's random walk.",
            ValueType.integer(Long.MIN_VALUE, Long.MAX_VALUE), Secrecy.PLAIN),
    BOT_MARKET_TICK("bot.market-tick", null, "5s", "How often simulated prices move (each move is a stored tick).",
            ValueType.duration(Duration.ofMillis(100), Duration.ofHours(1)), Secrecy.PLAIN),

    // --- desktop and files ----------------------------------------------------------------------
    UI_THEME("ui.theme", null, "light", "Dashboard theme.", ValueType.choice(Theme.class), Secrecy.PLAIN),
    DATA_DIR("app.data-dir", "BOTOPS_DATA_DIR", "", "Data directory (embedded database, archives, logs). Empty: the OS's user data directory.",
            ValueType.string(), Secrecy.PLAIN),
    INSTANCE_NAME("app.instance-name", null, "", "Name of this instance in leases and logs. Empty: host:pid.",
            ValueType.string(), Secrecy.PLAIN);

    private final String property;
    private final String env;
    private final String defaultValue;
    private final String description;
    private final ValueType type;
    private final Secrecy secrecy;

    ConfigKey(String property, String env, String defaultValue, String description, ValueType type, Secrecy secrecy) {
        this.property = property;
        this.env = env != null ? env
                : "BOTOPS_" + property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        this.defaultValue = defaultValue;
        this.description = description;
        this.type = type;
        this.secrecy = secrecy;
    }

    public String property() {
        return property;
    }

    public String env() {
        return env;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public ValueType type() {
        return type;
    }

    public boolean secret() {
        return secrecy != Secrecy.PLAIN;
    }

    /** The value as it may be shown to a person: secrets masked, URL passwords masked. */
    public String mask(String raw) {
        if (raw == null || raw.isEmpty()) {
            return raw;
        }
        switch (secrecy) {
            case SECRET:
                return Secrets.MASK;
            case URL_PASSWORD:
                return Secrets.maskUrl(raw);
            default:
                return raw;
        }
    }

    public static ConfigKey byProperty(String property) {
        for (ConfigKey key : values()) {
            if (key.property.equals(property)) {
                return key;
            }
        }
        return null;
    }

    enum Secrecy { PLAIN, SECRET, URL_PASSWORD }

    /** What to do with a webhook found before polling. */
    public enum WebhookPolicy { DELETE, REFUSE }

    /** Dashboard theme. */
    public enum Theme { LIGHT, DARK }

    /** How the SMTP connection is protected. */
    public enum MailSecurity { STARTTLS, TLS, NONE }

    /** An alert severity as a setting (a channel's minimum); the same names as the monitor's severities. */
    public enum AlertLevel { INFO, WARNING, CRITICAL }
}
