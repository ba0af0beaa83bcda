package dev.botops.db;

import java.time.Duration;

/**
 * Which part of the app holds a connection, and the bounds its statements run under. The label becomes
 * {@code application_name = 'botops:<label>'} so {@code pg_stat_activity} shows who holds what.
 * A zero timeout means the configured default ({@code database.statement-timeout}, {@code database.lock-timeout}).
 *
 * @param rolesSearchPath false (the usual): the work's search path is BotOps' schema, so its unqualified names are
 *                        BotOps' tables. True ({@link #onOperatorTables()}): the role's own default search path, for
 *                        work that changes the operator's tables by schema-qualified names, so that their triggers
 *                        and functions, which name things as the operator's sessions see them, still work.
 */
public record Work(String label, Duration statementTimeout, Duration lockTimeout, boolean rolesSearchPath) {
    public static final String APPLICATION_PREFIX = "botops";

    public static final Work CLI = new Work("cli", Duration.ZERO, Duration.ZERO);
    public static final Work MIGRATION = new Work("migration", Duration.ofMinutes(10), Duration.ofSeconds(30));
    public static final Work MONITOR = new Work("monitor", Duration.ofSeconds(5), Duration.ofMillis(200));
    public static final Work BOT = new Work("bot", Duration.ofSeconds(10), Duration.ofSeconds(2));
    public static final Work LEASE = new Work("lease", Duration.ofSeconds(5), Duration.ofSeconds(1));
    public static final Work MAINTENANCE = new Work("maintenance", Duration.ZERO, Duration.ofSeconds(1));
    /** A label only: VACUUM runs outside a transaction ({@link Database#outsideTransaction}), under the role's own timeouts. */
    public static final Work VACUUM = new Work("vacuum", Duration.ZERO, Duration.ZERO);
    public static final Work HTTP = new Work("http", Duration.ofSeconds(5), Duration.ofSeconds(1));
    public static final Work UI = new Work("ui", Duration.ofSeconds(10), Duration.ofSeconds(2));

    public Work {
        if (!label.matches("[a-z][a-z0-9-]{0,30}")) {
            throw new IllegalArgumentException("work label must be short lowercase: " + label);
        }
    }

    /** Work in BotOps' own schema (its search path). */
    public Work(String label, Duration statementTimeout, Duration lockTimeout) {
        this(label, statementTimeout, lockTimeout, false);
    }

    /**
     * The same work under the role's default search path instead of BotOps' schema: for statements on the operator's
     * tables (always schema-qualified), whose triggers may name other tables unqualified.
     */
    public Work onOperatorTables() {
        return new Work(label, statementTimeout, lockTimeout, true);
    }

    public String applicationName() {
        return APPLICATION_PREFIX + ":" + label;
    }
}
