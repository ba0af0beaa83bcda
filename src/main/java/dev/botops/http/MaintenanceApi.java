package dev.botops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botops.db.DatabaseException;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code POST /database/cleanup}, {@code POST /database/vacuum} and the run log ({@code GET /maintenance/runs},
 * {@code GET /maintenance/runs/{id}}). Starting a run needs the bearer token and is rate limited; the run
 * itself executes on the maintenance service's thread, recorded with trigger HTTP and the caller's address.
 *
 * <p>Reading the run log takes a pooled connection, so those reads go one at a time: however many clients
 * ask, the endpoint never holds more than one of the pool's few connections.
 */
final class MaintenanceApi {
    static final String ENABLE_HINT = "Set http.token (environment variable BOTOPS_HEALTH_TOKEN) to a long random secret and restart; "
            + "then send it as 'Authorization: Bearer <token>'.";
    /** A dry run answers with its preview when it finishes within this; otherwise like a real run, with 202. */
    static final long DRY_RUN_WAIT_SECONDS = 20;
    private static final long DB_READ_WAIT_SECONDS = 2;
    /** Plain or schema-qualified names, optionally double-quoted: what VACUUM accepts, minus anything surprising. */
    private static final Pattern TABLE_NAME = Pattern.compile("(\"[^\"\\p{Cntrl}]{1,63}\"|[A-Za-z_][A-Za-z0-9_$]{0,62})"
            + "(\\.(\"[^\"\\p{Cntrl}]{1,63}\"|[A-Za-z_][A-Za-z0-9_$]{0,62}))?");
    private static final int MAX_TABLES = 50;

    private final MaintenanceService maintenance;
    private final BearerAuth auth;
    private final RateLimiter limiter;
    private final RecentRuns recentRuns;
    private final Semaphore databaseReads = new Semaphore(1);

    MaintenanceApi(MaintenanceService maintenance, BearerAuth auth, RateLimiter limiter, RecentRuns recentRuns) {
        this.maintenance = maintenance;
        this.auth = auth;
        this.limiter = limiter;
        this.recentRuns = recentRuns;
    }

    Response cleanup(Request request) {
        auth.check(request, ENABLE_HINT);
        boolean dryRun = request.flag("dryRun", false);
        requireNoBodyParameters(request);
        limiter.acquire("maintenance");
        StartResult result = maintenance.startCleanup(dryRun, Trigger.HTTP, request.callerAddress());
        if (!result.started()) {
            throw refusal(result);
        }
        watch(result);
        return dryRun ? preview(result) : accepted(result);
    }

    Response vacuum(Request request) {
        auth.check(request, ENABLE_HINT);
        Set<String> tables = tables(request.query().get("table"));
        boolean analyze = request.flag("analyze", false);
        boolean full = request.flag("full", false);
        requireNoBodyParameters(request);
        limiter.acquire("maintenance");
        StartResult result = maintenance.startVacuum(tables, analyze, full, Trigger.HTTP, request.callerAddress());
        if (!result.started()) {
            throw refusal(result);
        }
        watch(result);
        return accepted(result);
    }

    Response runs(Request request) {
        int limit = request.integer("limit", 20, 1, 500);
        List<RunRecord> runs = readDatabase(() -> maintenance.runs(limit));
        ObjectNode body = HttpJson.MAPPER.createObjectNode();
        body.put("limit", limit);
        body.putArray("runs").addAll(runs.stream().map(RunJson::summary).collect(Collectors.toList()));
        return HttpJson.ok(200, body);
    }

