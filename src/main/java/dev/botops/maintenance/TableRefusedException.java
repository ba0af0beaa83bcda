package dev.botops.maintenance;

/**
 * A request named a table maintenance does not act on (a system catalog, another role's table, a view, one that
 * does not exist): bad usage, answered with 400 over HTTP and exit code 2 on the command line. The message says why.
 */
public final class TableRefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TableRefusedException(String message) {
        super(message);
    }
}
