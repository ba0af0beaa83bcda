package dev.botops.app;

import dev.botops.db.DatabaseException;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code botops serve}: every service without a screen, logging to stdout and the log directory, until
 * SIGTERM or Ctrl-C; then it stops the services in order and exits with status 0 (see {@link OrderlyShutdown}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the services without a screen (for servers).")
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    BotOpsCommand parent;

    @Override
    public Integer call() throws InterruptedException {
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        var settings = parent.options.load();
        OrderlyShutdown shutdown = OrderlyShutdown.install();
        AppContext context;
        try {
            context = AppContext.start(settings);
        } catch (DatabaseException e) {
            // A plain message and a non-zero exit, so systemd's Restart=on-failure tries again later.
            shutdown.release();
            log.error("Cannot serve: {}", e.getMessage());
            return StatusCommand.EXIT_UNREACHABLE;
        } catch (RuntimeException e) {
            shutdown.release();
            throw e;
        }
        shutdown.started(context);
        context.startBackgroundServices();
        log.info("BotOps Console {} serving; connected to {}; logs in {}", VersionProvider.version(),
                context.database().target().display(), settings.logDir());
        shutdown.awaitStopped();
        return 0;
    }
}
