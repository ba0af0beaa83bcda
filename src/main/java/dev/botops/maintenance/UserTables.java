package dev.botops.maintenance;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one rule for what maintenance may act on: ordinary user tables (plain or partitioned) that the role BotOps
 * connects as owns. Never the system catalogs ({@code pg_catalog}, {@code information_schema}), TOAST tables,
 * temporary tables, views, indexes or sequences, nor a table of another role. Cleanup, VACUUM and retention
 * policies all go through it, from the dashboard, the HTTP endpoint and the command line; each edge maps a
 * {@link TableRefusedException} to its own answer (400, exit code 2, a message on screen).
 */
final class UserTables {
    /** Why a relation is refused. */
    enum Refusal { SYSTEM, TOAST, TEMPORARY, NOT_A_TABLE, NOT_OWNED }

    /**
     * The rule in SQL, over {@code pg_class c} joined with {@code pg_namespace n}: the name of a {@link Refusal}, or
     * NULL for a table maintenance may act on. Lookups select it; lists filter on {@code (REFUSAL) IS NULL}.
     */
    static final String REFUSAL = "(CASE WHEN n.nspname IN ('pg_catalog', 'information_schema') THEN 'SYSTEM' "
            + "WHEN n.nspname LIKE 'pg\\_toast%' THEN 'TOAST' "
            + "WHEN c.relpersistence = 't' OR n.nspname LIKE 'pg\\_temp\\_%' THEN 'TEMPORARY' "
            + "WHEN c.relkind NOT IN ('r', 'p') THEN 'NOT_A_TABLE' "
            + "WHEN NOT pg_has_role(c.relowner, 'USAGE') THEN 'NOT_OWNED' END)";

    private UserTables() {
    }

    /** The table a name resolves to, when maintenance may act on it; otherwise {@link TableRefusedException} saying why. */
    static TableRef require(Connection c, String name) throws SQLException {
        Catalog.Relation relation;
        try {
            relation = Catalog.relation(c, name).orElseThrow(() -> new TableRefusedException("No table named '" + name
                    + "' in the database."));
        } catch (SQLException e) {
            if ("42602".equals(e.getSQLState()) || "42601".equals(e.getSQLState())) { // invalid name syntax
                throw new TableRefusedException("'" + name + "' is not a table name (schema.table, quoted where needed).");
            }
            throw e;
        }
        if (relation.refusal() != null) {
            throw new TableRefusedException(reason(relation, c.getMetaData().getUserName()));
        }
        return relation.table();
    }

    /** Why maintenance does not act on this relation, for people. */
    static String reason(Catalog.Relation r, String role) {
        String name = r.table().display();
        switch (r.refusal()) {
            case SYSTEM:
                return name + " is a system catalog table: maintenance acts only on the database's own tables, never on "
                        + "pg_catalog or information_schema (PostgreSQL maintains those itself).";
            case TOAST:
                return name + " is a TOAST table (PostgreSQL's storage for the long values of another table): maintain the table it "
                        + "belongs to instead.";
            case TEMPORARY:
                return name + " is a temporary table of a database session: maintenance acts only on permanent tables.";
            case NOT_A_TABLE:
                return name + " is " + kind(r.kind()) + ", not a table: maintenance acts only on tables.";
            case NOT_OWNED:
                return name + " belongs to role " + r.owner() + ", not to " + role + " (the role BotOps connects as): maintenance acts "
                        + "only on the tables its role owns.";
            default:
                throw new IllegalStateException("Unknown refusal " + r.refusal());
        }
    }

    private static String kind(char relkind) {
        switch (relkind) {
            case 'v':
                return "a view";
            case 'm':
                return "a materialized view";
            case 'i':
            case 'I':
                return "an index";
            case 'S':
                return "a sequence";
            case 'f':
                return "a foreign table";
            case 'c':
                return "a composite type";
            default:
                return "a relation of kind '" + relkind + "'";
        }
    }
}
