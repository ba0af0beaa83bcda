package dev.botops.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flyway migrations from {@code db/migration}; run at start before any service touches the schema. */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Migrates the schema and returns the current schema version. */
    public static String migrate(Database database) {
        Flyway flyway = flyway(database);
        MigrateResult result;
        try {
            result = flyway.migrate();
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw SqlErrors.translate(e, "Database migration");
        }
        if (result.migrationsExecuted > 0) {
            log.info("Applied {} database migration(s); schema version {}", result.migrationsExecuted, result.targetSchemaVersion);
        }
        return currentVersion(database);
    }

    /** The applied schema version, or "none" on an empty database. */
    public static String currentVersion(Database database) {
        MigrationInfo current = flyway(database).info().current();
        return current == null ? "none" : current.getVersion().getVersion();
    }

    private static Flyway flyway(Database database) {
        return Flyway.configure()
                .dataSource(database.dataSource())
                .locations("classpath:db/migration")
                .connectRetries(0)
                .load();
    }
}
