package dev.botops.app;

import dev.botops.config.AppPaths;
import dev.botops.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The one entry point: {@code botops} opens the dashboard; {@code serve}, {@code status} and
 * {@code maintenance} run without a screen. Exit code 2 means bad configuration or usage.
 */
public final class Launcher {
    public static final int EXIT_CONFIG = 2;

    private Launcher() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (separate from main for tests). */
    public static int run(String... args) {
        prepareLogging(args);
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BotOpsCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                commandLine.getErr().println("Configuration error: " + ex.getMessage());
                return EXIT_CONFIG;
            }
            throw ex;
        });
        return cli;
    }

    /**
     * Logback reads {@code botops.log.dir} and {@code botops.log.console} when it starts, so they are set
     * before the first logger is made, from a throw-away parse of the same arguments: the log directory
     * follows the configured data directory (file, environment or {@code --set app.data-dir}), and
     * {@code serve} logs to stdout (what systemd's journal and container log collectors read) while the
     * other commands keep stdout for their own output.
     */
    private static void prepareLogging(String[] args) {
        BotOpsCommand probe = new BotOpsCommand();
        String command = "";
        try {
            CommandLine.ParseResult parsed = new CommandLine(probe).parseArgs(args);
            command = parsed.hasSubcommand() ? parsed.subcommand().commandSpec().name() : "";
        } catch (CommandLine.ParameterException e) {
            // execute() reports the usage error; logging just takes its defaults.
        }
        if (System.getProperty("botops.log.dir") == null) {
            System.setProperty("botops.log.dir", logDirectory(probe.options).toString());
        }
        if (System.getProperty("botops.log.console") == null && command.equals("serve")) {
            System.setProperty("botops.log.console", "System.out");
        }
    }

    private static Path logDirectory(GlobalOptions options) {
        try {
            return options.load().logDir();
        } catch (RuntimeException e) {
            // Bad configuration: the command itself reports it (exit code 2); log to the default place meanwhile.
            return AppPaths.defaultDataDir(System.getenv()).resolve("logs");
        }
    }
}
