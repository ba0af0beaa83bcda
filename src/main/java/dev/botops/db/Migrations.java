package dev.botops.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BotOps' migrations ({@code db/migration/V<version>__<name>.sql}), applied into its own schema
 * ({@code database.schema}) at start, before any service touches it; and a read-only look at the schema for
 * {@code status} and the monitor-only mode.
 *
 * <p>Pooler-safe, unlike Flyway (which sets the session's search path and role): each pending migration runs in a
 * transaction of its own, through {@link Database}, so the search path is the schema for that transaction only,
 * and the transaction first takes a transaction-level advisory lock, so instances starting at once migrate once
 * (the others wait, then find nothing left to do). A migration's checksum is recorded; a changed released
 * migration, a migration this app does not know and a schema newer than this app are refused in the app's words,
 * before anything is changed.
 *
 * <p>BotOps 0.1.0 kept its tables in {@code public}; the first start of a later version moves them into the schema
 * (see {@link LegacyLayout}), in one transaction.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);
    /** Advisory lock class ('botp'); the object id is the schema name's hash, so two schemas never wait for each other. */
    private static final int LOCK_CLASS = 0x626F7470;

    private Migrations() {
    }

    /**
     * Refuses a server older than PostgreSQL 14, moves a 0.1.0 layout, applies every pending migration, and
     * returns the schema's version.
     *
     * @throws MigrationRefusedException when the schema is in a state this app will not migrate
     * @throws DatabaseException         when the database cannot be reached or a migration fails
     */
    public static String migrate(Database database) {
        ServerVersion.check(database);
        List<Migration> files = Migration.all();
        String schema = database.schema();
        int applied = 0;
        try {
            while (database.inTransaction(Work.MIGRATION, c -> step(c, schema, files))) {
                applied++;
            }
        } catch (MigrationRefusedException e) {
            throw e;
        } catch (DatabaseException e) {
            if ("42501".equals(e.sqlState())) {
                throw new MigrationRefusedException("The database role may not install or migrate BotOps' schema " + schema
                        + " (" + e.getMessage() + "). Run BotOps once as a role that may (GRANT CREATE ON DATABASE to this role, or "
                        + "use the schema's owner), or run it with a role that only reads as a monitor. Nothing was changed.");
            }
            throw new DatabaseException(e.kind(), "Database migration failed: " + e.getMessage(), e.sqlState(), e);
        }
        String version = Migration.versionOf(files);
        if (applied > 0) {
            log.info("Database schema {} migrated to version {} ({} step(s))", schema, version, applied);
        }
        return version;
    }

    /** The applied version of the schema, or {@code "none"} when it is not installed; reads only. */
    public static String currentVersion(Database database) {
        SchemaState state = inspect(database);
        return state.installedVersion() == null ? "none" : state.installedVersion();
    }

    /**
     * What the schema looks like to this role, in a read-only transaction: writes nothing, creates nothing (not
     * even the schema), takes no lock beyond reading the catalog and the history.
     */
    public static SchemaState inspect(Database database) {
        List<Migration> files = Migration.all();
        String schema = database.schema();
        return database.readOnly(Work.CLI, c -> inspect(c, schema, files));
    }

    /** One transaction of {@link #migrate}: the 0.1.0 move, or the next pending migration. False when nothing was left. */
    private static boolean step(Connection c, String schema, List<Migration> files) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
            lock.setInt(1, LOCK_CLASS);
            lock.setInt(2, schema.hashCode());
            lock.execute();
        }
        boolean installed = MigrationHistory.exists(c, schema);
        Optional<List<LegacyLayout.Applied>> legacy = LegacyLayout.detect(c, files);
        if (legacy.isPresent()) {
            if (installed) {
                throw new MigrationRefusedException("BotOps' tables are both in schema public (installed by BotOps 0.1.0, with its "
                        + "history in public.flyway_schema_history) and in schema " + schema + ". Nothing was changed: keep the set "
                        + "with your data and drop the other by hand (for 0.1.0's, its tables and public.flyway_schema_history).");
            }
            LegacyLayout.move(c, schema, legacy.get());
            return true;
        }
        MigrationHistory.create(c, schema);
        TreeMap<Migration.Version, MigrationHistory.Row> applied = MigrationHistory.read(c, schema);
        String problem = problem(applied, files, schema);
        if (problem != null) {
            throw new MigrationRefusedException(problem);
        }
        Optional<Migration> next = files.stream().filter(m -> !applied.containsKey(m.version())).findFirst();
        if (next.isEmpty()) {
            return !installed;
        }
        Migration m = next.get();
        long started = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute(m.sql());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        try (PreparedStatement ps = c.prepareStatement(MigrationHistory.INSERT.formatted(schema))) {
            MigrationHistory.bind(ps, m, null, null, null, millis);
            ps.execute();
        }
        log.info("Applied migration {} to schema {} in {} ms", m.display(), schema, millis);
        return true;
    }

    /**
     * What keeps this app from using the applied migrations, in its own words, or null: a changed migration, one
     * this app does not know, or a schema newer than the app.
     */
    private static String problem(Map<Migration.Version, MigrationHistory.Row> applied, List<Migration> files, String schema) {
        Map<Migration.Version, Migration> known = new TreeMap<>();
        files.forEach(m -> known.put(m.version(), m));
        Migration.Version latest = files.isEmpty() ? null : files.get(files.size() - 1).version();
        List<String> newer = new ArrayList<>();
        for (MigrationHistory.Row row : applied.values()) {
            Migration file = known.get(row.version());
            if (file == null) {
                if (latest == null || row.version().compareTo(latest) > 0) {
                    newer.add(row.version().toString());
                    continue;
                }
                return "Schema " + schema + " has migration " + row.version() + " (" + row.description() + ") applied, which this "
                        + "BotOps does not have: it was installed by another build of BotOps. Run that build, or one that includes "
                        + "the migration. Nothing was changed.";
            }
            if (!file.checksum().equals(row.checksum())) {
                return "Migration " + file.display() + " in schema " + schema + " was applied with different contents than this "
                        + "BotOps has (checksum " + abbreviate(row.checksum()) + " in the database, " + abbreviate(file.checksum())
                        + " in " + file.script() + "). Released migrations never change: run the BotOps version that applied it, "
                        + "or restore " + file.script() + ". Nothing was changed.";
            }
        }
        if (!newer.isEmpty()) {
            return "Schema " + schema + " was upgraded by a newer BotOps (it has migration " + String.join(", ", newer) + "; this "
                    + "BotOps knows up to " + latest + "). Run that version or a later one; this one would not understand the "
                    + "tables. Nothing was changed.";
        }
        return null;
    }

    private static String abbreviate(String checksum) {
        return checksum == null ? "none" : checksum.substring(0, Math.min(12, checksum.length()));
    }

    private static SchemaState inspect(Connection c, String schema, List<Migration> files) throws SQLException {
        String latest = Migration.versionOf(files);
        boolean schemaExists = MigrationHistory.schemaExists(c, schema);
        boolean installed = schemaExists && MigrationHistory.exists(c, schema);
        Optional<List<LegacyLayout.Applied>> legacy = LegacyLayout.detect(c, files);
        if (legacy.isPresent() && !installed) {
            List<String> tables = LegacyLayout.tables(c, legacy.get());
            boolean can = mayCreateIn(c, schema, schemaExists) && LegacyLayout.ownsAll(c, tables);
            List<String> pending = files.stream().filter(m -> legacy.get().stream().noneMatch(a -> a.migration().equals(m)))
                    .map(Migration::display).toList();
            return new SchemaState(SchemaState.Status.LEGACY_PUBLIC, schema, versionOfLegacy(legacy.get()), latest, pending, can, false,
                    null);
        }
        if (!installed) {
            return new SchemaState(SchemaState.Status.NOT_INSTALLED, schema, null, latest, files.stream().map(Migration::display).toList(),
                    mayCreateIn(c, schema, schemaExists), false, null);
        }
        boolean canMigrate = mayCreateIn(c, schema, true);
        if (!MigrationHistory.readable(c, schema)) {
            return new SchemaState(SchemaState.Status.UNREADABLE, schema, null, latest, List.of(), canMigrate, false,
                    "BotOps schema " + schema + " exists, but this role may not read it: GRANT USAGE ON SCHEMA " + schema
                            + " and SELECT on its tables to it (see the privileges page), or connect as the role that installed it.");
        }
        TreeMap<Migration.Version, MigrationHistory.Row> applied = MigrationHistory.read(c, schema);
        String installedVersion = applied.isEmpty() ? null : applied.lastKey().toString();
        boolean canWrite = mayWrite(c, schema);
        String problem = problem(applied, files, schema);
        if (problem != null) {
            SchemaState.Status status = problem.contains("newer BotOps") ? SchemaState.Status.NEWER_THAN_APP : SchemaState.Status.MODIFIED;
            return new SchemaState(status, schema, installedVersion, latest, List.of(), canMigrate, canWrite, problem);
        }
        List<String> pending = files.stream().filter(m -> !applied.containsKey(m.version())).map(Migration::display).toList();
        return new SchemaState(pending.isEmpty() ? SchemaState.Status.CURRENT : SchemaState.Status.PENDING, schema, installedVersion,
                latest, pending, canMigrate, canWrite, null);
    }

    private static String versionOfLegacy(List<LegacyLayout.Applied> applied) {
        return applied.get(applied.size() - 1).migration().version().toString();
    }

    /** CREATE on the database while the schema is missing; once it exists, membership in its owner or CREATE on it. */
    private static boolean mayCreateIn(Connection c, String schema, boolean schemaExists) throws SQLException {
        if (!schemaExists) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT has_database_privilege(current_database(), 'CREATE')")) {
                return rs.next() && rs.getBoolean(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_has_role(nspowner, 'USAGE') OR has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on each of its tables (partitions are written through their parents). */
    private static boolean mayWrite(Connection c, String schema) throws SQLException {
        // has_table_privilege with several privileges is true when any one is held: ask for each.
        try (PreparedStatement ps = c.prepareStatement("SELECT has_schema_privilege(n.oid, 'USAGE') AND coalesce(bool_and("
                + "has_table_privilege(t.oid, 'SELECT') AND has_table_privilege(t.oid, 'INSERT') AND has_table_privilege(t.oid, 'UPDATE') "
                + "AND has_table_privilege(t.oid, 'DELETE')), false) FROM pg_namespace n "
                + "LEFT JOIN pg_class t ON t.relnamespace = n.oid AND t.relkind IN ('r', 'p') AND NOT t.relispartition "
                + "WHERE n.nspname = ? GROUP BY n.oid")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
