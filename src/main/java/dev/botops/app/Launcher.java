package dev.botops.app;

import dev.botops.config.AppPaths;
import dev.botops.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
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
        prepareLogDirectory();
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

    /** Logback reads {@code botops.log.dir} when it starts, so it is set before the first logger is made. */
    private static void prepareLogDirectory() {
        if (System.getProperty("botops.log.dir") != null) {
            return;
        }
        Map<String, String> env = System.getenv();
        String dataDir = env.get("BOTOPS_DATA_DIR");
        Path base = dataDir != null && !dataDir.isBlank() ? Path.of(dataDir) : AppPaths.defaultDataDir(env);
        System.setProperty("botops.log.dir", base.resolve("logs").toString());
    }
}
