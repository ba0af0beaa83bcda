package dev.botops.app;

import dev.botops.config.Settings;
import dev.botops.db.DatabaseException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code botops status}: what the app is connected to and how the database is doing. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Print the database connection and schema version.")
public final class StatusCommand implements Callable<Integer> {
    /** Nagios convention: 0 OK, 1 warning, 2 critical, 3 unknown / unreachable. */
    public static final int EXIT_UNREACHABLE = 3;

    @ParentCommand
    BotOpsCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Settings settings = parent.options.load();
        PrintWriter out = spec.commandLine().getOut();
        try (AppContext context = AppContext.start(settings)) {
            out.println("Database:       " + context.database().target().display());
            out.println("Schema version: " + context.schemaVersion());
            out.flush();
            return 0;
        } catch (DatabaseException e) {
            spec.commandLine().getErr().println("Database unreachable: " + e.getMessage());
            return EXIT_UNREACHABLE;
        }
    }
}
