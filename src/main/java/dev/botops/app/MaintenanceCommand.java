package dev.botops.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code botops maintenance}: one maintenance run for cron. */
@Command(name = "maintenance", mixinStandardHelpOptions = true, description = "Run maintenance once and exit (for cron).")
public final class MaintenanceCommand implements Callable<Integer> {
    @ParentCommand
    BotOpsCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        parent.options.load();
        spec.commandLine().getErr().println("Maintenance runs are not available in this build yet.");
        return 1;
    }
}
