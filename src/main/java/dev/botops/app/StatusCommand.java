package dev.botops.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.botops.config.DatabaseUrl;
import dev.botops.config.Settings;
import dev.botops.db.DatabaseException;
import dev.botops.monitor.HealthReport;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botops status}: the database's health report, for a person or (with {@code --json}) a program. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Check the database: size against the quota, connections, top tables, active alerts and the forecast.",
                "Exit code (Nagios convention): 0 OK, 1 warning, 2 critical, 3 unreachable or unknown.",
                "Bad configuration also exits with 2, like every command, with the problem on stderr."})
public final class StatusCommand implements Callable<Integer> {
    /** Nagios convention: 0 OK, 1 warning, 2 critical, 3 unknown / unreachable. */
    public static final int EXIT_UNREACHABLE = HealthReport.Health.UNREACHABLE.exitCode();

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    @ParentCommand
    BotOpsCommand parent;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        HealthReport report = check(parent.options.load());
        if (report.health() == HealthReport.Health.UNREACHABLE) {
            spec.commandLine().getErr().println("Database unreachable: " + report.error());
        }
        if (json) {
            out.println(JSON.writeValueAsString(report));
        } else {
            StatusText.print(report, out);
        }
        out.flush();
        return report.health().exitCode();
    }

    private static HealthReport check(Settings settings) {
        try (AppContext context = AppContext.start(settings)) {
            return context.healthCheck().check(context.database().target().display(), context.schemaVersion());
        } catch (DatabaseException e) {
            String database = settings.databaseUrl().map(DatabaseUrl::display).orElse("embedded PostgreSQL");
            return HealthReport.unreachable(database, Instant.now(), e.getMessage(), List.of());
        }
    }
}
