package dev.botops.app;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code botops serve}: every service without a screen, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the services without a screen (for servers).")
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    BotOpsCommand parent;

    @Override
    public Integer call() throws InterruptedException {
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        AppContext context = AppContext.start(parent.options.load());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping (signal received)");
            context.close();
            stopped.countDown();
        }, "botops-shutdown"));
        context.startBackgroundServices();
        log.info("BotOps Console serving; connected to {}", context.database().target().display());
        stopped.await();
        return 0;
    }
}
