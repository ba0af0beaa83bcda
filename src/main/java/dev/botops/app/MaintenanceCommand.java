package dev.botops.app;

import dev.botops.config.Settings;
import dev.botops.db.DatabaseException;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.RunSummary;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code botops maintenance}: one retention cleanup (and VACUUM on request) for cron, then exit. */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = {"Run maintenance once and exit (for cron): retention cleanup of every enabled policy.",
                "Exit codes: 0 done; 1 the run failed or was cancelled; 2 bad configuration or usage (including a --table "
                        + "that maintenance does not act on, such as a system catalog); "
                        + "3 database unreachable; 4 skipped because another maintenance run is active."})
public final class MaintenanceCommand implements Callable<Integer> {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_SKIPPED = 4;

    @ParentCommand
    BotOpsCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Report exactly what would be deleted, and the space, without deleting anything.")
    boolean dryRun;

    @Option(names = "--vacuum", description = "VACUUM (ANALYZE) the cleaned tables (or the --table ones) afterwards.")
    boolean vacuum;

    @Option(names = "--full", description = "With --vacuum: VACUUM FULL (exclusive lock; refused when the quota has no room for a copy).")
    boolean full;

    @Option(names = "--table", paramLabel = "NAME", description = "Only this table (repeatable).")
    List<String> tables = List.of();

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = parent.options.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (full && !vacuum) {
            err.println("--full needs --vacuum: VACUUM FULL is only run when asked for explicitly.");
            return Launcher.EXIT_CONFIG;
        }
        try (AppContext context = AppContext.start(settings)) {
            // Ctrl-C or SIGTERM: cancel between batches and close in order instead of dying mid-batch.
            Thread hook = new Thread(context::close, "botops-maintenance-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return runOnce(context, out, err);
            } finally {
                removeHook(hook);
            }
        } catch (DatabaseException e) {
            err.println("Database unreachable: " + e.getMessage());
            return StatusCommand.EXIT_UNREACHABLE;
        }
    }

    private int runOnce(AppContext context, PrintWriter out, PrintWriter err) throws InterruptedException {
        RunRequest request = RunRequest.cleanup(dryRun).withTables(new LinkedHashSet<>(tables));
        if (vacuum) {
            request = request.withVacuum(new RunRequest.VacuumOptions(true, full));
        }
        StartResult start = context.maintenance().start(request, Trigger.CLI, "cli:" + System.getProperty("user.name", "unknown"));
        if (!start.started()) {
            err.println("Maintenance did not run: " + start.reason());
            switch (start.status()) {
                case BUSY:
                    return EXIT_SKIPPED;
                case INVALID:
                    return Launcher.EXIT_CONFIG;
                default:
                    return EXIT_FAILED;
            }
        }
        RunReport report;
        try {
            report = start.completion().get();
        } catch (ExecutionException e) {
            err.println("Maintenance failed: " + e.getCause().getMessage());
            return EXIT_FAILED;
        }
        if (report == null) {
            err.println("Maintenance run " + start.runId() + " ended without a report; see the log.");
            return EXIT_FAILED;
        }
        RunSummary.lines(report).forEach(out::println);
        out.flush();
        if (report.outcome() != Outcome.SUCCEEDED) {
            err.println("Maintenance run " + report.runId() + " " + report.outcome() + (report.error() != null ? ": " + report.error() : ""));
            return EXIT_FAILED;
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook is running
        }
    }
}
