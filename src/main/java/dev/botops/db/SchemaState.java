package dev.botops.db;

import java.util.List;

/**
 * What {@link Migrations#inspect} found, without writing anything: whether BotOps' schema is installed and at
 * which version, what this app would still apply, and what the connected role may do there. The monitor-only
 * mode and {@code botops status} are decided from it.
 *
 * @param schema           {@code database.schema}
 * @param installedVersion the latest applied migration, or {@code null} when nothing is installed (or unreadable)
 * @param latestVersion    this app's latest migration
 * @param pending          migrations this app would apply, in order (e.g. {@code 6.1 (schema history)})
 * @param canMigrate       the role could install or migrate: CREATE on the database while the schema is missing;
 *                         once it exists, membership in its owner role or CREATE on it (for the 0.1.0 move, also
 *                         ownership of the tables in {@code public})
 * @param canWrite         the role may read and write every table in the schema (false while it is not installed)
 * @param problem          for {@link Status#NEWER_THAN_APP}, {@link Status#MODIFIED} and {@link Status#UNREADABLE}:
 *                         what is wrong and what to do; otherwise {@code null}
 */
public record SchemaState(Status status, String schema, String installedVersion, String latestVersion, List<String> pending,
                          boolean canMigrate, boolean canWrite, String problem) {

    /** The schema's state, as far as this role can tell. */
    public enum Status {
        /** No BotOps schema (and no 0.1.0 tables): a writing start installs it. */
        NOT_INSTALLED,
        /** BotOps 0.1.0's tables are in {@code public}: a writing start moves them into the schema. */
        LEGACY_PUBLIC,
        /** Installed; this app has migrations still to apply. */
        PENDING,
        /** Installed at this app's latest version. */
        CURRENT,
        /** Installed by a newer BotOps: this app refuses to migrate or write. */
        NEWER_THAN_APP,
        /** An applied migration differs from this app's file, or is one this app does not know (another build). */
        MODIFIED,
        /** The schema exists, but this role cannot read its migration history. */
        UNREADABLE
    }

    public SchemaState {
        pending = List.copyOf(pending);
    }

    /** The schema exists with BotOps' history in it (whatever its version). */
    public boolean installed() {
        return status != Status.NOT_INSTALLED && status != Status.LEGACY_PUBLIC;
    }

    /** The app can use the schema as it is: installed at exactly its version. */
    public boolean current() {
        return status == Status.CURRENT;
    }

    /** One or two sentences for people: what was found and, where something is needed, what to do. */
    public String describe() {
        switch (status) {
            case NOT_INSTALLED:
                return "BotOps is not installed in this database (no schema " + schema + "). "
                        + (canMigrate ? "The next start that may write installs it." : "This role may not create it: "
                        + "an owner can run BotOps once, or GRANT CREATE ON DATABASE to this role.");
            case LEGACY_PUBLIC:
                return "BotOps 0.1.0's tables are in schema public. The next start that may write moves them into schema " + schema
                        + (canMigrate ? "." : ", but this role may not: run BotOps once as the tables' owner.");
            case PENDING:
                return "BotOps schema " + schema + " is at version " + installedVersion + "; this app would apply "
                        + String.join(", ", pending) + (canMigrate ? " at its next start." : ", but this role may not.");
            case CURRENT:
                return "BotOps schema " + schema + " is at version " + installedVersion + " (current)"
                        + (canWrite ? "." : "; this role can only read it.");
            default:
                return problem;
        }
    }
}
