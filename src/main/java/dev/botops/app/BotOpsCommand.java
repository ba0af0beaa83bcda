package dev.botops.app;

import dev.botops.app.desktop.DashboardLauncher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code botops} with no sub-command: the desktop dashboard. */
@Command(name = "botops", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "BotOps Console: keeps a Telegram bot and its quota-limited PostgreSQL alive.",
        subcommands = {ServeCommand.class, StatusCommand.class, MaintenanceCommand.class, AlertsCommand.class, ArchiveCommand.class})
public final class BotOpsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions options = new GlobalOptions();

    @Override
    public Integer call() {
        return DashboardLauncher.run(options.load());
    }
}