    Response run(Request request) {
        String text = request.pathParams().get("id");
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "A run id is a whole number, not '" + text + "'.");
        }
        RunRecord run = readDatabase(() -> maintenance.run(id))
                .orElseThrow(() -> new HttpError(404, "No maintenance run " + id + ". See GET /maintenance/runs for the latest."));
        return HttpJson.ok(200, RunJson.full(run, maintenance.progress()));
    }

    /** The run log shows the new run (and, when it ends, its outcome) at once rather than at the next periodic read. */
    private void watch(StartResult result) {
        recentRuns.refreshSoon();
        result.completion().whenComplete((report, failure) -> recentRuns.refreshSoon());
    }

    private static Response accepted(StartResult result) {
        String location = "/maintenance/runs/" + result.runId();
        ObjectNode body = HttpJson.MAPPER.createObjectNode();
        body.put("runId", result.runId());
        body.put("status", "RUNNING");
        body.put("location", location);
        return HttpJson.ok(202, body).withHeader("Location", location);
    }

    /** Waits (bounded) for the dry run and answers with what a real run would do, table by table. */
    private static Response preview(StartResult result) {
        RunReport report;
        try {
            report = result.completion().get(DRY_RUN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return accepted(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return accepted(result);
        } catch (ExecutionException e) {
            throw new HttpError(500, "The dry run " + result.runId() + " failed: " + e.getCause().getMessage());
        }
        if (report == null) {
            throw new HttpError(500, "The dry run " + result.runId() + " ended without a report; see the application log.");
        }
        ObjectNode body = HttpJson.MAPPER.createObjectNode();
        body.put("runId", report.runId());
        body.put("dryRun", true);
        body.put("outcome", report.outcome().name());
        body.put("rowsToDelete", report.rowsDeleted());
        body.put("quotaBytesToFree", report.tables().stream().mapToLong(t -> t.quotaBytesFreed()).sum());
        body.put("error", report.error());
        body.set("tables", HttpJson.MAPPER.valueToTree(report.tables()));
        return HttpJson.ok(200, body).withHeader("Location", "/maintenance/runs/" + report.runId());
    }

    private static HttpError refusal(StartResult result) {
        if (result.status() == StartResult.Status.BUSY) {
            return new HttpError(409, result.reason());
        }
        if (result.status() == StartResult.Status.INVALID) {
            return new HttpError(400, result.reason());
        }
        return new HttpError(503, result.reason(), Map.of("Retry-After", "30"));
    }

    /** Parameters go in the query string; an empty JSON object is tolerated (some clients always send one). */
    private static void requireNoBodyParameters(Request request) {
        if (request.body().length == 0) {
            return;
        }
        JsonNode body;
        try {
            body = HttpJson.MAPPER.readTree(request.body());
        } catch (IOException e) {
            throw new HttpError(400, "The request body is not valid JSON.");
        }
        if (body != null && !(body.isObject() && body.isEmpty())) {
            throw new HttpError(400, "This endpoint takes its parameters in the query string (e.g. ?dryRun=true), not in the body.");
        }
    }

    /** {@code ?table=a,b}: names checked for shape here; whether they exist is the run's to say. */
    private static Set<String> tables(String parameter) {
        if (parameter == null) {
            return Set.of();
        }
        Set<String> tables = new LinkedHashSet<>();
        for (String name : parameter.split(",")) {
            String trimmed = name.trim();
            if (!TABLE_NAME.matcher(trimmed).matches()) {
                throw new HttpError(400, "Query parameter 'table' takes table names separated by commas (schema.table allowed), not '"
                        + parameter + "'.");
            }
            tables.add(trimmed);
        }
        if (tables.size() > MAX_TABLES) {
            throw new HttpError(400, "At most " + MAX_TABLES + " tables per request.");
        }
        return tables;
    }

    private <T> T readDatabase(java.util.function.Supplier<T> read) {
        boolean acquired;
        try {
            acquired = databaseReads.tryAcquire(DB_READ_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "Interrupted while waiting to read the run log.");
        }
        if (!acquired) {
            throw new HttpError(503, "The run log is busy; try again.", Map.of("Retry-After", "1"));
        }
        try {
            return read.get();
        } catch (DatabaseException e) {
            throw new HttpError(503, "The run log cannot be read now: " + e.getMessage(), Map.of("Retry-After", "5"));
        } finally {
            databaseReads.release();
        }
    }
}
