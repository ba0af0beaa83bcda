package dev.botops.db;

/**
 * The schema is in a state this app will not migrate or use (changed or unknown migrations, a newer BotOps,
 * 0.1.0's tables next to a schema that already has them, a role without the rights): the message says what was
 * found and what to do, and that nothing was changed.
 */
public final class MigrationRefusedException extends DatabaseException {
    private static final long serialVersionUID = 1L;

    public MigrationRefusedException(String message) {
        super(Kind.FAILED, message, null, null);
    }
}
